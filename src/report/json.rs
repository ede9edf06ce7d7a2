//! `--format json`: schema version 1, as the spec lays it out.

use serde::Serialize;

use super::counts;
use super::fingerprint::fingerprints;
use crate::audit::Report;
use crate::error::FileError;
use crate::finding::Finding;
use crate::source::span::Position;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    errors: &'a [FileError],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    by_severity: BySeverity,
}

#[derive(Serialize)]
struct BySeverity {
    error: usize,
    warning: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    path: &'a str,
    start: Position,
    end: Position,
    message: &'a str,
    help: &'a str,
    /// Stable across line moves; what `--baseline` matches.
    fingerprint: String,
}

pub fn render(report: &Report) -> String {
    let [(_, error), (_, warning), (_, info)] = counts(&report.findings);
    let document = Document {
        version: 1,
        tool: Tool {
            name: "repro-audit",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: report.files,
            findings: report.findings.len(),
            errors: report.errors.len(),
            by_severity: BySeverity {
                error,
                warning,
                info,
            },
        },
        findings: report
            .findings
            .iter()
            .zip(fingerprints(report))
            .map(|(finding, fingerprint)| json_finding(finding, fingerprint))
            .collect(),
        errors: &report.errors,
    };
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}

fn json_finding(finding: &Finding, fingerprint: String) -> JsonFinding<'_> {
    JsonFinding {
        code: finding.code,
        name: finding.name,
        severity: finding.severity.as_str(),
        path: &finding.path,
        start: finding.start,
        end: finding.end,
        message: &finding.message,
        help: &finding.help,
        fingerprint,
    }
}
