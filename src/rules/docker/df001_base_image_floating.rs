//! DF001 base-image-floating: an image with no tag, or the tag `latest`,
//! and no digest. Whatever the registry holds today is what builds.

use super::{describe, is_resolved, noun, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DF001",
    name: "base-image-floating",
    severity: Severity::Error,
    summary: "an image with no tag or the tag `latest`, and no digest",
    doc: include_str!("../../../rules/DF001.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in context
        .build_images()
        .filter(|i| is_resolved(i) && i.reference.floats())
    {
        let how = match image.reference.tag {
            Some(_) => "floats on the `latest` tag",
            None => "has no tag and no digest",
        };
        out.push(
            Diagnostic::new(
                image.span,
                format!("{} {} {how}", noun(image), describe(image)),
                format!(
                    "pin a version and its digest: `{}:<version>@sha256:<digest>`",
                    image.reference.name
                ),
            )
            .with_fix(crate::rules::images::pin_fix(image.span, &image.written)),
        );
    }
}
