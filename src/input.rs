//! What every reader of input files shares: only regular files, how much
//! it reads at most, and how a Nix file's bytes become text.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are not read: no Dockerfile or flake is near it,
/// and a device such as `/dev/zero` would never end.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Text with each byte that is not UTF-8 read as `?`, so that every offset
/// stays.
pub fn invalid_bytes_as_question_marks(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    text
}

/// A Dockerfile larger than this is not read: the largest real ones are a
/// few hundred KiB, and every instruction costs about a KiB of memory
/// while it is audited.
pub const MAX_DOCKERFILE_SIZE: u64 = 4 * 1024 * 1024;

/// A configuration file is a few lines; a baseline lists findings.
pub const MAX_CONFIG_SIZE: u64 = 1024 * 1024;

/// The bytes of the regular file at `path`, at most `limit` of them. A
/// FIFO, a device or a directory is refused before it is opened (opening
/// a FIFO would wait for a writer, reading `/dev/zero` would never end),
/// and again on the open descriptor, so that a file swapped for a FIFO in
/// between is refused rather than waited on; a file larger than `limit`
/// is refused rather than read whole. The error is a sentence for a
/// message.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if !metadata.is_file() {
        return Err(format!("not a regular file ({})", file_type(&metadata)));
    }
    let file = open_without_waiting(path).map_err(|e| io_message(&e))?;
    let opened = file.metadata().map_err(|e| io_message(&e))?;
    if !opened.is_file() {
        return Err(format!("not a regular file ({})", file_type(&opened)));
    }
    if opened.len() > limit {
        return Err(too_large(limit));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

/// Open for reading without waiting: a FIFO opened for reading would
/// block until a writer comes, and a terminal must not become the
/// process's own. What was opened is checked on the descriptor.
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

/// The repository a directory is in, as the bounds of what its files may
/// name: the nearest directory at or above it that holds `.git` (looked
/// for along the path as written, so that a linked directory does not
/// carry the search elsewhere), else `outside_git` when the directory is
/// under it (the directory walked, where the command runs), else the
/// directory itself. Every link resolved, so that what is inside can be
/// told by its prefix.
pub fn tree_of(dir: &Path, outside_git: Option<&Path>) -> PathBuf {
    let dir = normalize(dir);
    let top = dir
        .ancestors()
        .find(|a| a.join(".git").exists())
        .or_else(|| outside_git.filter(|bound| dir.starts_with(normalize(bound))))
        .unwrap_or(&dir);
    top.canonicalize().unwrap_or_else(|_| top.to_path_buf())
}

/// Where the kernel shows processes, devices and itself as files: never
/// read because a repository names it, even from inside.
const SYSTEM_TREES: &[&str] = &["/proc", "/sys", "/dev"];

/// The bytes of a file that another file names or implies (`.env` beside
/// a Compose file, a GitLab include, a configuration found on the way
/// up, an ignore file): read only as a regular file inside `tree` (see
/// [`tree_of`]), never through a symbolic link that leads out of it, never
/// from `/proc`, `/sys` or `/dev`. A repository is chosen by whoever opens
/// a pull request: `.env -> /proc/self/environ` must not put the runner's
/// secrets into a report. `Err(None)` when there is no such file.
pub fn read_inside(path: &Path, tree: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let real = inside(path, tree)?;
    read_file(&real, limit).map_err(Refusal::Unread)
}

/// Where `path` leads, every link resolved, when that is inside `tree`
/// and not in `/proc`, `/sys` or `/dev`; else why it is not to be read.
pub fn inside(path: &Path, tree: &Path) -> Result<PathBuf, Refusal> {
    // Most files asked for are not there (`.env`, `.ignore`): one look.
    if std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Err(Refusal::Missing);
    }
    let real = match path.canonicalize() {
        Ok(real) => real,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            // A link to nothing is something that was left out; a file
            // that is not there is not.
            return match std::fs::symlink_metadata(path) {
                Ok(_) => Err(Refusal::Unread(
                    "a symbolic link to a file that does not exist".to_owned(),
                )),
                Err(_) => Err(Refusal::Missing),
            };
        }
        Err(error) => return Err(Refusal::Unread(link_error(&error))),
    };
    if let Some(why) = system_file(&real) {
        return Err(Refusal::Unread(why));
    }
    let Ok(within) = real.strip_prefix(tree) else {
        return Err(Refusal::Unread(format!(
            "a symbolic link out of the repository (to `{}`)",
            real.display()
        )));
    };
    // `.git/config` holds the token CI checked the repository out with.
    let in_git = within
        .components()
        .any(|c| c.as_os_str().eq_ignore_ascii_case(".git"));
    if in_git {
        return Err(Refusal::Unread(format!(
            "it leads into the repository's `.git` directory (to `{}`), which holds its credentials",
            real.display()
        )));
    }
    Ok(real)
}

/// Why a path could not be followed: a loop of links is said as one.
pub fn link_error(error: &std::io::Error) -> String {
    #[cfg(unix)]
    if error.raw_os_error() == Some(libc::ELOOP) {
        return "a loop of symbolic links (too many levels to follow)".to_owned();
    }
    io_message(error)
}

/// The bytes of a file the tool reads for itself, wherever it is (the
/// user's git configuration and excludes, a repository's `info/exclude`):
/// a regular file, size-capped, never in `/proc`, `/sys` or `/dev`.
pub fn read_own(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let real = path.canonicalize().map_err(|e| link_error(&e))?;
    if let Some(why) = system_file(&real) {
        return Err(why);
    }
    read_file(&real, limit)
}

/// Why a resolved path is not to be read: it is one the kernel shows.
pub fn system_file(real: &Path) -> Option<String> {
    SYSTEM_TREES
        .iter()
        .any(|system| real.starts_with(system))
        .then(|| format!("it leads to `{}`, a system file", real.display()))
}

/// Why a file that another names was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// There is no such file: often as it should be (no `.env`).
    Missing,
    /// It is there but was not read, for the reason given.
    Unread(String),
}

/// What a file larger than `limit` is told.
pub fn too_large(limit: u64) -> String {
    match limit {
        l if l >= 1024 * 1024 => format!("larger than {} MiB", l / 1024 / 1024),
        l => format!("larger than {} KiB", l / 1024),
    }
}

/// What a file that is not a regular file is, for a message.
pub fn file_type(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// "No such file or directory (os error 2)" → "no such file or directory".
pub fn io_message(error: &std::io::Error) -> String {
    let text = error.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text.to_owned(),
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
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
