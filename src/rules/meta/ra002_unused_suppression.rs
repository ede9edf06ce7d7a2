//! RA002 unused-suppression: a rule named by a pragma that suppressed no
//! finding of that rule — the finding was fixed, or the pragma sits in the
//! wrong place. Off unless selected (`--select RA002`), like ruff's RUF100.
//! Only rules that ran on the file are judged.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "RA002",
    name: "unused-suppression",
    severity: Severity::Info,
    summary: "a rule named by a pragma that suppressed nothing (off unless selected)",
    doc: include_str!("../../../rules/RA002.md"),
    check: Check::Pragmas(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for named in &context.pragmas.named {
        let ran = context
            .enabled
            .iter()
            .any(|rule| named.codes.contains(&rule.code));
        if named.used.get() || !ran {
            continue;
        }
        let place = if named.global {
            "in this file"
        } else {
            "where this pragma stands"
        };
        out.push(Diagnostic::new(
            named.span,
            format!("the pragma suppresses no {} finding {place}", named.written),
            format!("remove `{}` from the pragma", named.written),
        ));
    }
}
