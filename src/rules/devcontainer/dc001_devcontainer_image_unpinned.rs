//! DC001 devcontainer-image-unpinned: the definition's `image` without a
//! digest; an error when it floats (no tag, or `latest`).

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::image_ref::ImageRef;

pub const RULE: Rule = Rule {
    code: "DC001",
    name: "devcontainer-image-unpinned",
    severity: Severity::Warning,
    summary: "a dev container `image` without a digest (an error when it floats)",
    doc: include_str!("../../../rules/DC001.md"),
    check: Check::Devcontainer(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((image, span)) = &context.file.image else {
        return;
    };
    if image.contains("${") {
        return;
    }
    let reference = ImageRef::parse(image);
    if reference.is_pinned() {
        return;
    }
    out.push(if reference.floats() {
        let how = match reference.tag {
            Some(_) => "floats on the `latest` tag",
            None => "has no tag and no digest",
        };
        Diagnostic::new(
            *span,
            format!("dev container image `{image}` {how}"),
            format!(
                "pin a version and its digest: `{}:<version>@sha256:<digest>`",
                reference.name
            ),
        )
        .with_severity(Severity::Error)
    } else {
        Diagnostic::new(
            *span,
            format!("dev container image `{image}` is not pinned by digest"),
            format!("pin it as `{image}@sha256:<digest>`"),
        )
    });
}
