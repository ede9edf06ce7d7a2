//! Any text as a Compose file, with a `.env`-like set of variables taken
//! from the input's first line.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::audit_compose;
use repro_audit::source::compose::{read_env_file, Variables};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (env, compose) = text.split_once('\n').unwrap_or(("", text));
    let variables = read_env_file(&env.replace(';', "\n"), &Variables::default());
    let options = common::options();
    let _ = audit_compose("compose.yaml", compose.to_owned(), &variables, &options);
});
