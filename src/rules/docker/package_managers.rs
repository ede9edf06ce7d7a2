//! How package managers are invoked: which options take a value, and what
//! the subcommand is, so `apt-get -o Acquire::Retries=3 -qq upgrade` is read
//! as `upgrade`.

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
        ],
        _ => &[],
    }
}

/// The first operand after the program, skipping options (and the values
/// of those that take one): its index in `command.words`.
pub fn subcommand(command: &Command) -> Option<usize> {
    let with_value = options_with_value(command.name());
    let mut i = command.program + 1;
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
