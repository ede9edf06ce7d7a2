//! What every reader of input files shares: only regular files, how much
//! it reads at most, and how a Nix file's bytes become text.

use std::io::Read;
use std::path::Path;

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
/// and a file larger than `limit` is refused rather than read whole. The
/// error is a sentence for a message.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if !metadata.is_file() {
        return Err(format!("not a regular file ({})", file_type(&metadata)));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
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
pub fn normalize(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
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
