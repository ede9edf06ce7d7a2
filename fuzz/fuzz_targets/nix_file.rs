//! Any bytes as a `.nix` file, read as Nix reads bytes.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::audit_nix_file;
use repro_audit::input::invalid_bytes_as_question_marks;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let _ = audit_nix_file(
        "default.nix",
        invalid_bytes_as_question_marks(data),
        &options,
    );
});
