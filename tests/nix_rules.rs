//! Every flake under `fixtures/nix/` is audited with all rules, as of
//! 2026-11-21, and its findings (one line each, as `--concise` prints them)
//! must equal its `expected.txt`; so must every `.nix` file under
//! `fixtures/nix-files/`, all in one `expected.txt`. A fixture named after
//! a rule (`NX003-url-changed`, `NX010-fetchgit-string.nix`) must trigger
//! that rule, unless its name says `clean` or `pragma`: then it must not.

mod common;

use std::path::Path;

use repro_audit::audit::{self, Options};
use repro_audit::date::Date;
use repro_audit::discover;
use repro_audit::report::text::{self, TextOptions};
use repro_audit::rules::RULES;

fn concise(dir: &Path) -> (String, Vec<&'static str>) {
    concise_file(dir, ".")
}

/// What all rules report on `path` (a file or `.`) in `dir`.
fn concise_file(dir: &Path, path: &str) -> (String, Vec<&'static str>) {
    let options = Options::new(RULES.iter().collect(), Date::parse("2026-11-21").unwrap());
    let discover::Discovered {
        targets, errors, ..
    } = discover::discover(
        &[path.into()],
        dir,
        &discover::Walk {
            stdin_filename: "Dockerfile",
            ignore_files: true,
            force_exclude: false,
            configs: &std::sync::Arc::new(repro_audit::config::Configs::fixed(None)),
        },
    );
    assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    let report = audit::audit(&discover::units(targets, dir), &options);
    assert!(
        report.errors.is_empty(),
        "{}: {:?}",
        dir.display(),
        report.errors
    );
    let codes = report.findings.iter().map(|f| f.code).collect();
    let out = text::render(
        &report,
        &TextOptions {
            color: false,
            concise: true,
            summary: true,
        },
    );
    let body: Vec<&str> = out
        .lines()
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("Found ")
                && !l.starts_with("No findings")
                && !l.contains(" fixable with `--fix")
        })
        .collect();
    (body.join("\n"), codes)
}

#[test]
fn every_nix_fixture_gives_its_expected_findings() {
    let root = common::root().join("fixtures/nix");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    let mut per_rule: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    let mut cases: Vec<(String, Vec<&str>)> = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (actual, codes) = concise(dir);
        let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap_or_default();
        if actual != expected.trim_end() {
            failures.push(format!(
                "{name}:\n--- expected\n{}\n--- actual\n{actual}",
                expected.trim_end()
            ));
        }
        cases.push((name, codes));
    }
    // The .nix files, audited as one walk of their directory.
    let files = common::root().join("fixtures/nix-files");
    let (actual, _) = concise(&files);
    let expected = std::fs::read_to_string(files.join("expected.txt")).unwrap_or_default();
    if actual != expected.trim_end() {
        failures.push(format!(
            "nix-files:\n--- expected\n{}\n--- actual\n{actual}",
            expected.trim_end()
        ));
    }
    for entry in std::fs::read_dir(&files).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".nix") else {
            continue;
        };
        let (_, codes) = concise_file(&files, &name);
        cases.push((stem.to_owned(), codes));
    }
    for (name, codes) in cases {
        if let Some(code) = name.get(..5).filter(|c| c.starts_with("NX")) {
            let quiet = name.contains("clean") || name.contains("pragma");
            let fired = codes.contains(&code);
            let counts = per_rule
                .entry(RULES.iter().find(|r| r.code == code).unwrap().code)
                .or_default();
            if quiet {
                counts.1 += 1;
                assert!(
                    !fired,
                    "{name}: {code} fires on a fixture that must not trigger it"
                );
            } else {
                counts.0 += 1;
                assert!(fired, "{name}: {code} does not fire");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for rule in RULES.iter().filter(|r| r.code.starts_with("NX")) {
        let (triggering, quiet) = per_rule.get(rule.code).copied().unwrap_or_default();
        assert!(
            triggering >= 1 && quiet >= 1,
            "{}: needs triggering and clean fixtures ({triggering}, {quiet})",
            rule.code
        );
    }
}
