//! How GH002, GL001 and DC001 judge an image: as DF001/DF002 judge one,
//! in one finding whose severity says which — an error when it floats (no
//! tag, or `latest`), a warning when it has a tag and no digest.

use crate::finding::{Diagnostic, Fix, FixAction, Severity};
use crate::source::dockerfile::image_ref::ImageRef;
use crate::source::span::Span;

/// The finding for image `value` at `span`, named `subject` in the message
/// (``job `a` container image `node:20` ``); none when it is pinned.
pub fn judge(span: Span, subject: &str, value: &str) -> Option<Diagnostic> {
    let reference = ImageRef::parse(value);
    if reference.is_pinned() {
        return None;
    }
    if !reference.floats() {
        return Some(
            Diagnostic::new(
                span,
                format!("{subject} is not pinned by digest"),
                format!("pin it as `{value}@sha256:<digest>`"),
            )
            .with_fix(pin_fix(span, value)),
        );
    }
    let how = match reference.tag {
        Some(_) => "floats on the `latest` tag",
        None => "has no tag and no digest",
    };
    Some(
        Diagnostic::new(
            span,
            format!("{subject} {how}"),
            format!(
                "pin a version and its digest: `{}:<version>@sha256:<digest>`",
                reference.name
            ),
        )
        .with_severity(Severity::Error)
        .with_fix(pin_fix(span, value)),
    )
}

/// The safe fix for an image written as `written` at `span`: its digest,
/// looked up in its registry. None when it is written with variables, whose
/// value the file does not fix, or when it is no valid reference (quotes a
/// Dockerfile keeps, spaces).
pub fn pin_fix(span: Span, written: &str) -> Option<Fix> {
    let written = written.trim();
    // A digest written already, even a malformed one, is the author's to
    // correct: `--fix` does not replace it with today's.
    let valid = !written.is_empty()
        && !written.contains('@')
        && written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/' | ':' | '@'))
        && written.starts_with(|c: char| c.is_ascii_alphanumeric());
    valid.then(|| {
        Fix::safe(FixAction::PinImage {
            span,
            reference: written.to_owned(),
        })
    })
}
