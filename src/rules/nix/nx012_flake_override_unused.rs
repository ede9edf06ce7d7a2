//! NX012 flake-override-unused: flake.nix overrides an input of a
//! dependency (`inputs.a.inputs.nixpkgs.follows = "nixpkgs";`) that the
//! dependency does not have. Nix only warns and ignores it, so the
//! deduplication or the pin it was written for does not happen.

use super::{Context, NixDiagnostic};
use crate::finding::Severity;
use crate::rules::{Check, Rule};
use crate::source::flake_lock::Target;
use crate::source::flake_nix::Spec;

pub const RULE: Rule = Rule {
    code: "NX012",
    name: "flake-override-unused",
    severity: Severity::Info,
    summary: "an override of an input that the dependency does not have, which Nix ignores",
    doc: include_str!("../../../rules/NX012.md"),
    check: Check::Nix(check),
};

/// How many of a dependency's inputs a message lists.
const MAX_LISTED: usize = 12;

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    let (Some(nix), Some(lock)) = (context.nix, context.lock) else {
        return;
    };
    let root = lock.root_node();
    for input in &nix.inputs {
        let Some(edge) = root.input(&input.name) else {
            continue;
        };
        // Each override, with the lock node of the input it overrides the
        // inputs of; a work list, not recursion.
        let mut work: Vec<(Vec<String>, &Spec, &Target)> =
            vec![(vec![input.name.clone()], &input.spec, &edge.target)];
        while let Some((path, spec, target)) = work.pop() {
            let Some(node) = (match target {
                Target::Node(key) => lock.node(key),
                Target::Follows(follows) => lock.resolve(follows).and_then(|key| lock.node(key)),
            }) else {
                continue;
            };
            for o in &spec.overrides {
                let mut at = path.clone();
                at.push(o.name.clone());
                match node.input(&o.name) {
                    Some(inner) => work.push((at, &o.spec, &inner.target)),
                    None => {
                        let owner = path.join("/");
                        // A few names are a hint; a list as long as the
                        // lock, repeated for every override, is not.
                        let mut has: Vec<String> = node
                            .inputs
                            .iter()
                            .take(MAX_LISTED)
                            .map(|e| format!("`{}`", e.name))
                            .collect();
                        if node.inputs.len() > MAX_LISTED {
                            has.push(format!("and {} more", node.inputs.len() - MAX_LISTED));
                        }
                        let has = if has.is_empty() {
                            "it has no inputs".to_owned()
                        } else {
                            format!("its inputs are {}", has.join(", "))
                        };
                        out.push(context.in_nix(
                            o.name_span,
                            &input.name,
                            format!(
                                "`{owner}` has no input `{}`, so this override does nothing (Nix ignores it with a warning)",
                                o.name
                            ),
                            format!("remove it, or name one of `{owner}`'s inputs: {has}"),
                        ));
                    }
                }
            }
        }
    }
}
