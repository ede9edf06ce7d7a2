//! DF012 os-package-unpinned: an OS package installed without a version
//! (`apt-get install curl`, `apk add curl`, `dnf install curl`). The image
//! gets whatever version the mirror holds on build day.

use super::tools::{apt_reads_snapshot, Does, Kind};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DF012",
    name: "os-package-unpinned",
    severity: Severity::Warning,
    summary: "an OS package install without a version: `apt-get install pkg`, `apk add pkg`, `dnf install pkg`, `pacman -S pkg` …",
    doc: include_str!("../../../rules/DF012.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (run, command, uses) in context.tool_uses() {
        for found in uses {
            let (Does::Install(grammar), Kind::System) = (found.does, found.kind) else {
                continue;
            };
            let at = command.words[found.last].span.start;
            if found.snapshot
                && (context.apt_snapshot_before(run.instruction, at) || apt_reads_snapshot(command))
            {
                continue;
            }
            out.extend(context.unpinned_install(run, command, found, grammar, "a version"));
        }
    }
}
