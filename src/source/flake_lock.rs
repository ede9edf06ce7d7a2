//! `flake.lock` (versions 5–7) as a typed model in which every node, field
//! and input edge keeps its span. Read with `jsonc-parser`, every leniency
//! off, so the file is strict JSON; errors carry a position.
//!
//! The rules Nix applies when it loads a lock (`src/libflake/lockfile.cc`)
//! are applied here too: a missing node, a string edge back to the root, an
//! unsupported version are errors. Only nodes reachable from the root count.

use std::collections::{HashMap, HashSet};

use jsonc_parser::ast::{Object, ObjectPropName, Value};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

use super::span::{LineIndex, Position, Span};

/// Lock files nest four or five levels; this leaves room and keeps the
/// recursive JSON parser far from the end of the stack.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub struct FlakeLock {
    pub text: String,
    pub lines: LineIndex,
    pub version: u64,
    /// The key of the root node.
    pub root: String,
    /// Nodes in file order.
    pub nodes: Vec<Node>,
    by_key: HashMap<String, usize>,
    /// Keys of the nodes reachable from the root through node edges (the
    /// root excluded): the only nodes Nix loads.
    reachable: HashSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub key: String,
    /// The node's key inside `"nodes"`.
    pub key_span: Span,
    pub inputs: Vec<Edge>,
    pub locked: Option<Attrs>,
    pub original: Option<Attrs>,
    /// `false` only for `flake = false` inputs.
    pub flake: bool,
    /// Set only for relative `path:` inputs (Nix ≥ 2.26).
    pub parent: Option<Vec<String>>,
    /// `inputs` by name.
    by_name: HashMap<String, usize>,
}

impl Node {
    /// The input called `name`.
    pub fn input(&self, name: &str) -> Option<&Edge> {
        self.by_name.get(name).map(|&i| &self.inputs[i])
    }
}

/// One input of a node: its name and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub name: String,
    pub name_span: Span,
    pub target: Target,
    /// The index of the node it leads to, follows resolved; `None` when
    /// it leads nowhere.
    leads_to: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A node key.
    Node(String),
    /// A `follows` path of input names, resolved from the root; `[]` is the
    /// root flake itself.
    Follows(Vec<String>),
}

/// The attributes of `locked` or `original`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attrs {
    pub span: Span,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub value: AttrValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    String(String),
    Number(f64),
    Bool(bool),
    Other,
}

impl Attrs {
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn string(&self, name: &str) -> Option<&str> {
        match self.get(name).map(|f| &f.value) {
            Some(AttrValue::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn number(&self, name: &str) -> Option<f64> {
        match self.get(name).map(|f| &f.value) {
            Some(AttrValue::Number(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LockError {
    pub message: String,
    pub position: Position,
}

impl FlakeLock {
    pub fn parse(text: String) -> Result<FlakeLock, LockError> {
        match build(&text) {
            Ok((version, root, mut nodes, reachable)) => {
                let by_key: HashMap<String, usize> = nodes
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.key.clone(), i))
                    .collect();
                resolve_edges(&mut nodes, &by_key, by_key[&root]);
                let lines = LineIndex::new(&text);
                Ok(FlakeLock {
                    text,
                    lines,
                    version,
                    root,
                    nodes,
                    by_key,
                    reachable,
                })
            }
            Err((message, offset)) => {
                let position = LineIndex::new(&text).position(&text, offset);
                Err(LockError { message, position })
            }
        }
    }

    pub fn node(&self, key: &str) -> Option<&Node> {
        self.by_key.get(key).map(|&i| &self.nodes[i])
    }

    /// The position of a node in `nodes`.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }

    /// The index of the node an edge leads to, follows resolved.
    pub fn target_index(&self, edge: &Edge) -> Option<usize> {
        edge.leads_to
    }

    pub fn root_node(&self) -> &Node {
        // `build` checked that the root node exists.
        &self.nodes[self.by_key[&self.root]]
    }

    /// Follow a `follows` path of input names from the root: the key of the
    /// node it leads to, the root's own key for `[]`, or `None` when it
    /// leads nowhere. Follows met on the way were resolved when the lock
    /// was read, so this costs the length of the path.
    pub fn resolve(&self, path: &[String]) -> Option<&str> {
        let mut at = self.by_key[&self.root];
        for name in path {
            at = self.nodes[at].input(name)?.leads_to?;
        }
        Some(&self.nodes[at].key)
    }

    /// The node an edge leads to, if any.
    pub fn target(&self, edge: &Edge) -> Option<&str> {
        edge.leads_to.map(|i| self.nodes[i].key.as_str())
    }

    /// The nodes reachable from the root through node edges, root excluded,
    /// in file order.
    pub fn reachable(&self) -> Vec<&Node> {
        self.nodes
            .iter()
            .filter(|n| self.reachable.contains(&n.key))
            .collect()
    }
}

type Built = (u64, String, Vec<Node>, HashSet<String>);

fn build(text: &str) -> Result<Built, (String, usize)> {
    if let Some(refused) = super::json_too_large(text, MAX_DEPTH) {
        return Err(refused);
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let json = super::json_without_bom(text);
    let parsed = parse_to_ast(&json, &CollectOptions::default(), &options)
        .map_err(|e| (format!("invalid JSON: {}", e.kind()), e.range().start))?;
    let Some(Value::Object(top)) = parsed.value else {
        return Err(("a lock file is a JSON object".into(), 0));
    };
    let top = fields(&top)?;
    let version = match top.get("version") {
        Some(Value::NumberLit(n)) => n
            .value
            .parse::<u64>()
            .map_err(|_| ("`version` is not a whole number".to_owned(), n.range.start))?,
        Some(other) => return Err(("`version` is not a number".into(), range(other).start)),
        None => return Err(("the lock file has no `version`".into(), 0)),
    };
    if !(5..=7).contains(&version) {
        let at = top.get("version").map_or(0, |v| range(v).start);
        return Err((format!("lock file has unsupported version {version}"), at));
    }
    let root = match top.get("root") {
        Some(Value::StringLit(s)) => s.value.to_string(),
        Some(other) => return Err(("`root` is not a string".into(), range(other).start)),
        None if version < 7 => "root".to_owned(),
        None => return Err(("the lock file has no `root`".into(), 0)),
    };
    let Some(Value::Object(nodes_object)) = top.get("nodes") else {
        let at = top.get("nodes").map_or(0, |v| range(v).start);
        return Err(("the lock file has no `nodes` object".into(), at));
    };
    let mut nodes = Vec::new();
    let mut keys = HashSet::new();
    for prop in &nodes_object.properties {
        let (key, key_span) = prop_name(&prop.name);
        if !keys.insert(prop_str(&prop.name)) {
            return Err((format!("duplicate node `{key}`"), key_span.start));
        }
        let Value::Object(node) = &prop.value else {
            return Err((
                format!("node `{key}` is not an object"),
                range(&prop.value).start,
            ));
        };
        nodes.push(build_node(key, key_span, node, version)?);
    }
    let reachable = check_graph(&root, &nodes, top.get("root").map_or(0, |v| range(v).start))?;
    Ok((version, root, nodes, reachable))
}

fn build_node(
    key: String,
    key_span: Span,
    node: &Object,
    version: u64,
) -> Result<Node, (String, usize)> {
    let node_fields = fields(node)?;
    let mut inputs = Vec::new();
    if let Some(value) = node_fields.get("inputs") {
        let Value::Object(object) = value else {
            return Err((
                format!("`inputs` of node `{key}` is not an object"),
                range(value).start,
            ));
        };
        fields(object)?;
        for prop in &object.properties {
            let (name, name_span) = prop_name(&prop.name);
            let target = match &prop.value {
                Value::StringLit(s) => Target::Node(s.value.to_string()),
                Value::Array(array) => {
                    let mut path = Vec::new();
                    for element in &array.elements {
                        let Value::StringLit(s) = element else {
                            return Err((
                                "a `follows` path holds input names (strings)".into(),
                                range(element).start,
                            ));
                        };
                        path.push(s.value.to_string());
                    }
                    Target::Follows(path)
                }
                other => {
                    let message =
                        format!("input `{name}` of node `{key}` is not a node or a follows path");
                    return Err((message, range(other).start));
                }
            };
            inputs.push(Edge {
                name,
                name_span,
                target,
                leads_to: None,
            });
        }
    }
    let attrs = |name: &str| -> Result<Option<Attrs>, (String, usize)> {
        match node_fields.get(name) {
            Some(Value::Object(object)) => Ok(Some(build_attrs(object)?)),
            Some(other) => Err((
                format!("`{name}` of node `{key}` is not an object"),
                range(other).start,
            )),
            None => Ok(None),
        }
    };
    let mut locked = attrs("locked")?;
    // Version 5 kept some of `locked` in a separate `info` object.
    if version == 5 {
        if let (Some(locked), Some(info)) = (locked.as_mut(), attrs("info")?) {
            locked.fields.extend(info.fields);
        }
    }
    let original = attrs("original")?;
    let flake = !matches!(node_fields.get("flake"), Some(Value::BooleanLit(b)) if !b.value);
    let parent = match node_fields.get("parent") {
        Some(Value::Array(array)) => Some(
            array
                .elements
                .iter()
                .filter_map(|e| match e {
                    Value::StringLit(s) => Some(s.value.to_string()),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    };
    let by_name = inputs
        .iter()
        .enumerate()
        .map(|(i, edge)| (edge.name.clone(), i))
        .collect();
    Ok(Node {
        key,
        key_span,
        by_name,
        inputs,
        locked,
        original,
        flake,
        parent,
    })
}

fn build_attrs(object: &Object) -> Result<Attrs, (String, usize)> {
    fields(object)?;
    let fields = object
        .properties
        .iter()
        .map(|prop| {
            let (name, _) = prop_name(&prop.name);
            let value = match &prop.value {
                Value::StringLit(s) => AttrValue::String(s.value.to_string()),
                Value::NumberLit(n) if COUNTS.contains(&name.as_str()) => {
                    AttrValue::Number(count(&name, n.value, n.range.start)? as f64)
                }
                Value::NumberLit(n) => AttrValue::Number(n.value.parse().unwrap_or(0.0)),
                Value::BooleanLit(b) => AttrValue::Bool(b.value),
                _ => AttrValue::Other,
            };
            Ok(Field {
                name,
                value,
                span: Span::new(prop.range.start, prop.range.end),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Attrs {
        span: Span::new(object.range.start, object.range.end),
        fields,
    })
}

/// Attributes Nix reads as unsigned integers (`getIntAttr`).
const COUNTS: [&str; 2] = ["lastModified", "revCount"];

/// The last second of 9999-12-31: no commit is dated later, and dates
/// stay within what the calendar code counts.
const LAST_SECOND: u64 = 253_402_300_799;

/// A `lastModified` or `revCount`: a whole number that is not negative
/// (and, for a time, not past the year 9999).
fn count(name: &str, literal: &str, at: usize) -> Result<u64, (String, usize)> {
    let whole = literal.bytes().all(|b| b.is_ascii_digit());
    let value = whole.then(|| literal.parse::<u64>().ok()).flatten();
    match value {
        Some(v) if name == "lastModified" && v > LAST_SECOND => Err((
            format!("`lastModified` is {literal} seconds, a date after the year 9999"),
            at,
        )),
        Some(v) => Ok(v),
        None => Err((
            format!("`{name}` must be a whole number that is not negative, not {literal}"),
            at,
        )),
    }
}

/// An object's properties by name; a key given twice is an error (Nix's
/// JSON reader would keep one of them silently). Lock objects are small, so
/// a list beats a hash map; a large one is checked with a set.
fn fields<'a, 'b>(object: &'b Object<'a>) -> Result<Fields<'a, 'b>, (String, usize)> {
    let list: Vec<(&'b str, &'b Value<'a>)> = object
        .properties
        .iter()
        .map(|prop| (prop_str(&prop.name), &prop.value))
        .collect();
    let duplicate = if list.len() <= 16 {
        (1..list.len()).find(|&i| list[..i].iter().any(|(name, _)| *name == list[i].0))
    } else {
        let mut seen = HashSet::new();
        (0..list.len()).find(|&i| !seen.insert(list[i].0))
    };
    if let Some(i) = duplicate {
        let at = prop_name(&object.properties[i].name).1.start;
        return Err((format!("duplicate key `{}`", list[i].0), at));
    }
    Ok(Fields(list))
}

struct Fields<'a, 'b>(Vec<(&'b str, &'b Value<'a>)>);

impl<'a, 'b> Fields<'a, 'b> {
    fn get(&self, name: &str) -> Option<&'b Value<'a>> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

fn prop_str<'b>(name: &'b ObjectPropName) -> &'b str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

#[derive(Debug, Clone, Copy)]
enum Resolution {
    Unvisited,
    InProgress,
    Done(Option<usize>),
}

/// Where every edge leads: a node edge to its node, a follows edge to the
/// node its path reaches from the root, following follows on the way, as
/// Nix's `LockFile::findInput` does. Each follows edge is resolved once
/// and remembered, with a stack of its own rather than recursion, so a
/// chain of follows costs its length, however long, and a cycle (which
/// Nix refuses) leads nowhere.
fn resolve_edges(nodes: &mut [Node], by_key: &HashMap<String, usize>, root: usize) {
    use Resolution::{Done, InProgress, Unvisited};
    let mut state: Vec<Vec<Resolution>> = nodes
        .iter()
        .map(|node| {
            node.inputs
                .iter()
                .map(|edge| match &edge.target {
                    Target::Node(key) => Done(by_key.get(key).copied()),
                    Target::Follows(_) => Unvisited,
                })
                .collect()
        })
        .collect();
    // A frame: a follows edge (node, input), how much of its path is
    // walked, and the node reached so far.
    let mut stack: Vec<((usize, usize), usize, usize)> = Vec::new();
    for node in 0..nodes.len() {
        for input in 0..nodes[node].inputs.len() {
            if !matches!(state[node][input], Unvisited) {
                continue;
            }
            state[node][input] = InProgress;
            stack.push(((node, input), 0, root));
            while let Some(&((n, i), walked, at)) = stack.last() {
                let Target::Follows(path) = &nodes[n].inputs[i].target else {
                    unreachable!("only follows edges are stacked");
                };
                let Some(name) = path.get(walked) else {
                    // The whole path is walked: the edge leads to `at`,
                    // and so does the step of the edge waiting on it.
                    state[n][i] = Done(Some(at));
                    stack.pop();
                    if let Some(frame) = stack.last_mut() {
                        frame.1 += 1;
                        frame.2 = at;
                    }
                    continue;
                };
                let next = nodes[at].by_name.get(name).map(|&e| (e, state[at][e]));
                match next {
                    Some((_, Done(Some(reached)))) => {
                        let frame = stack.last_mut().expect("a frame is on the stack");
                        frame.1 += 1;
                        frame.2 = reached;
                    }
                    Some((e, Unvisited)) => {
                        state[at][e] = InProgress;
                        stack.push(((at, e), 0, root));
                    }
                    // Nowhere, or a cycle: this edge and every edge waiting
                    // on it lead nowhere.
                    _ => {
                        for ((n, i), _, _) in stack.drain(..) {
                            state[n][i] = Done(None);
                        }
                    }
                }
            }
        }
    }
    for (node, states) in nodes.iter_mut().zip(state) {
        for (edge, state) in node.inputs.iter_mut().zip(states) {
            edge.leads_to = match state {
                Done(target) => target,
                Unvisited | InProgress => None,
            };
        }
    }
}

/// Nix loads only the nodes reachable from the root: each must exist, and
/// no node edge may lead back to the root. Returns their keys, root
/// excluded.
fn check_graph(
    root: &str,
    nodes: &[Node],
    root_offset: usize,
) -> Result<HashSet<String>, (String, usize)> {
    let by_key: HashMap<&str, &Node> = nodes.iter().map(|n| (n.key.as_str(), n)).collect();
    if !by_key.contains_key(root) {
        return Err((
            format!("lock file references missing node '{root}'"),
            root_offset,
        ));
    }
    let mut seen = HashSet::from([root]);
    let mut queue = vec![root];
    while let Some(key) = queue.pop() {
        for edge in &by_key[key].inputs {
            let Target::Node(next) = &edge.target else {
                continue;
            };
            if next == root {
                return Err((
                    "lock file contains cycle to root node".into(),
                    edge.name_span.start,
                ));
            }
            if !by_key.contains_key(next.as_str()) {
                return Err((
                    format!("lock file references missing node '{next}'"),
                    edge.name_span.start,
                ));
            }
            if seen.insert(next) {
                queue.push(next);
            }
        }
    }
    seen.remove(root);
    Ok(seen.into_iter().map(str::to_owned).collect())
}

fn prop_name(name: &ObjectPropName) -> (String, Span) {
    match name {
        ObjectPropName::String(s) => (s.value.to_string(), Span::new(s.range.start, s.range.end)),
        ObjectPropName::Word(w) => (w.value.to_owned(), Span::new(w.range.start, w.range.end)),
    }
}

fn range(value: &Value) -> Span {
    let r = match value {
        Value::StringLit(v) => v.range,
        Value::NumberLit(v) => v.range,
        Value::BooleanLit(v) => v.range,
        Value::Object(v) => v.range,
        Value::Array(v) => v.range,
        Value::NullKeyword(v) => v.range,
    };
    Span::new(r.start, r.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FlakeLock, String> {
        FlakeLock::parse(text.to_owned())
            .map_err(|e| format!("{}:{}: {}", e.position.line, e.position.column, e.message))
    }

    fn fortune_cat() -> FlakeLock {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/fortune-cat/flake.lock"
        ))
        .unwrap();
        FlakeLock::parse(text).unwrap()
    }

    #[test]
    fn reads_a_real_lock_with_positions() {
        let lock = fortune_cat();
        assert_eq!((lock.version, lock.root.as_str()), (7, "root"));
        let uv2nix = lock.node("uv2nix").unwrap();
        let at = lock.lines.position(&lock.text, uv2nix.key_span.start);
        assert_eq!((at.line, at.column), (105, 5));
        let locked = uv2nix.locked.as_ref().unwrap();
        assert_eq!(locked.string("type"), Some("github"));
        assert!(locked.string("rev").is_some_and(|r| r.len() == 40));
        let reachable: Vec<&str> = lock.reachable().iter().map(|n| n.key.as_str()).collect();
        assert_eq!(reachable.len(), 7, "{reachable:?}");
    }

    #[test]
    fn follows_paths_resolve_from_the_root() {
        let lock = fortune_cat();
        let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(lock.resolve(&path(&["uv2nix"])), Some("uv2nix_2"));
        assert_eq!(
            lock.resolve(&path(&["pyproject-build-systems", "uv2nix"])),
            Some("uv2nix")
        );
        // uv2nix's nixpkgs follows pyproject-build-systems/nixpkgs, which follows nixpkgs.
        assert_eq!(
            lock.resolve(&path(&["pyproject-build-systems", "uv2nix", "nixpkgs"])),
            Some("nixpkgs")
        );
        assert_eq!(lock.resolve(&path(&["nope"])), None);
        assert_eq!(lock.resolve(&[]), Some("root"));
    }

    #[test]
    fn follows_cycles_end() {
        let lock = parse(r#"{"nodes": {"a": {"inputs": {"b": ["a", "b"]}}, "root": {"inputs": {"a": "a"}}}, "root": "root", "version": 7}"#).unwrap();
        assert_eq!(lock.resolve(&["a".into(), "b".into()]), None);
    }

    #[test]
    fn long_follows_chains_resolve_once_each() {
        // Root inputs a0 → [a1] → [a2] … → a9999 = node x: each follows
        // resolved once, not once per edge that leads through it.
        let n = 10_000;
        let mut inputs: Vec<String> = (0..n - 1)
            .map(|i| format!(r#""a{i}": ["a{}"]"#, i + 1))
            .collect();
        inputs.push(format!(r#""a{}": "x""#, n - 1));
        let text = format!(
            r#"{{"nodes": {{"root": {{"inputs": {{{}}}}}, "x": {{}}}}, "root": "root", "version": 7}}"#,
            inputs.join(", ")
        );
        let lock = parse(&text).unwrap();
        let root = lock.root_node();
        assert!(root.inputs.iter().all(|e| lock.target(e) == Some("x")));
        // A cycle through many edges ends, and everything on it leads nowhere.
        let text = text.replace(
            &format!(r#""a{}": "x""#, n - 1),
            &format!(r#""a{}": ["a0"]"#, n - 1),
        );
        let lock = parse(&text).unwrap();
        assert!(lock
            .root_node()
            .inputs
            .iter()
            .all(|e| lock.target(e).is_none()));
    }

    #[test]
    fn a_follows_path_as_long_as_the_file() {
        let path = vec![r#""a""#; 10_000].join(", ");
        let text = format!(
            r#"{{"nodes": {{"a": {{"inputs": {{"a": "a2"}}}}, "a2": {{"inputs": {{"a": "a2"}}}}, "root": {{"inputs": {{"a": "a", "b": [{path}]}}}}}}, "root": "root", "version": 7}}"#
        );
        let lock = parse(&text).unwrap();
        assert_eq!(
            lock.target(lock.root_node().input("b").unwrap()),
            Some("a2")
        );
    }

    #[test]
    fn a_flake_without_inputs() {
        let lock = parse(r#"{"nodes": {"root": {}}, "root": "root", "version": 7}"#).unwrap();
        assert!(lock.reachable().is_empty());
        assert!(lock.root_node().inputs.is_empty());
    }

    #[test]
    fn version_5_merges_info_into_locked() {
        let lock = parse(r#"{"nodes": {"n": {"info": {"narHash": "sha256-x"}, "locked": {"type": "github", "owner": "a", "repo": "b", "rev": "r"}}, "root": {"inputs": {"n": "n"}}}, "root": "root", "version": 5}"#).unwrap();
        assert_eq!(
            lock.node("n")
                .unwrap()
                .locked
                .as_ref()
                .unwrap()
                .string("narHash"),
            Some("sha256-x")
        );
    }

    #[test]
    fn malformed_locks_are_errors_with_positions() {
        let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        for (text, expected) in [
            ("", "1:1: a lock file is a JSON object"),
            (
                "{\"nodes\": {}, }",
                "1:13: invalid JSON: Trailing commas are not allowed",
            ),
            ("// c\n{}", "1:1: invalid JSON: Comments are not allowed"),
            ("[]", "1:1: a lock file is a JSON object"),
            (
                r#"{"nodes": {"root": {}}, "root": "root", "version": 8}"#,
                "1:52: lock file has unsupported version 8",
            ),
            (
                r#"{"nodes": {"root": {"inputs": {"a": "a"}}}, "root": "root", "version": 7}"#,
                "1:32: lock file references missing node 'a'",
            ),
            (
                r#"{"nodes": {"root": {"inputs": {"a": "a"}}, "a": {"inputs": {"r": "root"}}}, "root": "root", "version": 7}"#,
                "1:61: lock file contains cycle to root node",
            ),
            (
                r#"{"nodes": {"root": {}, "root": {}}, "root": "root", "version": 7}"#,
                "1:24: duplicate node `root`",
            ),
            (
                r#"{"nodes": {"root": {"locked": {"lastModified": 1e20}}}, "root": "root", "version": 7}"#,
                "1:48: `lastModified` must be a whole number that is not negative, not 1e20",
            ),
            (
                r#"{"nodes": {"root": {"locked": {"revCount": -1}}}, "root": "root", "version": 7}"#,
                "1:44: `revCount` must be a whole number that is not negative, not -1",
            ),
            (
                r#"{"nodes": {"root": {"locked": {"lastModified": 99999999999999}}}, "root": "root", "version": 7}"#,
                "1:48: `lastModified` is 99999999999999 seconds, a date after the year 9999",
            ),
            (
                r#"{"nodes": {"root": {}}, "root": "root", "root": "x", "version": 7}"#,
                "1:41: duplicate key `root`",
            ),
            (
                r#"{"nodes": {"root": {}}, "root": "main", "version": 7}"#,
                "1:33: lock file references missing node 'main'",
            ),
            (&deep, "1:65: JSON nested deeper than 64 levels"),
            // The depth guard skips what the parser skips; the parser
            // then refuses the comment itself.
            (
                &format!("// {}\n{{}}", "{".repeat(70)),
                "1:1: invalid JSON: Comments are not allowed",
            ),
            // A byte-order mark is skipped (Nix's JSON reader skips it too)
            // and is no column.
            (
                "\u{feff}{\"nodes\": {\"root\": {}}, \"root\": \"root\", \"version\": 8}",
                "1:52: lock file has unsupported version 8",
            ),
        ] {
            assert_eq!(parse(text).unwrap_err(), expected, "{:.60}", text);
        }
    }
}
