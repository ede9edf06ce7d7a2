//! GH002 job-image-unpinned: a job's `container:` or `services:` image
//! without a digest, written there or in the literal matrix that
//! `image: ${{ matrix.image }}` draws from; an error when it floats (no
//! tag, or `latest`).

use super::{is_expression, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::images::judge;
use crate::rules::{Check, Rule};

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
        let role = match image.role.as_str() {
            "container" => format!("job `{}` container", image.job),
            service => format!("job `{}` service `{service}`", image.job),
        };
        let from = match &image.from_matrix {
            Some(property) => format!(" (from `{property}`)"),
            None => String::new(),
        };
        let subject = format!("{role} image `{}`{from}", image.value);
        out.extend(judge(image.span, &subject, &image.value));
    }
}
