//! The command line as a user runs it: outputs, exit statuses, options.
//! Most cases call the library in-process; standard input and colour on a
//! real process use the binary.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use repro_audit::cli::{run, Terminal};

struct Outcome {
    code: u8,
    stdout: String,
    stderr: String,
}

fn audit_in(cwd: &Path, args: &[&str]) -> Outcome {
    let mut argv = vec!["repro-audit".to_owned()];
    argv.extend(args.iter().map(|a| a.to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&argv, cwd, Terminal::default(), &mut out, &mut err);
    Outcome {
        code,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

fn audit(args: &[&str]) -> Outcome {
    audit_in(&common::root(), args)
}

/// A fresh directory with these files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("repro-audit-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

#[test]
fn fortune_cat_text_report() {
    let outcome = audit(&["--as-of", "2026-11-21", "fixtures/fortune-cat"]);
    assert_eq!(outcome.code, 1);
    assert_eq!(outcome.stderr, "");
    insta::assert_snapshot!("fortune_cat_text", outcome.stdout);
}

/// Each finding of a JSON report, as `describe` puts it.
fn json_findings(stdout: &str, describe: impl Fn(&serde_json::Value) -> String) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(stdout).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(describe)
        .collect()
}

/// Every Dockerfile rule on the example's Dockerfile: the pinning findings
/// name exactly the unpinned packages, and `uv sync` at line 21 is silent
/// because `UV_FROZEN` comes from the stage `base` that `builder` derives
/// from.
#[test]
fn fortune_cat_dockerfile_rules() {
    let outcome = audit(&[
        "--select",
        "DF",
        "--format",
        "json",
        "fixtures/fortune-cat/Dockerfile",
    ]);
    let found = json_findings(&outcome.stdout, |f| {
        let message = f["message"].as_str().unwrap();
        let packages: Vec<&str> = message
            .split_once(" installs ")
            .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        format!(
            "{} {} {}",
            f["code"].as_str().unwrap(),
            f["start"]["line"],
            packages.join(" ")
        )
        .trim_end()
        .to_owned()
    });
    assert_eq!(
        found,
        [
            "DF002 1",
            "DF013 16 pip uv",
            "DF010 25",
            "DF012 26 fortune fortunes",
            "DF013 27 pip uv",
        ]
    );
}

#[test]
fn fortune_cat_json_report() {
    let outcome = audit(&[
        "--format",
        "json",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    assert_eq!(outcome.code, 1);
    insta::assert_snapshot!("fortune_cat_json", outcome.stdout);
    let found = json_findings(&outcome.stdout, |f| {
        format!(
            "{} {} {}:{}",
            f["path"].as_str().unwrap(),
            f["code"].as_str().unwrap(),
            f["start"]["line"],
            f["start"]["column"]
        )
    });
    assert_eq!(
        found,
        [
            "fixtures/fortune-cat/Dockerfile DF002 1:6",
            "fixtures/fortune-cat/Dockerfile DF013 16:42",
            "fixtures/fortune-cat/Dockerfile DF010 25:5",
            "fixtures/fortune-cat/Dockerfile DF012 26:52",
            "fixtures/fortune-cat/Dockerfile DF013 27:46",
            "fixtures/fortune-cat/Dockerfile-nix DF001 2:6",
            "fixtures/fortune-cat/Dockerfile-nix2 DF001 2:6",
            "fixtures/fortune-cat/flake.lock NX007 21:5",
            "fixtures/fortune-cat/flake.lock NX005 105:5",
        ]
    );
}

#[test]
fn concise_prints_one_line_per_finding() {
    let outcome = audit(&["--concise", "fixtures/fortune-cat/Dockerfile"]);
    insta::assert_snapshot!("fortune_cat_concise", outcome.stdout);
}

#[test]
fn exit_statuses_follow_fail_on() {
    let clean = scratch("clean", &[("Dockerfile", "FROM scratch\nCOPY a /a\n")]);
    assert_eq!(audit_in(&clean, &[]).code, 0);
    assert_eq!(audit_in(&clean, &[]).stdout, "No findings in 1 file.\n");
    let warn = scratch("warn", &[("Dockerfile", "FROM debian:12\n")]);
    assert_eq!(audit_in(&warn, &[]).code, 1);
    assert_eq!(audit_in(&warn, &["--fail-on", "error"]).code, 0);
    assert_eq!(audit_in(&warn, &["--fail-on", "info"]).code, 1);
    assert_eq!(audit_in(&warn, &["--fail-on", "never"]).code, 0);
    let info = scratch("info", &[("Dockerfile", "ARG B\nFROM $B\n")]);
    assert_eq!(audit_in(&info, &[]).code, 0);
    assert_eq!(audit_in(&info, &["--fail-on", "info"]).code, 1);
}

#[test]
fn a_broken_file_is_reported_and_the_others_still_audited() {
    let dir = scratch(
        "broken",
        &[
            ("a/Dockerfile", "FROM debian\n"),
            ("b/Dockerfile", "FROM debian:12@sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21\nRUN <<EOF\napt-get update\n"),
            ("c/Dockerfile", "\u{0}\u{1}binary\u{ff}"),
        ],
    );
    std::fs::write(dir.join("d.Dockerfile"), b"FROM x\n\xff\xfe").unwrap();
    let outcome = audit_in(&dir, &["."]);
    assert_eq!(outcome.code, 2);
    assert!(
        outcome.stdout.contains("a/Dockerfile:1:6: error[DF001]"),
        "{}",
        outcome.stdout
    );
    assert_eq!(
        outcome.stderr,
        "error: b/Dockerfile:2:5: unterminated heredoc\n\
         error: c/Dockerfile:1:1: unknown instruction: \\x00\\x01binary\u{ff}\n\
         error: d.Dockerfile:2:1: not valid UTF-8\n"
    );
    assert!(outcome
        .stdout
        .ends_with("Found 1 finding (1 error) in 1 file. 3 files could not be audited.\n[*] 1 fixable with `--fix` (`--diff` to see how).\n"));
    let json = audit_in(&dir, &["--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        json["errors"][0],
        serde_json::json!({"path": "b/Dockerfile", "message": "unterminated heredoc", "line": 2, "column": 5})
    );
    assert_eq!(json["summary"]["errors"], 3);
}

#[test]
fn missing_paths_are_errors() {
    let dir = scratch("missing", &[("Dockerfile", "FROM debian\n")]);
    let outcome = audit_in(&dir, &["Dockerfile", "nope/Dockerfile"]);
    assert_eq!(outcome.code, 2);
    assert_eq!(
        outcome.stderr,
        "error: nope/Dockerfile: no such file or directory\n"
    );
    assert!(outcome.stdout.contains("Dockerfile:1:6"));
}

#[test]
fn walking_finds_audited_names_and_skips_build_directories() {
    let dir = scratch(
        "walk",
        &[
            ("Dockerfile", "FROM a\n"),
            ("Containerfile", "FROM b\n"),
            ("svc/api.Dockerfile", "FROM c\n"),
            ("svc/web.dockerfile", "FROM d\n"),
            ("svc/Dockerfile.dev", "FROM e\n"),
            ("svc/x.Containerfile", "FROM f\n"),
            ("node_modules/pkg/Dockerfile", "FROM g\n"),
            ("target/Dockerfile", "FROM h\n"),
            (".git/Dockerfile", "FROM i\n"),
            (".direnv/Dockerfile", "FROM j\n"),
            ("README.md", "FROM k\n"),
        ],
    );
    let outcome = audit_in(&dir, &["--concise"]);
    let paths: Vec<&str> = outcome
        .stdout
        .lines()
        .filter_map(|l| l.split(':').next())
        .filter(|p| !p.is_empty() && !p.starts_with("Found") && !p.starts_with("[*]"))
        .collect();
    assert_eq!(
        paths,
        [
            "Containerfile",
            "Dockerfile",
            "svc/Dockerfile.dev",
            "svc/api.Dockerfile",
            "svc/web.dockerfile",
            "svc/x.Containerfile"
        ]
    );
    // A file named explicitly is audited whatever its name.
    let named = audit_in(&dir, &["--concise", "README.md"]);
    assert!(
        named.stdout.starts_with("README.md:1:6: error[DF001]"),
        "{}",
        named.stdout
    );
}

/// The paths a concise run reports, in order.
fn reported_paths(outcome: &Outcome) -> Vec<String> {
    let mut paths: Vec<String> = outcome
        .stdout
        .lines()
        .filter(|l| l.contains(": "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_owned)
        .collect();
    paths.dedup();
    paths
}

/// Names that only look like Dockerfiles are left out of the walk, and
/// audited when named; what git ignores is left out unless `--no-ignore`.
#[test]
fn the_walk_leaves_out_look_alikes_and_what_git_ignores() {
    let dir = scratch(
        "walk-ignore",
        &[
            ("Dockerfile", "FROM a\n"),
            ("Dockerfile.dockerignore", "node_modules\n"),
            ("Dockerfile.md", "# How to build\n\nRun it.\n"),
            ("Dockerfile-linux.template", "FROM {{ .base }}\n"),
            ("Dockerfile~", "FROM backup\n"),
            (".devcontainer/Dockerfile", "FROM b\n"),
            (".gitignore", "build/\n"),
            ("build/out/Dockerfile", "FROM c\n"),
        ],
    );
    // Not yet a git repository: .gitignore is not read (as in git).
    let outcome = audit_in(&dir, &["--concise"]);
    assert_eq!(
        reported_paths(&outcome),
        [
            ".devcontainer/Dockerfile",
            "Dockerfile",
            "build/out/Dockerfile"
        ],
        "{}{}",
        outcome.stdout,
        outcome.stderr
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let init = Command::new("git")
        .current_dir(&dir)
        .args(["init", "--quiet"])
        .status();
    if !init.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no git");
        return;
    }
    let outcome = audit_in(&dir, &["--concise"]);
    assert_eq!(
        reported_paths(&outcome),
        [".devcontainer/Dockerfile", "Dockerfile"]
    );
    let outcome = audit_in(&dir, &["--concise", "--no-ignore"]);
    assert_eq!(
        reported_paths(&outcome),
        [
            ".devcontainer/Dockerfile",
            "Dockerfile",
            "build/out/Dockerfile"
        ]
    );
    // Named, a look-alike is audited for what it is.
    let outcome = audit_in(&dir, &["--concise", "Dockerfile-linux.template"]);
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains("Dockerfile-linux.template:1:1: FROM requires either one or three arguments"),
        "{}",
        outcome.stderr
    );
}

/// pre-commit names every staged file: `--force-exclude` applies the
/// configuration's `exclude` to them too.
#[test]
fn force_exclude_applies_exclude_to_named_files() {
    let dir = scratch(
        "force-exclude",
        &[
            (
                ".repro-audit.toml",
                "exclude = [\"vendor/**\", \"**/testdata\"]\n",
            ),
            ("Dockerfile", "FROM a\n"),
            ("vendor/lib/Dockerfile", "FROM b\n"),
            ("pkg/testdata/Dockerfile", "FROM c\n"),
            ("Dockerfile-linux.template", "{{ .from }}\n"),
        ],
    );
    let named = [
        "--concise",
        "Dockerfile",
        "vendor/lib/Dockerfile",
        "pkg/testdata/Dockerfile",
    ];
    assert_eq!(
        reported_paths(&audit_in(&dir, &named)),
        [
            "Dockerfile",
            "pkg/testdata/Dockerfile",
            "vendor/lib/Dockerfile"
        ]
    );
    // Excluded by a directory above it, or a look-alike name that
    // pre-commit's pattern lets through: left out as the walk leaves it.
    let forced: Vec<&str> = named
        .iter()
        .copied()
        .chain(["Dockerfile-linux.template", "--force-exclude"])
        .collect();
    let outcome = audit_in(&dir, &forced);
    assert_eq!(reported_paths(&outcome), ["Dockerfile"]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    // A file recognised by its content, whatever its name, is no look-alike.
    std::fs::write(dir.join("prod"), "FROM d\n").unwrap();
    let outcome = audit_in(&dir, &["--concise", "--force-exclude", "prod"]);
    assert_eq!(reported_paths(&outcome), ["prod"]);
}

/// Nothing to audit is said on standard error; a missing path is an error.
#[test]
fn an_empty_tree_and_a_missing_path_say_so() {
    let dir = scratch("empty", &[("README.md", "hello\n")]);
    let outcome = audit_in(&dir, &[]);
    assert_eq!(outcome.code, 0);
    assert!(
        outcome.stderr.contains("nothing to audit"),
        "{}",
        outcome.stderr
    );
    let outcome = audit_in(&dir, &["missing/Dockerfile"]);
    assert_eq!(outcome.code, 2);
    // It is not a file that was audited.
    assert!(
        outcome.stdout.starts_with("No findings in 0 files."),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stderr
            .contains("missing/Dockerfile: no such file or directory"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn select_and_ignore_take_codes_names_and_prefixes() {
    let dir = scratch(
        "select",
        &[(
            "Dockerfile",
            "# syntax=docker/dockerfile:1\nFROM debian\nRUN apt-get update && apt-get upgrade\n",
        )],
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let mut argv = vec!["--format", "json"];
        argv.extend(args);
        let outcome = audit_in(&dir, &argv);
        let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes(&[]), ["DF004", "DF001", "DF010", "DF011"]);
    assert_eq!(codes(&["--select", "DF01"]), ["DF010", "DF011"]);
    assert_eq!(
        codes(&["--select", "base-image-floating,DF004"]),
        ["DF004", "DF001"]
    );
    assert_eq!(
        codes(&["--ignore", "DF0", "--select", "DF"]),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(&["--ignore", "package-upgrade,DF004"]),
        ["DF001", "DF010"]
    );
    let bad = audit_in(&dir, &["--select", "DL3008"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (2, "error: unknown rule selector `DL3008`\n")
    );
}

#[test]
fn build_args_reach_from() {
    let dir = scratch("args", &[("Dockerfile", "ARG BASE\nFROM $BASE\n")]);
    let concise = |args: &[&str]| {
        let mut argv = vec!["--concise"];
        argv.extend(args);
        audit_in(&dir, &argv).stdout
    };
    assert!(concise(&[]).contains("info[DF003]"));
    assert!(concise(&["--build-arg", "BASE=debian"])
        .contains("error[DF001] base image `$BASE` (`debian`) has no tag"));
    let bad = audit_in(&dir, &["--build-arg", "BASE"]);
    assert_eq!(
        (bad.code, bad.stderr.as_str()),
        (
            2,
            "error: --build-arg `BASE` is not of the form NAME=VALUE\n"
        )
    );
}

#[test]
fn usage_errors_exit_2() {
    for (args, message) in [
        (
            &["--as-of", "2026-02-30"][..],
            "error: --as-of `2026-02-30` is not a date of the form YYYY-MM-DD\n",
        ),
        (&["--explain", "DF999"][..], "error: unknown rule `DF999`\n"),
    ] {
        let outcome = audit(args);
        assert_eq!((outcome.code, outcome.stderr.as_str()), (2, message));
    }
    let outcome = audit(&["--no-such-flag"]);
    assert_eq!(outcome.code, 2);
    assert!(outcome.stderr.contains("--no-such-flag"));
}

#[test]
fn list_rules_and_explain() {
    let text = audit(&["--list-rules"]);
    assert_eq!(text.code, 0);
    insta::assert_snapshot!("list_rules", text.stdout);
    let json = audit(&["--list-rules", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        list[0],
        serde_json::json!({"code": "DF001", "name": "base-image-floating", "severity": "error", "summary": "an image with no tag or the tag `latest`, and no digest", "fix": "safe"})
    );
    let explain = audit(&["--explain", "package-upgrade"]);
    assert_eq!(explain.code, 0);
    assert!(explain.stdout.starts_with("# DF011 package-upgrade\n"));
    assert_eq!(
        audit(&["--version"]).stdout,
        format!("repro-audit {}\n", env!("CARGO_PKG_VERSION"))
    );
}

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_repro-audit"))
}

#[test]
fn standard_input_takes_its_name_from_stdin_filename() {
    let mut child = binary()
        .args([
            "--concise",
            "--stdin-filename",
            "images/app.Dockerfile",
            "-",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"FROM alpine:3.20\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("images/app.Dockerfile:1:6: warning[DF002]"),
        "{stdout}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let run_with = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = binary();
        command
            .current_dir(common::root())
            .args(args)
            .arg("fixtures/fortune-cat/Dockerfile-nix")
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR");
        for (name, value) in env {
            command.env(name, value);
        }
        String::from_utf8(command.output().unwrap().stdout).unwrap()
    };
    let run = |args: &[&str], no_color: bool| {
        run_with(args, if no_color { &[("NO_COLOR", "1")] } else { &[] })
    };
    assert!(!run(&[], false).contains('\u{1b}'), "piped output is plain");
    assert!(run(&["--color", "always"], true).contains("\u{1b}["));
    assert!(!run(&["--color", "never"], false).contains('\u{1b}'));
    // FORCE_COLOR colours a CI log; NO_COLOR wins over it.
    assert!(run_with(&[], &[("FORCE_COLOR", "1")]).contains("\u{1b}["));
    assert!(!run_with(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'));
    assert!(!run_with(&["--color", "never"], &[("FORCE_COLOR", "1")]).contains('\u{1b}'));
}

/// `--statistics` counts findings per rule (ruff's layout); `-q` prints
/// the findings and nothing else.
#[test]
fn statistics_and_quiet() {
    let outcome = audit(&[
        "--statistics",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    assert_eq!(
        outcome.stdout,
        "2\tDF001\t[*] base-image-floating\n2\tDF013\t    language-package-unpinned\n1\tDF002\t[*] base-image-unpinned\n1\tDF010\t    package-index-update\n1\tDF012\t    os-package-unpinned\n1\tNX005\t    flake-input-duplicated\n1\tNX007\t    flake-input-outdated\nFound 9 findings (2 errors, 6 warnings, 1 info) in 5 files.\n"
    );
    assert_eq!(outcome.code, 1);
    let json = audit(&[
        "--statistics",
        "--format",
        "json",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(rows[0]["code"], "DF001");
    assert_eq!(rows[0]["count"], 2);
    assert_eq!(rows[0]["fix"], "safe");
    assert_eq!(rows[1]["fix"], serde_json::Value::Null);
    // What could not be audited is said under the table too.
    let broken = scratch(
        "statistics-broken",
        &[("Dockerfile", "FROM\n"), ("x/Dockerfile", "FROM debian\n")],
    );
    let outcome = audit_in(&broken, &["--statistics", "."]);
    assert!(
        outcome
            .stdout
            .ends_with("Found 1 finding (1 error) in 1 file. 1 file could not be audited.\n"),
        "{}",
        outcome.stdout
    );
    let quiet = audit(&[
        "-q",
        "--concise",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    assert!(!quiet.stdout.contains("Found"), "{}", quiet.stdout);
    assert_eq!(quiet.stdout.lines().count(), 9);
    let dir = scratch("quiet-empty", &[]);
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(audit_in(&dir, &["-q"]).stderr, "");
    // `-q` holds for the table and the annotations too.
    let table = audit(&[
        "-q",
        "--statistics",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    assert!(!table.stdout.contains("Found"), "{}", table.stdout);
    let github = audit(&[
        "-q",
        "--format",
        "github",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    assert!(!github.stdout.contains("Found"), "{}", github.stdout);
    // A report file cannot be a table.
    let sarif = audit(&["--statistics", "--format", "sarif", "fixtures/fortune-cat"]);
    assert_eq!(sarif.code, 2);
    assert_eq!(
        sarif.stderr,
        "error: --statistics prints a table or JSON; it cannot be a sarif report\n"
    );
}

#[test]
fn the_projects_own_flake_audits_clean() {
    // Named alone, flake.nix brings its flake.lock: both are audited.
    let outcome = audit(&["--format", "json", "--as-of", "2026-11-21", "flake.nix"]);
    assert_eq!(outcome.code, 0, "{}", outcome.stdout);
    let json: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 2);
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["by_severity"]["error"], 0);
    assert_eq!(json["summary"]["by_severity"]["warning"], 0);
}

const STALE_NIX: &str = "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-26.05\";\n  outputs = { self, nixpkgs }: { };\n}\n";

fn unstable_lock() -> String {
    std::fs::read_to_string(common::root().join("fixtures/nix/NX007-clean-recent/flake.lock"))
        .unwrap()
}

#[test]
fn a_flake_nix_and_its_lock_are_one_pair_whichever_is_named() {
    let lock = unstable_lock();
    let dir = scratch("pair", &[("flake.nix", STALE_NIX), ("flake.lock", &lock)]);
    for named in [
        &["flake.lock"][..],
        &["flake.nix"],
        &["flake.nix", "flake.lock"],
        &["."],
        &["flake.nix", "."],
    ] {
        let mut args = vec!["--concise", "--as-of", "2026-11-21"];
        args.extend(named);
        let outcome = audit_in(&dir, &args);
        assert_eq!(outcome.code, 1, "{named:?}");
        assert_eq!(
            outcome.stdout,
            "flake.nix:2:24: error[NX003] `nixpkgs` is declared as `github:NixOS/nixpkgs/nixos-26.05`, \
             but flake.lock was locked from `github:NixOS/nixpkgs/nixos-unstable`\n\n\
             Found 1 finding (1 error) in 2 files.\n",
            "{named:?}"
        );
    }
}

#[test]
fn a_broken_lock_is_named_with_its_position_and_the_rest_is_audited() {
    let dir = scratch(
        "broken-lock",
        &[
            ("flake.nix", STALE_NIX),
            (
                "flake.lock",
                "{\n  \"nodes\": {},\n  \"root\": \"root\",\n  \"version\": 7,\n}\n",
            ),
            ("Dockerfile", "FROM debian\n"),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .starts_with("error: flake.lock:4:15: invalid JSON"),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stdout.contains("Dockerfile:1:6: error[DF001]"));
}

#[test]
fn a_flake_nix_without_a_lock_is_nx001() {
    let dir = scratch("no-lock", &[("flake.nix", STALE_NIX)]);
    let outcome = audit_in(&dir, &["--concise", "flake.nix"]);
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stdout.starts_with(
            "flake.nix:2:10: error[NX001] flake.nix has input `nixpkgs` but no flake.lock beside it\n"
        ),
        "{}",
        outcome.stdout
    );
}

/// A flake that its parent exports as a template ships without a lock on
/// purpose; one the parent does not export is still NX001.
#[test]
fn flakes_exported_as_templates_need_no_lock() {
    let template = "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";\n  outputs = { self, nixpkgs }: { };\n}\n";
    let parent = "{\n  outputs = { self }: {\n    templates.rust = { path = ./templates/rust; description = \"Rust\"; };\n    defaultTemplate.path = ./templates/default;\n    templates.more = import ./more;\n  };\n}\n";
    let dir = scratch(
        "templates",
        &[
            ("flake.nix", parent),
            (
                "flake.lock",
                "{ \"nodes\": { \"root\": {} }, \"root\": \"root\", \"version\": 7 }\n",
            ),
            ("templates/rust/flake.nix", template),
            ("templates/default/flake.nix", template),
            ("templates/forgotten/flake.nix", template),
            (
                "more/default.nix",
                "{ python = { path = ../examples/python; description = \"Python\"; }; }\n",
            ),
            ("examples/python/flake.nix", template),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--select", "NX001", "."]);
    assert_eq!(
        outcome.stdout,
        "templates/forgotten/flake.nix:2:10: error[NX001] flake.nix has input `nixpkgs` but no flake.lock beside it\n\nFound 1 finding (1 error) in 7 files.\n"
    );
    // flake-parts' form, and a `readDir` of the templates' directory.
    let parent = "{\n  outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } {\n    flake.templates = builtins.mapAttrs (name: _: { path = ./templates + \"/${name}\"; }) (builtins.readDir ./templates);\n  };\n}\n";
    let dir = scratch(
        "templates-readdir",
        &[
            ("flake.nix", parent),
            ("templates/a/flake.nix", template),
            ("other/flake.nix", template),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--select", "NX001", "."]);
    assert_eq!(codes(&outcome), ["NX001"], "{}", outcome.stdout);
    assert!(
        outcome.stdout.starts_with("other/flake.nix:2:10:"),
        "{}",
        outcome.stdout
    );
    // A flake-parts module two imports down, and `"${self}/…"`.
    let parent = "{\n  outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } {\n    imports = [ ./flake ];\n  };\n}\n";
    let dir = scratch(
        "templates-modules",
        &[
            ("flake.nix", parent),
            ("flake/default.nix", "{ imports = [ ./templates.nix ]; }\n"),
            ("flake/templates.nix", "{ self, ... }: {\n  flake.templates = {\n    default.path = ../templates/simple;\n    other = { path = \"${self}/templates/other\"; };\n  };\n}\n"),
            ("templates/simple/flake.nix", template),
            ("templates/other/flake.nix", template),
            ("templates/unlisted/flake.nix", template),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--select", "NX001", "."]);
    assert_eq!(codes(&outcome), ["NX001"], "{}", outcome.stdout);
    assert!(
        outcome
            .stdout
            .starts_with("templates/unlisted/flake.nix:2:10:"),
        "{}",
        outcome.stdout
    );
}

/// A file named explicitly whose name fits no kind is recognised by its
/// content, or is an error that says it is none of them.
#[test]
fn named_files_are_recognised_by_their_content() {
    let lock =
        std::fs::read_to_string(common::root().join("fixtures/nix/NX002-github-no-rev/flake.lock"))
            .unwrap();
    let dir = scratch(
        "sniff",
        &[
            ("tests/flake.clean.0.lock", &lock),
            // A flake.nix beside it is not its companion: the names differ.
            ("tests/flake.nix", "{ outputs = { self }: { }; }\n"),
            ("prod", "# syntax=docker/dockerfile:1\nFROM debian\n"),
            (
                "shell",
                "{ pkgs ? import <nixpkgs> { } }:\npkgs.mkShell { }\n",
            ),
            ("package.json", "{ \"name\": \"x\" }\n"),
            ("notes.md", "# Notes\n\nSee `Dockerfile`.\n"),
            // Parses as Nix (`all: cc - o …`), but is no Nix file.
            ("Makefile", "all:\n\tcc -o hello hello.c\n"),
            ("compose.yaml", "services:\n  web:\n    image: nginx\n"),
            // YAML: a Compose file by its `services`, or not one.
            ("stack.yml", "services:\n  db:\n    image: postgres:16\n"),
            ("ci.yml", "on: push\njobs: {}\n"),
        ],
    );
    let outcome = audit_in(
        &dir,
        &[
            "--concise",
            "tests/flake.clean.0.lock",
            "prod",
            "shell",
            "package.json",
            "notes.md",
            "Makefile",
            "compose.yaml",
            "stack.yml",
            "ci.yml",
        ],
    );
    assert_eq!(outcome.code, 2);
    assert_eq!(
        codes(&outcome),
        ["CP001", "DF004", "DF001", "NX009", "CP002", "NX002"],
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains("tests/flake.clean.0.lock:"),
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stderr.contains(
            "package.json: a JSON document but not a flake lock (it has no `nodes`, `root` and `version`)"
        ),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .contains("notes.md: not a Dockerfile, flake.nix, flake.lock or Nix file"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .contains("Makefile: not a Dockerfile, flake.nix, flake.lock or Nix file"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome
            .stderr
            .contains("ci.yml:1:1: not a Compose file: it has no `services`, and `on` is not a Compose top-level key"),
        "{}",
        outcome.stderr
    );
}

/// Only regular files are read: a FIFO named on the command line (or as
/// `--config`, `--baseline`) is an error, never a wait for a writer that
/// may not come, and the other files are still audited. Standard input is
/// the way to pipe a file in.
#[test]
fn a_named_pipe_is_an_error_not_a_hang() {
    let dir = scratch("fifo", &[("Dockerfile", "FROM debian:12\n")]);
    let fifo = dir.join("Dockerfile.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    let outcome = audit_in(
        &dir,
        &["--concise", "--no-config", "Dockerfile.pipe", "Dockerfile"],
    );
    assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
    assert_eq!(codes(&outcome), ["DF002"], "{}", outcome.stdout);
    assert!(
        outcome
            .stderr
            .contains("error: Dockerfile.pipe: not a regular file (a FIFO)"),
        "{}",
        outcome.stderr
    );
    for option in ["--config", "--baseline"] {
        let outcome = audit_in(&dir, &[option, "Dockerfile.pipe", "Dockerfile"]);
        assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
        assert!(
            outcome.stderr.contains("not a regular file (a FIFO)"),
            "{option}: {}",
            outcome.stderr
        );
    }
}

/// Nix reads bytes: a .nix file with bytes that are not UTF-8 in a string
/// is audited, each such byte read as `?`. A module named flake.nix below
/// the top of the tree (flake-parts' `modules/flake.nix`) is a Nix file
/// for NX009–NX011, not an error; at the top, a flake.nix that is a
/// function is an error (Nix refuses it as a flake).
#[test]
fn nix_files_nix_reads_are_audited() {
    let dir = scratch(
        "nix-bytes",
        &[(
            "module/flake.nix",
            "{ config, ... }:\n{ x = builtins.getEnv \"HOME\"; }\n",
        )],
    );
    std::fs::write(
        dir.join("latin1.nix"),
        b"{ name = \"caf\xe9\"; home = builtins.getEnv \"HOME\"; }\n",
    )
    .unwrap();
    let outcome = audit_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 1, "{}{}", outcome.stdout, outcome.stderr);
    assert_eq!(
        outcome.stdout,
        "latin1.nix:1:25: warning[NX011] `builtins.getEnv` reads `HOME` of the process that evaluates it: the result depends on who evaluates, and pure evaluation reads \"\"\n\
         module/flake.nix:2:7: warning[NX011] `builtins.getEnv` reads `HOME` of the process that evaluates it: the result depends on who evaluates, and pure evaluation reads \"\"\n\
         \nFound 2 findings (2 warnings) in 2 files.\n"
    );
    assert_eq!(outcome.stderr, "");
    // Named, it is the same module.
    let named = audit_in(&dir, &["--concise", "module/flake.nix"]);
    assert_eq!(named.code, 1, "{}{}", named.stdout, named.stderr);
    // At the top of the tree, it is no flake, and said so.
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::rename(dir.join("module/flake.nix"), dir.join("flake.nix")).unwrap();
    let outcome = audit_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("flake.nix:1:1: flake.nix must be an attribute set, not a function"),
        "{}",
        outcome.stderr
    );
}

/// The codes a run reports, in order.
fn codes(outcome: &Outcome) -> Vec<String> {
    outcome
        .stdout
        .lines()
        .filter_map(|line| {
            let start = line.find('[')?;
            let end = line[start..].find(']')? + start;
            line.contains(": ").then(|| line[start + 1..end].to_owned())
        })
        .collect()
}

#[test]
fn the_config_is_found_in_the_nearest_parent_and_cli_options_override_it() {
    let dir = scratch(
        "config-parent",
        &[
            (
                ".repro-audit.toml",
                "select = [\"DF001\", \"DF002\"]\nignore = [\"DF002\"]\n",
            ),
            ("app/Dockerfile", "FROM debian:12\nFROM debian\n"),
        ],
    );
    let app = dir.join("app");
    // From a subdirectory: the parent's file applies.
    let found = audit_in(&app, &["--concise", "."]);
    assert_eq!(codes(&found), ["DF001"]);
    // The command line replaces a key of the file.
    assert_eq!(
        codes(&audit_in(&app, &["--concise", "--ignore", "DF001", "."])),
        ["DF002"]
    );
    // Key by key: `--select` replaces `select`, the file's `ignore` stays.
    assert_eq!(
        codes(&audit_in(&app, &["--concise", "--select", "DF", "."])),
        ["DF001"]
    );
    // `--no-config` ignores it; `--config` names another.
    assert_eq!(
        codes(&audit_in(&app, &["--concise", "--no-config", "."])),
        ["DF002", "DF001"]
    );
    std::fs::write(
        dir.join("other.toml"),
        "ignore = [\"base-image-floating\"]\n",
    )
    .unwrap();
    assert_eq!(
        codes(&audit_in(
            &app,
            &["--concise", "--config", "../other.toml", "."]
        )),
        ["DF002"]
    );
    let both = audit_in(&app, &["--config", "../other.toml", "--no-config"]);
    assert_eq!(both.code, 2);
}

#[test]
fn fail_on_severity_and_build_args_from_the_config() {
    let dir = scratch(
        "config-keys",
        &[
            (
                ".repro-audit.toml",
                "fail-on = \"error\"\n\n[severity]\nDF003 = \"warning\"\n\n[build-args]\nBASE = \"debian\"\nTAG = \"12\"\n",
            ),
            ("Dockerfile", "ARG BASE\nARG TAG\nARG OTHER\nFROM $BASE:$TAG\nFROM $OTHER\n"),
        ],
    );
    // DF002 and DF003 (made a warning) stay below `fail-on = "error"`.
    let outcome = audit_in(&dir, &["--concise"]);
    assert_eq!(codes(&outcome), ["DF002", "DF003"]);
    assert!(outcome.stdout.contains("warning[DF003]"));
    assert_eq!(outcome.code, 0);
    assert_eq!(audit_in(&dir, &["--fail-on", "warning"]).code, 1);
    // A `--build-arg` overrides the file's value for that argument only.
    let overridden = audit_in(&dir, &["--concise", "--build-arg", "TAG=latest"]);
    assert_eq!(codes(&overridden), ["DF001", "DF003"]);
    assert_eq!(overridden.code, 1);
}

#[test]
fn exclude_skips_what_the_walk_finds_not_what_is_named() {
    let dir = scratch(
        "config-exclude",
        &[
            (
                ".repro-audit.toml",
                "exclude = [\"vendor/**\", \"*.bad.Dockerfile\"]\n",
            ),
            ("Dockerfile", "FROM debian\n"),
            ("vendor/lib/Dockerfile", "FROM debian\n"),
            ("src/x.bad.Dockerfile", "FROM debian\n"),
        ],
    );
    let walked = audit_in(&dir, &["--concise"]);
    assert_eq!(
        walked.stdout.lines().next(),
        Some("Dockerfile:1:6: error[DF001] base image `debian` has no tag and no digest")
    );
    assert!(walked.stdout.contains("in 1 file."), "{}", walked.stdout);
    // Named paths are audited: a file, or a directory and what it holds.
    for named in ["vendor/lib/Dockerfile", "vendor", "src/x.bad.Dockerfile"] {
        let outcome = audit_in(&dir, &["--concise", named]);
        assert!(
            outcome.stdout.contains("in 1 file."),
            "{named}: {}",
            outcome.stdout
        );
    }
}

#[test]
fn nix_settings_from_the_config() {
    let dir = scratch("config-nix", &[]);
    std::fs::create_dir_all(dir.join("flake")).unwrap();
    for name in ["flake.nix", "flake.lock"] {
        std::fs::copy(
            common::root().join("fixtures/fortune-cat").join(name),
            dir.join("flake").join(name),
        )
        .unwrap();
    }
    let nx = |config: &str| {
        std::fs::write(dir.join(".repro-audit.toml"), config).unwrap();
        let outcome = audit_in(
            &dir,
            &[
                "--concise",
                "--select",
                "NX007,NX008",
                "--as-of",
                "2026-11-21",
            ],
        );
        codes(&outcome)
    };
    assert_eq!(nx(""), ["NX007"]);
    assert_eq!(nx("[nix]\nmax-age-days = 500\n"), Vec::<String>::new());
    assert_eq!(
        nx("[nix]\nnixpkgs-keys = [\"other\"]\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        nx("[nix]\nmax-age-days = 500\nsupported-refs = [\"nixos-26.05\"]\n"),
        ["NX008"]
    );
}

#[test]
fn a_bad_config_is_an_error_with_its_place_and_nothing_is_audited() {
    let dir = scratch(
        "config-bad",
        &[
            (
                ".repro-audit.toml",
                "select = [\"DF\"]\nfial-on = \"error\"\n",
            ),
            ("Dockerfile", "FROM debian\n"),
        ],
    );
    let outcome = audit_in(&dir, &[]);
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.stdout, "");
    assert_eq!(
        outcome.stderr,
        "error: .repro-audit.toml:2:1: unknown key `fial-on`, expected one of `select`, `extend-select`, `ignore`, `fail-on`, `exclude`, `severity`, `build-args`, `per-file-ignores`, `nix`, `fix`\n"
    );
    let missing = audit_in(&dir, &["--config", "nope.toml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("error: nope.toml: cannot read the configuration"),
        "{}",
        missing.stderr
    );
}

/// Each file follows the nearest `.repro-audit.toml` in its directory or
/// above, its globs relative to that file's directory, as ruff does;
/// `--config` names one for all.
#[test]
fn each_file_follows_its_nearest_configuration() {
    let dir = scratch(
        "config-nearest",
        &[
            (".repro-audit.toml", "select = [\"DF001\", \"DF002\"]\n"),
            ("Dockerfile", "FROM debian\nFROM debian:12\n"),
            (
                "stacks/.repro-audit.toml",
                "ignore = [\"DF001\"]\nexclude = [\"old/**\"]\n",
            ),
            ("stacks/Dockerfile", "FROM debian\nFROM debian:12\n"),
            ("stacks/old/Dockerfile", "FROM debian\n"),
        ],
    );
    let lines = |outcome: &Outcome| -> Vec<String> {
        outcome
            .stdout
            .lines()
            .filter(|l| l.contains("]") && !l.starts_with("[*]"))
            .map(|l| {
                l.split(' ').next().unwrap_or("").to_owned()
                    + &l[l.find('[').unwrap()..l.find(']').unwrap() + 1]
            })
            .collect()
    };
    let outcome = audit_in(&dir, &["--concise"]);
    assert_eq!(
        lines(&outcome),
        [
            "Dockerfile:1:6:[DF001]",
            "Dockerfile:2:6:[DF002]",
            "stacks/Dockerfile:2:6:[DF002]"
        ],
        "{}",
        outcome.stdout
    );
    // From the parent directory, naming the subdirectory: its own
    // configuration still applies.
    let outcome = audit_in(&dir, &["--concise", "stacks"]);
    assert_eq!(lines(&outcome), ["stacks/Dockerfile:2:6:[DF002]"]);
    // `--config` for all: the nested one is not read.
    let outcome = audit_in(
        &dir,
        &["--concise", "--config", ".repro-audit.toml", "stacks"],
    );
    assert_eq!(
        lines(&outcome),
        [
            "stacks/Dockerfile:1:6:[DF001]",
            "stacks/Dockerfile:2:6:[DF002]",
            "stacks/old/Dockerfile:1:6:[DF001]"
        ]
    );
    // A nested configuration that cannot be read is an error, named; the
    // files under it are not audited (what it leaves out is not known),
    // every other file is.
    std::fs::write(
        dir.join("stacks/.repro-audit.toml"),
        "ignore = [\"DF999\"]\n",
    )
    .unwrap();
    let outcome = audit_in(&dir, &["--concise"]);
    assert_eq!(outcome.code, 2);
    assert_eq!(
        lines(&outcome),
        ["Dockerfile:1:6:[DF001]", "Dockerfile:2:6:[DF002]"]
    );
    assert!(
        outcome.stderr.contains(
            "stacks/.repro-audit.toml:1:11: `ignore`: unknown rule `DF999`; the files it applies to are not audited"
        ),
        "{}",
        outcome.stderr
    );
    // So does a JSON report: a document, with the error in it.
    let outcome = audit_in(&dir, &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
}

/// `[per-file-ignores]`: a glob (relative to the configuration's
/// directory, as `exclude`) and the rules not reported in what it matches.
#[test]
fn per_file_ignores_leave_rules_out_of_matching_files() {
    let dir = scratch(
        "per-file-ignores",
        &[
            (
                ".repro-audit.toml",
                "[per-file-ignores]\n\"legacy/**\" = [\"DF002\"]\n\"*.dev.Dockerfile\" = [\"DF\"]\n\"flake.lock\" = [\"flake-input-outdated\"]\n",
            ),
            ("Dockerfile", "FROM debian:12\n"),
            ("legacy/api/Dockerfile", "FROM debian:12\nFROM debian\n"),
            ("svc/app.dev.Dockerfile", "FROM debian\n"),
        ],
    );
    let outcome = audit_in(&dir, &["--concise"]);
    assert_eq!(codes(&outcome), ["DF002", "DF001"], "{}", outcome.stdout);
    assert!(outcome
        .stdout
        .contains("legacy/api/Dockerfile:2:6: error[DF001]"));
    let outcome = audit_in(&dir, &["--concise", "legacy/api/Dockerfile"]);
    assert_eq!(codes(&outcome), ["DF001"]);
    // An unknown rule is an error with its place.
    std::fs::write(
        dir.join(".repro-audit.toml"),
        "[per-file-ignores]\n\"x/**\" = [\"DF9\"]\n",
    )
    .unwrap();
    let outcome = audit_in(&dir, &[]);
    assert_eq!(outcome.code, 2);
    assert!(
        outcome
            .stderr
            .contains(".repro-audit.toml:2:11: `per-file-ignores.\"x/**\"`: unknown rule `DF9`"),
        "{}",
        outcome.stderr
    );
}

/// A pragma that is malformed or names no rule is RA001; one that
/// suppresses nothing is RA002, when selected. In flake.nix a pragma may
/// serve the flake rules or the .nix rules: either use counts.
#[test]
fn pragmas_that_do_nothing_are_reported() {
    let dir = scratch(
        "pragmas",
        &[
            (
                "Dockerfile",
                "# repro-audit ignore=DF999\nFROM debian:12\n# repro-audit: ignore=DF002\nFROM alpine:3\n# repro-audit ignore=DF001\nFROM busybox:1@sha256:0000000000000000000000000000000000000000000000000000000000000000\n# Repro auditing: every base is pinned, see the README\n# repro-audit ignore=DF002 the mirror is ours\nFROM python:3.13@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
            ),
            (
                "default.nix",
                "{\n  # repro-audit ignore=NX011\n  home = builtins.getEnv \"HOME\";\n  # repro-audit ignore=NX010\n  x = 1;\n}\n",
            ),
            (
                "flake.nix",
                "{\n  # repro-audit ignore=NX011\n  outputs = { self }: { home = builtins.getEnv \"HOME\"; };\n}\n",
            ),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--no-config"]);
    assert_eq!(
        codes(&outcome),
        ["RA001", "DF002", "RA001", "DF002"],
        "{}",
        outcome.stdout
    );
    assert!(outcome
        .stdout
        .contains("(meant `# repro-audit ignore=DF002`?)"));
    // `--extend-select` adds the opt-in rule to the default set.
    let outcome = audit_in(
        &dir,
        &["--concise", "--no-config", "--extend-select", "RA002"],
    );
    let lines: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|l| l.contains("RA002"))
        .collect();
    assert_eq!(
        lines,
        [
            "Dockerfile:5:22: info[RA002] the pragma suppresses no DF001 finding where this pragma stands",
            "Dockerfile:8:22: info[RA002] the pragma suppresses no DF002 finding where this pragma stands",
            "default.nix:4:24: info[RA002] the pragma suppresses no NX010 finding where this pragma stands"
        ],
        "{}",
        outcome.stdout
    );
}

/// `repro-audit .` on this project, the way its users run it: the root
/// `.repro-audit.toml` leaves the deliberately bad fixtures out.
#[test]
fn the_project_audits_itself_clean() {
    let outcome = audit(&["--as-of", "2026-11-21", "--concise", "."]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    assert_eq!(codes(&outcome), ["NX007"]);
}

/// `--format github`: one workflow command per finding and per file that
/// could not be audited, escaped as GitHub requires, then the summary.
#[test]
fn github_workflow_commands() {
    let outcome = audit(&[
        "--format",
        "github",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
        "fixtures/parser/error-bad-escape.Dockerfile",
    ]);
    assert_eq!(outcome.code, 2);
    assert_eq!(outcome.stderr, "");
    insta::assert_snapshot!("fortune_cat_github", outcome.stdout);
    for line in outcome.stdout.lines() {
        let last = line == outcome.stdout.lines().last().unwrap();
        assert!(last || line.starts_with("::"), "{line}");
    }
    // A span over several lines has no columns.
    let dir = scratch(
        "github-lines",
        &[("Dockerfile", "FROM x@sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21\nRUN apt-get install -y curl \\\n    git\n")],
    );
    let multi = audit_in(&dir, &["--format", "github"]);
    assert!(
        multi.stdout.starts_with(
            "::warning file=Dockerfile,line=2,endLine=3,title=DF012 os-package-unpinned::"
        ),
        "{}",
        multi.stdout
    );
}

/// `--format gitlab`: Code Quality issues whose fingerprints are unique,
/// even for two identical findings, and stay the same when lines move.
#[test]
fn gitlab_code_quality_fingerprints_are_unique_and_survive_line_moves() {
    let outcome = audit(&[
        "--format",
        "gitlab",
        "--as-of",
        "2026-11-21",
        "fixtures/fortune-cat",
    ]);
    assert_eq!(outcome.code, 1);
    insta::assert_snapshot!("fortune_cat_gitlab", outcome.stdout);

    let fingerprints = |dockerfile: &str| -> Vec<String> {
        let dir = scratch("gitlab", &[("Dockerfile", dockerfile)]);
        let outcome = audit_in(&dir, &["--format", "gitlab"]);
        let issues: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        issues
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = fingerprints("FROM debian\nFROM debian\nRUN apt-get update\n");
    assert_eq!(before.len(), 3);
    assert!(
        before[0] != before[1],
        "two identical findings, two fingerprints"
    );
    let moved = fingerprints("# a comment\n\nFROM debian\nFROM debian\n\nRUN apt-get   update\n");
    assert_eq!(before, moved);
}

/// Reports for other tools name files from a root that does not depend on
/// where the command runs: a baseline made at the project's root matches
/// from a subdirectory; SARIF paths are relative to the repository's root
/// under `%SRCROOT%`, and carry GitHub's `primaryLocationLineHash`;
/// GitLab's paths are the repository's.
#[test]
fn report_paths_hold_from_any_directory() {
    let dir = scratch(
        "roots",
        &[
            (".repro-audit.toml", "select = [\"DF\"]\n"),
            ("Dockerfile", "FROM debian:12\n"),
            ("services/api/Dockerfile", "FROM alpine:3\nRUN apk update\n"),
        ],
    );
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let baseline = audit_in(&dir, &["--format", "json", "."]);
    std::fs::write(dir.join("baseline.json"), &baseline.stdout).unwrap();
    let sub = dir.join("services/api");
    let outcome = audit_in(&sub, &["--baseline", "../../baseline.json", "."]);
    assert_eq!(
        outcome.stdout, "No findings in 1 file. 2 in the baseline not shown.\n",
        "{}",
        outcome.stderr
    );

    let sarif = audit_in(&sub, &["--format", "sarif", "."]);
    let document: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &document["runs"][0];
    let root = format!("file://{}/", dir.display());
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root.as_str());
    let result = &run["results"][0];
    let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "services/api/Dockerfile");
    assert_eq!(location["uriBaseId"], "%SRCROOT%");
    let hash = result["partialFingerprints"]["primaryLocationLineHash"]
        .as_str()
        .unwrap();
    let expected = repro_audit::report::line_hash::line_hashes("FROM alpine:3\nRUN apk update\n");
    let line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(hash, expected[line - 1]);
    let rule = &run["tool"]["driver"]["rules"][0];
    assert_eq!(rule["properties"]["precision"], "high");
    assert!(rule["help"]["markdown"]
        .as_str()
        .unwrap()
        .starts_with("# DF"));

    let gitlab = audit_in(&sub, &["--format", "gitlab", "."]);
    let issues: serde_json::Value = serde_json::from_str(&gitlab.stdout).unwrap();
    assert_eq!(issues[0]["location"]["path"], "services/api/Dockerfile");

    let github = audit_in(&sub, &["--format", "github", "."]);
    assert!(
        github
            .stdout
            .contains("::warning file=services/api/Dockerfile,line=1"),
        "{}",
        github.stdout
    );

    // From outside the repository, the repository is the one the audited
    // paths are in.
    let outside = dir.parent().unwrap();
    let named = format!("{}/services", dir.file_name().unwrap().to_string_lossy());
    let sarif = audit_in(outside, &["--format", "sarif", &named]);
    let document: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let run = &document["runs"][0];
    assert_eq!(run["originalUriBaseIds"]["%SRCROOT%"]["uri"], root.as_str());
    let location = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "services/api/Dockerfile");

    // A configuration of its own in the subdirectory does not move the
    // root baselines are keyed by.
    std::fs::write(sub.join(".repro-audit.toml"), "fail-on = \"error\"\n").unwrap();
    let outcome = audit_in(&sub, &["--baseline", "../../baseline.json", "."]);
    assert_eq!(
        outcome.stdout, "No findings in 1 file. 2 in the baseline not shown.\n",
        "{}",
        outcome.stderr
    );
}

/// The search for a configuration stops at the repository's top level: a
/// stray `.repro-audit.toml` above it (in a home directory, on a CI
/// machine) does not reach in.
#[test]
fn the_configuration_search_stops_at_the_repository() {
    let dir = scratch(
        "config-top",
        &[
            (".repro-audit.toml", "select = [\"NX\"]\n"),
            ("repo/Dockerfile", "FROM alpine\n"),
            ("plain/Dockerfile", "FROM alpine\n"),
        ],
    );
    std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
    assert_eq!(
        codes(&audit_in(&dir.join("repo"), &["--concise"])),
        ["DF001"]
    );
    assert!(codes(&audit_in(&dir.join("plain"), &["--concise"])).is_empty());
}

/// Files are named as they are, and told apart by what they are: a name
/// that is not UTF-8 is audited and shown lossily, two such names are two
/// files, one file named twice is audited once. Control characters from a
/// name or a file are escaped. A `flake.lock` beside a flake.nix that is a
/// symbolic link out of the repository is not read.
#[cfg(unix)]
#[test]
fn paths_are_taken_as_they_are_and_shown_safely() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("names", &[("Dockerfile", "FROM \u{1b}[2Jdebian:12\n")]);
    for byte in [0xff_u8, 0xfe] {
        let name = [b"Dockerfile." as &[u8], &[byte]].concat();
        std::fs::write(dir.join(OsStr::from_bytes(&name)), "FROM debian:12\n").unwrap();
    }
    let args: Vec<&OsStr> = [
        OsStr::new("repro-audit"),
        OsStr::new("--concise"),
        OsStr::new("--color"),
        OsStr::new("never"),
        OsStr::from_bytes(b"Dockerfile.\xff"),
        OsStr::from_bytes(b"Dockerfile.\xfe"),
        OsStr::new("Dockerfile"),
        OsStr::new("./Dockerfile"),
    ]
    .into();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(&args, &dir, Terminal::default(), &mut out, &mut err);
    let stdout = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{stdout}{}", String::from_utf8_lossy(&err));
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("DF")).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("Dockerfile.\u{fffd}:1:6"))
            .count(),
        2
    );
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("`\\x1b[2Jdebian:12`"), "{stdout}");

    let flake = scratch("symlink-lock", &[("flake.nix", "{ outputs = _: { }; }\n")]);
    std::fs::create_dir_all(flake.join(".git")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", flake.join("flake.lock")).unwrap();
    let outcome = audit_in(&flake, &["--concise"]);
    assert_eq!(outcome.code, 2);
    assert!(!outcome.stderr.contains("root:"), "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("flake.lock: a symbolic link out of the repository (to `/etc/passwd`)"),
        "{}",
        outcome.stderr
    );
    // Named, it is refused too (CI names a stranger's files), whichever
    // file is named first; standard input is the way to audit it.
    for named in [&["flake.lock"][..], &["flake.nix", "flake.lock"]] {
        let args: Vec<&str> = ["--concise"].iter().chain(named).copied().collect();
        let outcome = audit_in(&flake, &args);
        assert_eq!(outcome.code, 2, "{}", outcome.stderr);
        assert!(!outcome.stderr.contains("root:"), "{}", outcome.stderr);
        assert!(
            outcome
                .stderr
                .contains("flake.lock: a symbolic link out of the repository (to `/etc/passwd`)"),
            "{}",
            outcome.stderr
        );
    }
    // A message made of a file's text is escaped too.
    let dir = scratch(
        "escape-error",
        &[("d\u{1b}[31m/.repro-audit.toml", "select = [\"\u{1b}X\"]\n")],
    );
    let outcome = audit_in(&dir, &[]);
    assert_eq!(outcome.code, 2);
    assert!(!outcome.stderr.contains('\u{1b}'), "{:?}", outcome.stderr);
}

/// A file's text that looks like the SARIF writer's own placeholder does
/// not get into the document's structure.
#[test]
fn sarif_stays_valid_whatever_a_file_says() {
    let dir = scratch(
        "sarif-marker",
        &[
            ("Dockerfile", "FROM debian\n"),
            (
                "Dockerfile.bad",
                "FROM debian\n\"\u{0}results\u{0}\": \"\u{0}results\u{0}\" x\n",
            ),
        ],
    );
    let outcome = audit_in(
        &dir,
        &[
            "--no-config",
            "--format",
            "sarif",
            "Dockerfile.bad",
            "Dockerfile",
        ],
    );
    let document: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(document["runs"][0]["results"].as_array().unwrap().len(), 1);
}

/// `--baseline`: the findings an earlier JSON report holds are neither
/// shown nor counted, wherever their lines moved; new ones still are.
#[test]
fn a_baseline_hides_known_findings_wherever_they_moved() {
    let dir = scratch(
        "baseline",
        &[(
            "Dockerfile",
            "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
        )],
    );
    let json = audit_in(&dir, &["--format", "json"]);
    assert_eq!(json.code, 1);
    std::fs::write(dir.join("baseline.json"), &json.stdout).unwrap();
    assert_eq!(
        audit_in(&dir, &["--baseline", "baseline.json"]).stdout,
        "No findings in 1 file. 3 in the baseline not shown.\n"
    );
    assert_eq!(audit_in(&dir, &["--baseline", "baseline.json"]).code, 0);
    // Lines move and a new finding comes: only it is shown, and it alone
    // decides the exit status.
    std::fs::write(
        dir.join("Dockerfile"),
        "# syntax=docker/dockerfile:1\n\nFROM debian\n\nRUN apt-get update && \\\n    apt-get install -y curl\nRUN pip install requests\n",
    )
    .unwrap();
    let moved = audit_in(
        &dir,
        &[
            "--concise",
            "--baseline",
            "baseline.json",
            "--ignore",
            "DF004",
        ],
    );
    assert_eq!(codes(&moved), ["DF013"]);
    assert!(
        moved.stdout.ends_with("3 in the baseline not shown.\n"),
        "{}",
        moved.stdout
    );
    assert_eq!(moved.code, 1);

    for (content, message) in [
        ("{\"version\": 1, \"findings\": [", "error: bad.json:1:28: the baseline is not JSON: EOF while parsing a list\n"),
        ("", "error: bad.json:1:1: the baseline is not JSON: EOF while parsing a value\n"),
        ("[]", "error: bad.json: not a repro-audit JSON report (`version` 1): make it with `repro-audit --format json`\n"),
        ("{\"version\": 1, \"findings\": [{\"code\": \"DF001\"}]}", "error: bad.json: finding 1 has no `fingerprint`\n"),
    ] {
        std::fs::write(dir.join("bad.json"), content).unwrap();
        let outcome = audit_in(&dir, &["--baseline", "bad.json"]);
        assert_eq!((outcome.code, outcome.stderr.as_str()), (2, message));
    }
}

/// Compose files are walked and audited like the others: images
/// interpolated from the `.env` file beside them (overridden by
/// `--build-arg`), anchors and merge keys followed, `build:` services left
/// to their Dockerfile, pragmas above the service or the image, and
/// malformed YAML an error with its position while the rest is audited.
#[test]
fn compose_files_are_audited() {
    let dir = scratch(
        "compose",
        &[
            (
                "compose.yaml",
                "x-base: &base\n  image: redis\nservices:\n  web:\n    image: \"nginx:${NGINX_TAG}\"\n  cache:\n    <<: *base\n  app:\n    build: .\n    image: me/app\n  # repro-audit ignore=CP002\n  proxy:\n    image: traefik:v3\n  worker:\n    image: acme/worker:${WORKER_TAG:?set it}\n",
            ),
            (".env", "# versions\nNGINX_TAG=1.27\n"),
            ("deploy/docker-compose.prod.yml", "services:\n  db:\n    image: postgres:16@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"),
            ("broken/compose.yml", "services:\n  web: [unclosed\n"),
            ("notes/ci.yml", "on: push\n"),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--no-config", "."]);
    assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
    let lines: Vec<&str> = outcome
        .stdout
        .lines()
        .filter(|l| l.contains("[CP"))
        .collect();
    assert_eq!(
        lines,
        [
            "compose.yaml:2:10: error[CP001] service `cache` image `redis` has no tag and no digest",
            "compose.yaml:5:12: warning[CP002] service `web` image `nginx:${NGINX_TAG}` (`nginx:1.27`) is not pinned by digest",
            "compose.yaml:15:12: info[CP003] service `worker` image `acme/worker:${WORKER_TAG:?set it}` uses variable `WORKER_TAG` that has no value in `.env` and no default",
        ],
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stderr
            .starts_with("error: broken/compose.yml:3:1: invalid YAML"),
        "{}",
        outcome.stderr
    );
    // A build argument given on the command line wins over `.env`.
    let outcome = audit_in(
        &dir,
        &[
            "--concise",
            "--no-config",
            "--build-arg",
            "NGINX_TAG=latest",
            "--build-arg",
            "WORKER_TAG=2",
            "compose.yaml",
        ],
    );
    assert_eq!(
        codes(&outcome),
        ["CP001", "CP001", "CP002"],
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stdout
            .contains("(`nginx:latest`) floats on the `latest` tag"),
        "{}",
        outcome.stdout
    );
    // SARIF of a Compose file is valid and points at the value.
    let sarif = audit_in(&dir, &["--format", "sarif", "--no-config", "compose.yaml"]);
    let document: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let region = &document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(10))
    );
}

/// GitHub Actions workflows and actions are found by their place
/// (`.github/workflows/*.yml`, `action.yml`), not by every YAML name.
#[test]
fn workflows_and_actions_are_audited() {
    let dir = scratch(
        "workflows",
        &[
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-node@0000000000000000000000000000000000000000 # v4\n      - uses: ./local\n",
            ),
            (
                "tools/setup/action.yml",
                "runs:\n  using: composite\n  steps:\n    - uses: docker://alpine\n",
            ),
            (".github/dependabot.yml", "version: 2\n"),
            // Named like a Compose file, but a workflow by its place.
            (
                ".github/workflows/compose.yml",
                "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/cache@v4\n",
            ),
            (".github/workflows/nested/skip.yml", "jobs: {a: {runs-on: ubuntu-latest}}\n"),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--no-config", "."]);
    assert_eq!(
        reported_paths(&outcome),
        [
            ".github/workflows/ci.yml",
            ".github/workflows/compose.yml",
            "tools/setup/action.yml"
        ],
        "{}",
        outcome.stdout
    );
    assert_eq!(
        codes(&outcome),
        ["GH003", "GH001", "GH001", "GH001"],
        "{}",
        outcome.stdout
    );
    assert!(
        outcome.stdout.contains(
            "tools/setup/action.yml:4:13: error[GH001] step image `alpine` is not pinned by digest"
        ),
        "{}",
        outcome.stdout
    );
}

/// A workflow as GitHub runs it: labels drawn from its matrix are judged
/// where the matrix writes them, a job that never runs and the
/// repository's own workflow are not, and a pragma may end its line.
#[test]
fn workflows_are_judged_as_github_runs_them() {
    let dir = scratch(
        "workflow-matrix",
        &[(
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  test:\n    runs-on: ${{ matrix.os }}\n    strategy:\n      matrix:\n        os: [ubuntu-24.04, windows-latest]\n    services:\n      db:\n        image: ''\n    steps:\n      - uses: actions/checkout@v4 # repro-audit ignore=GH001\n      - uses: actions/cache@v4 # repro-audit: ignore=GH001\n  old:\n    if: false\n    runs-on: ubuntu-latest\n  call:\n    uses: $/.github/workflows/reusable.yml\n",
        )],
    );
    let outcome = audit_in(&dir, &["--concise", "--no-config", "."]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert_eq!(
        outcome.stdout.lines().take_while(|l| !l.is_empty()).collect::<Vec<_>>(),
        [
            ".github/workflows/ci.yml:7:28: info[GH003] job `test` runs on `windows-latest` (from `matrix.os`), which GitHub moves to a new windows image",
            ".github/workflows/ci.yml:13:15: warning[GH001] action `actions/cache` is pinned to `v4`, a tag or branch its owner can move",
            ".github/workflows/ci.yml:13:32: warning[RA001] not a pragma (`repro-audit` must be followed by a space): a pragma is `# repro-audit ignore=CODE,…` or `# repro-audit global ignore=CODE,…` (meant `# repro-audit ignore=GH001`?)",
        ],
        "{}",
        outcome.stdout
    );
}

/// Dev container definitions are found by their place and read as VS Code
/// reads them (comments, trailing commas); pragmas are `//` comments.
#[test]
fn dev_containers_are_audited() {
    let dir = scratch(
        "devcontainers",
        &[
            (
                ".devcontainer/devcontainer.json",
                "{\n  // base\n  \"image\": \"python\",\n  \"features\": {\n    // repro-audit ignore=DC002\n    \"ghcr.io/devcontainers/features/node:1\": {},\n    \"ghcr.io/devcontainers/features/go:1\": {},\n  },\n}\n",
            ),
            (".devcontainer/rust/devcontainer.json", "{ \"image\": \"rust:1.83\" }\n"),
            ("devcontainer.json", "{ \"image\": \"ignored\" }\n"),
            (".devcontainer/broken/devcontainer.json", "{ \"image\": }\n"),
        ],
    );
    let outcome = audit_in(&dir, &["--concise", "--no-config", "."]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert_eq!(
        codes(&outcome),
        ["DC001", "DC002", "DC001"],
        "{}",
        outcome.stdout
    );
    assert!(
        outcome
            .stderr
            .starts_with("error: .devcontainer/broken/devcontainer.json:1:12: invalid JSON"),
        "{}",
        outcome.stderr
    );
}

/// A pipeline is one unit of GitLab's own reading: a job defined twice is
/// the later definition (not a file that cannot be read), a template in
/// an included file says what a job of the main file runs on, and the
/// summary counts the included files it audited.
#[test]
fn a_gitlab_pipeline_is_read_as_gitlab_merges_it() {
    let dir = scratch(
        "gitlab-pipeline",
        &[
            (
                ".gitlab-ci.yml",
                "include:\n  - local: ci/macos.yml\n  - local: ci/lint.yml\nbuild:\n  image: ruby:3.2\n  script: [make]\nbuild:\n  image: ruby:3.3\n  script: [make]\nios:\n  extends: .macos\n  image: macos-15-xcode-16\n",
            ),
            ("ci/macos.yml", ".macos:\n  tags: [saas-macos-medium-m1]\n"),
            ("ci/lint.yml", "lint:\n  image: node\n"),
            ("ci/clean.yml", "clean:\n  image: alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000\n"),
        ],
    );
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    let outcome = audit_in(&dir, &["--concise", "--no-config", "."]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert_eq!(
        outcome.stdout.lines().collect::<Vec<_>>()[..3],
        [
            ".gitlab-ci.yml:8:10: warning[GL001] job `build` image `ruby:3.3` is not pinned by digest",
            "ci/lint.yml:2:10: error[GL001] job `lint` image `node` has no tag and no digest",
            "",
        ],
        "{}",
        outcome.stdout
    );
    // The main file and the two it includes; `ci/clean.yml` is not part
    // of the pipeline, and not a name the walk audits.
    assert!(
        outcome
            .stdout
            .contains("Found 2 findings (1 error, 1 warning) in 3 files."),
        "{}",
        outcome.stdout
    );
    let json = audit_in(&dir, &["--format", "json", "--no-config", "."]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["summary"]["files"], 3, "{}", json.stdout);
}

/// `.gitlab-ci.yml` is audited with the local files it includes, each
/// under its own path; an include of itself, a wildcard or a path out of
/// the repository is not followed.
#[test]
fn gitlab_ci_and_its_local_includes_are_audited() {
    let dir = scratch(
        "gitlab",
        &[
            (
                ".gitlab-ci.yml",
                "include:\n  - local: ci/build.yml\n  - project: g/templates\n    file: /x.yml\n  - '/ci/*.yml'\n  - local: ../outside.yml\nimage: ruby:3.3@sha256:0000000000000000000000000000000000000000000000000000000000000000\n",
            ),
            (
                "ci/build.yml",
                "include: [/ci/build.yml, .gitlab-ci.yml]\nbuild:\n  image: docker:latest\n  script: [make]\n",
            ),
        ],
    );
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(
        dir.parent().unwrap().join("outside.yml"),
        "x:\n  image: alpine\n",
    )
    .unwrap();
    let outcome = audit_in(&dir, &["--concise", "--no-config", "."]);
    assert_eq!(
        outcome.stdout.lines().filter(|l| l.contains("[GL")).collect::<Vec<_>>(),
        [
            ".gitlab-ci.yml:3:14: warning[GL002] `include: project: g/templates` has no `ref:`: it follows the project's default branch",
            "ci/build.yml:3:10: error[GL001] job `build` image `docker:latest` floats on the `latest` tag",
        ],
        "{}{}",
        outcome.stdout,
        outcome.stderr
    );
}

/// Selectors are one language: a pragma takes code prefixes as
/// `--select` does, a misspelt one gets "did you mean", and the options
/// that say how to fix need `--fix` or `--diff`.
#[test]
fn selectors_prefixes_suggestions_and_fix_options() {
    let dir = scratch(
        "selectors",
        &[(
            "Dockerfile",
            "FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000\n# repro-audit ignore=DF01, DF02\nRUN apt-get update && apt-get install -y curl\n# repro-audit ignore=DF0l0\nRUN apt-get update\n",
        )],
    );
    let outcome = audit_in(&dir, &["--concise", "--extend-select", "RA002", "."]);
    let lines: Vec<&str> = outcome.stdout.lines().filter(|l| l.contains('[')).collect();
    assert_eq!(
        lines,
        [
            "Dockerfile:2:28: info[RA002] the pragma suppresses no DF02 finding where this pragma stands",
            "Dockerfile:4:22: warning[RA001] `DF0l0` is no rule's code, name or code prefix, so nothing is suppressed by it (did you mean `DF010`?)",
            "Dockerfile:5:5: warning[DF010] `apt-get update` fetches whatever package index the mirror serves today",
        ],
        "{}",
        outcome.stdout
    );
    let outcome = audit_in(&dir, &["--select", "packge-upgrade", "."]);
    assert_eq!(outcome.code, 2);
    assert_eq!(
        outcome.stderr,
        "error: unknown rule selector `packge-upgrade` (did you mean `package-upgrade`?)\n"
    );
    for option in ["--offline", "--unsafe-fixes"] {
        let outcome = audit_in(&dir, &[option, "."]);
        assert_eq!(outcome.code, 2, "{option}");
        assert!(
            outcome.stderr.contains("<--fix|--diff>"),
            "{option}: {}",
            outcome.stderr
        );
    }
}

/// Outside a git repository and without a configuration, a baseline's
/// paths are from where the command runs: made and used there, it
/// matches; used from elsewhere, it says it matches nothing.
#[test]
fn a_baseline_outside_git_matches_where_it_was_made_and_says_when_it_matches_nothing() {
    let dir = scratch("baseline-no-git", &[("p/Dockerfile", "FROM debian\n")]);
    let project = dir.join("p");
    let made = audit_in(&project, &["--format", "json", "."]);
    std::fs::write(dir.join("baseline.json"), &made.stdout).unwrap();
    let outcome = audit_in(&project, &["--baseline", "../baseline.json", "."]);
    assert_eq!(outcome.code, 0, "{}{}", outcome.stdout, outcome.stderr);
    assert!(
        outcome.stdout.contains("1 in the baseline not shown"),
        "{}",
        outcome.stdout
    );
    let elsewhere = audit_in(&dir, &["--baseline", "baseline.json", "p"]);
    assert_eq!(elsewhere.code, 1);
    assert!(
        elsewhere.stderr.starts_with(
            "warning: the baseline baseline.json holds 1 finding and matches none of these"
        ),
        "{}",
        elsewhere.stderr
    );
}

/// A span that runs over comment lines inside a continued `RUN` (which
/// BuildKit drops) neither quotes nor marks them.
#[test]
fn comment_lines_inside_a_run_are_neither_quoted_nor_marked() {
    let dir = scratch(
        "run-comments",
        &[(
            "Dockerfile",
            "FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000\nRUN curl -fsSL https://example.com/install.sh \\\n  # the installer\n  | sh\n",
        )],
    );
    let outcome = audit_in(&dir, &["--select", "DF021", "Dockerfile"]);
    assert_eq!(
        outcome.stdout,
        "Dockerfile:2:5: error[DF021] `curl -fsSL https://example.com/install.sh | sh` runs whatever script the server sends, unchecked\n  |\n2 | RUN curl -fsSL https://example.com/install.sh \\\n  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n3 |   # the installer\n  |\n4 |   | sh\n  | ^^^^^^\n  = help: download to a file, check it against a pinned checksum (`sha256sum -c`), then run it\n\nFound 1 finding (1 error) in 1 file.\n"
    );
}
