//! DF012 os-package-unpinned: an OS package installed without a version
//! (`apt-get install curl`, `apk add curl`, `dnf install curl`). The image
//! gets whatever version the mirror holds on build day.

use super::package_managers::{
    apt_reads_snapshot, is_local_path, operands, option_value, options_with_value, subcommand,
    unpinned_packages,
};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;

pub const RULE: Rule = Rule {
    code: "DF012",
    name: "os-package-unpinned",
    severity: Severity::Warning,
    summary: "an OS package install without a version: `apt-get install pkg`, `apk add pkg`, `dnf install pkg` …",
    doc: include_str!("../../../rules/DF012.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (instruction, command) in context.commands() {
        let Some(sub) = subcommand(command) else {
            continue;
        };
        let manager = command.name();
        let installs = matches!(
            (manager, command.words[sub].as_str()),
            ("apt-get" | "apt", "install")
                | ("apk", "add")
                | ("yum" | "dnf" | "dnf5" | "microdnf", "install" | "in")
                | ("zypper", "install" | "in")
        );
        if !installs {
            continue;
        }
        let apt = matches!(manager, "apt-get" | "apt");
        if apt
            && (context.apt_snapshot_before(instruction, command.words[sub].span.start)
                || apt_reads_snapshot(command))
        {
            continue;
        }
        // `zypper in -t pattern x`: patterns, patches and products have no
        // version to pin.
        let kind = option_value(command, sub + 1, &["-t", "--type"]);
        if manager == "zypper" && kind.is_some_and(|(_, kind)| kind != "package") {
            continue;
        }
        let unpinned: Vec<usize> = operands(command, sub + 1, options_with_value(manager))
            .into_iter()
            .filter(|&i| {
                let word = &command.words[i];
                !word.expands && !is_pinned(manager, word.as_str())
            })
            .collect();
        let example = unpinned
            .first()
            .map_or("pkg", |&i| command.words[i].as_str());
        let help = help(manager, example);
        out.extend(unpinned_packages(
            command,
            &unpinned,
            &installs_text(command, sub),
            "a version",
            help,
        ));
    }
}

/// `apt-get install`, without the options between the two words.
fn installs_text(command: &Command, sub: usize) -> String {
    format!("{} {}", command.name(), command.words[sub].as_str())
}

fn help(manager: &str, package: &str) -> String {
    match manager {
        "apt-get" | "apt" => format!(
            "pin the version (`{package}=<version>`), or point apt at a dated snapshot (`snapshot.debian.org`)"
        ),
        "apk" => format!("pin the version (`{package}=<version>-r<n>`)"),
        "zypper" => format!("pin the version (`{package}=<version>`)"),
        _ => format!("pin the version (`{package}-<version>`)"),
    }
}

/// Whether an operand names a version, or is not a package from an index
/// at all (a local file, a URL, a group).
fn is_pinned(manager: &str, package: &str) -> bool {
    if is_local_path(package) || package.contains("://") {
        return true;
    }
    match manager {
        "apt-get" | "apt" => {
            package.ends_with(".deb") || exact_after_equals(package).is_some_and(|v| !v.is_empty())
        }
        "apk" => package.ends_with(".apk") || exact_after_equals(package).is_some(),
        _ => {
            // rpm: `@group` and `@module:stream` are not single packages.
            package.starts_with('@')
                || package.ends_with(".rpm")
                || exact_after_equals(package).is_some()
                || has_rpm_version(package)
        }
    }
}

/// The version of `name=version` when the operator is exactly `=` (not
/// `>=`, `<=`, `~=`, `==`) and the version has no wildcard.
fn exact_after_equals(package: &str) -> Option<&str> {
    let at = package.find(['=', '<', '>', '~'])?;
    let rest = &package[at..];
    let operator_len = rest
        .find(|c: char| !matches!(c, '=' | '<' | '>' | '~'))
        .unwrap_or(rest.len());
    let version = rest[operator_len..].trim();
    (&rest[..operator_len] == "=" && !version.contains('*') && !version.is_empty())
        .then_some(version)
}

/// `name-version[-release][.arch]`: the part after the last `-` starts with
/// a digit (`curl-7.76.1-26.el9`, `bash-5.1`), unlike a name with a numeric
/// part (`java-17-openjdk`). A glob is not a version.
fn has_rpm_version(package: &str) -> bool {
    !package.contains('*')
        && package.rsplit_once('-').is_some_and(|(name, tail)| {
            !name.is_empty() && tail.starts_with(|c: char| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_by_manager() {
        assert!(is_pinned("apt-get", "curl=7.88.1-10+deb12u8"));
        assert!(!is_pinned("apt-get", "curl"));
        assert!(!is_pinned("apt-get", "curl=7.*"));
        assert!(!is_pinned("apt-get", "curl/bookworm-backports"));
        assert!(is_pinned("apt-get", "./local.deb"));
        assert!(is_pinned("apk", "curl=8.5.0-r0"));
        assert!(!is_pinned("apk", "curl>=8.5"));
        assert!(!is_pinned("apk", "curl~8.5"));
        assert!(is_pinned("dnf", "curl-7.76.1-26.el9"));
        assert!(is_pinned("dnf", "bash-5.1"));
        assert!(!is_pinned("dnf", "java-17-openjdk"));
        assert!(!is_pinned("dnf", "python3-pip"));
        assert!(!is_pinned("dnf", "curl-7*"));
        assert!(is_pinned("zypper", "curl=8.0.1"));
        assert!(!is_pinned("zypper", "curl>=8.0.1"));
    }
}
