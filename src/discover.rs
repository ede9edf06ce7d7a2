//! Which files to audit: the paths given, directories walked, each file
//! classified by its name.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::audit::FileError;
use crate::config::Exclude;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dockerfile,
    FlakeNix,
    FlakeLock,
}

/// Directories never walked into.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", ".direnv"];

/// The kind of an audited file name, or `None` for names the walk skips:
/// `Dockerfile*`, `Containerfile*`, `*.Dockerfile`, `*.dockerfile`,
/// `*.Containerfile`, `flake.nix`, `flake.lock`.
pub fn kind_of(name: &str) -> Option<FileKind> {
    match name {
        "flake.nix" => return Some(FileKind::FlakeNix),
        "flake.lock" => return Some(FileKind::FlakeLock),
        _ => {}
    }
    let dockerfile = name.starts_with("Dockerfile")
        || name.starts_with("Containerfile")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
        || name.ends_with(".Containerfile");
    dockerfile.then_some(FileKind::Dockerfile)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub source: Source,
    /// The path shown in reports: relative to the working directory where
    /// it lies under it, with `/`.
    pub display: String,
    pub kind: FileKind,
}

/// What is audited as one: a Dockerfile, or a flake's `flake.nix` and the
/// `flake.lock` beside it (either may be missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Dockerfile(Target),
    Flake {
        nix: Option<Target>,
        lock: Option<Target>,
    },
}

impl Unit {
    /// How many files it holds.
    pub fn files(&self) -> usize {
        match self {
            Unit::Dockerfile(_) => 1,
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
    for target in targets {
        if target.kind == FileKind::Dockerfile {
            units.push(Unit::Dockerfile(target));
            continue;
        }
        let location = match &target.source {
            Source::File(path) => path.clone(),
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
        if slot.is_none() {
            *slot = Some(target);
        }
        if other.is_none() {
            let companion = location.with_file_name(other_name);
            if companion.is_file() {
                *other = Some(Target {
                    display: display_path(&companion, cwd),
                    source: Source::File(companion),
                    kind: other_kind,
                });
            }
        }
    }
    units
}

/// The files named or found under `paths`. `-` is standard input, named
/// `stdin_filename`. A path that does not exist is an error; the rest are
/// still returned. The walk skips what `exclude` matches, but a path named
/// here is audited even when `exclude` matches it: a file, or a directory
/// with what it holds.
pub fn discover(
    paths: &[String],
    stdin_filename: &str,
    cwd: &Path,
    exclude: &Exclude,
) -> (Vec<Target>, Vec<FileError>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path == "-" {
            targets.push(Target {
                source: Source::Stdin,
                display: stdin_filename.to_owned(),
                kind: explicit_kind(stdin_filename),
            });
            continue;
        }
        let given = Path::new(path);
        let resolved = cwd.join(given);
        if resolved.is_dir() {
            walk(
                &resolved,
                cwd,
                &exclude.for_root(&resolved, cwd),
                &mut targets,
                &mut errors,
            );
        } else if resolved.exists() {
            targets.push(Target {
                source: Source::File(resolved),
                display: display_path(given, cwd),
                kind: explicit_kind(&file_name(given)),
            });
        } else {
            errors.push(FileError::io(
                &display_path(given, cwd),
                "no such file or directory",
            ));
        }
    }
    targets.dedup_by(|a, b| a.display == b.display);
    (targets, errors)
}

fn walk(
    dir: &Path,
    cwd: &Path,
    exclude: &Exclude,
    targets: &mut Vec<Target>,
    errors: &mut Vec<FileError>,
) {
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref())
                    || exclude.excludes(entry.path(), cwd))
        });
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let name = entry.file_name().to_string_lossy();
                if let Some(kind) = kind_of(&name) {
                    targets.push(Target {
                        source: Source::File(entry.path().to_path_buf()),
                        display: display_path(entry.path(), cwd),
                        kind,
                    });
                }
            }
            Ok(_) => {}
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| display_path(p, cwd))
                    .unwrap_or_default();
                errors.push(FileError::io(&path, &error.to_string()));
            }
        }
    }
}

/// A file named explicitly is always audited; a name that fits no kind is
/// read as a Dockerfile.
fn explicit_kind(name: &str) -> FileKind {
    kind_of(name).unwrap_or(FileKind::Dockerfile)
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
        for name in ["README.md", "dockerfile", "Makefile", "docker-compose.yml"] {
            assert_eq!(kind_of(name), None, "{name}");
        }
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
