//! Any bytes as a flake.lock, audited with the flake.nix of the seed
//! corpus's fortune-cat (the pair's rules need both).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use repro_audit::audit::{audit_flake, LockState};

const NIX: &str = r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  inputs.a.url = "github:o/a";
  inputs.a.inputs.nixpkgs.follows = "nixpkgs";
  outputs = { self, nixpkgs, a }: { };
}
"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let options = common::options();
    let _ = audit_flake(
        Some(("flake.nix".to_owned(), NIX.to_owned())),
        Some(("flake.lock".to_owned(), text.to_owned())),
        LockState::Beside,
        &options,
    );
});
