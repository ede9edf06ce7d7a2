//! How a package names its version, per ecosystem: what counts as pinned,
//! what the package's bare name is (for the help's example), and which
//! options or environment variables pin every package of a command.

use super::{has_option, is_full_commit, option_value};
use crate::source::dockerfile::shell::Command;

/// What an option's value must be for the option to pin the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Any value: a constraints file, a commit.
    Present,
    /// A version with no operator or wildcard (`1.2.3`, `=1.2`).
    ExactVersion,
    /// A full semantic version (`1.2.3`).
    ExactSemver,
    /// A dated snapshot (`https://p3m.dev/cran/2025-01-01`).
    Dated,
}

#[derive(Debug)]
pub struct Grammar {
    /// What it installs, singular and plural.
    pub noun: (&'static str, &'static str),
    /// Whether an operand names an exact version — or is not something
    /// from an index at all (a local file, a URL to one file).
    pub pinned: fn(&str) -> bool,
    /// The operand's bare name, for the help's example.
    pub name: fn(&str) -> &str,
    /// What to do; `{name}` is the first unpinned operand's name.
    pub help: &'static str,
    /// Options that pin every operand of the command.
    pub pinning_options: &'static [(&'static str, Needs)],
    /// Environment variables that do the same when set and not empty.
    pub pinning_env: &'static [&'static str],
    /// Which words are the operands, where options name packages too
    /// (`uv tool install --with x`) or make the operands something else
    /// (`cargo install --path .`, `zypper in -t pattern x`).
    pub select: Option<Select>,
}

/// Picks the operands of a command (the word indices) from the words at
/// or after the subcommand (`from`) and the plain operands found there.
pub type Select = fn(&Command, usize, Vec<usize>) -> Vec<usize>;

impl Grammar {
    /// Whether an option of the command (at or after `from`) pins all of it.
    pub fn pinned_by_option(&self, command: &Command, from: usize) -> bool {
        self.pinning_options
            .iter()
            .any(|&(option, needs)| match needs {
                Needs::Present => has_option(command, from, &[option]),
                _ => option_value(command, from, &[option]).is_some_and(|(_, value)| match needs {
                    Needs::ExactVersion => is_exact_version(value),
                    Needs::ExactSemver => is_exact_semver(value),
                    _ => is_dated(value),
                }),
            })
    }

    pub fn help(&self, name: &str) -> String {
        self.help.replace("{name}", name)
    }
}

/// The bare name when the version follows the first of `separators`.
pub fn name_before<'a>(package: &'a str, separators: &[char]) -> &'a str {
    let end = package.find(separators).unwrap_or(package.len());
    &package[..end]
}

/// `host/path@<full commit>`: a VCS reference that names a full commit.
pub fn is_full_commit_ref(path: &str) -> bool {
    path.rsplit_once('@')
        .filter(|(before, _)| before.contains('/'))
        .is_some_and(|(_, rev)| is_full_commit(rev))
}

/// A word that names a file on the build machine rather than a package
/// from an index: `./x.deb`, `/tmp/x.rpm`, `.`, `~/src`, `file:…`.
pub fn is_local_path(word: &str) -> bool {
    word.starts_with('.')
        || word.starts_with('/')
        || word.starts_with('~')
        || word.starts_with("file:")
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

/// A version with no operator or wildcard (`1.2.3`, `=1.2`, `7.0.4.3`); not
/// `~> 1.2`, `>= 1`, `latest`.
pub fn is_exact_version(version: &str) -> bool {
    let v = version.trim();
    let v = v.strip_prefix('=').unwrap_or(v).trim();
    v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

/// A value that names a date (`2025-01-01`, `20250101T000000Z`): a dated
/// snapshot of a repository.
pub fn is_dated(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |at: usize, n: usize| {
        bytes
            .get(at..at + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    (0..bytes.len()).any(|i| {
        digits(i, 4)
            && (bytes.get(i + 4) == Some(&b'-')
                && digits(i + 5, 2)
                && bytes.get(i + 7) == Some(&b'-')
                && digits(i + 8, 2)
                || digits(i + 4, 4) && bytes.get(i + 8) == Some(&b'T'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_dates() {
        assert!(is_exact_semver("1.2.3") && is_exact_semver("v1.2.3-rc.1"));
        assert!(!is_exact_semver("1.2") && !is_exact_semver("^1.2.3"));
        assert!(is_exact_version("=1.2") && is_exact_version("7.0.4.3"));
        assert!(!is_exact_version("~> 1.2") && !is_exact_version("latest"));
        assert!(is_dated("https://p3m.dev/cran/__linux__/jammy/2025-01-01"));
        assert!(is_dated("20261101T000000Z"));
        assert!(!is_dated("https://cloud.r-project.org"));
    }
}
