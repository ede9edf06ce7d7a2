//! Fingerprints that stay the same when lines move: a finding is known by
//! its rule, its file (from the project's root, so that a baseline made at
//! the root matches from a subdirectory), the text under its span
//! (whitespace collapsed) and which occurrence of that triple it is in the
//! file. GitLab Code Quality
//! and SARIF use them to match findings across runs.

use std::collections::HashMap;

use crate::audit::Report;
use crate::finding::Finding;
use crate::source::one_line;

/// One fingerprint per finding of `report`, in order: 32 hexadecimal
/// digits, unique within the report.
pub fn fingerprints(report: &Report) -> Vec<String> {
    let mut seen: HashMap<(String, &str, &str), usize> = HashMap::new();
    report
        .findings
        .iter()
        .map(|finding| {
            let text = spanned_text(report, finding);
            let occurrence = seen
                .entry((text.clone(), finding.code, finding.path.as_str()))
                .or_insert(0);
            *occurrence += 1;
            // The path from the project's root: the same from any
            // directory the command runs in.
            let path = report.roots.in_project(&finding.path);
            let key = format!(
                "{}\u{0}{}\u{0}{}\u{0}{}",
                finding.code, path, text, occurrence
            );
            format!(
                "{:016x}{:016x}",
                fnv1a(key.as_bytes(), 0),
                fnv1a(key.as_bytes(), 1)
            )
        })
        .collect()
}

/// The text a finding points at, with runs of whitespace (and line
/// continuations) made one space.
pub fn spanned_text(report: &Report, finding: &Finding) -> String {
    let text = report
        .sources
        .get(&finding.path)
        .and_then(|source| source.text.get(finding.span.start..finding.span.end))
        .unwrap_or_default();
    one_line(text)
}

/// 64-bit FNV-1a, seeded so two runs give 128 independent bits. Stable
/// across platforms and releases, unlike `std`'s hasher.
fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_is_the_published_function() {
        // FNV-1a 64 of "a" (seed 0).
        assert_eq!(fnv1a(b"a", 0), 0xaf63_dc4c_8601_ec8c);
    }
}
