//! repro-audit: finds the inputs of a Dockerfile or a Nix flake that can
//! change between two builds of the same commit, and says how to pin them.
//!
//! The data flows through the modules in order: [`discover`] finds files,
//! [`source`] parses them into spanned models, [`rules`] produce findings,
//! [`suppress`] filters them, [`report`] prints them; [`audit`] runs it all
//! and [`cli`] is the command line.

pub mod audit;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod date;
pub mod discover;
pub mod error;
pub mod finding;
pub mod fix;
pub mod glob;
pub mod ignores;
pub mod input;
pub mod report;
pub mod resolve;
pub mod rules;
pub mod source;
pub mod suppress;
