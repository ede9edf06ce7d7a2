//! DF021 download-piped-to-shell: a script downloaded and run in one step
//! (`curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`,
//! `sh -c "$(curl …)"`). What runs is whatever the server sends that day,
//! and nothing records or checks it.

use super::downloads::{downloads, run_as_code, Destination};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::quote;

pub const RULE: Rule = Rule {
    code: "DF021",
    name: "download-piped-to-shell",
    severity: Severity::Error,
    summary: "a download piped into an interpreter: `curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`, `sh -c \"$(curl …)\"`",
    doc: include_str!("../../../rules/DF021.md"),
    check: Check::Dockerfile(check),
};

const HELP: &str =
    "download to a file, check it against a pinned checksum (`sha256sum -c`), then run it";

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for run in &context.runs {
        let mut seen = Vec::new();
        for download in downloads(context, run) {
            if download.destination != Destination::Stdout || seen.contains(&download.command) {
                continue;
            }
            seen.push(download.command);
            let Some(span) = run_as_code(context, &run.commands, &run.pipelines, download.command)
            else {
                continue;
            };
            out.push(Diagnostic::new(
                span,
                format!(
                    "`{}` runs whatever script the server sends, unchecked",
                    quote(context.dockerfile.slice(span))
                ),
                HELP,
            ));
        }
    }
}
