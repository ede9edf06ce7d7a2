//! NX006 flake-input-indirect: an input resolved through the flake
//! registry, whose entries differ from machine to machine.

use super::{follows_line, nix_attr, Context, NixDiagnostic};
use crate::finding::Severity;
use crate::rules::{Check, Rule};
use crate::source::flake_lock::Node;
use crate::source::flakeref::FlakeRef;

pub const RULE: Rule = Rule {
    code: "NX006",
    name: "flake-input-indirect",
    severity: Severity::Warning,
    summary: "an input resolved through the flake registry (`original.type` is `indirect`)",
    doc: include_str!("../../../rules/NX006.md"),
    check: Check::Nix(check),
};

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    for node in context.nodes() {
        let Some(original) = &node.original else {
            continue;
        };
        if original.string("type") != Some("indirect") {
            continue;
        }
        let id = original.string("id").unwrap_or("?");
        let path = context.path(&node.key).unwrap_or_default();
        if let [name] = path.as_slice() {
            let help = match explicit_url(node) {
                Some(url) => format!(
                    "declare it explicitly: `inputs.{}.url = \"{url}\";`",
                    nix_attr(name)
                ),
                None => "declare it with an explicit URL in flake.nix".to_owned(),
            };
            out.push(context.at_node(
                node,
                format!(
                    "input {} comes from the flake registry (`{id}`), which differs from machine to machine",
                    context.label(node)
                ),
                help,
            ));
            continue;
        }
        // A dependency's registry input: when Nix relocks the dependency it
        // copies the entry from the dependency's own flake.lock and never
        // asks this machine's registry. What it names is whatever the
        // registry of the machine that locked the dependency said.
        // An empty path: the node is too deep to spell out.
        let owner = match path.split_last() {
            Some((_, owner)) => format!("`{}`", owner.join("/")),
            None => "its parent input".to_owned(),
        };
        let mut diagnostic = context.at_node(
            node,
            format!(
                "input {} is `{id}` from the flake registry of the machine that locked {owner}: Nix copies it from {owner}'s own flake.lock, so it does not vary between machines, but no URL in any flake.nix names its source",
                context.label(node)
            ),
            match root_input_like(context, &path, id) {
                Some(target) => format!(
                    "make it follow the root flake's input: `{}`",
                    follows_line(&path, target)
                ),
                None => "make it follow an input the root flake declares with a URL, or ask its flake to declare a URL".to_owned(),
            },
        );
        diagnostic.diagnostic = diagnostic.diagnostic.with_severity(Severity::Info);
        out.push(diagnostic);
    }
}

/// A root input that a transitive registry input can follow: one named
/// like the input or like its registry id, that is not itself indirect.
fn root_input_like<'a>(context: &Context<'a>, path: &[String], id: &str) -> Option<&'a str> {
    let lock = context.lock?;
    let name = path.last()?;
    lock.root_node()
        .inputs
        .iter()
        .filter(|edge| edge.name == *name || edge.name == id)
        .find(|edge| {
            lock.target(edge)
                .and_then(|key| lock.node(key))
                .and_then(|node| node.original.as_ref())
                .is_some_and(|o| o.string("type") != Some("indirect"))
        })
        .map(|edge| edge.name.as_str())
}

/// The URL that names what the registry resolved to, from `locked`, with
/// the branch the registry reference asked for.
fn explicit_url(node: &Node) -> Option<String> {
    let locked = FlakeRef::from_lock(node.locked.as_ref()?);
    let mut wanted = FlakeRef::default();
    for name in ["type", "owner", "repo", "url", "path", "host"] {
        if let Some(value) = locked.0.get(name) {
            wanted.0.insert(name.to_owned(), value.clone());
        }
    }
    let original = FlakeRef::from_lock(node.original.as_ref()?);
    let forge = matches!(wanted.get("type")?, "github" | "gitlab" | "sourcehut");
    match original.0.get("ref") {
        Some(reference) => {
            wanted.0.insert("ref".into(), reference.clone());
        }
        // Without a branch, a forge URL follows the default branch, which
        // is rarely what the registry entry meant: let the user choose.
        None if forge => wanted.set_str("ref", "<branch>"),
        None => {}
    }
    Some(wanted.to_url())
}
