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
    let line = one_line(text);
    match line.char_indices().nth(MAX_QUOTE) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// The most characters of source text a message quotes.
pub const MAX_QUOTE: usize = 120;
