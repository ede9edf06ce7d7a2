//! The rules: one small file each, listed in one flat registry. Codes are
//! permanent; a removed rule's code is never reused.

pub mod compose;
pub mod devcontainer;
pub mod docker;
pub mod github;
pub mod gitlab;
pub mod images;
pub mod meta;
pub mod nix;

use crate::finding::{Applicability, Diagnostic, Severity};

/// What a rule reads.
pub enum Check {
    Dockerfile(fn(&docker::Context, &mut Vec<Diagnostic>)),
    /// A `flake.nix` and the `flake.lock` beside it, as one pair.
    Nix(fn(&nix::Context, &mut Vec<nix::NixDiagnostic>)),
    /// A Compose file.
    Compose(fn(&compose::Context, &mut Vec<Diagnostic>)),
    /// A dev container definition.
    Devcontainer(fn(&devcontainer::Context, &mut Vec<Diagnostic>)),
    /// A GitLab CI file (and each local file it includes).
    Gitlab(fn(&gitlab::Context, &mut Vec<Diagnostic>)),
    /// A GitHub Actions workflow or action.
    Workflow(fn(&github::Context, &mut Vec<Diagnostic>)),
    /// Any `.nix` file, `flake.nix` included.
    NixFile(fn(&crate::source::nix_file::NixFile, &mut Vec<Diagnostic>)),
    /// A file's pragmas, once every other rule's findings went through
    /// them.
    Pragmas(fn(&meta::Context, &mut Vec<Diagnostic>)),
}

pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what it flags.
    pub summary: &'static str,
    /// `rules/<CODE>.md`.
    pub doc: &'static str,
    pub check: Check,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("code", &self.code).finish()
    }
}

pub static RULES: &[Rule] = &[
    docker::df001_base_image_floating::RULE,
    docker::df002_base_image_unpinned::RULE,
    docker::df003_base_image_unresolved::RULE,
    docker::df004_syntax_frontend_unpinned::RULE,
    docker::df010_package_index_update::RULE,
    docker::df011_package_upgrade::RULE,
    docker::df012_os_package_unpinned::RULE,
    docker::df013_language_package_unpinned::RULE,
    docker::df014_lockfile_not_enforced::RULE,
    docker::df020_remote_source_unverified::RULE,
    docker::df021_download_piped_to_shell::RULE,
    docker::df022_git_clone_unpinned::RULE,
    docker::df023_download_unverified::RULE,
    compose::cp001_compose_image_floating::RULE,
    compose::cp002_compose_image_unpinned::RULE,
    compose::cp003_compose_image_unresolved::RULE,
    devcontainer::dc001_devcontainer_image_unpinned::RULE,
    devcontainer::dc002_devcontainer_feature_unpinned::RULE,
    github::gh001_action_unpinned::RULE,
    github::gh002_job_image_unpinned::RULE,
    github::gh003_runner_image_floating::RULE,
    gitlab::gl001_ci_image_unpinned::RULE,
    gitlab::gl002_ci_include_unpinned::RULE,
    nix::nx001_flake_lock_missing::RULE,
    nix::nx002_flake_input_unlocked::RULE,
    nix::nx003_flake_lock_stale::RULE,
    nix::nx004_flake_input_not_portable::RULE,
    nix::nx005_flake_input_duplicated::RULE,
    nix::nx006_flake_input_indirect::RULE,
    nix::nx007_flake_input_outdated::RULE,
    nix::nx008_nixpkgs_unsupported_ref::RULE,
    nix::nx009_nix_path_lookup::RULE,
    nix::nx010_fetch_unlocked::RULE,
    nix::nx011_impure_builtin::RULE,
    nix::nx012_flake_override_unused::RULE,
    meta::ra001_invalid_suppression::RULE,
    meta::ra002_unused_suppression::RULE,
];

/// Rules that run only when selected by code, name or prefix (ruff's
/// RUF100 is the model).
pub const OPT_IN: &[&str] = &["RA002"];

/// The rules `--fix` repairs, and whether their fix is safe (made by
/// `--fix`) or unsafe (only with `--unsafe-fixes`). What a fix does is
/// each rule's own; this table is what `--list-rules` and the rule docs
/// say, and a test checks it against the fixes the rules attach.
pub const FIXES: &[(&str, Applicability)] = &[
    ("DF001", Applicability::Safe),
    ("DF002", Applicability::Safe),
    ("DF004", Applicability::Safe),
    ("DF014", Applicability::Unsafe),
    ("DF020", Applicability::Safe),
    ("CP001", Applicability::Safe),
    ("CP002", Applicability::Safe),
    ("GH001", Applicability::Safe),
    ("GH002", Applicability::Safe),
    ("GL001", Applicability::Safe),
    ("DC001", Applicability::Safe),
    ("NX005", Applicability::Unsafe),
];

/// Whether rule `code` has a fix, and how safe it is.
pub fn fix_of(code: &str) -> Option<Applicability> {
    FIXES.iter().find(|(c, _)| *c == code).map(|(_, a)| *a)
}

/// A rule by code or name.
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(key) || rule.name == key)
}

/// The code or name closest to a selector that names no rule (`DF0l0` →
/// `DF010`, `package-upgrad` → `package-upgrade`), for "did you mean";
/// `None` when nothing is close.
pub fn suggestion(selector: &str) -> Option<&'static str> {
    let wanted = selector.to_ascii_lowercase();
    let candidates = RULES.iter().flat_map(|rule| [rule.code, rule.name]);
    let (distance, best) = candidates
        .map(|candidate| {
            (
                edit_distance(&wanted, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .min_by_key(|(distance, _)| *distance)?;
    // A third of the word may be wrong, at least one character.
    (distance <= (selector.chars().count() / 3).max(1)).then_some(best)
}

/// Levenshtein distance, over characters (selectors are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The rules a selector names: a code, a name, or a code prefix (`DF`,
/// `NX00`). `None` when it names none.
pub fn matching(selector: &str) -> Option<Vec<&'static Rule>> {
    if let Some(rule) = find(selector) {
        return Some(vec![rule]);
    }
    let upper = selector.to_ascii_uppercase();
    let rules: Vec<_> = RULES
        .iter()
        .filter(|rule| !upper.is_empty() && rule.code.starts_with(&upper))
        .collect();
    (!rules.is_empty()).then_some(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selector_close_to_a_rule_suggests_it() {
        for (written, meant) in [
            ("DF0l0", Some("DF010")),
            ("packge-upgrade", Some("package-upgrade")),
            ("base-image-unpined", Some("base-image-unpinned")),
            ("df010", Some("DF010")),
            ("XYZ", None),
            ("completely-unrelated", None),
        ] {
            assert_eq!(suggestion(written), meant, "{written}");
        }
    }
}
