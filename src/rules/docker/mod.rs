//! Dockerfile rules and what they share: the parsed file, its stages and
//! images, and the commands of every `RUN`.

pub mod df001_base_image_floating;
pub mod df002_base_image_unpinned;
pub mod df003_base_image_unresolved;
pub mod df004_syntax_frontend_unpinned;
pub mod df010_package_index_update;
pub mod df011_package_upgrade;
pub mod df012_os_package_unpinned;
pub mod df013_language_package_unpinned;
pub mod df014_lockfile_not_enforced;
pub mod df020_remote_source_unverified;
pub mod df021_download_piped_to_shell;
pub mod df022_git_clone_unpinned;
pub mod df023_download_unverified;
pub mod downloads;
mod shell_vars;
pub mod tools;

use crate::finding::Diagnostic;
use crate::source::dockerfile::expand::Value;
use crate::source::dockerfile::shell::{self, Command};
use crate::source::dockerfile::stages::{
    self, Build, BuildArgs, ImageSource, ImageUse, PLATFORM_ARGS,
};
use crate::source::dockerfile::{Dockerfile, Keyword};
use crate::source::span::Span;
use downloads::Pipelines;
use shell_vars::RunVariables;
use tools::grammar::Grammar;
use tools::Found;

/// Everything a Dockerfile rule reads, computed once per file.
pub struct Context<'a> {
    pub dockerfile: &'a Dockerfile,
    pub build: Build,
    /// The `RUN`s (and `ONBUILD RUN`s), in order.
    pub runs: Vec<Run>,
    /// Per stage: the earliest offset at which it (or a stage it derives
    /// from) points apt at a dated snapshot.
    snapshot_from: Vec<Option<usize>>,
}

/// One `RUN`: its instruction, its commands, what the tool tables say
/// each command does, and the shell variables it sets.
pub struct Run {
    pub instruction: usize,
    pub commands: Vec<Command>,
    /// Parallel to `commands`.
    pub uses: Vec<Vec<Found>>,
    pub pipelines: Pipelines,
    variables: RunVariables,
}

/// Text that, written to apt's configuration, points it at a dated
/// snapshot of the archive.
const SNAPSHOT_MARKERS: &[&str] = &[
    "snapshot.debian.org",
    "snapshot.ubuntu.com",
    "APT::Snapshot",
    "Snapshot:",
    "[snapshot=",
];

/// Where apt reads its sources and configuration.
const APT_CONFIG: &str = "/etc/apt";

impl<'a> Context<'a> {
    pub fn new(dockerfile: &'a Dockerfile, build_args: &BuildArgs) -> Self {
        let build = stages::analyze(dockerfile, build_args);
        let mut runs: Vec<Run> = dockerfile
            .instructions
            .iter()
            .enumerate()
            .map(|(i, instruction)| (i, shell::run_commands(dockerfile, instruction)))
            .filter(|(_, commands)| !commands.is_empty())
            .map(|(instruction, commands)| {
                let stage = build.stage_of(instruction);
                let outer =
                    |name: &str| stage.and_then(|s| build.var(s, name, instruction)).cloned();
                let variables = RunVariables::collect(&commands, &outer, &build.budget);
                Run {
                    instruction,
                    uses: commands.iter().map(tools::uses).collect(),
                    pipelines: Pipelines::new(&commands),
                    commands,
                    variables,
                }
            })
            .collect();
        runs.shrink_to_fit();
        let snapshot_from = snapshot_sources(dockerfile, &build, &runs);
        Context {
            dockerfile,
            build,
            runs,
            snapshot_from,
        }
    }

    /// Every command of every `RUN`, with the instruction it belongs to.
    pub fn commands(&self) -> impl Iterator<Item = (usize, &Command)> {
        self.runs
            .iter()
            .flat_map(|run| run.commands.iter().map(move |c| (run.instruction, c)))
    }

    /// Every command the tool tables know, with what it does: the `RUN`,
    /// the command, and all it does (a command may do several things).
    pub fn tool_uses(&self) -> impl Iterator<Item = (&Run, &Command, &[Found])> {
        self.runs.iter().flat_map(|run| {
            run.commands
                .iter()
                .zip(&run.uses)
                .filter(|(_, uses)| !uses.is_empty())
                .map(move |(command, uses)| (run, command, uses.as_slice()))
        })
    }

    /// Images from `FROM`, `COPY --from` and `--mount=from=` (not the
    /// `# syntax=` frontend).
    pub fn build_images(&self) -> impl Iterator<Item = &ImageUse> {
        self.build
            .images
            .iter()
            .filter(|image| image.source != ImageSource::Syntax)
    }

    /// The stage that holds instruction `instruction`.
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        self.build.stage_of(instruction)
    }

    /// The value of environment variable `name` for `command` of
    /// instruction `instruction`: a `NAME=value` prefix of the command, or
    /// what `ENV` (or `ARG`) set before it in its stage or a stage it
    /// derives from.
    pub fn env(&self, instruction: usize, command: &Command, name: &str) -> Option<String> {
        let prefix = command.words[..command.program.min(command.words.len())]
            .iter()
            .rev()
            .find_map(|w| w.as_str().strip_prefix(name)?.strip_prefix('='));
        if let Some(value) = prefix {
            return Some(value.to_string());
        }
        self.build
            .var(self.stage_of(instruction)?, name, instruction)
            .map(|value| value.text.to_string())
    }

    /// Whether apt reads a dated snapshot at `offset` in instruction
    /// `instruction`.
    pub fn apt_snapshot_before(&self, instruction: usize, offset: usize) -> bool {
        self.stage_of(instruction)
            .and_then(|stage| self.snapshot_from[stage])
            .is_some_and(|at| at < offset)
    }

    /// The operands of an install, as the shell gives them to the tool:
    /// each word, or the words a variable holds (`$buildDeps`, from the
    /// same `RUN`, `ENV` or `ARG`). Words whose value cannot be known are
    /// left out.
    pub fn operands(
        &self,
        run: &Run,
        command: &Command,
        found: &Found,
        grammar: &Grammar,
    ) -> Vec<Operand> {
        let words = match grammar.select {
            Some(select) => select(command, found.from, found.operands.clone()),
            None => found.operands.clone(),
        };
        let stage = self.stage_of(run.instruction);
        let outer = |name: &str| {
            stage
                .and_then(|s| self.build.var(s, name, run.instruction))
                .cloned()
        };
        let mut operands = Vec::new();
        for index in words {
            let Some(word) = command.words.get(index) else {
                continue;
            };
            if !word.expands {
                operands.push(Operand {
                    text: word.as_str().to_owned(),
                    span: word.span,
                    variable: None,
                });
                continue;
            }
            let value: Option<Value> = run.variables.expand(
                word.as_str(),
                true,
                word.span.start,
                &outer,
                &self.build.budget,
            );
            let Some(value) = value else { continue };
            let written = self.dockerfile.slice(word.span).to_owned();
            // `"$PKGS"` is one word to the shell; `$PKGS` is split.
            let pieces: Vec<&str> = if word.quoted {
                vec![value.text.trim()]
            } else {
                value.text.split_whitespace().collect()
            };
            operands.extend(
                pieces
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .map(|piece| Operand {
                        text: piece.to_owned(),
                        span: word.span,
                        variable: Some(written.clone()),
                    }),
            );
        }
        operands.extend(found.pieces.iter().map(|(text, span)| Operand {
            text: text.clone(),
            span: *span,
            variable: None,
        }));
        operands
    }

    /// What is known of a word of a command of `run`: its value, with the
    /// variables the file gives filled in and the others left empty.
    pub fn partial_value(&self, run: &Run, command: &Command, word: usize) -> String {
        let Some(word) = command.words.get(word) else {
            return String::new();
        };
        if !word.expands || word.as_str().contains("$(") || word.as_str().contains('`') {
            return word.as_str().to_owned();
        }
        self.partial_text(run, word.span.start, word.as_str()).0
    }

    /// Text of `run` at `offset` with the variables the file gives filled
    /// in and the others left empty, and whether all were given.
    pub fn partial_text(&self, run: &Run, offset: usize, text: &str) -> (String, bool) {
        if !text.contains('$') {
            return (text.to_owned(), true);
        }
        let stage = self.stage_of(run.instruction);
        let outer = |name: &str| {
            stage
                .and_then(|s| self.build.var(s, name, run.instruction))
                .cloned()
        };
        run.variables
            .expand_partial(text, offset, &outer, &self.build.budget)
    }

    /// The finding for an install whose operands are not all pinned: one
    /// per command, from the first unpinned operand to the last, naming
    /// them. `what` says what is missing (`a version`).
    pub fn unpinned_install(
        &self,
        run: &Run,
        command: &Command,
        found: &Found,
        grammar: &Grammar,
        what: &str,
    ) -> Option<Diagnostic> {
        if grammar.pinned_by_option(command, found.from)
            || grammar.pinning_env.iter().any(|variable| {
                self.env(run.instruction, command, variable)
                    .is_some_and(|v| !v.is_empty())
            })
        {
            return None;
        }
        let unpinned: Vec<Operand> = self
            .operands(run, command, found, grammar)
            .into_iter()
            .filter(|operand| !(grammar.pinned)(&operand.text))
            .collect();
        let (first, last) = (unpinned.first()?, unpinned.last()?);
        let span = first.span.cover(last.span);
        let noun = if unpinned.len() == 1 {
            grammar.noun.0
        } else {
            grammar.noun.1
        };
        Some(Diagnostic::new(
            span,
            format!(
                "`{}` installs {noun} {} without {what}",
                found.text(command),
                name_operands(&unpinned)
            ),
            grammar.help((grammar.name)(&first.text)),
        ))
    }
}

/// An operand of an install: a word, or one of the words a variable holds.
#[derive(Debug, Clone)]
pub struct Operand {
    pub text: String,
    /// The word's span (for a variable, the `$NAME` word's).
    pub span: Span,
    /// The variable as written, when the operand comes from one.
    pub variable: Option<String>,
}

/// `` `$buildDeps` (`curl`, `git`), `wget` ``.
fn name_operands(operands: &[Operand]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < operands.len() {
        let variable = &operands[i].variable;
        let mut j = i;
        while j < operands.len()
            && operands[j].variable == *variable
            && operands[j].span == operands[i].span
        {
            j += 1;
        }
        let names: Vec<String> = operands[i..j]
            .iter()
            .map(|o| format!("`{}`", o.text))
            .collect();
        match variable {
            Some(variable) => parts.push(format!("`{variable}` ({})", names.join(", "))),
            None => parts.extend(names),
        }
        i = j;
    }
    parts.join(", ")
}

/// Per stage, the earliest offset from which apt reads a dated snapshot:
/// where a `RUN` writes a snapshot source or `APT::Snapshot` under
/// `/etc/apt`, or a `COPY <<EOF` puts one there — 0 when a stage it is
/// built from did. A mere mention (`echo snapshot.debian.org`) is not
/// configuration.
fn snapshot_sources(dockerfile: &Dockerfile, build: &Build, runs: &[Run]) -> Vec<Option<usize>> {
    let mut own: Vec<Option<usize>> = vec![None; build.stages.len()];
    let mut note = |instruction: usize, at: usize| {
        if let Some(stage) = build.stage_of(instruction) {
            own[stage] = Some(own[stage].map_or(at, |earlier| earlier.min(at)));
        }
    };
    let marked = |text: &str| SNAPSHOT_MARKERS.iter().any(|m| text.contains(m));
    for run in runs {
        for (index, command) in run.commands.iter().enumerate() {
            let Some(at) = writes_apt_config(command) else {
                continue;
            };
            // The configuration it writes: its words, its heredoc, or what
            // the commands before it in its pipeline print.
            let pipeline: Vec<&Command> = run
                .pipelines
                .before(&run.commands, index)
                .chain([command])
                .collect();
            let words = pipeline
                .iter()
                .flat_map(|c| c.words.iter())
                .any(|w| marked(w.as_str()));
            // A snapshot of today (`…/$(date +%Y%m%dT000000Z)`) is live.
            let today = pipeline.iter().flat_map(|c| c.words.iter()).any(|w| {
                let raw = dockerfile.slice(w.span);
                raw.contains("$(date") || raw.contains("`date")
            });
            if today {
                continue;
            }
            let bodies = command.redirects.iter().any(|r| {
                let body = match (r.inline_body, r.heredoc) {
                    (Some(body), _) => Some(body),
                    (None, Some(h)) => dockerfile.instructions[run.instruction]
                        .effective()
                        .heredocs
                        .get(h)
                        .map(|h| h.body),
                    _ => None,
                };
                body.is_some_and(|b| marked(dockerfile.slice(b)))
            });
            if words || bodies {
                note(run.instruction, at);
            }
        }
    }
    for (index, instruction) in dockerfile.instructions.iter().enumerate() {
        let copy = instruction.effective();
        if !matches!(copy.keyword, Keyword::Copy | Keyword::Add) || copy.heredocs.is_empty() {
            continue;
        }
        let destination = copy.args().split_whitespace().last().unwrap_or_default();
        if destination.starts_with(APT_CONFIG)
            && copy
                .heredocs
                .iter()
                .any(|h| marked(dockerfile.slice(h.body)))
        {
            note(index, instruction.span.start);
        }
    }
    // A stage's parent is always an earlier stage: one pass in order.
    let mut from: Vec<Option<usize>> = Vec::with_capacity(build.stages.len());
    for (index, stage) in build.stages.iter().enumerate() {
        let inherited = stage.parent.and_then(|p| from[p]).map(|_| 0);
        from.push(inherited.or(own[index]));
    }
    from
}

/// Where a command writes a file under `/etc/apt`: a redirection to it,
/// `tee` or `sed -i` on it.
fn writes_apt_config(command: &Command) -> Option<usize> {
    let start = command.words.first()?.span.start;
    let redirected = command.redirects.iter().any(|r| {
        matches!(r.operator.as_str(), ">" | ">>" | ">|")
            && r.target
                .as_ref()
                .is_some_and(|t| t.as_str().starts_with(APT_CONFIG))
    });
    let names_config = command
        .args()
        .iter()
        .any(|w| w.as_str().starts_with(APT_CONFIG));
    let in_place = match command.name() {
        "tee" => true,
        "sed" => command
            .args()
            .iter()
            .any(|w| w.as_str().starts_with("-i") || w.as_str() == "--in-place"),
        _ => false,
    };
    (redirected || in_place && names_config).then_some(start)
}

/// How an image is named in messages: as written, and as expanded when the
/// two differ.
pub fn describe(image: &ImageUse) -> String {
    // The platform arguments' values are the usual platform's, not the
    // build's: the written form says more than `golang:1.22-amd64`.
    if image.written == image.expanded.value || platform_dependent(image) {
        format!("`{}`", image.written)
    } else {
        format!("`{}` (`{}`)", image.written, image.expanded.value)
    }
}

/// Whether the reference names BuildKit's platform arguments, so that it
/// names a different image on each platform.
pub fn platform_dependent(image: &ImageUse) -> bool {
    PLATFORM_ARGS
        .iter()
        .any(|(name, _)| image.written.contains(name))
}

/// What the image is, for messages.
pub fn noun(image: &ImageUse) -> &'static str {
    match image.source {
        ImageSource::From => "base image",
        ImageSource::CopyFrom => "`COPY --from` image",
        ImageSource::MountFrom => "`--mount` image",
        ImageSource::Syntax => "syntax frontend",
    }
}

/// Whether an environment variable turns a setting on, as Bundler, uv
/// and Yarn read it: any value but the empty string, `0`, `false`, `no`
/// (and their short forms).
pub fn is_truthy(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "f" | "no" | "n" | "0" | "off"
    )
}

/// A reference is resolved when no build argument it uses lacks a value
/// and its expansion was not cut.
pub fn is_resolved(image: &ImageUse) -> bool {
    image.expanded.is_complete()
}
