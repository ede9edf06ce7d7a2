//! NX004 flake-input-not-portable: a locked input that exists only on the
//! author's machine: an absolute `path`, or `git` from a `file:` URL.

use super::{Context, NixDiagnostic};
use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "NX004",
    name: "flake-input-not-portable",
    severity: Severity::Warning,
    summary: "a locked input that exists only on the author's machine",
    doc: include_str!("../../../rules/NX004.md"),
    check: Check::Nix(check),
};

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    for node in context.nodes() {
        let Some(locked) = &node.locked else { continue };
        let place = match locked.string("type") {
            Some("path") => locked.string("path").filter(|p| p.starts_with('/')),
            Some("git") => locked.string("url").filter(|u| u.starts_with("file:")),
            _ => None,
        };
        if let Some(place) = place {
            out.push(context.at_node(
                node,
                format!(
                    "input {} is locked to `{place}`, which exists only on the machine that locked it",
                    context.label(node)
                ),
                "publish it (a Git forge, `git+https:` or a tarball URL), or make it a relative `path:./…` input inside this repository".to_owned(),
            ));
        }
    }
}
