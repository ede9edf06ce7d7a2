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

/// Which bytes end a line, as the reader of a kind of file reads them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LineEnds {
    /// `\n`, `\r\n` and a lone `\r`: YAML 1.2 and JSON read a lone `\r`
    /// as a line break, Nix's lexer too, and so do editors.
    #[default]
    Any,
    /// `\n` only, a `\r` before it not shown: BuildKit reads a Dockerfile
    /// line by line so, a lone `\r` being part of the line it is on.
    Lf,
}

/// A file's text as audited, with the line ends its reader reads, so that
/// snippets and fixes count lines as its findings do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceText {
    pub text: String,
    pub line_ends: LineEnds,
}

impl SourceText {
    pub fn new(text: String, line_ends: LineEnds) -> SourceText {
        SourceText { text, line_ends }
    }

    pub fn lines(&self) -> LineIndex {
        LineIndex::with_line_ends(&self.text, self.line_ends)
    }
}

/// Where each line starts, so that offsets become positions in O(log n),
/// and how many characters precede every [`BLOCK`]th byte, so that the
/// column of an offset far along one very long line costs O(`BLOCK`)
/// rather than the length of the line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Characters in `text[..k * BLOCK]`, for each k.
    chars_before_block: Vec<usize>,
    line_ends: LineEnds,
}

const BLOCK: usize = 256;

/// How many characters start in `bytes` (UTF-8 continuation bytes do
/// not start one).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    /// Lines as YAML, JSON, Nix and editors read them: ended by `\n`,
    /// `\r\n` or a lone `\r`.
    pub fn new(text: &str) -> Self {
        LineIndex::with_line_ends(text, LineEnds::Any)
    }

    pub fn with_line_ends(text: &str, line_ends: LineEnds) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| match line_ends {
                    LineEnds::Lf => b == b'\n',
                    LineEnds::Any => b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')),
                })
                .map(|(i, _)| i + 1),
        );
        let mut chars_before_block = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut total = 0;
        for block in text.as_bytes().chunks(BLOCK) {
            chars_before_block.push(total);
            total += char_starts(block);
        }
        chars_before_block.push(total);
        LineIndex {
            line_starts,
            chars_before_block,
            line_ends,
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        match self.chars_before_block.get(block) {
            Some(before) => before + char_starts(&text.as_bytes()[block * BLOCK..offset]),
            None => char_starts(&text.as_bytes()[..offset]),
        }
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// How many lines there are (a final line may be empty).
    pub fn len(&self) -> usize {
        self.line_starts.len()
    }

    /// Never: even empty text has one (empty) line.
    pub fn is_empty(&self) -> bool {
        self.line_starts.is_empty()
    }

    /// Byte range of 0-based `line`, without its line terminator (nor,
    /// for a Dockerfile, the `\r`s before it).
    pub fn line_range(&self, text: &str, line: usize) -> Span {
        let start = self.line_starts[line];
        let mut end = self
            .line_starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        let bytes = text.as_bytes();
        match self.line_ends {
            LineEnds::Lf => {
                while end > start && bytes[end - 1] == b'\r' {
                    end -= 1;
                }
            }
            LineEnds::Any => {
                if end > start && bytes.get(end) == Some(&b'\n') && bytes[end - 1] == b'\r' {
                    end -= 1;
                }
            }
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
        let column = if offset - start <= 2 * BLOCK {
            text[start..offset].chars().count()
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
        };
        Position {
            line: line + 1,
            column: column + 1,
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

    #[test]
    fn lines_end_where_the_reader_of_the_file_ends_them() {
        let text = "a: 1\rb: 2\r\nc: 3\n\rd";
        let lines = |index: &LineIndex| -> Vec<&str> {
            (0..index.len())
                .map(|line| {
                    let range = index.line_range(text, line);
                    &text[range.start..range.end]
                })
                .collect()
        };
        let three = text.find('3').unwrap();
        // YAML, JSON, Nix, editors: `\r`, `\r\n` and `\n`.
        let any = LineIndex::new(text);
        assert_eq!(lines(&any), ["a: 1", "b: 2", "c: 3", "", "d"]);
        assert_eq!(any.position(text, three), Position { line: 3, column: 4 });
        assert_eq!(
            any.position(text, text.len()),
            Position { line: 5, column: 2 }
        );
        // BuildKit: a lone `\r` is part of its line.
        let lf = LineIndex::with_line_ends(text, LineEnds::Lf);
        assert_eq!(lines(&lf), ["a: 1\rb: 2", "c: 3", "\rd"]);
        assert_eq!(lf.position(text, three), Position { line: 2, column: 4 });
        // A file of lone `\r`s, as classic Mac OS wrote them.
        let text = "x\ry\rzz\r";
        let cr = LineIndex::new(text);
        assert_eq!(cr.len(), 4);
        assert_eq!(
            cr.position(text, text.find("zz").unwrap() + 1),
            Position { line: 3, column: 2 }
        );
        assert_eq!(cr.line_range(text, 2), Span::new(4, 6));
    }

    #[test]
    fn columns_far_along_a_long_line_count_characters() {
        let text = format!("é\n{}x", "aé€😀".repeat(1000));
        let index = LineIndex::new(&text);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(&text, x),
            Position {
                line: 2,
                column: 4001
            }
        );
        for offset in (0..text.len()).filter(|&o| text.is_char_boundary(o)) {
            let line_start = if offset < 3 { 0 } else { 3 };
            assert_eq!(
                index.position(&text, offset).column,
                text[line_start..offset].chars().count() + 1
            );
        }
    }
}
