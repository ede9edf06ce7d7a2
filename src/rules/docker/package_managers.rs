//! How package managers are invoked: which options take a value, and what
//! the subcommand is, so `apt-get -o Acquire::Retries=3 -qq upgrade` is read
//! as `upgrade`.

use crate::finding::Diagnostic;
use crate::source::dockerfile::shell::Command;

/// The options of a manager that take a separate value.
pub fn options_with_value(manager: &str) -> &'static [&'static str] {
    match manager {
        "apt-get" | "apt" => &[
            "-o",
            "-c",
            "-t",
            "-a",
            "--option",
            "--config-file",
            "--target-release",
            "--default-release",
            "--host-architecture",
            "--snapshot",
            "-S",
        ],
        "apk" => &[
            "-X",
            "--repository",
            "-p",
            "--root",
            "--arch",
            "--keys-dir",
            "--repositories-file",
            "--cache-dir",
            "--cache-max-age",
            "--timeout",
            "-t",
            "--virtual",
        ],
        "yum" | "dnf" | "microdnf" | "dnf5" => &[
            "-c",
            "--config",
            "-d",
            "--debuglevel",
            "-e",
            "--errorlevel",
            "--installroot",
            "--releasever",
            "--setopt",
            "-x",
            "--exclude",
            "--enablerepo",
            "--disablerepo",
            "--repo",
            "--repoid",
            "--repofrompath",
            "--forcearch",
        ],
        "zypper" => &[
            "-c",
            "--config",
            "-R",
            "--root",
            "-D",
            "--reposd-dir",
            "-C",
            "--cache-dir",
            "--raw-cache-dir",
            "--solv-cache-dir",
            "--pkg-cache-dir",
            // `install` options
            "-t",
            "--type",
            "-r",
            "--repo",
            "--from",
            "--download",
        ],
        _ => &[],
    }
}

/// The first operand after the program, skipping options (and the values
/// of those that take one): its index in `command.words`.
pub fn subcommand(command: &Command) -> Option<usize> {
    operand_from(
        command,
        command.program + 1,
        options_with_value(command.name()),
    )
}

/// The words after the subcommand that are options, with their indices.
pub fn options_after(command: &Command, from: usize) -> impl Iterator<Item = (usize, &str)> {
    command
        .words
        .iter()
        .enumerate()
        .skip(from)
        .map(|(i, w)| (i, w.as_str()))
        .filter(|(_, w)| w.starts_with('-'))
}

/// `apk add --update`, `apk upgrade -U`: the index of the option that also
/// refreshes the index, among the words after the subcommand.
pub fn apk_refresh_option(command: &Command, subcommand: usize) -> Option<usize> {
    options_after(command, subcommand + 1)
        .find(|(_, w)| matches!(*w, "--update" | "--update-cache") || short_group_has(w, 'U'))
        .map(|(i, _)| i)
}

/// Whether a short-option group (`-qU`) holds `option`.
pub fn short_group_has(word: &str, option: char) -> bool {
    word.len() > 1
        && word.starts_with('-')
        && !word.starts_with("--")
        && word[1..].chars().all(|c| c.is_ascii_alphanumeric())
        && word[1..].contains(option)
}

/// pacman's operation and its modifiers: `-Syu`, `--sync --refresh`.
pub struct PacmanSync {
    pub refresh: Option<usize>,
    pub upgrade: Option<usize>,
}

pub fn pacman_sync(command: &Command) -> Option<PacmanSync> {
    if command.name() != "pacman" {
        return None;
    }
    let mut sync = false;
    let mut result = PacmanSync {
        refresh: None,
        upgrade: None,
    };
    for (i, word) in command.words.iter().enumerate().skip(command.program + 1) {
        let w = word.as_str();
        match w {
            "--sync" => sync = true,
            "--refresh" => result.refresh = Some(i),
            "--sysupgrade" => result.upgrade = Some(i),
            _ if w.starts_with('-') && !w.starts_with("--") => {
                sync |= w.contains('S');
                if w.contains('y') {
                    result.refresh = Some(i);
                }
                if w.contains('u') {
                    result.upgrade = Some(i);
                }
            }
            _ => {}
        }
    }
    sync.then_some(result)
}

/// npm's, yarn's and pnpm's options that take a separate value.
pub const NPM_OPTIONS_WITH_VALUE: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "--tag",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--install-strategy",
    "--loglevel",
    "--userconfig",
    "--location",
    "--filter",
    "-C",
    "--dir",
    "--modules-folder",
    "--cwd",
    "--network-timeout",
    "--mutex",
];

/// npm's `install` and its abbreviations and misspellings, which npm
/// accepts as aliases.
pub fn is_npm_install(word: &str) -> bool {
    matches!(
        word,
        "install"
            | "i"
            | "in"
            | "ins"
            | "inst"
            | "insta"
            | "instal"
            | "isnt"
            | "isnta"
            | "isntal"
            | "isntall"
    )
}

/// The first operand at or after `from`, skipping options and the values
/// of those in `with_value`: the index of a subcommand such as `pip`'s
/// `install`.
pub fn operand_from(command: &Command, from: usize, with_value: &[&str]) -> Option<usize> {
    let mut i = from;
    while let Some(word) = command.words.get(i) {
        let w = word.as_str();
        if w == "--" {
            return command.words.get(i + 1).map(|_| i + 1);
        }
        if !w.starts_with('-') || w.len() == 1 {
            return Some(i);
        }
        i += if with_value.contains(&w) { 2 } else { 1 };
    }
    None
}

/// The operands at or after `from`: the words that are neither options nor
/// the value of an option in `with_value` (`apk add -t .deps curl` has the
/// one operand `curl`). After `--` every word is an operand.
pub fn operands(command: &Command, from: usize, with_value: &[&str]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut i = from;
    let mut options_done = false;
    while let Some(word) = command.words.get(i) {
        let w = word.as_str();
        if options_done || !w.starts_with('-') || w.len() == 1 {
            found.push(i);
            i += 1;
        } else if w == "--" {
            options_done = true;
            i += 1;
        } else {
            i += if with_value.contains(&w) { 2 } else { 1 };
        }
    }
    found
}

/// The value of an option: `--version 1.2`, `--version=1.2` or `-v 1.2`,
/// with the index of the word that holds it. The last one wins, as with
/// most option parsers.
pub fn option_value<'c>(
    command: &'c Command,
    from: usize,
    names: &[&str],
) -> Option<(usize, &'c str)> {
    let mut found = None;
    let mut i = from;
    while let Some(word) = command.words.get(i) {
        let w = word.as_str();
        if w == "--" {
            break;
        }
        if names.contains(&w) {
            if let Some(value) = command.words.get(i + 1) {
                found = Some((i + 1, value.as_str()));
            }
            i += 2;
            continue;
        }
        if let Some((name, value)) = w.split_once('=') {
            if name.starts_with("--") && names.contains(&name) {
                found = Some((i, value));
            }
        }
        i += 1;
    }
    found
}

/// Whether any word at or after `from` (before `--`) is one of `flags`,
/// alone or as `--flag=value`.
pub fn has_flag(command: &Command, from: usize, flags: &[&str]) -> bool {
    command
        .words
        .iter()
        .skip(from)
        .map(|w| w.as_str())
        .take_while(|w| *w != "--")
        .any(|w| flags.contains(&w) || flags.contains(&w.split_once('=').map_or(w, |(n, _)| n)))
}

/// A word that names a file on the build machine rather than a package
/// from an index: `./x.deb`, `/tmp/x.rpm`, `.`, `~/src`, `file:…`.
pub fn is_local_path(word: &str) -> bool {
    word.starts_with('.')
        || word.starts_with('/')
        || word.starts_with('~')
        || word.starts_with("file:")
}

/// One finding for the unpinned packages of one command, from the first to
/// the last, naming them. `installs` is the command as quoted in the
/// message (`apt-get install`), `what` says what is missing.
pub fn unpinned_packages(
    command: &Command,
    unpinned: &[usize],
    installs: &str,
    what: &str,
    help: String,
) -> Option<Diagnostic> {
    let (first, last) = (unpinned.first()?, unpinned.last()?);
    let span = command.words[*first].span.cover(command.words[*last].span);
    let names: Vec<String> = unpinned
        .iter()
        .map(|i| format!("`{}`", command.words[*i].as_str()))
        .collect();
    let noun = if names.len() == 1 {
        "package"
    } else {
        "packages"
    };
    Some(Diagnostic::new(
        span,
        format!(
            "`{installs}` installs {noun} {} without {what}",
            names.join(", ")
        ),
        help,
    ))
}

/// A semantic version and nothing else: `1.2.3`, `1.2.3-rc.1+build`,
/// optionally written `v1.2.3` or `=1.2.3`. `1.2`, `^1.2.3` and `latest`
/// are ranges or tags, not versions.
pub fn is_exact_semver(version: &str) -> bool {
    let v = version.strip_prefix('=').unwrap_or(version).trim();
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    let rest = &v[core.len()..];
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '.'))
}

/// A full commit id: 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.
pub fn is_full_commit(rev: &str) -> bool {
    matches!(rev.len(), 40 | 64) && rev.chars().all(|c| c.is_ascii_hexdigit())
}

/// `apt-get … --snapshot 20261101T000000Z`, `-S …`, `-o APT::Snapshot=…`:
/// this one command reads a dated snapshot.
pub fn apt_reads_snapshot(command: &Command) -> bool {
    command.args().iter().map(|w| w.as_str()).any(|w| {
        w == "--snapshot"
            || w == "-S"
            || w.starts_with("--snapshot=")
            || w.contains("APT::Snapshot")
    })
}
