//! The pre-commit hook, as users run it: `pre-commit try-repo` on this
//! repository builds the hook with `cargo install` (language: rust) and
//! runs it in a scratch git repository. pre-commit comes from PyPI in the
//! `.ci/run` virtualenv; without it the test is skipped, unless `.ci/run`
//! requires it.

mod common;

use std::path::PathBuf;
use std::process::Command;

use repro_audit::discover::kind_of;

/// The hook's `files` regex admits exactly the names repro-audit audits.
#[test]
fn the_hook_sees_every_audited_name_and_nothing_else() {
    let Some(python) = common::oracle_python() else {
        return;
    };
    let paths = [
        "Dockerfile",
        "Dockerfile.dev",
        "Dockerfile-nix",
        "svc/Containerfile",
        "a/b/app.Dockerfile",
        "x.dockerfile",
        "x.Containerfile",
        "flake.nix",
        "nix/flake.lock",
        "README.md",
        "docs/Dockerfile.md/notes.txt",
        "notflake.nix",
        "lib/default.nix",
        "nix.nix.bak",
        "flake.lock.bak",
        "src/main.rs",
        "MyDockerfile",
        "compose.yaml",
        "deploy/docker-compose.prod.yml",
        "docker-compose-hub.yml",
        "compose_test.yaml",
        "compose..yaml",
        "composer.yaml",
        "compose.yaml.j2",
    ];
    let mut args = vec![common::root().join(".pre-commit-hooks.yaml")];
    args.extend(paths.iter().map(PathBuf::from));
    let verdicts = common::run_oracle(&python, "hook_files.py", &args);
    for (line, path) in verdicts.lines().zip(paths) {
        let name = path.rsplit('/').next().unwrap();
        let audited = kind_of(name).is_some();
        assert_eq!(
            line,
            format!("{} {path}", if audited { "yes" } else { "no" })
        );
    }
}

/// `--force-exclude` is in the hook's `entry`: a user's `args:` replace
/// the hook's own, and `exclude` must keep working when someone adds
/// `--baseline`.
#[test]
fn force_exclude_is_in_the_entry_where_a_users_args_cannot_drop_it() {
    let text = std::fs::read_to_string(common::root().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks = repro_audit::source::yaml::parse(&text).unwrap();
    for hook in hooks[0].items() {
        let entry = hook.get("entry").and_then(|e| e.str()).unwrap();
        assert!(
            entry.split_whitespace().any(|w| w == "--force-exclude"),
            "{entry}"
        );
        assert!(
            hook.get("args").is_none_or(|args| args.items().is_empty()),
            "{text}"
        );
    }
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn pre_commit_runs_the_hook_on_dockerfiles_only_and_honours_exclude() {
    let Some(python) = common::oracle_python() else {
        return;
    };
    let pre_commit = python.with_file_name("pre-commit");
    let scratch =
        std::env::temp_dir().join(format!("repro-audit-pre-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("Dockerfile"), "FROM debian\n").unwrap();
    std::fs::write(scratch.join("README.md"), "FROM debian\n").unwrap();
    std::fs::write(
        scratch.join("compose.yaml"),
        "services:\n  web:\n    image: nginx\n",
    )
    .unwrap();
    // A vendored Dockerfile the configuration excludes: pre-commit names
    // it, and `--force-exclude` leaves it out.
    std::fs::create_dir_all(scratch.join("vendor")).unwrap();
    std::fs::write(scratch.join("vendor/Dockerfile"), "FROM alpine\n").unwrap();
    // Excluded by a directory's name, and a template whose name only looks
    // like a Dockerfile's: pre-commit's pattern names both.
    std::fs::create_dir_all(scratch.join("tools/testdata")).unwrap();
    std::fs::write(scratch.join("tools/testdata/Dockerfile"), "FROM ubuntu\n").unwrap();
    std::fs::write(scratch.join("Dockerfile-linux.template"), "{{ .from }}\n").unwrap();
    std::fs::write(
        scratch.join(".repro-audit.toml"),
        "exclude = [\"vendor/**\", \"**/testdata\"]\n",
    )
    .unwrap();
    git(&scratch, &["init", "--quiet"]);
    git(
        &scratch,
        &[
            "add",
            "Dockerfile",
            "README.md",
            "compose.yaml",
            "vendor/Dockerfile",
            "tools/testdata/Dockerfile",
            "Dockerfile-linux.template",
            ".repro-audit.toml",
        ],
    );

    // pre-commit's cache lives under target/, so a second run reuses the
    // built hook.
    let cache = common::root().join("target/pre-commit-cache");
    let output = Command::new(&pre_commit)
        .current_dir(&scratch)
        .env("PRE_COMMIT_HOME", &cache)
        .args([
            "try-repo",
            common::root().to_str().unwrap(),
            "repro-audit",
            "--all-files",
            "--verbose",
        ])
        .output()
        .expect("pre-commit runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("repro-audit") && log.contains("Failed"),
        "{log}"
    );
    assert!(
        log.contains("Dockerfile:1:6: error[DF001] base image `debian` has no tag and no digest"),
        "{log}"
    );
    assert!(
        log.contains(
            "compose.yaml:3:12: error[CP001] service `web` image `nginx` has no tag and no digest"
        ),
        "{log}"
    );
    assert!(!log.contains("README.md"), "{log}");
    assert!(!log.contains("alpine"), "{log}");
    assert!(
        !log.contains("ubuntu") && !log.contains("template"),
        "{log}"
    );
}
