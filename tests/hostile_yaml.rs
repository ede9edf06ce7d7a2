//! Hostile YAML and JSON with comments, run through the binary as CI runs
//! it on a stranger's pull request: every input is built here, written to
//! a directory of its own, and audited there. Nothing may panic, hang or
//! exhaust memory; a file that cannot be read is an error naming its line
//! and column (exit 2), and the files beside it are still reported.
//! Growth with the input is measured by `bench/stress.sh`, not here.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A fresh directory holding `files`.
fn tree(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "repro-audit-hostile-yaml-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// The binary on `args`, in `dir`, with no configuration, Docker or
/// GitHub credentials of this machine.
fn audit(dir: &Path, args: &[&str]) -> Outcome {
    let output = Command::new(env!("CARGO_BIN_EXE_repro-audit"))
        .current_dir(dir)
        .args(args)
        .env("HOME", dir.join(".home"))
        .env("NO_COLOR", "1")
        .env_remove("DOCKER_CONFIG")
        .env_remove("GITHUB_TOKEN")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

const DOCKERFILE: &[u8] = b"FROM debian:12\n";

/// 1-based line and column (in characters) of the `nth` occurrence of
/// `needle` in `text`, lines ended by `\n`.
fn place(text: &str, needle: &str, nth: usize) -> String {
    let at = text.match_indices(needle).nth(nth).unwrap().0;
    let line = text[..at].matches('\n').count() + 1;
    let column = text[..at].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("{line}:{column}")
}

#[test]
fn an_alias_bomb_in_bytes_is_an_error_at_the_alias_and_the_dockerfile_is_still_reported() {
    // The issue's shape: a 100 KB scalar behind four levels of ten
    // aliases, 11,110 nodes (saphyr's node budget is 100,000) but a
    // gigabyte of text.
    let mut levels = format!("x0: &a0 \"{}\"\n", "x".repeat(100_000));
    for i in 1..5 {
        let aliases = vec![format!("*a{}", i - 1); 10].join(", ");
        levels.push_str(&format!("x{i}: &a{i} [{aliases}]\n"));
    }
    // And 80,000 aliases of one 1 KB scalar, flat.
    let flat = format!(
        "x-big: &a \"{}\"\nservices:\n  web:\n    image: nginx\n    labels: [{}]\n",
        "y".repeat(1000),
        vec!["*a"; 80_000].join(", ")
    );
    // The first alias past 32 MiB: the third `*a2` (1 + 10 + 3 × 10 MB);
    // the 33,555th `*a` (each copies 1,000 bytes).
    for (name, text, alias, nth) in [("levels", &levels, "*a2", 2), ("flat", &flat, "*a", 33_554)] {
        let dir = tree(
            name,
            &[
                ("compose.yaml", text.as_bytes()),
                ("Dockerfile", DOCKERFILE),
            ],
        );
        let out = audit(&dir, &["--concise", "."]);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        let expected = format!(
            "error: compose.yaml:{}: invalid YAML: alias expansion exceeded the maximum size budget of 32 MiB (possible billion-laughs attack)\n",
            place(text, alias, nth)
        );
        assert_eq!(out.stderr, expected, "{name}");
        assert!(
            out.stdout.contains(
                "Dockerfile:1:6: warning[DF002] base image `debian:12` is not pinned by digest"
            ),
            "{name}: {}",
            out.stdout
        );
    }
}

#[test]
fn aliases_within_the_budget_are_read() {
    // 300 copies of a 10 KB scalar: 3 MB, read and audited.
    let text = format!(
        "x-big: &a \"{}\"\nservices:\n  web:\n    image: nginx\n    labels: [{}]\n",
        "z".repeat(10_000),
        vec!["*a"; 300].join(", ")
    );
    let dir = tree("within", &[("compose.yaml", text.as_bytes())]);
    let out = audit(&dir, &["--concise", "compose.yaml"]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.starts_with(&format!(
            "compose.yaml:{}: error[CP001]",
            place(&text, "nginx", 0)
        )),
        "{}",
        out.stdout
    );
}

/// A service whose healthcheck closes its flow collections as go-yaml
/// allows: at the key's indentation, after quoted scalars.
fn go_yaml_service(i: usize) -> String {
    format!(
        "  s{i}:\n    image: \"busybox:1.{i}\"\n    healthcheck:\n      test: [\n          \"CMD\", \"true\",\n      ]\n      labels: {{\n          \"a\": \"b\",\n      }}\n"
    )
}

#[test]
fn any_number_of_closing_brackets_at_their_keys_indentation_are_read() {
    // The loop that re-read the file once per bracket gave up at 64.
    let mut text = String::from("services:\n");
    for i in 0..300 {
        text.push_str(&go_yaml_service(i));
    }
    text.push_str("  last:\n    image: nginx\n");
    for (name, text) in [("lf", text.clone()), ("crlf", text.replace('\n', "\r\n"))] {
        let dir = tree(name, &[("compose.yaml", text.as_bytes())]);
        let out = audit(&dir, &["--concise", "--select", "CP001", "compose.yaml"]);
        assert_eq!(out.code, 1, "{name}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
        let lines: Vec<&str> = out.stdout.lines().collect();
        let lf = text.replace("\r\n", "\n");
        assert_eq!(
            lines[0],
            format!(
                "compose.yaml:{}: error[CP001] service `last` image `nginx` has no tag and no digest",
                place(&lf, "nginx", 0)
            ),
            "{name}"
        );
    }
}

#[test]
fn closing_braces_in_a_run_script_keep_their_text_while_brackets_are_repaired() {
    // A workflow whose `branches: [ … ]` closes at its key's indentation,
    // then a script with `}` lines at the block's own indentation: the
    // script is read byte for byte, so the step after it is where it is.
    let text = "on:\n  push:\n    branches: [\n        \"main\",\n    ]\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: |\n          f() {\n            echo\n          }\n          f\n      - uses: actions/checkout@v4\n";
    let dir = tree("script", &[(".github/workflows/ci.yml", text.as_bytes())]);
    let out = audit(&dir, &["--concise", "--select", "GH001", "."]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(
        out.stdout.starts_with(&format!(
            ".github/workflows/ci.yml:{}: warning[GH001]",
            place(text, "actions/checkout@v4", 0)
        )),
        "{}",
        out.stdout
    );
}

#[test]
fn lone_carriage_returns_end_lines_in_yaml_and_json_with_comments() {
    let compose = "services:\n  web:\n    image: nginx\n  db:\n    # repro-audit ignore=CP001\n    image: postgres\n";
    let devcontainer =
        "{\n  // repro-audit ignore=DC001\n  \"image\": \"debian\",\n  \"features\": {},\n}\n";
    for (name, ends) in [("cr", &["\r"][..]), ("mixed", &["\r\n", "\r", "\n"][..])] {
        // Each line ends with the next of `ends`, in turn.
        let with = |text: &str| -> String {
            text.lines()
                .zip(ends.iter().cycle())
                .map(|(line, end)| format!("{line}{end}"))
                .collect()
        };
        let dir = tree(
            name,
            &[
                ("compose.yaml", with(compose).as_bytes()),
                (
                    ".devcontainer/devcontainer.json",
                    with(devcontainer).as_bytes(),
                ),
            ],
        );
        let out = audit(&dir, &["--format", "github", "."]);
        assert_eq!(out.code, 1, "{name}: {}{}", out.stdout, out.stderr);
        assert!(out.stderr.is_empty(), "{name}: {}", out.stderr);
        // The finding on line 3; the pragmas above `db` and above the
        // dev container's image suppress theirs.
        let annotations: Vec<&str> = out
            .stdout
            .lines()
            .filter(|line| line.starts_with("::"))
            .collect();
        assert_eq!(annotations.len(), 1, "{name}: {}", out.stdout);
        assert!(
            annotations[0]
                .starts_with("::error file=compose.yaml,line=3,endLine=3,col=12,endColumn=17,"),
            "{name}: {}",
            annotations[0]
        );
        let dir = tree(name, &[("compose.yaml", with(compose).as_bytes())]);
        let out = audit(&dir, &["--format", "sarif", "--select", "CP001", "."]);
        let sarif: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 1, "{name}");
        let region = &results[0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (&region["startLine"], &region["startColumn"]),
            (&serde_json::json!(3), &serde_json::json!(12)),
            "{name}"
        );
        // The line hash is the one GitHub computes for line 3.
        let hash = results[0]["partialFingerprints"]["primaryLocationLineHash"]
            .as_str()
            .unwrap();
        let lf = repro_audit::report::line_hash::line_hashes(compose);
        assert_eq!(hash, lf[2], "{name}");
    }
    // The snippet shows line 3 alone.
    let dir = tree(
        "snippet",
        &[("compose.yaml", compose.replace('\n', "\r").as_bytes())],
    );
    let out = audit(&dir, &["compose.yaml"]);
    assert!(
        out.stdout
            .contains("compose.yaml:3:12: error[CP001] service `web` image `nginx` has no tag and no digest\n  |\n3 |     image: nginx\n  |            ^^^^^\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_devcontainer_with_a_byte_order_mark_and_brackets_in_comments_is_audited() {
    let text = format!(
        "\u{feff}{{\n  // {}\n  /* {} */\n  \"image\": \"debian:12\"\n}}\n",
        "{".repeat(70),
        "[".repeat(70)
    );
    let dir = tree(
        "bom",
        &[(".devcontainer/devcontainer.json", text.as_bytes())],
    );
    let out = audit(&dir, &["--concise", "."]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // Line 4, column 12: the mark is on line 1 and is no column anyway.
    assert!(
        out.stdout
            .starts_with(".devcontainer/devcontainer.json:4:12: warning[DC001]"),
        "{}",
        out.stdout
    );
    // Nesting that is real is still refused, at its place.
    let deep = format!("{{\"a\": {}{}}}\n", "[".repeat(70), "]".repeat(70));
    let dir = tree(
        "deep",
        &[
            (".devcontainer/devcontainer.json", deep.as_bytes()),
            ("Dockerfile", DOCKERFILE),
        ],
    );
    let out = audit(&dir, &["--concise", "."]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr,
        "error: .devcontainer/devcontainer.json:1:70: JSON nested deeper than 64 levels\n"
    );
    assert!(out.stdout.contains("Dockerfile:1:6: warning[DF002]"));
}

/// Aliases as keys (which saphyr's own node budget does not count), and a
/// plain file of millions of nodes: each node costs a few hundred bytes,
/// so both are bounded by the nodes a file may hold, not only by the
/// bytes aliases copy. Before, 820 bytes took 3.2 GB.
#[test]
fn nodes_are_bounded_whether_aliases_copy_them_as_keys_or_the_file_writes_them() {
    let mut keys = String::from("x0: &a0 {\"\": \"\"}\n");
    for i in 1..8 {
        let entries = vec![format!("{{*a{} : \"\"}}", i - 1); 10].join(",");
        keys.push_str(&format!("x{i}: &a{i} [{entries}]\n"));
    }
    keys.push_str("services:\n  w:\n    image: nginx\n");
    let flat = format!(
        "x: [{}]\nservices:\n  w:\n    image: nginx\n",
        vec!["1"; 600_000].join(",")
    );
    let expected = [
        "invalid YAML: alias expansion exceeded the maximum node budget of 500000 nodes in a file (possible billion-laughs attack)",
        "more than 500000 YAML nodes: too large to audit",
    ];
    for ((name, text), message) in [("keys", &keys), ("flat", &flat)].into_iter().zip(expected) {
        let dir = tree(
            name,
            &[
                ("compose.yaml", text.as_bytes()),
                ("Dockerfile", DOCKERFILE),
            ],
        );
        let out = audit(&dir, &["--concise", "."]);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.starts_with("error: compose.yaml:") && out.stderr.contains(message),
            "{name}: {}",
            out.stderr
        );
        assert!(
            out.stdout.contains("Dockerfile:1:6: warning[DF002]"),
            "{name}: {}",
            out.stdout
        );
    }
}

/// JSON is bounded in the values it holds, before it is parsed: a flat
/// array of millions took 1.5 GB as a devcontainer.json or a flake.lock.
#[test]
fn json_files_are_bounded_in_the_values_they_hold() {
    let many = vec!["1"; 3_000_001].join(",");
    let devcontainer = format!("{{\"x\": [{many}], \"image\": \"debian\"}}\n");
    let lock = format!(
        "{{\"nodes\": {{\"root\": {{\"inputs\": {{}}}}, \"x\": [{many}]}}, \"root\": \"root\", \"version\": 7}}\n"
    );
    for (name, path, text) in [
        (
            "devcontainer",
            ".devcontainer/devcontainer.json",
            &devcontainer,
        ),
        ("lock", "flake.lock", &lock),
    ] {
        let dir = tree(name, &[(path, text.as_bytes()), ("Dockerfile", DOCKERFILE)]);
        let out = audit(&dir, &["--concise", "."]);
        assert_eq!(out.code, 2, "{name}: {}{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains(&format!("error: {path}:1:"))
                && out
                    .stderr
                    .contains("more than 3000000 JSON values: too large to audit"),
            "{name}: {}",
            out.stderr
        );
        assert!(
            out.stdout.contains("Dockerfile:1:6: warning[DF002]"),
            "{name}: {}",
            out.stdout
        );
    }
}
