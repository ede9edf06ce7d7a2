//! CP001 compose-image-floating: a service image with no tag, or the tag
//! `latest`, and no digest.

use super::{describe, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "CP001",
    name: "compose-image-floating",
    severity: Severity::Error,
    summary: "a Compose service `image:` with no tag or the tag `latest`, and no digest",
    doc: include_str!("../../../rules/CP001.md"),
    check: Check::Compose(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (image, value, reference) in context.resolved().filter(|(_, _, r)| r.floats()) {
        let how = match reference.tag {
            Some(_) => "floats on the `latest` tag",
            None => "has no tag and no digest",
        };
        out.push(
            Diagnostic::new(
                image.span,
                format!("{} image {} {how}", image.who(), describe(image, value)),
                format!(
                    "pin a version and its digest: `{}:<version>@sha256:<digest>`",
                    reference.name
                ),
            )
            .with_fix(crate::rules::images::pin_fix(image.span, &image.written)),
        );
    }
}
