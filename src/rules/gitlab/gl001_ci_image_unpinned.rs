//! GL001 ci-image-unpinned: an `image:` or `services:` image of a GitLab
//! pipeline (top level, `default:`, or a job) without a digest; an error
//! when it floats. An image named through a CI variable (`$IMAGE`) is
//! whatever the variable says when the job runs, and is not judged.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::images::judge;
use crate::rules::{Check, Rule};

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
        let owner = match image.owner.starts_with("the ") {
            true => image.owner.clone(),
            false => format!("job `{}`", image.owner),
        };
        let subject = format!("{owner} {} `{}`", image.role, image.value);
        out.extend(judge(image.span, &subject, &image.value));
    }
}
