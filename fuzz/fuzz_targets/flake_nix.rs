//! Any bytes as a flake.nix without a lock: parsed, then audited.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::{audit_flake, LockState};
use repro_audit::input::invalid_bytes_as_question_marks;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let text = invalid_bytes_as_question_marks(data);
    let _ = audit_flake(
        Some(("flake.nix".to_owned(), text)),
        None,
        LockState::Absent,
        &options,
    );
});
