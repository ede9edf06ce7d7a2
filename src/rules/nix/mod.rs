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

use std::collections::{BTreeSet, HashMap, VecDeque};

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
    /// Per reachable node key: the shortest input path from the root.
    paths: HashMap<String, Vec<String>>,
    /// Per reachable node key: the root inputs through which it is reached.
    via: HashMap<String, BTreeSet<String>>,
}

impl<'a> Context<'a> {
    pub fn new(
        nix: Option<&'a FlakeNix>,
        lock: Option<&'a FlakeLock>,
        lock_absent: bool,
        as_of: Date,
        settings: &'a Settings,
    ) -> Self {
        let (paths, via) = lock.map(walk).unwrap_or_default();
        Context {
            nix,
            lock,
            lock_absent,
            as_of,
            settings,
            paths,
            via,
        }
    }

    /// The reachable nodes of the lock, root excluded, in file order.
    pub fn nodes(&self) -> Vec<&'a Node> {
        self.lock.map(FlakeLock::reachable).unwrap_or_default()
    }

    /// The shortest input path from the root to a node.
    pub fn path(&self, key: &str) -> Option<&[String]> {
        self.paths.get(key).map(Vec::as_slice)
    }

    /// How a message names a node: its input path, and its key when that
    /// is not the path's last name.
    pub fn label(&self, node: &Node) -> String {
        match self.path(&node.key) {
            Some(path) if path.last() == Some(&node.key) => format!("`{}`", path.join("/")),
            Some(path) => format!("`{}` (node `{}`)", path.join("/"), node.key),
            None => format!("node `{}`", node.key),
        }
    }

    /// The root inputs through which a node is reached.
    pub fn reached_through(&self, key: &str) -> Vec<String> {
        self.via
            .get(key)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
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

type Walked = (
    HashMap<String, Vec<String>>,
    HashMap<String, BTreeSet<String>>,
);

/// Breadth first from the root, following edges and resolved follows.
fn walk(lock: &FlakeLock) -> Walked {
    let mut paths: HashMap<String, Vec<String>> = HashMap::new();
    let mut via: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut queue: VecDeque<(String, Vec<String>)> = VecDeque::new();
    queue.push_back((lock.root.clone(), Vec::new()));
    paths.insert(lock.root.clone(), Vec::new());
    while let Some((key, path)) = queue.pop_front() {
        let Some(node) = lock.node(&key) else {
            continue;
        };
        for edge in &node.inputs {
            let Some(target) = lock.target(edge) else {
                continue;
            };
            if paths.contains_key(target) {
                continue;
            }
            let mut next = path.clone();
            next.push(edge.name.clone());
            paths.insert(target.to_owned(), next.clone());
            queue.push_back((target.to_owned(), next));
        }
    }
    // Which root inputs reach each node: one search per root input.
    for edge in &lock.root_node().inputs {
        let Some(start) = lock.target(edge) else {
            continue;
        };
        let mut stack = vec![start.to_owned()];
        while let Some(key) = stack.pop() {
            if key == lock.root {
                continue;
            }
            let entry = via.entry(key.clone()).or_default();
            if !entry.insert(edge.name.clone()) {
                continue;
            }
            if let Some(node) = lock.node(&key) {
                stack.extend(
                    node.inputs
                        .iter()
                        .filter_map(|e| lock.target(e))
                        .map(str::to_owned),
                );
            }
        }
    }
    paths.remove(&lock.root);
    (paths, via)
}

/// A short revision for messages.
pub fn short_rev(rev: &str) -> &str {
    rev.get(..7).unwrap_or(rev)
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
