//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Every
//! rule is described from its doc (short and full description, help as text
//! and Markdown, GitHub's `precision` and `problem.severity`); each result
//! has its file relative to the repository's root under `%SRCROOT%` (as
//! GitHub resolves it, from whatever directory the command ran), its region
//! (start and end line and column, columns counted in Unicode code points,
//! as the run declares), and two `partialFingerprints`: GitHub's own
//! `primaryLocationLineHash`, computed as codeql-action computes it, and
//! ours, which also survives edits of the line's neighbours. Files that
//! could not be audited are tool execution notifications.

use super::text::printable;
use serde_json::{json, Value};

use std::collections::HashMap;

use super::fingerprint::fingerprints;
use super::line_hash::line_hashes;
use crate::audit::Report;
use crate::finding::Severity;
use crate::rules::Rule;

/// The key of our fingerprint in `partialFingerprints`.
const FINGERPRINT: &str = "reproAudit/v1";

/// The base that result URIs are relative to: the repository's root.
const SRCROOT: &str = "%SRCROOT%";

/// The report, describing `rules` (the rules of the run, in registry
/// order; each result's `ruleIndex` points into them).
pub fn render(report: &Report, rules: &[&Rule]) -> String {
    let described: Vec<Value> = rules.iter().map(|rule| describe(rule)).collect();
    // Each file's line hashes, computed once.
    let mut hashes: HashMap<&str, Vec<String>> = HashMap::new();
    for finding in &report.findings {
        if let Some(source) = report.sources.get(&finding.path) {
            hashes
                .entry(&finding.path)
                .or_insert_with(|| line_hashes(&source.text));
        }
    }
    // Each result is written as soon as it is made, rather than kept in one
    // tree of every result: memory stays near the size of the output.
    let results = report
        .findings
        .iter()
        .zip(fingerprints(report))
        .map(|(finding, fingerprint)| {
            let index = rules.iter().position(|r| r.code == finding.code);
            let mut fingerprints = json!({FINGERPRINT: fingerprint});
            if let Some(hash) = hashes
                .get(finding.path.as_str())
                .and_then(|h| h.get(finding.start.line - 1))
            {
                fingerprints["primaryLocationLineHash"] = json!(hash);
            }
            json!({
                "ruleId": finding.code,
                "ruleIndex": index,
                "level": level(finding.severity),
                // Shown to people by code scanning: what comes from a file
                // is escaped as in the text report.
                "message": {"text": format!("{}\nhelp: {}", printable(&finding.message), printable(&finding.help))},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(report, &finding.path),
                        "region": {
                            "startLine": finding.start.line,
                            "startColumn": finding.start.column,
                            "endLine": finding.end.line,
                            "endColumn": finding.end.column,
                        }
                    }
                }],
                "partialFingerprints": fingerprints,
            })
        });
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|error| {
            let mut location = json!({"artifactLocation": artifact(report, &error.path)});
            if let (Some(line), Some(column)) = (error.line, error.column) {
                location["region"] = json!({"startLine": line, "startColumn": column});
            }
            json!({
                "level": "error",
                "message": {"text": format!("cannot audit {}: {}", printable(&error.path), printable(&error.message))},
                "locations": [{"physicalLocation": location}],
            })
        })
        .collect();
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "repro-audit",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": described,
                }
            },
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": base_ids(report),
            "columnKind": "unicodeCodePoints",
            "results": RESULTS,
        }]
    });
    let mut out = splice(
        &serde_json::to_string_pretty(&document).expect("serialisable"),
        results,
    );
    out.push('\n');
    out
}

/// Stands where the results go until they are written in its place.
const RESULTS: &str = "\u{0}results\u{0}";

/// The document with `RESULTS` replaced by the results, pretty-printed as
/// serde_json would print them there (two spaces a level).
fn splice(document: &str, results: impl Iterator<Item = Value>) -> String {
    // The key with its value: inside any JSON string a `"` is escaped, so
    // text from a file cannot hold `"results": "…"` as it is written here.
    let marker = format!(
        "\"results\": {}",
        serde_json::to_string(RESULTS).expect("a string")
    );
    let Some(found) = document.find(&marker) else {
        return document.to_owned();
    };
    let at = found + "\"results\": ".len();
    let marker = &marker["\"results\": ".len()..];
    let line_start = document[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = document[line_start..]
        .chars()
        .take_while(|c| *c == ' ')
        .count();
    let inner = " ".repeat(indent + 2);
    let mut out = String::with_capacity(document.len());
    out.push_str(&document[..at]);
    out.push('[');
    let mut any = false;
    for result in results {
        out.push_str(if any { ",\n" } else { "\n" });
        any = true;
        let text = serde_json::to_string_pretty(&result).expect("serialisable");
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&inner);
            out.push_str(line);
        }
    }
    if any {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
    out.push_str(&document[at + marker.len()..]);
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule as SARIF describes it, from `rules/<CODE>.md`.
fn describe(rule: &Rule) -> Value {
    let full = section(rule.doc, "Why it breaks reproducibility")
        .unwrap_or_else(|| rule.summary.to_owned());
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": plain(rule.summary)},
        "fullDescription": {"text": full},
        "help": {"text": plain(rule.doc), "markdown": rule.doc},
        "defaultConfiguration": {"level": level(rule.severity)},
        "properties": {
            "tags": ["reproducibility"],
            // Every rule reads the file as its tool does: what it reports
            // is there.
            "precision": "high",
            "problem.severity": match rule.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "recommendation",
            },
        },
    })
}

/// The paragraphs under `## heading`, joined into one line each.
fn section(doc: &str, heading: &str) -> Option<String> {
    let start = doc.find(&format!("## {heading}\n"))? + heading.len() + 4;
    let rest = &doc[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let paragraphs: Vec<String> = rest[..end]
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    Some(plain(&paragraphs.join("\n\n")))
}

/// Markdown without its backticks, for the plain-text fields.
fn plain(text: &str) -> String {
    text.replace('`', "")
}

/// Where a shown path is: relative to the repository's root under
/// `%SRCROOT%`, else (outside it, or with no root) as shown; an absolute
/// path as a `file:` URI.
fn artifact(report: &Report, shown: &str) -> Value {
    match report.roots.from(report.roots.repository.as_deref(), shown) {
        Some(relative) => json!({"uri": uri(&relative), "uriBaseId": SRCROOT}),
        None if shown.starts_with('/') => json!({"uri": format!("file://{}", uri(shown))}),
        None => json!({"uri": uri(shown)}),
    }
}

/// `%SRCROOT%`: the repository's root, as an absolute `file:` URI ending
/// with `/`.
fn base_ids(report: &Report) -> Value {
    match &report.roots.repository {
        Some(root) => {
            let mut root = uri(&root.to_string_lossy());
            if !root.ends_with('/') {
                root.push('/');
            }
            json!({SRCROOT: {"uri": format!("file://{root}")}})
        }
        None => json!({}),
    }
}

/// A relative path as a URI reference: `/`-separated, with everything but
/// unreserved characters and `/` percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(uri("a b/Dockerfile#1"), "a%20b/Dockerfile%231");
        assert_eq!(uri("dir/Dockerfile.dev"), "dir/Dockerfile.dev");
        assert_eq!(uri("é"), "%C3%A9");
    }

    use crate::rules::RULES;

    #[test]
    fn every_rule_has_a_full_description_from_its_doc() {
        for rule in RULES {
            let full = section(rule.doc, "Why it breaks reproducibility");
            assert!(full.is_some_and(|f| f.len() > 40), "{}", rule.code);
        }
    }
}
