//! Each rule's fixture, `fixtures/rules/<CODE>.Dockerfile`, holds one case
//! per instruction — the tool grammars and every form of `RUN` its spec row
//! names — with the clean cases marked in comments. What the rule reports on
//! it, exactly as a user sees it, is a reviewed snapshot.

mod common;

use std::process::Command;

fn report(code: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_repro-audit"))
        .current_dir(common::root())
        .args([
            "--select",
            code,
            "--color",
            "never",
            "--as-of",
            "2026-11-21",
        ])
        .arg(format!("fixtures/rules/{code}.Dockerfile"))
        .output()
        .expect("repro-audit runs");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn every_rule_fixture_has_a_snapshot() {
    let mut fixtures: Vec<String> = std::fs::read_dir(common::root().join("fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    fixtures.sort();
    for name in fixtures {
        let code = name.strip_suffix(".Dockerfile").expect("a Dockerfile");
        assert!(
            repro_audit::rules::find(code).is_some(),
            "{name} is not named after a rule"
        );
        insta::assert_snapshot!(format!("rule_fixture_{code}"), report(code));
    }
}
