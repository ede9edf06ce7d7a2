//! DC002 devcontainer-feature-unpinned: a `features` key that is an OCI
//! reference (`ghcr.io/devcontainers/features/node:1`) without a digest.
//! Local features (`./x`) are part of the repository; a tarball URL is not
//! an OCI reference.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::image_ref::ImageRef;

pub const RULE: Rule = Rule {
    code: "DC002",
    name: "devcontainer-feature-unpinned",
    severity: Severity::Warning,
    summary: "a dev container feature given as an OCI reference without a digest",
    doc: include_str!("../../../rules/DC002.md"),
    check: Check::Devcontainer(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (feature, span) in &context.file.features {
        let local = feature.starts_with("./") || feature.starts_with("../");
        let url = feature.contains("://");
        if local || url || !feature.contains('/') {
            continue;
        }
        let reference = ImageRef::parse(feature);
        if reference.is_pinned() {
            continue;
        }
        let how = match &reference.tag {
            Some(tag) => format!("is pinned to version `{tag}`, which its publisher moves"),
            None => "has no version: it takes the latest release".to_owned(),
        };
        out.push(Diagnostic::new(
            *span,
            format!("dev container feature `{}` {how}", reference.name),
            format!("pin it as `{feature}@sha256:<digest>`"),
        ));
    }
}
