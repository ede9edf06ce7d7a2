//! Inputs, each parsed into a model whose every piece has a span.

pub mod dockerfile;
pub mod flake_lock;
pub mod flake_nix;
pub mod flakeref;
pub mod mapped;
pub mod span;
