//! Nothing that comes from a file may panic, hang, overflow the stack or
//! exhaust memory. The large cases run on a thread with a small stack, so
//! recursion that grows with the input would fail here first.

mod common;

use repro_audit::audit::{audit_dockerfile, audit_flake, LockState, Options};
use repro_audit::date::Date;
use repro_audit::finding::Finding;
use repro_audit::rules::RULES;

fn options() -> Options {
    Options::new(RULES.iter().collect(), Date::parse("2026-11-21").unwrap())
}

/// Audit on a thread with a 256 KiB stack.
fn audit_small_stack(text: String) -> Result<Vec<Finding>, String> {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            audit_dockerfile("Dockerfile", text, &options())
                .map(|(findings, _)| findings)
                .map_err(|e| {
                    format!(
                        "{}:{}: {}",
                        e.line.unwrap_or(0),
                        e.column.unwrap_or(0),
                        e.message
                    )
                })
        })
        .unwrap()
        .join()
        .expect("no panic")
}

#[test]
fn a_run_of_60000_continuation_lines() {
    let mut text = String::from("FROM debian:12@sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21\nRUN true \\\n");
    for i in 0..60_000 {
        text.push_str(&format!("    && echo {i} \\\n"));
    }
    text.push_str("    && apt-get update\n");
    let findings = audit_small_stack(text).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (
            findings[0].code,
            findings[0].start.line,
            findings[0].start.column
        ),
        ("DF010", 60_003, 8)
    );
}

#[test]
fn deep_nesting_everywhere() {
    let n = 100_000;
    let cases = [
        format!(
            "FROM {}debian{}\n",
            "${A:-\\\n".repeat(n),
            "}\\\n".repeat(n)
        ),
        format!(
            "FROM x\nRUN {}apt-get update{}\n",
            "$( \\\n".repeat(n),
            ") \\\n".repeat(n)
        ),
        format!(
            "FROM x\nRUN {}apt-get update{}\n",
            "( \\\n".repeat(n),
            ") \\\n".repeat(n)
        ),
        format!("FROM x\nRUN {}\n", "bash -c \\\n".repeat(n)),
        format!("FROM x\nRUN {}\n", "\"$(\\\n".repeat(n)),
        format!("FROM x\nRUN <<EOF\n{}\nEOF\n", "`".repeat(60_000)),
        format!("FROM x\nRUN [{}]\n", "[\\\n".repeat(n)),
    ];
    for text in cases {
        let _ = audit_small_stack(text);
    }
}

#[test]
fn large_heredocs_and_many_instructions() {
    let body = "apt-get update\n".repeat(100_000);
    let findings = audit_small_stack(format!("FROM x:1\nRUN <<EOF\n{body}EOF\n")).unwrap();
    assert_eq!(
        findings.iter().filter(|f| f.code == "DF010").count(),
        100_000
    );
    let many = "RUN apt-get upgrade\n".repeat(50_000);
    let findings = audit_small_stack(format!("FROM x:1\n{many}")).unwrap();
    assert_eq!(
        findings.iter().filter(|f| f.code == "DF011").count(),
        50_000
    );
}

/// Values that double on every line (`ARG a1=$a0$a0`, the same with
/// `ENV`, the legacy `ENV A $A$A`, an `ARG` that doubles itself in a
/// stage) are cut at a fixed length instead of growing to gigabytes: the
/// image they name is reported as unresolved, and the rest is audited.
#[test]
fn values_that_double_on_every_line() {
    let chain = |keyword: &str, sep: &str| {
        (1..=60)
            .map(|i| format!("{keyword} a{i}{sep}$a{}$a{}\n", i - 1, i - 1))
            .collect::<String>()
    };
    let cases = [
        format!(
            "ARG a0=x\n{}FROM busybox:$a60\nRUN apt-get update\n",
            chain("ARG", "=")
        ),
        format!(
            "FROM busybox:1@D\nENV a0=x\n{}RUN apt-get update\nCOPY --from=img:$a60 / /\n",
            chain("ENV", "=")
        ),
        format!(
            "FROM busybox:1@D\nENV a0 x\n{}RUN apt-get update\nCOPY --from=img:$a60 / /\n",
            chain("ENV", " ")
        ),
        format!(
            "FROM busybox:1@D\nARG A=x\n{}RUN apt-get update\nCOPY --from=img:$A / /\n",
            "ARG A=$A$A\n".repeat(60)
        ),
    ];
    let digest = "sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21";
    for text in cases {
        let findings =
            audit_small_stack(text.replace("@D", &format!("@{digest}"))).expect("parses");
        let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"DF010"), "{codes:?}");
        let unresolved = findings.iter().find(|f| f.code == "DF003").expect("DF003");
        assert!(
            unresolved
                .message
                .contains("expands to more than 16384 bytes"),
            "{}",
            unresolved.message
        );
        assert!(
            !codes.contains(&"DF001") && !codes.contains(&"DF002"),
            "{codes:?}"
        );
    }
}

/// A long chain of stages, each built `FROM` the one before and each with
/// its own `ENV`: what a stage inherits is read through its parents, never
/// copied, so memory stays linear — and `UV_FROZEN` from the first stage
/// still holds at the end of the chain.
#[test]
fn a_chain_of_4000_stages() {
    let mut text = String::from("FROM debian:12 AS s0\nENV UV_FROZEN=1\n");
    for i in 1..4000 {
        text.push_str(&format!("FROM s{} AS s{i}\nENV V{i}=$V{}x\n", i - 1, i - 1));
    }
    text.push_str("RUN uv sync && bundle install\n");
    let findings = audit_small_stack(text).expect("parses");
    let codes: Vec<&str> = findings.iter().map(|f| f.code).collect();
    // The chain's first FROM is unpinned, `bundle install` is not frozen,
    // and `uv sync` inherits UV_FROZEN through 4000 stages.
    assert_eq!(codes, ["DF002", "DF014"], "{findings:#?}");
    assert!(findings[1].message.contains("bundle install"));
}

/// Many clones and checkouts, downloads and pipes in one `RUN`: each rule
/// pairs them without scanning the whole `RUN` for each.
#[test]
fn a_run_of_20000_commands() {
    let commit = "0e322af87745eff34caffe4df68456ebc20d9068";
    let mut text = String::from("FROM x\nRUN true");
    for i in 0..5000 {
        text.push_str(&format!(
            " && \\\n    git clone https://example.com/r{i}.git"
        ));
    }
    for i in 0..5000 {
        text.push_str(&format!(" && \\\n    git -C r{i} checkout {commit}"));
    }
    for _ in 0..5000 {
        text.push_str(" && \\\n    curl -fsSLo /tmp/x https://example.com/x | sh");
    }
    text.push('\n');
    let findings = audit_small_stack(text).expect("parses");
    assert!(
        findings
            .iter()
            .all(|f| f.code != "DF022" && f.code != "DF021"),
        "every clone is pinned and no download reaches a shell"
    );
}

#[test]
fn malformed_input_is_an_error_with_a_position() {
    let long_line = format!("FROM x\nRUN echo {}\n", "a".repeat(70_000));
    for (text, expected) in [
        (String::new(), "1:1: file with no instructions"),
        (
            "\n\n   \n# only comments\n".to_owned(),
            "5:1: file with no instructions",
        ),
        (
            long_line,
            "2:1: dockerfile line greater than max allowed size of 65535",
        ),
        (
            "FROM x\nRUN <<A <<B\na\nA\n".to_owned(),
            "2:9: unterminated heredoc",
        ),
        (
            "FROM x\nCMD [\"a\", {}]\n".to_owned(),
            "2:5: when using JSON array syntax, arrays must be comprised of strings only",
        ),
        (
            "\u{feff}# escape=x\nFROM x\n".to_owned(),
            "1:10: invalid escape token 'x' does not match ` or \\",
        ),
    ] {
        assert_eq!(
            audit_small_stack(text.clone()).unwrap_err(),
            expected,
            "{text:.40?}"
        );
    }
}

/// A tiny deterministic generator, so failures reproduce.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let pieces = [
        "\\",
        "\n",
        "<<",
        "<<-EOF\n",
        "EOF\n",
        "\"",
        "'",
        "$(",
        ")",
        "`",
        "${",
        "}",
        "[",
        "]",
        "--",
        "=",
        "#",
        "\r\n",
        "\u{feff}",
        "é",
        "\t",
        "RUN ",
        "FROM ",
        "ONBUILD ",
        "sh -c ",
        "&&",
        "|",
        "apt-get update",
        "@sha256:",
    ];
    let fixtures: Vec<String> = common::dockerfile_fixtures()
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect();
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    for round in 0..3_000 {
        let mut text = fixtures[round % fixtures.len()].clone();
        mutate(&mut text, &mut random, &pieces);
        let result =
            std::panic::catch_unwind(|| audit_dockerfile("Dockerfile", text.clone(), &options()));
        assert!(result.is_ok(), "panicked on round {round}: {text:?}");
    }
}

/// Insert a piece, delete a few bytes, or duplicate a stretch, one to six
/// times at random places.
fn mutate(text: &mut String, random: &mut XorShift, pieces: &[&str]) {
    for _ in 0..1 + random.below(6) {
        let mut at = random.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match random.below(3) {
            0 => text.insert_str(at, pieces[random.below(pieces.len())]),
            1 => {
                let mut end = (at + random.below(8)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end.max(at), "");
            }
            _ => {
                let copy_from = random.below(text.len() + 1);
                let mut copy_end = (copy_from + random.below(40)).min(text.len());
                let mut copy_start = copy_from;
                while !text.is_char_boundary(copy_start) {
                    copy_start -= 1;
                }
                while !text.is_char_boundary(copy_end) {
                    copy_end -= 1;
                }
                let copied = text[copy_start..copy_end.max(copy_start)].to_owned();
                text.insert_str(at, &copied);
            }
        }
    }
}

#[test]
fn mutated_flakes_never_panic() {
    let pieces = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ";",
        "inputs.",
        ".follows = \"\";",
        "follows = \"a/b\";",
        "url = ./x;",
        "${",
        "''",
        "#",
        "\"rev\": null,",
        "\"inputs\": {},",
        "[\"root\"]",
        "\"type\": \"indirect\",",
        "\"version\": 5,",
        "\"root\"",
        "flake = false;",
        "rec ",
    ];
    let mut pairs: Vec<(String, Option<String>)> = Vec::new();
    for entry in std::fs::read_dir(common::root().join("fixtures/nix")).unwrap() {
        let dir = entry.unwrap().path();
        let nix = std::fs::read_to_string(dir.join("flake.nix")).unwrap_or_default();
        pairs.push((nix, std::fs::read_to_string(dir.join("flake.lock")).ok()));
    }
    pairs.sort();
    let mut random = XorShift(0x2545_f491_4f6c_dd1d);
    for round in 0..3_000 {
        let (mut nix, lock) = pairs[round % pairs.len()].clone();
        let mut lock = lock.unwrap_or_else(|| pairs[0].1.clone().unwrap_or_default());
        if round % 2 == 0 {
            mutate(&mut nix, &mut random, pieces);
        } else {
            mutate(&mut lock, &mut random, pieces);
        }
        let result = std::panic::catch_unwind(|| {
            audit_flake(
                Some(("flake.nix".into(), nix.clone())),
                Some(("flake.lock".into(), lock.clone())),
                LockState::Beside,
                &options(),
            )
        });
        assert!(
            result.is_ok(),
            "panicked on round {round}: {nix:?} {lock:?}"
        );
    }
}

#[test]
fn mutated_nix_files_never_panic() {
    let pieces = &[
        "{",
        "}",
        "(",
        ")",
        "[",
        "]",
        "\"",
        ";",
        ":",
        "@",
        "?",
        "${",
        "''",
        "#",
        "<nixpkgs>",
        "<",
        "with builtins;",
        "let getEnv = builtins.getEnv; in ",
        "inherit (builtins) fetchurl;",
        "rec ",
        "builtins.",
        "__findFile",
        "fetchTarball ",
        " { url = \"u\"; }",
        " or ",
        "./x",
        "sha256 = ",
    ];
    let mut texts: Vec<String> = std::fs::read_dir(common::root().join("fixtures/nix-files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nix"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15);
    for round in 0..3_000 {
        let mut text = texts[round % texts.len()].clone();
        for _ in 0..3 {
            mutate(&mut text, &mut random, pieces);
        }
        let result = std::panic::catch_unwind(|| {
            repro_audit::audit::audit_nix_file("default.nix", text.clone(), &options())
        });
        assert!(result.is_ok(), "panicked on round {round}: {text:?}");
    }
}

#[test]
fn deep_and_long_nix_files_end_promptly() {
    let n = 200_000;
    let cases = [
        format!("{}1", "x: ".repeat(n)),
        format!("{}1", "with builtins; ".repeat(n)),
        format!("{}getEnv \"X\"", "let a = 1; in ".repeat(n)),
        format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        format!("{}1{}", "{ a = ".repeat(n), "; }".repeat(n)),
        format!("builtins{}", ".a".repeat(n)),
        format!("\"a\"{}", " + \"a\"".repeat(n)),
        format!("[ {} ]", "(builtins.getEnv \"X\") ".repeat(n)),
        format!("{{ {} }}", "a = fetchTarball \"u\"; ".repeat(n)),
        "<".repeat(n),
        format!("''{}''", "${".repeat(n)),
    ];
    for text in cases {
        let len = text.len();
        let result = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || repro_audit::audit::audit_nix_file("default.nix", text, &options()))
            .unwrap()
            .join();
        assert!(result.is_ok(), "panicked on a {len}-byte file");
    }
}

/// Lock graphs shaped to blow up (issue 13): a chain of 20,000 nodes (each
/// walked node once stored its whole path: 8 GB), 3,000 follows that each
/// lead to the next (cubic), a follows path of 10,000 names, 100,000 empty
/// nodes (a quadratic duplicate check), and flake.nix files with 20,000
/// inputs or overrides. Each is audited on a small stack; messages spell
/// out at most 32 names of a path.
#[test]
fn lock_graphs_of_any_shape_stay_linear() {
    let github = |i: usize| {
        format!(
            r#""locked": {{"lastModified": 1700000000, "narHash": "sha256-x", "owner": "o", "repo": "r{i}", "type": "github"}}, "original": {{"owner": "o", "repo": "r{i}", "type": "github"}}"#
        )
    };
    let lock = |nodes: Vec<String>, root: String| {
        format!(
            r#"{{"nodes": {{{}"root": {{"inputs": {{{root}}}}}}}, "root": "root", "version": 7}}"#,
            nodes.iter().map(|n| format!("{n}, ")).collect::<String>()
        )
    };
    let chain: Vec<String> = (0..20_000)
        .map(|i| {
            format!(
                r#""n{i}": {{{}, "inputs": {{"x": "n{}"}}}}"#,
                github(i),
                i + 1
            )
        })
        .chain([format!(r#""n20000": {{{}}}"#, github(20_000))])
        .collect();
    let mut follows: Vec<String> = (0..3_000)
        .map(|i| format!(r#""a{i}": ["a{}"]"#, i + 1))
        .collect();
    follows.push(r#""a3000": "leaf""#.to_owned());
    let path = vec![r#""a""#; 10_000].join(", ");
    let empty: Vec<String> = (0..100_000).map(|i| format!(r#""e{i}": {{}}"#)).collect();
    let nix = "{ inputs.a.url = \"github:o/r0\"; outputs = _: { }; }\n".to_owned();
    let cases = [
        (nix.clone(), lock(chain, r#""a": "n0""#.to_owned())),
        (
            nix.clone(),
            lock(
                vec![format!(r#""leaf": {{{}}}"#, github(0))],
                follows.join(", "),
            ),
        ),
        (
            nix.clone(),
            lock(
                vec![format!(
                    r#""a": {{{}, "inputs": {{"a": [{path}]}}}}"#,
                    github(0)
                )],
                format!(r#""a": "a", "b": [{path}]"#),
            ),
        ),
        (nix, lock(empty, r#""a": "e0""#.to_owned())),
    ];
    for (nix, lock) in cases {
        let findings = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                audit_flake(
                    Some(("flake.nix".into(), nix)),
                    Some(("flake.lock".into(), lock)),
                    LockState::Beside,
                    &options(),
                )
                .findings
            })
            .unwrap()
            .join()
            .expect("no panic");
        for finding in &findings {
            assert!(finding.message.len() < 1_000, "{}", finding.message);
        }
    }
    let inputs: String = (0..20_000)
        .map(|i| format!("  inputs.i{i}.url = \"github:o/r{i}\";\n"))
        .collect();
    let overrides: String = (0..20_000)
        .map(|i| format!("  inputs.a.inputs.i{i}.follows = \"a\";\n"))
        .collect();
    for body in [
        inputs,
        format!("  inputs.a.url = \"github:o/r\";\n{overrides}"),
    ] {
        let nix = format!("{{\n{body}  outputs = _: {{ }};\n}}\n");
        let result = audit_flake(
            Some(("flake.nix".into(), nix)),
            None,
            LockState::Absent,
            &options(),
        );
        assert!(result.errors.is_empty(), "{:?}", result.errors);
        for finding in &result.findings {
            assert!(finding.message.len() < 1_000, "{}", finding.message);
        }
    }
}
