//! DF004 syntax-frontend-unpinned: a `# syntax=` directive whose frontend
//! image has no digest. The frontend is the parser and builder of the
//! Dockerfile itself; `docker/dockerfile:1` moves with every release.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::stages::ImageSource;

pub const RULE: Rule = Rule {
    code: "DF004",
    name: "syntax-frontend-unpinned",
    severity: Severity::Warning,
    summary: "a `# syntax=` directive whose frontend image has no digest",
    doc: include_str!("../../../rules/DF004.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in &context.build.images {
        if image.source != ImageSource::Syntax || image.reference.is_pinned() {
            continue;
        }
        let reference = &image.reference;
        let tagged = match &reference.tag {
            Some(tag) => format!("{}:{tag}", reference.name),
            None => format!("{}:<version>", reference.name),
        };
        out.push(
            Diagnostic::new(
                image.span,
                format!(
                    "syntax frontend `{}` is not pinned by digest",
                    image.written
                ),
                format!("pin it as `# syntax={tagged}@sha256:<digest>`"),
            )
            .with_fix(crate::rules::images::pin_fix(image.span, &image.written)),
        );
    }
}
