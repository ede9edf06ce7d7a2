//! Dockerfiles, parsed the way BuildKit parses them, with a span for every
//! piece: instructions, flags, arguments and heredoc bodies.

mod exec_form;
pub mod expand;
mod heredoc_lex;
pub mod image_ref;
mod parser;
pub mod shell;
pub mod stages;
mod validate;
mod words;

pub use parser::parse;
pub use words::Word;

use super::mapped::MappedText;
use super::span::{LineIndex, Span};

/// A parsed Dockerfile.
#[derive(Debug)]
pub struct Dockerfile {
    pub text: String,
    pub lines: LineIndex,
    /// The escape character: `\` unless a `# escape=` directive says `` ` ``.
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction>,
    /// Every comment line outside heredoc bodies, as the span of the line
    /// from its `#`.
    pub comments: Vec<Span>,
}

/// A parser directive from the leading comment block (`# syntax=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    pub value_span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    pub fn parse(word: &str) -> Option<Keyword> {
        let keyword = match word.to_ascii_lowercase().as_str() {
            "add" => Keyword::Add,
            "arg" => Keyword::Arg,
            "cmd" => Keyword::Cmd,
            "copy" => Keyword::Copy,
            "entrypoint" => Keyword::Entrypoint,
            "env" => Keyword::Env,
            "expose" => Keyword::Expose,
            "from" => Keyword::From,
            "healthcheck" => Keyword::Healthcheck,
            "label" => Keyword::Label,
            "maintainer" => Keyword::Maintainer,
            "onbuild" => Keyword::Onbuild,
            "run" => Keyword::Run,
            "shell" => Keyword::Shell,
            "stopsignal" => Keyword::Stopsignal,
            "user" => Keyword::User,
            "volume" => Keyword::Volume,
            "workdir" => Keyword::Workdir,
            _ => return None,
        };
        Some(keyword)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
        }
    }

    /// Instructions whose arguments may be a JSON array (exec form).
    fn takes_json(self) -> bool {
        matches!(
            self,
            Keyword::Run
                | Keyword::Cmd
                | Keyword::Entrypoint
                | Keyword::Shell
                | Keyword::Copy
                | Keyword::Add
                | Keyword::Volume
        )
    }

    /// Instructions BuildKit reads heredocs for.
    fn takes_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

/// One instruction. For `ONBUILD`, `trigger` holds the instruction it
/// registers, parsed from the rest of the same line.
#[derive(Debug, Clone)]
pub struct Instruction {
    pub keyword: Keyword,
    pub keyword_span: Span,
    /// From the keyword to the end of the instruction's last line, heredoc
    /// bodies included.
    pub span: Span,
    /// 1-based first and last line, heredoc bodies included.
    pub start_line: usize,
    pub end_line: usize,
    pub flags: Vec<Flag>,
    /// The instruction's logical line: its physical lines joined as BuildKit
    /// joins them, keyword included.
    pub line: MappedText,
    /// Where the arguments (after the flags) start and end in `line`.
    pub args_range: (usize, usize),
    /// The exec-form arguments, when they are a JSON array.
    pub exec_form: Option<Vec<Word>>,
    pub heredocs: Vec<Heredoc>,
    pub trigger: Option<Box<Instruction>>,
}

impl Instruction {
    /// The argument text after the flags.
    pub fn args(&self) -> &str {
        &self.line.as_str()[self.args_range.0..self.args_range.1]
    }

    /// The instruction that takes effect: the trigger of an `ONBUILD`, or
    /// this one.
    pub fn effective(&self) -> &Instruction {
        self.trigger.as_deref().unwrap_or(self)
    }

    /// The arguments split at whitespace, as BuildKit splits `FROM`.
    pub fn whitespace_words(&self) -> Vec<Word> {
        words::split_whitespace(&self.line, self.args_range)
    }

    /// The arguments split as shell words (quotes and the escape character
    /// honoured), as BuildKit splits `ARG`, `ENV` and `LABEL`.
    pub fn shell_words(&self, escape: char) -> Vec<Word> {
        words::split_shell_words(&self.line, self.args_range, escape)
    }
}

/// A `--name[=value]` flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<Word>,
    pub span: Span,
}

/// A heredoc: `<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    /// `<<-`: leading tabs are removed from the body and the terminator.
    pub chomp: bool,
    /// False when any part of the name was quoted.
    pub expand: bool,
    pub file_descriptor: Option<u32>,
    /// Where the `<<NAME` word starts in the instruction's logical line.
    pub word_start: usize,
    pub word_span: Span,
    /// The body: the raw lines between the instruction and the terminator.
    pub body: Span,
}

impl Dockerfile {
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }
}

/// A Dockerfile that BuildKit would reject, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
    /// Filled in from `offset` before the error leaves the parser.
    pub position: super::span::Position,
}
