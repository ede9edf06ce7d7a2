//! Any text as a GitHub Actions workflow, a GitLab CI file and a dev
//! container definition (the YAML and JSON-with-comments readers behind
//! the GH, GL and DC rules).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::{audit_devcontainer, audit_gitlab_ci, audit_workflow};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = common::options();
    let _ = audit_workflow(".github/workflows/ci.yml", text.to_owned(), &options);
    let _ = audit_gitlab_ci(".gitlab-ci.yml", text.to_owned(), &options);
    let _ = audit_devcontainer(".devcontainer/devcontainer.json", text.to_owned(), &options);
});
