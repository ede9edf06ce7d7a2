//! The README and `docs/` show real output and the real rule table: every
//! `$ repro-audit …` example is run and compared, and the table is checked
//! against the registry.

mod common;

use repro_audit::cli::{run, Terminal};
use repro_audit::rules::RULES;

fn readme() -> String {
    std::fs::read_to_string(common::root().join("README.md")).unwrap()
}

#[test]
fn rule_table_matches_the_registry() {
    let readme = readme();
    let rows: Vec<(String, String, String, String)> = readme
        .lines()
        .filter(|l| {
            ["| DF", "| CP", "| DC", "| GH", "| GL", "| NX", "| RA"]
                .iter()
                .any(|prefix| l.starts_with(prefix))
        })
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].to_owned(),
                cells[2].to_owned(),
                cells[3].to_owned(),
                cells[4].to_owned(),
            )
        })
        .collect();
    let registry: Vec<(String, String, String, String)> = RULES
        .iter()
        .map(|r| {
            let fix = match repro_audit::rules::fix_of(r.code) {
                Some(repro_audit::finding::Applicability::Safe) => "safe",
                Some(repro_audit::finding::Applicability::Unsafe) => "unsafe",
                None => "",
            };
            (
                r.code.to_owned(),
                r.name.to_owned(),
                r.severity.to_string(),
                fix.to_owned(),
            )
        })
        .collect();
    assert_eq!(rows, registry);
}

#[test]
fn console_examples_are_real_output() {
    // This README and the pages of `docs/`.
    let mut pages = vec![readme()];
    let mut docs: Vec<_> = std::fs::read_dir(common::root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    let text = pages.join("\n");
    let mut checked = 0;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let expected = block[1..].join("\n") + "\n";
        // `$ printf '…' | repro-audit …`: the binary, with that input.
        if let Some((input, command)) = block.first().and_then(|l| piped(l)) {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_repro-audit"))
                .args(command.split_whitespace())
                .current_dir(common::root())
                .env("NO_COLOR", "1")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            let shown = String::from_utf8(output.stderr).unwrap()
                + &String::from_utf8(output.stdout).unwrap();
            assert_eq!(shown, expected, "README example `{}`", block[0]);
            checked += 1;
            continue;
        }
        let Some(command) = block.first().and_then(|l| l.strip_prefix("$ repro-audit ")) else {
            continue;
        };
        let mut argv = vec!["repro-audit".to_owned()];
        argv.extend(command.split_whitespace().map(str::to_owned));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run(
            &argv,
            &common::root(),
            Terminal::default(),
            &mut out,
            &mut err,
        );
        // What a terminal shows: errors come first, then the report. The
        // checkout's own directory (in SARIF's `%SRCROOT%`) is shown as
        // `/path/to/repro-audit`.
        let shown = String::from_utf8(err).unwrap() + &String::from_utf8(out).unwrap();
        let shown = shown.replace(
            &common::root().display().to_string(),
            "/path/to/repro-audit",
        );
        assert_eq!(shown, expected, "README example `{command}`");
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} README and docs examples checked"
    );
}

/// `$ printf 'a\nb' | repro-audit -`: what printf prints (its `\n`, `\t`
/// and `\\`), and the arguments.
fn piped(line: &str) -> Option<(String, &str)> {
    let rest = line.strip_prefix("$ printf '")?;
    let (format, after) = rest.split_once("' | repro-audit ")?;
    let mut input = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => input.push('\n'),
                Some('t') => input.push('\t'),
                Some(other) => input.push(other),
                None => input.push('\\'),
            },
            (c, false) => input.push(c),
        }
    }
    Some((input, after))
}

/// The minimum Rust the README and Cargo.toml state is at least what every
/// locked dependency needs (`rust-version` in each one's manifest), so a
/// newcomer with that Rust can build it.
#[test]
fn the_stated_minimum_rust_is_true() {
    fn version(text: &str) -> Vec<u64> {
        text.split('.').map(|p| p.parse().unwrap_or(0)).collect()
    }
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(common::root())
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "repro-audit")
        .and_then(|p| p["rust_version"].as_str())
        .expect("Cargo.toml states a rust-version");
    let needed = packages
        .iter()
        .filter_map(|p| Some((p["rust_version"].as_str()?, p["name"].as_str()?)))
        .max_by_key(|(v, _)| version(v))
        .unwrap();
    assert!(
        version(ours) >= version(needed.0),
        "rust-version {ours} is below {} (needed by {})",
        needed.0,
        needed.1
    );
    let stated = ours.trim_end_matches(".0");
    assert!(
        readme().contains(&format!("(Rust {stated} or newer)")),
        "the README's Quick start names another Rust than {stated}"
    );
}

/// Every path an example names exists in this repository: an inline
/// `repro-audit some/path` and a `$ cd some/dir` in a console block, so
/// that a newcomer can run each one.
#[test]
fn the_paths_examples_name_exist() {
    let mut pages = vec![readme()];
    for entry in std::fs::read_dir(common::root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(std::fs::read_to_string(path).unwrap());
        }
    }
    let mut named = Vec::new();
    for page in &pages {
        for (i, span) in page.split('`').enumerate() {
            // Odd pieces are inside backticks.
            if i % 2 == 1 {
                if let Some(args) = span.strip_prefix("repro-audit ") {
                    named.extend(args.split_whitespace().map(str::to_owned));
                }
            }
        }
        for line in page.lines() {
            if let Some(rest) = line.strip_prefix("$ cd ") {
                named.extend(rest.split_whitespace().next().map(str::to_owned));
            }
        }
    }
    // A path of this repository has a `/` (`fixtures/fortune-cat`); bare
    // names (`Dockerfile`, `flake.nix`) stand for the reader's own files,
    // and `docker/Dockerfile` for a CI's.
    let generic = ["docker/Dockerfile"];
    let missing: Vec<&String> = named
        .iter()
        .filter(|arg| {
            arg.contains('/') && !arg.starts_with('-') && !generic.contains(&arg.as_str())
        })
        .filter(|arg| !common::root().join(arg).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "examples name paths that do not exist: {missing:?}"
    );
}
