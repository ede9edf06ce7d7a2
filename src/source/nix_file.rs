//! Any `.nix` file, read for what can differ between two evaluations of
//! it: the uses of the builtins that Nix's pure evaluation mode restricts
//! (`<nixpkgs>` search paths, fetchers without a hash or revision,
//! `getEnv`, `currentTime`, …), each with the argument it is applied to.
//!
//! Nothing is evaluated. Names are resolved the way Nix scopes them
//! statically: a `let`, `rec` set or function argument shadows a builtin;
//! `fetchTarball`, `fetchGit`, `fetchMercurial`, `fetchTree` and the `__`
//! names are global; the other builtins are reached through `builtins.`, an
//! alias (`inherit (builtins) getEnv;`, `x = builtins.getEnv;`), or
//! `with builtins;` when it is the innermost `with` (a `with` never
//! shadows a lexical name or a global).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rnix::ast::{self, HasEntry};
use rnix::{SyntaxKind, SyntaxNode, WalkEvent};
use rowan::ast::AstNode;

use super::nix_syntax::{self, comment_lines, span_of, strip_parens, ReadError};
use super::span::{LineIndex, Position, Span};

/// The builtins this reader reports, by their name in `builtins`.
pub const REPORTED: &[&str] = &[
    "fetchTarball",
    "fetchurl",
    "fetchGit",
    "fetchMercurial",
    "fetchTree",
    "getFlake",
    "nixPath",
    "findFile",
    "getEnv",
    "currentTime",
    "storePath",
];

/// The reported builtins that Nix also binds as globals without `__`.
const GLOBAL: &[&str] = &["fetchTarball", "fetchGit", "fetchMercurial", "fetchTree"];

#[derive(Debug, Clone)]
pub struct NixFile {
    pub text: String,
    pub lines: LineIndex,
    /// Every `#` comment alone on its line.
    pub comment_lines: Vec<Span>,
    /// Every `<…>` search path.
    pub search_paths: Vec<Span>,
    /// Every use of a reported builtin, in file order.
    pub builtins: Vec<BuiltinUse>,
    /// Per line right below a comment line, the outermost expression or
    /// binding that the line starts with: where a pragma applies.
    pub commented_nodes: Vec<Span>,
    /// What a flake exports as templates: in a binding under `templates`
    /// or `defaultTemplate`, each `path = ./…;`, `readDir ./…` and
    /// `import ./…`.
    pub templates: Vec<PathUse>,
    /// Every `path = ./…;` and `readDir ./…` anywhere (for a file that a
    /// flake's `templates` imports).
    pub path_attrs: Vec<PathUse>,
    /// The paths of every `imports = [ ./… ];` list (NixOS and
    /// flake-parts modules).
    pub imports: Vec<String>,
    /// Whether the whole file is what a `.nix` file is written as: a
    /// function of a set (`{ pkgs, … }:`), a set, a `let`, a `with`, an
    /// `assert` (a line of prose or a Makefile parses as Nix too).
    pub typical: bool,
    /// Whether the whole file is a function (`{ config, lib, ... }: …`):
    /// a module or a package, never a flake.
    pub function: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuiltinUse {
    /// Its name in `builtins`: one of [`REPORTED`].
    pub name: &'static str,
    /// The reference as written: `builtins.getEnv`, `fetchTarball`, an
    /// alias.
    pub span: Span,
    /// What it is applied to, when it is.
    pub argument: Option<Argument>,
}

/// An argument, as far as it can be read without evaluating: written
/// there, or bound to a name by a `let` or `rec` set. Shared, so that a
/// value bound once and used many times is read once.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// A string, or a URI literal; its value when it has no interpolation.
    Str(Option<Arc<str>>),
    /// A path literal (`./.`), or `toString` of one: the file's own tree.
    Path,
    /// An attribute set: its entries with what can be read of their
    /// values, and whether every name could be read.
    Attrs {
        entries: Arc<[(String, Argument)]>,
        complete: bool,
    },
    /// Anything else: a variable, a call, …
    Other,
}

impl Argument {
    /// The entry `name` of an attribute set.
    pub fn entry(&self, name: &str) -> Option<&Argument> {
        match self {
            Argument::Attrs { entries, .. } => {
                entries.iter().find(|(n, _)| n == name).map(|(_, a)| a)
            }
            _ => None,
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.entry(name).is_some()
    }

    /// A string's value.
    pub fn string(&self) -> Option<&str> {
        match self {
            Argument::Str(Some(value)) => Some(value),
            _ => None,
        }
    }

    /// A string (written, or bound to a name) whose value is not known.
    fn some_string() -> Argument {
        Argument::Str(None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathUse {
    /// `path = ./x;`: the directory `./x`.
    Path(String),
    /// `readDir ./x`: each directory in `./x`.
    ReadDir(String),
    /// `import ./x`: what that file holds.
    Import(String),
    /// `"${self}/x"` or `self + "/x"`: `x` in the flake's own tree.
    FromRoot(String),
    /// `"${self}/x/${name}"`: each directory in `x` of the flake's tree.
    FromRootChildren(String),
    /// `./x + "/${name}"`: each directory in `./x`.
    Children(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NixFileError {
    pub message: String,
    pub position: Position,
}

impl NixFile {
    pub fn parse(text: String) -> Result<NixFile, NixFileError> {
        let shared = Arc::new(nix_syntax::lone_cr_as_newline(text));
        let result = nix_syntax::on_parser_thread(Arc::clone(&shared), read);
        let text = Arc::try_unwrap(shared).unwrap_or_else(|arc| (*arc).clone());
        match result {
            Ok(read) => Ok(NixFile {
                text,
                lines: read.lines,
                comment_lines: read.comment_lines,
                search_paths: read.search_paths,
                builtins: read.builtins,
                commented_nodes: read.commented_nodes,
                templates: read.templates,
                path_attrs: read.path_attrs,
                imports: read.imports,
                typical: read.typical,
                function: read.function,
            }),
            Err((message, offset)) => {
                let lines = LineIndex::new(&text);
                Err(NixFileError {
                    message,
                    position: lines.position(&text, offset),
                })
            }
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

/// What the parser thread sends back.
struct Read {
    lines: LineIndex,
    comment_lines: Vec<Span>,
    search_paths: Vec<Span>,
    builtins: Vec<BuiltinUse>,
    commented_nodes: Vec<Span>,
    templates: Vec<PathUse>,
    path_attrs: Vec<PathUse>,
    imports: Vec<String>,
    typical: bool,
    function: bool,
}

/// What a name is bound to in a lexical scope.
#[derive(Debug, Clone, PartialEq)]
enum Binding {
    /// Nothing this reader can tell.
    Other,
    /// An alias of the builtin `builtins.<name>`.
    Builtin(&'static str),
    /// `builtins` itself, under another name or its own.
    Builtins,
    /// A string or an attribute set that a `let` or `rec` set binds.
    Value(Argument),
}

/// What the set of a `with` is known to be.
#[derive(Debug, Clone)]
enum WithSet {
    Builtins,
    /// A set whose names are all known: a literal, a set a `let` binds,
    /// or nixpkgs' `lib`, which has none of the builtins this reads.
    Known(Arc<HashSet<String>>),
    Unknown,
}

impl WithSet {
    fn of(scopes: &Scopes, namespace: Option<ast::Expr>) -> WithSet {
        let namespace = namespace.and_then(strip_parens);
        let lib = match &namespace {
            Some(ast::Expr::Ident(ident)) => {
                ident_text(ident) == "lib"
                    && scopes.lexical("lib").is_none_or(|b| *b == Binding::Other)
            }
            Some(ast::Expr::Select(select)) => select
                .attrpath()
                .and_then(|p| p.attrs().last())
                .is_some_and(|a| a.syntax().text() == "lib"),
            _ => false,
        };
        if lib {
            return WithSet::Known(Arc::default());
        }
        if scopes.binding_of(namespace.clone()) == Binding::Builtins {
            return WithSet::Builtins;
        }
        match argument(scopes, namespace) {
            Argument::Attrs {
                entries,
                complete: true,
            } => WithSet::Known(Arc::new(entries.iter().map(|(n, _)| n.clone()).collect())),
            _ => WithSet::Unknown,
        }
    }
}

/// What entering a node did, undone when leaving it.
struct Frame {
    node: SyntaxNode,
    bound: Vec<String>,
    with: bool,
    templates: bool,
}

/// The scopes in force at a point of the walk: per name, the bindings that
/// shadow one another, so that each push, pop and lookup is O(1).
#[derive(Default)]
struct Scopes {
    /// Per bound name, its bindings, innermost last.
    bound: HashMap<String, Vec<Binding>>,
    /// Per enclosing `with`, innermost last: what its set is known to be.
    withs: Vec<WithSet>,
    /// The `builtins.x` values of aliases (`getEnv = builtins.getEnv;` in
    /// a `let`): their uses are reported instead.
    alias_values: HashSet<Span>,
}

impl Scopes {
    /// The innermost lexical binding of `name`.
    fn lexical(&self, name: &str) -> Option<&Binding> {
        self.bound.get(name).and_then(|b| b.last())
    }

    /// What `name`, written as a variable here, refers to: a lexical
    /// binding, else a global builtin, else a builtin through the
    /// innermost `with` when that is `with builtins`.
    fn resolve(&self, name: &str) -> Option<Binding> {
        if let Some(binding) = self.lexical(name) {
            return Some(binding.clone());
        }
        if name == "builtins" {
            return Some(Binding::Builtins);
        }
        let reported = |plain: &str| REPORTED.iter().find(|r| **r == plain).copied();
        if let Some(plain) = name.strip_prefix("__") {
            return reported(plain).map(Binding::Builtin);
        }
        if let Some(global) = GLOBAL.iter().find(|g| **g == name) {
            return Some(Binding::Builtin(global));
        }
        // Nix looks a name up in the innermost `with` whose set has it.
        for with in self.withs.iter().rev() {
            match with {
                WithSet::Builtins => return reported(name).map(Binding::Builtin),
                WithSet::Known(names) if !names.contains(name) => continue,
                WithSet::Known(_) | WithSet::Unknown => return None,
            }
        }
        None
    }

    /// Replace what the innermost binding of `name` is bound to.
    fn rebind(&mut self, name: &str, binding: Binding) {
        if let Some(top) = self.bound.get_mut(name).and_then(|stack| stack.last_mut()) {
            *top = binding;
        }
    }

    fn bind(&mut self, name: String, binding: Binding, frame: &mut Frame) {
        self.bound.entry(name.clone()).or_default().push(binding);
        frame.bound.push(name);
    }

    fn leave(&mut self, frame: &Frame) {
        for name in &frame.bound {
            if let Some(stack) = self.bound.get_mut(name) {
                stack.pop();
            }
        }
        if frame.with {
            self.withs.pop();
        }
    }

    /// What a `let` or `rec` set binds a name to: `builtins`, a builtin,
    /// another name's binding, or a string or set it can read.
    fn binding_of(&self, value: Option<ast::Expr>) -> Binding {
        match value.and_then(strip_parens) {
            Some(ast::Expr::Ident(ident)) => {
                self.resolve(&ident_text(&ident)).unwrap_or(Binding::Other)
            }
            Some(ast::Expr::Select(select)) => match builtin_select(self, &select) {
                Some(name) => Binding::Builtin(name),
                None => Binding::Other,
            },
            Some(value @ (ast::Expr::Str(_) | ast::Expr::AttrSet(_) | ast::Expr::BinOp(_))) => {
                match argument(self, Some(value)) {
                    Argument::Other => Binding::Other,
                    readable => Binding::Value(readable),
                }
            }
            _ => Binding::Other,
        }
    }
}

fn ident_text(ident: &ast::Ident) -> String {
    ident.syntax().text().to_string()
}

/// `builtins.<reported>`, with `builtins` not shadowed: the builtin's name.
fn builtin_select(scopes: &Scopes, select: &ast::Select) -> Option<&'static str> {
    let ast::Expr::Ident(base) = strip_parens(select.expr()?)? else {
        return None;
    };
    if scopes.resolve(&ident_text(&base)) != Some(Binding::Builtins) {
        return None;
    }
    let first = select.attrpath()?.attrs().next()?;
    let name = match first {
        ast::Attr::Ident(ident) => ident_text(&ident),
        ast::Attr::Str(string) => plain(&string)?,
        ast::Attr::Dynamic(_) => return None,
    };
    REPORTED.iter().find(|r| **r == name).copied()
}

/// A string without interpolation.
fn plain(string: &ast::Str) -> Option<String> {
    let mut value = String::new();
    for part in string.normalized_parts() {
        match part {
            ast::InterpolPart::Literal(text) => value.push_str(&text),
            ast::InterpolPart::Interpolation(_) => return None,
        }
    }
    Some(value)
}

/// A path literal without interpolation, as written.
fn path_literal(expr: &ast::Expr) -> Option<String> {
    match expr {
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_)
            if !expr
                .syntax()
                .children()
                .any(|c| c.kind() == SyntaxKind::NODE_INTERPOL) =>
        {
            Some(expr.syntax().text().to_string())
        }
        _ => None,
    }
}

fn argument(scopes: &Scopes, expr: Option<ast::Expr>) -> Argument {
    let Some(expr) = expr.and_then(strip_parens) else {
        return Argument::Other;
    };
    match &expr {
        ast::Expr::Str(string) => Argument::Str(plain(string).map(Arc::from)),
        ast::Expr::Literal(literal) => match literal.kind() {
            ast::LiteralKind::Uri(uri) => Argument::Str(Some(Arc::from(uri.to_string()))),
            _ => Argument::Other,
        },
        // A name a `let` binds to a string or a set.
        ast::Expr::Ident(ident) => match scopes.lexical(&ident_text(ident)) {
            Some(Binding::Value(value)) => value.clone(),
            _ => Argument::Other,
        },
        // `"https://…/" + rev + ".tar.gz"`: a string when it starts with one.
        ast::Expr::BinOp(op) if op.operator() == Some(ast::BinOpKind::Add) => {
            match argument(scopes, op.lhs()) {
                Argument::Str(_) => Argument::some_string(),
                _ => Argument::Other,
            }
        }
        ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_) => Argument::Path,
        // `toString ./.`, `"${./.}"`: still the local tree.
        ast::Expr::Apply(apply) => {
            let to_string = matches!(
                apply.lambda().and_then(strip_parens),
                Some(ast::Expr::Ident(ident)) if ident_text(&ident) == "toString"
            );
            let path = matches!(
                apply.argument().and_then(strip_parens),
                Some(ast::Expr::PathAbs(_) | ast::Expr::PathRel(_) | ast::Expr::PathHome(_))
            );
            if to_string && path {
                Argument::Path
            } else {
                Argument::Other
            }
        }
        ast::Expr::AttrSet(set) => {
            let mut entries = Vec::new();
            let mut complete = true;
            for entry in set.entries() {
                match entry {
                    ast::Entry::AttrpathValue(binding) => {
                        let first = binding.attrpath().and_then(|p| p.attrs().next());
                        let name = match first {
                            Some(ast::Attr::Ident(ident)) => Some(ident_text(&ident)),
                            Some(ast::Attr::Str(string)) => plain(&string),
                            _ => None,
                        };
                        match name {
                            // Values one level down only: what a fetcher
                            // reads is flat.
                            Some(name) => {
                                let value = match binding.value().and_then(strip_parens) {
                                    Some(ast::Expr::AttrSet(_)) => Argument::Other,
                                    value => argument(scopes, value),
                                };
                                entries.push((name, value));
                            }
                            None => complete = false,
                        }
                    }
                    ast::Entry::Inherit(inherit) => {
                        for attr in inherit.attrs() {
                            match attr {
                                ast::Attr::Ident(ident) => {
                                    entries.push((ident_text(&ident), Argument::Other))
                                }
                                _ => complete = false,
                            }
                        }
                    }
                }
            }
            Argument::Attrs {
                entries: entries.into(),
                complete,
            }
        }
        _ => Argument::Other,
    }
}

/// `findFile [ { prefix = …; path = ./…; } ] "x"` searches a list the file
/// writes, not NIX_PATH.
fn searches_a_list(builtin: &str, applied: Option<&ast::Expr>) -> bool {
    builtin == "findFile"
        && matches!(
            applied.cloned().and_then(strip_parens),
            Some(ast::Expr::List(_))
        )
}

/// The expression a node is applied to, when the node is the function of
/// an application (through parentheses).
fn applied_to(node: &SyntaxNode) -> Option<ast::Expr> {
    let mut current = node.clone();
    loop {
        let parent = current.parent()?;
        match parent.kind() {
            SyntaxKind::NODE_PAREN => current = parent,
            SyntaxKind::NODE_APPLY => {
                let apply = ast::Apply::cast(parent)?;
                let lambda = apply.lambda()?;
                return (lambda.syntax() == &current)
                    .then(|| apply.argument())
                    .flatten();
            }
            _ => return None,
        }
    }
}

/// Whether an identifier node is a variable (rather than an attribute
/// name, a parameter, or an inherited name).
fn is_variable(node: &SyntaxNode) -> bool {
    let Some(parent) = node.parent() else {
        return true;
    };
    match parent.kind() {
        SyntaxKind::NODE_ATTRPATH
        | SyntaxKind::NODE_INHERIT
        | SyntaxKind::NODE_IDENT_PARAM
        | SyntaxKind::NODE_PAT_BIND => false,
        // `{ x ? default }`: the first identifier is the parameter.
        SyntaxKind::NODE_PAT_ENTRY => parent
            .children()
            .find(|c| c.kind() == SyntaxKind::NODE_IDENT)
            .is_some_and(|first| &first != node),
        _ => true,
    }
}

/// The names an attribute path binds at its first step.
fn first_name(binding: &ast::AttrpathValue) -> Option<String> {
    match binding.attrpath()?.attrs().next()? {
        ast::Attr::Ident(ident) => Some(ident_text(&ident)),
        ast::Attr::Str(string) => plain(&string),
        ast::Attr::Dynamic(_) => None,
    }
}

/// Bind the names a `let` or `rec` set defines.
fn bind_entries(scopes: &mut Scopes, entries: impl Iterator<Item = ast::Entry>, frame: &mut Frame) {
    // A `let` or `rec` set is recursive: all of its names are in scope in
    // all of its values. So bind every name first, then read the values in
    // order (a name bound earlier in the set is known to the ones after
    // it); `inherit x;` alone takes `x` from the scope outside.
    enum Value {
        Expr(Option<ast::Expr>),
        From(Option<ast::Expr>),
        Known(Binding),
    }
    let mut pending: Vec<(String, Value)> = Vec::new();
    for entry in entries {
        match entry {
            ast::Entry::AttrpathValue(binding) => {
                let Some(name) = first_name(&binding) else {
                    continue;
                };
                let single = binding
                    .attrpath()
                    .is_some_and(|path| path.attrs().count() == 1);
                let value = if single {
                    Value::Expr(binding.value())
                } else {
                    Value::Known(Binding::Other)
                };
                pending.push((name, value));
            }
            ast::Entry::Inherit(inherit) => {
                let from = inherit.from().and_then(|f| f.expr());
                for attr in inherit.attrs() {
                    let ast::Attr::Ident(ident) = attr else {
                        continue;
                    };
                    let name = ident_text(&ident);
                    let value = match &from {
                        Some(from) => Value::From(Some(from.clone())),
                        None => Value::Known(scopes.resolve(&name).unwrap_or(Binding::Other)),
                    };
                    pending.push((name, value));
                }
            }
        }
    }
    for (name, _) in &pending {
        scopes.bind(name.clone(), Binding::Other, frame);
    }
    for (name, value) in pending {
        let binding = match value {
            Value::Known(binding) => binding,
            Value::Expr(expr) => {
                let binding = scopes.binding_of(expr.clone());
                if let (Binding::Builtin(_), Some(value)) = (&binding, expr.and_then(strip_parens))
                {
                    scopes.alias_values.insert(span_of(value.syntax()));
                }
                binding
            }
            Value::From(from) => {
                if scopes.binding_of(from) == Binding::Builtins {
                    REPORTED
                        .iter()
                        .find(|r| **r == name)
                        .map_or(Binding::Other, |r| Binding::Builtin(r))
                } else {
                    Binding::Other
                }
            }
        };
        scopes.rebind(&name, binding);
    }
}

fn read(text: &str, root: rnix::Root) -> Result<Read, ReadError> {
    let lines = LineIndex::new(text);
    let comment_lines = comment_lines(root.syntax(), text);
    // Per line right below a comment line: where its text starts (each
    // such line is measured once).
    let below_comments: HashMap<usize, usize> = comment_lines
        .iter()
        .map(|span| lines.line_of(span.start) + 1)
        .filter(|&line| line < lines.len())
        .map(|line| {
            let range = lines.line_range(text, line);
            let content = &text[range.start..range.end];
            (
                line,
                range.start + content.len() - content.trim_start().len(),
            )
        })
        .collect();
    let mut out = Read {
        lines,
        comment_lines,
        search_paths: Vec::new(),
        builtins: Vec::new(),
        commented_nodes: Vec::new(),
        templates: Vec::new(),
        path_attrs: Vec::new(),
        imports: Vec::new(),
        function: matches!(
            root.expr().and_then(strip_parens),
            Some(ast::Expr::Lambda(_))
        ),
        typical: matches!(
            root.expr().and_then(strip_parens),
            Some(
                ast::Expr::AttrSet(_)
                    | ast::Expr::LetIn(_)
                    | ast::Expr::LegacyLet(_)
                    | ast::Expr::With(_)
                    | ast::Expr::Assert(_)
            )
        ) || matches!(
            root.expr().and_then(strip_parens),
            Some(ast::Expr::Lambda(lambda)) if matches!(lambda.param(), Some(ast::Param::Pattern(_)))
        ),
    };
    let mut scopes = Scopes::default();
    let mut frames: Vec<Frame> = Vec::new();
    let mut in_templates = 0usize;
    for event in root.syntax().preorder() {
        let node = match event {
            WalkEvent::Enter(node) => node,
            WalkEvent::Leave(node) => {
                if frames.last().is_some_and(|f| f.node == node) {
                    if let Some(frame) = frames.pop() {
                        scopes.leave(&frame);
                        in_templates -= usize::from(frame.templates);
                    }
                }
                continue;
            }
        };
        note_commented(&node, &below_comments, &mut out);
        let mut frame = Frame {
            node: node.clone(),
            bound: Vec::new(),
            with: false,
            templates: false,
        };
        match node.kind() {
            SyntaxKind::NODE_LAMBDA => {
                if let Some(lambda) = ast::Lambda::cast(node.clone()) {
                    match lambda.param() {
                        Some(ast::Param::IdentParam(param)) => {
                            if let Some(ident) = param.ident() {
                                scopes.bind(ident_text(&ident), Binding::Other, &mut frame);
                            }
                        }
                        Some(ast::Param::Pattern(pattern)) => {
                            for entry in pattern.pat_entries() {
                                if let Some(ident) = entry.ident() {
                                    scopes.bind(ident_text(&ident), Binding::Other, &mut frame);
                                }
                            }
                            if let Some(ident) = pattern.pat_bind().and_then(|b| b.ident()) {
                                scopes.bind(ident_text(&ident), Binding::Other, &mut frame);
                            }
                        }
                        None => {}
                    }
                }
            }
            SyntaxKind::NODE_LET_IN => {
                if let Some(let_in) = ast::LetIn::cast(node.clone()) {
                    bind_entries(&mut scopes, let_in.entries(), &mut frame);
                }
            }
            SyntaxKind::NODE_LEGACY_LET => {
                if let Some(legacy) = ast::LegacyLet::cast(node.clone()) {
                    bind_entries(&mut scopes, legacy.entries(), &mut frame);
                }
            }
            SyntaxKind::NODE_ATTR_SET => {
                if let Some(set) = ast::AttrSet::cast(node.clone()) {
                    if set.rec_token().is_some() {
                        bind_entries(&mut scopes, set.entries(), &mut frame);
                    }
                }
            }
            SyntaxKind::NODE_WITH => {
                if let Some(with) = ast::With::cast(node.clone()) {
                    let set = WithSet::of(&scopes, with.namespace());
                    scopes.withs.push(set);
                    frame.with = true;
                }
            }
            SyntaxKind::NODE_PATH_SEARCH => {
                // `<x>` is `__findFile __nixPath "x"`: with either bound
                // in the file, the lookup is the file's own. `<nix/…>` is
                // Nix's built-in corepkgs, found before the search path.
                let text = node.text().to_string();
                let corepkgs = text == "<nix>" || text.starts_with("<nix/");
                let local =
                    scopes.lexical("__findFile").is_some() || scopes.lexical("__nixPath").is_some();
                if !corepkgs && !local {
                    out.search_paths.push(span_of(&node));
                }
            }
            SyntaxKind::NODE_SELECT => {
                if let Some(select) = ast::Select::cast(node.clone()) {
                    let alias = scopes.alias_values.contains(&span_of(&node));
                    if let Some(name) = builtin_select(&scopes, &select).filter(|_| !alias) {
                        let end = select
                            .attrpath()
                            .and_then(|p| p.attrs().next())
                            .map_or_else(|| span_of(&node).end, |a| span_of(a.syntax()).end);
                        let span = Span::new(span_of(&node).start, end);
                        // `builtins.x.y` is not a call of `builtins.x`.
                        let whole = select.attrpath().is_some_and(|p| p.attrs().count() == 1)
                            && select.default_expr().is_none();
                        let applied = whole.then(|| applied_to(&node)).flatten();
                        if !searches_a_list(name, applied.as_ref()) {
                            out.builtins.push(BuiltinUse {
                                name,
                                span,
                                argument: applied.map(|a| argument(&scopes, Some(a))),
                            });
                        }
                    }
                }
            }
            SyntaxKind::NODE_IDENT
                if is_variable(&node) && !scopes.alias_values.contains(&span_of(&node)) =>
            {
                let name = node.text().to_string();
                if let Some(Binding::Builtin(builtin)) = scopes.resolve(&name) {
                    let applied = applied_to(&node);
                    if !searches_a_list(builtin, applied.as_ref()) {
                        out.builtins.push(BuiltinUse {
                            name: builtin,
                            span: span_of(&node),
                            argument: applied.map(|a| argument(&scopes, Some(a))),
                        });
                    }
                }
            }
            SyntaxKind::NODE_ATTRPATH_VALUE => {
                if let Some(binding) = ast::AttrpathValue::cast(node.clone()) {
                    let names: Vec<String> = binding
                        .attrpath()
                        .map(|p| {
                            p.attrs()
                                .filter_map(|a| match a {
                                    ast::Attr::Ident(i) => Some(ident_text(&i)),
                                    ast::Attr::Str(s) => plain(&s),
                                    ast::Attr::Dynamic(_) => None,
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    if names
                        .iter()
                        .any(|n| n == "templates" || n == "defaultTemplate")
                    {
                        in_templates += 1;
                        frame.templates = true;
                    }
                    let value = binding.value().and_then(strip_parens);
                    match (names.last().map(String::as_str), value) {
                        (Some("path"), Some(value)) => {
                            if let Some(used) = template_path(&value) {
                                if in_templates > 0 {
                                    out.templates.push(used.clone());
                                }
                                out.path_attrs.push(used);
                            }
                        }
                        (Some("imports"), Some(ast::Expr::List(list))) => {
                            out.imports.extend(list.items().filter_map(|item| {
                                strip_parens(item).and_then(|i| path_literal(&i))
                            }))
                        }
                        _ => {}
                    }
                }
            }
            // `{ inherit (builtins) currentTime; }` hands the builtin out:
            // a use (in a `let`, the uses of the name are reported).
            SyntaxKind::NODE_INHERIT
                if node.parent().map(|p| p.kind()) == Some(SyntaxKind::NODE_ATTR_SET) =>
            {
                if let Some(inherit) = ast::Inherit::cast(node.clone()) {
                    let from = inherit.from().and_then(|f| f.expr());
                    if from.is_some() && scopes.binding_of(from) == Binding::Builtins {
                        for attr in inherit.attrs() {
                            let ast::Attr::Ident(ident) = &attr else {
                                continue;
                            };
                            let name = ident_text(ident);
                            if let Some(builtin) = REPORTED.iter().find(|r| **r == name) {
                                out.builtins.push(BuiltinUse {
                                    name: builtin,
                                    span: span_of(attr.syntax()),
                                    argument: None,
                                });
                            }
                        }
                    }
                }
            }
            SyntaxKind::NODE_APPLY => {
                if let Some(apply) = ast::Apply::cast(node.clone()) {
                    let function = match apply.lambda().and_then(strip_parens) {
                        Some(ast::Expr::Ident(ident)) => Some(ident_text(&ident)),
                        Some(ast::Expr::Select(select)) => select
                            .attrpath()
                            .and_then(|p| p.attrs().last())
                            .map(|a| a.syntax().text().to_string()),
                        _ => None,
                    };
                    let path = apply
                        .argument()
                        .and_then(strip_parens)
                        .and_then(|a| path_literal(&a));
                    match (function.as_deref(), path) {
                        (Some("readDir" | "__readDir"), Some(path)) => {
                            if in_templates > 0 {
                                out.templates.push(PathUse::ReadDir(path.clone()));
                            }
                            out.path_attrs.push(PathUse::ReadDir(path));
                        }
                        (Some("import"), Some(path)) if in_templates > 0 => {
                            out.templates.push(PathUse::Import(path));
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if !frame.bound.is_empty() || frame.with || frame.templates {
            frames.push(frame);
        }
    }
    Ok(out)
}

/// Where a template's `path` points: `./x`, `"${self}/x"`, `self + "/x"`.
fn template_path(value: &ast::Expr) -> Option<PathUse> {
    if let Some(path) = path_literal(value) {
        return Some(PathUse::Path(path));
    }
    let is_self = |expr: Option<ast::Expr>| matches!(expr.and_then(strip_parens), Some(ast::Expr::Ident(i)) if ident_text(&i) == "self");
    // Literal text, then at most a name chosen at evaluation after a `/`
    // (`…/${name}`): the text, and whether the name is there.
    let literal_then_name = |parts: &mut dyn Iterator<Item = ast::InterpolPart<String>>| {
        let mut text = String::new();
        let mut named = false;
        for part in parts {
            match part {
                ast::InterpolPart::Literal(piece) if !named => text.push_str(&piece),
                ast::InterpolPart::Interpolation(_) if !named && text.ends_with('/') => {
                    named = true
                }
                _ => return None,
            }
        }
        Some((text.trim_matches('/').to_owned(), named))
    };
    let (base, rest, named) = match value {
        // `"${self}/x"`, `"${self}/x/${name}"`.
        ast::Expr::Str(string) => {
            let mut parts = string.normalized_parts().into_iter();
            let ast::InterpolPart::Interpolation(interpolation) = parts.next()? else {
                return None;
            };
            if !is_self(interpolation.expr()) {
                return None;
            }
            let (rest, named) = literal_then_name(&mut parts)?;
            (None, rest, named)
        }
        // `self + "/x"`, `./x + "/y"`, `./x + "/${name}"`.
        ast::Expr::BinOp(op) if op.operator() == Some(ast::BinOpKind::Add) => {
            let ast::Expr::Str(string) = op.rhs().and_then(strip_parens)? else {
                return None;
            };
            let (rest, named) = literal_then_name(&mut string.normalized_parts().into_iter())?;
            let base = if is_self(op.lhs()) {
                None
            } else {
                Some(path_literal(&op.lhs().and_then(strip_parens)?)?)
            };
            (base, rest, named)
        }
        _ => return None,
    };
    Some(match (base, named) {
        (None, false) => PathUse::FromRoot(rest),
        (None, true) => PathUse::FromRootChildren(rest),
        (Some(base), named) => {
            let joined = if rest.is_empty() {
                base
            } else {
                format!("{}/{rest}", base.trim_end_matches('/'))
            };
            if named {
                PathUse::Children(joined)
            } else {
                PathUse::Path(joined)
            }
        }
    })
}

/// Keep the span of the outermost node that starts a line right below a
/// comment line (the walk enters it before any node inside it that starts
/// at the same place).
fn note_commented(node: &SyntaxNode, below_comments: &HashMap<usize, usize>, out: &mut Read) {
    let span = span_of(node);
    if out
        .commented_nodes
        .last()
        .is_some_and(|last| last.start == span.start)
    {
        return;
    }
    let line = out.lines.line_of(span.start);
    if below_comments.get(&line) == Some(&span.start) && span.start < span.end {
        out.commented_nodes.push(span);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(text: &str) -> Vec<(&'static str, String, Option<Argument>)> {
        let file = NixFile::parse(text.to_owned()).unwrap();
        file.builtins
            .iter()
            .map(|u| (u.name, file.slice(u.span).to_owned(), u.argument.clone()))
            .collect()
    }

    fn names(text: &str) -> Vec<String> {
        uses(text)
            .into_iter()
            .map(|(name, written, _)| format!("{name}={written}"))
            .collect()
    }

    #[test]
    fn builtins_are_found_however_they_are_reached() {
        assert_eq!(
            names("builtins.getEnv \"HOME\""),
            ["getEnv=builtins.getEnv"]
        );
        assert_eq!(names("fetchTarball \"u\""), ["fetchTarball=fetchTarball"]);
        assert_eq!(names("__getEnv \"X\""), ["getEnv=__getEnv"]);
        assert_eq!(names("with builtins; getEnv \"X\""), ["getEnv=getEnv"]);
        assert_eq!(
            names("let inherit (builtins) getEnv; in getEnv \"X\""),
            ["getEnv=getEnv"]
        );
        // An alias nothing uses reads nothing.
        assert!(names("let e = builtins.getEnv; in x").is_empty());
        // An alias is reported where it is used, not where it is defined.
        assert_eq!(
            names("let getEnv = builtins.getEnv; in getEnv \"X\""),
            ["getEnv=getEnv"]
        );
        assert_eq!(names("let e = builtins.getEnv; in e \"X\""), ["getEnv=e"]);
        // A plain-name alias is reported once, where it is used.
        assert_eq!(
            names("with builtins; let e = getEnv; in e \"X\""),
            ["getEnv=e"]
        );
        assert_eq!(names("let e = __getEnv; in e \"X\""), ["getEnv=e"]);
        // A `let` is recursive: a value may name one bound before it.
        assert_eq!(
            uses("let base = \"u\"; url = base; in builtins.fetchTarball url")[0].2,
            Some(Argument::Str(Some(Arc::from("u"))))
        );
        assert!(
            names("let builtins = { getEnv = x: x; }; e = builtins.getEnv; in e \"X\"").is_empty()
        );
        // The innermost `with` whose set has the name.
        assert_eq!(
            names("with builtins; with { a = 1; }; getEnv \"HOME\""),
            ["getEnv=getEnv"]
        );
        assert_eq!(
            names("with builtins; with lib; getEnv \"HOME\""),
            ["getEnv=getEnv"]
        );
        assert!(names("with builtins; with { getEnv = 1; }; getEnv").is_empty());
        assert!(names("with builtins; with pkgs; getEnv \"HOME\"").is_empty());
        assert!(names("builtins.findFile [ { prefix = \"x\"; path = ./.; } ] \"x\"").is_empty());
        assert_eq!(
            names("{ stamp = { inherit (builtins) currentTime; }; }"),
            ["currentTime=currentTime"]
        );
        assert!(names("let inherit (builtins) currentTime; in 1").is_empty());
        // An alias outside a `let` is reported where it is written.
        assert_eq!(
            names("{ e = builtins.getEnv; }"),
            ["getEnv=builtins.getEnv"]
        );
    }

    #[test]
    fn shadowed_names_are_not_builtins() {
        assert!(names("{ fetchTarball }: fetchTarball \"u\"").is_empty());
        assert!(names("let fetchGit = x: x; in fetchGit \"u\"").is_empty());
        assert!(names("{ builtins }: builtins.getEnv \"X\"").is_empty());
        assert!(names("rec { getEnv = 1; x = with builtins; getEnv; }").is_empty());
        // An inner `with` that is not builtins hides builtins' names…
        assert!(names("with builtins; with pkgs; fetchurl { }").is_empty());
        // …but never a global.
        assert_eq!(
            names("with pkgs; fetchTarball \"u\""),
            ["fetchTarball=fetchTarball"]
        );
        // A non-rec set's names are not in scope.
        assert_eq!(
            names("{ fetchGit = 1; x = fetchGit \"u\"; }"),
            ["fetchGit=fetchGit"]
        );
        // Parameters and attribute names are not uses.
        assert!(names("{ getEnv ? 1 }: { getEnv = 2; }").is_empty());
        assert_eq!(
            names("{ x ? fetchTarball \"u\" }: x"),
            ["fetchTarball=fetchTarball"]
        );
    }

    #[test]
    fn names_bound_to_values_are_read() {
        assert_eq!(
            uses("let url = \"https://x/master.tar.gz\"; in builtins.fetchTarball url")[0].2,
            Some(Argument::Str(Some(Arc::from("https://x/master.tar.gz"))))
        );
        assert_eq!(
            uses("let rev = \"master\"; in fetchTarball (\"https://x/\" + rev + \".tar.gz\")")[0].2,
            Some(Argument::Str(None))
        );
        let found = uses("let a = { url = \"u\"; }; in builtins.fetchTarball a");
        assert!(matches!(
            &found[0].2,
            Some(Argument::Attrs { complete: true, .. })
        ));
        // A parameter shadows the let.
        assert_eq!(
            uses("let url = \"u\"; in url: builtins.fetchTarball url")[0].2,
            Some(Argument::Other)
        );
        assert_eq!(
            names("let b = builtins; in b.getEnv \"HOME\""),
            ["getEnv=b.getEnv"]
        );
    }

    #[test]
    fn search_paths_that_are_not_the_machines() {
        let found = |text: &str| NixFile::parse(text.to_owned()).unwrap().search_paths.len();
        assert_eq!(found("import <nixpkgs> { }"), 1);
        assert_eq!(found("import <nix/fetchurl.nix> { }"), 0);
        assert_eq!(found("let __findFile = _: n: ./. + \"/${n}\"; in <foo>"), 0);
        assert_eq!(found("let __nixPath = [ ]; in <nixpkgs>"), 0);
        assert_eq!(found("<nixos-config>"), 1);
    }

    #[test]
    fn arguments_are_read() {
        let found = uses("builtins.fetchTarball { url = \"u\"; sha256 = s; }");
        let Some(Argument::Attrs { entries, complete }) = &found[0].2 else {
            panic!("{found:?}");
        };
        assert!(complete);
        assert_eq!(
            entries[0],
            ("url".into(), Argument::Str(Some(Arc::from("u"))))
        );
        assert_eq!(entries[1], ("sha256".into(), Argument::Other));
        assert_eq!(
            uses("(builtins.fetchGit) (toString ./.)")[0].2,
            Some(Argument::Path)
        );
        assert_eq!(
            uses("fetchTarball \"${x}/a\"")[0].2,
            Some(Argument::Str(None))
        );
        assert_eq!(
            uses("fetchTarball https://x/y.tar.gz")[0].2,
            Some(Argument::Str(Some(Arc::from("https://x/y.tar.gz"))))
        );
        assert_eq!(uses("map fetchTarball urls")[0].2, None);
    }

    #[test]
    fn search_paths_and_templates_are_found() {
        let file = NixFile::parse(
            "{ pkgs ? import <nixpkgs> {} }: {\n  templates.a = { path = ./t/a; };\n  \
             templates.b = import ./more;\n  other.path = ./x;\n}"
                .to_owned(),
        )
        .unwrap();
        assert_eq!(file.slice(file.search_paths[0]), "<nixpkgs>");
        assert_eq!(
            file.templates,
            [
                PathUse::Path("./t/a".into()),
                PathUse::Import("./more".into())
            ]
        );
        assert_eq!(
            file.path_attrs,
            [PathUse::Path("./t/a".into()), PathUse::Path("./x".into())]
        );
        let file = NixFile::parse(
            "{ imports = [ ./flake (./m.nix) ]; flake.templates = { a.path = \"${self}/t/a\"; b.path = self + \"/t/b\"; }; }"
                .to_owned(),
        )
        .unwrap();
        assert_eq!(file.imports, ["./flake", "./m.nix"]);
        let more = NixFile::parse(
            "{ templates = { a.path = ./t + \"/a\"; b.path = ./t + \"/${n}\"; c.path = \"${self}/u/${n}\"; d.path = self + \"/v/${n}\"; }; }"
                .to_owned(),
        )
        .unwrap();
        assert_eq!(
            more.templates,
            [
                PathUse::Path("./t/a".into()),
                PathUse::Children("./t".into()),
                PathUse::FromRootChildren("u".into()),
                PathUse::FromRootChildren("v".into()),
            ]
        );
        assert_eq!(
            file.templates,
            [
                PathUse::FromRoot("t/a".into()),
                PathUse::FromRoot("t/b".into())
            ]
        );
    }
}
