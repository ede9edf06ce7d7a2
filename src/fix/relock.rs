//! NX005's fix and `nix flake lock` are one change: the lock must drop the
//! copy the new `follows` line removes, or flake.nix and flake.lock no
//! longer agree (NX003). With `--fix` (not `--diff`), when `nix` is on
//! PATH; when the lock cannot be brought in line, neither file is written.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How long `nix flake lock` may take.
const TIMEOUT: Duration = Duration::from_secs(300);

/// The most it may print on either output (its progress and warnings are
/// a few KiB; only the last line is kept).
const MAX_OUTPUT: u64 = 16 * 1024 * 1024;

/// Whether a `nix` program is on PATH.
pub fn nix_available() -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("nix").is_file()))
}

/// `nix flake lock` in `dir`, with the flakes feature on (older Nix has
/// it experimental), and `--offline` when asked (an input the new
/// `follows` line points at is locked already, so none is needed to
/// fetch); the last line it printed when it fails.
pub fn run(dir: &Path, offline: bool) -> Result<(), String> {
    let mut command = Command::new("nix");
    command
        .args([
            "--extra-experimental-features",
            "nix-command flakes",
            "flake",
            "lock",
        ])
        .current_dir(dir);
    if offline {
        command.arg("--offline");
    }
    let output = crate::resolve::process::run(&mut command, b"", TIMEOUT, MAX_OUTPUT)?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let last = said
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with("warning:"))
        .unwrap_or("no message")
        .to_owned();
    Err(last)
}
