//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python of the virtualenv that `.ci/run` makes (peer tools and
/// oracles), or `REPRO_AUDIT_PYTHON`. When it is missing the test is skipped
/// with a notice, unless `REPRO_AUDIT_REQUIRE_ORACLES` is set (as `.ci/run`
/// sets it): then a missing oracle is a failure, never a silent pass.
pub fn oracle_python() -> Option<PathBuf> {
    let python = std::env::var_os("REPRO_AUDIT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".venv/bin/python"));
    if python.exists() {
        return Some(python);
    }
    assert!(
        std::env::var_os("REPRO_AUDIT_REQUIRE_ORACLES").is_none(),
        "oracle Python {} is missing; run `bash .ci/run`, which creates it",
        python.display()
    );
    eprintln!(
        "skipped: no oracle virtualenv at {} (run `bash .ci/run` to create it)",
        python.display()
    );
    None
}

/// Run a Python script of tests/oracle with the oracle virtualenv.
pub fn run_oracle(python: &Path, script: &str, args: &[PathBuf]) -> String {
    let output = Command::new(python)
        .arg(root().join("tests/oracle").join(script))
        .args(args)
        .output()
        .expect("the oracle runs");
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the oracle prints UTF-8")
}

/// Every Dockerfile under fixtures/, sorted.
pub fn dockerfile_fixtures() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(root().join("fixtures"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            repro_audit::discover::kind_of(&e.file_name().to_string_lossy())
                == Some(repro_audit::discover::FileKind::Dockerfile)
        })
        .map(|e| e.into_path())
        .collect();
    found.sort();
    found
}
