//! One line per case, as hadolint writes its rule tests: what each rule of
//! the CI and dev container kinds finds (as `line:column-line:column`) in
//! a small workflow, `.gitlab-ci.yml` or devcontainer.json. `@D` stands
//! for a digest.

use repro_audit::audit::{audit_devcontainer, audit_gitlab_ci, audit_workflow, Options};
use repro_audit::date::Date;
use repro_audit::finding::Finding;
use repro_audit::rules::{self, Check, RULES};

const D: &str = "sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21";

#[derive(Debug, Clone, Copy)]
enum Kind {
    Workflow,
    Gitlab,
    Devcontainer,
}

/// What `rule` reports on `text` read as `kind`. A rule about pragmas
/// runs with every rule on by default, since what a pragma suppresses
/// depends on them.
fn findings(rule: &str, kind: Kind, text: &str) -> Vec<Finding> {
    let rule = rules::find(rule).expect("a rule");
    let enabled = match rule.check {
        Check::Pragmas(_) => RULES
            .iter()
            .filter(|r| !rules::OPT_IN.contains(&r.code) || r.code == rule.code)
            .collect(),
        _ => vec![rule],
    };
    let options = Options::new(enabled, Date::parse("2026-11-21").unwrap());
    let text = text.replace("@D", &format!("@{D}"));
    let audited = match kind {
        Kind::Workflow => audit_workflow(".github/workflows/ci.yml", text, &options),
        Kind::Gitlab => audit_gitlab_ci(".gitlab-ci.yml", text, &options),
        Kind::Devcontainer => audit_devcontainer(".devcontainer/devcontainer.json", text, &options),
    };
    let (mut found, _) = audited.unwrap_or_else(|e| panic!("{kind:?} does not parse: {e:?}"));
    found.retain(|f| f.code == rule.code);
    found
}

/// Where `rule` finds something, as `line:column-line:column`.
fn finds(rule: &str, kind: Kind, text: &str) -> Vec<String> {
    findings(rule, kind, text)
        .iter()
        .map(|f| {
            format!(
                "{}:{}-{}:{}",
                f.start.line, f.start.column, f.end.line, f.end.column
            )
        })
        .collect()
}

/// What `rule` says, one message per finding.
fn says(rule: &str, kind: Kind, text: &str) -> Vec<String> {
    findings(rule, kind, text)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

macro_rules! assert_finds {
    ($rule:expr, $kind:ident, $text:expr, [$($span:expr),* $(,)?]) => {
        assert_eq!(
            finds($rule, Kind::$kind, $text),
            [$($span),*] as [&str; 0 $(+ { let _ = $span; 1 })*],
            "{}: {:?}",
            $rule,
            $text
        )
    };
}

macro_rules! assert_clean {
    ($rule:expr, $kind:ident, $text:expr) => {
        assert_finds!($rule, $kind, $text, [])
    };
}

#[test]
fn gitlab_reads_a_key_written_twice_as_the_last_one() {
    // A job defined twice: the second definition is the job.
    assert_finds!(
        "GL001",
        Gitlab,
        "a:\n  image: x:1\n  script: [m]\na:\n  image: y:1\n  script: [m]\n",
        ["5:10-5:13"]
    );
    assert_finds!(
        "GL001",
        Gitlab,
        "a:\n  image: x:1\n  image: y:1\n  script: [m]\n",
        ["3:10-3:13"]
    );
    assert_clean!(
        "GL001",
        Gitlab,
        "a:\n  image: x:1\n  script: [m]\na:\n  image: y:1@D\n  script: [m]\n"
    );
    assert_finds!(
        "GL001",
        Gitlab,
        "default:\n  image: x:1\ndefault:\n  image: y\n",
        ["4:10-4:11"]
    );
    // Two `<<` keys (libvirt-ci's rules): both merge, the later one wins.
    assert_finds!(
        "GL001",
        Gitlab,
        ".a: &a {image: x:1}\n.b: &b {stage: t}\nj:\n  <<: *a\n  <<: *b\n  script: [m]\n",
        ["1:16-1:19", "1:16-1:19"]
    );
    assert_finds!(
        "GL001",
        Gitlab,
        ".a: &a {image: x:1@D}\n.b: &b {image: y:1}\nj:\n  <<: *a\n  <<: *b\n",
        ["2:16-2:19", "2:16-2:19"]
    );
    assert_finds!("GL001", Gitlab, "r: &r {if: x}\nc: &c {changes: [y]}\nj:\n  image: z:1\n  rules:\n    - <<: *r\n      <<: *c\n", ["4:10-4:13"]);
}
