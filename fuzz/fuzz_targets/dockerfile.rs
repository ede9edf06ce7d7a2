//! Any bytes as a Dockerfile: parsed and audited by every rule (no report
//! is rendered, to keep the target fast).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::audit_dockerfile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = common::options();
    let _ = audit_dockerfile("Dockerfile", text.to_owned(), &options);
});
