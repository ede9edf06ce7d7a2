//! `--format sarif` on every kind of input, checked against the official
//! SARIF 2.1.0 schema (the OASIS schema a PyPI wheel ships, with the
//! `jsonschema` package, both in the `.ci/run` virtualenv) and against what
//! GitHub code scanning needs beyond the schema: every result's rule is
//! described at its index, and fingerprints are unique.

mod common;

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;

/// The SARIF report of `repro-audit` on `paths`, run from the repository.
fn sarif(paths: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_repro-audit"))
        .current_dir(common::root())
        .args(["--no-config", "--format", "sarif", "--as-of", "2026-11-21"])
        .args(paths)
        .output()
        .expect("repro-audit runs");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// Inputs that cover findings of every rule, unauditable files, multi-line
/// spans, and a clean run.
const CASES: &[(&str, &[&str])] = &[
    ("fortune-cat", &["fixtures/fortune-cat"]),
    ("rules", &["fixtures/rules"]),
    ("nix", &["fixtures/nix"]),
    ("compose", &["fixtures/compose"]),
    ("parser-with-errors", &["fixtures/parser"]),
    ("clean", &["flake.nix"]),
];

#[test]
fn sarif_reports_are_valid_and_complete() {
    let mut files = Vec::new();
    let dir = std::env::temp_dir().join(format!("repro-audit-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, paths) in CASES {
        let report = sarif(paths);
        check_for_github(name, &report);
        let file = dir.join(format!("{name}.sarif"));
        std::fs::write(&file, &report).unwrap();
        files.push(file);
    }

    let Some(python) = common::oracle_python() else {
        return;
    };
    let args: Vec<PathBuf> = files.clone();
    let verdicts = common::run_oracle(&python, "validate_sarif.py", &args);
    let invalid: Vec<&str> = verdicts.lines().filter(|l| !l.starts_with("ok ")).collect();
    assert!(invalid.is_empty(), "{}", invalid.join("\n"));
    assert_eq!(verdicts.lines().count(), CASES.len());
}

fn check_for_github(name: &str, report: &str) {
    let document: serde_json::Value = serde_json::from_str(report).expect("JSON");
    let run = &document["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(
                rule[field]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{name}: rule {} has no {field}",
                rule["id"]
            );
        }
    }
    let results = run["results"].as_array().unwrap();
    if name != "clean" {
        assert!(!results.is_empty(), "{name}: no results");
    }
    let mut fingerprints = HashSet::new();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{name}");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        let (start, end) = (
            (
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            ),
            (
                region["endLine"].as_u64().unwrap(),
                region["endColumn"].as_u64().unwrap(),
            ),
        );
        assert!(
            start.0 >= 1 && start.1 >= 1 && end > start,
            "{name}: {region}"
        );
        let fingerprint = result["partialFingerprints"]["reproAudit/v1"]
            .as_str()
            .unwrap();
        assert!(
            fingerprints.insert(fingerprint.to_owned()),
            "{name}: duplicate {fingerprint}"
        );
    }
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        run["invocations"][0]["executionSuccessful"],
        notifications.is_empty(),
        "{name}"
    );
    if name == "parser-with-errors" {
        assert!(!notifications.is_empty());
    }
}
