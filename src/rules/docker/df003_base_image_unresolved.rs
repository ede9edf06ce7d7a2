//! DF003 base-image-unresolved: an image reference that uses a build
//! argument with no default and no `--build-arg` value, so the image is
//! whatever the caller passes.

use super::{noun, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::expand::MAX_VALUE;

pub const RULE: Rule = Rule {
    code: "DF003",
    name: "base-image-unresolved",
    severity: Severity::Info,
    summary:
        "an image reference that uses a build argument with no default and no `--build-arg` value",
    doc: include_str!("../../../rules/DF003.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in context.build_images() {
        if image.expanded.too_long {
            out.push(Diagnostic::new(
                image.span,
                format!(
                    "{} `{}` expands to more than {} bytes, so it is not resolved",
                    noun(image),
                    image.written,
                    MAX_VALUE
                ),
                "give its build arguments short, literal values, or audit with `--build-arg`",
            ));
            continue;
        }
        let names = &image.expanded.unresolved;
        if names.is_empty() {
            continue;
        }
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let plural = if names.len() == 1 {
            "argument"
        } else {
            "arguments"
        };
        out.push(Diagnostic::new(
            image.span,
            format!(
                "{} `{}` depends on build {plural} {list} with no value",
                noun(image),
                image.written
            ),
            format!(
                "give {list} a pinned default (`ARG {}=<image>@sha256:<digest>`), or audit with `--build-arg`",
                names[0]
            ),
        ));
    }
}
