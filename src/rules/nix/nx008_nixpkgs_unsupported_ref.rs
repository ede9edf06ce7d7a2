//! NX008 nixpkgs-unsupported-ref: a root nixpkgs input that does not track
//! a supported branch of NixOS/nixpkgs on `--as-of`.

use super::{Context, NixDiagnostic};
use crate::date::Date;
use crate::finding::Severity;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "NX008",
    name: "nixpkgs-unsupported-ref",
    severity: Severity::Warning,
    summary: "a root nixpkgs input whose branch is not supported, or whose owner is not NixOS",
    doc: include_str!("../../../rules/NX008.md"),
    check: Check::Nix(check),
};

const ROLLING: &[&str] = &["nixos-unstable", "nixos-unstable-small", "nixpkgs-unstable"];

fn check(context: &Context, out: &mut Vec<NixDiagnostic>) {
    for (name, node) in context.nixpkgs_inputs() {
        let Some(original) = &node.original else {
            continue;
        };
        let (owner, reference) = match original.string("type") {
            Some("github" | "gitlab" | "sourcehut") => (
                format!(
                    "{}/{}",
                    original.string("owner").unwrap_or("?"),
                    original.string("repo").unwrap_or("?")
                ),
                original.string("ref").map(str::to_owned),
            ),
            Some("tarball") => {
                let url = original.string("url").unwrap_or("");
                match channel_of(url).or_else(|| flakehub_branch(url)) {
                    Some(channel) => ("NixOS/nixpkgs".to_owned(), Some(channel)),
                    None => match github_archive(url) {
                        Some((repo, reference)) => (repo, Some(reference)),
                        None => continue,
                    },
                }
            }
            // `nixpkgs/nixos-24.05` through the registry: the branch is the
            // one asked for, the repository the one the lock resolved to.
            Some("indirect") => {
                let Some(reference) = original.string("ref") else {
                    continue;
                };
                let locked = node.locked.as_ref();
                let repo = match locked.and_then(|l| l.string("type")) {
                    Some("github") => locked.map(|l| {
                        format!(
                            "{}/{}",
                            l.string("owner").unwrap_or("?"),
                            l.string("repo").unwrap_or("?")
                        )
                    }),
                    Some("git") => locked.and_then(|l| l.string("url")).and_then(github_repo),
                    _ => None,
                };
                match repo {
                    Some(repo) => (repo, Some(reference.to_owned())),
                    None => continue,
                }
            }
            // `git+https://github.com/NixOS/nixpkgs?ref=nixos-24.05`.
            Some("git") => match original.string("url").and_then(github_repo) {
                Some(repo) => (repo, original.string("ref").map(str::to_owned)),
                None => continue,
            },
            _ => continue,
        };
        // `refs/heads/nixos-unstable` is the branch `nixos-unstable`.
        let reference = reference.map(|r| {
            r.strip_prefix("refs/heads/")
                .map(str::to_owned)
                .unwrap_or(r)
        });
        let supported = supported_refs(context);
        let suggestion = format!("track a supported branch: {}", shown(&supported));
        if !owner.eq_ignore_ascii_case("NixOS/nixpkgs") {
            out.push(context.at_node(
                node,
                format!("nixpkgs input `{name}` comes from `{owner}`, not NixOS/nixpkgs"),
                format!("use `github:NixOS/nixpkgs/<branch>` and {suggestion}"),
            ));
            continue;
        }
        let Some(reference) = reference else {
            if original.has("rev") {
                continue;
            }
            out.push(context.at_node(
                node,
                format!("nixpkgs input `{name}` tracks the default branch of NixOS/nixpkgs, which no channel tests"),
                suggestion,
            ));
            continue;
        };
        if supported.contains(&reference) {
            continue;
        }
        let why = match release_end(&reference) {
            Some((_, end)) if end < context.as_of => format!("which reached end of life on {end}"),
            Some((start, _)) if start > context.as_of => {
                format!(
                    "which is not out yet on {} (not before {start})",
                    context.as_of
                )
            }
            _ => "which is not a supported branch".to_owned(),
        };
        out.push(context.at_node(
            node,
            format!("nixpkgs input `{name}` tracks `{reference}`, {why}"),
            suggestion,
        ));
    }
}

fn shown(refs: &[String]) -> String {
    let quoted: Vec<String> = refs.iter().map(|r| format!("`{r}`")).collect();
    quoted.join(", ")
}

/// The supported branches on `--as-of`, or the configured list.
fn supported_refs(context: &Context) -> Vec<String> {
    if let Some(list) = &context.settings.supported_refs {
        return list.clone();
    }
    let mut refs: Vec<String> = ROLLING.iter().map(|r| (*r).to_owned()).collect();
    let year = context.as_of.year;
    for y in (year - 2)..=year {
        for month in [5, 11] {
            let release = format!("{:02}.{month:02}", y.rem_euclid(100));
            let Some((start, end)) = release_end(&format!("nixos-{release}")) else {
                continue;
            };
            if start <= context.as_of && context.as_of <= end {
                refs.push(format!("nixos-{release}"));
                refs.push(format!("nixos-{release}-small"));
                refs.push(format!("nixpkgs-{release}-darwin"));
            }
        }
    }
    refs
}

/// For a release branch (`nixos-25.11`, `nixos-25.11-small`,
/// `nixpkgs-25.11-darwin`): the first day of its release month and its end
/// of life (a `.05` release ends on 31 December, a `.11` on 30 June next).
fn release_end(reference: &str) -> Option<(Date, Date)> {
    let version = reference
        .strip_prefix("nixos-")
        .map(|v| v.strip_suffix("-small").unwrap_or(v))
        .or_else(|| reference.strip_prefix("nixpkgs-")?.strip_suffix("-darwin"))?;
    let (yy, mm) = version.split_once('.')?;
    if yy.len() != 2 || !yy.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = 2000 + yy.parse::<i32>().ok()?;
    let (start, end) = match mm {
        "05" => (
            Date {
                year,
                month: 5,
                day: 1,
            },
            Date {
                year,
                month: 12,
                day: 31,
            },
        ),
        "11" => (
            Date {
                year,
                month: 11,
                day: 1,
            },
            Date {
                year: year + 1,
                month: 6,
                day: 30,
            },
        ),
        _ => return None,
    };
    Some((start, end))
}

/// `https://channels.nixos.org/nixos-25.11/nixexprs.tar.xz` → `nixos-25.11`.
fn channel_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://channels.nixos.org/")
        .or_else(|| url.strip_prefix("https://nixos.org/channels/"))?;
    let channel = rest.split('/').next()?;
    (!channel.is_empty()).then(|| channel.to_owned())
}

/// FlakeHub's versions of NixOS/nixpkgs name its branches:
/// `https://flakehub.com/f/NixOS/nixpkgs/0.2505.*.tar.gz` follows
/// `nixos-25.05`, `0.1.*` follows `nixos-unstable`. `*` (the newest
/// release, whichever it is) and other flakes give `None`.
fn flakehub_branch(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://flakehub.com/f/")?;
    let (repo, version) = rest.rsplit_once('/')?;
    if !repo.eq_ignore_ascii_case("NixOS/nixpkgs") {
        return None;
    }
    let version = version.strip_suffix(".tar.gz").unwrap_or(version);
    let version = version.trim_start_matches('=');
    let mut parts = version.split('.');
    if parts.next()? != "0" {
        return None;
    }
    let line = parts.next()?;
    if line == "1" {
        return Some("nixos-unstable".to_owned());
    }
    if line.len() == 4 && line.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("nixos-{}.{}", &line[..2], &line[2..]));
    }
    None
}

/// `https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz` (or
/// `…/archive/refs/heads/nixos-24.05.tar.gz`): the repository and branch.
/// An archive of a commit names no branch.
fn github_archive(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("https://github.com/")?;
    let (repo, archive) = rest.split_once("/archive/")?;
    let reference = archive
        .strip_suffix(".tar.gz")
        .or_else(|| archive.strip_suffix(".zip"))?;
    let reference = reference.strip_prefix("refs/heads/").unwrap_or(reference);
    let commit = reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit());
    (!commit && repo.split('/').count() == 2).then(|| (repo.to_owned(), reference.to_owned()))
}

/// `owner/repo` of a Git URL on GitHub (`https://github.com/NixOS/nixpkgs`,
/// `ssh://git@github.com/NixOS/nixpkgs.git`).
fn github_repo(url: &str) -> Option<String> {
    let (_, path) = url.split_once("github.com")?;
    let path = path.trim_start_matches([':', '/']);
    let path = path.split(['?', '#']).next()?;
    let mut parts = path.split('/');
    let owner = parts.next().filter(|o| !o.is_empty())?;
    let repo = parts.next().filter(|r| !r.is_empty())?;
    Some(format!(
        "{owner}/{}",
        repo.strip_suffix(".git").unwrap_or(repo)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flakehub_versions_name_branches() {
        let branch =
            |v: &str| flakehub_branch(&format!("https://flakehub.com/f/NixOS/nixpkgs/{v}"));
        assert_eq!(branch("0.2505.*.tar.gz").as_deref(), Some("nixos-25.05"));
        assert_eq!(
            branch("=0.2411.712345.tar.gz").as_deref(),
            Some("nixos-24.11")
        );
        assert_eq!(branch("0.1.*.tar.gz").as_deref(), Some("nixos-unstable"));
        assert_eq!(branch("0.1").as_deref(), Some("nixos-unstable"));
        assert_eq!(branch("*.tar.gz"), None);
        assert_eq!(
            flakehub_branch("https://flakehub.com/f/DeterminateSystems/nixpkgs-weekly/0.1.tar.gz"),
            None
        );
    }

    #[test]
    fn github_archives_name_their_branch() {
        assert_eq!(
            github_archive("https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz"),
            Some(("NixOS/nixpkgs".into(), "nixos-24.05".into()))
        );
        assert_eq!(
            github_archive("https://github.com/NixOS/nixpkgs/archive/refs/heads/master.tar.gz"),
            Some(("NixOS/nixpkgs".into(), "master".into()))
        );
        assert_eq!(
            github_archive(
                "https://github.com/NixOS/nixpkgs/archive/da43f1f4729532b11d6d81fc4eef8577a08a626c.tar.gz"
            ),
            None
        );
    }

    #[test]
    fn github_git_urls_name_their_repository() {
        assert_eq!(
            github_repo("https://github.com/NixOS/nixpkgs").as_deref(),
            Some("NixOS/nixpkgs")
        );
        assert_eq!(
            github_repo("ssh://git@github.com/NixOS/nixpkgs.git").as_deref(),
            Some("NixOS/nixpkgs")
        );
        assert_eq!(
            github_repo("https://github.com/me/nixpkgs?ref=x").as_deref(),
            Some("me/nixpkgs")
        );
        assert_eq!(github_repo("https://git.example.org/nixpkgs"), None);
    }
}
