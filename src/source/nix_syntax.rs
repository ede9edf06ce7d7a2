//! What every reader of Nix files shares: rnix's syntax tree, built on a
//! thread of its own with a stack that holds the deepest nesting the guard
//! lets through, and the guard itself (rnix recurses on nesting and takes
//! quadratic time on some long runs of tokens).

use rnix::ast;
use rnix::{SyntaxKind, SyntaxNode};

use super::span::Span;

/// Nix ends a line (and a `#` comment) at a carriage return as at a line
/// feed; rnix only at a line feed. A lone `\r` becomes `\n`, byte for
/// byte, so that both read the same lines and every offset stays.
pub fn lone_cr_as_newline(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Only ASCII bytes changed, into ASCII bytes.
    String::from_utf8(bytes).unwrap_or_default()
}

/// A message and the byte offset it is about.
pub type ReadError = (String, usize);

thread_local! {
    /// Set on a thread whose stack is at least [`PARSER_STACK`].
    static ON_LARGE_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Declare that the current thread was started with a stack of at least
/// [`PARSER_STACK`] bytes: Nix files read on it are parsed in place, not
/// on a thread of their own.
pub fn on_large_stack() {
    ON_LARGE_STACK.with(|flag| flag.set(true));
}

/// Parse `text` and run `read` on its syntax tree, on a thread with a
/// stack of [`PARSER_STACK`] (this one when it has such a stack, else one
/// of its own; the tree cannot leave it): a syntax error, or input the
/// guard refuses, is the first error at its offset.
pub fn on_parser_thread<R, F>(text: std::sync::Arc<String>, read: F) -> Result<R, ReadError>
where
    R: Send + 'static,
    F: FnOnce(&str, rnix::Root) -> Result<R, ReadError> + Send + 'static,
{
    check_nesting(&text)?;
    let parse = move || {
        let parse = rnix::Root::parse(&text);
        if let Some(error) = parse.errors().first() {
            return Err(parse_error(error, &text));
        }
        read(&text, parse.tree())
    };
    if ON_LARGE_STACK.with(std::cell::Cell::get) {
        return parse();
    }
    std::thread::Builder::new()
        .name("nix parser".into())
        .stack_size(PARSER_STACK)
        .spawn(parse)
        .map_err(|e| (format!("cannot start the parser: {e}"), 0))
        .and_then(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err(("the Nix parser failed".into(), 0)))
        })
}

/// The reader's guard against rnix's recursion: no chain of operators or
/// juxtaposed operands longer than this at one level of brackets…
const MAX_RUN: usize = 4096;
/// …and no more than this much possible nesting in all.
const MAX_NESTING: usize = 8192;
/// The parser runs on a thread with this stack, which holds far more than
/// `MAX_NESTING` levels.
pub const PARSER_STACK: usize = 32 * 1024 * 1024;

/// Refuse input whose nesting could take rnix's recursive parser (or
/// rowan's recursive drop) deep, or whose long juxtaposition chains would
/// take it quadratic time: bounds no real Nix file comes near.
fn check_nesting(text: &str) -> Result<(), ReadError> {
    use SyntaxKind::*;
    check_runs(text)?;
    // Per open bracket: how long the current chain at that level is, and
    // whether the bracket is a list, whose items stand side by side
    // without forming a chain.
    let mut levels: Vec<(usize, bool)> = vec![(0, false)];
    let mut total = 0usize;
    let mut offset = 0usize;
    // The last significant token ended an operand (`x`, `1`, `)`, …).
    let mut after_operand = false;
    for (kind, token) in rnix::tokenize(text) {
        let at = offset;
        offset += token.len();
        let operand = matches!(
            kind,
            TOKEN_IDENT
                | TOKEN_INTEGER
                | TOKEN_FLOAT
                | TOKEN_URI
                | TOKEN_PATH_ABS
                | TOKEN_PATH_REL
                | TOKEN_PATH_HOME
                | TOKEN_PATH_SEARCH
        );
        match kind {
            TOKEN_WHITESPACE | TOKEN_COMMENT => continue,
            TOKEN_L_PAREN | TOKEN_L_BRACK | TOKEN_L_BRACE | TOKEN_INTERPOL_START
            | TOKEN_STRING_START => {
                levels.push((0, kind == TOKEN_L_BRACK));
                total += 1;
            }
            TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_INTERPOL_END
            | TOKEN_STRING_END => {
                if levels.len() > 1 {
                    let (run, _) = levels.pop().unwrap_or_default();
                    total = total.saturating_sub(run + 1);
                }
            }
            TOKEN_SEMICOLON | TOKEN_COMMA | TOKEN_ASSIGN | TOKEN_COLON | TOKEN_IN | TOKEN_THEN
            | TOKEN_ELSE => {
                if let Some((run, _)) = levels.last_mut() {
                    total -= *run;
                    *run = 0;
                }
            }
            TOKEN_STRING_CONTENT => {}
            _ => {
                if let Some((run, list)) = levels.last_mut() {
                    // A new list item ends the chain before it.
                    if *list && operand && after_operand {
                        total -= *run;
                        *run = 0;
                    }
                    *run += 1;
                    total += 1;
                    if *run > MAX_RUN {
                        return Err((
                            format!(
                                "expression too long to read (more than {MAX_RUN} terms in a row)"
                            ),
                            at,
                        ));
                    }
                }
            }
        }
        after_operand = operand
            || matches!(
                kind,
                TOKEN_R_PAREN | TOKEN_R_BRACK | TOKEN_R_BRACE | TOKEN_STRING_END
            );
        if total > MAX_NESTING {
            return Err((
                format!("nesting too deep to read (more than {MAX_NESTING} levels)"),
                at,
            ));
        }
    }
    Ok(())
}

/// rnix's tokenizer looks ahead over every path character at each token
/// start, so a long run of one-character tokens such as `-.-.-` costs the
/// square of its length: bound that product.
fn check_runs(text: &str) -> Result<(), ReadError> {
    const MAX_COST: usize = 1 << 24;
    let (mut start, mut len, mut starts) = (0, 0usize, 0usize);
    for (i, byte) in text.bytes().enumerate() {
        if byte.is_ascii_alphanumeric() || b"._-+</".contains(&byte) {
            if len == 0 {
                start = i;
            }
            len += 1;
            starts += usize::from(b".-+</".contains(&byte));
            if starts.saturating_mul(len) > MAX_COST {
                return Err((
                    "expression too long to read (a run of operators with no space)".into(),
                    start,
                ));
            }
        } else {
            (len, starts) = (0, 0);
        }
    }
    Ok(())
}

fn parse_error(error: &rnix::ParseError, text: &str) -> ReadError {
    use rnix::ParseError::*;
    let len = text.len();
    // What stands there, quoted: `unexpected `/nix/store/``.
    let quoted = |range: &rnix::TextRange| {
        let (start, end) = (usize::from(range.start()), usize::from(range.end()));
        let written = text.get(start..end.min(len)).unwrap_or_default();
        let line = written.lines().next().unwrap_or_default();
        match line.char_indices().nth(40) {
            Some((cut, _)) => format!("`{}…`", &line[..cut]),
            None if line.is_empty() => "text".to_owned(),
            None => format!("`{line}`"),
        }
    };
    let (message, at) = match error {
        Unexpected(range) | UnexpectedExtra(range) | UnexpectedDoubleBind(range) => {
            (format!("unexpected {}", quoted(range)), range.start())
        }
        UnexpectedWanted(found, range, _) if *found == SyntaxKind::TOKEN_ERROR => {
            (format!("unexpected {}", quoted(range)), range.start())
        }
        UnexpectedWanted(found, range, _) => {
            (format!("unexpected {}", token_name(*found)), range.start())
        }
        UnexpectedEOF | UnexpectedEOFWanted(_) => {
            return ("unexpected end of file".into(), len);
        }
        DuplicatedArgs(range, name) => (format!("duplicate argument `{name}`"), range.start()),
        RecursionLimitExceeded => return ("nesting too deep to read".into(), 0),
        _ => return (format!("syntax error: {error}"), 0),
    };
    (format!("Nix syntax error: {message}"), usize::from(at))
}

fn token_name(kind: SyntaxKind) -> String {
    format!("{kind:?}")
        .trim_start_matches("TOKEN_")
        .trim_start_matches("NODE_")
        .to_ascii_lowercase()
        .replace('_', " ")
}

pub fn comment_lines(root: &SyntaxNode, text: &str) -> Vec<Span> {
    root.descendants_with_tokens()
        .filter_map(|e| e.into_token())
        .filter(|t| t.kind() == SyntaxKind::TOKEN_COMMENT && t.text().starts_with('#'))
        .map(|t| {
            let range = t.text_range();
            Span::new(usize::from(range.start()), usize::from(range.end()))
        })
        .filter(|span| {
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..span.start].trim().is_empty()
        })
        .collect()
}

pub fn start(node: &SyntaxNode) -> usize {
    usize::from(node.text_range().start())
}

pub fn span_of(node: &SyntaxNode) -> Span {
    let range = node.text_range();
    Span::new(usize::from(range.start()), usize::from(range.end()))
}

pub fn strip_parens(mut expr: ast::Expr) -> Option<ast::Expr> {
    while let ast::Expr::Paren(paren) = expr {
        expr = paren.expr()?;
    }
    Some(expr)
}
