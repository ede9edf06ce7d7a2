//! Words of an instruction's arguments, each with its unquoted value and the
//! span of its raw text.

use crate::source::mapped::MappedText;
use crate::source::span::Span;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The value after quote and escape removal, mapped to the source.
    pub value: MappedText,
    /// The raw word in the source, quotes included.
    pub span: Span,
    /// Whether any part of the word was quoted or escaped.
    pub quoted: bool,
    /// Whether the word holds a `$` expansion or a command substitution.
    pub expands: bool,
}

impl Word {
    pub fn as_str(&self) -> &str {
        self.value.as_str()
    }

    /// A word that is exactly its source text.
    pub fn literal(line: &MappedText, start: usize, end: usize) -> Word {
        let text = &line.as_str()[start..end];
        Word {
            value: line.slice(start, end),
            span: line.source_span(start, end),
            quoted: false,
            expands: text.contains('$'),
        }
    }
}

/// Split `line[range]` at whitespace; words keep their raw text (BuildKit's
/// `parseStringsWhitespaceDelimited`, used for `FROM`).
pub fn split_whitespace(line: &MappedText, range: (usize, usize)) -> Vec<Word> {
    let text = &line.as_str()[..range.1];
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text[range.0..]
        .char_indices()
        .map(|(i, c)| (i + range.0, c))
    {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push(Word::literal(line, s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(Word::literal(line, s, range.1));
    }
    words
}

/// Split `line[range]` into shell words with quotes and the escape
/// character removed (BuildKit's `parseWords`, used for `ARG`, `ENV`,
/// `LABEL`).
pub fn split_shell_words(line: &MappedText, range: (usize, usize), escape: char) -> Vec<Word> {
    let text = &line.as_str()[..range.1];
    let mut words = Vec::new();
    let mut current: Option<(usize, Word)> = None;
    let mut quote: Option<char> = None;
    let mut chars = text[range.0..]
        .char_indices()
        .map(|(i, c)| (i + range.0, c))
        .peekable();
    while let Some((i, c)) = chars.next() {
        if quote.is_none() && c.is_whitespace() {
            if let Some((start, mut word)) = current.take() {
                word.span = line.source_span(start, i);
                words.push(word);
            }
            continue;
        }
        let (_, word) = current.get_or_insert_with(|| {
            (
                i,
                Word {
                    value: MappedText::new(),
                    span: Span::default(),
                    quoted: false,
                    expands: false,
                },
            )
        });
        if c == '$' && quote != Some('\'') {
            word.expands = true;
        }
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                word.quoted = true;
            }
            Some('\'') => word.value.push_char(c, line.source_offset(i)),
            _ if c == escape => {
                word.quoted = true;
                if let Some((j, next)) = chars.next() {
                    word.value.push_char(next, line.source_offset(j));
                }
            }
            _ => word.value.push_char(c, line.source_offset(i)),
        }
    }
    if let Some((start, mut word)) = current {
        word.span = line.source_span(start, range.1);
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(words: &[Word]) -> Vec<&str> {
        words.iter().map(Word::as_str).collect()
    }

    #[test]
    fn shell_words_drop_quotes_and_escapes() {
        let line = MappedText::contiguous(r#"A="x y" B=it\'s C='$z'"#, 0);
        let words = split_shell_words(&line, (0, line.len()), '\\');
        assert_eq!(values(&words), ["A=x y", "B=it's", "C=$z"]);
        assert_eq!(words[1].span, Span::new(8, 15));
    }

    #[test]
    fn whitespace_words_keep_raw_text() {
        let line = MappedText::contiguous("FROM  \"a b\"  AS x", 0);
        let words = split_whitespace(&line, (5, line.len()));
        assert_eq!(values(&words), ["\"a", "b\"", "AS", "x"]);
    }
}
