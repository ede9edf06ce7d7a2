//! The rules: one small file each, listed in one flat registry. Codes are
//! permanent; a removed rule's code is never reused.

pub mod docker;

use crate::finding::{Diagnostic, Severity};

/// What a rule reads.
pub enum Check {
    Dockerfile(fn(&docker::Context, &mut Vec<Diagnostic>)),
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
];

/// A rule by code or name.
pub fn find(key: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(key) || rule.name == key)
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
