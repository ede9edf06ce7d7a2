//! Any text as a baseline (a JSON report of an earlier run).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = repro_audit::baseline::parse(text, "baseline.json");
});
