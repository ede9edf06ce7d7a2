//! DF002 base-image-unpinned: an image with a tag but no digest. Tags move:
//! `python:3.13-slim` is rebuilt for every patch release and base update.

use super::{describe, is_resolved, noun, platform_dependent, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DF002",
    name: "base-image-unpinned",
    severity: Severity::Warning,
    summary: "an image with a tag but no `@sha256:` digest",
    doc: include_str!("../../../rules/DF002.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in context
        .build_images()
        .filter(|i| is_resolved(i) && !i.reference.is_pinned() && !i.reference.floats())
    {
        let tagged = format!(
            "{}:{}",
            image.reference.name,
            image.reference.tag.as_deref().unwrap_or_default()
        );
        out.push(Diagnostic::new(
            image.span,
            format!(
                "{} {} is not pinned by digest",
                noun(image),
                describe(image)
            ),
            if platform_dependent(image) {
                "its tag depends on the platform: pin each platform's image by digest (`ARG` per platform), or use one multi-platform tag and pin its index digest".to_owned()
            } else {
                format!("pin it as `{tagged}@sha256:<digest>`")
            },
        )
        .with_fix(crate::rules::images::pin_fix(image.span, &image.written)));
    }
}
