//! Nix flake rules and what they share: a `flake.nix` and the `flake.lock`
//! beside it, read as one pair, and the lock graph walked once from the
//! root (which input path reaches each node, and through which root inputs).

pub mod nx001_flake_lock_missing;
pub mod nx002_flake_input_unlocked;
pub mod nx003_flake_lock_stale;
pub mod nx004_flake_input_not_portable;
pub mod nx005_flake_input_duplicated;
pub mod nx006_flake_input_indirect;
pub mod nx007_flake_input_outdated;
pub mod nx008_nixpkgs_unsupported_ref;
pub mod nx009_nix_path_lookup;
pub mod nx010_fetch_unlocked;
pub mod nx011_impure_builtin;
pub mod nx012_flake_override_unused;

use std::collections::VecDeque;

use crate::date::Date;
use crate::finding::Diagnostic;
use crate::source::flake_lock::{FlakeLock, Node};
use crate::source::flake_nix::FlakeNix;
use crate::source::span::Span;

/// The `[nix]` settings (spec §4), with their defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Root inputs that are nixpkgs (NX007, NX008).
    pub nixpkgs_keys: Vec<String>,
    /// NX007's limit.
    pub max_age_days: i64,
    /// NX008's list, replacing the built-in one when set.
    pub supported_refs: Option<Vec<String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            nixpkgs_keys: vec!["nixpkgs".to_owned()],
            max_age_days: 30,
            supported_refs: None,
        }
    }
}

/// Which file of the pair a finding is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlakeFile {
    Nix,
    Lock,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NixDiagnostic {
    pub file: FlakeFile,
    pub diagnostic: Diagnostic,
    /// The root inputs it concerns: a pragma on any of their declarations
    /// suppresses it.
    pub inputs: Vec<String>,
}

/// Everything a Nix rule reads, computed once per pair.
pub struct Context<'a> {
    pub nix: Option<&'a FlakeNix>,
    pub lock: Option<&'a FlakeLock>,
    /// There is no flake.lock beside the flake.nix at all (as opposed to
    /// one that could not be read).
    pub lock_absent: bool,
    pub as_of: Date,
    pub settings: &'a Settings,
    /// The lock graph, walked once.
    walked: Walked,
}

impl<'a> Context<'a> {
    pub fn new(
        nix: Option<&'a FlakeNix>,
        lock: Option<&'a FlakeLock>,
        lock_absent: bool,
        as_of: Date,
        settings: &'a Settings,
    ) -> Self {
        let walked = lock.map(walk).unwrap_or_default();
        Context {
            nix,
            lock,
            lock_absent,
            as_of,
            settings,
            walked,
        }
    }

    /// The reachable nodes of the lock, root excluded, in file order.
    pub fn nodes(&self) -> Vec<&'a Node> {
        self.lock.map(FlakeLock::reachable).unwrap_or_default()
    }

    /// The shortest input path from the root to a node (`[]` for the
    /// root); `None` when the node is not reachable, or deeper than
    /// `MAX_PATH` inputs: such a path is not something to write in a
    /// message or a flake.nix.
    pub fn path(&self, key: &str) -> Option<Vec<String>> {
        let lock = self.lock?;
        let mut at = lock.index_of(key)?;
        if self.walked.depth.get(at).copied().flatten()? > MAX_PATH {
            return None;
        }
        let mut path = Vec::new();
        while let Some((parent, input)) = self.walked.parent[at] {
            path.push(lock.nodes[parent].inputs[input].name.clone());
            at = parent;
        }
        path.reverse();
        Some(path)
    }

    /// The node through which the shortest path reaches a node: its
    /// parent's key (the root's for a root input).
    pub fn parent(&self, key: &str) -> Option<&'a str> {
        let lock = self.lock?;
        let (parent, _) = self.walked.parent[lock.index_of(key)?]?;
        Some(&lock.nodes[parent].key)
    }

    /// How many inputs below the root a node is, by its shortest path.
    pub fn depth(&self, key: &str) -> Option<usize> {
        let at = self.lock?.index_of(key)?;
        self.walked.depth.get(at).copied().flatten()
    }

    /// How a message names a node: its input path, and its key when that
    /// is not the path's last name.
    pub fn label(&self, node: &Node) -> String {
        match self.path(&node.key) {
            Some(path) if path.last() == Some(&node.key) => format!("`{}`", path.join("/")),
            Some(path) => format!("`{}` (node `{}`)", path.join("/"), node.key),
            None => match self.depth(&node.key) {
                Some(depth) => format!("node `{}` ({depth} inputs below the root)", node.key),
                None => format!("node `{}`", node.key),
            },
        }
    }

    /// The root inputs through which a node is reached (at most
    /// `MAX_VIA` of them).
    pub fn reached_through(&self, key: &str) -> Vec<String> {
        let (Some(lock), Some(at)) = (self.lock, self.lock.and_then(|l| l.index_of(key))) else {
            return Vec::new();
        };
        let root = lock.root_node();
        let mut names: Vec<String> = self.walked.via[at]
            .iter()
            .map(|&input| root.inputs[input as usize].name.clone())
            .collect();
        names.sort_unstable();
        names
    }

    /// A finding at a lock node's key, suppressible through the root inputs
    /// that reach it.
    pub fn at_node(&self, node: &Node, message: String, help: String) -> NixDiagnostic {
        NixDiagnostic {
            file: FlakeFile::Lock,
            diagnostic: Diagnostic::new(node.key_span, message, help),
            inputs: self.reached_through(&node.key),
        }
    }

    /// A finding in flake.nix about root input `input`.
    pub fn in_nix(&self, span: Span, input: &str, message: String, help: String) -> NixDiagnostic {
        NixDiagnostic {
            file: FlakeFile::Nix,
            diagnostic: Diagnostic::new(span, message, help),
            inputs: vec![input.to_owned()],
        }
    }

    /// The root nixpkgs inputs (`nixpkgs-keys`): name and node.
    pub fn nixpkgs_inputs(&self) -> Vec<(&'a str, &'a Node)> {
        let Some(lock) = self.lock else {
            return Vec::new();
        };
        lock.root_node()
            .inputs
            .iter()
            .filter(|edge| self.settings.nixpkgs_keys.contains(&edge.name))
            .filter_map(|edge| {
                let node = lock.node(lock.target(edge)?)?;
                (node.key != lock.root).then_some((edge.name.as_str(), node))
            })
            .collect()
    }
}

/// The longest input path a message or a suggested `follows` line spells
/// out. Real flakes nest a handful deep.
const MAX_PATH: usize = 32;

/// How many root inputs are remembered as reaching one node (a pragma on
/// any of them suppresses its findings): more than any real flake has —
/// nixpkgs' own flakes have a few dozen — and a bound on the walk (see
/// `walk`).
const MAX_VIA: usize = 512;

/// The lock graph from the root, by node index.
#[derive(Default)]
struct Walked {
    /// The node and input through which the breadth-first walk first
    /// reached each node: the last step of its shortest path.
    parent: Vec<Option<(usize, usize)>>,
    /// The length of that path; `None` when unreachable.
    depth: Vec<Option<usize>>,
    /// The root inputs (indices into the root's `inputs`) through which
    /// each node is reached.
    via: Vec<Vec<u32>>,
}

/// Breadth first from the root, following edges and resolved follows;
/// each node keeps only its parent, so memory is linear however deep the
/// graph. Then, per root input, a search that marks what it reaches; a
/// node already marked by `MAX_VIA` root inputs is not entered again (all
/// it reaches is full too), so the searches together cost at most
/// `MAX_VIA` times the size of the graph.
fn walk(lock: &FlakeLock) -> Walked {
    let count = lock.nodes.len();
    let mut walked = Walked {
        parent: vec![None; count],
        depth: vec![None; count],
        via: vec![Vec::new(); count],
    };
    let Some(root) = lock.index_of(&lock.root) else {
        return walked;
    };
    walked.depth[root] = Some(0);
    let mut queue = VecDeque::from([root]);
    while let Some(at) = queue.pop_front() {
        let depth = walked.depth[at].unwrap_or(0);
        for (input, edge) in lock.nodes[at].inputs.iter().enumerate() {
            let Some(target) = lock.target_index(edge) else {
                continue;
            };
            if walked.depth[target].is_none() {
                walked.depth[target] = Some(depth + 1);
                walked.parent[target] = Some((at, input));
                queue.push_back(target);
            }
        }
    }
    let mut stack = Vec::new();
    for (input, edge) in lock.nodes[root].inputs.iter().enumerate() {
        let input = input as u32;
        stack.extend(lock.target_index(edge));
        while let Some(at) = stack.pop() {
            let marks = &mut walked.via[at];
            if at == root || marks.len() >= MAX_VIA || marks.last() == Some(&input) {
                continue;
            }
            marks.push(input);
            stack.extend(
                lock.nodes[at]
                    .inputs
                    .iter()
                    .filter_map(|e| lock.target_index(e)),
            );
        }
    }
    walked
}

/// An input path for a message: `a/b/c`, or its two ends around `…` when
/// it is longer than `MAX_PATH` names (a follows path in a lock can be
/// as long as the file).
pub fn show_path(path: &[String]) -> String {
    if path.len() <= MAX_PATH {
        return path.join("/");
    }
    let ends = MAX_PATH / 4;
    format!(
        "{}/…/{} ({} names)",
        path[..ends].join("/"),
        path[path.len() - ends..].join("/"),
        path.len()
    )
}

/// A short revision for messages.
pub fn short_rev(rev: &str) -> &str {
    // A narHash (`sha256-…`, for inputs with no revision) keeps its
    // algorithm and the first characters of the hash.
    let keep = if rev.starts_with("sha256-") { 15 } else { 7 };
    rev.get(..keep).unwrap_or(rev)
}

/// `inputs.a.inputs.b.follows = "c";` for input path `[a, b]`.
pub fn follows_line(path: &[String], target: &str) -> String {
    let names: Vec<String> = path.iter().map(|name| nix_attr(name)).collect();
    format!("inputs.{}.follows = \"{target}\";", names.join(".inputs."))
}

/// An attribute name as Nix source: quoted unless it is an identifier.
pub fn nix_attr(name: &str) -> String {
    let mut chars = name.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_'-".contains(c));
    if identifier {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
    }
}
