//! NX010 fetch-unlocked: a builtin fetcher without what would lock it —
//! `fetchTarball`/`fetchurl` without a hash, `fetchGit`/`fetchMercurial`
//! without a revision, `fetchTree` without either, `getFlake` of a
//! reference that names no revision. Each fetches whatever the source
//! holds when it is evaluated; pure evaluation refuses them.
//!
//! Only what can be read without evaluating is judged: an argument that is
//! a variable or a call, or a set with a computed name, is left alone. A
//! path (`fetchGit ./.`, `getFlake (toString ./.)`) is the repository
//! itself, not an input from elsewhere.

use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::flakeref;
use crate::source::nix_file::{Argument, BuiltinUse, NixFile};

pub const RULE: Rule = Rule {
    code: "NX010",
    name: "fetch-unlocked",
    severity: Severity::Error,
    summary: "a builtin fetcher without a hash or revision (`fetchTarball`, `fetchurl`, `fetchGit`, `fetchMercurial`, `fetchTree`, `getFlake`)",
    doc: include_str!("../../../rules/NX010.md"),
    check: Check::NixFile(check),
};

fn check(file: &NixFile, out: &mut Vec<Diagnostic>) {
    for found in &file.builtins {
        if let Some((message, help)) = unlocked(file, found) {
            out.push(Diagnostic::new(found.span, message, help));
        }
    }
}

/// The message and help for an unlocked fetch, if this one is.
fn unlocked(file: &NixFile, found: &BuiltinUse) -> Option<(String, String)> {
    let written = file.slice(found.span);
    let argument = found.argument.as_ref()?;
    let url = argument
        .string()
        .or_else(|| argument.entry("url").and_then(Argument::string));
    let of = url.map_or_else(String::new, |u| {
        format!(" of `{}`", crate::source::quote(u))
    });
    match found.name {
        "fetchTarball" | "fetchurl" => {
            // Nix takes only `sha256` here (`hash` is an error).
            if !needs(argument, &["sha256"])? {
                return None;
            }
            let names_commit = url.is_some_and(names_commit);
            let what = if names_commit {
                "Nix does not check what it downloads"
            } else {
                "it is whatever the URL serves when the download cache expires (an hour by default)"
            };
            let (form, prefetch) = if found.name == "fetchTarball" {
                ("fetchTarball", "nix-prefetch-url --unpack <url>")
            } else {
                ("builtins.fetchurl", "nix-prefetch-url <url>")
            };
            Some((
                format!("`{written}`{of} has no `sha256`: {what}"),
                format!(
                    "lock it: `{form} {{ url = \"…/<commit>.tar.gz\"; sha256 = \"…\"; }}` with a URL that names a revision (`{prefetch}` prints the hash), or make it a flake input or an npins source"
                ),
            ))
        }
        "fetchGit" | "fetchMercurial" => {
            if matches!(argument.entry("url"), Some(Argument::Path)) {
                return None;
            }
            if !needs(argument, &["rev"])? {
                return None;
            }
            let (form, commit) = if found.name == "fetchGit" {
                ("builtins.fetchGit", "<40-hex commit>")
            } else {
                ("builtins.fetchMercurial", "<40-hex changeset>")
            };
            Some((
                format!(
                    "`{written}`{of} has no `rev`: it fetches what the branch points at when it is evaluated"
                ),
                format!(
                    "add the revision: `{form} {{ url = \"…\"; rev = \"{commit}\"; }}` (with `ref` when it is not on the default branch)"
                ),
            ))
        }
        "fetchTree" => {
            let locked = match argument {
                Argument::Str(Some(url)) => reference_locked(url)?,
                Argument::Attrs { .. } if local(argument.entry("path")) => return None,
                Argument::Attrs { .. } => !needs(argument, &["rev", "narHash"])?,
                _ => return None,
            };
            (!locked).then(|| {
                (
                    format!("`{written}`{of} has neither `rev` nor `narHash`: it fetches what the source holds when it is evaluated"),
                    "add the revision (`rev`) or the content hash (`narHash`) it should have, or make it a flake input".to_owned(),
                )
            })
        }
        "getFlake" => {
            let url = argument.string()?;
            if reference_locked(url)? {
                return None;
            }
            Some((
                format!(
                    "`{written}` of `{}` names no revision: it evaluates whatever the reference resolves to that day",
                    crate::source::quote(url)
                ),
                "name a revision (`github:owner/repo/<commit>`, `?rev=<commit>`), or make it a flake input".to_owned(),
            ))
        }
        _ => None,
    }
}

/// Whether a set lacks every one of `names`: `None` when that cannot be
/// known (a computed name, an argument that is not a string or a set).
fn needs(argument: &Argument, names: &[&str]) -> Option<bool> {
    match argument {
        // A string is the URL alone.
        Argument::Str(_) => Some(true),
        Argument::Attrs { complete, .. } => {
            if names.iter().any(|name| argument.has(name)) {
                Some(false)
            } else if *complete {
                Some(true)
            } else {
                None
            }
        }
        Argument::Path | Argument::Other => None,
    }
}

fn local(path: Option<&Argument>) -> bool {
    matches!(path, Some(Argument::Path))
}

/// Whether a flake reference names a revision or a content hash; `None`
/// for a local one (the repository itself) or one that does not parse.
fn reference_locked(url: &str) -> Option<bool> {
    if url.starts_with('/')
        || url.starts_with('.')
        || url.starts_with("path:")
        || url.starts_with("git+file:")
    {
        return None;
    }
    let reference = flakeref::parse(url, true).ok()?;
    if reference.get("type") == Some("indirect") {
        return Some(false);
    }
    Some(reference.get("rev").is_some() || reference.get("narHash").is_some())
}

/// Whether a URL has a full commit hash in it (`…/archive/<40 hex>.tar.gz`).
fn names_commit(url: &str) -> bool {
    url.split(|c: char| !c.is_ascii_hexdigit())
        .any(|part| part.len() == 40)
}
