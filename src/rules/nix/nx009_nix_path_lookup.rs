//! NX009 nix-path-lookup: `<nixpkgs>` and the other ways of reading the
//! Nix search path. What they find is `NIX_PATH` and the channels of the
//! machine that evaluates, which pure evaluation forbids for that reason.

use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::nix_file::NixFile;

pub const RULE: Rule = Rule {
    code: "NX009",
    name: "nix-path-lookup",
    severity: Severity::Warning,
    summary: "`<nixpkgs>` or another search path, `builtins.nixPath`, `builtins.findFile`",
    doc: include_str!("../../../rules/NX009.md"),
    check: Check::NixFile(check),
};

fn check(file: &NixFile, out: &mut Vec<Diagnostic>) {
    for span in &file.search_paths {
        let written = file.slice(*span);
        let name = written.trim_start_matches('<').trim_end_matches('>');
        let first = name.split('/').next().unwrap_or(name);
        let what = if first == "nixpkgs" {
            "a different nixpkgs".to_owned()
        } else {
            format!("a different `{first}`")
        };
        out.push(Diagnostic::new(
            *span,
            format!(
                "`{written}` is looked up in NIX_PATH and the channels of the machine that evaluates it: each machine can get {what}"
            ),
            help(first),
        ));
    }
    for found in &file.builtins {
        let what = match found.name {
            "nixPath" => "is the NIX_PATH of the machine that evaluates it",
            "findFile" => "searches the NIX_PATH of the machine that evaluates it",
            _ => continue,
        };
        out.push(Diagnostic::new(
            found.span,
            format!("`{}` {what}", file.slice(found.span)),
            "take what it finds from a pinned source instead: a flake input, `fetchTarball` with a `sha256`, or an npins or niv source".to_owned(),
        ));
    }
}

fn help(name: &str) -> String {
    if name == "nixpkgs" {
        "pin it: a flake input, `import (fetchTarball { url = \"https://github.com/NixOS/nixpkgs/archive/<commit>.tar.gz\"; sha256 = \"<hash>\"; }) { }`, or an npins or niv source; a function can still take `pkgs` as an argument from a caller that pins it".to_owned()
    } else {
        format!(
            "pin `{name}`: a flake input, `fetchTarball` of a commit with its `sha256`, or an npins or niv source"
        )
    }
}
