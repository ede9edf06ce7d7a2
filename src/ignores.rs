//! The ignore files the walk honours, as ripgrep honours them: `.ignore`
//! and `.gitignore` in each directory (the deeper one decides, and
//! `.ignore` before `.gitignore`), the repository's `.git/info/exclude`,
//! and the user's global excludes file (`core.excludesFile`). `.gitignore`
//! and the excludes apply only inside a git repository, and the files of
//! an outer repository stop at a nested one's top.
//!
//! The `ignore` crate still walks, but we read the ignore files: it would
//! open them as they are, and a repository chooses them. A `.gitignore`
//! that is a FIFO hung the walk, one linked to `/dev/zero` was read until
//! memory ran out, and one linked to `/proc/self/environ` could have put
//! the runner's environment into a report by way of a glob error. Here
//! each is read as a regular, size-capped file inside the repository (see
//! [`crate::input::read_inside`]); one that cannot be is said so, and the
//! walk goes on without its patterns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use crate::discover::display_path;
use crate::error::FileError;
use crate::input::{read_inside, read_own, Refusal};

/// The largest ignore file read: real ones are a few KiB; generated ones
/// reach a few hundred.
const MAX_IGNORE_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// What one directory's ignore files say.
struct DirIgnores {
    ignore: Gitignore,
    gitignore: Gitignore,
    /// Its `.git/info/exclude`, when it is a repository's top level.
    exclude: Gitignore,
    /// Whether it holds `.git`: the `.gitignore` files above it are
    /// another repository's.
    has_git: bool,
}

/// The ignore files of one walk, read once per directory.
pub struct Ignores {
    /// Where the ignore files may be: the repository's top level (with
    /// every link resolved), else the walked directory.
    tree: PathBuf,
    /// Whether the walk is inside a git repository.
    in_git: bool,
    global: Gitignore,
    dirs: Mutex<HashMap<PathBuf, Arc<DirIgnores>>>,
    /// What a directory without ignore files says.
    nothing: Arc<DirIgnores>,
    errors: Mutex<Vec<FileError>>,
    /// Where the command runs, for the paths errors show.
    cwd: PathBuf,
}

impl Ignores {
    /// The ignore files that apply under `root` (a directory, its links
    /// resolved).
    pub fn new(root: &Path, cwd: &Path) -> Ignores {
        let top = root.ancestors().find(|a| a.join(".git").exists());
        let tree = top.unwrap_or(root).to_path_buf();
        let mut ignores = Ignores {
            in_git: top.is_some(),
            global: Gitignore::empty(),
            dirs: Mutex::default(),
            nothing: Arc::new(DirIgnores {
                ignore: Gitignore::empty(),
                gitignore: Gitignore::empty(),
                exclude: Gitignore::empty(),
                has_git: false,
            }),
            errors: Mutex::default(),
            cwd: cwd.to_path_buf(),
            tree,
        };
        if let Some(path) = global_excludes_path() {
            // The user's own file, wherever it is; still only a regular
            // file, and not too large.
            let tree = ignores.tree.clone();
            ignores.global = match read_own(&path, MAX_IGNORE_FILE_SIZE) {
                Ok(bytes) => ignores.matcher(&tree, &path, &bytes),
                Err(_) if !path.exists() => Gitignore::empty(),
                Err(why) => {
                    ignores.refused(&path, &why);
                    Gitignore::empty()
                }
            };
        }
        ignores
    }

    /// Whether the ignore files leave out `path` (under the root, links
    /// resolved as in it).
    pub fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        let Some(parent) = path.parent() else {
            return false;
        };
        let chain: Vec<Arc<DirIgnores>> = parent
            .ancestors()
            .take_while(|dir| dir.starts_with(&self.tree))
            .map(|dir| self.of(dir))
            .collect();
        // Walking a folder of clones: each clone's own files apply in it.
        let in_git = self.in_git || chain.iter().any(|dir| dir.has_git);
        let (mut ignore, mut gitignore, mut exclude) = (Match::None, Match::None, Match::None);
        let mut saw_git = false;
        for here in &chain {
            if ignore.is_none() {
                ignore = here.ignore.matched(path, is_dir);
            }
            if in_git && !saw_git {
                if gitignore.is_none() {
                    gitignore = here.gitignore.matched(path, is_dir);
                }
                if exclude.is_none() {
                    exclude = here.exclude.matched(path, is_dir);
                }
            }
            saw_git = saw_git || here.has_git;
        }
        let global = match in_git {
            true => self.global.matched(path, is_dir),
            false => Match::None,
        };
        ignore.or(gitignore).or(exclude).or(global).is_ignore()
    }

    /// The ignore files that could not be read or whose patterns are not
    /// globs.
    pub fn take_errors(&self) -> Vec<FileError> {
        std::mem::take(&mut *self.errors.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn of(&self, dir: &Path) -> Arc<DirIgnores> {
        let known = self
            .dirs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(dir)
            .cloned();
        if let Some(known) = known {
            return known;
        }
        let git = dir.join(".git");
        let has_git = git.exists();
        let read = DirIgnores {
            ignore: self.file(dir, ".ignore"),
            gitignore: self.file(dir, ".gitignore"),
            exclude: match has_git {
                true => self.exclude(dir, &git),
                false => Gitignore::empty(),
            },
            has_git,
        };
        // Most directories have no ignore file: they share one empty entry.
        let nothing = read.ignore.is_empty()
            && read.gitignore.is_empty()
            && read.exclude.is_empty()
            && !read.has_git;
        let read = match nothing {
            true => Arc::clone(&self.nothing),
            false => Arc::new(read),
        };
        self.dirs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), Arc::clone(&read));
        read
    }

    /// The patterns of the ignore file `name` in `dir`, read inside the
    /// repository.
    fn file(&self, dir: &Path, name: &str) -> Gitignore {
        let path = dir.join(name);
        match read_inside(&path, &self.tree, MAX_IGNORE_FILE_SIZE) {
            Ok(bytes) => self.matcher(dir, &path, &bytes),
            Err(Refusal::Missing) => Gitignore::empty(),
            Err(Refusal::Unread(why)) => {
                self.refused(&path, &why);
                Gitignore::empty()
            }
        }
    }

    /// `info/exclude` of the repository whose `.git` is at `git`: a
    /// directory, or a file naming one (a worktree's or a submodule's,
    /// which git itself writes, so it is read wherever it leads).
    fn exclude(&self, dir: &Path, git: &Path) -> Gitignore {
        let git_dir = match git.is_dir() {
            true => git.to_path_buf(),
            false => match git_dir_of(git) {
                Some(found) => found,
                None => return Gitignore::empty(),
            },
        };
        let path = git_dir.join("info").join("exclude");
        match read_own(&path, MAX_IGNORE_FILE_SIZE) {
            Ok(bytes) => self.matcher(dir, &path, &bytes),
            Err(_) if !path.exists() => Gitignore::empty(),
            Err(why) => {
                self.refused(&path, &why);
                Gitignore::empty()
            }
        }
    }

    /// The patterns of an ignore file's bytes, for paths under `dir`; a
    /// line that is no glob is an error at its line.
    fn matcher(&self, dir: &Path, path: &Path, bytes: &[u8]) -> Gitignore {
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let mut builder = GitignoreBuilder::new(dir);
        for (number, line) in text.lines().enumerate() {
            if let Err(error) = builder.add_line(Some(path.to_path_buf()), line) {
                self.push(FileError {
                    path: display_path(path, &self.cwd),
                    message: format!("not a glob, left out: {}", glob_error(&error)),
                    line: Some(number + 1),
                    column: Some(1),
                });
            }
        }
        builder.build().unwrap_or_else(|error| {
            self.refused(path, &glob_error(&error));
            Gitignore::empty()
        })
    }

    fn refused(&self, path: &Path, why: &str) {
        self.push(FileError::io(
            &display_path(path, &self.cwd),
            &format!("{why}; the walk goes on without its patterns"),
        ));
    }

    fn push(&self, error: FileError) {
        self.errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(error);
    }
}

/// What is wrong with a pattern, without the pattern: the file may not be
/// the repository's to show (an `info/exclude` a `.git` file names could
/// be anything), and the error names the file and line already.
fn glob_error(error: &ignore::Error) -> String {
    match error {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithLineNumber { err, .. }
        | ignore::Error::WithDepth { err, .. } => glob_error(err),
        ignore::Error::Glob { err, .. } => crate::report::text::printable(err),
        _ => "not a pattern".to_owned(),
    }
}

/// The git directory a `.git` file names (`gitdir: …`), and its common
/// directory when it is a worktree's (where `info/exclude` is).
fn git_dir_of(git_file: &Path) -> Option<PathBuf> {
    const SMALL: u64 = 64 * 1024;
    let first_line = |path: &Path| -> Option<String> {
        let bytes = read_own(path, SMALL).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        text.lines().next().map(|line| line.trim().to_owned())
    };
    let line = first_line(git_file)?;
    let named = PathBuf::from(line.strip_prefix("gitdir:")?.trim());
    let git_dir = match named.is_absolute() {
        true => named,
        false => git_file.parent()?.join(named),
    };
    match first_line(&git_dir.join("commondir")) {
        Some(common) => Some(git_dir.join(common)),
        None => Some(git_dir),
    }
}

/// The user's global excludes file, as git finds it: `core.excludesFile`
/// in `$GIT_CONFIG_GLOBAL`, else `~/.gitconfig` or
/// `$XDG_CONFIG_HOME/git/config`; else `$XDG_CONFIG_HOME/git/ignore`
/// (`~/.config/git/ignore`).
fn global_excludes_path() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let home = var("HOME").map(PathBuf::from);
    let xdg = var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".config")));
    let configs: Vec<PathBuf> = match var("GIT_CONFIG_GLOBAL") {
        Some(global) => vec![PathBuf::from(global)],
        None => home
            .iter()
            .map(|h| h.join(".gitconfig"))
            .chain(xdg.iter().map(|x| x.join("git").join("config")))
            .collect(),
    };
    let configured = configs.iter().find_map(|config| {
        let bytes = read_own(config, crate::input::MAX_CONFIG_SIZE).ok()?;
        excludes_file(&String::from_utf8_lossy(&bytes))
    });
    let expand = |path: String| match (path.strip_prefix("~/"), &home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    };
    configured
        .map(expand)
        .or_else(|| xdg.map(|x| x.join("git").join("ignore")))
}

/// `core.excludesFile` in a git configuration's text.
fn excludes_file(config: &str) -> Option<String> {
    let mut in_core = false;
    let mut found = None;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_core = line
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .eq_ignore_ascii_case("core");
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if in_core && key.trim().eq_ignore_ascii_case("excludesfile") {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value);
            found = Some(value.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_excludes_file_is_read_from_the_core_section() {
        let config = "[user]\n\texcludesfile = no\n[core]\n\teditor = vi\n\texcludesFile = \"~/.gitignore_global\"\n";
        assert_eq!(
            excludes_file(config).as_deref(),
            Some("~/.gitignore_global")
        );
        assert_eq!(excludes_file("[core]\n"), None);
    }
}
