//! Inputs, each parsed into a model whose every piece has a span.

pub mod dockerfile;
pub mod flake_lock;
pub mod flake_nix;
pub mod flakeref;
pub mod mapped;
pub mod span;

/// Source text as one line: line continuations joined and every run of
/// whitespace made one space, as messages quote a command and as
/// fingerprints compare spans.
pub fn one_line(text: &str) -> String {
    text.replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
