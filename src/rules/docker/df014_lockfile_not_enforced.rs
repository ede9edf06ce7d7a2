//! DF014 lockfile-not-enforced: a project install that may re-resolve its
//! lock file instead of failing when the lock is out of date (`npm install`
//! rather than `npm ci`, `uv sync` without `--locked`, `cargo build`
//! without `--locked`).

use super::package_managers::{
    has_flag, is_npm_install, operand_from, operands, NPM_OPTIONS_WITH_VALUE,
};
use super::{is_truthy, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;

pub const RULE: Rule = Rule {
    code: "DF014",
    name: "lockfile-not-enforced",
    severity: Severity::Warning,
    summary: "a project install that may re-resolve its lock file: `npm install`, `yarn install`, `uv sync`, `cargo build` without `--locked` …",
    doc: include_str!("../../../rules/DF014.md"),
    check: Check::Dockerfile(check),
};

/// What a command needs to keep its lock file authoritative.
struct Unenforced {
    /// The index of the last command word (the subcommand).
    last: usize,
    help: &'static str,
}

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let bundler_frozen = bundler_config(context);
    for (instruction, command) in context.commands() {
        let Some(found) = unenforced(context, instruction, command, &bundler_frozen) else {
            continue;
        };
        let words = command.text_to(found.last);
        let message = if command.name() == "composer" {
            format!("`{words}` re-resolves dependencies and rewrites composer.lock")
        } else {
            format!(
                "`{words}` may re-resolve dependencies instead of installing what the lock file records"
            )
        };
        out.push(Diagnostic::new(
            command.span_to(found.last),
            message,
            found.help,
        ));
    }
}

fn unenforced(
    context: &Context,
    instruction: usize,
    command: &Command,
    bundler_frozen: &[Option<usize>],
) -> Option<Unenforced> {
    let p = command.program;
    let word = |i: usize| command.words.get(i).map_or("", |w| w.as_str());
    let name = command.name();
    let sub = operand_from(command, p + 1, NPM_OPTIONS_WITH_VALUE);
    let sub_word = sub.map_or("", word);
    let flag = |flags: &[&str]| has_flag(command, p + 1, flags);
    let env_on = |variable: &str| {
        context
            .env(instruction, command, variable)
            .is_some_and(|v| is_truthy(&v))
    };
    // A finding when the lock file is not enforced.
    let found =
        |unenforced: bool, last: usize, help| unenforced.then_some(Unenforced { last, help });
    match name {
        "npm" if is_npm_install(sub_word) => {
            let sub = sub?;
            let packages = operands(command, sub + 1, NPM_OPTIONS_WITH_VALUE);
            found(
                packages.is_empty() && !flag(&["-g", "--global"]),
                sub,
                "use `npm ci`, which installs exactly what package-lock.json records and fails if it is out of date",
            )
        }
        "yarn" if sub.is_none() || sub_word == "install" => {
            let enforced = flag(&["--frozen-lockfile", "--immutable"])
                || env_on("YARN_ENABLE_IMMUTABLE_INSTALLS");
            found(
                !enforced,
                sub.unwrap_or(p),
                "add `--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+) so the install fails instead of changing yarn.lock",
            )
        }
        "pnpm" if matches!(sub_word, "install" | "i") && !flag(&["-g", "--global"]) => found(
            !flag(&["--frozen-lockfile"]),
            sub?,
            "add `--frozen-lockfile` so the install fails instead of changing pnpm-lock.yaml",
        ),
        "uv" if matches!(sub_word, "sync" | "run") => {
            let enforced = flag(&["--locked", "--frozen"])
                || sub_word == "run" && flag(&["--no-sync", "--no-project", "--script"])
                || env_on("UV_LOCKED")
                || env_on("UV_FROZEN");
            found(
                !enforced,
                sub?,
                "add `--locked` (fail if uv.lock is out of date) or `--frozen`, or set `ENV UV_LOCKED=1`",
            )
        }
        "cargo" => {
            // `cargo +nightly build`: the toolchain comes first.
            let first = p + 1 + usize::from(word(p + 1).starts_with('+'));
            let sub = operand_from(command, first, &["--color", "--config", "-Z", "-C"])?;
            let builds = matches!(word(sub), "build" | "b" | "install" | "run" | "r");
            let enforced = has_flag(command, p + 1, &["--locked", "--frozen"]);
            found(
                builds && !enforced,
                sub,
                "add `--locked` so cargo fails instead of re-resolving Cargo.lock",
            )
        }
        "bundle" | "bundler" if sub.is_none() || sub_word == "install" => {
            let enforced = flag(&["--frozen", "--deployment"])
                || ["BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT"].iter().any(|v| {
                    context
                        .env(instruction, command, v)
                        .is_some_and(|v| bundler_true(&v))
                })
                || context
                    .stage_of(instruction)
                    .and_then(|stage| bundler_frozen[stage])
                    .is_some_and(|at| at < command.words[p].span.start);
            found(
                !enforced,
                sub.unwrap_or(p),
                "run `bundle config set frozen true` (or set `ENV BUNDLE_FROZEN=true`) before `bundle install`",
            )
        }
        "composer" if sub_word == "update" || sub_word == "u" || sub_word == "upgrade" => found(
            true,
            sub?,
            "use `composer install`, which installs what composer.lock records",
        ),
        _ => None,
    }
}

/// Bundler reads any value but `false`, `no`, `0` and the empty string as
/// true.
fn bundler_true(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "f" | "no" | "n" | "0"
    )
}

/// Where `bundle config set [--local|--global] frozen true` (or
/// `deployment`, or the older `bundle config --global frozen 1`) holds: per
/// stage, the offset from which it does — 0 when a stage the stage is built
/// from ran it, since its config is inherited.
fn bundler_config(context: &Context) -> Vec<Option<usize>> {
    let stages = &context.build.stages;
    let mut own: Vec<Option<usize>> = vec![None; stages.len()];
    for (instruction, command) in context.commands() {
        if !matches!(command.name(), "bundle" | "bundler") {
            continue;
        }
        let words: Vec<&str> = command.args().iter().map(|w| w.as_str()).collect();
        let Some(rest) = words.strip_prefix(&["config"]) else {
            continue;
        };
        let rest: Vec<&str> = rest
            .iter()
            .copied()
            .filter(|w| !w.starts_with('-') && *w != "set")
            .collect();
        let sets = matches!(rest.as_slice(), [key, value] if matches!(*key, "frozen" | "deployment") && bundler_true(value));
        if let (true, Some(stage)) = (sets, context.stage_of(instruction)) {
            let at = command.words[command.program].span.start;
            own[stage] = Some(own[stage].map_or(at, |earlier| earlier.min(at)));
        }
    }
    // A stage's parent is always an earlier stage: one pass in order.
    let mut from: Vec<Option<usize>> = Vec::with_capacity(stages.len());
    for (index, stage) in stages.iter().enumerate() {
        let inherited = stage.parent.and_then(|p| from[p]).map(|_| 0);
        from.push(inherited.or(own[index]));
    }
    from
}
