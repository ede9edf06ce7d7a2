//! Inputs, each parsed into a model whose every piece has a span.

pub mod compose;
pub mod devcontainer;
pub mod dockerfile;
pub mod flake_lock;
pub mod flake_nix;
pub mod flakeref;
pub mod gitlab;
pub mod mapped;
pub mod nix_file;
pub mod nix_syntax;
pub mod span;
pub mod workflow;
pub mod yaml;

/// The most values (counted by the `,`, `:`, `[` and `{` that separate and
/// open them) a JSON file may hold: each costs a couple of hundred bytes
/// once parsed, so a 60 MB `[1,1,…]` took 1.5 GB. A flake.lock of 100,000
/// nodes, far beyond any real one, holds about 2.5 million.
pub const MAX_JSON_VALUES: usize = 3_000_000;

/// Why a JSON text is refused before it is parsed, and where: nesting
/// past `max_depth` levels (the parser recurses), or more than
/// [`MAX_JSON_VALUES`] values. Strings and comments (`//` to the end of
/// the line, `/* */`) are skipped, as the parser skips them. One pass,
/// whatever the input.
pub fn json_too_large(text: &str, max_depth: usize) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    let (mut depth, mut values, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'"', _) => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            (b'/', Some(b'/')) => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                // To the `/` of the closing `*/`.
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| i + 2 + end + 1);
            }
            (b'[' | b'{', _) => {
                depth += 1;
                if depth > max_depth {
                    return Some((format!("JSON nested deeper than {max_depth} levels"), i));
                }
                values += 1;
            }
            (b']' | b'}', _) => depth = depth.saturating_sub(1),
            (b',' | b':', _) => values += 1,
            _ => {}
        }
        if values > MAX_JSON_VALUES {
            return Some((
                format!("more than {MAX_JSON_VALUES} JSON values: too large to audit"),
                i,
            ));
        }
        i += 1;
    }
    None
}

/// JSON text as jsonc-parser is given it: a UTF-8 byte-order mark, which
/// it refuses and VS Code and Nix (nlohmann's JSON) skip, becomes three
/// spaces, so that every offset in what it gives back stays the file's.
pub fn json_without_bom(text: &str) -> std::borrow::Cow<'_, str> {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => format!("   {rest}").into(),
        None => text.into(),
    }
}

/// The spans of the comment lines of a text: lines (as `lines` ends
/// them) whose first character other than a space or tab starts `marker`
/// (`#` in YAML, `//` in JSON with comments).
pub fn comment_lines(text: &str, lines: &span::LineIndex, marker: &str) -> Vec<span::Span> {
    (0..lines.len())
        .filter_map(|line| {
            let range = lines.line_range(text, line);
            let body = &text[range.start..range.end];
            let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
            body[indent..]
                .starts_with(marker)
                .then(|| span::Span::new(range.start + indent, range.end))
        })
        .collect()
}

/// A comment that ends a line (`span`, from its `marker`), and each
/// comment written after it on that line (`# v4 # repro-audit ignore=…`,
/// where a fix or an updater put the tag first): from each `marker` that
/// follows a blank, to the line's end.
pub fn comment_and_after(text: &str, span: span::Span, marker: &str) -> Vec<span::Span> {
    let comment = &text[span.start..span.end];
    let mut found = vec![span];
    found.extend(
        comment
            .match_indices(marker)
            .map(|(i, _)| i)
            .filter(|&i| i > 0 && comment[..i].ends_with([' ', '\t']))
            .map(|i| span::Span::new(span.start + i, span.end)),
    );
    found
}

/// Source text as one line: line continuations joined and every run of
/// whitespace made one space, as messages quote a command and as
/// fingerprints compare spans.
pub fn one_line(text: &str) -> String {
    text.replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Source text as messages quote it: on one line, and cut after
/// [`MAX_QUOTE`] characters, so a command that spans a thousand lines does
/// not make a message of a thousand lines.
pub fn quote(text: &str) -> String {
    // A comment line inside a continued command (BuildKit drops it) is not
    // part of the command a message quotes.
    let without_comments: String = text
        .split_inclusive('\n')
        .enumerate()
        .filter(|(i, line)| *i == 0 || !line.trim_start().starts_with('#'))
        .map(|(_, line)| line)
        .collect();
    let line = one_line(&without_comments);
    match line.char_indices().nth(MAX_QUOTE) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// The most characters of source text a message quotes.
pub const MAX_QUOTE: usize = 120;
