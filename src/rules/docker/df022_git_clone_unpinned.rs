//! DF022 git-clone-unpinned: `git clone` with no later checkout of a full
//! commit id in the same stage. A branch or tag names whatever commit it
//! points at on build day.

use super::tools::{is_full_commit, operand_from, operands};
use std::collections::{HashMap, VecDeque};

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;

pub const RULE: Rule = Rule {
    code: "DF022",
    name: "git-clone-unpinned",
    severity: Severity::Warning,
    summary: "`git clone` with no later `git checkout`/`git reset --hard` of a full commit id in the same stage",
    doc: include_str!("../../../rules/DF022.md"),
    check: Check::Dockerfile(check),
};

/// git's own options before the subcommand that take a value.
const GIT_GLOBAL: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--exec-path",
    "--config-env",
    "--super-prefix",
];

/// `git clone` options that take a value.
const CLONE: &[&str] = &[
    "-b",
    "--branch",
    "--depth",
    "-o",
    "--origin",
    "-u",
    "--upload-pack",
    "--reference",
    "--reference-if-able",
    "--separate-git-dir",
    "-c",
    "--config",
    "--shallow-since",
    "--shallow-exclude",
    "--filter",
    "-j",
    "--jobs",
    "--template",
    "--server-option",
    "--bundle-uri",
    "--revision",
];

/// `git fetch` options that take a value.
const FETCH: &[&str] = &[
    "--depth",
    "-j",
    "--jobs",
    "--shallow-since",
    "--shallow-exclude",
    "--filter",
    "-o",
    "--server-option",
    "--upload-pack",
    "--negotiation-tip",
    "--refmap",
    "--recurse-submodules-default",
];

/// What a git command does to pinning.
enum Step {
    /// `git clone`: the index of its URL word.
    Clone(Option<usize>),
    /// A checkout of a full commit id (or of a variable, which may hold
    /// one), or of `FETCH_HEAD`, which pins only after a fetch of one;
    /// `dir` is the repository it names with `git -C <dir>`.
    Pin {
        fetch_head: bool,
        dir: Option<String>,
    },
    /// `git fetch` of a full commit id.
    FetchCommit,
    Other,
}

/// The clones of one stage (or one `ONBUILD`) that a checkout may still
/// settle, across its `RUN`s: `RUN git clone … /src`, `WORKDIR /src`,
/// `RUN git checkout <commit>`.
#[derive(Default)]
struct Clones<'c> {
    clones: Vec<(&'c Command, Option<usize>)>,
    settled: Vec<bool>,
    /// The clones by the directory they create, and the earliest clone
    /// that may still be open: each checkout settles one in O(1).
    by_dir: HashMap<String, VecDeque<usize>>,
    earliest: usize,
    fetched_commit: bool,
}

impl<'c> Clones<'c> {
    fn step(&mut self, command: &'c Command, value: &dyn Fn(&Command, usize) -> Option<String>) {
        match step(command, value) {
            Step::Clone(url) => {
                if let Some(dir) = clone_dir(command, url) {
                    self.by_dir
                        .entry(dir)
                        .or_default()
                        .push_back(self.clones.len());
                }
                self.clones.push((command, url));
                self.settled.push(false);
            }
            Step::FetchCommit => self.fetched_commit = true,
            Step::Pin { fetch_head, dir } if !fetch_head || self.fetched_commit => {
                // A pinning checkout settles the clone it names with
                // `-C <dir>`, or else the earliest clone still open.
                let mut named = None;
                if let Some(queue) = dir.and_then(|d| self.by_dir.get_mut(last_component(&d))) {
                    while let Some(i) = queue.pop_front() {
                        if !self.settled[i] {
                            named = Some(i);
                            break;
                        }
                    }
                }
                while self.earliest < self.clones.len() && self.settled[self.earliest] {
                    self.earliest += 1;
                }
                let open = (self.earliest < self.clones.len()).then_some(self.earliest);
                if let Some(i) = named.or(open) {
                    self.settled[i] = true;
                }
            }
            Step::Pin { .. } | Step::Other => {}
        }
    }

    fn report(self, out: &mut Vec<Diagnostic>) {
        for (i, (command, url)) in self.clones.into_iter().enumerate() {
            if !self.settled[i] {
                out.push(report(command, url));
            }
        }
    }
}

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    // Per stage, and per `ONBUILD` instruction (which runs in another
    // build), in the order of the file.
    let mut groups: HashMap<(Option<usize>, Option<usize>), Clones> = HashMap::new();
    let mut order = Vec::new();
    for run in &context.runs {
        let onbuild = context.dockerfile.instructions[run.instruction]
            .trigger
            .is_some()
            .then_some(run.instruction);
        let key = (context.stage_of(run.instruction), onbuild);
        let clones = groups.entry(key).or_insert_with(|| {
            order.push(key);
            Clones::default()
        });
        // Commands in source order: `sh -c` strings come after their shell
        // in `runs`, but their text sits inside it.
        let mut commands: Vec<&Command> = run.commands.iter().collect();
        commands.sort_by_key(|c| c.words.get(c.program).map_or(usize::MAX, |w| w.span.start));
        // A variable's value where the file gives all of it
        // (`ARG REF=main` then `git checkout "$REF"` is a branch).
        let value = |command: &Command, i: usize| {
            let word = &command.words[i];
            let (value, known) = context.partial_text(run, word.span.start, word.as_str());
            known.then_some(value)
        };
        for command in commands {
            clones.step(command, &value);
        }
    }
    for key in order {
        if let Some(clones) = groups.remove(&key) {
            clones.report(out);
        }
    }
}

/// The directory `git clone` creates: its second operand, or the URL's
/// last component without `.git`.
fn clone_dir(command: &Command, url: Option<usize>) -> Option<String> {
    let url = url?;
    let sub = operand_from(command, command.program + 1, GIT_GLOBAL)?;
    let args = operands(command, sub + 1, CLONE);
    let named = args
        .iter()
        .position(|&i| i == url)
        .and_then(|at| args.get(at + 1));
    let dir = match named {
        Some(&i) => command.words[i].as_str(),
        None => {
            let url = command.words[url].as_str().trim_end_matches('/');
            let last = url.rsplit(['/', ':']).next().unwrap_or(url);
            last.strip_suffix(".git").unwrap_or(last)
        }
    };
    Some(last_component(dir).to_string())
}

fn last_component(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

fn report(command: &Command, url: Option<usize>) -> Diagnostic {
    let sub = operand_from(command, command.program + 1, GIT_GLOBAL).unwrap_or(command.program);
    let last = url.unwrap_or(sub);
    let target = url.map_or(String::new(), |u| {
        format!(" of `{}`", command.words[u].as_str())
    });
    let branch = command
        .words
        .iter()
        .position(|w| matches!(w.as_str(), "-b" | "--branch"))
        .and_then(|i| command.words.get(i + 1))
        .map(|w| format!(" at `{}`, which can move,", w.as_str()))
        .unwrap_or_default();
    Diagnostic::new(
        command.words[command.program].span.cover(command.words[last].span),
        format!("`git clone`{target}{branch} is not pinned to a commit"),
        "follow it with `git checkout <full commit id>` (or `git -C <dir> checkout <full commit id>`) in the same stage",
    )
}

fn step(command: &Command, value: &dyn Fn(&Command, usize) -> Option<String>) -> Step {
    if command.name() != "git" {
        return Step::Other;
    }
    let Some(sub) = operand_from(command, command.program + 1, GIT_GLOBAL) else {
        return Step::Other;
    };
    let word = |i: usize| command.words.get(i).map_or("", |w| w.as_str());
    // `git -C <dir> checkout …`
    let dir = (command.program + 1..sub)
        .find(|&i| word(i) == "-C")
        .map(|i| word(i + 1).to_string());
    let pin = |args: Vec<usize>| {
        // `git checkout <commit> -- path` (or `<commit> path`) checks out
        // files, and leaves HEAD where it was.
        if args.len() != 1 {
            return Step::Other;
        }
        let w = &command.words[args[0]];
        let fetch_head = w.as_str() == "FETCH_HEAD";
        // A variable the file gives a value pins only if that value is a
        // commit; one it does not give may be a commit.
        let commit = match (w.expands, value(command, args[0])) {
            (true, Some(known)) => is_full_commit(&known),
            (true, None) => true,
            (false, _) => is_full_commit(w.as_str()),
        };
        if fetch_head || commit {
            Step::Pin {
                fetch_head,
                dir: dir.clone(),
            }
        } else {
            Step::Other
        }
    };
    match word(sub) {
        "clone" => {
            let args = operands(command, sub + 1, CLONE);
            // `--revision=<commit>` (git 2.49) clones that commit.
            let revision = command.words[sub + 1..].iter().find_map(|w| {
                w.as_str()
                    .strip_prefix("--revision=")
                    .map(|r| r.to_string())
            });
            let revision = revision.or_else(|| {
                command.words[sub + 1..]
                    .iter()
                    .position(|w| w.as_str() == "--revision")
                    .and_then(|i| command.words.get(sub + 2 + i))
                    .map(|w| w.as_str().to_string())
            });
            if revision.is_some_and(|r| is_full_commit(&r)) {
                return Step::Other;
            }
            Step::Clone(args.first().copied())
        }
        "checkout" | "switch" => pin(operands(
            command,
            sub + 1,
            &["-b", "-B", "-c", "-C", "--orphan"],
        )),
        "reset" => {
            let hard = command.words[sub + 1..]
                .iter()
                .any(|w| w.as_str() == "--hard");
            if hard {
                pin(operands(command, sub + 1, &[]))
            } else {
                Step::Other
            }
        }
        "fetch" => {
            let args = operands(command, sub + 1, FETCH);
            // `git fetch origin <commit>`: the refspecs follow the remote.
            if args
                .iter()
                .skip(1)
                .any(|&i| is_full_commit(command.words[i].as_str()))
            {
                Step::FetchCommit
            } else {
                Step::Other
            }
        }
        _ => Step::Other,
    }
}
