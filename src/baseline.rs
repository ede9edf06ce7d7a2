//! `--baseline FILE`: adopt the tool in a repository that already has
//! findings. The file is a JSON report of an earlier run
//! (`repro-audit --format json . > .repro-audit-baseline.json`); a finding
//! whose fingerprint it holds — same rule, same file, same text under the
//! span, same occurrence — is neither reported nor counted, wherever its
//! line has moved. New findings, and new copies of old ones, still are.

use std::collections::HashSet;
use std::path::Path;

use crate::audit::Report;
use crate::error::FileError;
use crate::report::fingerprint::fingerprints;

/// The fingerprints the baseline file at `path` holds; errors name it
/// `shown`.
pub fn load(path: &Path, shown: &str) -> Result<HashSet<String>, FileError> {
    let bytes = crate::input::read_file(path, crate::input::MAX_FILE_SIZE)
        .map_err(|e| FileError::io(shown, &format!("cannot read the baseline: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| FileError::io(shown, "cannot read the baseline: not valid UTF-8"))?;
    parse(&text, shown)
}

/// The fingerprints a baseline's text holds; errors name it `shown`.
pub fn parse(text: &str, shown: &str) -> Result<HashSet<String>, FileError> {
    let error = |message: String, position: Option<(usize, usize)>| match position {
        Some((line, column)) => FileError {
            path: shown.to_owned(),
            message,
            line: Some(line),
            column: Some(column),
        },
        None => FileError::io(shown, &message),
    };
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        // The position goes in front, as for every other error.
        let full = e.to_string();
        let reason = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(r, _)| r);
        error(
            format!("the baseline is not JSON: {reason}"),
            // serde_json counts an empty file's end as column 0; ours are
            // 1-based.
            Some((e.line().max(1), e.column().max(1))),
        )
    })?;
    if document["version"] != 1 {
        return Err(error(
            "not a repro-audit JSON report (`version` 1): make it with `repro-audit --format json`"
                .to_owned(),
            None,
        ));
    }
    let findings = document["findings"]
        .as_array()
        .ok_or_else(|| error("the baseline has no `findings` list".to_owned(), None))?;
    findings
        .iter()
        .enumerate()
        .map(|(i, finding)| {
            finding["fingerprint"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| error(format!("finding {} has no `fingerprint`", i + 1), None))
        })
        .collect()
}

/// Drop the findings the baseline holds; the report counts them apart.
pub fn apply(report: &mut Report, known: &HashSet<String>) {
    let keep: Vec<bool> = fingerprints(report)
        .iter()
        .map(|fingerprint| !known.contains(fingerprint))
        .collect();
    let before = report.findings.len();
    let mut keep = keep.into_iter();
    report.findings.retain(|_| keep.next().unwrap_or(true));
    report.baselined += before - report.findings.len();
}
