//! DF014 lockfile-not-enforced: a project install that may re-resolve its
//! lock file instead of failing when the lock is out of date (`npm install`
//! rather than `npm ci`, `uv sync` without `--locked`, `cargo build`
//! without `--locked`), or a command that re-resolves on purpose
//! (`composer update`, `poetry add`, `bundle update`).

use super::tools::{has_option, Does, Found, Lock, LockFix};
use super::{is_truthy, Context, Run};
use crate::finding::{Diagnostic, Edit, Fix, FixAction, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;
use crate::source::dockerfile::Keyword;

pub const RULE: Rule = Rule {
    code: "DF014",
    name: "lockfile-not-enforced",
    severity: Severity::Warning,
    summary: "a project install that may re-resolve its lock file: `npm install`, `yarn install`, `uv sync`, `cargo build` without `--locked`, `pipenv install` without `--deploy`, `composer update`, `poetry add` …",
    doc: include_str!("../../../rules/DF014.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let bundler_frozen = bundler_config(context);
    let mut yarn_berry = None;
    for (run, command, uses) in context.tool_uses() {
        for found in uses {
            let Does::Lock(lock) = found.does else {
                continue;
            };
            if enforced(context, run, command, lock, &bundler_frozen) {
                continue;
            }
            let words = command.text_to(found.last);
            let message = match lock.rewrites {
                Some(file) => format!("`{words}` re-resolves dependencies and rewrites {file}"),
                None => format!(
                    "`{words}` may re-resolve dependencies instead of installing what the lock file records"
                ),
            };
            let fix = lock.fix.and_then(|fix| {
                let berry = *yarn_berry.get_or_insert_with(|| uses_yarn_berry(context));
                lock_fix(context, command, found, fix, berry)
            });
            out.push(
                Diagnostic::new(command.span_to(found.last), message, lock.help).with_fix(fix),
            );
        }
    }
}

/// The unsafe fix: the option written after the subcommand, or the
/// subcommand renamed, where the word is written plainly in the file.
fn lock_fix(
    context: &Context,
    command: &Command,
    found: &Found,
    fix: LockFix,
    yarn_berry: bool,
) -> Option<Fix> {
    let word = command.words.get(found.last)?;
    let old = context
        .dockerfile
        .text
        .get(word.span.start..word.span.end)?;
    if old != word.as_str() {
        return None;
    }
    let bare = found.last == command.program;
    if has_option(command, command.program + 1, fix.unless()) {
        return None;
    }
    // Nor against its own negation (`--no-frozen-lockfile`, `--no-frozen`).
    if let LockFix::Add { option, .. } = fix {
        let negated = format!("--no-{}", option.trim_start_matches("--"));
        if has_option(command, command.program + 1, &[negated.as_str()]) {
            return None;
        }
    }
    // Inside a quoted word (an exec-form RUN's JSON string), an option
    // cannot be added: it would join the word.
    let quoted = context.dockerfile.text[word.span.end..].starts_with(['"', '\'']);
    if quoted && matches!(fix, LockFix::Add { .. } | LockFix::Yarn) {
        return None;
    }
    // Options only Yarn 2 and later have say which Yarn this is.
    let yarn_berry = yarn_berry || has_option(command, command.program + 1, YARN_BERRY_OPTIONS);
    let new = match fix {
        LockFix::Subcommand { .. } | LockFix::Add { bare: false, .. } if bare => return None,
        LockFix::Subcommand { name, .. } => name.to_owned(),
        LockFix::Add { option, .. } => format!("{old} {option}"),
        LockFix::Yarn if yarn_berry => format!("{old} --immutable"),
        LockFix::Yarn => format!("{old} --frozen-lockfile"),
    };
    Some(Fix::unsafe_(FixAction::Edits(vec![Edit {
        span: word.span,
        old: old.to_owned(),
        new,
    }])))
}

/// `yarn install` options that only Yarn 2 and later know.
const YARN_BERRY_OPTIONS: &[&str] = &[
    "--mode",
    "--immutable-cache",
    "--check-cache",
    "--inline-builds",
    "--refresh-lockfile",
];

/// Whether the Dockerfile says it installs with Yarn 2 or later (which
/// wants `--immutable`): `yarn set version` to anything but `classic` or
/// 1.x, `corepack prepare|use yarn@<2+ or stable>`, or a `.yarnrc.yml`
/// copied in.
fn uses_yarn_berry(context: &Context) -> bool {
    let text = &context.dockerfile.text;
    let copies_yarnrc = context.dockerfile.instructions.iter().any(|instruction| {
        matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
            && text
                .get(instruction.span.start..instruction.span.end)
                .is_some_and(|t| t.contains(".yarnrc.yml"))
    });
    if copies_yarnrc {
        return true;
    }
    let modern = |version: &str| {
        let version = version.trim_matches(|c| c == '"' || c == '\'');
        match version.split('.').next().map(str::parse::<u32>) {
            Some(Ok(major)) => major >= 2,
            _ => matches!(version, "stable" | "berry" | "canary"),
        }
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(4)
        .any(|w| w[0] == "yarn" && w[1] == "set" && w[2] == "version" && modern(w[3]))
        || words.windows(2).any(|w| {
            matches!(w[0], "prepare" | "use" | "install")
                && w[1].strip_prefix("yarn@").is_some_and(&modern)
        })
}

fn enforced(
    context: &Context,
    run: &Run,
    command: &Command,
    lock: &Lock,
    bundler_frozen: &[Option<usize>],
) -> bool {
    has_option(command, command.program + 1, lock.enforced_by)
        || lock.env.iter().any(|variable| {
            context
                .env(run.instruction, command, variable)
                .is_some_and(|v| is_truthy(&v))
        })
        || lock.bundler_config
            && context
                .stage_of(run.instruction)
                .and_then(|stage| bundler_frozen[stage])
                .is_some_and(|at| at < command.words[command.program].span.start)
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
        let sets = matches!(rest.as_slice(), [key, value] if matches!(*key, "frozen" | "deployment") && is_truthy(value));
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
