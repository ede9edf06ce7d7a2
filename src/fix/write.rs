//! Writing a fixed file: atomically, its permissions and owner kept.

use std::io::Write;
use std::path::Path;

/// Write `text` to `path` atomically: a temporary file beside it (readable
/// by its owner only until it is complete), the file's permissions and
/// owner, then a rename over it (through a symbolic link, to its target).
/// A read-only file is refused; a file with other hard links is rewritten
/// in place, so that every name keeps seeing it.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    if metadata.permissions().readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        if metadata.nlink() > 1 {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&target)?;
            file.write_all(text.as_bytes())?;
            return file.sync_all();
        }
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.repro-audit-{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            // Kept when the run may (as root, or the owner itself).
            let _ =
                std::os::unix::fs::chown(&temporary, Some(metadata.uid()), Some(metadata.gid()));
        }
        std::fs::set_permissions(&temporary, metadata.permissions())?;
        std::fs::rename(&temporary, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}
