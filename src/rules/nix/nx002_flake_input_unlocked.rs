//! NX002 flake-input-unlocked: a lock node that Nix itself does not count
//! as locked (`InputScheme::isLocked` in `src/libfetchers`).

use super::{Context, NixDiagnostic};
use crate::finding::Severity;
use crate::rules::{Check, Rule};
use crate::source::flake_lock::Node;

pub const RULE: Rule = Rule {
    code: "NX002",
    name: "flake-input-unlocked",
    severity: Severity::Error,
    summary: "a lock node that Nix itself does not consider locked",
    doc: include_str!("../../../rules/NX002.md"),
    check: Check::Nix(check),
};

const NULL_REV: &str = "0000000000000000000000000000000000000000";

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    for node in context.nodes() {
        if let Some(why) = unlocked(node) {
            out.push(context.at_node(
                node,
                format!("input {} is not locked: {why}", context.label(node)),
                "relock from a clean source with `nix flake lock`; a dirty Git tree must be committed first".to_owned(),
            ));
        }
    }
}

/// Why Nix would not count this node as locked, if it would not.
fn unlocked(node: &Node) -> Option<String> {
    let Some(locked) = &node.locked else {
        return Some("it has no `locked` attributes".into());
    };
    let kind = locked.string("type").unwrap_or("");
    let has = |name: &str| locked.has(name);
    match kind {
        "github" | "gitlab" | "sourcehut" if !has("rev") => {
            Some(format!("the `{kind}` source has no `rev`"))
        }
        "git" if locked.has("dirtyRev") && !has("rev") => Some(format!(
            "it was locked from a dirty working tree (`dirtyRev` {})",
            locked.string("dirtyRev").unwrap_or("?")
        )),
        "git" if !has("rev") => Some("the `git` source has no `rev`".into()),
        "git" if locked.string("rev") == Some(NULL_REV) => {
            Some("its `rev` is all zeros (a repository with no commit)".into())
        }
        "hg" if !has("rev") => Some("the `hg` source has no `rev`".into()),
        "path" if is_relative(locked.string("path")) => None,
        "path" | "tarball" | "file" if !has("narHash") => {
            Some(format!("the `{kind}` source has no `narHash`"))
        }
        "indirect" => Some("it is still a registry reference (`indirect`)".into()),
        "github" | "gitlab" | "sourcehut" | "git" | "hg" | "path" | "tarball" | "file" => None,
        "" => Some("its `locked` attributes have no `type`".into()),
        other => Some(format!("Nix knows no source type `{other}`")),
    }
}

/// A `path` input inside the flake's own tree, which Nix exempts.
fn is_relative(path: Option<&str>) -> bool {
    path.is_some_and(|p| !p.starts_with('/'))
}
