//! Byte spans into a source text, and the index that turns them into the
//! 1-based line and character column that users see.

use serde::Serialize;

/// A half-open byte range `[start, end)` into the original file text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 1-based line and a 1-based column counted in Unicode characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

const BOM: &str = "\u{feff}";

/// Where each line starts, so that offsets become positions in O(log n).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { line_starts }
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of 0-based `line`, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Span {
        let start = self.line_starts[line];
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        let bytes = text.as_bytes();
        while end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// The position of `offset`. A UTF-8 byte-order mark does not count as a
    /// column: editors do not show it.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let mut start = self.line_starts[line];
        if line == 0 && text.starts_with(BOM) && offset >= BOM.len() {
            start = BOM.len();
        }
        Position {
            line: line + 1,
            column: text[start..offset].chars().count() + 1,
        }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_skip_the_bom() {
        let text = "\u{feff}FROM été\r\nRUN x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 3), Position { line: 1, column: 1 });
        let e = text.find("été").unwrap();
        assert_eq!(
            index.position(text, e + "été".len()),
            Position { line: 1, column: 9 }
        );
        let run = text.find("RUN").unwrap();
        assert_eq!(index.position(text, run), Position { line: 2, column: 1 });
        assert_eq!(
            index.line_range(text, 0),
            Span::new(0, text.find('\r').unwrap())
        );
    }
}
