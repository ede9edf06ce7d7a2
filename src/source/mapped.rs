//! Text assembled from pieces of a file — a Dockerfile line joined from its
//! continuation lines, the value of a quoted shell word — that remembers where
//! each byte came from, so a finding inside it points at its true place.

use super::span::Span;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    /// `(text offset, source offset)` of each contiguous run, sorted.
    segments: Vec<(usize, usize)>,
}

impl MappedText {
    pub fn new() -> Self {
        MappedText::default()
    }

    /// A text that is one contiguous piece of the source.
    pub fn contiguous(text: &str, source_start: usize) -> Self {
        let mut mapped = MappedText::new();
        mapped.push_str(text, source_start);
        mapped
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn push_str(&mut self, piece: &str, source_start: usize) {
        if piece.is_empty() {
            return;
        }
        self.note_run(source_start);
        self.text.push_str(piece);
    }

    pub fn push_char(&mut self, c: char, source_start: usize) {
        self.note_run(source_start);
        self.text.push(c);
    }

    fn note_run(&mut self, source_start: usize) {
        let here = self.text.len();
        let continues = self
            .segments
            .last()
            .is_some_and(|&(text, source)| source + (here - text) == source_start);
        if !continues {
            self.segments.push((here, source_start));
        }
    }

    /// The source offset of the byte at `index` (or just past the end).
    pub fn source_offset(&self, index: usize) -> usize {
        if index >= self.text.len() && index > 0 {
            return self.source_offset(self.text.len() - 1) + 1;
        }
        let segment = match self
            .segments
            .binary_search_by(|&(text, _)| text.cmp(&index))
        {
            Ok(i) => i,
            Err(0) => return index,
            Err(next) => next - 1,
        };
        let (text, source) = self.segments[segment];
        source + (index - text)
    }

    /// The source span of the text range `[start, end)`.
    pub fn source_span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let at = self.source_offset(start);
            return Span::new(at, at);
        }
        Span::new(self.source_offset(start), self.source_offset(end - 1) + 1)
    }

    /// The part `[start, end)` of this text, with its mapping.
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let mut out = MappedText::new();
        let first = match self
            .segments
            .binary_search_by(|&(text, _)| text.cmp(&start))
        {
            Ok(i) => i,
            Err(next) => next.saturating_sub(1),
        };
        let mut i = start;
        for segment in first..self.segments.len() {
            if i >= end {
                break;
            }
            let run_end = self
                .segments
                .get(segment + 1)
                .map_or(self.text.len(), |&(text, _)| text)
                .min(end);
            if run_end > i {
                out.push_str(&self.text[i..run_end], self.source_offset(i));
                i = run_end;
            }
        }
        if i < end {
            // A text built without segments maps to itself.
            out.push_str(&self.text[i..end], i);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_pieces_map_back_to_their_source() {
        // "RUN a \\\n  b" joined as "RUN a   b"
        let mut line = MappedText::new();
        line.push_str("RUN a ", 0);
        line.push_str("  b", 9);
        assert_eq!(line.as_str(), "RUN a   b");
        assert_eq!(line.source_offset(4), 4);
        assert_eq!(line.source_offset(8), 11);
        assert_eq!(line.source_span(8, 9), Span::new(11, 12));
        assert_eq!(line.source_span(4, 9), Span::new(4, 12));
        let tail = line.slice(4, 9);
        assert_eq!(tail.as_str(), "a   b");
        assert_eq!(tail.source_offset(4), 11);
    }
}
