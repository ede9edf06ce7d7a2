//! Writing a fixed file: atomically, only over the text that was audited,
//! its permissions and owner kept, and durably (the file, then its
//! directory, synced).

use std::io::{Read as _, Seek as _};
use std::path::Path;

/// Why a fixed file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the file is read-only")]
    ReadOnly,
    #[error("it is not a regular file")]
    NotRegular,
    /// What is on disk is no longer what was audited and fixed.
    #[error("the file changed since it was audited; run again")]
    Changed,
    #[error("{}", crate::input::io_message(.0))]
    Io(#[from] std::io::Error),
}

/// Write `text` to `path` in place of `expected`, the text its fixes were
/// made on.
///
/// The path is resolved once (symbolic links followed to the file they
/// name), and every later step works on descriptors: the directory opened
/// then, the file opened in it without following a link. Just before the
/// file is replaced its content is read again through that descriptor and
/// compared with `expected`, and the name is checked to still be that
/// file: a change made since the audit is never overwritten, and the
/// window left for one is as small as the platform allows.
///
/// The new text goes to a temporary file beside it (readable by its owner
/// only until complete), which gets the file's permissions and owner, is
/// synced, and is renamed over the file; then the directory is synced, so
/// that the rename survives a crash. A read-only file is refused. A file
/// with other hard links is rewritten in place instead — as ruff and
/// renovate write every file — so that every name keeps seeing the same
/// file; that write is not atomic.
pub fn write_atomically(path: &Path, expected: &[u8], text: &str) -> Result<(), WriteError> {
    let target = std::fs::canonicalize(path)?;
    #[cfg(unix)]
    {
        unix::write(&target, expected, text)
    }
    #[cfg(not(unix))]
    {
        portable::write(&target, expected, text)
    }
}

/// Whether `file`, read from its start, holds exactly `expected`.
fn holds(mut file: &std::fs::File, expected: &[u8]) -> std::io::Result<bool> {
    file.seek(std::io::SeekFrom::Start(0))?;
    let mut now = Vec::with_capacity(expected.len());
    // One byte more than expected tells a file that grew.
    file.take(expected.len() as u64 + 1).read_to_end(&mut now)?;
    Ok(now == expected)
}

/// The temporary file's name beside `name`.
fn temporary_name(name: &std::ffi::OsStr) -> std::ffi::OsString {
    let mut temporary = std::ffi::OsString::from(".");
    temporary.push(name);
    temporary.push(format!(".repro-audit-{}.tmp", std::process::id()));
    temporary
}

#[cfg(unix)]
mod unix {
    use std::ffi::{CStr, CString, OsStr};
    use std::fs::File;
    use std::io::Write as _;
    use std::os::fd::{AsRawFd as _, FromRawFd as _};
    use std::os::unix::ffi::OsStrExt as _;
    use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _, PermissionsExt as _};
    use std::path::Path;

    use super::{holds, temporary_name, WriteError};

    pub fn write(target: &Path, expected: &[u8], text: &str) -> Result<(), WriteError> {
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(WriteError::NotRegular);
        };
        let dir = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY)
            .open(parent)?;
        let name = c_name(name)?;
        // Not following a link (the name was resolved once, above), and
        // not waiting on a FIFO swapped in since.
        let file = open_at(
            &dir,
            &name,
            libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK,
            0,
        )?;
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Err(WriteError::NotRegular);
        }
        if metadata.permissions().readonly() {
            return Err(WriteError::ReadOnly);
        }
        if metadata.nlink() > 1 {
            return rewrite_in_place(&dir, &name, &metadata, expected, text);
        }
        let temporary = c_name(&temporary_name(OsStr::from_bytes(name.to_bytes())))?;
        let result = (|| {
            let mut new = open_at(
                &dir,
                &temporary,
                libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW,
                0o600,
            )?;
            new.write_all(text.as_bytes())?;
            // Kept when the run may (as root, or the owner itself).
            let _ = std::os::unix::fs::fchown(&new, Some(metadata.uid()), Some(metadata.gid()));
            new.set_permissions(std::fs::Permissions::from_mode(metadata.mode() & 0o7777))?;
            new.sync_all()?;
            // The last look: the file still holds what was audited, and the
            // name is still that file.
            if !holds(&file, expected)? || identity_at(&dir, &name)? != identity(&metadata) {
                return Err(WriteError::Changed);
            }
            rename_at(&dir, &temporary, &name)?;
            Ok(())
        })();
        if result.is_err() {
            // SAFETY: unlinkat with a valid directory descriptor and a
            // NUL-terminated name; a name that is not there is an error
            // returned, not a fault.
            unsafe {
                libc::unlinkat(dir.as_raw_fd(), temporary.as_ptr(), 0);
            }
            return result;
        }
        // The rename is in the directory: synced, it survives a crash.
        dir.sync_all()?;
        Ok(())
    }

    /// A file with other hard links keeps its inode: truncated and written
    /// through a descriptor opened on the same name, after the same last
    /// look at its content.
    fn rewrite_in_place(
        dir: &File,
        name: &CStr,
        metadata: &std::fs::Metadata,
        expected: &[u8],
        text: &str,
    ) -> Result<(), WriteError> {
        let mut file = open_at(
            dir,
            name,
            libc::O_RDWR | libc::O_NOFOLLOW | libc::O_NONBLOCK,
            0,
        )?;
        if identity(&file.metadata()?) != identity(metadata) || !holds(&file, expected)? {
            return Err(WriteError::Changed);
        }
        file.set_len(0)?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0))?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        Ok(())
    }

    /// What makes a file itself: its device and inode.
    fn identity(metadata: &std::fs::Metadata) -> (u64, u64) {
        (metadata.dev(), metadata.ino())
    }

    fn c_name(name: &OsStr) -> std::io::Result<CString> {
        CString::new(name.as_bytes()).map_err(|_| std::io::ErrorKind::InvalidInput.into())
    }

    fn open_at(
        dir: &File,
        name: &CStr,
        flags: libc::c_int,
        mode: libc::mode_t,
    ) -> std::io::Result<File> {
        // SAFETY: openat with a valid directory descriptor and a
        // NUL-terminated name; the descriptor it returns is owned by the
        // File made from it, and by nothing else.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                flags | libc::O_CLOEXEC,
                libc::c_uint::from(mode),
            )
        };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` was just opened and is owned by nothing else.
        Ok(unsafe { File::from_raw_fd(fd) })
    }

    /// The device and inode `name` in `dir` names now, not following a
    /// link.
    fn identity_at(dir: &File, name: &CStr) -> std::io::Result<(u64, u64)> {
        let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: fstatat fills `stat` when it returns 0, which is checked
        // before it is read.
        let status = unsafe {
            libc::fstatat(
                dir.as_raw_fd(),
                name.as_ptr(),
                stat.as_mut_ptr(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if status != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: initialised by the successful call above.
        let stat = unsafe { stat.assume_init() };
        // The field types differ between platforms; both fit in u64.
        #[allow(clippy::unnecessary_cast, clippy::useless_conversion)]
        Ok((stat.st_dev as u64, stat.st_ino as u64))
    }

    fn rename_at(dir: &File, from: &CStr, to: &CStr) -> std::io::Result<()> {
        // SAFETY: renameat with valid descriptors and NUL-terminated names.
        let status =
            unsafe { libc::renameat(dir.as_raw_fd(), from.as_ptr(), dir.as_raw_fd(), to.as_ptr()) };
        if status != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(())
    }
}

/// Where there are no `*at` calls: the same steps by path.
#[cfg(not(unix))]
mod portable {
    use std::io::Write as _;
    use std::path::Path;

    use super::{holds, temporary_name, WriteError};

    pub fn write(target: &Path, expected: &[u8], text: &str) -> Result<(), WriteError> {
        let file = std::fs::File::open(target)?;
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Err(WriteError::NotRegular);
        }
        if metadata.permissions().readonly() {
            return Err(WriteError::ReadOnly);
        }
        let dir = target.parent().unwrap_or(Path::new("."));
        let temporary = dir.join(temporary_name(target.file_name().unwrap_or_default()));
        let result = (|| {
            let mut new = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temporary)?;
            new.write_all(text.as_bytes())?;
            new.set_permissions(metadata.permissions())?;
            new.sync_all()?;
            drop(new);
            if !holds(&file, expected)? {
                return Err(WriteError::Changed);
            }
            drop(file);
            std::fs::rename(&temporary, target)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("repro-audit-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn replaces_the_file_keeping_its_mode_and_following_a_link_once() {
        let dir = scratch("replace");
        let file = dir.join("Dockerfile");
        std::fs::write(&file, "FROM a\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        std::os::unix::fs::symlink(&file, dir.join("link")).unwrap();
        write_atomically(&dir.join("link"), b"FROM a\n", "FROM b\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "FROM b\n");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        assert!(std::fs::symlink_metadata(dir.join("link"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(leftovers(&dir).is_empty());
    }

    /// A change made after the audit is never overwritten, whether the
    /// file was edited or grew.
    #[test]
    fn a_file_that_changed_since_the_audit_is_not_written() {
        let dir = scratch("changed");
        let file = dir.join("Dockerfile");
        for now in ["FROM c\n", "FROM a\nRUN more\n", ""] {
            std::fs::write(&file, now).unwrap();
            let error = write_atomically(&file, b"FROM a\n", "FROM b\n").unwrap_err();
            assert!(matches!(error, WriteError::Changed), "{error}");
            assert_eq!(std::fs::read_to_string(&file).unwrap(), now);
        }
        // The same for a file written in place (it has a second link).
        std::fs::hard_link(&file, dir.join("other-name")).unwrap();
        std::fs::write(&file, "FROM c\n").unwrap();
        let error = write_atomically(&file, b"FROM a\n", "FROM b\n").unwrap_err();
        assert!(matches!(error, WriteError::Changed), "{error}");
        assert!(leftovers(&dir).is_empty());
    }

    #[test]
    fn hard_links_are_rewritten_in_place_and_read_only_files_refused() {
        let dir = scratch("links");
        let file = dir.join("Dockerfile");
        std::fs::write(&file, "FROM a\n").unwrap();
        std::fs::hard_link(&file, dir.join("other-name")).unwrap();
        write_atomically(&file, b"FROM a\n", "FROM b\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("other-name")).unwrap(),
            "FROM b\n"
        );
        let read_only = dir.join("ro");
        std::fs::write(&read_only, "FROM a\n").unwrap();
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = write_atomically(&read_only, b"FROM a\n", "FROM b\n").unwrap_err();
        assert!(matches!(error, WriteError::ReadOnly), "{error}");
    }

    /// A FIFO where the file was is refused at once, never waited on.
    #[test]
    fn a_fifo_is_not_opened_for_long() {
        let dir = scratch("fifo");
        let fifo = dir.join("Dockerfile");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o644) }, 0);
        let error = write_atomically(&fifo, b"", "FROM b\n").unwrap_err();
        assert!(matches!(error, WriteError::NotRegular), "{error}");
    }
}
