//! GL001 ci-image-unpinned: an `image:` or `services:` image of a GitLab
//! pipeline (top level, `default:`, or a job) without a digest; an error
//! when it floats. An image named through a CI variable (`$IMAGE`) is
//! whatever the variable says when the job runs, and is not judged; nor
//! is the image of a job on GitLab's hosted macOS or Windows runners,
//! which names one of GitLab's VM images. An image that jobs merge from
//! one anchor is one finding, naming them.

use super::{on_hosted_vm, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::images::judge;
use crate::rules::{Check, Rule};
use crate::source::gitlab::{who, Owner};

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
        let in_containers: Vec<&Owner> = image
            .owners
            .iter()
            .filter(|owner| !context.pipeline.tags(owner).is_some_and(on_hosted_vm))
            .collect();
        if in_containers.is_empty() {
            continue;
        }
        let subject = format!("{} {} `{}`", who(&in_containers), image.role, image.value);
        out.extend(judge(image.span, &subject, &image.value));
    }
}
