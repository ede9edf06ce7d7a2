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

/// An argument, as far as it can be read without evaluating.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// A string, or a URI literal; its value when it has no interpolation.
    Str(Option<String>),
    /// A path literal (`./.`), or `toString` of one: the file's own tree.
    Path,
    /// An attribute set: its entries with what can be read of their
    /// values, and whether every name could be read.
    Attrs {
        entries: Vec<(String, Argument)>,
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathUse {
    /// `path = ./x;`: the directory `./x`.
    Path(String),
    /// `readDir ./x`: each directory in `./x`.
    ReadDir(String),
    /// `import ./x`: what that file holds.
    Import(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NixFileError {
    pub message: String,
    pub position: Position,
}

impl NixFile {
    pub fn parse(text: String) -> Result<NixFile, NixFileError> {
        let shared = Arc::new(text);
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
}

/// What a name is bound to in a lexical scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binding {
    /// Something else than a builtin we report.
    Other,
    /// An alias of the builtin `builtins.<name>`.
    Builtin(&'static str),
    /// `builtins` itself, under another name or its own.
    Builtins,
}

/// What entering a node did, undone when leaving it.
struct Frame {
    node: SyntaxNode,
    bound: Vec<&'static str>,
    with: bool,
    templates: bool,
}

/// The scopes in force at a point of the walk. Only the names that can
/// matter are tracked (the reported builtins, their `__` forms, and
/// `builtins`), so each push and lookup is O(1).
#[derive(Default)]
struct Scopes {
    /// Per tracked name, the bindings that shadow one another, innermost
    /// last.
    bound: HashMap<&'static str, Vec<Binding>>,
    /// Per enclosing `with`, innermost last: whether it is `with builtins`.
    withs: Vec<bool>,
    /// The `builtins.x` values of tracked aliases (`getEnv =
    /// builtins.getEnv;` in a `let`): their uses are reported instead.
    alias_values: HashSet<Span>,
}

impl Scopes {
    /// What `name`, written as a variable here, refers to.
    fn resolve(&self, name: &str) -> Option<Binding> {
        let key = tracked(name)?;
        if let Some(binding) = self.bound.get(key).and_then(|b| b.last()) {
            return Some(*binding);
        }
        if key == "builtins" {
            return Some(Binding::Builtins);
        }
        if let Some(plain) = key.strip_prefix("__") {
            return REPORTED
                .iter()
                .find(|r| **r == plain)
                .map(|r| Binding::Builtin(r));
        }
        if GLOBAL.contains(&key) {
            return Some(Binding::Builtin(key));
        }
        // Only through `with`: the innermost one decides.
        match self.withs.last() {
            Some(true) => Some(Binding::Builtin(key)),
            _ => None,
        }
    }

    fn bind(&mut self, name: &str, binding: Binding, frame: &mut Frame) {
        if let Some(key) = tracked(name) {
            self.bound.entry(key).or_default().push(binding);
            frame.bound.push(key);
        }
    }

    fn leave(&mut self, frame: &Frame) {
        for key in &frame.bound {
            if let Some(stack) = self.bound.get_mut(key) {
                stack.pop();
            }
        }
        if frame.with {
            self.withs.pop();
        }
    }

    /// What an expression bound to a name is: `builtins`, `builtins.x`, or
    /// a `__x` global.
    fn binding_of(&self, value: Option<ast::Expr>) -> Binding {
        match value.and_then(strip_parens) {
            Some(ast::Expr::Ident(ident)) => match self.resolve(&ident_text(&ident)) {
                Some(found) => found,
                None => Binding::Other,
            },
            Some(ast::Expr::Select(select)) => match builtin_select(self, &select) {
                Some(name) => Binding::Builtin(name),
                None => Binding::Other,
            },
            _ => Binding::Other,
        }
    }
}

/// The interned form of a name this reader tracks.
fn tracked(name: &str) -> Option<&'static str> {
    if name == "builtins" {
        return Some("builtins");
    }
    const UNDERSCORED: &[&str] = &[
        "__fetchTarball",
        "__fetchurl",
        "__fetchGit",
        "__fetchMercurial",
        "__fetchTree",
        "__getFlake",
        "__nixPath",
        "__findFile",
        "__getEnv",
        "__currentTime",
        "__storePath",
    ];
    REPORTED
        .iter()
        .chain(UNDERSCORED)
        .find(|r| **r == name)
        .copied()
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

fn argument(expr: Option<ast::Expr>) -> Argument {
    let Some(expr) = expr.and_then(strip_parens) else {
        return Argument::Other;
    };
    match &expr {
        ast::Expr::Str(string) => Argument::Str(plain(string)),
        ast::Expr::Literal(literal) => match literal.kind() {
            ast::LiteralKind::Uri(uri) => Argument::Str(Some(uri.to_string())),
            _ => Argument::Other,
        },
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
                                    value => argument(value),
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
            Argument::Attrs { entries, complete }
        }
        _ => Argument::Other,
    }
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
    // All of a set's names are in scope in all of its values: bind
    // first, reading each alias in the scope outside the set.
    let mut names: Vec<(String, Binding)> = Vec::new();
    for entry in entries {
        match entry {
            ast::Entry::AttrpathValue(binding) => {
                let Some(name) = first_name(&binding) else {
                    continue;
                };
                if tracked(&name).is_none() {
                    continue;
                }
                let single = binding
                    .attrpath()
                    .is_some_and(|path| path.attrs().count() == 1);
                let value = if single {
                    scopes.binding_of(binding.value())
                } else {
                    Binding::Other
                };
                if let (Binding::Builtin(_), Some(value)) =
                    (value, binding.value().and_then(strip_parens))
                {
                    scopes.alias_values.insert(span_of(value.syntax()));
                }
                names.push((name, value));
            }
            ast::Entry::Inherit(inherit) => {
                let from = inherit.from().and_then(|f| f.expr());
                let from_builtins = scopes.binding_of(from.clone()) == Binding::Builtins;
                for attr in inherit.attrs() {
                    let ast::Attr::Ident(ident) = attr else {
                        continue;
                    };
                    let name = ident_text(&ident);
                    let binding = match (&from, from_builtins) {
                        (Some(_), true) => REPORTED
                            .iter()
                            .find(|r| **r == name)
                            .map_or(Binding::Other, |r| Binding::Builtin(r)),
                        (Some(_), false) => Binding::Other,
                        // `inherit x;` takes `x` from the scope outside.
                        (None, _) => scopes.resolve(&name).unwrap_or(Binding::Other),
                    };
                    names.push((name, binding));
                }
            }
        }
    }
    for (name, binding) in names {
        scopes.bind(&name, binding, frame);
    }
}

fn read(text: &str, root: rnix::Root) -> Result<Read, ReadError> {
    let lines = LineIndex::new(text);
    let comment_lines = comment_lines(root.syntax(), text);
    let commented: HashSet<usize> = comment_lines
        .iter()
        .map(|span| lines.line_of(span.start))
        .collect();
    let mut out = Read {
        lines,
        comment_lines,
        search_paths: Vec::new(),
        builtins: Vec::new(),
        commented_nodes: Vec::new(),
        templates: Vec::new(),
        path_attrs: Vec::new(),
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
        note_commented(&node, text, &commented, &mut out);
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
                                scopes.bind(&ident_text(&ident), Binding::Other, &mut frame);
                            }
                        }
                        Some(ast::Param::Pattern(pattern)) => {
                            for entry in pattern.pat_entries() {
                                if let Some(ident) = entry.ident() {
                                    scopes.bind(&ident_text(&ident), Binding::Other, &mut frame);
                                }
                            }
                            if let Some(ident) = pattern.pat_bind().and_then(|b| b.ident()) {
                                scopes.bind(&ident_text(&ident), Binding::Other, &mut frame);
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
                    let builtins = scopes.binding_of(with.namespace()) == Binding::Builtins;
                    scopes.withs.push(builtins);
                    frame.with = true;
                }
            }
            SyntaxKind::NODE_PATH_SEARCH => out.search_paths.push(span_of(&node)),
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
                        let argument = whole
                            .then(|| applied_to(&node).map(|a| argument(Some(a))))
                            .flatten();
                        out.builtins.push(BuiltinUse {
                            name,
                            span,
                            argument,
                        });
                    }
                }
            }
            SyntaxKind::NODE_IDENT if is_variable(&node) => {
                let name = node.text().to_string();
                if let Some(Binding::Builtin(builtin)) = scopes.resolve(&name) {
                    let argument = applied_to(&node).map(|a| argument(Some(a)));
                    out.builtins.push(BuiltinUse {
                        name: builtin,
                        span: span_of(&node),
                        argument,
                    });
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
                    if names.last().map(String::as_str) == Some("path") {
                        if let Some(path) = binding
                            .value()
                            .and_then(strip_parens)
                            .and_then(|v| path_literal(&v))
                        {
                            if in_templates > 0 {
                                out.templates.push(PathUse::Path(path.clone()));
                            }
                            out.path_attrs.push(PathUse::Path(path));
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

/// Keep the span of the outermost node that starts a line right below a
/// comment line (the walk enters it before any node inside it that starts
/// at the same place).
fn note_commented(node: &SyntaxNode, text: &str, commented: &HashSet<usize>, out: &mut Read) {
    let span = span_of(node);
    if out
        .commented_nodes
        .last()
        .is_some_and(|last| last.start == span.start)
    {
        return;
    }
    let line = out.lines.line_of(span.start);
    if line == 0 || !commented.contains(&(line - 1)) {
        return;
    }
    let line_start = out.lines.line_range(text, line).start;
    if text[line_start..span.start].trim().is_empty() && span.start < text.len() {
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
        assert_eq!(
            names("let e = builtins.getEnv; in x"),
            ["getEnv=builtins.getEnv"]
        );
        // An alias is reported where it is used, not where it is defined.
        assert_eq!(
            names("let getEnv = builtins.getEnv; in getEnv \"X\""),
            ["getEnv=getEnv"]
        );
        assert_eq!(
            names("let e = builtins.getEnv; in e \"X\""),
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
    fn arguments_are_read() {
        let found = uses("builtins.fetchTarball { url = \"u\"; sha256 = s; }");
        let Some(Argument::Attrs { entries, complete }) = &found[0].2 else {
            panic!("{found:?}");
        };
        assert!(complete);
        assert_eq!(entries[0], ("url".into(), Argument::Str(Some("u".into()))));
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
            Some(Argument::Str(Some("https://x/y.tar.gz".into())))
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
    }
}
