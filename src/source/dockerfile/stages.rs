//! Stages, build arguments, `ENV`, and every place an image enters the
//! build: `FROM`, `COPY --from=`, `RUN --mount=…,from=`, the same behind
//! `ONBUILD`, and the `# syntax=` directive.

use std::collections::HashMap;
use std::rc::Rc;

use rpds::HashTrieMap;

use super::expand::{expand, Budget, Expansion, Value};
use super::image_ref::ImageRef;
use super::words::Word;
use super::{Dockerfile, Instruction, Keyword};
use crate::source::span::Span;

/// Values given from outside: `--build-arg NAME=VALUE` and the config.
pub type BuildArgs = HashMap<String, String>;

/// The platform arguments BuildKit defines in the global scope of every
/// build, with the values of the usual build platform: they always have a
/// value in `FROM` (`FROM golang:1.22-$TARGETARCH`), and `ARG TARGETARCH`
/// in a stage takes it.
pub const PLATFORM_ARGS: &[(&str, &str)] = &[
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
];

/// `ENV` as a stage leaves it: a persistent map, so a stage built `FROM`
/// another shares its parent's variables instead of copying them, and a
/// chain of 40,000 stages costs no more than its text.
type Env = HashTrieMap<Rc<str>, Value>;

#[derive(Debug)]
pub struct Build {
    pub stages: Vec<Stage>,
    pub images: Vec<ImageUse>,
    /// What expansions of this file may still produce (rules that expand
    /// variables draw on it too).
    pub budget: Budget,
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
    /// `ENV` as the parent stage left it.
    inherited: Env,
    /// `ENV` as this stage leaves it (filled in when the stage ends).
    final_env: Env,
    /// `ENV` and `ARG` set in this stage, by name, in order.
    own: HashMap<Rc<str>, Vec<Var>>,
}

/// One `ENV` or `ARG` setting of a variable.
#[derive(Debug, Clone)]
pub struct Var {
    pub kind: VarKind,
    /// `None` for an `ARG` with no default and no value given.
    pub value: Option<Value>,
    /// Index of the instruction.
    pub instruction: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    Env,
    Arg,
}

impl Stage {
    /// The value `name` has before instruction `before` of this stage: what
    /// `ENV` set here or in a stage this one derives from, which always
    /// wins over an `ARG` of the same name; else what an `ARG` of this
    /// stage set. `Some(None)` for an `ARG` declared without a value.
    fn var(&self, name: &str, before: usize) -> Option<Option<&Value>> {
        let own = self.own.get(name).map(|vars| {
            let upto = vars.partition_point(|v| v.instruction < before);
            &vars[..upto]
        });
        let own = own.unwrap_or_default();
        if let Some(env) = own.iter().rev().find(|v| v.kind == VarKind::Env) {
            return Some(env.value.as_ref());
        }
        if let Some(value) = self.inherited.get(name) {
            return Some(Some(value));
        }
        own.last().map(|arg| arg.value.as_ref())
    }

    fn set(&mut self, name: String, kind: VarKind, value: Option<Value>, instruction: usize) {
        self.own.entry(Rc::from(name)).or_default().push(Var {
            kind,
            value,
            instruction,
        });
    }

    /// Settle `final_env` once the stage's last instruction is read.
    fn finish(&mut self) {
        let mut env = self.inherited.clone();
        for (name, vars) in &self.own {
            if let Some(Var {
                value: Some(value), ..
            }) = vars.iter().rev().find(|v| v.kind == VarKind::Env)
            {
                env.insert_mut(name.clone(), value.clone());
            }
        }
        self.final_env = env;
    }
}

impl Build {
    /// The value of variable `name` for instruction `before` of stage
    /// `stage`, as a `RUN` sees it: `ENV` of the stage and the stages it
    /// derives from, then `ARG` of the stage. `None` when it has none.
    pub fn var(&self, stage: usize, name: &str, before: usize) -> Option<&Value> {
        self.stages.get(stage)?.var(name, before).flatten()
    }

    /// A word of instruction `instruction` with the variables it names
    /// (`ENV` and `ARG` of its stage) filled in, as BuildKit expands the
    /// sources of `ADD` and `COPY`.
    pub fn expand_at(&self, instruction: usize, word: &str, escape: char) -> Expansion {
        let stage = self.stage_of(instruction);
        let lookup = |name: &str| stage.and_then(|s| self.var(s, name, instruction)).cloned();
        expand(word, escape, &lookup, &self.budget)
    }

    /// The stage that holds instruction `instruction`.
    pub fn stage_of(&self, instruction: usize) -> Option<usize> {
        let after = self.stages.partition_point(|s| s.from <= instruction);
        let stage = after.checked_sub(1)?;
        (instruction < self.stages[stage].end).then_some(stage)
    }
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
    let budget = Budget::for_text(dockerfile.text.len());
    let mut images = Vec::new();
    if let Some(syntax) = dockerfile.directive("syntax") {
        images.push(ImageUse {
            source: ImageSource::Syntax,
            written: syntax.value.clone(),
            expanded: Expansion::literal(&syntax.value),
            reference: ImageRef::parse(&syntax.value),
            span: syntax.value_span,
            instruction: None,
        });
    }

    let escape = dockerfile.escape;
    let given = |name: &str| build_args.get(name).map(|v| Value::literal(v));
    // Build arguments declared before the first FROM: their values are what
    // FROM lines see. `None`: declared without a value.
    let mut global: HashMap<String, Option<Value>> = PLATFORM_ARGS
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                Some(given(name).unwrap_or_else(|| Value::literal(value))),
            )
        })
        .collect();
    let mut stages: Vec<Stage> = Vec::new();
    let mut stage_names: HashMap<String, usize> = HashMap::new();

    for (index, instruction) in dockerfile.instructions.iter().enumerate() {
        let current = stages.len().checked_sub(1);
        match instruction.keyword {
            Keyword::Arg => {
                for word in raw_words(dockerfile, instruction) {
                    let (name, default) = match word.split_once('=') {
                        Some((name, default)) => (name.to_owned(), Some(default.to_owned())),
                        None => (word.clone(), None),
                    };
                    let value = if let Some(given) = given(&name) {
                        Some(given)
                    } else if let Some(default) = default {
                        let scope = |n: &str| match current {
                            Some(stage) => stages[stage].var(n, index).flatten().cloned(),
                            None => lookup(&global, n),
                        };
                        Some(expand(&default, escape, &scope, &budget).into_value())
                    } else if current.is_some() || is_platform_arg(&name) {
                        // `ARG NAME` in a stage takes the global value; a
                        // platform argument always has one.
                        global.get(&name).cloned().flatten()
                    } else {
                        None
                    };
                    match current {
                        Some(stage) => stages[stage].set(name, VarKind::Arg, value, index),
                        None => {
                            global.insert(name, value);
                        }
                    }
                }
            }
            Keyword::From => {
                let words = instruction.whitespace_words();
                let Some(image_word) = words.first() else {
                    continue;
                };
                let name = (words.len() == 3).then(|| words[2].as_str().to_ascii_lowercase());
                let expanded = expand(
                    image_word.as_str(),
                    escape,
                    &|n| lookup(&global, n),
                    &budget,
                );
                let target = expanded.value.to_ascii_lowercase();
                let parent = stage_names.get(&target).copied();
                if parent.is_none() && !target.eq_ignore_ascii_case("scratch") {
                    images.push(image_use(ImageSource::From, image_word, expanded, index));
                }
                if let Some(last) = stages.last_mut() {
                    last.end = index;
                    last.finish();
                }
                let inherited = parent
                    .map(|p| stages[p].final_env.clone())
                    .unwrap_or_default();
                if let Some(name) = &name {
                    stage_names.entry(name.clone()).or_insert(stages.len());
                }
                stages.push(Stage {
                    name,
                    from: index,
                    end: dockerfile.instructions.len(),
                    parent,
                    inherited,
                    final_env: Env::new(),
                    own: HashMap::new(),
                });
            }
            Keyword::Env => {
                if let Some(stage) = current {
                    // `ENV A=1 B=$A`: values see the variables from before
                    // the instruction, as BuildKit expands them.
                    let values: Vec<(String, Value)> = env_pairs(dockerfile, instruction)
                        .into_iter()
                        .map(|(name, raw)| {
                            let scope = |n: &str| stages[stage].var(n, index).flatten().cloned();
                            (name, expand(&raw, escape, &scope, &budget).into_value())
                        })
                        .collect();
                    for (name, value) in values {
                        stages[stage].set(name, VarKind::Env, Some(value), index);
                    }
                }
            }
            _ => {}
        }

        // Images used by COPY --from and RUN --mount=from=, also behind ONBUILD.
        let effective = instruction.effective();
        let scope = |n: &str| {
            current
                .and_then(|stage| stages[stage].var(n, index))
                .map_or_else(|| lookup(&global, n), |v| v.cloned())
        };
        for (source, word) in stage_references(effective) {
            let expanded = expand(word.as_str(), escape, &scope, &budget);
            if refers_to_stage(&expanded.value, &stage_names) {
                continue;
            }
            images.push(image_use(source, &word, expanded, index));
        }
    }
    if let Some(last) = stages.last_mut() {
        last.finish();
    }
    Build {
        stages,
        images,
        budget,
    }
}

fn is_platform_arg(name: &str) -> bool {
    PLATFORM_ARGS.iter().any(|(n, _)| *n == name)
}

fn lookup(scope: &HashMap<String, Option<Value>>, name: &str) -> Option<Value> {
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
fn refers_to_stage(value: &str, stage_names: &HashMap<String, usize>) -> bool {
    let lower = value.to_ascii_lowercase();
    (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
        || lower == "scratch"
        || stage_names.contains_key(&lower)
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
