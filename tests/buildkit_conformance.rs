//! Conformance with BuildKit: every Dockerfile fixture is parsed by our
//! parser and by BuildKit's own (PyPI `dockerfile`), and the two must agree
//! on instruction kinds, start and end lines, flags, exec form and its
//! values, `FROM` arguments, and each heredoc's name and body; and on which
//! files are rejected.

mod common;

use repro_audit::source::dockerfile::{self, Instruction};
use serde_json::{json, Value};

/// Errors BuildKit raises in its instructions layer, after the parser the
/// oracle wraps has accepted the file.
const INSTRUCTION_LAYER_ERRORS: &[&str] = &[
    "unknown instruction",
    "FROM requires",
    "chaining ONBUILD",
    "isn't allowed as an ONBUILD trigger",
    "ONBUILD requires",
];

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
        match (dockerfile::parse(text), expected.get("error")) {
            (Ok(parsed), None) => {
                let ours: Vec<Value> = parsed
                    .instructions
                    .iter()
                    .map(|i| describe(&parsed, i))
                    .collect();
                let theirs = expected["instructions"].as_array().unwrap();
                if ours != *theirs {
                    failures.push(format!(
                        "{name}: instructions differ\n ours:     {}\n buildkit: {}",
                        Value::Array(ours),
                        Value::Array(theirs.clone())
                    ));
                }
            }
            (Err(ours), Some(theirs)) => {
                if ours.message != theirs.as_str().unwrap_or_default() {
                    failures.push(format!(
                        "{name}: both reject, ours says `{}`, BuildKit `{theirs}`",
                        ours.message
                    ));
                }
            }
            (Err(ours), None) => {
                if !INSTRUCTION_LAYER_ERRORS
                    .iter()
                    .any(|e| ours.message.contains(e))
                {
                    failures.push(format!(
                        "{name}: we reject (`{}`) what BuildKit accepts",
                        ours.message
                    ));
                }
            }
            (Ok(_), Some(theirs)) => {
                failures.push(format!("{name}: we accept what BuildKit rejects: {theirs}"))
            }
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
