//! DF011 package-upgrade: an upgrade of the installed packages. The image
//! then holds whatever versions the mirror has on build day, not what the
//! pinned base image shipped.

use super::tools::{Does, Kind};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DF011",
    name: "package-upgrade",
    severity: Severity::Error,
    summary: "an upgrade of installed packages: `apt-get upgrade`, `apk upgrade`, `dnf update`, `zypper dup`, `pacman -Syu`, `gem update`, `npm update -g` …",
    doc: include_str!("../../../rules/DF011.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (_, command, uses) in context.tool_uses() {
        let Some(upgrade) = uses.iter().find(|f| matches!(f.does, Does::Upgrade)) else {
            continue;
        };
        // `apk upgrade --update` refreshes too: one finding, spanning both.
        let last = uses
            .iter()
            .filter(|f| matches!(f.does, Does::Refresh(_)))
            .map(|f| f.last)
            .fold(upgrade.last, usize::max);
        let (source, help) = match upgrade.kind {
            Kind::System => (
                "the mirror",
                "remove the upgrade and move to a newer base image, pinned by digest",
            ),
            Kind::Language => (
                "the registry",
                "remove the upgrade and install the exact versions you need (or move to a newer base image, pinned by digest)",
            ),
        };
        out.push(Diagnostic::new(
            command.span_to(last),
            format!(
                "`{}` upgrades installed packages to whatever {source} serves today",
                command.text_to(last)
            ),
            help,
        ));
    }
}
