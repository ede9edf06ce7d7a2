//! NX006 flake-input-indirect: an input resolved through the flake
//! registry, whose entries differ from machine to machine.

use super::{nix_attr, Context, NixDiagnostic};
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
        let help = match (path, explicit_url(node)) {
            ([name], Some(url)) => format!(
                "declare it explicitly: `inputs.{}.url = \"{url}\";`",
                nix_attr(name)
            ),
            ([_], None) => "declare it with an explicit URL in flake.nix".to_owned(),
            (_, _) => "make it follow an explicitly declared input of the root flake, or ask its flake to declare a URL".to_owned(),
        };
        out.push(context.at_node(
            node,
            format!(
                "input {} comes from the flake registry (`{id}`), which differs from machine to machine",
                context.label(node)
            ),
            help,
        ));
    }
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
