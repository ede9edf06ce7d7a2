//! Every rule's doc, `rules/<CODE>.md`, is a test: under "Example", each
//! sample is followed by a text block with exactly the findings (snippets
//! and carets included) that the rule gives on it; every sample under
//! "Fixed" and "Suppress" gives none. A sample is a `dockerfile` block, a
//! `yaml` block (compose.yaml; a workflow for the GH rules, .gitlab-ci.yml
//! for the GL rules), a `json`
//! block for the DC rules (devcontainer.json), or a flake: a `nix` block (flake.nix) with the `json` block (flake.lock)
//! right after it — or, when none follows, the doc's last `json` block
//! before it, or no lock at all — or a `json` block alone. For the rules
//! of any `.nix` file (NX009–NX011), a `nix` block is `default.nix`. And
//! every registered rule has a doc, every doc a rule.

mod common;

use repro_audit::audit::{
    audit_compose, audit_devcontainer, audit_dockerfile, audit_flake, audit_gitlab_ci,
    audit_nix_file, audit_workflow, LockState, Options, Report,
};
use repro_audit::date::Date;
use repro_audit::finding::Applicability;
use repro_audit::report::text::{self, TextOptions};
use repro_audit::rules::{self, Check, Rule, RULES};

/// The rule alone; for a rule about pragmas (RA001, RA002), every rule
/// that runs by default too, since what a pragma suppresses depends on
/// them.
fn options(rule: &'static Rule) -> Options {
    let rules = if matches!(rule.check, Check::Pragmas(_)) {
        RULES
            .iter()
            .filter(|r| !rules::OPT_IN.contains(&r.code) || r.code == rule.code)
            .collect()
    } else {
        vec![rule]
    };
    Options::new(rules, Date::parse("2026-11-21").unwrap())
}

/// The fenced blocks of each `## ` section: (section, info string, body).
fn blocks(doc: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut section = String::new();
    let mut open: Option<(String, String)> = None;
    for line in doc.lines() {
        match &mut open {
            Some((info, body)) => {
                if line.trim_end() == "```" {
                    found.push((section.clone(), info.clone(), std::mem::take(body)));
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            None => {
                if let Some(heading) = line.strip_prefix("## ") {
                    section = heading.trim().to_owned();
                } else if let Some(info) = line.strip_prefix("```") {
                    open = Some((info.trim().to_owned(), String::new()));
                }
            }
        }
    }
    assert!(open.is_none(), "an unclosed code block");
    found
}

/// A doc's input: a Dockerfile, a Compose file, or a flake.nix and/or
/// flake.lock.
enum Sample {
    Dockerfile(String),
    Compose(String),
    Workflow(String),
    Gitlab(String),
    Devcontainer(String),
    Nix(String),
    Flake {
        nix: Option<String>,
        lock: Option<String>,
    },
}

/// What the rule reports on a sample, as the text format prints it
/// (without the summary line), and how each finding can be fixed.
fn rendered(rule: &'static Rule, sample: &Sample) -> (String, Vec<Option<Applicability>>) {
    let options = options(rule);
    let mut report = match sample {
        Sample::Flake { nix, lock } => {
            let result = audit_flake(
                nix.clone().map(|text| ("flake.nix".to_owned(), text)),
                lock.clone().map(|text| ("flake.lock".to_owned(), text)),
                if lock.is_none() {
                    LockState::Absent
                } else {
                    LockState::Beside
                },
                &options,
            );
            assert!(
                result.errors.is_empty(),
                "{}: example does not parse: {:?}",
                rule.code,
                result.errors
            );
            Report {
                files: 2,
                sources: result.sources.into_iter().collect(),
                findings: result.findings,
                errors: Vec::new(),
                unaudited: 0,
                baselined: 0,
                roots: Default::default(),
            }
        }
        single => {
            let (path, audited) = match single {
                Sample::Dockerfile(text) => {
                    let path = "Dockerfile";
                    (path, audit_dockerfile(path, text.clone(), &options))
                }
                Sample::Compose(text) => {
                    let path = "compose.yaml";
                    let variables = repro_audit::source::compose::Variables::default();
                    (
                        path,
                        audit_compose(path, text.clone(), &variables, &options),
                    )
                }
                Sample::Devcontainer(text) => {
                    let path = ".devcontainer/devcontainer.json";
                    (path, audit_devcontainer(path, text.clone(), &options))
                }
                Sample::Gitlab(text) => {
                    let path = ".gitlab-ci.yml";
                    (path, audit_gitlab_ci(path, text.clone(), &options))
                }
                Sample::Workflow(text) => {
                    let path = ".github/workflows/ci.yml";
                    (path, audit_workflow(path, text.clone(), &options))
                }
                Sample::Nix(text) => {
                    let path = "default.nix";
                    (path, audit_nix_file(path, text.clone(), &options))
                }
                Sample::Flake { .. } => unreachable!("a flake is two files, read above"),
            };
            let (findings, source) =
                audited.unwrap_or_else(|e| panic!("{}: example does not parse: {e:?}", rule.code));
            Report {
                files: 1,
                sources: [(path.to_owned(), source)].into(),
                findings,
                errors: Vec::new(),
                unaudited: 0,
                baselined: 0,
                roots: Default::default(),
            }
        }
    };
    // Only this rule's findings.
    report.findings.retain(|f| f.code == rule.code);
    let fixes = report
        .findings
        .iter()
        .map(|f| f.fix.as_ref().map(|fix| fix.applicability))
        .collect();
    let out = text::render(
        &report,
        &TextOptions {
            color: false,
            concise: false,
            summary: true,
        },
    );
    // Drop the summary line, and the hint about `--fix` after it.
    let mut out = out.trim_end();
    if let Some((before, last)) = out.rsplit_once('\n') {
        if last.contains(" fixable with `--fix") {
            out = before;
        }
    }
    let body = out
        .trim_end()
        .rsplit_once('\n')
        .map_or("", |(body, _)| body);
    (body.trim_end().to_owned(), fixes)
}

#[test]
fn every_rule_doc_example_holds() {
    let mut checked = 0;
    for rule in RULES {
        let blocks = blocks(rule.doc);
        let mut iter = blocks.iter().peekable();
        let mut examples = 0;
        let mut seen_fixes: Vec<Option<Applicability>> = Vec::new();
        let mut last_lock: Option<String> = None;
        while let Some((section, info, body)) = iter.next() {
            let sample = match info.as_str() {
                "dockerfile" => Sample::Dockerfile(body.clone()),
                "yaml" if matches!(rule.check, Check::Workflow(_)) => {
                    Sample::Workflow(body.clone())
                }
                "yaml" if matches!(rule.check, Check::Gitlab(_)) => Sample::Gitlab(body.clone()),
                "yaml" => Sample::Compose(body.clone()),
                "nix" if matches!(rule.check, Check::NixFile(_)) => Sample::Nix(body.clone()),
                "nix" => {
                    if iter.peek().is_some_and(|(_, i, _)| i == "json") {
                        last_lock = iter.next().map(|(_, _, lock)| lock.clone());
                    }
                    Sample::Flake {
                        nix: Some(body.clone()),
                        lock: last_lock.clone(),
                    }
                }
                "json" if matches!(rule.check, Check::Devcontainer(_)) => {
                    Sample::Devcontainer(body.clone())
                }
                "json" => {
                    last_lock = Some(body.clone());
                    Sample::Flake {
                        nix: None,
                        lock: last_lock.clone(),
                    }
                }
                _ => continue,
            };
            match section.as_str() {
                "Example" => {
                    let (_, expected_info, expected) = iter
                        .next()
                        .unwrap_or_else(|| panic!("{}: an example without its output", rule.code));
                    assert_eq!(
                        expected_info, "text",
                        "{}: an example's output is a text block",
                        rule.code
                    );
                    let (actual, fixes) = rendered(rule, &sample);
                    seen_fixes.extend(fixes);
                    assert_eq!(
                        actual,
                        expected.trim_end(),
                        "{}: the example's findings differ from its doc",
                        rule.code
                    );
                    assert!(
                        !actual.is_empty(),
                        "{}: an example that triggers nothing",
                        rule.code
                    );
                    examples += 1;
                }
                "Fixed" | "Suppress" => {
                    assert_eq!(
                        rendered(rule, &sample).0,
                        "",
                        "{}: a {section} example still triggers",
                        rule.code
                    );
                    examples += 1;
                }
                _ => {}
            }
        }
        let has = |name: &str| {
            blocks.iter().any(|(s, i, _)| {
                s == name && ["dockerfile", "yaml", "nix", "json"].contains(&i.as_str())
            })
        };
        assert!(
            has("Example") && has("Fixed") && has("Suppress"),
            "{}: the doc needs Example, Fixed and Suppress examples",
            rule.code
        );
        // The fixes the rule attaches are the ones `rules::FIXES` lists,
        // and the doc says what they do and how safe they are.
        let says = rule.doc.contains("\n## With `--fix`\n");
        match rules::fix_of(rule.code) {
            Some(applicability) => {
                assert!(
                    seen_fixes.contains(&Some(applicability)),
                    "{}: FIXES lists a {applicability:?} fix, and no example finding has one: {seen_fixes:?}",
                    rule.code
                );
                let word = match applicability {
                    Applicability::Safe => "A **safe fix**",
                    Applicability::Unsafe => "An **unsafe fix**",
                };
                assert!(
                    says && rule.doc.contains(word),
                    "{}: the doc needs a `## With `--fix`` section that says `{word}`",
                    rule.code
                );
            }
            None => {
                assert!(
                    seen_fixes.iter().all(Option::is_none),
                    "{}: an example finding has a fix, and FIXES does not list the rule",
                    rule.code
                );
                assert!(
                    !says,
                    "{}: the doc speaks of a fix the rule does not have",
                    rule.code
                );
            }
        }
        checked += examples;
    }
    eprintln!("{checked} rule doc examples hold");
}

#[test]
fn every_rule_has_a_doc_and_every_doc_a_rule() {
    let mut docs: Vec<String> = std::fs::read_dir(common::root().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| n.trim_end_matches(".md").to_owned())
        .collect();
    docs.sort();
    let mut codes: Vec<String> = RULES.iter().map(|r| r.code.to_owned()).collect();
    codes.sort();
    assert_eq!(docs, codes);
    for rule in RULES {
        let heading = format!("# {} {}\n", rule.code, rule.name);
        assert!(
            rule.doc.starts_with(&heading),
            "{}: the doc must start with `{heading}`",
            rule.code
        );
        let severity = format!("**Severity:** {}", rule.severity);
        assert!(
            rule.doc.contains(&severity),
            "{}: the doc must say `{severity}`",
            rule.code
        );
        assert!(rules::find(rule.name).is_some());
    }
}
