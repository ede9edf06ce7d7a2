//! `--diff`: a unified diff made from the edits a fix applies.

use super::FileChange;
use crate::report::text::needs_escape;
use crate::source::span::Span;

/// The unified diff of a change, as ruff's `--diff` prints it (three
/// lines of context), made from the edits themselves rather than by
/// comparing the texts: linear in the file, however many lines change.
pub fn diff(change: &FileChange) -> String {
    const CONTEXT: usize = 3;
    let before = change.before.as_str();
    // Each line with its terminator, and where it starts.
    let lines: Vec<&str> = before.split_inclusive('\n').collect();
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut offset = 0;
    for line in &lines {
        starts.push(offset);
        offset += line.len();
    }
    starts.push(before.len());
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset).saturating_sub(1);
    // The changed line ranges [first, end), with the edits inside each.
    let mut changes: Vec<Changed> = Vec::new();
    for edit in &change.edits {
        let (span, replacement) = edit;
        let mut first = line_of(span.start);
        // At the very end of a file whose last line has no newline, the
        // text joins that line.
        if first == lines.len() && !before.is_empty() && !before.ends_with('\n') {
            first -= 1;
        }
        let mut end = if span.end > span.start {
            line_of(span.end - 1) + 1
        } else {
            first + 1
        };
        end = end.clamp(first, lines.len());
        // An edit that takes a line's newline away and gives none back
        // joins the next line to it.
        if end < lines.len() && span.end == starts[end] && !replacement.ends_with('\n') {
            end += 1;
        }
        match changes.last_mut() {
            Some(previous) if previous.1 >= first => {
                previous.1 = previous.1.max(end);
                previous.2.push(edit);
            }
            _ => changes.push((first, end, vec![edit])),
        }
    }
    if changes.is_empty() {
        return String::new();
    }
    let path = quoted(&change.path);
    let mut out = format!("--- {path}\n+++ {path}\n");
    // How many lines the changes so far added, less those they removed.
    let mut delta: isize = 0;
    let mut index = 0;
    while index < changes.len() {
        // One hunk: the changes whose contexts touch.
        let mut end = index + 1;
        while end < changes.len() && changes[end].0 - changes[end - 1].1 <= 2 * CONTEXT {
            end += 1;
        }
        let hunk = &changes[index..end];
        let old_start = hunk[0].0.saturating_sub(CONTEXT);
        let old_end = (hunk[hunk.len() - 1].1 + CONTEXT).min(lines.len());
        let mut body = String::new();
        let mut new_count = 0;
        let mut line = old_start;
        for (first, last, edits) in hunk {
            for context in &lines[line..*first] {
                push_line(&mut body, ' ', context);
                new_count += 1;
            }
            for removed in &lines[*first..*last] {
                push_line(&mut body, '-', removed);
            }
            // The new text of these lines: theirs with the edits made.
            let (from, to) = (starts[*first], starts[*last]);
            let mut new_text = String::new();
            let mut at = from;
            for (span, replacement) in edits {
                new_text.push_str(&before[at..span.start]);
                new_text.push_str(replacement);
                at = span.end;
            }
            new_text.push_str(&before[at..to]);
            for added in new_text.split_inclusive('\n') {
                push_line(&mut body, '+', added);
                new_count += 1;
            }
            line = *last;
        }
        for context in &lines[line..old_end] {
            push_line(&mut body, ' ', context);
            new_count += 1;
        }
        let old_count = old_end - old_start;
        let new_start = (old_start as isize + delta).max(0) as usize;
        delta += new_count as isize - old_count as isize;
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(old_start, old_count),
            range(new_start, new_count)
        ));
        out.push_str(&body);
        index = end;
    }
    out
}

/// Lines `[first, end)` of a file, and the edits made in them.
type Changed<'e> = (usize, usize, Vec<&'e (Span, String)>);

/// A line of a diff: its mark, the line, and a newline with GNU diff's
/// note when the file's last line has none.
///
/// The line is shown as the text report shows a file's text: a control
/// character (a carriage return inside the line, an escape sequence) or a
/// bidirectional control is escaped, so that what a reviewer reads is
/// what the file holds. Such a hunk no longer applies with `patch`;
/// `--fix` writes the real bytes. A line's own `\r\n` stays as it is.
fn push_line(out: &mut String, mark: char, line: &str) {
    let body = line.strip_suffix('\n').unwrap_or(line);
    let (body, ending) = match body.strip_suffix('\r') {
        Some(body) if line.ends_with('\n') => (body, "\r\n"),
        _ => (body, if line.ends_with('\n') { "\n" } else { "" }),
    };
    out.push(mark);
    out.push_str(&crate::report::text::printable(body));
    out.push_str(ending);
    if ending.is_empty() {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// A file name as a diff header writes it: as it is, or quoted as git and
/// GNU patch read it (`"a b"`, with `\\`, `\"`, `\t`, `\n` and octal
/// escapes) when it holds a blank, a quote, a backslash or a control
/// character — so that a name cannot end a header line early.
fn quoted(path: &str) -> String {
    if !path
        .chars()
        .any(|c| c.is_whitespace() || needs_escape(c) || c == '"' || c == '\\')
    {
        return path.to_owned();
    }
    let mut out = String::from('"');
    for c in path.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let mut bytes = [0u8; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    out.push_str(&format!("\\{byte:03o}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A hunk header's range: `start,count` (1-based), `start` alone for one
/// line, and the line before it for none.
fn range(start: usize, count: usize) -> String {
    match count {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        n => format!("{},{n}", start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Edit, Finding};
    use crate::fix::apply;
    use crate::source::span::Position;

    /// The diff made from the edits is the one a text diff gives (similar,
    /// the library insta uses), on texts whose lines are all different.
    #[test]
    fn diffs_from_edits_match_a_text_diff() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        for case in 0..300 {
            let count = 1 + next(40);
            let crlf = case % 5 == 0;
            let mut text: String = (0..count)
                .map(|i| format!("line {i} of {case}{}", if crlf { "\r\n" } else { "\n" }))
                .collect();
            if case % 7 == 0 {
                // No newline at the end (a lone `\r` ending is not one).
                text.truncate(text.trim_end_matches(['\r', '\n']).len());
            }
            let finding = Finding {
                code: "DF002",
                name: "x",
                severity: crate::finding::Severity::Warning,
                path: "f".into(),
                span: Span::default(),
                start: Position::default(),
                end: Position::default(),
                message: String::new(),
                help: String::new(),
                fix: None,
            };
            // Edits on distinct lines: a word replaced, or a line added.
            let mut edits = Vec::new();
            let mut offset = 0;
            for (index, line) in text.split_inclusive('\n').enumerate() {
                if next(4) == 0 {
                    let start = offset + line.find("of").unwrap();
                    let new = if next(2) == 0 {
                        format!("changed {index}")
                    } else {
                        format!("of\n  added {index}")
                    };
                    edits.push((
                        Edit {
                            span: Span::new(start, start + 2),
                            old: "of".into(),
                            new,
                        },
                        &finding,
                    ));
                }
                offset += line.len();
            }
            // Now and then an insertion at the very end, or an edit that
            // joins a line to the next.
            if case % 3 == 0 {
                edits.push((
                    Edit {
                        span: Span::new(text.len(), text.len()),
                        old: String::new(),
                        new: "tail\n".into(),
                    },
                    &finding,
                ));
            // (Not with CRLF: a lone `\r` left inside a line is a line end
            // to similar, not to diff and patch.)
            } else if case % 3 == 1 && !crlf && !edits.is_empty() {
                if let Some(newline) = text.find('\n') {
                    let taken = edits.iter().any(|(e, _)| e.span.start <= newline);
                    if !taken {
                        edits.push((
                            Edit {
                                span: Span::new(newline, newline + 1),
                                old: "\n".into(),
                                new: " ".into(),
                            },
                            &finding,
                        ));
                    }
                }
            }
            let lines = crate::source::span::LineIndex::new(&text);
            let applied = apply(&text, &lines, edits);
            let change = FileChange {
                path: "f".into(),
                file: "f".into(),
                before: text.clone(),
                after: applied.text.clone(),
                fixed: Vec::new(),
                stdin: false,
                edits: applied.edits,
            };
            let expected = similar::TextDiff::from_lines(&change.before, &change.after)
                .unified_diff()
                .context_radius(3)
                .header("f", "f")
                .to_string();
            assert_eq!(diff(&change), expected, "case {case}: {text:?}");
        }
    }

    #[test]
    fn diffs_at_the_ends_of_files() {
        for (before, start, end, new) in [
            ("", 0, 0, "x\n"),
            ("a\nb\n", 4, 4, "c\n"),
            ("a\nb", 3, 3, "c"),
            ("a\nb", 3, 3, "\n"),
            ("a\nb\nc\n", 1, 2, " "),
            ("a\nb\nc", 3, 4, ""),
        ] {
            let mut after = before.to_owned();
            after.replace_range(start..end, new);
            let change = FileChange {
                path: "f".into(),
                file: "f".into(),
                before: before.into(),
                after: after.clone(),
                fixed: Vec::new(),
                stdin: false,
                edits: vec![(Span::new(start, end), new.to_owned())],
            };
            let expected = similar::TextDiff::from_lines(before, &after)
                .unified_diff()
                .context_radius(3)
                .header("f", "f")
                .to_string();
            assert_eq!(diff(&change), expected, "{before:?} {start}..{end} {new:?}");
        }
    }

    #[test]
    fn diff_headers_quote_names_that_need_it() {
        assert_eq!(quoted("svc/Dockerfile"), "svc/Dockerfile");
        assert_eq!(quoted("my app/Dockerfile"), "\"my app/Dockerfile\"");
        assert_eq!(
            quoted("n\nl\"q\\.Dockerfile"),
            "\"n\\nl\\\"q\\\\.Dockerfile\""
        );
        assert_eq!(quoted("a\u{1b}b"), "\"a\\033b\"");
    }
}
