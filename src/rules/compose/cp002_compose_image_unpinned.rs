//! CP002 compose-image-unpinned: a service image with a tag but no
//! digest.

use super::{describe, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "CP002",
    name: "compose-image-unpinned",
    severity: Severity::Warning,
    summary: "a Compose service `image:` with a tag but no digest",
    doc: include_str!("../../../rules/CP002.md"),
    check: Check::Compose(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (image, value, _) in context
        .resolved()
        .filter(|(_, _, r)| !r.is_pinned() && !r.floats())
    {
        out.push(
            Diagnostic::new(
                image.span,
                format!(
                    "{} image {} is not pinned by digest",
                    image.who(),
                    describe(image, value)
                ),
                format!("pin it as `{value}@sha256:<digest>`"),
            )
            .with_fix(crate::rules::images::pin_fix(image.span, &image.written)),
        );
    }
}
