//! Which files to audit: the paths given, directories walked, each file
//! classified by its name.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::audit::FileError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Dockerfile,
}

/// Directories never walked into.
const SKIPPED_DIRS: &[&str] = &[".git", "target", "node_modules", ".direnv"];

/// The kind of an audited file name, or `None` for names the walk skips:
/// `Dockerfile*`, `Containerfile*`, `*.Dockerfile`, `*.dockerfile`,
/// `*.Containerfile`.
pub fn kind_of(name: &str) -> Option<FileKind> {
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

/// The files named or found under `paths`. `-` is standard input, named
/// `stdin_filename`. A path that does not exist is an error; the rest are
/// still returned.
pub fn discover(
    paths: &[String],
    stdin_filename: &str,
    cwd: &Path,
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
            walk(&resolved, cwd, &mut targets, &mut errors);
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

fn walk(dir: &Path, cwd: &Path, targets: &mut Vec<Target>, errors: &mut Vec<FileError>) {
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()))
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
