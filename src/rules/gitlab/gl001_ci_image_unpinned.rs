//! GL001 ci-image-unpinned: an `image:` or `services:` image of a GitLab
//! pipeline (top level, `default:`, or a job) without a digest; an error
//! when it floats. An image named through a CI variable (`$IMAGE`) is
//! whatever the variable says when the job runs, and is not judged.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::image_ref::ImageRef;

pub const RULE: Rule = Rule {
    code: "GL001",
    name: "ci-image-unpinned",
    severity: Severity::Warning,
    summary: "a GitLab CI `image:` or `services:` image without a digest (an error when it floats)",
    doc: include_str!("../../../rules/GL001.md"),
    check: Check::Gitlab(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in &context.file.images {
        if image.value.contains('$') {
            continue;
        }
        let reference = ImageRef::parse(&image.value);
        if reference.is_pinned() {
            continue;
        }
        let owner = match image.owner.starts_with("the ") {
            true => image.owner.clone(),
            false => format!("job `{}`", image.owner),
        };
        let what = format!("{owner} {} `{}`", image.role, image.value);
        out.push(if reference.floats() {
            let how = match reference.tag {
                Some(_) => "floats on the `latest` tag",
                None => "has no tag and no digest",
            };
            Diagnostic::new(
                image.span,
                format!("{what} {how}"),
                format!(
                    "pin a version and its digest: `{}:<version>@sha256:<digest>`",
                    reference.name
                ),
            )
            .with_severity(Severity::Error)
        } else {
            Diagnostic::new(
                image.span,
                format!("{what} is not pinned by digest"),
                format!("pin it as `{}@sha256:<digest>`", image.value),
            )
        });
    }
}
