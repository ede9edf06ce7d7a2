//! Reporters: the same findings, in the format each consumer wants.

pub mod fingerprint;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod line_hash;
pub mod sarif;
pub mod text;

use crate::finding::Severity;

/// Counts by severity, in the order reports list them.
pub fn counts(findings: &[crate::finding::Finding]) -> [(Severity, usize); 3] {
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    [
        (Severity::Error, count(Severity::Error)),
        (Severity::Warning, count(Severity::Warning)),
        (Severity::Info, count(Severity::Info)),
    ]
}
