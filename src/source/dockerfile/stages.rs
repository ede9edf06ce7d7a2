//! Stages, build arguments, `ENV`, and every place an image enters the
//! build: `FROM`, `COPY --from=`, `RUN --mount=…,from=`, the same behind
//! `ONBUILD`, and the `# syntax=` directive.

use std::collections::HashMap;

use super::expand::{expand, Expansion};
use super::image_ref::ImageRef;
use super::words::Word;
use super::{Dockerfile, Instruction, Keyword};
use crate::source::span::Span;

/// Values given from outside: `--build-arg NAME=VALUE` and the config.
pub type BuildArgs = HashMap<String, String>;

#[derive(Debug)]
pub struct Build {
    pub stages: Vec<Stage>,
    pub images: Vec<ImageUse>,
}

#[derive(Debug, Clone)]
pub struct Stage {
    /// Lower-cased, as BuildKit compares stage names.
    pub name: Option<String>,
    /// Index of the stage's `FROM` in `Dockerfile::instructions`.
    pub from: usize,
    /// Index of the instruction after the stage's last one.
    pub end: usize,
    /// The earlier stage this one is built `FROM`, if any.
    pub parent: Option<usize>,
    /// `ENV` as set in this stage, in order (a later entry overrides an
    /// earlier one). What it inherits is read through `parent`, never
    /// copied, so a long chain of stages costs no more than its text.
    pub env: Vec<EnvEntry>,
}

#[derive(Debug, Clone)]
pub struct EnvEntry {
    pub name: String,
    pub value: String,
    /// Index of the `ENV` instruction.
    pub instruction: usize,
}

impl Build {
    /// The entry `ENV` last gave `name` before instruction `before`, in
    /// stage `stage` or the stages it derives from.
    pub fn env(&self, stage: usize, name: &str, before: usize) -> Option<&EnvEntry> {
        env_in(&self.stages, stage, name, before)
    }
}

fn env_in<'s>(
    stages: &'s [Stage],
    stage: usize,
    name: &str,
    before: usize,
) -> Option<&'s EnvEntry> {
    // A stage's parent is always an earlier stage, so the walk ends.
    let mut current = Some(stage);
    while let Some(index) = current {
        let stage = &stages[index];
        let found = stage
            .env
            .iter()
            .rev()
            .find(|e| e.name == name && e.instruction < before);
        if found.is_some() {
            return found;
        }
        current = stage.parent;
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageSource {
    From,
    CopyFrom,
    MountFrom,
    Syntax,
}

/// One reference to an image (not to a stage or `scratch`).
#[derive(Debug, Clone)]
pub struct ImageUse {
    pub source: ImageSource,
    /// As written.
    pub written: String,
    /// After build-argument expansion.
    pub expanded: Expansion,
    pub reference: ImageRef,
    /// The text of the reference in the file.
    pub span: Span,
    /// The instruction it belongs to (none for `# syntax=`).
    pub instruction: Option<usize>,
}

pub fn analyze(dockerfile: &Dockerfile, build_args: &BuildArgs) -> Build {
    let mut images = Vec::new();
    if let Some(syntax) = dockerfile.directive("syntax") {
        images.push(ImageUse {
            source: ImageSource::Syntax,
            written: syntax.value.clone(),
            expanded: Expansion {
                value: syntax.value.clone(),
                unresolved: Vec::new(),
            },
            reference: ImageRef::parse(&syntax.value),
            span: syntax.value_span,
            instruction: None,
        });
    }

    let escape = dockerfile.escape;
    // Build arguments declared before the first FROM: their values are what
    // FROM lines see.
    let mut global: HashMap<String, Option<String>> = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    // Per stage: its declared ARGs and their values.
    let mut stage_args: HashMap<String, Option<String>> = HashMap::new();

    for (index, instruction) in dockerfile.instructions.iter().enumerate() {
        match instruction.keyword {
            Keyword::Arg => {
                let in_stage = !stages.is_empty();
                for word in raw_words(dockerfile, instruction) {
                    let (name, default) = match word.split_once('=') {
                        Some((name, default)) => (name.to_owned(), Some(default.to_owned())),
                        None => (word.clone(), None),
                    };
                    let value = if let Some(given) = build_args.get(&name) {
                        Some(given.clone())
                    } else if let Some(default) = default {
                        let scope = if in_stage { &stage_args } else { &global };
                        Some(expand(&default, escape, &|n| lookup(scope, n)).value)
                    } else if in_stage {
                        // `ARG NAME` in a stage takes the global value.
                        global.get(&name).cloned().flatten()
                    } else {
                        None
                    };
                    if in_stage {
                        stage_args.insert(name, value);
                    } else {
                        global.insert(name, value);
                    }
                }
            }
            Keyword::From => {
                let words = instruction.whitespace_words();
                let Some(image_word) = words.first() else {
                    continue;
                };
                let name = (words.len() == 3).then(|| words[2].as_str().to_ascii_lowercase());
                let expanded = expand(image_word.as_str(), escape, &|n| lookup(&global, n));
                let target = expanded.value.to_ascii_lowercase();
                let parent = stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(target.as_str()));
                if parent.is_none() && !target.eq_ignore_ascii_case("scratch") {
                    images.push(image_use(ImageSource::From, image_word, expanded, index));
                }
                if let Some(last) = stages.last_mut() {
                    last.end = index;
                }
                stages.push(Stage {
                    name,
                    from: index,
                    end: dockerfile.instructions.len(),
                    parent,
                    env: Vec::new(),
                });
                stage_args.clear();
            }
            Keyword::Env => {
                if let Some(last) = stages.len().checked_sub(1) {
                    // `ENV A=1 B=$A`: values see the environment from
                    // before the instruction, as BuildKit expands them.
                    let entries: Vec<EnvEntry> = env_pairs(dockerfile, instruction)
                        .into_iter()
                        .map(|(name, value)| {
                            let value = expand(&value, escape, &|n| {
                                env_in(&stages, last, n, index)
                                    .map(|e| e.value.clone())
                                    .or_else(|| lookup(&stage_args, n))
                            })
                            .value;
                            EnvEntry {
                                name,
                                value,
                                instruction: index,
                            }
                        })
                        .collect();
                    stages[last].env.extend(entries);
                }
            }
            _ => {}
        }

        // Images used by COPY --from and RUN --mount=from=, also behind ONBUILD.
        let effective = instruction.effective();
        let scope = |n: &str| {
            lookup(&stage_args, n)
                .or_else(|| {
                    let last = stages.len().checked_sub(1)?;
                    env_in(&stages, last, n, index).map(|e| e.value.clone())
                })
                .or_else(|| lookup(&global, n))
        };
        for (source, word) in stage_references(effective) {
            let expanded = expand(word.as_str(), escape, &scope);
            if refers_to_stage(&expanded.value, &stages) {
                continue;
            }
            images.push(image_use(source, &word, expanded, index));
        }
    }
    Build { stages, images }
}

fn lookup(scope: &HashMap<String, Option<String>>, name: &str) -> Option<String> {
    scope.get(name).cloned().flatten()
}

fn image_use(source: ImageSource, word: &Word, expanded: Expansion, index: usize) -> ImageUse {
    ImageUse {
        source,
        written: word.as_str().to_owned(),
        reference: ImageRef::parse(&expanded.value),
        expanded,
        span: word.span,
        instruction: Some(index),
    }
}

/// A stage index, an earlier stage's name, or `scratch`.
fn refers_to_stage(value: &str, stages: &[Stage]) -> bool {
    let lower = value.to_ascii_lowercase();
    (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
        || lower == "scratch"
        || stages
            .iter()
            .any(|s| s.name.as_deref() == Some(lower.as_str()))
}

/// `COPY --from=X` and `RUN --mount=…,from=X,…`: the `X` words.
fn stage_references(instruction: &Instruction) -> Vec<(ImageSource, Word)> {
    let mut found = Vec::new();
    for flag in &instruction.flags {
        let Some(value) = &flag.value else { continue };
        match (instruction.keyword, flag.name.as_str()) {
            (Keyword::Copy, "from") => found.push((ImageSource::CopyFrom, value.clone())),
            (Keyword::Run, "mount") => {
                let text = value.as_str();
                let mut start = 0;
                for field in text.split(',') {
                    let end = start + field.len();
                    if let Some(from) = field.strip_prefix("from=") {
                        let from_start = end - from.len();
                        found.push((
                            ImageSource::MountFrom,
                            Word {
                                value: value.value.slice(from_start, end),
                                span: value.value.source_span(from_start, end),
                                quoted: false,
                                expands: from.contains('$'),
                            },
                        ));
                    }
                    start = end + 1;
                }
            }
            _ => {}
        }
    }
    found
}

/// `ENV A=1 B="x y"` or the legacy `ENV A 1`, values still raw (to be
/// expanded).
fn env_pairs(dockerfile: &Dockerfile, instruction: &Instruction) -> Vec<(String, String)> {
    let words = raw_words(dockerfile, instruction);
    if words.first().is_some_and(|w| !w.contains('=')) {
        let name = words[0].clone();
        let args = instruction.args();
        let value = args.get(name.len()..).unwrap_or_default().trim().to_owned();
        return vec![(name, value)];
    }
    words
        .iter()
        .filter_map(|w| w.split_once('='))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect()
}

/// The shell words of an instruction as written, quotes and escapes kept, so
/// that expansion sees them once.
fn raw_words(dockerfile: &Dockerfile, instruction: &Instruction) -> Vec<String> {
    instruction
        .shell_words(dockerfile.escape)
        .into_iter()
        .map(|word| {
            let raw = dockerfile.slice(word.span);
            if raw.contains('\n') {
                word.as_str().to_owned()
            } else {
                raw.to_owned()
            }
        })
        .collect()
}
