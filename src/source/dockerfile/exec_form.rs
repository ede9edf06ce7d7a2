//! Exec form: arguments that are a JSON array of strings
//! (`RUN ["apt-get", "upgrade"]`), each string with its span.

use super::words::Word;
use crate::source::mapped::MappedText;

pub enum ExecForm {
    /// Not a JSON array: the arguments are shell form.
    Shell,
    /// A JSON array of strings.
    Exec(Vec<Word>),
    /// A JSON array with something other than a string in it, which BuildKit
    /// rejects; the index is where the array starts in the line.
    NotStrings(usize),
}

/// Read `line[start..end]` as BuildKit does: exec form if it starts with `[`
/// and its first JSON value is an array; what follows the array is ignored.
pub fn parse(line: &MappedText, start: usize, end: usize) -> ExecForm {
    let text = &line.as_str()[start..end];
    if !text.starts_with('[') {
        return ExecForm::Shell;
    }
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    let Some(Ok(serde_json::Value::Array(items))) = stream.next() else {
        return ExecForm::Shell;
    };
    if !items.iter().all(serde_json::Value::is_string) {
        return ExecForm::NotStrings(start);
    }
    ExecForm::Exec(string_spans(line, start, end))
}

/// The strings of a JSON array already known to be valid, with their decoded
/// values mapped to the source.
fn string_spans(line: &MappedText, start: usize, end: usize) -> Vec<Word> {
    let text = &line.as_str()[..end];
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = start + 1;
    while i < end && bytes[i] != b']' {
        if bytes[i] != b'"' {
            i += 1;
            continue;
        }
        let open = i;
        let mut value = MappedText::new();
        let mut escaped = false;
        i += 1;
        while i < end && bytes[i] != b'"' {
            if bytes[i] == b'\\' {
                escaped = true;
                let (c, len) = decode_escape(&text[i..]);
                value.push_char(c, line.source_offset(i));
                i += len;
            } else {
                let c = text[i..].chars().next().unwrap_or('\u{fffd}');
                value.push_char(c, line.source_offset(i));
                i += c.len_utf8();
            }
        }
        words.push(Word {
            value,
            span: line.source_span(open + 1, i),
            quoted: escaped,
            expands: false,
        });
        i += 1;
    }
    words
}

/// Decode one JSON escape at the start of `text`: the character and how many
/// bytes it took.
fn decode_escape(text: &str) -> (char, usize) {
    let bytes = text.as_bytes();
    let simple = |c| (c, 2);
    match bytes.get(1) {
        Some(b'n') => simple('\n'),
        Some(b't') => simple('\t'),
        Some(b'r') => simple('\r'),
        Some(b'b') => simple('\u{8}'),
        Some(b'f') => simple('\u{c}'),
        Some(b'u') => {
            let unit = |at: usize| {
                text.get(at..at + 4)
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            };
            let Some(high) = unit(2) else {
                return ('\u{fffd}', 2);
            };
            if (0xD800..0xDC00).contains(&high) && text.get(6..8) == Some("\\u") {
                if let Some(low) = unit(8).filter(|low| (0xDC00..0xE000).contains(low)) {
                    let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    return (char::from_u32(c).unwrap_or('\u{fffd}'), 12);
                }
            }
            (char::from_u32(high).unwrap_or('\u{fffd}'), 6)
        }
        Some(&other) => simple(other as char),
        None => simple('\\'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::span::Span;

    fn exec(text: &str) -> Vec<(String, Span)> {
        let line = MappedText::contiguous(text, 0);
        match parse(&line, 0, text.len()) {
            ExecForm::Exec(words) => words
                .into_iter()
                .map(|w| (w.as_str().to_owned(), w.span))
                .collect(),
            _ => panic!("not exec form: {text}"),
        }
    }

    #[test]
    fn strings_keep_their_spans() {
        assert_eq!(
            exec(r#"["a", "b\"c"] trailing"#),
            [
                ("a".into(), Span::new(2, 3)),
                ("b\"c".into(), Span::new(7, 11))
            ]
        );
        assert_eq!(exec(r#"["\u00e9\ud83d\ude00"]"#)[0].0, "é😀");
    }

    #[test]
    fn other_arrays_are_shell_form_or_errors() {
        let line = MappedText::contiguous("['a']", 0);
        assert!(matches!(parse(&line, 0, 5), ExecForm::Shell));
        let line = MappedText::contiguous("[\"a\", 1]", 0);
        assert!(matches!(parse(&line, 0, 8), ExecForm::NotStrings(0)));
    }
}
