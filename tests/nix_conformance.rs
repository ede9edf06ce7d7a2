//! The Nix readers against Nix itself. For every flake.nix fixture, what
//! our reader extracts must equal what Nix evaluates —
//! `(import ./flake.nix).inputs` (paths as absolute paths) and the inputs
//! taken only as `outputs` arguments. For every `.nix` fixture of
//! NX009–NX011, our verdict must be Nix's: pure evaluation refuses it, or
//! gives another result than impure evaluation. Nix comes from Debian's
//! `nix-bin`, which `.ci/run` installs; it evaluates offline.

mod common;

use std::path::{Component, Path, PathBuf};
use std::process::Command;

use repro_audit::audit::{audit_nix_file, Options};
use repro_audit::date::Date;
use repro_audit::rules::RULES;
use repro_audit::source::flake_nix::FlakeNix;
use serde_json::Value;

const EXPRESSION: &str = r#"
let
  flake = import FLAKE;
  paths = v:
    if builtins.isPath v then { __path = toString v; }
    else if builtins.isAttrs v then builtins.mapAttrs (_: paths) v
    else v;
  inputs = flake.inputs or { };
  formals =
    if flake ? outputs && builtins.isFunction flake.outputs
    then builtins.attrNames (builtins.functionArgs flake.outputs)
    else [ ];
in {
  inputs = paths (removeAttrs inputs [ "self" ]);
  implicit = builtins.filter (n: n != "self" && !(inputs ? ${n})) formals;
}
"#;

fn nix_instantiate() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("nix-instantiate"))
            .find(|candidate| candidate.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("REPRO_AUDIT_REQUIRE_ORACLES").is_none(),
            "nix-instantiate is missing; `.ci/run` installs Debian's nix-bin"
        );
        eprintln!("skipped: no nix-instantiate (apt-get install nix-bin)");
    }
    found
}

fn flake_fixtures() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(common::root().join("fixtures"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "flake.nix")
        .map(|e| e.into_path())
        // Flakes that Nix rejects have their own test below.
        .filter(|p| !p.starts_with(common::root().join("fixtures/nix-rejected")))
        .collect();
    found.push(common::root().join("flake.nix"));
    found.sort();
    found
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Our `{"__path": "./sub"}` as Nix prints it: absolute, normalised.
fn absolute_paths(value: &mut Value, dir: &Path) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(path)) = map.get("__path") {
                let absolute = normalise(&dir.join(path));
                map.insert(
                    "__path".into(),
                    Value::String(absolute.display().to_string()),
                );
            }
            for inner in map.values_mut() {
                absolute_paths(inner, dir);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| absolute_paths(v, dir)),
        _ => {}
    }
}

#[test]
fn flake_nix_reader_agrees_with_nix() {
    let Some(nix) = nix_instantiate() else { return };
    let fixtures = flake_fixtures();
    assert!(
        fixtures.len() >= 25,
        "only {} flake.nix fixtures",
        fixtures.len()
    );
    let mut disagreements = Vec::new();
    for path in &fixtures {
        let expression = EXPRESSION.replace("FLAKE", &path.display().to_string());
        let output = Command::new(&nix)
            .args(["--eval", "--strict", "--json", "-E", &expression])
            .output()
            .expect("nix-instantiate runs");
        assert!(
            output.status.success(),
            "Nix cannot evaluate {}: {}",
            path.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let theirs: Value = serde_json::from_slice(&output.stdout).expect("Nix prints JSON");

        let text = std::fs::read_to_string(path).unwrap();
        let flake = FlakeNix::parse(text)
            .unwrap_or_else(|e| panic!("{}: our reader fails: {e:?}", path.display()));
        let mut ours = flake.to_json();
        absolute_paths(&mut ours, path.parent().unwrap());
        let mut implicit: Vec<String> = flake
            .inputs
            .iter()
            .filter(|i| i.implicit)
            .map(|i| i.name.clone())
            .collect();
        implicit.sort();
        ours["implicit"] = serde_json::json!(implicit);
        if ours != theirs {
            disagreements.push(format!(
                "{}:\n  ours: {ours}\n  Nix:  {theirs}",
                path.display()
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} flake.nix files differ from Nix:\n{}",
        disagreements.len(),
        fixtures.len(),
        disagreements.join("\n")
    );
    eprintln!("{} flake.nix files agree with Nix", fixtures.len());
}

#[test]
fn the_projects_flake_nix_parses_with_nix() {
    let Some(nix) = nix_instantiate() else { return };
    let output = Command::new(nix)
        .arg("--parse")
        .arg(common::root().join("flake.nix"))
        .output()
        .expect("nix-instantiate runs");
    assert!(
        output.status.success(),
        "Nix rejects flake.nix: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every flake.nix under `fixtures/nix-rejected/` is one Nix refuses to
/// read as a flake (`inputs` that is not an attribute set written out, a
/// file that is a function or `let … in`): Nix itself, reading it offline
/// with `nix flake metadata`, fails, and so does our reader — quoting Nix's
/// own message.
#[test]
fn flakes_nix_rejects_are_rejected_with_nix_message() {
    let Some(instantiate) = nix_instantiate() else {
        return;
    };
    let nix = instantiate.with_file_name("nix");
    let root = common::root().join("fixtures/nix-rejected");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 9, "only {} rejected flakes", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let output = Command::new(&nix)
            .args([
                "--extra-experimental-features",
                "nix-command flakes",
                "flake",
                "metadata",
                "--offline",
            ])
            .arg(format!("path:{}", dir.display()))
            .output()
            .expect("nix runs");
        assert!(
            !output.status.success(),
            "{}: Nix accepts it",
            dir.display()
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        // `error: expected a set but got a list at /nix/store/…:1:3`, or
        // `error: file '/nix/store/…-source/flake.nix' must be an …`.
        let theirs = stderr
            .lines()
            .find_map(|l| l.strip_prefix("error: "))
            .unwrap_or_default();
        let theirs = theirs.split(" at /nix/store/").next().unwrap_or_default();
        let theirs = match theirs.split_once("'/nix/store/") {
            Some((before, after)) => {
                let rest = after.split_once('\'').map_or("", |(_, rest)| rest);
                format!("{before}'flake.nix'{rest}")
            }
            None => theirs.to_owned(),
        };
        let text = std::fs::read_to_string(dir.join("flake.nix")).unwrap();
        match FlakeNix::parse(text) {
            Ok(_) => failures.push(format!("{}: we accept it; Nix: {theirs}", dir.display())),
            Err(ours) if !ours.message.contains(&format!("(Nix: {theirs})")) => failures.push(
                format!("{}: ours `{}`, Nix `{theirs}`", dir.display(), ours.message),
            ),
            Err(_) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What Nix's own pure evaluation mode says of an expression: whether it
/// refuses it (`cannot look up '<nixpkgs>' in pure evaluation mode`,
/// `'fetchTarball' requires a 'sha256' argument`, …) or gives another
/// result than impure evaluation with a `NIX_PATH` and a `HOME` (`getEnv`
/// reads `""`, `nixPath` is empty).
fn nix_says_impure(nix: &Path, expression: &str, sandbox: &Path) -> (bool, String) {
    // A function is called with its defaults, as `nix-build` would.
    let called = format!(
        "let value = ({expression}\n); in if builtins.isFunction value then value {{ }} else value"
    );
    let evaluate = |pure: bool| {
        let mut command = Command::new(nix);
        command
            .args([
                "--eval",
                "--strict",
                "--extra-experimental-features",
                "flakes",
            ])
            .args(["--option", "pure-eval", if pure { "true" } else { "false" }])
            .args(["-E", &called])
            .env("HOME", sandbox.join("home"))
            .env(
                "NIX_PATH",
                format!("nixpkgs={}", sandbox.join("nixpkgs").display()),
            );
        let output = command.output().expect("nix-instantiate runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error = stderr
            .lines()
            .filter(|line| !line.contains("nixbld"))
            .collect::<Vec<_>>()
            .join(" ");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            error,
        )
    };
    let (pure_ok, pure_out, pure_error) = evaluate(true);
    let refused = [
        "pure evaluation mode",
        "unlocked flake reference",
        "'currentTime'",
    ]
    .iter()
    .any(|says| pure_error.contains(says));
    if refused {
        return (true, pure_error);
    }
    let (impure_ok, impure_out, _) = evaluate(false);
    let differs = pure_ok && impure_ok && pure_out != impure_out;
    (
        differs,
        format!("pure: {pure_out}{pure_error}; impure: {impure_out}"),
    )
}

#[test]
fn pure_evaluation_agrees_with_nx009_to_nx011() {
    let Some(nix) = nix_instantiate() else { return };
    let sandbox = std::env::temp_dir().join(format!("repro-audit-pure-{}", std::process::id()));
    std::fs::create_dir_all(sandbox.join("nixpkgs/lib")).unwrap();
    std::fs::create_dir_all(sandbox.join("home")).unwrap();
    std::fs::write(
        sandbox.join("nixpkgs/default.nix"),
        "{ ... }: { hello = \"hello\"; }\n",
    )
    .unwrap();
    std::fs::write(sandbox.join("nixpkgs/lib/default.nix"), "{ x = 1; }\n").unwrap();
    let options = Options::new(
        RULES
            .iter()
            .filter(|r| ["NX009", "NX010", "NX011"].contains(&r.code))
            .collect(),
        Date::parse("2026-11-21").unwrap(),
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(common::root().join("fixtures/nix-files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "nix"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "only {} .nix fixtures", files.len());
    let mut disagreements = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let (findings, _) = audit_nix_file("default.nix", text.clone(), &options).unwrap();
        let ours = !findings.is_empty();
        let (theirs, why) = nix_says_impure(&nix, &text, &sandbox);
        if ours != theirs {
            disagreements.push(format!(
                "{}: ours {ours}, Nix {theirs} ({why})",
                file.display()
            ));
        }
    }
    std::fs::remove_dir_all(&sandbox).ok();
    assert!(
        disagreements.is_empty(),
        "{} of {} differ from Nix:\n{}",
        disagreements.len(),
        files.len(),
        disagreements.join("\n")
    );
    eprintln!(
        "{} .nix files agree with Nix's pure evaluation",
        files.len()
    );
}
