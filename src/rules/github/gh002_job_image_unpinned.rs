//! GH002 job-image-unpinned: a job's `container:` or `services:` image
//! without a digest; an error when it floats (no tag, or `latest`).

use super::{is_expression, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::image_ref::ImageRef;

pub const RULE: Rule = Rule {
    code: "GH002",
    name: "job-image-unpinned",
    severity: Severity::Warning,
    summary: "a job's `container:` or `services:` image without a digest (an error when it floats)",
    doc: include_str!("../../../rules/GH002.md"),
    check: Check::Workflow(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in &context.workflow.images {
        if is_expression(&image.value) {
            continue;
        }
        let reference = ImageRef::parse(&image.value);
        if reference.is_pinned() {
            continue;
        }
        let role = match image.role.as_str() {
            "container" => format!("job `{}` container", image.job),
            service => format!("job `{}` service `{service}`", image.job),
        };
        let diagnostic = if reference.floats() {
            let how = match reference.tag {
                Some(_) => "floats on the `latest` tag",
                None => "has no tag and no digest",
            };
            Diagnostic::new(
                image.span,
                format!("{role} image `{}` {how}", image.value),
                format!(
                    "pin a version and its digest: `{}:<version>@sha256:<digest>`",
                    reference.name
                ),
            )
            .with_severity(Severity::Error)
        } else {
            Diagnostic::new(
                image.span,
                format!("{role} image `{}` is not pinned by digest", image.value),
                format!("pin it as `{}@sha256:<digest>`", image.value),
            )
        };
        out.push(diagnostic);
    }
}
