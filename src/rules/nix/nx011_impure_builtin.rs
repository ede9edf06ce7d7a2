//! NX011 impure-builtin: `builtins.getEnv`, `builtins.currentTime` and
//! `builtins.storePath`, whose results depend on the evaluating process,
//! the clock, or what the local store happens to hold. Pure evaluation
//! forbids them.

use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::nix_file::NixFile;

pub const RULE: Rule = Rule {
    code: "NX011",
    name: "impure-builtin",
    severity: Severity::Warning,
    summary: "`builtins.getEnv`, `builtins.currentTime` or `builtins.storePath`",
    doc: include_str!("../../../rules/NX011.md"),
    check: Check::NixFile(check),
};

fn check(file: &NixFile, out: &mut Vec<Diagnostic>) {
    for found in &file.builtins {
        let written = file.slice(found.span);
        let (message, help) = match found.name {
            "getEnv" => {
                let variable = found
                    .argument
                    .as_ref()
                    .and_then(|a| a.string())
                    .map_or_else(|| "an environment variable".to_owned(), |v| format!("`{v}`"));
                (
                    format!(
                        "`{written}` reads {variable} of the process that evaluates it: the result depends on who evaluates, and pure evaluation reads \"\""
                    ),
                    "pass the value in as a function argument (`--argstr`), or read it from a file in the repository",
                )
            }
            "currentTime" => (
                format!("`{written}` is the time of evaluation: no two evaluations agree"),
                "use a fixed time: the source's `lastModified` (`self.lastModified` in a flake), or a value passed in",
            ),
            "storePath" => (
                format!(
                    "`{written}` takes a store path as it is in the local store, with nothing that can build or fetch it elsewhere; pure evaluation refuses it"
                ),
                "refer to the derivation or the fixed-output fetch that produces the path instead",
            ),
            _ => continue,
        };
        out.push(Diagnostic::new(found.span, message, help));
    }
}
