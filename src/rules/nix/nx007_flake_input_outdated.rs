//! NX007 flake-input-outdated: a root nixpkgs input last updated longer
//! ago than `max-age-days` before `--as-of`.

use super::{nix_attr, Context, NixDiagnostic};
use crate::date::Date;
use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "NX007",
    name: "flake-input-outdated",
    severity: Severity::Info,
    summary: "a root nixpkgs input older than `max-age-days` (default 30)",
    doc: include_str!("../../../rules/NX007.md"),
    check: Check::Nix(check),
};

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    for (name, node) in context.nixpkgs_inputs() {
        let Some(seconds) = node.locked.as_ref().and_then(|l| l.number("lastModified")) else {
            continue;
        };
        if !seconds.is_finite() {
            continue;
        }
        let updated = Date::from_days((seconds / 86_400.0).floor() as i64);
        let age = context.as_of.days() - updated.days();
        if age <= context.settings.max_age_days {
            continue;
        }
        out.push(context.at_node(
            node,
            format!(
                "nixpkgs input `{name}` was last updated on {updated}, {age} days before {}; the limit is {} days",
                context.as_of, context.settings.max_age_days
            ),
            format!(
                "update it with `nix flake update {}` and commit flake.lock",
                nix_attr(name)
            ),
        ));
    }
}
