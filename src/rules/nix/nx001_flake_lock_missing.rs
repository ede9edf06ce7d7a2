//! NX001 flake-lock-missing: a flake.nix with inputs and no flake.lock
//! beside it. Every evaluation then resolves each input anew.

use super::{Context, NixDiagnostic};
use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "NX001",
    name: "flake-lock-missing",
    severity: Severity::Error,
    summary: "a `flake.nix` with inputs and no `flake.lock` beside it",
    doc: include_str!("../../../rules/NX001.md"),
    check: Check::Nix(check),
};

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    let Some(nix) = context.nix else { return };
    if !context.lock_absent {
        return;
    }
    let Some(first) = nix.inputs.first() else {
        return;
    };
    // A dozen names say it; a list as long as the file does not.
    let mut names: Vec<String> = nix
        .inputs
        .iter()
        .take(12)
        .map(|i| format!("`{}`", i.name))
        .collect();
    if nix.inputs.len() > names.len() {
        names.push(format!("and {} more", nix.inputs.len() - names.len()));
    }
    let noun = if nix.inputs.len() == 1 {
        "input"
    } else {
        "inputs"
    };
    out.push(context.in_nix(
        first.name_span,
        &first.name,
        format!(
            "flake.nix has {noun} {} but no flake.lock beside it",
            names.join(", ")
        ),
        "run `nix flake lock` and commit flake.lock".to_owned(),
    ));
}
