//! Which files to audit: the paths given, directories walked, each file
//! classified by its name.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::{Configs, Exclude};
use crate::error::FileError;
use crate::ignores::Ignores;
use crate::input::Refusal;
use crate::source::dockerfile::Keyword;
use crate::source::nix_file::{NixFile, PathUse};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dockerfile,
    FlakeNix,
    FlakeLock,
    /// Any other `.nix` file.
    Nix,
    /// A Compose file.
    Compose,
    /// A GitHub Actions workflow or action.
    Workflow,
    /// A dev container definition.
    Devcontainer,
    /// `.gitlab-ci.yml`.
    Gitlab,
}

/// Directories never walked into.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", ".direnv"];

/// The kind of an audited file name, or `None` for names the walk skips:
/// `Dockerfile*`, `Containerfile*`, `*.Dockerfile`, `*.dockerfile`,
/// `*.Containerfile`, `flake.nix`, `flake.lock`, `*.nix`, and Compose's
/// names: `compose.yaml`, `docker-compose.yml`, `compose.<x>.yaml`,
/// `docker-compose-<x>.yml`, `compose_<x>.yml` (either extension; see
/// [`is_compose_name`]).
pub fn kind_of(name: &str) -> Option<FileKind> {
    match name {
        "flake.nix" => return Some(FileKind::FlakeNix),
        "flake.lock" => return Some(FileKind::FlakeLock),
        _ if name.ends_with(".nix") => return Some(FileKind::Nix),
        _ if is_compose_name(name) => return Some(FileKind::Compose),
        "action.yml" | "action.yaml" => return Some(FileKind::Workflow),
        ".devcontainer.json" => return Some(FileKind::Devcontainer),
        ".gitlab-ci.yml" | ".gitlab-ci.yaml" => return Some(FileKind::Gitlab),
        _ => {}
    }
    let dockerfile = name.starts_with("Dockerfile")
        || name.starts_with("Containerfile")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.ends_with(".Containerfile");
    dockerfile.then_some(FileKind::Dockerfile)
}

/// The kinds a file has by where it is: a workflow in
/// `.github/workflows/`, a `devcontainer.json` in `.devcontainer/`.
fn kind_by_place(path: &Path) -> Option<FileKind> {
    if crate::source::workflow::is_workflow_path(path) {
        Some(FileKind::Workflow)
    } else if crate::source::devcontainer::is_devcontainer_path(path) {
        Some(FileKind::Devcontainer)
    } else {
        None
    }
}

/// A Compose file's name, as Renovate's docker-compose manager finds
/// them (`(docker-)compose*.y(a)ml`): `compose.yaml`,
/// `docker-compose.yml`, and any such name with more after a `.`, `-` or
/// `_` (`compose.prod.yaml`, `docker-compose-hub.yml`,
/// `docker-compose_test.yml`), but not `composer.yaml`.
fn is_compose_name(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    let rest = stem
        .strip_prefix("docker-compose")
        .or_else(|| stem.strip_prefix("compose"));
    match rest {
        Some("") => true,
        Some(rest) => {
            let variant = rest.strip_prefix(['.', '-', '_']).unwrap_or("");
            !variant.is_empty() && !variant.starts_with(['.', '-', '_'])
        }
        None => false,
    }
}

/// The entry at `path`, when there is one (a link to nowhere is one: it
/// is refused when read, and said).
fn is_there(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// The file `docker compose` reads in the directory of `path`, when it
/// reads one there: the first of its default names.
fn compose_default(path: &Path) -> Option<PathBuf> {
    let dir = path.parent()?;
    crate::source::compose::DEFAULT_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| is_there(candidate))
}

/// The override file `docker compose` merges into the Compose file at
/// `path`: the first of its override names beside it, when `path` is the
/// file `docker compose` reads in its directory.
pub fn compose_override(path: &Path) -> Option<PathBuf> {
    let default = compose_default(path)?;
    if default.file_name() != path.file_name() {
        return None;
    }
    let dir = path.parent()?;
    crate::source::compose::OVERRIDE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| is_there(candidate))
}

/// The Compose file that the override file at `path` is merged into, when
/// `path` is the one `docker compose` merges there.
fn compose_base(path: &Path) -> Option<PathBuf> {
    let base = compose_default(path)?;
    (compose_override(&base)?.file_name() == path.file_name()).then_some(base)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
    /// A companion file (`flake.lock` beside a `flake.nix`) that is not to
    /// be read (a link out of the repository, into `/proc`), and why.
    Refused(PathBuf, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub source: Source,
    /// The path shown in reports: relative to the working directory where
    /// it lies under it, with `/`.
    pub display: String,
    pub kind: FileKind,
    /// The bounds of what it may name (its `.env`, includes, lock): its
    /// repository, every link resolved (see [`crate::input::tree_of`]).
    pub tree: PathBuf,
}

/// What is audited as one: a Dockerfile, or a flake's `flake.nix` and the
/// `flake.lock` beside it (either may be missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Dockerfile(Target),
    /// A `.nix` file other than a flake's `flake.nix`.
    Nix(Target),
    Compose(Target),
    Workflow(Target),
    Devcontainer(Target),
    /// A `.gitlab-ci.yml`; the local files it includes are read with it.
    Gitlab(Target),
    Flake {
        nix: Option<Target>,
        lock: Option<Target>,
    },
}

impl Unit {
    /// Its files.
    pub fn targets(&self) -> Vec<&Target> {
        match self {
            Unit::Dockerfile(target)
            | Unit::Nix(target)
            | Unit::Compose(target)
            | Unit::Workflow(target)
            | Unit::Devcontainer(target)
            | Unit::Gitlab(target) => vec![target],
            Unit::Flake { nix, lock } => nix.iter().chain(lock.iter()).collect(),
        }
    }

    /// Where its first file is (standard input is where the command runs).
    pub fn location(&self, cwd: &Path) -> Option<PathBuf> {
        let target = self.targets().into_iter().next()?;
        Some(match &target.source {
            Source::File(path) | Source::Refused(path, _) => path.clone(),
            Source::Stdin => cwd.join(&target.display),
        })
    }

    /// How many files it holds.
    pub fn files(&self) -> usize {
        match self {
            Unit::Dockerfile(_)
            | Unit::Nix(_)
            | Unit::Compose(_)
            | Unit::Workflow(_)
            | Unit::Devcontainer(_)
            | Unit::Gitlab(_) => 1,
            Unit::Flake { nix, lock } => usize::from(nix.is_some()) + usize::from(lock.is_some()),
        }
    }
}

/// The units to audit: each Dockerfile alone; each flake file with its
/// companion (`flake.nix` ↔ `flake.lock` in the same directory), whichever
/// of the two was named or found, and the companion read from disk when it
/// exists there.
pub fn units(targets: Vec<Target>, cwd: &Path) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    // Directory of a flake → its unit's index.
    let mut flakes: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    // Compose files audited, an override file by its base's.
    let mut compose = HashSet::new();
    for target in targets {
        match target.kind {
            FileKind::Dockerfile => {
                units.push(Unit::Dockerfile(target));
                continue;
            }
            FileKind::Nix => {
                units.push(Unit::Nix(target));
                continue;
            }
            FileKind::Compose => {
                let target = with_its_base(target, cwd);
                if compose.insert(identity(&target)) {
                    units.push(Unit::Compose(target));
                }
                continue;
            }
            FileKind::Workflow => {
                units.push(Unit::Workflow(target));
                continue;
            }
            FileKind::Devcontainer => {
                units.push(Unit::Devcontainer(target));
                continue;
            }
            FileKind::Gitlab => {
                units.push(Unit::Gitlab(target));
                continue;
            }
            FileKind::FlakeNix | FileKind::FlakeLock => {}
        }
        // A lock recognised by its content under another name
        // (`flake.clean.0.lock`) is a flake of its own, without a
        // flake.nix.
        let paired = matches!(
            file_name(Path::new(&target.display)).as_str(),
            "flake.nix" | "flake.lock"
        );
        if !paired {
            units.push(Unit::Flake {
                nix: None,
                lock: Some(target),
            });
            continue;
        }
        let location = match &target.source {
            Source::File(path) | Source::Refused(path, _) => path.clone(),
            Source::Stdin => cwd.join(&target.display),
        };
        // The shown path is normalised (`./` dropped), the walked one not.
        let dir = Path::new(&target.display)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let index = *flakes.entry(dir).or_insert_with(|| {
            units.push(Unit::Flake {
                nix: None,
                lock: None,
            });
            units.len() - 1
        });
        let Unit::Flake { nix, lock } = &mut units[index] else {
            continue;
        };
        let (slot, other, other_kind, other_name) = match target.kind {
            FileKind::FlakeNix => (nix, lock, FileKind::FlakeLock, "flake.lock"),
            _ => (lock, nix, FileKind::FlakeNix, "flake.nix"),
        };
        // A file named takes the place of the same file found beside its
        // companion, even one that was not to be read unnamed.
        let found_unnamed = slot
            .as_ref()
            .is_some_and(|s| matches!(s.source, Source::Refused(..)));
        let tree = target.tree.clone();
        if slot.is_none() || found_unnamed {
            *slot = Some(target);
        }
        if other.is_none() {
            let companion = location.with_file_name(other_name);
            // Whatever is there is the companion: a FIFO or a link to
            // nothing is refused when it is read, with its reason.
            let source = match crate::input::inside(&companion, &tree) {
                Ok(_) => Some(Source::File(companion)),
                Err(Refusal::Unread(why)) => Some(Source::Refused(companion, why)),
                Err(Refusal::Missing) => None,
            };
            if let Some(source) = source {
                *other = Some(Target {
                    display: display_path(source_path(&source), cwd),
                    source,
                    kind: other_kind,
                    tree: tree.clone(),
                });
            }
        }
    }
    units
}

/// The Compose file an override file is merged into, in its place (its
/// audit reads the override, as `docker compose` does); any other file
/// as it is. An override whose base is not to be read stays itself.
fn with_its_base(target: Target, cwd: &Path) -> Target {
    let Source::File(path) = &target.source else {
        return target;
    };
    let Some(base) = compose_base(path) else {
        return target;
    };
    if crate::input::inside(&base, &target.tree).is_err() {
        return target;
    }
    let display = match (target.display.rsplit_once('/'), base.file_name()) {
        (Some((dir, _)), Some(name)) => format!("{dir}/{}", name.to_string_lossy()),
        (None, Some(name)) => name.to_string_lossy().into_owned(),
        (_, None) => display_path(&base, cwd),
    };
    Target {
        source: Source::File(base),
        display,
        ..target
    }
}

/// What makes two targets one file: device and inode where there are
/// such, else the canonical path; standard input is one.
fn identity(target: &Target) -> (u64, u64, PathBuf) {
    let Source::File(path) = &target.source else {
        return (0, 0, PathBuf::from(&target.display));
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            return (metadata.dev(), metadata.ino(), PathBuf::new());
        }
    }
    (0, 0, path.canonicalize().unwrap_or_else(|_| path.clone()))
}

fn source_path(source: &Source) -> &Path {
    match source {
        Source::File(path) | Source::Refused(path, _) => path,
        Source::Stdin => Path::new("-"),
    }
}

/// How to find files.
pub struct Walk<'a> {
    /// The name standard input (`-`) is audited under.
    pub stdin_filename: &'a str,
    /// Honour `.gitignore`, `.ignore` and git's excludes while walking, as
    /// ripgrep does (off with `--no-ignore`).
    pub ignore_files: bool,
    /// Leave out a file named on the command line that the configuration
    /// excludes (`--force-exclude`, for pre-commit, which names every file).
    pub force_exclude: bool,
    /// The configurations, whose `exclude` the walk honours: each
    /// directory's nearest.
    pub configs: &'a Arc<Configs>,
}

/// The files named or found under `paths`. `-` is standard input. A path
/// that does not exist is an error; the rest are still returned. The walk
/// skips what `exclude` matches, what git ignores, and names that only
/// look like Dockerfiles (`Dockerfile.md`, `Dockerfile-linux.template`);
/// but a path named here is audited even when `exclude` matches it — a
/// file, or a directory with what it holds — unless `force_exclude`.
pub fn discover(paths: &[PathBuf], cwd: &Path, how: &Walk) -> Discovered {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    // Files found or named that cannot be audited (a FIFO, a link out of
    // the repository, a name that fits no kind): inputs, unlike a path
    // that does not exist or an ignore file that cannot be read.
    let mut unaudited = 0;
    for path in paths {
        if path.as_os_str() == "-" {
            targets.push(Target {
                source: Source::Stdin,
                display: how.stdin_filename.to_owned(),
                // Judged as the walk judges a file at that path: by its
                // place (`.github/workflows/ci.yml`), then its name.
                kind: kind_by_place(Path::new(how.stdin_filename))
                    .or_else(|| kind_of(&file_name(Path::new(how.stdin_filename))))
                    .unwrap_or(FileKind::Dockerfile),
                // Its flake.lock is looked for where the name says.
                tree: crate::input::tree_of(
                    cwd.join(how.stdin_filename).parent().unwrap_or(cwd),
                    Some(cwd),
                ),
            });
            continue;
        }
        let given = Path::new(path);
        let resolved = cwd.join(given);
        // A path named inside a repository may still be a link that leads
        // out of it or into /proc: CI names files of a stranger's tree.
        let tree = crate::input::tree_of(resolved.parent().unwrap_or(cwd), Some(cwd));
        let refused = match crate::input::inside(&resolved, &tree) {
            Err(Refusal::Unread(why)) if std::fs::metadata(&resolved).is_ok() => Some(why),
            _ => None,
        };
        if let Some(why) = refused {
            unaudited += 1;
            errors.push(FileError::io(
                &display_path(given, cwd),
                &format!(
                    "{why}: not read (pipe it in if it is to be audited: `repro-audit - < …`)"
                ),
            ));
            continue;
        }
        let excluded = || {
            how.configs
                .for_file(&resolved)
                .is_some_and(|config| config.exclude.excludes_within(&resolved, cwd))
        };
        // With `--force-exclude` a named file is left out as the walk would
        // leave it out: excluded (itself or a directory above it), or a
        // name that only looks like a Dockerfile (`Dockerfile.md`), which
        // pre-commit's file pattern lets through.
        let look_alike = || {
            let name = file_name(given);
            resolved.is_file() && kind_of(&name).is_some() && walked_kind(&name).is_none()
        };
        if how.force_exclude && (excluded() || look_alike()) {
            continue;
        }
        let metadata = std::fs::metadata(&resolved);
        if resolved.is_dir() {
            unaudited += walk(&resolved, cwd, how, &mut targets, &mut errors);
        } else if let Some(other) = metadata.as_ref().ok().filter(|m| !m.is_file()) {
            // A FIFO would wait for a writer, a device never end.
            unaudited += 1;
            let kind = crate::input::file_type(other);
            errors.push(FileError::io(
                &display_path(given, cwd),
                &format!(
                    "not a regular file ({kind}); pipe it to standard input: `repro-audit - < …`"
                ),
            ));
        } else if let Err(error) = &metadata {
            // A link to nothing, a loop of links: said as what they are.
            let why = match std::fs::symlink_metadata(&resolved) {
                Ok(_) if error.kind() == std::io::ErrorKind::NotFound => {
                    "a symbolic link to a file that does not exist".to_owned()
                }
                _ => crate::input::link_error(error),
            };
            errors.push(FileError::io(&display_path(given, cwd), &why));
        } else {
            let display = display_path(given, cwd);
            let by_place = kind_by_place(&resolved);
            match by_place.map_or_else(|| explicit_kind(&file_name(given), &resolved), Ok) {
                Ok(kind) => targets.push(Target {
                    source: Source::File(resolved),
                    display,
                    kind,
                    tree,
                }),
                Err(message) => {
                    unaudited += 1;
                    errors.push(FileError::io(&display, &message));
                }
            }
        }
    }
    // A file named twice, or named and found by a walk, or reached under
    // two names, is audited once: files are told apart by what they are,
    // not by how they are shown (two names that are not UTF-8 may show
    // alike).
    let mut seen = std::collections::HashSet::new();
    targets.retain(|target| seen.insert(identity(target)));
    Discovered {
        targets,
        errors,
        unaudited,
    }
}

/// What `discover` finds: the files to audit, the errors met, and how many
/// of those are inputs that cannot be audited.
pub struct Discovered {
    pub targets: Vec<Target>,
    pub errors: Vec<FileError>,
    pub unaudited: usize,
}

fn walk(
    dir: &Path,
    cwd: &Path,
    how: &Walk,
    targets: &mut Vec<Target>,
    errors: &mut Vec<FileError>,
) -> usize {
    let mut unaudited = 0;
    // The ignore files are ours to read (see ignores.rs): the walker
    // reads none, and asks us of each entry.
    let real_root = dir
        .canonicalize()
        .unwrap_or_else(|_| crate::input::normalize(dir));
    let tree = crate::input::tree_of(dir, Some(dir));
    let ignores = how
        .ignore_files
        .then(|| Arc::new(Ignores::new(&real_root, cwd)));
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .standard_filters(false)
        .sort_by_file_name(std::ffi::OsStr::cmp)
        .filter_entry({
            let configs = Arc::clone(how.configs);
            let root = dir.to_path_buf();
            let real_root = real_root.clone();
            let ignores = ignores.clone();
            let cwd = cwd.to_path_buf();
            // Per configuration file: its `exclude`, less the globs that
            // match the named directory (a path the user names is audited).
            let for_root: Mutex<HashMap<Option<PathBuf>, Exclude>> = Mutex::default();
            move |entry| {
                if entry.depth() == 0 {
                    return true;
                }
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                let skipped_dir =
                    is_dir && SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref());
                if skipped_dir {
                    return false;
                }
                if let Some(ignores) = &ignores {
                    let relative = entry.path().strip_prefix(&root).unwrap_or(entry.path());
                    if ignores.ignores(&real_root.join(relative), is_dir) {
                        return false;
                    }
                }
                let Some(config) = entry.path().parent().and_then(|d| configs.for_dir(d)) else {
                    return true;
                };
                let mut cache = for_root.lock().unwrap_or_else(|p| p.into_inner());
                let exclude = cache
                    .entry(config.path.clone())
                    .or_insert_with(|| config.exclude.for_root(&root, &cwd));
                !exclude.excludes(entry.path(), &cwd)
            }
        });
    // Files reached through a link come after the others, so that a file
    // found both ways is shown where it is.
    let mut linked = Vec::new();
    for entry in builder.build() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                errors.push(walk_error(&error, cwd));
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        // Where a file is comes first: a workflow named `compose.yml` is a
        // workflow, as it is when named.
        let Some(kind) = kind_by_place(entry.path()).or_else(|| walked_kind(&name)) else {
            continue;
        };
        let target = Target {
            source: Source::File(entry.path().to_path_buf()),
            display: display_path(entry.path(), cwd),
            kind,
            tree: tree.clone(),
        };
        if file_type.is_file() {
            targets.push(target);
            continue;
        }
        // A linked directory is not walked into, wherever it leads (as
        // ripgrep does not follow links).
        if file_type.is_symlink() && entry.path().is_dir() {
            continue;
        }
        // A name the walk audits that is no regular file is said, never
        // passed over: a link (out of the repository, to a device, to
        // nothing), a FIFO, a socket, a device.
        let why = match file_type.is_symlink() {
            true => match crate::input::inside(entry.path(), &tree) {
                Ok(real) => match std::fs::metadata(&real) {
                    Ok(metadata) if metadata.is_file() => {
                        linked.push(target);
                        continue;
                    }
                    Ok(metadata) => match crate::input::file_type(&metadata) {
                        "not a file" => "a symbolic link to something that is not a file".into(),
                        kind => format!("a symbolic link to {kind}"),
                    },
                    Err(error) => crate::input::link_error(&error),
                },
                Err(crate::input::Refusal::Unread(why)) => why,
                Err(crate::input::Refusal::Missing) => {
                    "a symbolic link to a file that does not exist".to_owned()
                }
            },
            false => match std::fs::symlink_metadata(entry.path()) {
                Ok(metadata) => format!(
                    "not a regular file ({})",
                    crate::input::file_type(&metadata)
                ),
                Err(error) => crate::input::io_message(&error),
            },
        };
        unaudited += 1;
        errors.push(FileError::io(
            &target.display,
            &format!("{why}; not audited"),
        ));
    }
    targets.append(&mut linked);
    if let Some(ignores) = ignores {
        errors.extend(ignores.take_errors());
    }
    unaudited
}

/// A walk error, named with its path when it has one, in plain words
/// (`cannot read this directory: permission denied`), not the walker's
/// (`IO error for operation on /abs/x: Permission denied (os error 13)`),
/// which names the path a second time.
fn walk_error(error: &ignore::Error, cwd: &Path) -> FileError {
    fn path_of(error: &ignore::Error) -> Option<&Path> {
        match error {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    fn cause(error: &ignore::Error) -> String {
        match error {
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => cause(err),
            ignore::Error::Io(io) => crate::input::link_error(io),
            ignore::Error::Loop { .. } => "a loop of symbolic links".to_owned(),
            other => other.to_string(),
        }
    }
    let path = path_of(error);
    let what = match path.map(Path::is_dir) {
        Some(true) => "cannot read this directory: ",
        Some(false) => "cannot read it: ",
        None => "",
    };
    FileError::io(
        &path.map(|p| display_path(p, cwd)).unwrap_or_default(),
        &format!("{what}{}", cause(error)),
    )
}

/// Extensions of files whose names begin like a Dockerfile's but that are
/// something else: BuildKit's per-Dockerfile ignore file, docs, templates
/// for a generator, backups, scripts, data.
const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    "dockerignore",
    "md",
    "markdown",
    "rst",
    "adoc",
    "txt",
    "template",
    "tmpl",
    "tpl",
    "j2",
    "jinja",
    "jinja2",
    "gotmpl",
    "erb",
    "mustache",
    "hbs",
    "in",
    "orig",
    "rej",
    "bak",
    "old",
    "swp",
    "swo",
    "sh",
    "bash",
    "ps1",
    "py",
    "json",
    "yml",
    "yaml",
    "toml",
    "xml",
    "html",
    "patch",
    "diff",
    "lock",
    "sum",
    "sha256",
    "asc",
    "sig",
];

/// The kind of a file the walk finds: as [`kind_of`], but a name that only
/// looks like a Dockerfile (`Dockerfile.md`, `Dockerfile.dockerignore`,
/// `Dockerfile-linux.template`, `Dockerfile~`) is left out. Named on the
/// command line, such a file is still audited.
pub fn walked_kind(name: &str) -> Option<FileKind> {
    let kind = kind_of(name)?;
    if kind != FileKind::Dockerfile {
        return Some(kind);
    }
    if name.ends_with('~') {
        return None;
    }
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension {
        Some(e) if NOT_DOCKERFILE_EXTENSIONS.contains(&e.as_str()) => None,
        _ => Some(kind),
    }
}

/// A file named explicitly is always audited. A name that fits no kind is
/// recognised by its content: a JSON object with `nodes`, `root` and
/// `version` is a flake lock; text whose first instruction is a Dockerfile
/// instruction is a Dockerfile; text that parses as Nix and is a set, a
/// function of a set, a `let` or a `with` is a Nix file. Any other file is
/// an error that says so. Only regular files get here: a FIFO or a device
/// named on the command line is refused before (`discover`).
fn explicit_kind(name: &str, path: &Path) -> Result<FileKind, String> {
    if let Some(kind) = kind_of(name) {
        return Ok(kind);
    }
    // What cannot be read is reported when it is audited.
    let Some(text) = read_for_sniffing(path) else {
        return Ok(FileKind::Dockerfile);
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(object)) = serde_json::from_str(text) {
            let lock = ["nodes", "root", "version"]
                .iter()
                .all(|key| object.contains_key(*key));
            return if lock {
                Ok(FileKind::FlakeLock)
            } else {
                Err("a JSON document but not a flake lock (it has no `nodes`, `root` and `version`); \
                     repro-audit reads Dockerfiles, flake.nix, flake.lock and .nix files"
                    .to_owned())
            };
        }
    }
    let first_word = text
        .lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .and_then(|line| line.split_whitespace().next());
    match first_word {
        None => return Ok(FileKind::Dockerfile),
        Some(word) if Keyword::parse(word).is_some() => return Ok(FileKind::Dockerfile),
        Some(_) => {}
    }
    if NixFile::parse(text.to_owned()).is_ok_and(|file| file.typical) {
        return Ok(FileKind::Nix);
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yml") || lower.ends_with(".yaml") {
        // A mapping is read as Compose reads it, which says what it
        // refuses (a key that is not Compose's, named where it is), as it
        // does under a Compose file's name.
        let documents = crate::source::yaml::parse(text).unwrap_or_default();
        if documents.iter().any(crate::source::compose::is_mapping) {
            return Ok(FileKind::Compose);
        }
        return Err(
            "a YAML file but not a Compose file (it is not a mapping of keys such as \
             `services`): repro-audit reads Dockerfiles, Compose files, flake.nix, flake.lock \
             and .nix files"
                .to_owned(),
        );
    }
    Err("not a Dockerfile, flake.nix, flake.lock or Nix file (its first word is no Dockerfile \
         instruction, and it is neither a flake lock nor a Nix expression); name it `Dockerfile.<x>` \
         or `<x>.nix`, or pass it on standard input with `--stdin-filename`"
        .to_owned())
}

/// What the flakes of a run export as templates, read once per parent
/// flake however many flakes below it ask (a repository's templates share
/// one parent).
#[derive(Debug, Default)]
pub struct Templates {
    exports: std::sync::Mutex<HashMap<PathBuf, std::sync::Arc<Exports>>>,
}

/// The directories a flake exports as templates: each one, and each
/// directory all of whose subdirectories are exported.
#[derive(Debug, Default)]
struct Exports {
    dirs: HashSet<PathBuf>,
    parents: HashSet<PathBuf>,
}

impl Templates {
    /// Whether the flake whose `flake.nix` is at `flake_nix` is one that a
    /// parent flake exports as a template (`templates.<name>.path = ./…;`,
    /// `defaultTemplate.path`, `"${self}/…"`, a `readDir` of the directory
    /// that holds it, a file that `templates` imports, or any of these in a
    /// module the parent's `imports = [ … ]` lists, as flake-parts flakes
    /// do). The parents are the `flake.nix` files of the directories above,
    /// up to the repository's root (the first that holds `.git`).
    pub fn exported(&self, flake_nix: &Path) -> bool {
        let Some(dir) = flake_nix
            .parent()
            .and_then(|dir| std::fs::canonicalize(dir).ok())
        else {
            return false;
        };
        if dir.join(".git").exists() {
            return false;
        }
        for ancestor in dir.ancestors().skip(1).take(64) {
            let exports = self.of(ancestor);
            let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
            if exports.dirs.contains(&dir) || exports.parents.contains(&parent) {
                return true;
            }
            if ancestor.join(".git").exists() {
                break;
            }
        }
        false
    }

    /// What the flake at `root` exports (nothing when it has no flake.nix).
    fn of(&self, root: &Path) -> std::sync::Arc<Exports> {
        let cached = self
            .exports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(root)
            .cloned();
        if let Some(exports) = cached {
            return exports;
        }
        // Read outside the lock; another thread may read the same flake.
        let exports = std::sync::Arc::new(read_exports(root));
        self.exports
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(root.to_path_buf(), std::sync::Arc::clone(&exports));
        exports
    }
}

/// What the flake at `root` exports as templates: its flake.nix and the
/// modules it imports, at most [`MAX_MODULES`] files, at most
/// [`MAX_IMPORT_DEPTH`] imports deep.
fn read_exports(root: &Path) -> Exports {
    const MAX_MODULES: usize = 64;
    const MAX_IMPORT_DEPTH: usize = 4;
    let mut exports = Exports::default();
    let file = root.join("flake.nix");
    if !file.is_file() {
        return exports;
    }
    let tree = crate::input::tree_of(root, None);
    let mut queue = std::collections::VecDeque::from([(file, 0)]);
    let mut seen = HashSet::new();
    while let Some((file, depth)) = queue.pop_front() {
        if seen.len() >= MAX_MODULES || !seen.insert(file.clone()) {
            continue;
        }
        let Some(base) = file.parent() else { continue };
        let Some(parsed) = read_module(&file, &tree).and_then(|t| NixFile::parse(t).ok()) else {
            continue;
        };
        for used in &parsed.templates {
            match used {
                PathUse::Import(path) => {
                    let imported = nix_file_at(&lexical_join(base, path));
                    let Some(base) = imported.parent() else {
                        continue;
                    };
                    if let Some(parsed) =
                        read_module(&imported, &tree).and_then(|t| NixFile::parse(t).ok())
                    {
                        for used in &parsed.path_attrs {
                            exports.add(used, base, root);
                        }
                    }
                }
                other => exports.add(other, base, root),
            }
        }
        if depth < MAX_IMPORT_DEPTH {
            for path in &parsed.imports {
                queue.push_back((nix_file_at(&lexical_join(base, path)), depth + 1));
            }
        }
    }
    exports
}

impl Exports {
    /// A template path written in a file in `base`, of the flake at `root`.
    fn add(&mut self, used: &PathUse, base: &Path, root: &Path) {
        match used {
            PathUse::Path(path) => self.dirs.insert(lexical_join(base, path)),
            PathUse::FromRoot(path) => self.dirs.insert(lexical_join(root, path)),
            PathUse::ReadDir(path) | PathUse::Children(path) => {
                self.parents.insert(lexical_join(base, path))
            }
            PathUse::FromRootChildren(path) => self.parents.insert(lexical_join(root, path)),
            PathUse::Import(_) => false,
        };
    }
}

/// A directory's `default.nix`, or the file itself.
fn nix_file_at(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("default.nix")
    } else {
        path.to_path_buf()
    }
}

/// A Nix path literal resolved against the directory of its file, `.` and
/// `..` folded as Nix folds them (lexically).
fn lexical_join(base: &Path, literal: &str) -> PathBuf {
    let mut joined = if literal.starts_with('/') {
        PathBuf::from("/")
    } else {
        base.to_path_buf()
    };
    for part in literal.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                joined.pop();
            }
            name => joined.push(name),
        }
    }
    joined
}

/// A named file's text, when it can be read and is not too large.
fn read_for_sniffing(path: &Path) -> Option<String> {
    let bytes = crate::input::read_file(path, crate::input::MAX_FILE_SIZE).ok()?;
    // Nix reads bytes; a Dockerfile or lock that is not UTF-8 is reported
    // as such when it is audited.
    Some(crate::input::invalid_bytes_as_question_marks(&bytes))
}

/// The text of a Nix file that a flake names (an import), read only
/// inside the repository `tree`.
fn read_module(path: &Path, tree: &Path) -> Option<String> {
    let bytes = crate::input::read_inside(path, tree, crate::input::MAX_FILE_SIZE).ok()?;
    Some(crate::input::invalid_bytes_as_question_marks(&bytes))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Relative to `cwd` when under it, `./` dropped, `/` as separator.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let relative = if path.is_absolute() {
        path.strip_prefix(cwd).unwrap_or(path)
    } else {
        path
    };
    let mut shown = String::new();
    for component in relative.components() {
        match component {
            std::path::Component::CurDir => continue,
            std::path::Component::RootDir => {
                shown.push('/');
                continue;
            }
            other => {
                if !shown.is_empty() && !shown.ends_with('/') {
                    shown.push('/');
                }
                shown.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    if shown.is_empty() {
        ".".to_owned()
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audited_names() {
        for name in [
            "Dockerfile",
            "Dockerfile.dev",
            "Dockerfile-nix",
            "Containerfile",
            "app.Dockerfile",
            "x.dockerfile",
            "y.Containerfile",
        ] {
            assert_eq!(kind_of(name), Some(FileKind::Dockerfile), "{name}");
        }
        for name in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
            "compose.prod.yaml",
            "docker-compose.override.yml",
            "docker-compose-hub.yml",
            "docker-compose_test.yaml",
            "compose-dev.yaml",
            "compose-with-env-file.yaml",
            "docker-compose.test.override.yml",
        ] {
            assert_eq!(kind_of(name), Some(FileKind::Compose), "{name}");
        }
        for name in [
            "README.md",
            "dockerfile",
            "Makefile",
            "compose..yaml",
            "compose-.yml",
            "compose_-x.yml",
            "composer.yaml",
            "docker-composer.yml",
            "compose.yaml.j2",
            "docker-compose.yml.example",
            "my-compose.yml",
            "compose.json",
            "ci.yml",
        ] {
            assert_eq!(kind_of(name), None, "{name}");
        }
    }

    #[test]
    fn a_walk_error_is_said_once_in_plain_words() {
        let dir = std::env::temp_dir();
        let error = ignore::Error::WithDepth {
            depth: 1,
            err: Box::new(ignore::Error::WithPath {
                path: dir.join("locked"),
                err: Box::new(ignore::Error::Io(std::io::Error::from(
                    std::io::ErrorKind::PermissionDenied,
                ))),
            }),
        };
        let said = walk_error(&error, &dir);
        assert_eq!(said.path, "locked");
        assert_eq!(said.message, "cannot read it: permission denied");
        std::fs::create_dir_all(dir.join("repro-audit-locked-dir")).unwrap();
        let error = ignore::Error::WithPath {
            path: dir.join("repro-audit-locked-dir"),
            err: Box::new(ignore::Error::Io(std::io::Error::from(
                std::io::ErrorKind::PermissionDenied,
            ))),
        };
        assert_eq!(
            walk_error(&error, &dir).message,
            "cannot read this directory: permission denied"
        );
    }

    #[test]
    fn display_paths_are_relative_with_slashes() {
        let cwd = Path::new("/work/project");
        assert_eq!(
            display_path(Path::new("./a/Dockerfile"), cwd),
            "a/Dockerfile"
        );
        assert_eq!(
            display_path(Path::new("/work/project/b/Dockerfile"), cwd),
            "b/Dockerfile"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/Dockerfile"), cwd),
            "/elsewhere/Dockerfile"
        );
    }
}
