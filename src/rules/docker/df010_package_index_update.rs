//! DF010 package-index-update: a live refresh of the package index
//! (`apt-get update`, `apk update`, `apk add --update`, `dnf makecache`,
//! `zypper refresh`, `pacman -Sy`). What it fetches depends on the day.

use super::package_managers::{apk_refresh_option, apt_reads_snapshot, pacman_sync, subcommand};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;

pub const RULE: Rule = Rule {
    code: "DF010",
    name: "package-index-update",
    severity: Severity::Warning,
    summary: "a live package-index refresh: `apt-get update`, `apk update`, `apk add --update`, `yum`/`dnf makecache`, `zypper refresh`, `pacman -Sy`",
    doc: include_str!("../../../rules/DF010.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (instruction, command) in context.commands() {
        let Some((last, help)) = refresh(command) else {
            continue;
        };
        let span = command.span_to(last);
        if matches!(command.name(), "apt-get" | "apt")
            && (context.apt_snapshot_before(instruction, span.end) || apt_reads_snapshot(command))
        {
            continue;
        }
        let words = command.text_to(last);
        out.push(Diagnostic::new(
            span,
            format!("`{words}` fetches whatever package index the mirror serves today"),
            help,
        ));
    }
}

/// The index of the last word of the refresh, and the help for it.
fn refresh(command: &Command) -> Option<(usize, &'static str)> {
    const APT: &str = "point apt at a dated snapshot (`snapshot.debian.org`, `apt-get --snapshot`) so the index is frozen";
    const APK: &str = "install from a pinned base image and pin package versions (`pkg=1.2-r0`) instead of refreshing the index";
    const RPM: &str = "use a pinned base image and a versioned repository snapshot instead of refreshing metadata";
    match command.name() {
        "apt-get" | "apt" => {
            let sub = subcommand(command)?;
            (command.words[sub].as_str() == "update").then_some((sub, APT))
        }
        "apk" => {
            let sub = subcommand(command)?;
            match command.words[sub].as_str() {
                "update" => Some((sub, APK)),
                "add" => apk_refresh_option(command, sub).map(|i| (i, APK)),
                _ => None,
            }
        }
        "yum" | "dnf" => {
            let sub = subcommand(command)?;
            (command.words[sub].as_str() == "makecache").then_some((sub, RPM))
        }
        "zypper" => {
            let sub = subcommand(command)?;
            matches!(command.words[sub].as_str(), "refresh" | "ref").then_some((sub, RPM))
        }
        "pacman" => {
            let sync = pacman_sync(command)?;
            // `-Syu` is an upgrade: DF011 alone reports it.
            match (sync.refresh, sync.upgrade) {
                (Some(refresh), None) => Some((
                    refresh,
                    "use a pinned base image and a dated archive mirror (archive.archlinux.org) instead of `-Sy`",
                )),
                _ => None,
            }
        }
        _ => None,
    }
}
