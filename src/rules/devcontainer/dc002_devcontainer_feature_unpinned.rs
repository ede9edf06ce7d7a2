//! DC002 devcontainer-feature-unpinned: a `features` key that is an OCI
//! reference (`ghcr.io/devcontainers/features/node:1`) without a digest, a
//! legacy short id (`docker-in-docker`) that the dev containers CLI
//! installs from a moving `:1`, or a legacy GitHub release
//! (`owner/repo/feature@v1.2`). Local features (`./x`) are part of the
//! repository; a tarball URL is not an OCI reference.

use super::{legacy_feature, Context};
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
        if local || url {
            continue;
        }
        if !feature.contains('/') {
            if let Some(installed) = legacy_feature(feature) {
                out.push(Diagnostic::new(
                    *span,
                    format!("dev container feature `{feature}` is a legacy short id: the dev containers CLI installs `{installed}`, a version its publisher moves"),
                    format!("name it as `{installed}@sha256:<digest>`"),
                ));
            }
            continue;
        }
        // `owner/repo/feature@v1.2`: a release of a GitHub repository, the
        // form before OCI registries (an `@sha256:` digest is OCI's).
        if let Some((name, release)) = feature.split_once('@') {
            if !release.starts_with("sha256:") {
                out.push(Diagnostic::new(
                    *span,
                    format!("dev container feature `{name}` is taken from GitHub release `{release}`, a tag its owner can move"),
                    "name the feature by an OCI reference pinned by digest: `<registry>/<namespace>/<feature>:<version>@sha256:<digest>`",
                ));
                continue;
            }
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
