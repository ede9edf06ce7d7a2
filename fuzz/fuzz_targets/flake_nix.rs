//! Any bytes as a flake.nix without a lock: parsed, then audited; and
//! NX005's fix, a `follows` line written into it, which must be an edit of
//! the text as it is (a span on character boundaries that reads `old`).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::{audit_flake, LockState};
use repro_audit::input::invalid_bytes_as_question_marks;

fuzz_target!(|data: &[u8]| {
    let options = common::options();
    let text = invalid_bytes_as_question_marks(data);
    let path = ["nixpkgs".to_owned(), "b.c".to_owned()];
    if let Ok(edit) = repro_audit::fix::follows::insert(&text, &path, "nixpkgs") {
        assert_eq!(text.get(edit.span.start..edit.span.end), Some(edit.old.as_str()));
        assert!(edit.new.starts_with(&edit.old));
    }
    let _ = audit_flake(
        Some(("flake.nix".to_owned(), text)),
        None,
        LockState::Absent,
        &options,
    );
});
