//! `--format gitlab`: a GitLab Code Quality report — a JSON array of
//! issues with a description, the rule, a severity, a location and a
//! fingerprint that is unique and survives line moves.

use serde::Serialize;

use super::fingerprint::fingerprints;
use crate::audit::Report;
use crate::finding::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    /// From the repository's root, as GitLab resolves it.
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(report: &Report) -> String {
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .zip(fingerprints(report))
        .map(|(finding, fingerprint)| Issue {
            // Shown to people in merge requests: what comes from a file
            // is escaped as in the text report.
            description: format!(
                "{} {}: {} (help: {})",
                finding.code,
                finding.name,
                super::text::printable(&finding.message),
                super::text::printable(&finding.help)
            ),
            check_name: finding.code,
            fingerprint,
            severity: match finding.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "info",
            },
            location: Location {
                path: report.roots.in_repository(&finding.path),
                lines: Lines {
                    begin: finding.start.line,
                    end: finding.end.line,
                },
            },
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&issues).expect("serialisable");
    out.push('\n');
    out
}
