//! `.repro-audit.toml` (spec §4): found in the working directory or its
//! nearest parent that has one, or named by `--config`. Every key is
//! checked: an unknown key, a wrong type, a bad value or an unknown rule is
//! an error naming the key, its line and its column — never ignored.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::FileError;
use crate::finding::Severity;
use crate::glob::Glob;
use crate::rules::{self, nix::Settings};
use crate::source::span::LineIndex;

pub const FILE_NAME: &str = ".repro-audit.toml";

/// The file as written: every value keeps its span for error messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    fail_on: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    build_args: Option<BTreeMap<String, String>>,
    nix: Option<RawNix>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawNix {
    nixpkgs_keys: Option<Vec<String>>,
    max_age_days: Option<Spanned<i64>>,
    supported_refs: Option<Vec<String>>,
}

/// The configuration, checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from; `None` when there is none.
    pub path: Option<PathBuf>,
    /// Rule selectors, as on the command line.
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    /// `error`, `warning`, `info` or `never`.
    pub fail_on: Option<String>,
    pub exclude: Exclude,
    /// Severity by rule code.
    pub severity: HashMap<&'static str, Severity>,
    pub build_args: HashMap<String, String>,
    pub nix: Settings,
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

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The file that applies: `explicit` (`--config`), or the nearest
/// `.repro-audit.toml` from `cwd` upwards.
pub fn find(cwd: &Path, explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(cwd.join(path));
    }
    cwd.ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Read and check the configuration at `path`, named `shown` in errors.
pub fn load(path: &Path, shown: &str) -> Result<Config, FileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FileError::io(shown, &format!("cannot read the configuration: {e}")))?;
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

    let selectors = |list: Option<Vec<Spanned<String>>>, key: &str| {
        list.map(|list| {
            list.into_iter()
                .map(|s| {
                    if rules::matching(s.get_ref()).is_some() {
                        Ok(s.into_inner())
                    } else {
                        Err(error(
                            format!("`{key}`: unknown rule `{}`", s.get_ref()),
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
                format!("`severity`: unknown rule `{}`", rule.get_ref()),
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

    if let Some(nix) = raw.nix {
        if let Some(keys) = nix.nixpkgs_keys {
            config.nix.nixpkgs_keys = keys;
        }
        if let Some(days) = nix.max_age_days {
            if *days.get_ref() < 0 {
                return Err(error(
                    format!("`nix.max-age-days`: {} is negative", days.get_ref()),
                    at(days.span().start),
                ));
            }
            config.nix.max_age_days = days.into_inner();
        }
        config.nix.supported_refs = nix.supported_refs;
    }
    Ok(config)
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
                ".repro-audit.toml:2:16: `nix.max-age-days`: -1 is negative",
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
