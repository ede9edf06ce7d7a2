//! Conformance with BuildKit: every Dockerfile fixture is parsed by our
//! parser and by BuildKit's own (PyPI `dockerfile`), and the two must agree
//! on instruction kinds, start and end lines, flags, exec form and its
//! values, `FROM` arguments, and each heredoc's name and body; and on which
//! files are rejected.

mod common;

use repro_audit::source::dockerfile::{self, Instruction};
use serde_json::{json, Value};

/// A fixture that BuildKit's instructions layer rejects after the parser
/// the oracle wraps has accepted it says so, with BuildKit's message (read
/// from `instructions/parse.go` and `bflag.go`), on a comment line.
const INSTRUCTIONS_LAYER: &str = "# instructions layer: ";

/// A fixture on which the oracle is older than BuildKit says so on a
/// comment line: it must disagree with the oracle (the day it agrees, the
/// oracle has caught up and the marker goes).
const NEWER_THAN_ORACLE: &str = "# newer BuildKit:";

#[test]
fn parser_agrees_with_buildkit_on_every_fixture() {
    let Some(python) = common::oracle_python() else {
        return;
    };
    let fixtures = common::dockerfile_fixtures();
    assert!(
        fixtures.len() >= 40,
        "only {} Dockerfile fixtures",
        fixtures.len()
    );
    let oracle: Vec<Value> =
        serde_json::from_str(&common::run_oracle(&python, "buildkit_parse.py", &fixtures)).unwrap();
    let mut compared = 0;
    let mut failures = Vec::new();
    for (path, expected) in fixtures.iter().zip(&oracle) {
        let name = path
            .strip_prefix(common::root())
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let instructions_layer = text
            .lines()
            .find_map(|line| line.strip_prefix(INSTRUCTIONS_LAYER))
            .map(str::to_owned);
        let newer = text.contains(NEWER_THAN_ORACLE);
        let disagreement = match (dockerfile::parse(text), expected.get("error")) {
            (Ok(parsed), None) => {
                let ours: Vec<Value> = parsed
                    .instructions
                    .iter()
                    .map(|i| describe(&parsed, i))
                    .collect();
                let theirs = expected["instructions"].as_array().unwrap();
                (ours != *theirs).then(|| {
                    format!(
                        "{name}: instructions differ\n ours:     {}\n buildkit: {}",
                        Value::Array(ours),
                        Value::Array(theirs.clone())
                    )
                })
            }
            (Err(ours), Some(theirs)) => (ours.message != theirs.as_str().unwrap_or_default())
                .then(|| {
                    format!(
                        "{name}: both reject, ours says `{}`, BuildKit `{theirs}`",
                        ours.message
                    )
                }),
            (Err(ours), None) => match &instructions_layer {
                Some(message) if *message == ours.message => None,
                Some(message) => Some(format!(
                    "{name}: BuildKit's instructions layer says `{message}`, we say `{}`",
                    ours.message
                )),
                None => Some(format!(
                    "{name}: we reject (`{}`) what BuildKit accepts",
                    ours.message
                )),
            },
            (Ok(_), Some(theirs)) => {
                Some(format!("{name}: we accept what BuildKit rejects: {theirs}"))
            }
        };
        match (disagreement, newer) {
            (Some(disagreement), false) => failures.push(disagreement),
            (None, true) => failures.push(format!(
                "{name}: marked as newer than the oracle, but the oracle agrees: drop the marker"
            )),
            _ => {}
        }
        if instructions_layer.is_some() && expected.get("error").is_some() {
            failures.push(format!(
                "{name}: marked as an instructions-layer error, but BuildKit's parser rejects it"
            ));
        }
        compared += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} fixtures disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{compared} Dockerfile fixtures agree with BuildKit");
}

fn describe(parsed: &dockerfile::Dockerfile, instruction: &Instruction) -> Value {
    let flags: Vec<String> = instruction
        .flags
        .iter()
        .map(|f| match &f.value {
            Some(v) => format!("--{}={}", f.name, v.as_str()),
            None => format!("--{}", f.name),
        })
        .collect();
    let value: Vec<String> = match (&instruction.exec_form, instruction.keyword) {
        (Some(words), _) => words.iter().map(|w| w.as_str().to_owned()).collect(),
        (None, dockerfile::Keyword::From) => instruction
            .whitespace_words()
            .iter()
            .map(|w| w.as_str().to_owned())
            .collect(),
        _ => Vec::new(),
    };
    let heredocs: Vec<Value> = instruction
        .heredocs
        .iter()
        .map(|h| json!({"name": h.name, "content": parsed.slice(h.body)}))
        .collect();
    json!({
        "cmd": instruction.keyword.as_str(),
        "sub_cmd": instruction.trigger.as_ref().map(|t| t.keyword.as_str()),
        "start_line": instruction.start_line,
        "end_line": instruction.end_line,
        "flags": flags,
        "json": instruction.exec_form.is_some(),
        "value": value,
        "heredocs": heredocs,
    })
}

/// What the fixtures marked as newer than the oracle must give: BuildKit's
/// behaviour today, which the oracle cannot check.
#[test]
fn newer_buildkit_behaviour() {
    let read = |name: &str| {
        let path = common::root().join("fixtures/parser").join(name);
        dockerfile::parse(std::fs::read_to_string(path).unwrap())
    };
    let body = read("heredoc-space-body.Dockerfile").expect("parses");
    let run = &body.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].name, "EOF");
    assert_eq!(body.slice(run.heredocs[0].body), "hello\n");
    assert_eq!(body.instructions[2].args(), "echo next");

    let error = read("heredoc-space.Dockerfile").unwrap_err();
    assert_eq!(
        (error.message.as_str(), error.position.line),
        ("unterminated heredoc", 5)
    );

    let flags = read("flags-escape-backtick.Dockerfile").expect("parses");
    let values: Vec<String> = flags.instructions[1]
        .flags
        .iter()
        .map(|f| format!("{}={}", f.name, f.value.as_ref().unwrap().as_str()))
        .collect();
    assert_eq!(
        values,
        ["network=none", "mount=type=bind,source=a\\b,target=/x"]
    );
}
