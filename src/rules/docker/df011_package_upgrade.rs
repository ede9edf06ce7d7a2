//! DF011 package-upgrade: an upgrade of the installed packages. The image
//! then holds whatever versions the mirror has on build day, not what the
//! pinned base image shipped.

use super::package_managers::{apk_refresh_option, pacman_sync, subcommand};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;

pub const RULE: Rule = Rule {
    code: "DF011",
    name: "package-upgrade",
    severity: Severity::Error,
    summary: "an upgrade of installed packages: `apt-get upgrade`, `apk upgrade`, `dnf update`, `zypper dup`, `pacman -Syu` …",
    doc: include_str!("../../../rules/DF011.md"),
    check: Check::Dockerfile(check),
};

const HELP: &str = "remove the upgrade and move to a newer base image, pinned by digest";

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (_, command) in context.commands() {
        let Some(last) = upgrade(command) else {
            continue;
        };
        let span = command.span_to(last);
        out.push(Diagnostic::new(
            span,
            format!(
                "`{}` upgrades installed packages to whatever the mirror serves today",
                command.text_to(last)
            ),
            HELP,
        ));
    }
}

/// The index of the word that makes the command an upgrade.
fn upgrade(command: &Command) -> Option<usize> {
    let upgrades: &[&str] = match command.name() {
        "apt-get" | "apt" => &["upgrade", "dist-upgrade", "full-upgrade"],
        "apk" => &["upgrade"],
        "yum" | "dnf" | "microdnf" => &["update", "upgrade", "distro-sync"],
        "zypper" => &["update", "up", "dist-upgrade", "dup", "patch"],
        "pacman" => return pacman_sync(command)?.upgrade,
        _ => return None,
    };
    let sub = subcommand(command)?;
    if !upgrades.contains(&command.words[sub].as_str()) {
        return None;
    }
    // `apk upgrade --update` refreshes too: one finding, spanning both.
    if command.name() == "apk" {
        return Some(apk_refresh_option(command, sub).unwrap_or(sub));
    }
    Some(sub)
}
