//! The default text format: a header line per finding, the source lines
//! with the span underlined, the help, and a summary.
//!
//! ```text
//! Dockerfile:1:6: warning[DF002] base image `python:3.13-slim` is not pinned by digest
//!   |
//! 1 | FROM python:3.13-slim AS base
//!   |      ^^^^^^^^^^^^^^^^
//!   = help: pin it as `python:3.13-slim@sha256:<digest>`
//! ```

use std::collections::HashMap;
use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::counts;
use crate::audit::Report;
use crate::error::FileError;
use crate::finding::{Finding, Severity};
use crate::source::span::LineIndex;

/// Spans longer than this many lines show their first and last lines.
const MAX_SNIPPET_LINES: usize = 8;
const TAB: &str = "    ";
/// Lines longer than this many bytes show only a window around the span…
const MAX_LINE_BYTES: usize = 400;
/// …with this much on either side.
const CONTEXT_BYTES: usize = 60;

pub struct TextOptions {
    pub color: bool,
    pub concise: bool,
    /// The summary line (`Found 3 findings …`); off with `--quiet`.
    pub summary: bool,
}

/// The report as text; snippets are cut from `report.sources`.
pub fn render(report: &Report, options: &TextOptions) -> String {
    let sources = &report.sources;
    let paint = Paint { on: options.color };
    let mut out = String::new();
    let indexes: HashMap<&str, LineIndex> = sources
        .iter()
        .map(|(path, source)| (path.as_str(), source.lines()))
        .collect();
    for finding in &report.findings {
        header(&mut out, finding, &paint);
        if options.concise {
            continue;
        }
        if let (Some(source), Some(index)) = (
            sources.get(&finding.path),
            indexes.get(finding.path.as_str()),
        ) {
            snippet(&mut out, finding, &source.text, index, &paint);
        }
        out.push('\n');
    }
    if !options.summary {
        return out;
    }
    if options.concise && !report.findings.is_empty() {
        out.push('\n');
    }
    summary(&mut out, report);
    fixable(&mut out, report);
    out
}

/// ruff's hint: how many findings `--fix` (and `--unsafe-fixes`) repair.
fn fixable(out: &mut String, report: &Report) {
    use crate::finding::Applicability;
    let count = |wanted: Applicability| {
        report
            .findings
            .iter()
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|fix| fix.applicability == wanted)
            })
            .count()
    };
    let (safe, unsafe_) = (count(Applicability::Safe), count(Applicability::Unsafe));
    let _ = match (safe, unsafe_) {
        (0, 0) => return,
        (safe, 0) => writeln!(out, "[*] {safe} fixable with `--fix` (`--diff` to see how)."),
        (0, more) => writeln!(out, "{more} fixable with `--fix --unsafe-fixes`."),
        (safe, more) => writeln!(
            out,
            "[*] {safe} fixable with `--fix` (`--diff` to see how); {more} more with `--unsafe-fixes`."
        ),
    };
}

/// `error: path:line:col: message`, for standard error.
pub fn render_errors(errors: &[FileError], color: bool) -> String {
    let paint = Paint { on: color };
    let mut out = String::new();
    for error in errors {
        let location = match (error.line, error.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", printable(&error.path)),
            _ => printable(&error.path),
        };
        let _ = writeln!(
            out,
            "{}: {}: {}",
            paint.style("error", Style::new().red().bold()),
            paint.style(&location, Style::new().bold()),
            printable(&error.message)
        );
    }
    out
}

fn header(out: &mut String, finding: &Finding, paint: &Paint) {
    let location = format!(
        "{}:{}:{}",
        printable(&finding.path),
        finding.start.line,
        finding.start.column
    );
    let severity = format!("{}[{}]", finding.severity, finding.code);
    let _ = writeln!(
        out,
        "{}: {} {}",
        paint.style(&location, Style::new().bold()),
        paint.style(&severity, severity_style(finding.severity).bold()),
        printable(&finding.message)
    );
}

fn snippet(out: &mut String, finding: &Finding, text: &str, index: &LineIndex, paint: &Paint) {
    let first = finding.start.line - 1;
    let last = index.line_of(finding.span.end.saturating_sub(1).max(finding.span.start));
    let shown: Vec<Option<usize>> = if last - first < MAX_SNIPPET_LINES {
        (first..=last).map(Some).collect()
    } else {
        (first..first + 4)
            .map(Some)
            .chain([None])
            .chain((last - 2..=last).map(Some))
            .collect()
    };
    let width = (last + 1).to_string().len();
    let gutter = paint.style(&format!("{:width$} |", ""), Style::new().blue().bold());
    let _ = writeln!(out, "{gutter}");
    let caret_style = severity_style(finding.severity).bold();
    for line in shown {
        let Some(line) = line else {
            let _ = writeln!(out, "{}", paint.style("...", Style::new().blue().bold()));
            continue;
        };
        let range = index.line_range(text, line);
        let from = finding.span.start.clamp(range.start, range.end);
        let to = finding.span.end.clamp(range.start, range.end);
        // A long line shows a window around the span, so that a finding on
        // a line of megabytes is not megabytes of output.
        let (start, end) = if range.end - range.start <= MAX_LINE_BYTES {
            (range.start, range.end)
        } else {
            let start = floor_boundary(text, from.saturating_sub(CONTEXT_BYTES).max(range.start));
            let end = ceil_boundary(
                text,
                to.min(from + MAX_LINE_BYTES - 2 * CONTEXT_BYTES)
                    .saturating_add(CONTEXT_BYTES)
                    .min(range.end),
            );
            (start, end)
        };
        let to = to.min(end);
        let before = if start > range.start { "…" } else { "" };
        let after = if end < range.end { "…" } else { "" };
        let number = paint.style(
            &format!("{:>width$} |", line + 1),
            Style::new().blue().bold(),
        );
        let _ = writeln!(
            out,
            "{number} {before}{}{after}",
            display(&text[start..end])
        );
        // A comment line inside a span that runs over several lines (a
        // `RUN` continued past comment lines, which BuildKit drops) is
        // shown but not marked: it is not part of what was found.
        let inside = line != first && line != last;
        if inside && text[range.start..range.end].trim_start().starts_with('#') {
            let _ = writeln!(out, "{gutter}");
            continue;
        }
        let pad = usize::from(!before.is_empty()) + display(&text[start..from]).chars().count();
        let carets = display(&text[from..to]).chars().count().max(1);
        let _ = writeln!(
            out,
            "{gutter} {}{}",
            " ".repeat(pad),
            paint.style(&"^".repeat(carets), caret_style)
        );
    }
    let help = paint.style("= help:", Style::new().blue().bold());
    let _ = writeln!(out, "{:width$} {help} {}", "", printable(&finding.help));
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A source line as shown: tabs as four spaces, the BOM dropped, control
/// characters escaped.
fn display(text: &str) -> String {
    printable(&text.replace('\u{feff}', "").replace('\t', TAB))
}

/// Text from a file or a file name as it is printed for people and for
/// line-oriented tools: control characters escaped (an escape sequence
/// could recolour or rewrite the terminal; a newline or a carriage
/// return in a name could forge a line of the report, as a directory
/// named `a\nDockerfile:9:9: error[DF001] …` would), and so are the
/// Unicode bidirectional controls, which reorder what is shown (Trojan
/// Source). A tab stays.
pub fn printable(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether [`printable`] escapes `c`: a control character other than a
/// tab, a bidirectional control, or a Unicode line or paragraph
/// separator (which some viewers break a line at).
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t') || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// The Unicode bidirectional controls: embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) and the implicit marks (U+200E, U+200F,
/// U+061C), as Trojan Source lists them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}

/// `Found 3 findings (1 error, 2 warnings) in 2 files.` and a newline.
pub fn summary(out: &mut String, report: &Report) {
    // The files audited: those that could not be are said apart, as are
    // the errors about files they name (a `.env`, an include).
    let audited = report.files.saturating_sub(report.unaudited);
    let files = plural(audited, "file", "files");
    if report.findings.is_empty() {
        // With nothing audited, the line says only what could not be.
        if audited > 0 || report.unaudited == 0 {
            let _ = write!(out, "No findings in {files}.");
        }
    } else {
        let parts: Vec<String> = counts(&report.findings)
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(severity, n)| match severity {
                Severity::Error => plural(*n, "error", "errors"),
                Severity::Warning => plural(*n, "warning", "warnings"),
                Severity::Info => format!("{n} info"),
            })
            .collect();
        let _ = write!(
            out,
            "Found {} ({}) in {files}.",
            plural(report.findings.len(), "finding", "findings"),
            parts.join(", ")
        );
    }
    if report.baselined > 0 {
        let _ = write!(out, " {} in the baseline not shown.", report.baselined);
    }
    if report.unaudited > 0 {
        let gap = if out.is_empty() || out.ends_with('\n') {
            ""
        } else {
            " "
        };
        let _ = write!(
            out,
            "{gap}{} could not be audited.",
            plural(report.unaudited, "file", "files")
        );
    }
    let others = report.errors.len().saturating_sub(report.unaudited);
    if others > 0 {
        let _ = write!(
            out,
            " {}.",
            plural(
                others,
                match report.unaudited {
                    0 => "error",
                    _ => "more error",
                },
                match report.unaudited {
                    0 => "errors",
                    _ => "more errors",
                }
            )
        );
    }
    out.push('\n');
}

/// `1 file`, `2 files`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => Style::new().red(),
        Severity::Warning => Style::new().yellow(),
        Severity::Info => Style::new().cyan(),
    }
}

struct Paint {
    on: bool,
}

impl Paint {
    fn style(&self, text: &str, style: Style) -> String {
        if self.on {
            text.style(style).to_string()
        } else {
            text.to_owned()
        }
    }
}
