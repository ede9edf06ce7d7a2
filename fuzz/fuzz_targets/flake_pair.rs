//! A flake.nix and its flake.lock built from structure, so that inputs,
//! overrides, follows and lock graphs (cycles, long follows chains,
//! shared nodes, dangling paths) get past the parsers: raw bytes rarely
//! make valid JSON that is also a lock.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use repro_audit::audit::{audit_flake, LockState};
use serde_json::{json, Map, Value};

const NAMES: [&str; 6] = ["nixpkgs", "a", "b", "flake-utils", "home-manager", "x y"];
const OWNERS: [&str; 3] = ["NixOS", "o", "numtide"];
const REFS: [&str; 4] = ["nixos-unstable", "nixos-24.05", "main", ""];

fn name(i: u8) -> &'static str {
    NAMES[i as usize % NAMES.len()]
}

#[derive(Arbitrary, Debug)]
struct Pair {
    inputs: Vec<NixInput>,
    nodes: Vec<LockNode>,
    /// The root's inputs: (name, edge).
    root: Vec<(u8, Edge)>,
    version: u8,
}

#[derive(Arbitrary, Debug)]
struct NixInput {
    name: u8,
    owner: u8,
    reference: u8,
    flake: Option<bool>,
    follows: Option<Vec<u8>>,
    overrides: Vec<(u8, Vec<u8>)>,
    indirect: bool,
}

#[derive(Arbitrary, Debug)]
enum Edge {
    Node(u8),
    Follows(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct LockNode {
    inputs: Vec<(u8, Edge)>,
    kind: u8,
    owner: u8,
    reference: u8,
    rev: Option<u8>,
    last_modified: Option<u32>,
    nar_hash: bool,
    flake: Option<bool>,
}

fn edge(edge: &Edge, nodes: usize) -> Value {
    match edge {
        Edge::Node(i) => json!(format!("n{}", *i as usize % nodes.max(1))),
        Edge::Follows(path) => json!(path.iter().map(|&i| name(i)).collect::<Vec<_>>()),
    }
}

fn inputs(list: &[(u8, Edge)], nodes: usize) -> Value {
    let mut map = Map::new();
    for (n, e) in list {
        map.insert(name(*n).to_owned(), edge(e, nodes));
    }
    Value::Object(map)
}

fn lock(pair: &Pair) -> String {
    let count = pair.nodes.len();
    let mut nodes = Map::new();
    nodes.insert(
        "root".into(),
        json!({ "inputs": inputs(&pair.root, count) }),
    );
    for (i, node) in pair.nodes.iter().enumerate() {
        let owner = OWNERS[node.owner as usize % OWNERS.len()];
        let kind = ["github", "git", "path", "tarball", "indirect"][node.kind as usize % 5];
        let mut locked = Map::new();
        locked.insert("type".into(), json!(kind));
        locked.insert("owner".into(), json!(owner));
        locked.insert("repo".into(), json!("r"));
        if let Some(rev) = node.rev {
            locked.insert("rev".into(), json!(format!("{rev:040x}")));
        }
        if let Some(seconds) = node.last_modified {
            locked.insert("lastModified".into(), json!(seconds));
        }
        if node.nar_hash {
            locked.insert("narHash".into(), json!("sha256-AAAA"));
        }
        let mut original = Map::new();
        original.insert(
            "type".into(),
            json!(if kind == "indirect" { "indirect" } else { kind }),
        );
        original.insert("owner".into(), json!(owner));
        original.insert("repo".into(), json!("r"));
        original.insert("id".into(), json!(name(node.owner)));
        let reference = REFS[node.reference as usize % REFS.len()];
        if !reference.is_empty() {
            original.insert("ref".into(), json!(reference));
        }
        let mut value = Map::new();
        value.insert("inputs".into(), inputs(&node.inputs, count));
        value.insert("locked".into(), Value::Object(locked));
        value.insert("original".into(), Value::Object(original));
        if let Some(flake) = node.flake {
            value.insert("flake".into(), json!(flake));
        }
        nodes.insert(format!("n{i}"), Value::Object(value));
    }
    json!({ "nodes": nodes, "root": "root", "version": 5 + pair.version % 3 }).to_string()
}

fn nix(pair: &Pair) -> String {
    let mut out = String::from("{\n");
    for input in &pair.inputs {
        let at = format!("inputs.\"{}\"", name(input.name));
        match &input.follows {
            Some(path) => {
                let path: Vec<&str> = path.iter().map(|&i| name(i)).collect();
                out.push_str(&format!("  {at}.follows = \"{}\";\n", path.join("/")));
            }
            None if input.indirect => {
                out.push_str(&format!("  {at}.url = \"{}\";\n", name(input.owner)));
            }
            None => {
                let owner = OWNERS[input.owner as usize % OWNERS.len()];
                let reference = REFS[input.reference as usize % REFS.len()];
                let url = match reference {
                    "" => format!("github:{owner}/r"),
                    r => format!("github:{owner}/r/{r}"),
                };
                out.push_str(&format!("  {at}.url = \"{url}\";\n"));
            }
        }
        if let Some(flake) = input.flake {
            out.push_str(&format!("  {at}.flake = {flake};\n"));
        }
        for (inner, path) in &input.overrides {
            let path: Vec<&str> = path.iter().map(|&i| name(i)).collect();
            out.push_str(&format!(
                "  {at}.inputs.\"{}\".follows = \"{}\";\n",
                name(*inner),
                path.join("/")
            ));
        }
    }
    out.push_str("  outputs = { self, ... }: { };\n}\n");
    out
}

fuzz_target!(|pair: Pair| {
    let options = common::options();
    let _ = audit_flake(
        Some(("flake.nix".to_owned(), nix(&pair))),
        Some(("flake.lock".to_owned(), lock(&pair))),
        LockState::Beside,
        &options,
    );
});
