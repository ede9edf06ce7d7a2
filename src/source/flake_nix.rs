//! `flake.nix` as the inputs it declares, each with spans. Read with
//! `rnix` (a lossless syntax tree) and never evaluated: Nix itself requires
//! a flake's top level to be an attribute set and its input attributes to be
//! literals (`forceTrivialValue`), so the inputs can be read statically.
//!
//! Every form Nix accepts is flattened to attribute paths first —
//! `inputs.x.url = …;`, `inputs = { x = { url = …; }; };`, mixtures of the
//! two, quoted and `${"…"}` names — and then read the way
//! `src/libflake/flake.cc` (`parseFlakeInput`) reads them: `url`, `flake`,
//! `follows`, nested `inputs` (overrides, at any depth), and the other
//! attributes as a flake reference in attribute form (`type = "github"; …`).
//! The `outputs` function's formal arguments other than `self` that no
//! `inputs` entry declares are inputs too: Nix looks them up in the registry.

use std::collections::{BTreeMap, HashMap, HashSet};

use rnix::ast::{self, HasEntry};
use rnix::SyntaxKind;
use rowan::ast::AstNode;

use super::nix_syntax::{self, comment_lines, span_of, start, strip_parens, ReadError};
use super::span::{LineIndex, Position, Span};

#[derive(Debug, Clone)]
pub struct FlakeNix {
    pub text: String,
    pub lines: LineIndex,
    /// The root flake's inputs, in the order they are first written; the
    /// inputs taken only as `outputs` arguments come last.
    pub inputs: Vec<Input>,
    /// Every `#` comment that is alone on its line.
    pub comment_lines: Vec<Span>,
    /// `inputs` by name.
    by_name: HashMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    /// Where the name is first written.
    pub name_span: Span,
    /// Every binding that names this input (`inputs.x.url = …;`,
    /// `x = { … };`, an `outputs` argument): pragmas above any of them apply.
    pub declarations: Vec<Span>,
    /// Declared only as an argument of `outputs`.
    pub implicit: bool,
    pub spec: Spec,
}

/// What an input, or an override of a dependency's input, says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    pub url: Option<Literal>,
    /// The attribute form of a flake reference (`type`, `owner`, …).
    pub attrs: Vec<(String, Literal)>,
    pub flake: Option<Literal>,
    /// A `follows` path, resolved from the root flake; `""` is `[]`.
    pub follows: Option<(Vec<String>, Literal)>,
    /// `inputs.<name>…` inside this input: overrides of its own inputs.
    pub overrides: Vec<Override>,
    /// `overrides` by name.
    override_index: HashMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub name: String,
    pub name_span: Span,
    pub spec: Spec,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Bool(bool),
    Int(i64),
    /// A path literal as written (`./sub`, `/abs`).
    Path(String),
}

impl Spec {
    /// `flake = false` makes the input a plain source tree.
    pub fn is_flake(&self) -> bool {
        !matches!(
            self.flake,
            Some(Literal {
                value: Value::Bool(false),
                ..
            })
        )
    }

    /// Whether it names a source itself (rather than only following one or
    /// overriding its dependencies).
    pub fn has_reference(&self) -> bool {
        self.url.is_some() || !self.attrs.is_empty()
    }

    /// The override of this input's own input `name`.
    pub fn override_named(&self, name: &str) -> Option<&Override> {
        self.override_index.get(name).map(|&i| &self.overrides[i])
    }

    /// The override at `path` below this spec.
    pub fn override_at(&self, path: &[String]) -> Option<&Override> {
        let (first, rest) = path.split_first()?;
        let found = self.override_named(first)?;
        if rest.is_empty() {
            Some(found)
        } else {
            found.spec.override_at(rest)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NixError {
    pub message: String,
    pub position: Position,
}

impl FlakeNix {
    pub fn parse(text: String) -> Result<FlakeNix, NixError> {
        let text = nix_syntax::lone_cr_as_newline(text);
        let lines = LineIndex::new(&text);
        let shared = std::sync::Arc::new(text);
        let result = nix_syntax::on_parser_thread(std::sync::Arc::clone(&shared), read);
        let text = std::sync::Arc::try_unwrap(shared).unwrap_or_else(|arc| (*arc).clone());
        match result {
            Ok((inputs, comment_lines)) => Ok(FlakeNix {
                text,
                lines,
                by_name: inputs
                    .iter()
                    .enumerate()
                    .map(|(i, input)| (input.name.clone(), i))
                    .collect(),
                inputs,
                comment_lines,
            }),
            Err((message, offset)) => Err(NixError {
                message,
                position: lines.position(&text, offset),
            }),
        }
    }

    pub fn input(&self, name: &str) -> Option<&Input> {
        self.by_name.get(name).map(|&i| &self.inputs[i])
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// The declared inputs as Nix evaluates `(import ./flake.nix).inputs`,
    /// in JSON (a path becomes `{"__path": "<as written>"}`), and the
    /// `outputs` arguments: what the conformance test compares with Nix.
    pub fn to_json(&self) -> serde_json::Value {
        let inputs: serde_json::Map<_, _> = self
            .inputs
            .iter()
            .filter(|i| !i.implicit)
            .map(|i| (i.name.clone(), spec_json(&i.spec)))
            .collect();
        serde_json::json!({ "inputs": inputs })
    }
}

fn spec_json(spec: &Spec) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    let literal = |l: &Literal| match &l.value {
        Value::Str(s) => serde_json::json!(s),
        Value::Bool(b) => serde_json::json!(b),
        Value::Int(i) => serde_json::json!(i),
        Value::Path(p) => serde_json::json!({ "__path": p }),
    };
    if let Some(url) = &spec.url {
        map.insert("url".into(), literal(url));
    }
    for (name, value) in &spec.attrs {
        map.insert(name.clone(), literal(value));
    }
    if let Some(flake) = &spec.flake {
        map.insert("flake".into(), literal(flake));
    }
    if let Some((_, written)) = &spec.follows {
        map.insert("follows".into(), literal(written));
    }
    if !spec.overrides.is_empty() {
        let overrides: serde_json::Map<_, _> = spec
            .overrides
            .iter()
            .map(|o| (o.name.clone(), spec_json(&o.spec)))
            .collect();
        map.insert("inputs".into(), overrides.into());
    }
    map.into()
}

fn read(text: &str, root: rnix::Root) -> Result<(Vec<Input>, Vec<Span>), ReadError> {
    let comment_lines = comment_lines(root.syntax(), text);
    let top = root
        .expr()
        .and_then(strip_parens)
        .ok_or_else(|| ("flake.nix is empty".to_owned(), 0))?;
    let ast::Expr::AttrSet(top) = top else {
        let what = match &top {
            ast::Expr::Lambda(_) => {
                ", not a function: it reads like a NixOS module or a package, which is not a flake"
            }
            ast::Expr::LetIn(_) => ", not a `let … in` expression",
            _ => "",
        };
        return Err((
            format!("flake.nix must be an attribute set{what} (Nix: file 'flake.nix' must be an attribute set)"),
            start(top.syntax()),
        ));
    };
    let mut leaves = Vec::new();
    let mut formals = Vec::new();
    for entry in top.entries() {
        let ast::Entry::AttrpathValue(binding) = entry else {
            continue;
        };
        let path = attrpath(&binding)?;
        match path.first().map(|(name, _)| name.as_str()) {
            Some("inputs") => flatten(&binding, path[1..].to_vec(), &mut leaves)?,
            Some("outputs") if path.len() == 1 => {
                if let Some(value) = binding.value().and_then(strip_parens) {
                    formals = outputs_formals(&value);
                }
            }
            _ => {}
        }
    }
    let mut inputs = build_inputs(leaves)?;
    let mut named: HashSet<String> = inputs.iter().map(|i| i.name.clone()).collect();
    for (name, span) in formals {
        if name == "self" || !named.insert(name.clone()) {
            continue;
        }
        inputs.push(Input {
            name,
            name_span: span,
            declarations: vec![span],
            implicit: true,
            spec: Spec::default(),
        });
    }
    Ok((inputs, comment_lines))
}

/// The names of a binding's attribute path, each with its span.
fn attrpath(binding: &ast::AttrpathValue) -> Result<Vec<(String, Span)>, ReadError> {
    let path = binding.attrpath().ok_or_else(|| {
        (
            "a binding without a name".to_owned(),
            start(binding.syntax()),
        )
    })?;
    path.attrs().map(|attr| attr_name(&attr)).collect()
}

fn attr_name(attr: &ast::Attr) -> Result<(String, Span), ReadError> {
    let span = span_of(attr.syntax());
    match attr {
        ast::Attr::Ident(ident) => Ok((ident.syntax().text().to_string(), span)),
        ast::Attr::Str(string) => Ok((plain_string(string)?, span)),
        ast::Attr::Dynamic(dynamic) => match dynamic.expr().and_then(strip_parens) {
            Some(ast::Expr::Str(string)) => Ok((plain_string(&string)?, span)),
            _ => Err((
                "an attribute name computed at evaluation time cannot be read".into(),
                span.start,
            )),
        },
    }
}

/// A string without interpolation, its escapes resolved.
fn plain_string(string: &ast::Str) -> Result<String, ReadError> {
    let mut value = String::new();
    for part in string.normalized_parts() {
        match part {
            ast::InterpolPart::Literal(text) => value.push_str(&text),
            ast::InterpolPart::Interpolation(i) => {
                return Err((
                    "a flake input cannot use string interpolation (Nix requires a literal)".into(),
                    start(i.syntax()),
                ))
            }
        }
    }
    Ok(value)
}

/// A binding below `inputs`, flattened: its path (below `inputs`), its
/// value, and the spans of the bindings that wrote it.
struct Leaf {
    path: Vec<(String, Span)>,
    value: ast::Expr,
    /// The binding of each name on the path, outermost first, so that a
    /// name's declaration is the binding that first writes it.
    bindings: Vec<Span>,
}

/// Flatten `binding` (whose path below `inputs` is `prefix`) into leaves,
/// descending into attribute-set values. Iterative: the depth is the
/// file's, and bounded by `check_nesting` anyway.
fn flatten(
    binding: &ast::AttrpathValue,
    prefix: Vec<(String, Span)>,
    leaves: &mut Vec<Leaf>,
) -> Result<(), ReadError> {
    let span = span_of(binding.syntax());
    let value = binding
        .value()
        .and_then(strip_parens)
        .ok_or_else(|| ("a binding without a value".to_owned(), span.start))?;
    let bindings = vec![span; prefix.len()];
    let mut work = vec![(prefix, value, bindings)];
    while let Some((path, value, bindings)) = work.pop() {
        match value {
            ast::Expr::AttrSet(set) => {
                let mut entries: Vec<_> = set.entries().collect();
                entries.reverse();
                for entry in entries {
                    match entry {
                        ast::Entry::AttrpathValue(inner) => {
                            let inner_span = span_of(inner.syntax());
                            let names = attrpath(&inner)?;
                            let mut inner_path = path.clone();
                            let mut inner_bindings = bindings.clone();
                            inner_bindings.extend(std::iter::repeat_n(inner_span, names.len()));
                            inner_path.extend(names);
                            let inner_value =
                                inner.value().and_then(strip_parens).ok_or_else(|| {
                                    ("a binding without a value".to_owned(), inner_span.start)
                                })?;
                            work.push((inner_path, inner_value, inner_bindings));
                        }
                        ast::Entry::Inherit(inherit) => {
                            return Err((
                                "`inherit` in flake inputs cannot be read (Nix requires literals)"
                                    .into(),
                                start(inherit.syntax()),
                            ))
                        }
                    }
                }
            }
            // `inputs = [ … ]`, `inputs = "x"`, `inputs = a // b`: Nix
            // wants a set written out (it forces only trivial values).
            value if path.is_empty() => {
                return Err((
                    format!(
                        "`inputs` must be an attribute set written out in flake.nix \
                         (Nix: expected a set but got {})",
                        nix_type(&value)
                    ),
                    start(value.syntax()),
                ))
            }
            value => leaves.push(Leaf {
                path,
                value,
                bindings,
            }),
        }
    }
    Ok(())
}

/// What Nix would call the value of an expression it does not evaluate
/// further (`showType`): `a list`, `a string`, …, or `a thunk` for one it
/// would have to evaluate.
fn nix_type(value: &ast::Expr) -> &'static str {
    match value {
        ast::Expr::List(_) => "a list",
        ast::Expr::Str(_) => "a string",
        ast::Expr::Lambda(_) => "a function",
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => "a path",
        ast::Expr::Literal(literal) => match literal.kind() {
            ast::LiteralKind::Integer(_) => "an integer",
            ast::LiteralKind::Float(_) => "a float",
            ast::LiteralKind::Uri(_) => "a string",
        },
        ast::Expr::Ident(ident)
            if matches!(ident.syntax().text().to_string().as_str(), "true" | "false") =>
        {
            "a Boolean"
        }
        ast::Expr::Ident(ident) if ident.syntax().text() == "null" => "null",
        _ => "a thunk",
    }
}

fn literal(value: &ast::Expr, what: &str) -> Result<Literal, ReadError> {
    let span = span_of(value.syntax());
    let value = match value {
        ast::Expr::Str(string) => Value::Str(plain_string(string)?),
        ast::Expr::Literal(lit) => match lit.kind() {
            ast::LiteralKind::Integer(i) => Value::Int(
                i.value()
                    .map_err(|_| (format!("`{what}`: integer out of range"), span.start))?,
            ),
            // An old-style URI literal (`github:NixOS/nixpkgs`) is a string.
            ast::LiteralKind::Uri(uri) => Value::Str(uri.to_string()),
            ast::LiteralKind::Float(_) => {
                return Err((
                    format!("`{what}` is a float; Nix accepts a string, boolean, integer or path"),
                    span.start,
                ))
            }
        },
        ast::Expr::Ident(ident) if ident.syntax().text() == "true" => Value::Bool(true),
        ast::Expr::Ident(ident) if ident.syntax().text() == "false" => Value::Bool(false),
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_)
            if !value
                .syntax()
                .children()
                .any(|c| c.kind() == SyntaxKind::NODE_INTERPOL) =>
        {
            Value::Path(value.syntax().text().to_string())
        }
        _ => {
            return Err((
                format!(
                    "`{what}` must be a literal (a string, boolean, integer or path): \
                     Nix does not evaluate flake inputs"
                ),
                span.start,
            ))
        }
    };
    Ok(Literal { value, span })
}

/// Group the leaves by input and read each input's attributes.
fn build_inputs(leaves: Vec<Leaf>) -> Result<Vec<Input>, ReadError> {
    // Reject what Nix rejects as defined twice.
    let mut seen: BTreeMap<Vec<String>, Span> = BTreeMap::new();
    for leaf in &leaves {
        let names: Vec<String> = leaf.path.iter().map(|(n, _)| n.clone()).collect();
        let at = leaf
            .path
            .last()
            .map(|(_, s)| *s)
            .or(leaf.bindings.first().copied())
            .unwrap_or_else(|| span_of(leaf.value.syntax()));
        let clash = seen.contains_key(&names)
            || (1..names.len()).any(|n| seen.contains_key(&names[..n]))
            || seen
                .range(names.clone()..)
                .next()
                .is_some_and(|(other, _)| other.starts_with(&names));
        if clash {
            return Err((
                format!("attribute `inputs.{}` is defined twice", names.join(".")),
                at.start,
            ));
        }
        seen.insert(names, at);
    }
    let mut inputs: Vec<Input> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    for leaf in leaves {
        let Some(((name, name_span), _)) = leaf.path.split_first() else {
            return Err((
                "`inputs` must be an attribute set written in flake.nix".into(),
                start(leaf.value.syntax()),
            ));
        };
        if name == "self" {
            // `inputs.self.*` are attributes of the flake itself.
            continue;
        }
        let index = match by_name.get(name) {
            Some(&index) => index,
            None => {
                by_name.insert(name.clone(), inputs.len());
                inputs.push(Input {
                    name: name.clone(),
                    name_span: *name_span,
                    declarations: Vec::new(),
                    implicit: false,
                    spec: Spec::default(),
                });
                inputs.len() - 1
            }
        };
        let input = &mut inputs[index];
        let Some(&declaration) = leaf.bindings.first() else {
            continue;
        };
        // A binding's leaves come one after another.
        if input.declarations.last() != Some(&declaration) {
            input.declarations.push(declaration);
        }
        let rest: Vec<(String, Span)> = leaf.path[1..].to_vec();
        set_attr(&mut input.spec, &rest, &leaf.value, name)?;
    }
    for input in &inputs {
        validate(&input.spec, &input.name)?;
    }
    Ok(inputs)
}

/// Record the attribute at `path` (below an input or override) in `spec`.
fn set_attr(
    spec: &mut Spec,
    path: &[(String, Span)],
    value: &ast::Expr,
    owner: &str,
) -> Result<(), ReadError> {
    let mut spec = spec;
    let mut owner = owner.to_owned();
    let mut path = path;
    loop {
        let Some(((attr, attr_span), rest)) = path.split_first() else {
            return Err((
                format!("flake input `{owner}` must be an attribute set"),
                start(value.syntax()),
            ));
        };
        if attr == "inputs" {
            let Some(((name, name_span), rest)) = rest.split_first() else {
                return Err((
                    format!("`{owner}.inputs` must be an attribute set written in flake.nix"),
                    start(value.syntax()),
                ));
            };
            let index = match spec.override_index.get(name) {
                Some(&index) => index,
                None => {
                    spec.override_index
                        .insert(name.clone(), spec.overrides.len());
                    spec.overrides.push(Override {
                        name: name.clone(),
                        name_span: *name_span,
                        spec: Spec::default(),
                    });
                    spec.overrides.len() - 1
                }
            };
            owner = format!("{owner}.inputs.{name}");
            spec = &mut spec.overrides[index].spec;
            path = rest;
            continue;
        }
        if !rest.is_empty() {
            return Err((
                format!(
                    "unexpected flake input attribute `{owner}.{attr}.{}`",
                    rest[0].0
                ),
                attr_span.start,
            ));
        }
        let what = format!("{owner}.{attr}");
        let literal = literal(value, &what)?;
        match attr.as_str() {
            "url" => match &literal.value {
                Value::Str(_) | Value::Path(_) => spec.url = Some(literal),
                _ => {
                    return Err((
                        format!("`{what}` must be a string or a path"),
                        literal.span.start,
                    ))
                }
            },
            "flake" => match &literal.value {
                Value::Bool(_) => spec.flake = Some(literal),
                _ => return Err((format!("`{what}` must be a boolean"), literal.span.start)),
            },
            "follows" => match &literal.value {
                Value::Str(path) => {
                    let parsed = if path.is_empty() {
                        Vec::new()
                    } else {
                        path.split('/').map(str::to_owned).collect()
                    };
                    spec.follows = Some((parsed, literal));
                }
                _ => return Err((format!("`{what}` must be a string"), literal.span.start)),
            },
            _ => spec.attrs.push((attr.clone(), literal)),
        }
        return Ok(());
    }
}

/// What `parseFlakeInput` refuses, checked once every attribute is known.
fn validate(spec: &Spec, owner: &str) -> Result<(), ReadError> {
    let mut work = vec![(spec, owner.to_owned())];
    while let Some((spec, owner)) = work.pop() {
        if let Some((_, follows)) = &spec.follows {
            if spec.has_reference() {
                return Err((
                    format!(
                        "flake input `{owner}` has both a flake reference and a follows attribute"
                    ),
                    follows.span.start,
                ));
            }
        }
        if !spec.attrs.is_empty() && !spec.attrs.iter().any(|(name, _)| name == "type") {
            let (name, value) = &spec.attrs[0];
            return Err((
                format!("unexpected flake input attribute `{name}` in `{owner}` (an attribute-form reference needs `type`)"),
                value.span.start,
            ));
        }
        for o in &spec.overrides {
            work.push((&o.spec, format!("{owner}.inputs.{}", o.name)));
        }
    }
    Ok(())
}

/// The formal arguments of `outputs = { self, nixpkgs, ... }:` (also with
/// `inputs@` before or after), each with its span.
fn outputs_formals(value: &ast::Expr) -> Vec<(String, Span)> {
    let ast::Expr::Lambda(lambda) = value else {
        return Vec::new();
    };
    let Some(ast::Param::Pattern(pattern)) = lambda.param() else {
        return Vec::new();
    };
    pattern
        .pat_entries()
        .filter_map(|entry| entry.ident())
        .map(|ident| (ident.syntax().text().to_string(), span_of(ident.syntax())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FlakeNix {
        FlakeNix::parse(text.to_owned()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn error(text: &str) -> NixError {
        FlakeNix::parse(text.to_owned()).expect_err("an error")
    }

    #[test]
    fn fortune_cat_inputs() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/fortune-cat/flake.nix"),
        )
        .unwrap();
        let flake = parse(&text);
        let names: Vec<_> = flake.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "nixpkgs",
                "flake-utils",
                "pyproject-nix",
                "uv2nix",
                "pyproject-build-systems"
            ]
        );
        let uv2nix = flake.input("uv2nix").unwrap();
        assert_eq!(uv2nix.declarations.len(), 3);
        let follows = &uv2nix
            .spec
            .override_at(&["pyproject-nix".into()])
            .unwrap()
            .spec
            .follows;
        assert_eq!(follows.as_ref().unwrap().0, ["pyproject-nix"]);
        let at = flake.lines.position(&flake.text, uv2nix.name_span.start);
        assert_eq!((at.line, at.column), (10, 5));
    }

    #[test]
    fn forms() {
        let flake = parse(
            r#"{
  inputs = {
    "hls-1.10" = { url = "github:a/b"; flake = false; };
    ${"dyn"}.url = ./sub;
    x.inputs.y.inputs.z.follows = "";
  };
  inputs.t = { type = "github"; owner = "o"; repo = "r"; };
  outputs = inputs@{ self, nixpkgs, t, ... }: { };
}"#,
        );
        let names: Vec<_> = flake.inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["hls-1.10", "dyn", "x", "t", "nixpkgs"]);
        assert!(!flake.inputs[0].spec.is_flake());
        assert_eq!(
            flake.inputs[1].spec.url.as_ref().unwrap().value,
            Value::Path("./sub".into())
        );
        let z = flake.inputs[2]
            .spec
            .override_at(&["y".into(), "z".into()])
            .unwrap();
        assert_eq!(z.spec.follows.as_ref().unwrap().0, Vec::<String>::new());
        assert_eq!(flake.inputs[3].spec.attrs.len(), 3);
        assert!(flake.inputs[4].implicit);
    }

    #[test]
    fn errors_have_positions() {
        let e = error("let x = 1; in { }");
        assert_eq!((e.position.line, e.position.column), (1, 1));
        let e = error("{\n  inputs.a.url = \"github:${x}\";\n}");
        assert!(e.message.contains("interpolation"), "{e:?}");
        assert_eq!((e.position.line, e.position.column), (2, 26));
        let e = error("{ inputs.a.url = \"x\"; inputs.a.url = \"y\"; }");
        assert!(e.message.contains("defined twice"), "{e:?}");
        let e = error("{ inputs.a = { url = \"x\"; follows = \"b\"; }; }");
        assert!(e.message.contains("both"), "{e:?}");
        let e = error("{ inputs.a.owner = \"x\"; }");
        assert!(
            e.message.contains("unexpected flake input attribute"),
            "{e:?}"
        );
        let e = error("{ inputs.a.url = builtins.x; }");
        assert!(e.message.contains("literal"), "{e:?}");
        let e = error("{ inputs = {");
        assert!(e.message.contains("end of file"), "{e:?}");
    }

    #[test]
    fn long_lists_are_read() {
        let items = " x".repeat(20_000) + &" \"s\"".repeat(5_000) + &" (f y)".repeat(5_000);
        let flake = parse(&format!(
            "{{\n  inputs.a.url = \"github:o/a\";\n  packages = [{items} ];\n}}"
        ));
        assert_eq!(flake.inputs.len(), 1);
    }

    #[test]
    fn deep_and_long_input_is_an_error_not_a_crash() {
        for text in [
            format!("{{ a = {}x; }}", "-".repeat(200_000)),
            format!("{{ a = {}x{}; }}", "[".repeat(100_000), "]".repeat(100_000)),
            format!("{{ a = f{}; }}", " x".repeat(100_000)),
            format!("{{ a = f{}; }}", ".x".repeat(100_000)),
            format!("{{ a = [ f{} ]; }}", ".x".repeat(100_000)),
            format!("{{ a = [ {}x ]; }}", "-".repeat(200_000)),
            format!("{{ a = {}; }}", "<".repeat(100_000)),
        ] {
            let e = error(&text);
            assert!(e.message.contains("too"), "{e:?}");
        }
    }
}
