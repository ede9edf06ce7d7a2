//! Shell variables a `RUN` sets for its later commands:
//! `buildDeps='curl git'; apt-get install $buildDeps`, also with
//! `export`, `readonly`, `declare` and `local`. Each setting is kept with
//! where it is, so a command sees only what was set before it.

use std::collections::HashMap;

use crate::source::dockerfile::expand::{expand, Budget, Value};
use crate::source::dockerfile::shell::Command;
use crate::source::dockerfile::Word;

#[derive(Debug, Default)]
pub struct RunVariables {
    /// By name: where it was set, and its value (`None` when it cannot be
    /// known, as in `A=$(cmd)`), in source order.
    by_name: HashMap<String, Vec<(usize, Option<Value>)>>,
}

impl RunVariables {
    /// Read the assignments of one `RUN`'s commands; `outer` gives the
    /// variables from `ENV` and `ARG`.
    pub fn collect(
        commands: &[Command],
        outer: &dyn Fn(&str) -> Option<Value>,
        budget: &Budget,
    ) -> RunVariables {
        let mut vars = RunVariables::default();
        let mut order: Vec<&Command> = commands.iter().collect();
        order.sort_by_key(|c| c.words.first().map_or(usize::MAX, |w| w.span.start));
        // How deep in `if`, `case` and loops the command is: a value set
        // there may or may not hold afterwards (`case $arch in amd64)
        // A=x;; arm64) A=y;; esac`), so it is not known.
        let mut depth = 0usize;
        for command in order {
            match command.words.first().map(|w| w.as_str()) {
                Some("if" | "case" | "for" | "while" | "until" | "select") => depth += 1,
                Some("fi" | "esac" | "done") => depth = depth.saturating_sub(1),
                _ => {}
            }
            for word in assignments(command) {
                let Some((name, _)) = word.as_str().split_once('=') else {
                    continue;
                };
                if !is_name(name) {
                    continue;
                }
                let raw = &word.as_str()[name.len() + 1..];
                let at = word.span.start;
                // What is known of it: a value whose unknown parts are
                // marked, or nothing at all for `A=$(cmd)`.
                let value = if depth > 0 {
                    None
                } else if !word.expands {
                    Some(Value::literal(raw))
                } else if raw.contains("$(") || raw.contains('`') {
                    None
                } else {
                    let lookup = |name: &str| match vars.get(name, at) {
                        Some(value) => value.cloned(),
                        None => outer(name),
                    };
                    Some(expand(raw, '\\', &lookup, budget).into_value())
                };
                vars.by_name
                    .entry(name.to_owned())
                    .or_default()
                    .push((at, value));
            }
        }
        vars
    }

    /// The value `name` was last given before `offset` (its unknown parts
    /// marked): `Some(None)` when it was set to something unknown, `None`
    /// when this `RUN` did not set it.
    pub fn get(&self, name: &str, offset: usize) -> Option<Option<&Value>> {
        let settings = self.by_name.get(name)?;
        let upto = settings.partition_point(|(at, _)| *at < offset);
        upto.checked_sub(1).map(|i| settings[i].1.as_ref())
    }

    /// A word's text with the variables this file gives filled in and the
    /// others left empty (what is known of a URL, say), and whether all of
    /// them were given.
    pub fn expand_partial(
        &self,
        text: &str,
        offset: usize,
        outer: &dyn Fn(&str) -> Option<Value>,
        budget: &Budget,
    ) -> (String, bool) {
        let lookup = |name: &str| match self.get(name, offset) {
            Some(value) => value.cloned(),
            None => outer(name),
        };
        let expansion = expand(text, '\\', &lookup, budget);
        let complete = expansion.is_complete();
        (expansion.value, complete)
    }

    /// A word's text with the variables it names filled in, as the shell
    /// would at `offset`; `None` when any part of it cannot be known
    /// (a command substitution, a variable with no known value).
    pub fn expand(
        &self,
        text: &str,
        expands: bool,
        offset: usize,
        outer: &dyn Fn(&str) -> Option<Value>,
        budget: &Budget,
    ) -> Option<Value> {
        if !expands {
            return Some(Value::literal(text));
        }
        // A command substitution, or `{}` that `find`/`xargs` fill in.
        if !text.contains('$') || text.contains("$(") || text.contains('`') {
            return None;
        }
        let lookup = |name: &str| match self.get(name, offset) {
            Some(value) => value.cloned(),
            None => outer(name),
        };
        let expansion = expand(text, '\\', &lookup, budget);
        (expansion.is_complete() && !expansion.value.contains('$')).then(|| expansion.into_value())
    }
}

/// The words of a command that set shell variables for what follows: all
/// of a command that is only assignments, or the operands of `export` and
/// its kin.
fn assignments(command: &Command) -> &[Word] {
    if command.program >= command.words.len() {
        return &command.words;
    }
    match command.name() {
        "export" | "readonly" | "declare" | "typeset" | "local" => command.args(),
        _ => &[],
    }
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
