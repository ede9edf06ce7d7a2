//! `--format github`: GitHub Actions workflow commands, one annotation per
//! finding (`::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::…`)
//! and per file that could not be audited, then the summary line — GitHub
//! shows only ten annotations of each level per step, the log shows all.

use std::fmt::Write;

use super::text;
use crate::audit::Report;
use crate::finding::Severity;

/// The annotations, then the summary line unless `summary` is off
/// (`--quiet`). Paths are from the repository's root, as GitHub reads them
/// whatever directory the step ran in.
pub fn render(report: &Report, summary: bool) -> String {
    let mut out = String::new();
    let file = |shown: &str| {
        report
            .roots
            .from(report.roots.repository.as_deref(), shown)
            .unwrap_or_else(|| shown.to_owned())
    };
    for error in &report.errors {
        let mut properties = vec![("file", file(&error.path))];
        if let (Some(line), Some(column)) = (error.line, error.column) {
            properties.push(("line", line.to_string()));
            properties.push(("col", column.to_string()));
        }
        properties.push(("title", "repro-audit: cannot audit this file".to_owned()));
        command(
            &mut out,
            "error",
            &properties,
            &text::printable(&error.message),
        );
    }
    for finding in &report.findings {
        let level = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = vec![
            ("file", file(&finding.path)),
            ("line", finding.start.line.to_string()),
            ("endLine", finding.end.line.to_string()),
        ];
        // Columns only make sense on one line.
        if finding.start.line == finding.end.line {
            properties.push(("col", finding.start.column.to_string()));
            properties.push(("endColumn", finding.end.column.to_string()));
        }
        properties.push(("title", format!("{} {}", finding.code, finding.name)));
        // What comes from a file is escaped: only our own line break
        // stays one in the annotation.
        let message = format!(
            "{}\nhelp: {}",
            text::printable(&finding.message),
            text::printable(&finding.help)
        );
        command(&mut out, level, &properties, &message);
    }
    if summary {
        text::summary(&mut out, report);
    }
    out
}

fn command(out: &mut String, level: &str, properties: &[(&str, String)], message: &str) {
    let properties: Vec<String> = properties
        .iter()
        // A name with control or bidirectional characters is escaped in
        // the log too, though GitHub then cannot place it.
        .map(|(key, value)| format!("{key}={}", escape_property(&text::printable(value))))
        .collect();
    let _ = writeln!(
        out,
        "::{level} {}::{}",
        properties.join(","),
        escape_data(message)
    );
}

/// What GitHub requires of a command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// What GitHub requires of a property value: also `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
