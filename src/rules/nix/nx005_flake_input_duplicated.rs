//! NX005 flake-input-duplicated: one source locked at more than one
//! revision. The root flake's own copy is kept; every other copy is an
//! extra that a `follows` line removes.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{follows_line, short_rev, Context, NixDiagnostic};
use crate::finding::{Fix, FixAction, Severity};
use crate::rules::{Check, Rule};
use crate::source::flake_lock::Node;
use crate::source::flakeref::FlakeRef;

pub const RULE: Rule = Rule {
    code: "NX005",
    name: "flake-input-duplicated",
    severity: Severity::Warning,
    summary: "one source locked at more than one revision",
    doc: include_str!("../../../rules/NX005.md"),
    check: Check::Nix(check),
};

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    // Every extra copy, with the input path its `follows` line replaces.
    let mut extras: Vec<(&str, NixDiagnostic)> = Vec::new();
    let mut groups: BTreeMap<Vec<String>, Vec<&Node>> = BTreeMap::new();
    for node in context.nodes() {
        if let Some(source) = identity(node) {
            groups.entry(source).or_default().push(node);
        }
    }
    for nodes in groups.values() {
        let mut revisions: Vec<&str> = nodes.iter().filter_map(|n| revision(n)).collect();
        revisions.sort_unstable();
        revisions.dedup();
        if revisions.len() < 2 {
            continue;
        }
        let depth = |n: &Node| context.depth(&n.key).unwrap_or(usize::MAX);
        let root_used: Vec<&Node> = nodes.iter().copied().filter(|n| depth(n) == 1).collect();
        let kept: Vec<&Node> = if root_used.is_empty() {
            let first = nodes
                .iter()
                .copied()
                .min_by_key(|n| (depth(n), context.path(&n.key)));
            first.into_iter().collect()
        } else {
            root_used
        };
        let Some(keep) = kept.first() else { continue };
        let kept_keys: HashSet<&str> = kept.iter().map(|k| k.key.as_str()).collect();
        // `None` for a copy too deep to spell out its path.
        let keep_path = context.path(&keep.key).map(|p| p.join("/"));
        let keep_shown = match &keep_path {
            Some(path) => format!("`{path}`"),
            None => context.label(keep),
        };
        let source = keep
            .original
            .as_ref()
            .map(|o| FlakeRef::from_lock(o).to_url())
            .unwrap_or_else(|| keep.key.clone());
        for node in nodes.iter().filter(|n| !kept_keys.contains(n.key.as_str())) {
            // `None` only for a node too deep to spell out its path.
            let path = context.path(&node.key);
            let whose = if kept.len() == 1 && depth(keep) == 1 {
                "the root flake uses"
            } else {
                "the kept copy is"
            };
            let (own, kept_rev) = (revision(node), revision(keep));
            let message = if own.is_some() && own == kept_rev {
                format!(
                    "input {} locks a second copy of `{source}`, at the same revision as {keep_shown} ({}) today; the two drift apart at the next update",
                    context.label(node),
                    own.map_or("?", short_rev),
                )
            } else {
                format!(
                    "input {} locks a second copy of `{source}` at {}; {whose} {} ({keep_shown})",
                    context.label(node),
                    own.map_or("?", short_rev),
                    kept_rev.map_or("?", short_rev),
                )
            };
            let help = match (&path, &keep_path) {
                (Some(path), Some(keep_path)) => format!(
                    "make it follow that copy: `{}`",
                    follows_line(path, keep_path)
                ),
                _ => "make the input that brings it in follow that copy".to_owned(),
            };
            let mut diagnostic = context.at_node(node, message, help);
            // `--unsafe-fixes` writes that line into flake.nix (the lock
            // changes only when `nix flake lock` runs).
            if let (Some(path), Some(keep_path), Some(_)) = (&path, &keep_path, context.nix) {
                diagnostic.diagnostic.fix = Some(Fix::unsafe_(FixAction::Follows {
                    path: path.clone(),
                    target: keep_path.clone(),
                }));
            }
            extras.push((&node.key, diagnostic));
        }
    }
    // Once `a` follows, everything under `a` goes with it: a suggestion
    // nested under another one is said once, by the outer one.
    // Nested: a node on its shortest path from the root (its parent, its
    // parent's parent…) has a suggestion of its own. Each node's answer is
    // remembered, so the chains are walked once however deep.
    let suggested: HashSet<&str> = extras.iter().map(|(key, _)| *key).collect();
    let mut below_suggested: HashMap<&str, bool> = HashMap::new();
    let nested: Vec<bool> = extras
        .iter()
        .map(|(key, _)| {
            let mut chain = Vec::new();
            let mut at = context.parent(key);
            let answer = loop {
                let Some(node) = at.filter(|&k| context.parent(k).is_some()) else {
                    break false;
                };
                if suggested.contains(node) {
                    break true;
                }
                if let Some(&known) = below_suggested.get(node) {
                    break known;
                }
                chain.push(node);
                at = context.parent(node);
            };
            for node in chain {
                below_suggested.insert(node, answer);
            }
            answer
        })
        .collect();
    for ((_, diagnostic), nested) in extras.into_iter().zip(nested) {
        if !nested {
            out.push(diagnostic);
        }
    }
}

/// What makes two nodes the same source: type and owner/repo (forges are
/// case-insensitive) or URL, and the branch asked for.
fn identity(node: &Node) -> Option<Vec<String>> {
    let locked = node.locked.as_ref()?;
    let original = node.original.as_ref();
    // An `original` that names its revision is a deliberate pin (an old
    // nixpkgs kept for a regression test), not a copy that drifted.
    if original.is_some_and(|o| o.string("rev").is_some()) {
        return None;
    }
    let kind = locked.string("type")?.to_owned();
    let reference = original
        .and_then(|o| o.string("ref"))
        .unwrap_or("")
        .to_owned();
    let mut key = vec![kind.clone()];
    match kind.as_str() {
        "github" | "gitlab" | "sourcehut" => {
            for name in ["host", "owner", "repo"] {
                key.push(locked.string(name).unwrap_or("").to_lowercase());
            }
        }
        // The locked URL of a tarball is the immutable one of each
        // revision; what was asked for is the original's.
        "tarball" | "file" => key.push(original.and_then(|o| o.string("url"))?.to_owned()),
        "git" | "hg" => key.push(locked.string("url")?.to_owned()),
        "path" => key.push(locked.string("path")?.to_owned()),
        _ => return None,
    }
    key.push(
        original
            .and_then(|o| o.string("dir"))
            .unwrap_or("")
            .to_owned(),
    );
    key.push(reference);
    Some(key)
}

fn revision(node: &Node) -> Option<&str> {
    let locked = node.locked.as_ref()?;
    locked.string("rev").or_else(|| locked.string("narHash"))
}
