//! DF010 package-index-update: a live refresh of the package index
//! (`apt-get update`, `apk update`, `apk add --update`, `dnf makecache`,
//! `zypper refresh`, `pacman -Sy`). What it fetches depends on the day.

use super::tools::{apt_reads_snapshot, Does};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DF010",
    name: "package-index-update",
    severity: Severity::Warning,
    summary: "a live package-index refresh: `apt-get update`, `apk update`, `apk add --update`, `yum`/`dnf makecache`, `zypper refresh`, `pacman -Sy`",
    doc: include_str!("../../../rules/DF010.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (run, command, uses) in context.tool_uses() {
        // A refresh that comes with an upgrade (`pacman -Syu`, `apk
        // upgrade -U`) is DF011's one finding.
        if uses.iter().any(|found| matches!(found.does, Does::Upgrade)) {
            continue;
        }
        for found in uses {
            let Does::Refresh(help) = found.does else {
                continue;
            };
            let span = command.span_to(found.last);
            if found.snapshot
                && (context.apt_snapshot_before(run.instruction, span.end)
                    || apt_reads_snapshot(command))
            {
                continue;
            }
            out.push(Diagnostic::new(
                span,
                format!(
                    "`{}` fetches whatever package index the mirror serves today",
                    command.text_to(found.last)
                ),
                help,
            ));
        }
    }
}
