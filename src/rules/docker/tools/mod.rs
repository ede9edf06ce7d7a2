//! What package managers and toolchain installers are, as data: one table
//! per ecosystem says each tool's names, which of its subcommands refresh
//! an index, upgrade, install packages or install from a lock file, which
//! options take a value, and how a package names its version. The rules
//! (DF010–DF014) read what [`uses`] finds in a command and never name a
//! tool themselves; adding a tool is a few lines in a table.

pub mod grammar;
mod javascript;
mod os;
mod other;
mod python;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::source::dockerfile::shell::{basename, Command};
use crate::source::span::Span;
use grammar::Grammar;

/// Whose packages a tool installs: the system's (DF012) or a language's,
/// toolchains included (DF013).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    System,
    Language,
}

/// What an invocation does to the build's inputs.
#[derive(Debug, Clone, Copy)]
pub enum Does {
    /// Refreshes the package index (DF010); the help says what to do.
    Refresh(&'static str),
    /// Upgrades what is installed (DF011).
    Upgrade,
    /// Installs the packages its operands name (DF012, DF013).
    Install(&'static Grammar),
    /// Installs or changes a project's dependencies, which may re-resolve
    /// its lock file (DF014).
    Lock(&'static Lock),
}

/// How a lock-file install is kept to the lock.
#[derive(Debug)]
pub struct Lock {
    /// Options that make it fail instead of re-resolving; none when it
    /// always re-resolves (`composer update`).
    pub enforced_by: &'static [&'static str],
    /// Environment variables that do the same when true.
    pub env: &'static [&'static str],
    /// `bundle config set frozen true` earlier in the stage does the same.
    pub bundler_config: bool,
    /// The lock file it rewrites, for commands that always re-resolve.
    pub rewrites: Option<&'static str>,
    pub help: &'static str,
    /// How `--unsafe-fixes` keeps it to the lock.
    pub fix: Option<LockFix>,
}

/// How `--unsafe-fixes` keeps an install to its lock file (DF014).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockFix {
    /// Add this option after the subcommand; after the bare program too
    /// when `bare` (`yarn` alone installs); not with any of `unless`,
    /// which it would contradict.
    Add {
        option: &'static str,
        bare: bool,
        unless: &'static [&'static str],
    },
    /// Name this subcommand instead (`npm install` → `npm ci`), not with
    /// any of `unless`.
    Subcommand {
        name: &'static str,
        unless: &'static [&'static str],
    },
    /// `--frozen-lockfile` for Yarn 1, `--immutable` for Yarn 2 and later
    /// when the file says it uses one (or the command uses an option only
    /// Yarn 2 has).
    Yarn,
}

impl LockFix {
    /// The options it would contradict.
    pub fn unless(&self) -> &'static [&'static str] {
        match self {
            LockFix::Add { unless, .. } | LockFix::Subcommand { unless, .. } => unless,
            LockFix::Yarn => &["--no-lockfile", "--no-immutable", "--refresh-lockfile"],
        }
    }
}

impl Lock {
    /// A command that re-resolves on purpose and rewrites `file`
    /// (`composer update`, `cargo update`).
    pub const fn rewrites(file: &'static str, help: &'static str) -> Lock {
        Lock {
            enforced_by: &[],
            env: &[],
            bundler_config: false,
            rewrites: Some(file),
            help,
            fix: None,
        }
    }
}

/// Which operands an entry needs to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operands {
    Any,
    None,
    Some,
}

/// One thing a tool does: the subcommand words that name it (each level
/// with its aliases; none for a tool whose operands follow its name), and
/// what it does.
#[derive(Debug)]
pub struct Entry {
    pub words: &'static [&'static [&'static str]],
    pub does: &'static [Does],
    /// Options after the subcommand that take a separate value.
    pub options: &'static [&'static str],
    /// It applies only with one of these options (`npm install -g`) …
    pub only_with: &'static [&'static str],
    /// … or only without any of these (`uv run --no-sync`).
    pub unless: &'static [&'static str],
    pub operands: Operands,
}

impl Entry {
    pub const fn new(
        words: &'static [&'static [&'static str]],
        does: &'static [Does],
        options: &'static [&'static str],
    ) -> Entry {
        Entry {
            words,
            does,
            options,
            only_with: &[],
            unless: &[],
            operands: Operands::Any,
        }
    }

    pub const fn only_with(mut self, options: &'static [&'static str]) -> Entry {
        self.only_with = options;
        self
    }

    pub const fn unless(mut self, options: &'static [&'static str]) -> Entry {
        self.unless = options;
        self
    }

    pub const fn operands(mut self, operands: Operands) -> Entry {
        self.operands = operands;
        self
    }
}

/// A package manager or installer.
#[derive(Debug)]
pub struct Tool {
    /// Its program names; with `versioned`, also followed by a version
    /// (`pip3`, `pip3.12`).
    pub programs: &'static [&'static str],
    pub versioned: bool,
    pub kind: Kind,
    /// Options before the subcommand that take a separate value.
    pub global_options: &'static [&'static str],
    /// Options before the subcommand that only ask the tool something
    /// (`yarn --version`, `bundle -v`): then it does nothing else.
    pub queries: &'static [&'static str],
    pub entries: &'static [Entry],
    /// Options, anywhere, that make any invocation do something more
    /// (`apk add --update` refreshes, `apk add --upgrade` upgrades).
    pub also: &'static [Also],
    /// Options, anywhere, that make any invocation change nothing: a dry
    /// run (`apt-get -s install`) or a question (`npm install --version`,
    /// `cargo install --list`).
    pub inert: &'static [&'static str],
    /// For tools whose operations are not subcommands (`pacman -Syu`, R's
    /// `install.packages(…)`): reads the command itself.
    pub custom: Option<fn(&Command) -> Vec<Found>>,
    /// apt, which a dated snapshot source freezes.
    pub snapshot: bool,
}

impl Tool {
    pub const fn new(programs: &'static [&'static str], kind: Kind) -> Tool {
        Tool {
            programs,
            versioned: false,
            kind,
            global_options: &[],
            queries: &["--version", "--help", "-h"],
            entries: &[],
            also: &[],
            inert: &[],
            custom: None,
            snapshot: false,
        }
    }
}

/// An option that adds to what any invocation does, with the letter that
/// stands for it in a group of short options (`-qU`).
#[derive(Debug)]
pub struct Also {
    pub options: &'static [&'static str],
    pub letter: Option<char>,
    pub does: Does,
}

/// What one command does, as a table entry says.
#[derive(Debug, Clone)]
pub struct Found {
    pub does: Does,
    pub kind: Kind,
    /// The words that name what it does: the program (or `python3 -m
    /// pip`) and the subcommand words, without the options between them.
    pub named_by: Vec<usize>,
    /// The last word of the finding: the subcommand, or the option that
    /// refreshes (`--update`).
    pub last: usize,
    /// The first word after the subcommand.
    pub from: usize,
    /// The operands: the words that name packages, toolchains or versions.
    pub operands: Vec<usize>,
    /// Packages named inside a word rather than by words (R's
    /// `install.packages(c("a", "b"))`), with their spans.
    pub pieces: Vec<(String, Span)>,
    /// Whether a dated apt snapshot freezes it.
    pub snapshot: bool,
}

impl Found {
    /// The command as messages quote it (`apt-get install`).
    pub fn text(&self, command: &Command) -> String {
        self.named_by
            .iter()
            .map(|&i| command.words[i].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn tables() -> impl Iterator<Item = &'static Tool> {
    os::TOOLS
        .iter()
        .chain(python::TOOLS)
        .chain(javascript::TOOLS)
        .chain(other::TOOLS)
}

fn tool_named(name: &str) -> Option<&'static Tool> {
    static BY_NAME: OnceLock<HashMap<&'static str, &'static Tool>> = OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        tables()
            .flat_map(|tool| tool.programs.iter().map(move |p| (*p, tool)))
            .collect()
    });
    if let Some(tool) = by_name.get(name) {
        return Some(tool);
    }
    // `pip3`, `pip3.12`, `python3.12`.
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    by_name
        .get(stem)
        .filter(|tool| tool.versioned && stem.len() < name.len())
        .copied()
}

/// Whether `name` is a Python interpreter (`python`, `python3.12`).
fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// What the command does, by the tables: none, one or several things
/// (`cargo install` installs a crate and may re-resolve its lock).
pub fn uses(command: &Command) -> Vec<Found> {
    let Some(program) = command.words.get(command.program) else {
        return Vec::new();
    };
    let mut named_by = vec![command.program];
    let mut start = command.program + 1;
    let mut tool = tool_named(basename(program.as_str()));
    if tool.is_none() && is_python(command.name()) {
        // `python3 -m pip install`, also with interpreter options first.
        let module = (command.program + 1..command.words.len())
            .find(|&i| command.words[i].as_str() == "-m")
            .map(|m| m + 1);
        if let Some(module) = module.filter(|&m| m < command.words.len()) {
            tool = tool_named(command.words[module].as_str());
            named_by.extend([module - 1, module]);
            start = module + 1;
        }
    }
    let Some(tool) = tool else {
        return Vec::new();
    };
    if let Some(custom) = tool.custom {
        return custom(command);
    }
    let positionals = positionals(command, start, tool.global_options);
    // `yarn --version`, `bundle -v`, `npm install --help`: a question, not
    // an action.
    let first = positionals.first().map_or(command.words.len(), |&(i, _)| i);
    let asks = command.words[start..first]
        .iter()
        .any(|w| tool.queries.contains(&w.as_str()));
    if asks
        || has_option(command, start, &["--help", "-h"])
        || has_option(command, start, tool.inert)
    {
        return Vec::new();
    }
    let mut found = Vec::new();
    for entry in tool.entries {
        let depth = entry.words.len();
        let matches = positionals.len() >= depth
            && entry
                .words
                .iter()
                .zip(&positionals)
                .all(|(aliases, (_, word))| aliases.contains(&word.as_str()));
        if !matches {
            continue;
        }
        let (last, from) = match depth {
            0 => (command.program.max(start - 1), start),
            _ => (positionals[depth - 1].0, positionals[depth - 1].0 + 1),
        };
        if !entry.only_with.is_empty() && !has_option(command, start, entry.only_with)
            || has_option(command, start, entry.unless)
        {
            continue;
        }
        let with_value: Vec<&str> = entry
            .options
            .iter()
            .chain(tool.global_options)
            .copied()
            .collect();
        let operands = operands(command, from, &with_value);
        let wanted = match entry.operands {
            Operands::Any => true,
            Operands::None => operands.is_empty(),
            Operands::Some => !operands.is_empty(),
        };
        if !wanted {
            continue;
        }
        let mut words = named_by.clone();
        words.extend(positionals[..depth].iter().map(|&(i, _)| i));
        for does in entry.does {
            found.push(Found {
                does: *does,
                kind: tool.kind,
                named_by: words.clone(),
                last,
                from,
                operands: operands.clone(),
                pieces: Vec::new(),
                snapshot: tool.snapshot,
            });
        }
    }
    for also in tool.also {
        let Some(at) = option_at(command, start, also) else {
            continue;
        };
        // `dnf makecache --refresh`: one refresh, not two.
        let duplicate = found
            .iter()
            .any(|f| std::mem::discriminant(&f.does) == std::mem::discriminant(&also.does));
        if duplicate {
            continue;
        }
        found.push(Found {
            does: also.does,
            kind: tool.kind,
            named_by: vec![command.program],
            last: at,
            from: at + 1,
            operands: Vec::new(),
            pieces: Vec::new(),
            snapshot: tool.snapshot,
        });
    }
    found
}

/// The leading operands of a command from `start`, skipping options and
/// the values of those in `with_value`: where the subcommand words are.
fn positionals<'c>(
    command: &'c Command,
    start: usize,
    with_value: &[&str],
) -> Vec<(usize, &'c crate::source::dockerfile::Word)> {
    let mut found = Vec::new();
    let mut i = start;
    // `cargo +nightly build`: the toolchain comes first.
    if command
        .words
        .get(i)
        .is_some_and(|w| w.as_str().starts_with('+'))
    {
        i += 1;
    }
    // Subcommands are at most three words deep (`yarn global add`).
    while let Some(word) = command.words.get(i).filter(|_| found.len() < 3) {
        let w = word.as_str();
        if w == "--" {
            break;
        }
        if !w.starts_with('-') || w.len() == 1 {
            found.push((i, word));
            i += 1;
        } else {
            i += if with_value.contains(&w) { 2 } else { 1 };
        }
    }
    found
}

/// An option among the words from `start` (before `--`): `-g`, `--global`,
/// `--location=global` (also written `--location global`), `--update=…`.
pub fn has_option(command: &Command, start: usize, options: &[&str]) -> bool {
    let words = &command.words[start.min(command.words.len())..];
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.as_str())
        .take_while(|w| *w != "--")
        .collect();
    options.iter().any(|option| match option.split_once('=') {
        Some((name, value)) => words
            .iter()
            .enumerate()
            .any(|(i, w)| *w == *option || *w == name && words.get(i + 1) == Some(&value)),
        None => words
            .iter()
            .any(|w| *w == *option || w.split_once('=').is_some_and(|(n, _)| n == *option)),
    })
}

/// Where an option of `also` is among the words from `start`.
fn option_at(command: &Command, start: usize, also: &Also) -> Option<usize> {
    command
        .words
        .iter()
        .enumerate()
        .skip(start)
        .map(|(i, w)| (i, w.as_str()))
        .take_while(|(_, w)| *w != "--")
        .find(|(_, w)| {
            also.options.contains(w) || also.letter.is_some_and(|letter| short_group_has(w, letter))
        })
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

/// The first operand at or after `from`, skipping options and the values
/// of those in `with_value`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_program_name_belongs_to_one_tool() {
        let mut seen = std::collections::HashSet::new();
        for tool in tables() {
            for program in tool.programs {
                assert!(seen.insert(*program), "{program} is in two tables");
            }
        }
    }
}
