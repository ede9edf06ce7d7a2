//! DF013 language-package-unpinned: a language package or toolchain
//! installed without an exact version (`pip install requests`,
//! `npm install -g typescript`, `go install x@latest`, `cargo install
//! ripgrep`, `rustup toolchain install stable`, `nvm install --lts`). The
//! registry serves a newer release every week.

use super::tools::{Does, Kind};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DF013",
    name: "language-package-unpinned",
    severity: Severity::Warning,
    summary: "a language package or toolchain installed without an exact version: `pip install pkg`, `npm install pkg`, `gem install`, `go install …@latest`, `cargo install`, `conda install`, `rustup toolchain install stable` …",
    doc: include_str!("../../../rules/DF013.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (run, command, uses) in context.tool_uses() {
        for found in uses {
            if let (Does::Install(grammar), Kind::Language) = (found.does, found.kind) {
                out.extend(context.unpinned_install(
                    run,
                    command,
                    found,
                    grammar,
                    "an exact version",
                ));
            }
        }
    }
}
