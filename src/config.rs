//! `.repro-audit.toml` (spec §4). Each audited file follows the nearest
//! one in its directory or above, as ruff does, its globs relative to that
//! file's directory; `--config` names one for all. Every key is checked: an
//! unknown key, a wrong type, a bad value or an unknown rule is an error
//! naming the key, its line and its column — never ignored.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use toml::Spanned;

use crate::error::FileError;
use crate::finding::Severity;
use crate::glob::Glob;
use crate::input::normalize;
use crate::rules::{self, nix::Settings};
use crate::source::span::LineIndex;

pub const FILE_NAME: &str = ".repro-audit.toml";

/// The file as written: every value keeps its span for error messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    build_args: Option<BTreeMap<String, String>>,
    per_file_ignores: Option<BTreeMap<Spanned<String>, Vec<Spanned<String>>>>,
    nix: Option<RawNix>,
    fix: Option<RawFix>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFix {
    registry_mirrors: Option<BTreeMap<String, Spanned<String>>>,
    insecure_registries: Option<Vec<String>>,
    github_url: Option<Spanned<String>>,
    timeout: Option<Spanned<Number>>,
}

/// The seconds `[fix] timeout` accepts: at least one, at most an hour (a
/// lookup that takes longer is not coming back; and no deadline computed
/// from it can overflow).
pub const TIMEOUT_SECONDS: std::ops::RangeInclusive<i64> =
    1..=crate::resolve::net::MAX_TIMEOUT.as_secs() as i64;

/// The days `[nix] max-age-days` accepts: from none to the most days
/// between two dates written `YYYY-MM-DD` (a larger limit could never be
/// passed).
pub const MAX_AGE_DAYS: std::ops::RangeInclusive<i64> = 0..=crate::date::MAX_SPAN_DAYS;

/// A number as the file writes it: a whole number, or what else stands
/// there (a fraction, a string), kept for the message that refuses it.
#[derive(Debug)]
enum Number {
    Whole(i64),
    Other(String),
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Number, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Whole(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(i64::try_from(v).map_or_else(|_| Number::Other(v.to_string()), Number::Whole))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Other(format!("{v:?}")))
            }
            fn visit_str<E>(self, v: &str) -> Result<Number, E> {
                Ok(Number::Other(format!("{v:?}")))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Number, E> {
                Ok(Number::Other(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The `[fix]` table: where `--fix` looks things up.
#[derive(Debug, Clone, Default)]
pub struct FixSettings {
    /// Registry host → the base URL asked in its place.
    pub registry_mirrors: HashMap<String, String>,
    /// Registries that may be spoken to over plain HTTP.
    pub insecure_registries: Vec<String>,
    /// A GitHub Enterprise server's URL, for actions.
    pub github_url: Option<String>,
    /// Seconds one request may take, within [`TIMEOUT_SECONDS`].
    pub timeout: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawNix {
    nixpkgs_keys: Option<Vec<String>>,
    max_age_days: Option<Spanned<Number>>,
    supported_refs: Option<Vec<String>>,
}

/// The configuration, checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from; `None` when there is none.
    pub path: Option<PathBuf>,
    /// Rule selectors, as on the command line.
    pub select: Option<Vec<String>>,
    /// Rules added to the selection (or to the default set).
    pub extend_select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// `error`, `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    pub exclude: Exclude,
    /// Severity by rule code.
    pub severity: HashMap<&'static str, Severity>,
    pub build_args: HashMap<String, String>,
    pub nix: Settings,
    /// `[per-file-ignores]`, in the file's order.
    pub per_file_ignores: Vec<PerFileIgnore>,
    pub fix: FixSettings,
}

/// One entry of `[per-file-ignores]`: the files a glob matches (relative
/// to the config's directory, as `exclude`; a directory's files too), and
/// the rules not reported in them.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub glob: Glob,
    pub base: PathBuf,
    pub rules: Vec<&'static str>,
}

impl PerFileIgnore {
    /// Whether the file at `absolute` is one the glob matches.
    pub fn applies_to(&self, absolute: &Path) -> bool {
        let absolute = normalize(absolute);
        let Ok(relative) = absolute.strip_prefix(&self.base) else {
            return false;
        };
        // The file, or a directory above it up to the config's.
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (1..=parts.len()).any(|len| {
            let path = parts[..len].join("/");
            self.glob.excludes(Some(&path), &parts[len - 1])
        })
    }
}

/// The `exclude` globs and the directory they are relative to.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    pub globs: Vec<Glob>,
    pub base: PathBuf,
}

impl Exclude {
    /// Whether the walk skips the entry at `path` (as the walk sees it,
    /// relative to `cwd` or absolute).
    pub fn excludes(&self, path: &Path, cwd: &Path) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        let absolute = normalize(&cwd.join(path));
        self.globs.iter().any(|glob| self.matches(glob, &absolute))
    }

    /// Whether `path` or a directory above it (below the configuration's
    /// own) is excluded: what a walk from the configuration's directory
    /// would never reach.
    pub fn excludes_within(&self, path: &Path, cwd: &Path) -> bool {
        if self.globs.is_empty() {
            return false;
        }
        let absolute = normalize(&cwd.join(path));
        absolute
            .ancestors()
            .take_while(|a| a.starts_with(&self.base) && *a != self.base)
            .any(|a| self.globs.iter().any(|glob| self.matches(glob, a)))
    }

    /// The globs that apply to a walk of `root`, a directory named on the
    /// command line: not those that match `root` or a directory above it
    /// (below the config's), since a path the user names is audited.
    pub fn for_root(&self, root: &Path, cwd: &Path) -> Exclude {
        let root = normalize(&cwd.join(root));
        let named: Vec<&Path> = root
            .ancestors()
            .take_while(|a| a.starts_with(&self.base) && *a != self.base)
            .collect();
        Exclude {
            globs: self
                .globs
                .iter()
                .filter(|glob| !named.iter().any(|dir| self.matches(glob, dir)))
                .cloned()
                .collect(),
            base: self.base.clone(),
        }
    }

    fn matches(&self, glob: &Glob, absolute: &Path) -> bool {
        let relative = absolute.strip_prefix(&self.base).ok().map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        });
        let name = absolute
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        glob.excludes(relative.as_deref(), &name)
    }
}

/// The configurations of a run: one for all (`--config`, or none with
/// `--no-config`), or the nearest `.repro-audit.toml` above each file,
/// each read once.
#[derive(Debug)]
pub struct Configs {
    fixed: Option<Option<Arc<Config>>>,
    cwd: PathBuf,
    /// Directory → the configuration file that applies there.
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Configuration file → what it says, or why it cannot be read.
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, FileError>>>,
}

impl Configs {
    /// The same configuration (or none) for every file.
    pub fn fixed(config: Option<Config>) -> Configs {
        Configs {
            fixed: Some(config.map(Arc::new)),
            cwd: PathBuf::new(),
            nearest: Mutex::default(),
            loaded: Mutex::default(),
        }
    }

    /// For each file, the nearest `.repro-audit.toml` in its directory or
    /// above; errors are named relative to `cwd`.
    pub fn nearest(cwd: &Path) -> Configs {
        Configs {
            fixed: None,
            cwd: cwd.to_path_buf(),
            nearest: Mutex::default(),
            loaded: Mutex::default(),
        }
    }

    /// The configuration for files in `dir` (absolute); `None` when none
    /// applies or it cannot be read (see [`Configs::errors`]).
    pub fn for_dir(&self, dir: &Path) -> Option<Arc<Config>> {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        let file = self.file_for(&normalize(dir))?;
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        let entry = loaded.entry(file.clone()).or_insert_with(|| {
            let shown = crate::discover::display_path(&file, &self.cwd);
            load_found(&file, &shown).map(Arc::new)
        });
        entry.as_ref().ok().cloned()
    }

    /// The configuration for a file at `path` (absolute).
    pub fn for_file(&self, path: &Path) -> Option<Arc<Config>> {
        self.for_dir(path.parent().unwrap_or(Path::new("/")))
    }

    /// Whether the configuration that applies to a file at `path`
    /// (absolute) is there but cannot be read.
    pub fn unreadable_for(&self, path: &Path) -> bool {
        if self.fixed.is_some() {
            return false;
        }
        let dir = normalize(path.parent().unwrap_or(Path::new("/")));
        // Read, if it was not yet.
        let _ = self.for_dir(&dir);
        let Some(file) = self.file_for(&dir) else {
            return false;
        };
        let loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        loaded.get(&file).is_some_and(Result::is_err)
    }

    /// The nearest configuration file from `dir` up, remembered for every
    /// directory on the way.
    fn file_for(&self, dir: &Path) -> Option<PathBuf> {
        let mut nearest = self.nearest.lock().unwrap_or_else(|p| p.into_inner());
        let mut visited = Vec::new();
        let mut found = None;
        for ancestor in dir.ancestors() {
            if let Some(known) = nearest.get(ancestor) {
                found = known.clone();
                break;
            }
            visited.push(ancestor.to_path_buf());
            let candidate = ancestor.join(FILE_NAME);
            // Whatever is there is the configuration: a FIFO or a link out
            // of the repository is refused when it is read, not passed by.
            if std::fs::symlink_metadata(&candidate).is_ok() {
                found = Some(candidate);
                break;
            }
            // The search stops at the repository's top level: a stray
            // configuration in a home directory or on a CI machine does
            // not reach into every repository below it.
            if ancestor.join(".git").exists() {
                break;
            }
        }
        for dir in visited {
            nearest.insert(dir, found.clone());
        }
        found
    }

    /// The configuration files that could not be read, in path order.
    pub fn errors(&self) -> Vec<FileError> {
        let loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        let mut errors: Vec<(&PathBuf, FileError)> = loaded
            .iter()
            .filter_map(|(path, result)| result.as_ref().err().map(|e| (path, e.clone())))
            .collect();
        errors.sort_by(|a, b| a.0.cmp(b.0));
        errors.into_iter().map(|(_, e)| e).collect()
    }
}

/// Read and check the configuration at `path` (named by the user), named
/// `shown` in errors.
pub fn load(path: &Path, shown: &str) -> Result<Config, FileError> {
    let bytes = crate::input::read_file(path, crate::input::MAX_CONFIG_SIZE)
        .map_err(|e| FileError::io(shown, &format!("cannot read the configuration: {e}")))?;
    check(bytes, path, shown)
}

/// Read and check a configuration found on the way up from an audited
/// file: the repository's, so read only inside it.
fn load_found(path: &Path, shown: &str) -> Result<Config, FileError> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let bytes = crate::input::read_inside(
        path,
        &crate::input::tree_of(dir, None),
        crate::input::MAX_CONFIG_SIZE,
    )
    .map_err(|refusal| {
        let why = match refusal {
            crate::input::Refusal::Unread(why) => why,
            crate::input::Refusal::Missing => "no such file".to_owned(),
        };
        FileError::io(shown, &format!("cannot read the configuration: {why}"))
    })?;
    check(bytes, path, shown)
}

fn check(bytes: Vec<u8>, path: &Path, shown: &str) -> Result<Config, FileError> {
    let text = String::from_utf8(bytes)
        .map_err(|_| FileError::io(shown, "cannot read the configuration: not valid UTF-8"))?;
    let base = normalize(path.parent().unwrap_or(Path::new(".")));
    parse(&text, path, shown, base)
}

/// Check the text of the configuration file at `path`, named `shown` in
/// errors.
pub fn parse(text: &str, path: &Path, shown: &str, base: PathBuf) -> Result<Config, FileError> {
    let lines = LineIndex::new(text);
    let error = |message: String, offset: Option<usize>| match offset {
        Some(o) => FileError::syntax(shown, message, lines.position(text, o.min(text.len()))),
        None => FileError::io(shown, &message),
    };
    let raw: Raw = toml::from_str(text)
        .map_err(|e| error(key_words(e.message()), e.span().map(|s| s.start)))?;
    let at = |spanned_start: usize| Some(spanned_start);
    // A number from the file, within `range`, or an error naming the key,
    // what stands there and what is accepted.
    let bounded =
        |value: &Spanned<Number>, key: &str, range: std::ops::RangeInclusive<i64>, unit: &str| {
            match value.get_ref() {
                Number::Whole(n) if range.contains(n) => Ok(*n),
                Number::Whole(n) => Err(n.to_string()),
                Number::Other(written) => Err(written.clone()),
            }
            .map_err(|parsed| {
                // As written (`1e3`, not `1000.0`).
                let span = value.span();
                let written = text.get(span.start..span.end).unwrap_or(&parsed);
                error(
                    format!(
                        "`{key}` must be a whole number of {unit} from {} to {}, not {written}",
                        range.start(),
                        range.end()
                    ),
                    at(value.span().start),
                )
            })
        };

    let selectors = |list: Option<Vec<Spanned<String>>>, key: &str| {
        list.map(|list| {
            list.into_iter()
                .map(|s| {
                    if rules::matching(s.get_ref()).is_some() {
                        Ok(s.into_inner())
                    } else {
                        Err(error(
                            format!(
                                "`{key}`: unknown rule `{}`{}",
                                s.get_ref(),
                                did_you_mean(s.get_ref())
                            ),
                            at(s.span().start),
                        ))
                    }
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
    };
    let mut config = Config {
        path: Some(path.to_owned()),
        select: selectors(raw.select, "select")?,
        extend_select: selectors(raw.extend_select, "extend-select")?,
        ignore: selectors(raw.ignore, "ignore")?,
        ..Config::default()
    };

    if let Some(fail_on) = raw.fail_on {
        let value = fail_on.get_ref();
        if !matches!(value.as_str(), "error" | "warning" | "info" | "never") {
            return Err(error(
                format!("`fail-on`: `{value}` is not one of `error`, `warning`, `info`, `never`"),
                at(fail_on.span().start),
            ));
        }
        config.fail_on = Some(fail_on.into_inner());
    }

    let mut globs = Vec::new();
    for pattern in raw.exclude.unwrap_or_default() {
        let glob = Glob::new(pattern.get_ref())
            .map_err(|e| error(format!("`exclude`: {e}"), at(pattern.span().start)))?;
        globs.push(glob);
    }
    config.exclude = Exclude { globs, base };

    for (rule, severity) in raw.severity.unwrap_or_default() {
        let matched = rules::matching(rule.get_ref()).ok_or_else(|| {
            error(
                format!(
                    "`severity`: unknown rule `{}`{}",
                    rule.get_ref(),
                    did_you_mean(rule.get_ref())
                ),
                at(rule.span().start),
            )
        })?;
        let level = Severity::parse(severity.get_ref()).ok_or_else(|| {
            error(
                format!(
                    "`severity.{}`: `{}` is not one of `error`, `warning`, `info`",
                    rule.get_ref(),
                    severity.get_ref()
                ),
                at(severity.span().start),
            )
        })?;
        for matched in matched {
            config.severity.insert(matched.code, level);
        }
    }

    config.build_args = raw.build_args.unwrap_or_default().into_iter().collect();

    for (pattern, selectors) in raw.per_file_ignores.unwrap_or_default() {
        let glob = Glob::new(pattern.get_ref())
            .map_err(|e| error(format!("`per-file-ignores`: {e}"), at(pattern.span().start)))?;
        let mut rules = Vec::new();
        for selector in selectors {
            let matched = rules::matching(selector.get_ref()).ok_or_else(|| {
                error(
                    format!(
                        "`per-file-ignores.\"{}\"`: unknown rule `{}`{}",
                        pattern.get_ref(),
                        selector.get_ref(),
                        did_you_mean(selector.get_ref())
                    ),
                    at(selector.span().start),
                )
            })?;
            rules.extend(matched.iter().map(|rule| rule.code));
        }
        config.per_file_ignores.push(PerFileIgnore {
            glob,
            base: config.exclude.base.clone(),
            rules,
        });
    }

    if let Some(nix) = raw.nix {
        if let Some(keys) = nix.nixpkgs_keys {
            config.nix.nixpkgs_keys = keys;
        }
        if let Some(days) = nix.max_age_days {
            config.nix.max_age_days = bounded(&days, "nix.max-age-days", MAX_AGE_DAYS, "days")?;
        }
        config.nix.supported_refs = nix.supported_refs;
    }

    if let Some(fix) = raw.fix {
        let url = |value: &Spanned<String>, key: &str| {
            let text = value.get_ref().trim_end_matches('/');
            if text.starts_with("https://") || text.starts_with("http://") {
                Ok(text.to_owned())
            } else {
                Err(error(
                    format!("`fix.{key}`: `{text}` is not an http:// or https:// URL"),
                    at(value.span().start),
                ))
            }
        };
        for (registry, mirror) in fix.registry_mirrors.unwrap_or_default() {
            let base = url(&mirror, "registry-mirrors")?;
            config.fix.registry_mirrors.insert(registry, base);
        }
        config.fix.insecure_registries = fix.insecure_registries.unwrap_or_default();
        if let Some(github) = &fix.github_url {
            config.fix.github_url = Some(url(github, "github-url")?);
        }
        if let Some(timeout) = fix.timeout {
            let seconds = bounded(&timeout, "fix.timeout", TIMEOUT_SECONDS, "seconds")?;
            // Within 1..=3600: never negative.
            config.fix.timeout = u64::try_from(seconds).ok();
        }
    }
    Ok(config)
}

/// ` (did you mean `DF010`?)` for a selector that names no rule but is
/// close to one.
fn did_you_mean(selector: &str) -> String {
    rules::suggestion(selector)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

/// toml says "field"; the file has keys.
fn key_words(message: &str) -> String {
    message
        .replace("unknown field", "unknown key")
        .replace("missing field", "missing key")
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<Config, String> {
        parse(
            text,
            Path::new("/p/.repro-audit.toml"),
            ".repro-audit.toml",
            PathBuf::from("/p"),
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn every_key() {
        let config = check(
            r#"
select = ["DF", "NX"]
ignore = ["DF010", "package-upgrade"]
fail-on = "error"
exclude = ["vendor/**", "*.bad.Dockerfile"]

[severity]
DF002 = "error"
NX00 = "info"

[build-args]
BASE_IMAGE = "debian:12"

[nix]
nixpkgs-keys = ["nixpkgs", "nixpkgs-stable"]
max-age-days = 60
supported-refs = ["nixos-unstable"]
"#,
        )
        .unwrap();
        assert_eq!(config.select.unwrap(), ["DF", "NX"]);
        assert_eq!(config.ignore.unwrap(), ["DF010", "package-upgrade"]);
        assert_eq!(config.fail_on.as_deref(), Some("error"));
        assert_eq!(config.exclude.globs.len(), 2);
        assert_eq!(config.severity["DF002"], Severity::Error);
        assert_eq!(config.severity["NX007"], Severity::Info);
        assert_eq!(config.build_args["BASE_IMAGE"], "debian:12");
        assert_eq!(config.nix.nixpkgs_keys, ["nixpkgs", "nixpkgs-stable"]);
        assert_eq!(config.nix.max_age_days, 60);
        assert_eq!(config.nix.supported_refs.unwrap(), ["nixos-unstable"]);
    }

    #[test]
    fn errors_name_the_key_and_its_place() {
        let cases = [
            (
                "fial-on = \"error\"\n",
                ".repro-audit.toml:1:1: unknown key `fial-on`",
            ),
            (
                "select = \"DF\"\n",
                ".repro-audit.toml:1:10: invalid type: string \"DF\", expected a sequence",
            ),
            (
                "select = [\"DF\", \"DF999\"]\n",
                ".repro-audit.toml:1:17: `select`: unknown rule `DF999`",
            ),
            (
                "ignore = [\"nope\"]\n",
                ".repro-audit.toml:1:11: `ignore`: unknown rule `nope`",
            ),
            (
                "fail-on = \"warn\"\n",
                ".repro-audit.toml:1:11: `fail-on`: `warn` is not one of",
            ),
            (
                "exclude = [\"a[b\"]\n",
                ".repro-audit.toml:1:12: `exclude`: `a[b` has a `[` with no closing `]`",
            ),
            (
                "[severity]\nDF999 = \"error\"\n",
                ".repro-audit.toml:2:1: `severity`: unknown rule `DF999`",
            ),
            (
                "[severity]\nDF002 = \"fatal\"\n",
                ".repro-audit.toml:2:9: `severity.DF002`: `fatal` is not one of",
            ),
            (
                "[build-args]\nVERSION = 3\n",
                ".repro-audit.toml:2:11: invalid type: integer `3`, expected a string",
            ),
            (
                "[nix]\nmax-age-days = -1\n",
                ".repro-audit.toml:2:16: `nix.max-age-days` must be a whole number of days from 0 to 3652424, not -1",
            ),
            (
                "[nix]\nmax-age = 3\n",
                ".repro-audit.toml:2:1: unknown key `max-age`",
            ),
            (
                "[nix]\nnixpkgs-keys = \"nixpkgs\"\n",
                ".repro-audit.toml:2:16: invalid type: string \"nixpkgs\", expected a sequence",
            ),
            ("select = [\"DF\"\n", ".repro-audit.toml:1:"),
        ];
        for (text, expected) in cases {
            let message = check(text).expect_err(text);
            assert!(message.starts_with(expected), "{text:?}: {message}");
        }
    }

    /// Every number is checked against its range, whatever stands there:
    /// the extremes of a TOML integer, zero, negatives, fractions, huge
    /// and infinite floats, strings.
    #[test]
    fn numbers_are_bounded_and_the_error_says_the_range() {
        let timeout = "`fix.timeout` must be a whole number of seconds from 1 to 3600, not";
        let days = "`nix.max-age-days` must be a whole number of days from 0 to 3652424, not";
        for (text, expected) in [
            (
                "[fix]\ntimeout = 9223372036854775807\n",
                format!(".repro-audit.toml:2:11: {timeout} 9223372036854775807"),
            ),
            (
                "[fix]\ntimeout = -9223372036854775808\n",
                format!(".repro-audit.toml:2:11: {timeout} -9223372036854775808"),
            ),
            (
                "[fix]\ntimeout = 0\n",
                format!(".repro-audit.toml:2:11: {timeout} 0"),
            ),
            (
                "[fix]\ntimeout = -1\n",
                format!(".repro-audit.toml:2:11: {timeout} -1"),
            ),
            (
                "[fix]\ntimeout = 3601\n",
                format!(".repro-audit.toml:2:11: {timeout} 3601"),
            ),
            (
                "[fix]\ntimeout = 1.5\n",
                format!(".repro-audit.toml:2:11: {timeout} 1.5"),
            ),
            (
                "[fix]\ntimeout = 1e300\n",
                format!(".repro-audit.toml:2:11: {timeout} 1e300"),
            ),
            (
                "[fix]\ntimeout = inf\n",
                format!(".repro-audit.toml:2:11: {timeout} inf"),
            ),
            (
                "[fix]\ntimeout = nan\n",
                format!(".repro-audit.toml:2:11: {timeout} nan"),
            ),
            (
                "[fix]\ntimeout = \"30\"\n",
                format!(".repro-audit.toml:2:11: {timeout} \"30\""),
            ),
            (
                "[fix]\ntimeout = true\n",
                format!(".repro-audit.toml:2:11: {timeout} true"),
            ),
            (
                "[nix]\nmax-age-days = 9223372036854775807\n",
                format!(".repro-audit.toml:2:16: {days} 9223372036854775807"),
            ),
            (
                "[nix]\nmax-age-days = -9223372036854775808\n",
                format!(".repro-audit.toml:2:16: {days} -9223372036854775808"),
            ),
            (
                "[nix]\nmax-age-days = 3652425\n",
                format!(".repro-audit.toml:2:16: {days} 3652425"),
            ),
            (
                "[nix]\nmax-age-days = -1e308\n",
                format!(".repro-audit.toml:2:16: {days} -1e308"),
            ),
        ] {
            let message = check(text).expect_err(text);
            assert_eq!(message, expected, "{text:?}");
        }
        for (text, seconds) in [
            ("[fix]\ntimeout = 1\n", 1),
            ("[fix]\ntimeout = 3600\n", 3600),
        ] {
            assert_eq!(check(text).unwrap().fix.timeout, Some(seconds));
        }
        for (text, limit) in [
            ("[nix]\nmax-age-days = 0\n", 0),
            ("[nix]\nmax-age-days = 3652424\n", 3_652_424),
        ] {
            assert_eq!(check(text).unwrap().nix.max_age_days, limit);
        }
    }

    #[test]
    fn excludes_relative_to_the_config() {
        let config = check("exclude = [\"fixtures/parser\", \"*.bad\"]\n").unwrap();
        let cwd = Path::new("/p/sub");
        assert!(config
            .exclude
            .excludes(Path::new("../fixtures/parser"), cwd));
        assert!(config.exclude.excludes(Path::new("./x/y.bad"), cwd));
        assert!(!config.exclude.excludes(Path::new("fixtures/parser"), cwd));
        assert!(config
            .exclude
            .excludes(Path::new("/p/fixtures/parser"), Path::new("/elsewhere")));
    }

    #[test]
    fn a_named_directory_is_walked_even_when_excluded() {
        let config = check("exclude = [\"fixtures/**\", \"*.bad\"]\n").unwrap();
        let cwd = Path::new("/p");
        let walk = config.exclude.for_root(Path::new("fixtures/a"), cwd);
        assert!(!walk.excludes(Path::new("fixtures/a/Dockerfile"), cwd));
        assert!(walk.excludes(Path::new("fixtures/a/x.bad"), cwd));
        let walk = config.exclude.for_root(Path::new("."), cwd);
        assert!(walk.excludes(Path::new("./fixtures"), cwd));
    }
}
