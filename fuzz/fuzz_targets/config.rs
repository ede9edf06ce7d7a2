//! Any text as `.repro-audit.toml`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = repro_audit::config::parse(
        text,
        Path::new("/repo/.repro-audit.toml"),
        ".repro-audit.toml",
        PathBuf::from("/repo"),
    );
});
