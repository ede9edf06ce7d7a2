//! After NX005's fix: `nix flake lock`, so that flake.lock drops the copy
//! the new `follows` line removes. Run only with `--fix` (not `--diff`),
//! without `--offline` (locking may fetch), and when `nix` is on PATH.

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
/// it experimental); the last line it printed when it fails.
pub fn run(dir: &Path) -> Result<(), String> {
    let output = crate::resolve::process::run(
        Command::new("nix")
            .args([
                "--extra-experimental-features",
                "nix-command flakes",
                "flake",
                "lock",
            ])
            .current_dir(dir),
        b"",
        TIMEOUT,
        MAX_OUTPUT,
    )?;
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
