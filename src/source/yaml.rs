//! YAML as the Compose and CI rules read it: a tree of mappings, sequences
//! and scalars in which every node keeps its byte span, read by `saphyr`
//! (YAML 1.2, maintained; it reports positions and bounds alias
//! expansion by a node budget of its own, to which [`MAX_ALIAS_BYTES`]
//! adds one in bytes). On top of what the parser gives: merge keys (`<<: *base`,
//! `<<: [*a, *b]`) are applied as Compose applies them, keys written in
//! the mapping winning; a quoted scalar's span ends at its closing quote
//! and a plain one's at its last character; a node reached through an
//! alias keeps the span of the anchored node, where a fix would go.

use std::collections::{HashMap, HashSet};

use saphyr::{MarkedYaml, Scalar, YamlData, YamlLoader};
use saphyr_parser::{
    BufferedInput, Event, Marker, Parser, ScanError, Span as EventSpan, SpannedEventReceiver,
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

/// Documents nest a handful of levels; this keeps every walk of the tree
/// far from the end of the stack.
const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    pub message: String,
    pub position: Position,
}

/// How many closing brackets `parse` moves (see there) before it gives up.
const MAX_REPAIRS: usize = 64;

/// The documents of a YAML stream (`---` separates them).
///
/// go-yaml, which Compose and GitHub read YAML with, accepts a flow
/// collection whose closing `]` or `}` stands at the indentation of its
/// key (`test: [` … `]` under `healthcheck:`); YAML 1.2, and so saphyr,
/// does not. Such a line is read one space deeper, as many times as it
/// takes, and spans are given back in the file's own offsets.
pub fn parse(text: &str) -> Result<Vec<Node>, YamlError> {
    let lines = LineIndex::new(text);
    let mut working = text.to_owned();
    // Original offsets of the line starts where a space was added, sorted.
    let mut inserted: Vec<usize> = Vec::new();
    loop {
        let offsets = CharOffsets::new(&working);
        let shift = Shift::new(&inserted);
        let error = |message: String, char_index: usize| YamlError {
            message,
            position: lines.position(text, shift.original(offsets.byte(char_index))),
        };
        let failure = match load(&working) {
            Ok(documents) => {
                let reader = Reader {
                    text: &working,
                    offsets: &offsets,
                };
                let mut nodes = documents
                    .iter()
                    .map(|document| reader.node(document, 0))
                    .collect::<Result<Vec<Node>, (String, usize)>>()
                    .map_err(|(message, char_index)| error(message, char_index))?;
                if !inserted.is_empty() {
                    for node in &mut nodes {
                        shift.apply(node);
                    }
                }
                return Ok(nodes);
            }
            Err(failure) => failure,
        };
        let e = match failure {
            Failure::Aliases(at) => return Err(error(failure_message(&failure), at.index())),
            Failure::Syntax(ref e) => e,
        };
        let at = offsets.byte(e.marker().index());
        let line_start = working[..at].rfind('\n').map_or(0, |i| i + 1);
        let closing = working[line_start..]
            .trim_start_matches(' ')
            .starts_with([']', '}']);
        if e.info().contains("indentation") && closing && inserted.len() < MAX_REPAIRS {
            let original = shift.original(line_start);
            working.insert(line_start, ' ');
            let place = inserted.partition_point(|&i| i <= original);
            inserted.insert(place, original);
            continue;
        }
        return Err(error(failure_message(&failure), e.marker().index()));
    }
}

/// Why a text did not load.
enum Failure {
    Syntax(ScanError),
    /// Aliases would copy more than [`MAX_ALIAS_BYTES`]: the first alias
    /// past the budget.
    Aliases(Marker),
}

fn failure_message(failure: &Failure) -> String {
    match failure {
        Failure::Syntax(e) => format!("invalid YAML: {}", e.info()),
        Failure::Aliases(_) => format!(
            "invalid YAML: alias expansion exceeded the maximum size budget of {} MiB (possible billion-laughs attack)",
            MAX_ALIAS_BYTES / (1024 * 1024)
        ),
    }
}

/// The documents of `text` as saphyr builds them, fed through [`Loading`].
fn load(text: &str) -> Result<Vec<MarkedYaml<'_>>, Failure> {
    let mut parser = Parser::new(BufferedInput::new(text.chars()));
    let mut loading = Loading::default();
    let parsed = parser.load(&mut loading, true);
    // An alias refused stops the loading where it stands, before any
    // later syntax error.
    if let Some(at) = loading.refused {
        return Err(Failure::Aliases(at));
    }
    parsed.map_err(Failure::Syntax)?;
    if let Some(error) = loading.loader.error() {
        return Err(Failure::Syntax(error.clone()));
    }
    Ok(loading.loader.into_documents())
}

/// saphyr's loader, fed by the parser through a count of the bytes each
/// alias copies. What a node expands to is known once it ends (its
/// scalars' bytes, what its own aliases copy included), so an alias past
/// the budget is refused before saphyr clones anything for it, and from
/// then on the loader is fed nothing more.
#[derive(Default)]
struct Loading<'input> {
    loader: YamlLoader<'input, MarkedYaml<'input>>,
    /// The bytes each anchored node expands to, by the parser's anchor id.
    anchored: HashMap<usize, usize>,
    /// The collections being read: their anchor id (0 for none) and the
    /// bytes they expand to so far.
    open: Vec<(usize, usize)>,
    /// The bytes the aliases read so far copy.
    copied: usize,
    refused: Option<Marker>,
}

impl<'input> SpannedEventReceiver<'input> for Loading<'input> {
    fn on_event(&mut self, event: Event<'input>, span: EventSpan) {
        if self.refused.is_some() {
            return;
        }
        match &event {
            Event::Scalar(text, _, anchor, _) => self.ended(*anchor, text.len()),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                self.open.push((*anchor, 0));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, bytes)) = self.open.pop() {
                    self.ended(anchor, bytes);
                }
            }
            Event::Alias(anchor) => {
                let bytes = self.anchored.get(anchor).copied().unwrap_or(0);
                self.copied = self.copied.saturating_add(bytes);
                if self.copied > MAX_ALIAS_BYTES {
                    self.refused = Some(span.start);
                    return;
                }
                self.ended(0, bytes);
            }
            _ => {}
        }
        self.loader.on_event(event, span);
    }
}

impl Loading<'_> {
    /// A node of `bytes` ended: it counts in its parent's size, and is
    /// remembered if anchored.
    fn ended(&mut self, anchor: usize, bytes: usize) {
        if anchor > 0 {
            self.anchored.insert(anchor, bytes);
        }
        if let Some((_, size)) = self.open.last_mut() {
            *size = size.saturating_add(bytes);
        }
    }
}

/// From offsets in the text with spaces added back to the file's own.
struct Shift {
    /// Where each added space sits in the working text, increasing.
    spaces: Vec<usize>,
}

impl Shift {
    fn new(inserted: &[usize]) -> Shift {
        Shift {
            spaces: inserted.iter().enumerate().map(|(j, &o)| o + j).collect(),
        }
    }

    fn original(&self, working: usize) -> usize {
        working - self.spaces.partition_point(|&space| space < working)
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

/// Byte offsets of character indices (the parser counts characters).
struct CharOffsets {
    /// The byte offset of every character, and of the end.
    bytes: Vec<usize>,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let mut bytes: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        bytes.push(text.len());
        CharOffsets { bytes }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.bytes
            .get(char_index)
            .copied()
            .unwrap_or_else(|| *self.bytes.last().unwrap_or(&0))
    }
}

struct Reader<'a> {
    text: &'a str,
    offsets: &'a CharOffsets,
}

impl Reader<'_> {
    fn node(&self, node: &MarkedYaml, depth: usize) -> Result<Node, (String, usize)> {
        let start_char = node.span.start.index();
        if depth > MAX_DEPTH {
            return Err((
                format!("YAML nested deeper than {MAX_DEPTH} levels"),
                start_char,
            ));
        }
        let span = Span::new(
            self.offsets.byte(start_char),
            self.offsets.byte(node.span.end.index()),
        );
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
                Value::Mapping(merge(written, merged, start_char)?)
            }
            YamlData::Tagged(_, inner) => return self.node(inner, depth + 1),
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
        Ok(Node { value, span })
    }

    /// A scalar's span as written: to the closing quote of a quoted one,
    /// to the last character of a plain one (the parser's end can run on
    /// over spaces up to a comment).
    fn scalar_span(&self, span: Span) -> Span {
        let Some(written) = self.text.get(span.start..span.end) else {
            return span;
        };
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

/// The spans of the comment lines of a YAML text: lines whose first
/// character other than a space or tab is `#`.
pub fn comment_lines(text: &str) -> Vec<Span> {
    super::comment_lines(text, "#")
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
    fn comment_lines_are_found() {
        let text = "# a\nx: 1 # b\n  # c\n";
        let found: Vec<&str> = comment_lines(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(found, ["# a", "# c"]);
    }
}
