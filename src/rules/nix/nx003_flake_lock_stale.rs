//! NX003 flake-lock-stale: flake.nix and flake.lock disagree, so the next
//! `nix` command relocks (or, with `--no-update-lock-file`, fails). Nix
//! reuses a lock entry only when its `original` equals the declaration
//! exactly and the follows match (`computeLocks` in `src/libflake/flake.cc`).

use super::{follows_line, show_path, Context, FlakeFile, NixDiagnostic};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::flake_lock::{Edge, FlakeLock, Target};
use crate::source::flake_nix::{FlakeNix, Literal, Spec, Value};
use crate::source::flakeref::FlakeRef;
use crate::source::span::Span;

pub const RULE: Rule = Rule {
    code: "NX003",
    name: "flake-lock-stale",
    severity: Severity::Error,
    summary: "`flake.nix` and `flake.lock` disagree",
    doc: include_str!("../../../rules/NX003.md"),
    check: Check::Nix(check),
};

const RELOCK: &str = "run `nix flake lock` and commit flake.lock";

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    let Some(lock) = context.lock else { return };
    dangling_follows_in_lock(context, lock, out);
    let Some(nix) = context.nix else { return };
    let root = lock.root_node();
    for input in &nix.inputs {
        let Some(edge) = root.input(&input.name) else {
            out.push(context.in_nix(
                input.name_span,
                &input.name,
                format!(
                    "input `{}` is declared in flake.nix but missing from flake.lock",
                    input.name
                ),
                RELOCK.to_owned(),
            ));
            continue;
        };
        compare(
            context,
            nix,
            lock,
            &input.name,
            &input.spec,
            input.name_span,
            edge,
            out,
        );
    }
    for edge in &root.inputs {
        if nix.input(&edge.name).is_none() {
            out.push(NixDiagnostic {
                file: FlakeFile::Lock,
                diagnostic: Diagnostic::new(
                    edge.name_span,
                    format!(
                        "flake.lock still locks input `{}`, which flake.nix no longer declares",
                        edge.name
                    ),
                    RELOCK,
                ),
                inputs: vec![edge.name.clone()],
            });
        }
    }
}

/// A follows edge of the lock that resolves to no node.
fn dangling_follows_in_lock(context: &Context, lock: &FlakeLock, out: &mut Vec<NixDiagnostic>) {
    let root = lock.root_node();
    for node in std::iter::once(root).chain(context.nodes()) {
        for edge in &node.inputs {
            let Target::Follows(path) = &edge.target else {
                continue;
            };
            if lock.resolve(path).is_some() {
                continue;
            }
            // `None`: too deep to spell out, and so not a declaration.
            let at = context.path(&node.key).map(|mut at| {
                at.push(edge.name.clone());
                at
            });
            if at.as_ref().and_then(|at| declared_follows(context, at)) == Some(path) {
                // The declaration's own finding says it, at the declaration.
                continue;
            }
            let shown = match &at {
                Some(at) => format!("`{}`", at.join("/")),
                None => format!("input `{}` of {}", edge.name, context.label(node)),
            };
            let inputs = match node.key == lock.root {
                true => vec![edge.name.clone()],
                false => context.reached_through(&node.key),
            };
            out.push(NixDiagnostic {
                file: FlakeFile::Lock,
                diagnostic: Diagnostic::new(
                    edge.name_span,
                    format!(
                        "in flake.lock, {shown} follows `{}`, which leads nowhere",
                        show_path(path)
                    ),
                    RELOCK,
                ),
                inputs,
            });
        }
    }
}

/// The follows path flake.nix declares for input path `at`, if any.
fn declared_follows<'a>(context: &Context<'a>, at: &[String]) -> Option<&'a Vec<String>> {
    let (first, rest) = at.split_first()?;
    let input = context.nix?.input(first)?;
    let spec = match rest.is_empty() {
        true => &input.spec,
        false => &input.spec.override_at(rest)?.spec,
    };
    spec.follows.as_ref().map(|(path, _)| path)
}

/// Compare a declaration (an input, or an override below one) with the
/// lock edge of the same input path; overrides are compared in turn, with
/// a work list rather than recursion.
#[allow(clippy::too_many_arguments)]
fn compare(
    context: &Context,
    nix: &FlakeNix,
    lock: &FlakeLock,
    root_input: &str,
    spec: &Spec,
    name_span: Span,
    edge: &Edge,
    out: &mut Vec<NixDiagnostic>,
) {
    let mut work: Vec<(Vec<String>, &Spec, Span, &Edge)> =
        vec![(vec![root_input.to_owned()], spec, name_span, edge)];
    let report = |out: &mut Vec<NixDiagnostic>, span: Span, message: String, help: String| {
        out.push(context.in_nix(span, root_input, message, help));
    };
    while let Some((path, spec, name_span, edge)) = work.pop() {
        let shown = show_path(&path);
        if let Some((follows, written)) = &spec.follows {
            let target = show_path(follows);
            let declared_root = follows
                .first()
                .is_none_or(|first| nix.input(first).is_some());
            if !declared_root || lock.resolve(follows).is_none() {
                report(
                    out,
                    written.span,
                    format!("`{shown}` follows `{target}`, which leads nowhere"),
                    "follow a declared input of this flake (`a` or `a/b`)".to_owned(),
                );
                continue;
            }
            match &edge.target {
                Target::Follows(locked) if locked == follows => {}
                Target::Follows(locked) => report(
                    out,
                    written.span,
                    format!(
                        "flake.nix makes `{shown}` follow `{target}`, but flake.lock follows `{}`",
                        show_path(locked)
                    ),
                    RELOCK.to_owned(),
                ),
                Target::Node(key) => report(
                    out,
                    written.span,
                    format!(
                        "flake.nix makes `{shown}` follow `{target}`, but flake.lock locks its own copy (node `{key}`)"
                    ),
                    RELOCK.to_owned(),
                ),
            }
            continue;
        }
        let is_root_input = path.len() == 1;
        let declares_source = spec.has_reference() || is_root_input;
        let anchor = spec
            .url
            .as_ref()
            .map(|u| u.span)
            .or_else(|| spec.attrs.first().map(|(_, v)| v.span))
            .unwrap_or(name_span);
        let key = match &edge.target {
            Target::Follows(locked) => {
                if declares_source {
                    report(
                    out,
                        anchor,
                        format!(
                            "flake.nix declares `{shown}` as a source, but flake.lock makes it follow `{}`",
                            show_path(locked)
                        ),
                        RELOCK.to_owned(),
                    );
                }
                continue;
            }
            Target::Node(key) => key,
        };
        let Some(node) = lock.node(key) else { continue };
        if declares_source {
            match FlakeRef::declared(path.last().map_or("", String::as_str), spec) {
                Err(why) => report(
                    out,
                    anchor,
                    format!("Nix cannot read `{shown}`: {why}"),
                    "write a flake reference Nix accepts, e.g. `github:owner/repo/branch`"
                        .to_owned(),
                ),
                Ok(Some(declared)) => {
                    let original = node.original.as_ref().map(FlakeRef::from_lock);
                    if !original.as_ref().is_some_and(|o| declared.matches(o)) {
                        let was = original
                            .map_or_else(|| "nothing".to_owned(), |o| format!("`{}`", o.to_url()));
                        report(
                    out,
                            anchor,
                            format!(
                                "`{shown}` is declared as `{}`, but flake.lock was locked from {was}",
                                declared.to_url()
                            ),
                            RELOCK.to_owned(),
                        );
                    }
                }
                Ok(None) => {}
            }
            // Nix keeps the lock's `flake` silently, in both directions:
            // what is built is not what flake.nix says.
            if spec.is_flake() != node.flake {
                let (span, says) = match &spec.flake {
                    Some(
                        literal @ Literal {
                            value: Value::Bool(declared),
                            ..
                        },
                    ) => (literal.span, format!("says `flake = {declared}`")),
                    _ => (anchor, "does not say `flake = false`".to_owned()),
                };
                report(
                    out,
                    span,
                    format!(
                        "flake.nix {says} for `{shown}`, but flake.lock records `flake = {}`",
                        node.flake
                    ),
                    format!(
                        "Nix keeps the lock's value until the input is relocked: run `nix flake update {}`",
                        super::nix_attr(root_input)
                    ),
                );
            }
        }
        for o in &spec.overrides {
            // Nix only warns of an override of an input the dependency
            // lacks, and relocking changes nothing: not a stale lock (NX012
            // reports it).
            if let Some(inner) = node.input(&o.name) {
                let mut inner_path = path.clone();
                inner_path.push(o.name.clone());
                work.push((inner_path, &o.spec, o.name_span, inner));
            }
        }
        if is_root_input {
            for inner in &node.inputs {
                let Target::Follows(locked) = &inner.target else {
                    continue;
                };
                let own = locked.first() == path.first();
                if own
                    || spec
                        .override_at(std::slice::from_ref(&inner.name))
                        .is_some()
                {
                    continue;
                }
                let mut at = path.clone();
                at.push(inner.name.clone());
                out.push(NixDiagnostic {
                    file: FlakeFile::Lock,
                    diagnostic: Diagnostic::new(
                        inner.name_span,
                        format!(
                            "flake.lock makes `{}` follow `{}`, which flake.nix does not declare",
                            show_path(&at),
                            show_path(locked)
                        ),
                        format!(
                            "{RELOCK}, or declare it: `{}`",
                            follows_line(&at, &locked.join("/"))
                        ),
                    ),
                    inputs: vec![root_input.to_owned()],
                });
            }
        }
    }
}
