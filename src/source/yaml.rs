//! YAML as the Compose and CI rules read it: a tree of mappings, sequences
//! and scalars in which every node keeps its byte span, read by `saphyr`
//! (YAML 1.2, maintained; it reports positions and bounds alias
//! expansion by a node budget of its own, to which [`MAX_ALIAS_BYTES`]
//! adds one in bytes). On top of what the parser gives: merge keys (`<<: *base`,
//! `<<: [*a, *b]`) are applied as Compose applies them, keys written in
//! the mapping winning; a quoted scalar's span ends at its closing quote
//! and a plain one's at its last character; a node reached through an
//! alias keeps the span of the anchored node, where a fix would go; a
//! tagged node (`!reset`, `!override`, Compose's own) keeps its tag and
//! its value, placed after the tag. A key written twice in one mapping is
//! an error, unless the kind reads it as GitLab does
//! ([`DuplicateKeys::LastWins`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::{
    BufferedInput, Event, Marker, Parser, ScalarStyle, ScanError, Span as EventSpan,
    SpannedEventReceiver, Tag,
};

use super::span::{LineIndex, Position, Span};

/// The most bytes of scalar text that aliases may copy in one file.
/// saphyr clones an anchored node for every alias that names it and
/// bounds only how many nodes that makes (100,000), so a 100 KB scalar
/// behind four levels of ten aliases became a gigabyte, and 80,000 aliases
/// of one 100 KB scalar more than the machine had. Real files repeat a
/// few kilobytes (a service's defaults, a job template) a few dozen
/// times; 32 MiB is a thousand times that, and what the tree then holds
/// stays within a few hundred MiB.
pub const MAX_ALIAS_BYTES: usize = 32 * 1024 * 1024;

/// The most nodes (scalars, sequences, mappings, keys included, aliases
/// expanded) one file may hold. Each costs a few hundred bytes in
/// saphyr's tree and ours, so a flat `[1,1,1,…]` of 60 MiB took 6 GB, and
/// aliases used as keys, which saphyr's own budget does not count, took
/// gigabytes from a kilobyte. The largest real Compose and CI files hold
/// a few tens of thousands; a Compose file of 100,000 services holds
/// about 400,000.
pub const MAX_NODES: usize = 500_000;

/// Documents nest a handful of levels; this keeps every walk of the tree
/// far from the end of the stack.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
    /// A local tag as written (`!reset`, `!override`); the core schema's
    /// (`!!str`) are not kept.
    pub tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar as text (`1` and `true` too); `None` for null.
    Scalar(Option<String>),
    Sequence(Vec<Node>),
    /// Entries in file order, merge keys applied.
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text, if this is a non-null scalar.
    pub fn str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(Some(text)) => Some(text),
            _ => None,
        }
    }

    /// The value under key `name`, if this is a mapping that has it.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(key, _)| key.str() == Some(name))
            .map(|(_, value)| value)
    }

    /// A mapping's entries; none for anything else.
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Mapping(entries) => entries,
            _ => &[],
        }
    }

    /// A sequence's items; none for anything else.
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Sequence(items) => items,
            _ => &[],
        }
    }
}

/// What a key written twice in one mapping means to the program that
/// reads the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DuplicateKeys {
    /// An error, as Compose (go-yaml) and GitHub Actions refuse it.
    #[default]
    Refused,
    /// The last one wins, as GitLab (Ruby's Psych) reads it, and each of
    /// several `<<` keys merges, a later one over an earlier one.
    LastWins,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub position: Position,
}

/// The documents of a YAML stream (`---` separates them).
///
/// go-yaml, which Compose and GitHub read YAML with, accepts a flow
/// collection whose closing `]` or `}` stands at the indentation of its
/// key (`test: [` … `]` under `healthcheck:`), or less; YAML 1.2, and so
/// saphyr, does not. When saphyr refuses such a line, every line from it
/// on that starts with `]` or `}` is moved deep enough at once (see
/// [`closing_lines`]) and the text is read again: two readings at most,
/// whatever the number of such lines. Spans are given back in the file's
/// own offsets. A key written twice in one mapping is an error.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    parse_with(text, DuplicateKeys::Refused)
}

/// [`parse`], with keys written twice read as `keys` says.
pub fn parse_with(text: &str, keys: DuplicateKeys) -> Result<Vec<Node>, YamlError> {
    let lines = LineIndex::new(text);
    let unchanged = Shift::default();
    let offsets = CharOffsets::new(text);
    let failure = match load(text, keys) {
        Ok(loaded) => return build(&loaded.documents, text, &offsets, &unchanged, &lines),
        Err(failure) => failure,
    };
    let refused = || error_at(&failure, &offsets, &unchanged, text, &lines);
    let Some(from) = closing_line_refused(&failure, text, &offsets, &lines) else {
        return Err(refused());
    };
    let Some(shift) = closing_lines(text, &lines, from) else {
        return Err(refused());
    };
    let working = shift.insert(text);
    let in_working = CharOffsets::new(&working);
    let loaded = match load(&working, keys) {
        Ok(loaded) => loaded,
        Err(again) => return Err(error_at(&again, &in_working, &shift, text, &lines)),
    };
    // A block scalar is text: a space added to it would change a script.
    let block_scalars: Vec<Span> = loaded
        .block_scalars
        .iter()
        .map(|&(start, end)| {
            let start = shift.original(in_working.byte(start));
            let first_line = lines.line_range(text, lines.line_of(start)).start;
            Span::new(first_line, shift.original(in_working.byte(end)))
        })
        .collect();
    if shift.lands_in(&block_scalars) {
        return Err(refused());
    }
    build(&loaded.documents, text, &in_working, &shift, &lines)
}

/// The tree of `documents`, read from the text that `offsets` index (the
/// file's, with `shift`'s spaces), with spans in `text`, the file's own,
/// which `lines` indexes.
fn build(
    documents: &[MarkedYaml],
    text: &str,
    offsets: &CharOffsets,
    shift: &Shift,
    lines: &LineIndex,
) -> Result<Vec<Node>, YamlError> {
    let reader = Reader {
        text: offsets.text,
        offsets,
    };
    let mut nodes = documents
        .iter()
        .map(|document| reader.node(document, 0))
        .collect::<Result<Vec<Node>, (String, usize)>>()
        .map_err(|(message, at)| YamlError {
            message,
            position: lines.position(text, shift.original(offsets.byte(at))),
        })?;
    if !shift.runs.is_empty() {
        for node in &mut nodes {
            shift.apply(node);
        }
    }
    Ok(nodes)
}

/// `failure`, found in the text that `offsets` index, placed in `text`.
fn error_at(
    failure: &Failure,
    offsets: &CharOffsets,
    shift: &Shift,
    text: &str,
    lines: &LineIndex,
) -> YamlError {
    let at = match failure {
        Failure::Syntax(e) => e.marker().index(),
        Failure::Aliases(at) | Failure::Nodes(at, _) => at.index(),
    };
    YamlError {
        message: failure_message(failure),
        position: lines.position(text, shift.original(offsets.byte(at))),
    }
}

/// The 0-based line of `text` that saphyr refused for its indentation,
/// when it is a closing line (one whose first character other than a
/// space is `]` or `}`).
fn closing_line_refused(
    failure: &Failure,
    text: &str,
    offsets: &CharOffsets,
    lines: &LineIndex,
) -> Option<usize> {
    let Failure::Syntax(e) = failure else {
        return None;
    };
    let line = lines.line_of(offsets.byte(e.marker().index()));
    let closing = Line::read(text, lines, line).is_closing();
    (e.info().contains("indentation") && closing).then_some(line)
}

/// Spaces that move every closing line from 0-based line `from` on to
/// where saphyr takes it, block scalars left alone; `None` when they
/// would more than double the text (a legitimate file adds a few per
/// closing line).
///
/// saphyr wants a line inside a flow collection deeper than the block
/// node that holds the collection, and after a quoted scalar one column
/// deeper still: tried on saphyr 0.3.4, `key: [` at column k, then
/// `"a",`, takes its `]` at column k + 1 but not k (at k after a plain
/// scalar), and never needs more. What it requires does not grow inside
/// one collection. So a closing line goes one column deeper than the key
/// on the last line that opened a collection (past any `- `), as deep as
/// the line of content before it (saphyr took that one), and one column
/// deeper than it stands; never less deep than it was.
fn closing_lines(text: &str, lines: &LineIndex, from: usize) -> Option<Shift> {
    let mut shift = Shift::default();
    let mut added = 0usize;
    // How deep the next closing line must stand.
    let mut floor = (0..from)
        .rev()
        .map(|number| Line::read(text, lines, number))
        .find(Line::has_tokens)
        .map_or(0, |line| line.floor(line.indent));
    // Inside a block scalar: the column its content is deeper than.
    let mut block_scalar: Option<usize> = None;
    for number in from..lines.len() {
        let line = Line::read(text, lines, number);
        if line.is_blank() {
            continue;
        }
        if let Some(parent) = block_scalar {
            if line.indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if !line.has_tokens() {
            continue;
        }
        let indent = if line.is_closing() {
            let wanted = (line.indent + 1).max(floor);
            added += wanted - line.indent;
            if added > text.len() {
                return None;
            }
            shift.push(line.start, wanted - line.indent);
            wanted
        } else {
            line.indent
        };
        floor = line.floor(indent);
        block_scalar = line.block_scalar_parent();
    }
    Some(shift)
}

/// One line, as the go-yaml leniency reads it.
struct Line<'t> {
    /// Where it starts in the text.
    start: usize,
    /// Its leading spaces.
    indent: usize,
    /// The rest, without the line end.
    rest: &'t str,
}

impl<'t> Line<'t> {
    fn read(text: &'t str, lines: &LineIndex, number: usize) -> Line<'t> {
        let range = lines.line_range(text, number);
        let body = &text[range.start..range.end];
        let rest = body.trim_start_matches(' ');
        Line {
            start: range.start,
            indent: body.len() - rest.len(),
            rest,
        }
    }

    fn is_blank(&self) -> bool {
        self.rest.trim_start_matches(['\t', ' ']).is_empty()
    }

    /// Neither blank nor a comment.
    fn has_tokens(&self) -> bool {
        !self.is_blank() && !self.rest.trim_start_matches('\t').starts_with('#')
    }

    fn is_closing(&self) -> bool {
        self.rest.starts_with([']', '}'])
    }

    /// The line before a comment (a `#` at the start or after a blank).
    fn code(&self) -> &'t str {
        let comment = self
            .rest
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || self.rest[..i].ends_with([' ', '\t'])));
        comment
            .map_or(self.rest, |(i, _)| &self.rest[..i])
            .trim_end()
    }

    /// Past the block sequence entries (`- `) and explicit keys (`? `)
    /// the line starts with: how far, and the column of the last `-`.
    fn entries(&self) -> (usize, Option<usize>) {
        let (mut at, mut dash) = (0, None);
        loop {
            let rest = &self.rest[at..];
            let Some(after) = rest.strip_prefix(['-', '?']) else {
                break;
            };
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            if blanks == 0 {
                break;
            }
            if rest.starts_with('-') {
                dash = Some(self.indent + at);
            }
            at += 1 + blanks;
        }
        (at, dash)
    }

    /// How deep a closing line after this one must stand, this one
    /// standing at column `indent`: one deeper than its key if it opens a
    /// collection, else as deep as itself.
    fn floor(&self, indent: usize) -> usize {
        if self.code().contains(['[', '{']) {
            indent + self.entries().0 + 1
        } else {
            indent
        }
    }

    /// If this line ends with a block scalar's indicator (`|`, `>-`,
    /// `|2+`), the column its content lines are deeper than: its key's,
    /// or its `- `'s.
    fn block_scalar_parent(&self) -> Option<usize> {
        let code = self.code();
        let (before, indicator) = code.rsplit_once([' ', '\t']).unwrap_or(("", code));
        let is_indicator = indicator.starts_with(['|', '>'])
            && indicator.len() <= 3
            && indicator[1..]
                .chars()
                .all(|c| matches!(c, '+' | '-' | '1'..='9'));
        if !is_indicator {
            return None;
        }
        let (past_entries, dash) = self.entries();
        let keyed = before.len() > past_entries && before[past_entries..].contains(':');
        Some(match (keyed, dash) {
            (true, _) => self.indent + past_entries,
            (false, Some(dash)) => dash,
            (false, None) => self.indent.saturating_sub(1),
        })
    }
}

/// A text loaded: its documents, and where its block scalars are
/// (character indices from the first character of the content to the
/// next token).
struct Loaded<'input> {
    documents: Vec<MarkedYaml<'input>>,
    block_scalars: Vec<(usize, usize)>,
}

/// Why a text did not load.
enum Failure {
    Syntax(ScanError),
    /// Aliases would copy more than [`MAX_ALIAS_BYTES`]: the first alias
    /// past the budget.
    Aliases(Marker),
    /// The file would hold more than [`MAX_NODES`] nodes: where it passed
    /// them, and whether an alias did.
    Nodes(Marker, bool),
}

fn failure_message(failure: &Failure) -> String {
    match failure {
        Failure::Syntax(e) => format!("invalid YAML: {}", e.info()),
        Failure::Aliases(_) => format!(
            "invalid YAML: alias expansion exceeded the maximum size budget of {} MiB (possible billion-laughs attack)",
            MAX_ALIAS_BYTES / (1024 * 1024)
        ),
        Failure::Nodes(_, true) => format!(
            "invalid YAML: alias expansion exceeded the maximum node budget of {MAX_NODES} nodes in a file (possible billion-laughs attack)"
        ),
        Failure::Nodes(_, false) => {
            format!("more than {MAX_NODES} YAML nodes: too large to audit")
        }
    }
}

/// The documents of `text` as saphyr builds them, fed through [`Loading`].
fn load(text: &str, keys: DuplicateKeys) -> Result<Loaded<'_>, Failure> {
    let mut loading = Loading::default();
    if keys == DuplicateKeys::LastWins {
        loading.loader.allow_duplicate_keys(true);
        loading.again = Some(KeysAgain::default());
    }
    // Once refused, the parser is given no more text: the rest of a huge
    // file is not scanned for nothing.
    let stopped = std::rc::Rc::clone(&loading.stopped);
    let input = text.chars().take_while(move |_| !stopped.get());
    let mut parser = Parser::new(BufferedInput::new(input));
    let parsed = parser.load(&mut loading, true);
    // An alias refused stops the loading where it stands, before any
    // later syntax error.
    if let Some(refused) = loading.refused {
        return Err(refused);
    }
    parsed.map_err(Failure::Syntax)?;
    if let Some(error) = loading.loader.error() {
        return Err(Failure::Syntax(error.clone()));
    }
    Ok(Loaded {
        documents: loading.loader.into_documents(),
        block_scalars: loading.block_scalars,
    })
}

/// saphyr's loader, fed by the parser through a count of the bytes each
/// alias copies. What a node expands to is known once it ends (its
/// scalars' bytes, what its own aliases copy included), so an alias past
/// the budget is refused before saphyr clones anything for it, and from
/// then on the loader is fed nothing more.
#[derive(Default)]
struct Loading<'input> {
    loader: YamlLoader<'input, MarkedYaml<'input>>,
    /// What each anchored node expands to, by the parser's anchor id.
    anchored: HashMap<usize, Size>,
    /// The collections being read: their anchor id (0 for none) and what
    /// they expand to so far.
    open: Vec<(usize, Size)>,
    /// The bytes the aliases read so far copy.
    copied: usize,
    /// The nodes of the file so far, aliases expanded.
    nodes: usize,
    refused: Option<Failure>,
    /// Set when refused: the input ends there.
    stopped: std::rc::Rc<std::cell::Cell<bool>>,
    /// Every literal (`|`) or folded (`>`) scalar read.
    block_scalars: Vec<(usize, usize)>,
    /// Where each anchored scalar is, by anchor id: an alias of it is
    /// placed there, where a fix would go (saphyr places it at the alias).
    scalar_anchors: HashMap<usize, EventSpan>,
    /// For [`DuplicateKeys::LastWins`]: the keys of the mappings open.
    again: Option<KeysAgain>,
}

/// The suffix of the tag a key written again is given.
const KEY_AGAIN: &str = "repro-audit-key-again-";

/// The keys of the mappings being read. saphyr's loader keeps one value
/// per key, so a key written again reaches it under a tag of its own
/// (the tree reads through tags): both values stay, and the tree keeps the
/// last one and applies every `<<` (see [`last_wins`]).
#[derive(Default)]
struct KeysAgain {
    /// Each collection open: for a mapping, whether a key comes next and
    /// the keys it has.
    open: Vec<Option<(bool, HashSet<String>)>>,
    /// Keys written again so far, each tagged apart.
    again: usize,
}

impl KeysAgain {
    fn event<'input>(&mut self, event: Event<'input>) -> Event<'input> {
        let event = match (event, self.open.last_mut()) {
            (Event::Scalar(text, style, anchor, tag), Some(Some((true, keys)))) => {
                if keys.insert(text.to_string()) {
                    Event::Scalar(text, style, anchor, tag)
                } else {
                    self.again += 1;
                    let tag = Tag {
                        handle: "!".to_owned(),
                        suffix: format!("{KEY_AGAIN}{}", self.again),
                    };
                    Event::Scalar(text, style, anchor, Some(Cow::Owned(tag)))
                }
            }
            (event, _) => event,
        };
        match &event {
            Event::Scalar(..) | Event::Alias(_) => self.ended(),
            Event::SequenceStart(..) => self.open.push(None),
            Event::MappingStart(..) => self.open.push(Some((true, HashSet::new()))),
            Event::SequenceEnd | Event::MappingEnd => {
                self.open.pop();
                self.ended();
            }
            _ => {}
        }
        event
    }

    /// A node ended: in a mapping, a value comes after a key and a key
    /// after a value.
    fn ended(&mut self) {
        if let Some(Some((key_next, _))) = self.open.last_mut() {
            *key_next = !*key_next;
        }
    }
}

/// What a node expands to: its scalars' bytes and its nodes.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    bytes: usize,
    nodes: usize,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.bytes = self.bytes.saturating_add(other.bytes);
        self.nodes = self.nodes.saturating_add(other.nodes);
    }
}

impl<'input> SpannedEventReceiver<'input> for Loading<'input> {
    fn on_event(&mut self, event: Event<'input>, span: EventSpan) {
        if self.refused.is_some() {
            return;
        }
        let one = |bytes| Size { bytes, nodes: 1 };
        match &event {
            Event::Scalar(text, style, anchor, _) => {
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    self.block_scalars
                        .push((span.start.index(), span.end.index()));
                }
                if !self.count(1, false, span.start) {
                    return;
                }
                if *anchor > 0 {
                    self.scalar_anchors.insert(*anchor, span);
                }
                self.ended(*anchor, one(text.len()));
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if !self.count(1, false, span.start) {
                    return;
                }
                self.open.push((*anchor, one(0)));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, size)) = self.open.pop() {
                    self.ended(anchor, size);
                }
            }
            Event::Alias(anchor) => {
                // An alias copies what its anchor expands to, wherever it
                // stands (as a key too): counted before saphyr copies it.
                let size = self.anchored.get(anchor).copied().unwrap_or_default();
                self.copied = self.copied.saturating_add(size.bytes);
                if self.copied > MAX_ALIAS_BYTES {
                    self.refuse(Failure::Aliases(span.start));
                    return;
                }
                if !self.count(size.nodes, true, span.start) {
                    return;
                }
                self.ended(0, size);
            }
            _ => {}
        }
        let span = match &event {
            Event::Alias(anchor) => self.scalar_anchors.get(anchor).copied().unwrap_or(span),
            _ => span,
        };
        let event = match &mut self.again {
            Some(again) => again.event(event),
            None => event,
        };
        self.loader.on_event(event, span);
    }
}

impl Loading<'_> {
    /// `nodes` more in the file; false (and refused) past [`MAX_NODES`].
    fn count(&mut self, nodes: usize, alias: bool, at: Marker) -> bool {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            self.refuse(Failure::Nodes(at, alias));
            return false;
        }
        true
    }

    fn refuse(&mut self, failure: Failure) {
        self.refused = Some(failure);
        self.stopped.set(true);
    }

    /// A node of `size` ended: it counts in its parent's size, and is
    /// remembered if anchored.
    fn ended(&mut self, anchor: usize, size: Size) {
        if anchor > 0 {
            self.anchored.insert(anchor, size);
        }
        if let Some((_, parent)) = self.open.last_mut() {
            parent.add(size);
        }
    }
}

/// Spaces added at the start of some lines, and the way back from
/// offsets in the text with them to offsets in the file.
#[derive(Default)]
struct Shift {
    /// In file order.
    runs: Vec<Run>,
}

struct Run {
    /// Where the spaces go in the file (a line start).
    at: usize,
    spaces: usize,
    /// Where they stand in the text with them.
    working: usize,
}

impl Shift {
    fn push(&mut self, at: usize, spaces: usize) {
        let before = self
            .runs
            .last()
            .map_or(0, |run| run.working - run.at + run.spaces);
        self.runs.push(Run {
            at,
            spaces,
            working: at + before,
        });
    }

    /// `text` with the spaces.
    fn insert(&self, text: &str) -> String {
        let added: usize = self.runs.iter().map(|run| run.spaces).sum();
        let mut out = String::with_capacity(text.len() + added);
        let mut copied = 0;
        for run in &self.runs {
            out.push_str(&text[copied..run.at]);
            out.extend(std::iter::repeat_n(' ', run.spaces));
            copied = run.at;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// The file's offset of `working`, an offset of the text with the
    /// spaces (an added space is where its line starts).
    fn original(&self, working: usize) -> usize {
        let after = self.runs.partition_point(|run| run.working <= working);
        let Some(run) = after.checked_sub(1).map(|i| &self.runs[i]) else {
            return working;
        };
        if working < run.working + run.spaces {
            run.at
        } else {
            working - (run.working - run.at) - run.spaces
        }
    }

    /// Whether a line that was moved starts with text inside one of
    /// `blocks` (spans in the file, sorted, each from the start of the
    /// line its content starts on).
    fn lands_in(&self, blocks: &[Span]) -> bool {
        self.runs.iter().any(|run| {
            let before = blocks.partition_point(|block| block.start <= run.at);
            before
                .checked_sub(1)
                .is_some_and(|i| run.at < blocks[i].end)
        })
    }

    fn apply(&self, node: &mut Node) {
        node.span = Span::new(self.original(node.span.start), self.original(node.span.end));
        match &mut node.value {
            Value::Scalar(_) => {}
            Value::Sequence(items) => items.iter_mut().for_each(|item| self.apply(item)),
            Value::Mapping(entries) => {
                for (key, value) in entries {
                    self.apply(key);
                    self.apply(value);
                }
            }
        }
    }
}

/// Byte offsets of character indices (the parser counts characters),
/// from the offset of every [`STRIDE`]th character: an eighth of a byte
/// per character rather than eight.
struct CharOffsets<'t> {
    text: &'t str,
    strides: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str) -> CharOffsets<'t> {
        let strides = text
            .char_indices()
            .step_by(STRIDE)
            .map(|(i, _)| i)
            .collect();
        CharOffsets { text, strides }
    }

    /// The byte offset of character `char_index` (the end past the last).
    fn byte(&self, char_index: usize) -> usize {
        let Some(&from) = self.strides.get(char_index / STRIDE) else {
            return self.text.len();
        };
        self.text[from..]
            .char_indices()
            .nth(char_index % STRIDE)
            .map_or(self.text.len(), |(i, _)| from + i)
    }
}

struct Reader<'a> {
    text: &'a str,
    offsets: &'a CharOffsets<'a>,
}

impl Reader<'_> {
    fn node(&self, node: &MarkedYaml, depth: usize) -> Result<Node, (String, usize)> {
        self.read(node, node.span, depth)
    }

    /// `node`, found at `marked`.
    fn read(
        &self,
        node: &MarkedYaml,
        marked: EventSpan,
        depth: usize,
    ) -> Result<Node, (String, usize)> {
        let start_char = marked.start.index();
        if depth > MAX_DEPTH {
            return Err((
                format!("YAML nested deeper than {MAX_DEPTH} levels"),
                start_char,
            ));
        }
        let span = Span::new(
            self.offsets.byte(start_char),
            self.offsets.byte(marked.end.index()),
        );
        // A tag (`!reset`, `!!str`) is no part of the value; nothing else
        // that YAML reads as a node starts with `!`.
        let span = self.past_tag(span);
        let value = match &node.data {
            YamlData::Value(scalar) => Value::Scalar(scalar_text(scalar)),
            YamlData::Representation(text, _, _) => Value::Scalar(Some(text.to_string())),
            YamlData::Sequence(items) => Value::Sequence(
                items
                    .iter()
                    .map(|item| self.node(item, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            YamlData::Mapping(mapping) => {
                let mut written = Vec::new();
                let mut merged = Vec::new();
                for (key, value) in mapping {
                    let key = self.node(key, depth + 1)?;
                    let value = self.node(value, depth + 1)?;
                    if key.str() == Some("<<") {
                        merged.push(value);
                    } else {
                        written.push((key, value));
                    }
                }
                // Of several `<<` keys, a later one wins (Psych merges
                // each in turn over what the mapping holds so far).
                merged.reverse();
                Value::Mapping(merge(last_wins(written), merged, start_char)?)
            }
            YamlData::Tagged(tag, inner) => {
                // saphyr gives a tagged scalar's place to the tag's wrapper
                // alone, and starts a tagged collection at its tag.
                let marked = if inner.span.start.index() == 0 && inner.span.end.index() == 0 {
                    marked
                } else {
                    inner.span
                };
                let mut read = self.read(inner, marked, depth + 1)?;
                // A key written again is tagged apart by the loader (see
                // `KeysAgain`); that tag is ours, not the file's.
                if !tag.suffix.starts_with(KEY_AGAIN) {
                    read.tag = Some(format!("{}{}", tag.handle, tag.suffix));
                }
                return Ok(read);
            }
            YamlData::Alias(_) | YamlData::BadValue => {
                return Err(("an alias to no anchor".to_owned(), start_char));
            }
        };
        let span = match &value {
            Value::Scalar(_) => self.scalar_span(span),
            _ => span,
        };
        // A number or a boolean as written: `0000…` (a commit id of
        // digits) or `1e5` must not become `0` or `100000`.
        let value = match &node.data {
            YamlData::Value(Scalar::Integer(_) | Scalar::FloatingPoint(_) | Scalar::Boolean(_)) => {
                match self.text.get(span.start..span.end) {
                    Some(written) => Value::Scalar(Some(written.to_owned())),
                    None => value,
                }
            }
            _ => value,
        };
        Ok(Node {
            value,
            span,
            tag: None,
        })
    }

    /// `span` less the tag it starts with and the blanks after it: where
    /// the value is.
    fn past_tag(&self, span: Span) -> Span {
        let Some(written) = self.text.get(span.start..span.end) else {
            return span;
        };
        if !written.starts_with('!') {
            return span;
        }
        let tag_end = written.find(char::is_whitespace).unwrap_or(written.len());
        let value = written[tag_end..].trim_start();
        Span::new(span.end - value.len(), span.end)
    }

    /// A scalar's span as written: to the closing quote of a quoted one,
    /// to the last character of a plain one (the parser's end can run on
    /// over spaces up to a comment).
    fn scalar_span(&self, span: Span) -> Span {
        let Some(mut written) = self.text.get(span.start..span.end) else {
            return span;
        };
        // Past its properties (`&anchor`, `!tag`), which no plain scalar
        // starts with: a fix rewrites the value and keeps the anchor.
        let mut start = span.start;
        while written.starts_with(['&', '!']) {
            let property = written.find(char::is_whitespace).unwrap_or(written.len());
            let value = written[property..].trim_start();
            start += written.len() - value.len();
            written = value;
        }
        let span = Span::new(start, span.end);
        let end = match written.chars().next() {
            Some('"') => closing_quote(written, '"', true),
            Some('\'') => closing_quote(written, '\'', false),
            _ => Some(written.trim_end().len()),
        };
        Span::new(span.start, span.start + end.unwrap_or(written.len()))
    }
}

/// The end (exclusive) of a quoted scalar that starts `text`.
fn closing_quote(text: &str, quote: char, backslash_escapes: bool) -> Option<usize> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if backslash_escapes && c == '\\' {
            chars.next();
        } else if c == quote {
            // `''` inside single quotes is a quote.
            if !backslash_escapes && chars.peek().is_some_and(|&(_, n)| n == quote) {
                chars.next();
                continue;
            }
            return Some(i + c.len_utf8());
        }
    }
    None
}

fn scalar_text(scalar: &Scalar) -> Option<String> {
    match scalar {
        Scalar::Null => None,
        Scalar::Boolean(b) => Some(b.to_string()),
        Scalar::Integer(i) => Some(i.to_string()),
        Scalar::FloatingPoint(f) => Some(f.to_string()),
        Scalar::String(s) => Some(s.to_string()),
    }
}

/// A mapping's entries with each key once: where a key is written again
/// (only a kind that reads it as GitLab does gets so far), the last one.
fn last_wins(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    // Most mappings are small and have no key twice: seen without
    // allocating.
    let small = entries.len() <= 16;
    let twice = |(i, (key, _)): (usize, &(Node, Node))| {
        key.str()
            .is_some_and(|name| entries[..i].iter().any(|(k, _)| k.str() == Some(name)))
    };
    if small && !entries.iter().enumerate().any(twice) {
        return entries;
    }
    let keep: Vec<bool> = {
        let mut last: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
        for (i, (key, _)) in entries.iter().enumerate() {
            if let Some(name) = key.str() {
                last.insert(name, i);
            }
        }
        entries
            .iter()
            .enumerate()
            .map(|(i, (key, _))| key.str().is_none_or(|name| last.get(name) == Some(&i)))
            .collect()
    };
    if !keep.contains(&false) {
        return entries;
    }
    entries
        .into_iter()
        .zip(keep)
        .filter_map(|(entry, kept)| kept.then_some(entry))
        .collect()
}

/// The entries of a mapping with its merge keys applied: the keys written
/// in it first, then those of each merged mapping that it lacks (the
/// first merged mapping wins over later ones).
fn merge(
    mut entries: Vec<(Node, Node)>,
    merged: Vec<Node>,
    at: usize,
) -> Result<Vec<(Node, Node)>, (String, usize)> {
    if merged.is_empty() {
        return Ok(entries);
    }
    let mut seen: HashSet<String> = entries
        .iter()
        .filter_map(|(key, _)| key.str().map(str::to_owned))
        .collect();
    for value in merged {
        let sources: Vec<Node> = match value.value {
            Value::Mapping(_) => vec![value],
            Value::Sequence(items) => items,
            _ => return Err(("`<<` merges a mapping or a list of mappings".into(), at)),
        };
        for source in sources {
            let Value::Mapping(inner) = source.value else {
                return Err(("`<<` merges a mapping or a list of mappings".into(), at));
            };
            for (key, value) in inner {
                let new = key.str().is_none_or(|name| seen.insert(name.to_owned()));
                if new {
                    entries.push((key, value));
                }
            }
        }
    }
    Ok(entries)
}

/// The spans of the comment lines of a YAML text: lines (ended by `\n`,
/// `\r\n` or `\r`, as `lines` ends them) whose first character other
/// than a space or tab is `#`.
pub fn comment_lines(text: &str, lines: &LineIndex) -> Vec<Span> {
    super::comment_lines(text, lines, "#")
}

/// The spans of the comments that end a line after something else
/// (`uses: o/a@v4 # v4`): a `#` after a space or tab, in no scalar of
/// `documents` (a `#` in a quoted value, or in a script of a block
/// scalar, is text), to the end of its line; and each comment after it
/// on the line (`# v4 # repro-audit ignore=…`).
pub fn trailing_comments(text: &str, lines: &LineIndex, documents: &[Node]) -> Vec<Span> {
    // Only lines with ` #` or `\t#` after their first token can have one.
    let candidates: Vec<(usize, Vec<usize>)> = (0..lines.len())
        .filter_map(|line| {
            let range = lines.line_range(text, line);
            let body = &text[range.start..range.end];
            let code = body.trim_start_matches([' ', '\t']);
            if code.starts_with('#') {
                return None;
            }
            let hashes: Vec<usize> = code
                .match_indices('#')
                .map(|(i, _)| i)
                .filter(|&i| i > 0 && code[..i].ends_with([' ', '\t']))
                .map(|i| range.end - code.len() + i)
                .collect();
            (!hashes.is_empty()).then_some((range.end, hashes))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let mut scalars = Vec::new();
    let mut open: Vec<&Node> = documents.iter().collect();
    while let Some(node) = open.pop() {
        match &node.value {
            Value::Scalar(_) if node.span.end > node.span.start => scalars.push(node.span),
            Value::Scalar(_) => {}
            Value::Sequence(items) => open.extend(items),
            Value::Mapping(entries) => open.extend(entries.iter().flat_map(|(k, v)| [k, v])),
        }
    }
    scalars.sort_by_key(|span| span.start);
    scalars.dedup();
    // The scalars that start at or before `at`, one of which may hold
    // it: spans of scalars do not overlap, so the last one that starts
    // there decides.
    let in_scalar = |at: usize| {
        let before = scalars.partition_point(|span| span.start <= at);
        before.checked_sub(1).is_some_and(|i| at < scalars[i].end)
    };
    candidates
        .into_iter()
        .filter_map(|(end, hashes)| {
            let start = hashes.into_iter().find(|&at| !in_scalar(at))?;
            Some(super::comment_and_after(text, Span::new(start, end), "#"))
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        parse(text).unwrap().remove(0)
    }

    #[test]
    fn spans_point_at_values() {
        let text = "services:\n  web:\n    image: \"python:3.13\"   # c\n  db: {image: 'post''gres', x: 1}\n  plain:\n    image: nginx:1.27   \n";
        let root = one(text);
        let services = root.get("services").unwrap();
        let image = |name: &str| services.get(name).unwrap().get("image").unwrap().clone();
        let web = image("web");
        assert_eq!(web.str(), Some("python:3.13"));
        assert_eq!(&text[web.span.start..web.span.end], "\"python:3.13\"");
        let db = image("db");
        assert_eq!(db.str(), Some("post'gres"));
        assert_eq!(&text[db.span.start..db.span.end], "'post''gres'");
        let plain = image("plain");
        assert_eq!(&text[plain.span.start..plain.span.end], "nginx:1.27");
        assert_eq!(
            services.get("db").unwrap().get("x").unwrap().str(),
            Some("1")
        );
    }

    #[test]
    fn tagged_values_keep_their_tag_and_their_place() {
        let text = "a: !override nginx:1.2\nb: !reset\nc: !reset []\nd: !override {x: 1}\ne: !reset 'q'  # c\nf: !!str 1\ng: !override\n  x: 1\nh: [!reset a]\n";
        let root = one(text);
        let at = |key: &str| {
            let node = root.get(key).unwrap();
            (node.tag.as_deref(), &text[node.span.start..node.span.end])
        };
        assert_eq!(at("a"), (Some("!override"), "nginx:1.2"));
        assert_eq!(root.get("a").unwrap().str(), Some("nginx:1.2"));
        assert_eq!(at("b"), (Some("!reset"), ""));
        assert_eq!(root.get("b").unwrap().str(), None);
        // A flow collection ends where its closing bracket starts.
        assert_eq!(at("c"), (Some("!reset"), "["));
        assert!(at("d").1.starts_with("{x: 1"), "{:?}", at("d"));
        assert_eq!(at("e"), (Some("!reset"), "'q'"));
        assert_eq!(at("f"), (None, "1"));
        assert_eq!(at("g").0, Some("!override"));
        assert_eq!(root.get("g").unwrap().get("x").unwrap().str(), Some("1"));
        let h = &root.get("h").unwrap().items()[0];
        assert_eq!(
            (h.tag.as_deref(), &text[h.span.start..h.span.end]),
            (Some("!reset"), "a")
        );
        // Where it is, for a message or a fix.
        let a = root.get("a").unwrap();
        assert_eq!(
            LineIndex::new(text).position(text, a.span.start),
            Position {
                line: 1,
                column: 14
            }
        );
    }

    #[test]
    fn numbers_keep_their_digits() {
        let root = one("ref: 0000000000000000000000000000000000000000\ne: 1e5\nb: true\n");
        assert_eq!(
            root.get("ref").unwrap().str(),
            Some("0000000000000000000000000000000000000000")
        );
        assert_eq!(root.get("e").unwrap().str(), Some("1e5"));
        assert_eq!(root.get("b").unwrap().str(), Some("true"));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let text = "x: &base\n  image: python:3\n  restart: always\ny: &other\n  user: app\nweb:\n  <<: [*base, *other]\n  image: nginx\n";
        let root = one(text);
        let web = root.get("web").unwrap();
        assert_eq!(web.get("image").unwrap().str(), Some("nginx"));
        assert_eq!(web.get("restart").unwrap().str(), Some("always"));
        assert_eq!(web.get("user").unwrap().str(), Some("app"));
        // Reached through the alias: the anchored node's span.
        let restart = web.get("restart").unwrap();
        assert_eq!(&text[restart.span.start..restart.span.end], "always");
        // An alias of a scalar too; and a scalar's span is its value, past
        // its anchor and tag, so that a fix keeps them.
        let text = "a: &i ruby:3\nb: *i\nc: !!str &j \"x\"\nd: *j\ne: &k\n  y\n";
        let root = one(text);
        let spans: Vec<&str> = root
            .entries()
            .iter()
            .map(|(_, v)| &text[v.span.start..v.span.end])
            .collect();
        assert_eq!(spans, ["ruby:3", "ruby:3", "\"x\"", "\"x\"", "y"]);
        assert_eq!(root.get("b").unwrap().span, root.get("a").unwrap().span);
    }

    #[test]
    fn documents_unicode_and_errors() {
        let docs = parse("a: é\n---\nb: ü\n").unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[1].get("b").unwrap();
        assert_eq!(b.span, Span::new(13, 15));
        let error = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(
            error.message.starts_with("invalid YAML"),
            "{}",
            error.message
        );
        let error = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(error.position.line, 2, "{error:?}");
        // A billion laughs ends in an error, not in memory.
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            laughs.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse(&laughs).is_err());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn keys_written_twice_are_refused_or_the_last_wins() {
        let text = "a: 1\nb: 2\na: 3\n";
        let error = parse(text).unwrap_err();
        assert_eq!(error.position, Position { line: 3, column: 1 }, "{error:?}");
        let last = |text: &str| parse_with(text, DuplicateKeys::LastWins).unwrap().remove(0);
        let root = last(text);
        let keys: Vec<&str> = root.entries().iter().filter_map(|(k, _)| k.str()).collect();
        assert_eq!(keys, ["b", "a"]);
        let a = root.get("a").unwrap();
        assert_eq!((a.str(), &text[a.span.start..a.span.end]), (Some("3"), "3"));
        // The key kept is the last one written, with its own span.
        let key = &root.entries()[1].0;
        assert_eq!(key.span.start, 10);
        // Deeper, in flow mappings, three times, and with merge keys.
        let root = last("j:\n  image: a\n  x: {k: 1, k: 2, k: 3}\n  image: b\n");
        let job = root.get("j").unwrap();
        assert_eq!(job.get("image").unwrap().str(), Some("b"));
        assert_eq!(job.get("x").unwrap().get("k").unwrap().str(), Some("3"));
        assert_eq!(job.get("x").unwrap().entries().len(), 1);
        // Two `<<` keys both merge, the later one over the earlier one, and
        // what the mapping writes over both.
        let text = ".a: &a {image: a, when: always, x: 1}\n.b: &b {image: b, y: 2}\nj:\n  <<: *a\n  <<: *b\n  x: 0\n";
        let job = last(text).get("j").unwrap().clone();
        assert_eq!(job.get("image").unwrap().str(), Some("b"));
        assert_eq!(job.get("when").unwrap().str(), Some("always"));
        assert_eq!(job.get("x").unwrap().str(), Some("0"));
        assert_eq!(job.get("y").unwrap().str(), Some("2"));
        // A sequence of mappings, each with two `<<` (libvirt-ci's rules).
        let text = ".m: &m {if: mr}\n.c: &c {changes: [x]}\nj:\n  rules:\n    - <<: *m\n      <<: *c\n    - when: never\n";
        let rules = last(text).get("j").unwrap().get("rules").unwrap().clone();
        assert_eq!(rules.items()[0].get("if").unwrap().str(), Some("mr"));
        assert_eq!(rules.items()[0].get("changes").unwrap().items().len(), 1);
        assert_eq!(rules.items()[1].get("when").unwrap().str(), Some("never"));
        // Refused as before for the other kinds, two `<<` included.
        assert!(parse(text).is_err());
        // A tagged scalar is placed after its tag (saphyr placed it at 0).
        let text = "a: !t value\nb: !t 'q'\n";
        let root = one(text);
        let spans: Vec<&str> = root
            .entries()
            .iter()
            .map(|(_, v)| &text[v.span.start..v.span.end])
            .collect();
        assert_eq!(spans, ["value", "'q'"]);
        // A key that is a collection, or an alias, is left to saphyr.
        assert!(parse_with("? [a]\n: 1\n? [a]\n: 2\n", DuplicateKeys::LastWins).is_ok());
    }

    #[test]
    fn aliases_are_bounded_by_the_bytes_they_copy() {
        // A 100 KB scalar behind four levels of ten aliases: 11,110 nodes,
        // well within saphyr's node budget, but a gigabyte of text.
        let mut text = format!("a0: &a0 \"{}\"\n", "x".repeat(100_000));
        for i in 1..5 {
            let aliases = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{aliases}]\n"));
        }
        let error = parse(&text).unwrap_err();
        assert!(
            error
                .message
                .starts_with("invalid YAML: alias expansion exceeded")
                && error.message.contains("32 MiB"),
            "{}",
            error.message
        );
        // Refused at the first alias past the budget, before it is
        // copied: 1 MB for `a1`, 10 MB for `a2`, then 10 MB for each
        // alias of `a2`, the third of which passes 32 MiB.
        let fourth = text.lines().nth(3).unwrap();
        let third = fourth.match_indices("*a2").nth(2).unwrap().0;
        assert_eq!(
            error.position,
            Position {
                line: 4,
                column: third + 1
            }
        );
        // The same aliases of a short scalar are read, each copy in place.
        let small = text.replacen(&"x".repeat(100_000), "x", 1);
        let root = one(&small);
        assert_eq!(root.get("a4").unwrap().items().len(), 10);
        let copied = &root.get("a4").unwrap().items()[9].items()[9].items()[9].items()[9];
        assert_eq!(copied.str(), Some("x"));
    }

    #[test]
    fn a_closing_bracket_at_its_keys_indentation_is_read_as_go_yaml_reads_it() {
        let text = "services:\n  web:\n    healthcheck:\n      test: [\n          \"CMD\",\n      ]\n      x: {\n        a: 1,\n      }\n    image: nginx:1\n";
        let root = one(text);
        let web = root.get("services").unwrap().get("web").unwrap();
        let test = web.get("healthcheck").unwrap().get("test").unwrap();
        assert_eq!(test.items()[0].str(), Some("CMD"));
        let image = web.get("image").unwrap();
        assert_eq!(&text[image.span.start..image.span.end], "nginx:1");
        // Errors elsewhere keep their place in the file.
        let error = parse("a: [\n]\nb: [1,\n").unwrap_err();
        assert_eq!(error.position.line, 4, "{error:?}");
    }

    #[test]
    fn closing_lines_are_moved_in_one_pass_whatever_their_number() {
        // After a quoted scalar saphyr wants the `]` one column deeper
        // than its key; 200 of them (the loop gave up after 64).
        for end in ["\n", "\r\n"] {
            let mut text = format!("x:{end}");
            for i in 0..200 {
                text.push_str(&format!("  k{i}: [{end}      \"v{i}\",{end}  ]{end}"));
            }
            text.push_str(&format!("y: 1{end}"));
            let root = one(&text);
            let x = root.get("x").unwrap();
            assert_eq!(x.entries().len(), 200);
            let last = x.get("k199").unwrap();
            let value = &last.items()[0];
            assert_eq!(value.str(), Some("v199"));
            assert_eq!(&text[value.span.start..value.span.end], "\"v199\"");
            // saphyr ends a flow collection where its closing bracket starts.
            assert!(text[last.span.start..].starts_with('['));
            assert!(text[last.span.end..].starts_with(']'));
            let y = root.get("y").unwrap();
            assert_eq!(&text[y.span.start..y.span.end], "1");
        }
    }

    #[test]
    fn nested_and_shallow_closing_lines_are_moved_far_enough() {
        let text = "a:\n  b: [\n    [\n      \"x\",\n  ],\n    {\n      \"k\": \"v\",\n  },\n  ]\n  c: d\n";
        let root = one(text);
        let b = root.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.items()[0].items()[0].str(), Some("x"));
        assert_eq!(b.items()[1].get("k").unwrap().str(), Some("v"));
        let c = root.get("a").unwrap().get("c").unwrap();
        assert_eq!(&text[c.span.start..c.span.end], "d");
        // Shallower than its key, as go-yaml also takes it.
        let text = "services:\n  web:\n    command: [\n      \"a\",\n  ]\n    image: nginx\n";
        let web = one(text)
            .get("services")
            .unwrap()
            .get("web")
            .unwrap()
            .clone();
        assert_eq!(web.get("command").unwrap().items()[0].str(), Some("a"));
        let image = web.get("image").unwrap();
        assert_eq!(&text[image.span.start..image.span.end], "nginx");
    }

    #[test]
    fn closing_lines_in_block_scalars_keep_their_text() {
        let text = "jobs:\n  a:\n    with:\n      args: [\n        \"x\",\n      ]\n    steps:\n      - run: |\n          f() {\n            echo\n          }\n          g() {\n          }\n        shell: bash\n      - run: >-\n          {\n          }\n";
        let root = one(text);
        let job = root.get("jobs").unwrap().get("a").unwrap();
        assert_eq!(
            job.get("with").unwrap().get("args").unwrap().items()[0].str(),
            Some("x")
        );
        let steps = job.get("steps").unwrap().items();
        let run = steps[0].get("run").unwrap();
        assert_eq!(run.str(), Some("f() {\n  echo\n}\ng() {\n}\n"));
        assert_eq!(steps[1].get("run").unwrap().str(), Some("{ }"));
        let shell = steps[0].get("shell").unwrap();
        assert_eq!(&text[shell.span.start..shell.span.end], "bash");
        // A space that lands in a block scalar all the same is caught.
        let mut shift = Shift::default();
        shift.push(10, 1);
        assert!(shift.lands_in(&[Span::new(4, 11)]));
        assert!(!shift.lands_in(&[Span::new(4, 10), Span::new(11, 20)]));
    }

    #[test]
    fn moving_closing_lines_never_more_than_doubles_the_text() {
        // Each `]` would need the 5,000 columns of the lines that opened
        // the collections: the original error stands.
        let mut text = String::from("a: [\n");
        for _ in 0..100 {
            text.push_str(&format!("{}[\n", " ".repeat(5000)));
        }
        text.push_str(&"]\n".repeat(101));
        let error = parse(&text).unwrap_err();
        assert_eq!(
            error.position,
            Position {
                line: 102,
                column: 1
            },
            "{error:?}"
        );
        assert!(error.message.contains("indentation"), "{}", error.message);
    }

    #[test]
    fn comment_lines_are_found() {
        for text in [
            "# a\nx: 1 # b\n  # c\n",
            "# a\rx: 1 # b\r  # c\r",
            "# a\r\nx: 1 # b\r  # c\n",
        ] {
            let found: Vec<&str> = comment_lines(text, &LineIndex::new(text))
                .iter()
                .map(|s| &text[s.start..s.end])
                .collect();
            assert_eq!(found, ["# a", "# c"], "{text:?}");
        }
    }

    #[test]
    fn trailing_comments_are_found_outside_scalars() {
        let text = "a: x # one\nb: 'y # q' # two\nc: \"m\n  n # q\" #three\nd: |  # four\n  echo # q\n  # q\ne: [1, 2] # five\nf: a#b\n# whole\n  # whole\ng: \"#\"\t# six\r\nh: *x # seven\n";
        let text = text.replace("*x", "1");
        let documents = parse(&text).unwrap();
        let found: Vec<&str> = trailing_comments(&text, &LineIndex::new(&text), &documents)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(
            found,
            ["# one", "# two", "#three", "# four", "# five", "# six", "# seven"]
        );
        // A comment after a comment is one too.
        let text = "uses: a@0 # v4 # repro-audit ignore=X #y\n";
        let documents = parse(text).unwrap();
        let found: Vec<&str> = trailing_comments(text, &LineIndex::new(text), &documents)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(
            found,
            [
                "# v4 # repro-audit ignore=X #y",
                "# repro-audit ignore=X #y",
                "#y"
            ]
        );
        assert!(trailing_comments("a: 1\n", &LineIndex::new("a: 1\n"), &[]).is_empty());
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        // YAML 1.2 reads `\r`, `\r\n` and `\n` alike; so do positions.
        for text in ["a: 1\rb: 2\rb: 3\r", "a: 1\r\nb: 2\nb: 3\r"] {
            let error = parse(text).unwrap_err();
            assert_eq!(error.position, Position { line: 3, column: 1 }, "{text:?}");
        }
        let text = "a:\r  b: [\r      \"x\",\r  ]\r  c: d\r";
        let a = one(text).get("a").unwrap().clone();
        assert_eq!(a.get("b").unwrap().items()[0].str(), Some("x"));
        let d = a.get("c").unwrap();
        assert_eq!(&text[d.span.start..d.span.end], "d");
        let lines = LineIndex::new(text);
        assert_eq!(
            lines.position(text, d.span.start),
            Position { line: 5, column: 6 }
        );
    }
}
