//! The line-oriented parser, following BuildKit's
//! `frontend/dockerfile/parser/parser.go` rule by rule (the README's "Why
//! our own Dockerfile parser" says which rules). It never recurses on input:
//! a `RUN` of any number of continuation lines is one loop.

use super::exec_form::{self, ExecForm};
use super::heredoc_lex;
use super::validate;
use super::words::Word;
use super::{Directive, Dockerfile, Flag, Heredoc, Instruction, Keyword, ParseError};
use crate::source::mapped::MappedText;
use crate::source::span::{LineEnds, LineIndex, Span};

/// BuildKit reads lines with a `bufio.Scanner`, whose tokens (the line and
/// its newline) hold at most 64 KiB.
const MAX_LINE: usize = 64 * 1024;
const BOM: &str = "\u{feff}";

/// A physical line: where it starts, where its content ends (trailing `\r`
/// and `\n` removed), and where the next one starts.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
}

pub fn parse(text: String) -> Result<Dockerfile, ParseError> {
    parse_lines(text).map_err(|(mut error, text)| {
        error.position =
            LineIndex::with_line_ends(&text, LineEnds::Lf).position(&text, error.offset);
        error
    })
}

fn parse_lines(text: String) -> Result<Dockerfile, (ParseError, String)> {
    let lines = match physical_lines(&text) {
        Ok(lines) => lines,
        Err(error) => return Err((error, text)),
    };
    let mut parser = Parser {
        text: &text,
        lines: &lines,
        next: 0,
        escape: '\\',
        directives: Vec::new(),
        directives_done: false,
        comments: Vec::new(),
    };
    let instructions = match parser.instructions() {
        Ok(instructions) => instructions,
        Err(error) => return Err((error, text)),
    };
    let (escape, directives, comments) = (parser.escape, parser.directives, parser.comments);
    if instructions.is_empty() {
        let error = error_at("file with no instructions".into(), text.len());
        return Err((error, text));
    }
    let index = LineIndex::with_line_ends(&text, LineEnds::Lf);
    Ok(Dockerfile {
        text,
        lines: index,
        escape,
        directives,
        instructions,
        comments,
    })
}

fn physical_lines(text: &str) -> Result<Vec<Line>, ParseError> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let next = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        if next - start > MAX_LINE {
            return Err(error_at(
                format!(
                    "dockerfile line greater than max allowed size of {}",
                    MAX_LINE - 1
                ),
                start,
            ));
        }
        let end = start + text[start..next].trim_end_matches(['\r', '\n']).len();
        lines.push(Line { start, end });
        start = next;
    }
    Ok(lines)
}

struct Parser<'a> {
    text: &'a str,
    lines: &'a [Line],
    next: usize,
    escape: char,
    directives: Vec<Directive>,
    directives_done: bool,
    comments: Vec<Span>,
}

impl Parser<'_> {
    /// Every instruction, or the first error BuildKit would give: its
    /// parser's errors as they come, then the first its instructions
    /// layer finds once the whole file is read.
    fn instructions(&mut self) -> Result<Vec<Instruction>, ParseError> {
        let mut instructions = Vec::new();
        let mut later: Option<ParseError> = None;
        let mut seen_from = false;
        while self.next < self.lines.len() {
            let line_number = self.next;
            let Line { mut start, end } = self.lines[line_number];
            self.next += 1;
            if line_number == 0 && self.text[start..end].starts_with(BOM) {
                start += BOM.len();
            }
            let content = self.text[start..end].trim_start();
            let start = end - content.len();
            self.directive(content, start)?;
            if content.starts_with('#') {
                self.comments.push(Span::new(start, end));
                continue;
            }
            let (piece, mut complete) = self.trim_continuation(content);
            if complete && piece.is_empty() {
                continue;
            }
            let mut logical = MappedText::contiguous(piece, start);
            while !complete && self.next < self.lines.len() {
                let Line { start, end } = self.lines[self.next];
                self.next += 1;
                let raw = &self.text[start..end];
                let trimmed = raw.trim_start();
                if trimmed.starts_with('#') {
                    self.comments.push(Span::new(end - trimmed.len(), end));
                    continue;
                }
                if trimmed.is_empty() {
                    continue;
                }
                let (piece, done) = self.trim_continuation(raw);
                logical.push_str(piece, start);
                complete = done;
            }
            let mut instruction = build_instruction(logical, line_number + 1, self.escape)?;
            validate::parser_level(&instruction, self.escape)?;
            self.read_heredocs(&mut instruction)?;
            if later.is_none() {
                later = validate::instruction_level(&instruction, self.escape).err();
            }
            seen_from |= instruction.keyword == Keyword::From;
            if later.is_none() && !seen_from && instruction.keyword != Keyword::Arg {
                later = Some(error_at(
                    "no build stage in current context".into(),
                    instruction.keyword_span.start,
                ));
            }
            let last = self.lines[self.next - 1];
            instruction.end_line = self.next;
            instruction.span.end = last.end.max(instruction.span.start);
            instructions.push(instruction);
        }
        if let Some(error) = later {
            return Err(error);
        }
        instructions.shrink_to_fit();
        if let Some(last) = instructions.last() {
            if !seen_from {
                return Err(error_at(
                    "dockerfile contains no stages to build".into(),
                    last.keyword_span.start,
                ));
            }
        }
        Ok(instructions)
    }

    /// Parser directives: only in the leading block of comment lines; the
    /// first line that is not one ends the block.
    fn directive(&mut self, content: &str, start: usize) -> Result<(), ParseError> {
        if self.directives_done {
            return Ok(());
        }
        let Some((name, value, value_start)) = match_directive(content) else {
            self.directives_done = true;
            return Ok(());
        };
        let name = name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return Ok(());
        }
        if self.directives.iter().any(|d| d.name == name) {
            return Err(error_at(
                format!("only one {name} parser directive can be used"),
                start,
            ));
        }
        if name == "escape" {
            self.escape = match value {
                "\\" => '\\',
                "`" => '`',
                _ => {
                    return Err(error_at(
                        format!("invalid escape token '{value}' does not match ` or \\"),
                        start + value_start,
                    ))
                }
            };
        }
        let value_span = Span::new(start + value_start, start + value_start + value.len());
        self.directives.push(Directive {
            name,
            value: value.to_owned(),
            value_span,
        });
        Ok(())
    }

    /// BuildKit's continuation rule: the escape character, then only spaces
    /// and tabs, and not itself escaped. Returns the line without it, and
    /// whether the instruction is complete.
    fn trim_continuation<'l>(&self, line: &'l str) -> (&'l str, bool) {
        let body = line.trim_end_matches([' ', '\t']);
        let Some(before) = body.strip_suffix(self.escape) else {
            return (line, true);
        };
        if before.ends_with(self.escape) {
            return (line, true);
        }
        (before, false)
    }

    /// Heredoc bodies follow the instruction's last line, in the order their
    /// `<<NAME` words appear; their lines are raw.
    fn read_heredocs(&mut self, instruction: &mut Instruction) -> Result<(), ParseError> {
        let target = match instruction.trigger.as_deref_mut() {
            Some(trigger) => trigger,
            None => instruction,
        };
        if !target.keyword.takes_heredocs() || target.exec_form.is_some() {
            return Ok(());
        }
        let mut heredocs = find_heredocs(&target.line)?;
        for heredoc in &mut heredocs {
            let body_start = self
                .lines
                .get(self.next)
                .map_or(self.text.len(), |l| l.start);
            let mut terminated = false;
            while self.next < self.lines.len() {
                let Line { start, end } = self.lines[self.next];
                self.next += 1;
                let mut candidate = &self.text[start..end];
                if heredoc.chomp {
                    candidate = candidate.trim_start_matches('\t');
                }
                if candidate == heredoc.name {
                    heredoc.body = Span::new(body_start, start);
                    terminated = true;
                    break;
                }
            }
            if !terminated {
                return Err(error_at(
                    "unterminated heredoc".into(),
                    heredoc.word_span.start,
                ));
            }
        }
        target.heredocs = heredocs;
        Ok(())
    }
}

/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` with `\s` = `[\t\n\f\r ]`.
fn match_directive(line: &str) -> Option<(&str, &str, usize)> {
    let is_space = |c: char| matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ');
    let rest = line.strip_prefix('#')?.trim_start_matches(is_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, rest) = rest.split_at(name_len);
    let rest = rest.trim_start_matches(is_space).strip_prefix('=')?;
    let value = rest.trim_matches(is_space);
    let value = if value.is_empty() {
        // `.+?` still takes one character when only white space follows.
        rest.get(rest.len().checked_sub(1)?..)?
    } else {
        value
    };
    // `value` is a slice of `line`, so their distance is its offset.
    let value_start = value.as_ptr() as usize - line.as_ptr() as usize;
    Some((name, value, value_start))
}

/// Make an instruction from its logical line (BuildKit's `newNodeFromLine`
/// and, for an unknown keyword, its instructions layer).
fn build_instruction(
    line: MappedText,
    start_line: usize,
    escape: char,
) -> Result<Instruction, ParseError> {
    let text = line.as_str();
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    build_from_range(line, start, end, start_line, escape, false)
}

fn build_from_range(
    line: MappedText,
    start: usize,
    end: usize,
    start_line: usize,
    escape: char,
    is_trigger: bool,
) -> Result<Instruction, ParseError> {
    let text = line.as_str();
    let keyword_end = text[start..end]
        .find(['\t', '\u{b}', '\u{c}', '\r', ' '])
        .map_or(end, |i| start + i);
    let keyword_text = &text[start..keyword_end];
    let keyword_span = line.source_span(start, keyword_end);
    let error = |message: String| error_at(message, keyword_span.start);
    let keyword = Keyword::parse(keyword_text).ok_or_else(|| {
        let message = format!("unknown instruction: {keyword_text}");
        let names = Keyword::ALL.iter().map(|k| k.as_str());
        error(validate::with_suggestion(
            message,
            keyword_text,
            names,
            false,
        ))
    })?;
    if is_trigger {
        match keyword {
            Keyword::Onbuild => {
                return Err(error(
                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into(),
                ))
            }
            Keyword::From | Keyword::Maintainer => {
                return Err(error(format!(
                    "{} isn't allowed as an ONBUILD trigger",
                    keyword.as_str()
                )))
            }
            _ => {}
        }
    }
    let rest_start = text[keyword_end..end]
        .find(|c: char| !matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' '))
        .map_or(end, |i| keyword_end + i);
    let (flags, args_start) = extract_flags(&line, rest_start, end, escape);
    let args_start =
        args_start + (text[args_start..end].len() - text[args_start..end].trim_start().len());
    let exec_form = if keyword.takes_json() {
        match exec_form::parse(&line, args_start, end) {
            ExecForm::Shell => None,
            ExecForm::Exec(words) => Some(words),
            ExecForm::NotStrings(at) => {
                return Err(error_at(
                    "when using JSON array syntax, arrays must be comprised of strings only".into(),
                    line.source_offset(at),
                ))
            }
        }
    } else {
        None
    };
    if keyword == Keyword::From {
        check_from(&line, args_start, end, keyword_span.start)?;
    }
    let trigger = if keyword == Keyword::Onbuild {
        if args_start >= end {
            return Err(error("ONBUILD requires at least one argument".into()));
        }
        Some(Box::new(build_from_range(
            line.clone(),
            args_start,
            end,
            start_line,
            escape,
            true,
        )?))
    } else {
        None
    };
    let span_start = keyword_span.start;
    Ok(Instruction {
        keyword,
        keyword_span,
        span: Span::new(span_start, line.source_span(start, end).end),
        start_line,
        end_line: start_line,
        flags,
        line,
        args_range: (args_start, end),
        exec_form,
        heredocs: Vec::new(),
        trigger,
    })
}

/// `FROM [--platform=…] image [AS name]`: one or three arguments.
fn check_from(line: &MappedText, start: usize, end: usize, at: usize) -> Result<(), ParseError> {
    let words = super::words::split_whitespace(line, (start, end));
    let fail = |message: &str| error_at(message.into(), at);
    match words.len() {
        1 => Ok(()),
        3 if words[1].as_str().eq_ignore_ascii_case("as") => Ok(()),
        _ => Err(fail("FROM requires either one or three arguments")),
    }
}

/// Leading `--name[=value]` words (BuildKit's `extractBuilderFlags`): quotes
/// and the escape character are honoured, a bare `--` ends them. Returns
/// the flags and where the arguments start.
fn extract_flags(line: &MappedText, start: usize, end: usize, escape: char) -> (Vec<Flag>, usize) {
    let text = &line.as_str()[..end];
    let mut flags = Vec::new();
    let mut pos = start;
    loop {
        while let Some(c) = text[pos..].chars().next().filter(|c| c.is_whitespace()) {
            pos += c.len_utf8();
        }
        if !text[pos..].starts_with("--") {
            return (flags, pos);
        }
        let word_start = pos;
        let mut value = MappedText::new();
        let mut quote = None;
        let offset = pos;
        let mut chars = text[pos..]
            .char_indices()
            .map(move |(i, c)| (i + offset, c));
        pos = end;
        while let Some((i, c)) = chars.next() {
            match quote {
                None if c.is_whitespace() => {
                    pos = i;
                    break;
                }
                None if c == '\'' || c == '"' => quote = Some(c),
                Some(q) if c == q => quote = None,
                _ if c == escape => {
                    if let Some((j, next)) = chars.next() {
                        value.push_char(next, line.source_offset(j));
                    } else if quote.is_some() {
                        quote = None;
                    }
                }
                _ => value.push_char(c, line.source_offset(i)),
            }
        }
        if value.as_str() == "--" {
            return (flags, pos);
        }
        let span = line.source_span(word_start, pos);
        let body = &value.as_str()[2..];
        let (name, flag_value) = match body.find('=') {
            Some(eq) => (
                body[..eq].to_owned(),
                Some(Word {
                    value: value.slice(eq + 3, value.len()),
                    span: Span::new(value.source_offset(eq + 3), span.end),
                    quoted: false,
                    expands: body[eq + 1..].contains('$'),
                }),
            ),
            None => (body.to_owned(), None),
        };
        flags.push(Flag {
            name,
            value: flag_value,
            span,
        });
    }
}

/// Heredoc words among the line's words, found as BuildKit finds them
/// (`heredocsFromLine`): the line split by its shell lexer with quotes and
/// escapes raw — no heredoc at all when the lexer cannot read the line
/// (`RUN <<'`) — and each word read by `ParseHeredoc`.
fn find_heredocs(line: &MappedText) -> Result<Vec<Heredoc>, ParseError> {
    if !line.as_str().contains("<<") {
        return Ok(Vec::new());
    }
    let Ok(words) = heredoc_lex::raw_words(line.as_str()) else {
        return Ok(Vec::new());
    };
    let mut heredocs = Vec::new();
    for word in words {
        let found = heredoc_lex::heredoc(&word.text)
            .map_err(|message| error_at(message, line.source_offset(word.start)))?;
        if let Some(found) = found {
            heredocs.push(Heredoc {
                name: found.name,
                chomp: found.chomp,
                expand: found.expand,
                file_descriptor: found.file_descriptor,
                word_start: word.start,
                word_span: line.source_span(word.start, word.end),
                body: Span::default(),
            });
        }
    }
    Ok(heredocs)
}

fn error_at(message: String, offset: usize) -> ParseError {
    ParseError {
        message,
        offset,
        position: Default::default(),
    }
}
