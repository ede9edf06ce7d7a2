//! RA001 invalid-suppression: a comment that tries to be a pragma and is
//! not one (`# repro-audit: ignore=DF012`), or that names no rule
//! (`# repro-audit ignore=DF999`). Nothing is suppressed by it, silently —
//! while a typo in the configuration is an error.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "RA001",
    name: "invalid-suppression",
    severity: Severity::Warning,
    summary: "a pragma that is malformed or names no rule, so it suppresses nothing",
    doc: include_str!("../../../rules/RA001.md"),
    check: Check::Pragmas(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (span, reason) in &context.pragmas.invalid {
        out.push(Diagnostic::new(
            *span,
            reason.clone(),
            "write `# repro-audit ignore=CODE` on the comment lines right above what it is about (`repro-audit --list-rules` lists the codes and names)",
        ));
    }
}
