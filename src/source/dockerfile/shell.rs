//! The command finder: the simple commands a `RUN` executes, each as words
//! with spans into the Dockerfile.
//!
//! It reads shell form (`&&`, `||`, `;`, `|`, `&`, newlines, subshells,
//! `$(…)`, backticks, `<(…)`), exec form, heredoc bodies that are scripts,
//! `ONBUILD RUN`, and the strings of `sh -c '…'`. It sees through `sudo`,
//! `env`, `VAR=value` prefixes and shell keywords, so `Command::argv` starts
//! at the program that really runs.
//!
//! The lexer keeps an explicit stack of open substitutions instead of
//! recursing, and `sh -c` strings are re-read from a work list with a depth
//! limit, so no input can exhaust the stack.

use super::words::Word;
use super::{Dockerfile, Instruction, Keyword};
use crate::source::mapped::MappedText;
use crate::source::span::Span;

/// `sh -c "sh -c '…'"` is followed this many levels deep.
const MAX_SCRIPT_DEPTH: usize = 16;

const SHELLS: &[&str] = &["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];

/// A simple command.
#[derive(Debug, Clone)]
pub struct Command {
    /// Every word, assignments and wrappers included; redirections excluded.
    pub words: Vec<Word>,
    /// Index in `words` of the program that runs (after `sudo`, `env`,
    /// `VAR=value` and shell keywords); `words.len()` if there is none.
    pub program: usize,
    pub redirects: Vec<Redirect>,
    /// Commands joined by `|` share a pipeline number; `pipe_position` is
    /// the command's place in it.
    pub pipeline: usize,
    pub pipe_position: usize,
    /// The command whose word holds this one: a `$(…)`, `<(…)` or backtick
    /// substitution, or the string of `sh -c`.
    pub parent: Option<Parent>,
    /// Where the command's text came from.
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Parent {
    pub command: usize,
    pub slot: Slot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Word(usize),
    Redirect(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// The instruction's own line (shell or exec form).
    Instruction,
    /// A heredoc body run as a script (`RUN <<EOF`, `RUN bash <<EOF`).
    HeredocScript,
    /// The string of `sh -c '…'`.
    ShellString,
}

#[derive(Debug, Clone)]
pub struct Redirect {
    /// The operator: `>`, `>>`, `<`, `<<`, `<<-`, `<<<`, `2>`, `&>` …
    pub operator: String,
    /// The word it applies to (the file, or the heredoc delimiter).
    pub target: Option<Word>,
    /// For `<<` in a `RUN` line: the index of the instruction's heredoc.
    pub heredoc: Option<usize>,
    /// For `<<` inside a script: where its body lies.
    pub inline_body: Option<Span>,
    pub file_descriptor: Option<u32>,
}

impl Command {
    /// The words from the program on.
    pub fn argv(&self) -> &[Word] {
        &self.words[self.program.min(self.words.len())..]
    }

    /// The program's name without its directory (`/usr/bin/apt-get` →
    /// `apt-get`), or "" when there is none.
    pub fn name(&self) -> &str {
        self.argv()
            .first()
            .map_or("", |word| basename(word.as_str()))
    }

    /// The arguments after the program.
    pub fn args(&self) -> &[Word] {
        self.argv().get(1..).unwrap_or_default()
    }

    /// The span from the program to the end of `words[last]`.
    pub fn span_to(&self, last: usize) -> Span {
        let first = &self.words[self.program.min(last)];
        first.span.cover(self.words[last].span)
    }

    /// The words from the program to `words[last]`, joined by spaces, as
    /// messages quote a command.
    pub fn text_to(&self, last: usize) -> String {
        let from = self.program.min(last);
        self.words[from..=last]
            .iter()
            .map(Word::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether the program is a POSIX-style shell (`sh`, `bash`, `busybox sh` …).
    pub fn is_shell(&self) -> bool {
        SHELLS.contains(&self.name())
    }
}

pub fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Every simple command of one `RUN` (or `ONBUILD RUN`), in the order they
/// are found; nested scripts come after the command that holds them.
pub fn run_commands(dockerfile: &Dockerfile, instruction: &Instruction) -> Vec<Command> {
    let run = instruction.effective();
    if run.keyword != Keyword::Run {
        return Vec::new();
    }
    let mut found = Vec::new();
    match &run.exec_form {
        Some(words) => {
            let mut command = Command {
                words: words.clone(),
                program: 0,
                redirects: Vec::new(),
                pipeline: 0,
                pipe_position: 0,
                parent: None,
                origin: Origin::Instruction,
            };
            command.program = settle(&mut command.words);
            found.push(command);
        }
        None => {
            let heredoc_starts: Vec<usize> = run.heredocs.iter().map(|h| h.word_start).collect();
            let line = run.line.slice(0, run.args_range.1);
            let lexed = Lexer::new(&line, run.args_range.0, &heredoc_starts, 0)
                .run(None, Origin::Instruction);
            found.extend(lexed);
            // `RUN <<EOF` (also `RUN << EOF`): the heredoc is the script.
            let heredoc_only = run.heredocs.len() == 1
                && run.args_range.0 == run.heredocs[0].word_start
                && run.line.source_span(run.args_range.0, run.args_range.1).end
                    == run.heredocs[0].word_span.end;
            let mut scripts = Vec::new();
            for (index, command) in found.iter().enumerate() {
                for redirect in &command.redirects {
                    let Some(h) = redirect.heredoc else { continue };
                    let stdin = redirect.file_descriptor.unwrap_or(0) == 0;
                    let runs_as_script = if heredoc_only {
                        !has_foreign_shebang(dockerfile.slice(run.heredocs[h].body))
                    } else {
                        stdin && reads_script_from_stdin(command)
                    };
                    if runs_as_script {
                        scripts.push((index, run.heredocs[h].body));
                    }
                }
            }
            for (index, body) in scripts {
                let text = MappedText::contiguous(dockerfile.slice(body), body.start);
                let parent = (!heredoc_only).then_some(Parent {
                    command: index,
                    slot: Slot::Word(0),
                });
                let base = found.len();
                let lexed = Lexer::new(&text, 0, &[], base).run(parent, Origin::HeredocScript);
                found.extend(lexed);
            }
        }
    }
    follow_shell_strings(&mut found);
    found.shrink_to_fit();
    found
}

/// A heredoc script whose `#!` line names something other than a shell is
/// not shell code (`#!/usr/bin/env python3`).
fn has_foreign_shebang(body: &str) -> bool {
    let Some(line) = body.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return false;
    };
    let mut parts = line.split_whitespace();
    let mut interpreter = parts.next().map(basename).unwrap_or_default();
    if interpreter == "env" {
        interpreter = parts.find(|p| !p.starts_with('-')).unwrap_or_default();
    }
    !SHELLS.contains(&interpreter)
}

/// How a shell was invoked: `sh -c '…'`, `bash -e script.sh`, `bash -s`.
struct ShellInvocation {
    /// `-c`, alone or in a group (`-ec`).
    command_string: bool,
    /// `-s`: the script comes from stdin even with operands.
    stdin: bool,
    /// The first word after the options.
    operand: Option<usize>,
}

/// Read a shell's options, once for every use: options may be grouped
/// (`-euxo pipefail`), `-o`/`-O` and `--rcfile` take a value, and `--` or a
/// lone `-` ends them. `None` when the command is not a shell.
fn shell_invocation(command: &Command) -> Option<ShellInvocation> {
    if !command.is_shell() {
        return None;
    }
    let mut i = command.program + 1;
    if command.name() == "busybox" {
        // `busybox sh …`
        if command.words.get(i).map(|w| basename(w.as_str())) != Some("sh") {
            return None;
        }
        i += 1;
    }
    let mut invocation = ShellInvocation {
        command_string: false,
        stdin: false,
        operand: None,
    };
    while let Some(word) = command.words.get(i) {
        let arg = word.as_str();
        if arg == "--" || arg == "-" {
            i += 1;
            break;
        }
        if matches!(arg, "--rcfile" | "--init-file") {
            i += 2;
            continue;
        }
        if !(arg.starts_with('-') || arg.starts_with('+')) {
            break;
        }
        invocation.command_string |= short_options_include(arg, 'c');
        invocation.stdin |= short_options_include(arg, 's');
        // `-o pipefail`, also at the end of a group: `-euxo pipefail`.
        let takes_value = !arg.starts_with("--") && (arg.ends_with('o') || arg.ends_with('O'));
        i += if takes_value { 2 } else { 1 };
    }
    invocation.operand = (i < command.words.len()).then_some(i);
    Some(invocation)
}

/// `bash`, `sh -e`, `bash -s arg`: a shell reading its script from stdin,
/// as opposed to `sh -c '…'` or `bash script.sh`.
pub fn reads_script_from_stdin(command: &Command) -> bool {
    shell_invocation(command).is_some_and(|shell| {
        !shell.command_string
            && (shell.stdin
                || shell
                    .operand
                    .is_none_or(|i| is_stdin_path(command.words[i].as_str())))
    })
}

/// `bash /dev/stdin args`: a file name that is standard input.
pub fn is_stdin_path(path: &str) -> bool {
    matches!(path, "/dev/stdin" | "/proc/self/fd/0" | "/dev/fd/0")
}

fn short_options_include(arg: &str, option: char) -> bool {
    arg.len() > 1 && !arg.starts_with("--") && arg[1..].contains(option)
}

/// Re-read the string of every `sh -c '…'` as a script, breadth first.
fn follow_shell_strings(found: &mut Vec<Command>) {
    let mut next = 0;
    let mut depth_of = vec![0usize; found.len()];
    while next < found.len() {
        let index = next;
        next += 1;
        let depth = depth_of[index];
        if depth >= MAX_SCRIPT_DEPTH {
            continue;
        }
        let Some(string_word) = shell_string(&found[index]) else {
            continue;
        };
        let word = &found[index].words[string_word];
        let parent = Parent {
            command: index,
            slot: Slot::Word(string_word),
        };
        let base = found.len();
        let lexed = Lexer::new(&word.value, 0, &[], base).run(Some(parent), Origin::ShellString);
        depth_of.resize(base + lexed.len(), depth + 1);
        found.extend(lexed);
    }
}

/// The index of the command string of `sh -c STRING`, or of `su USER -c
/// STRING` and `runuser -l USER -c STRING`, which hand it to a shell.
pub fn shell_string(command: &Command) -> Option<usize> {
    if matches!(command.name(), "su" | "runuser") {
        let option = (command.program + 1..command.words.len()).find(|&i| {
            let w = command.words[i].as_str();
            w == "--command"
                || w.len() > 1 && w.starts_with('-') && !w.starts_with("--") && w.ends_with('c')
        })?;
        return (option + 1 < command.words.len()).then_some(option + 1);
    }
    shell_invocation(command)
        .filter(|shell| shell.command_string)
        .and_then(|shell| shell.operand)
}

/// A program that runs the command after it: the options it takes that
/// have a value, and how many operands come before the command
/// (`gosu USER cmd`, `timeout 10 cmd`, `chroot DIR cmd`).
struct Wrapper {
    names: &'static [&'static str],
    options: &'static [&'static str],
    operands: usize,
}

const WRAPPERS: &[Wrapper] = &[
    Wrapper {
        names: &["sudo", "doas"],
        options: &[
            "-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-T", "-U", "--user", "--group",
            "--host", "--prompt", "--chdir", "--role", "--type",
        ],
        operands: 0,
    },
    Wrapper {
        names: &["env"],
        options: &["-u", "-C", "-S", "--unset", "--chdir", "--split-string"],
        operands: 0,
    },
    Wrapper {
        names: &["nice"],
        options: &["-n", "--adjustment"],
        operands: 0,
    },
    Wrapper {
        names: &["ionice"],
        options: &["-c", "-n", "--class", "--classdata"],
        operands: 0,
    },
    Wrapper {
        names: &["timeout"],
        options: &["-s", "--signal", "-k", "--kill-after"],
        operands: 1,
    },
    Wrapper {
        names: &["gosu", "su-exec"],
        options: &[],
        operands: 1,
    },
    Wrapper {
        names: &["chroot"],
        options: &["--userspec", "--groups"],
        operands: 1,
    },
    Wrapper {
        names: &["stdbuf"],
        options: &["-i", "-o", "-e", "--input", "--output", "--error"],
        operands: 0,
    },
    Wrapper {
        names: &["time"],
        options: &["-f", "--format", "-o", "--output"],
        operands: 0,
    },
    Wrapper {
        names: &["xargs"],
        options: &[
            "-I",
            "-L",
            "-n",
            "-P",
            "-s",
            "-d",
            "-E",
            "-a",
            "--arg-file",
            "--delimiter",
            "--max-args",
            "--max-procs",
            "--max-chars",
            "--max-lines",
            "--eof",
        ],
        operands: 0,
    },
    // `runuser -u USER -- cmd`; without `-u` it is su's form, whose `-c`
    // string `shell_string` reads.
    Wrapper {
        names: &["runuser"],
        options: &[
            "-u",
            "--user",
            "-g",
            "--group",
            "-G",
            "--supp-group",
            "-w",
            "--whitelist-environment",
        ],
        operands: 0,
    },
    Wrapper {
        names: &[
            "eatmydata",
            "nohup",
            "exec",
            "command",
            "unbuffer",
            "catchsegv",
            "fakeroot",
            "busybox",
            "unshare",
            "setpriv",
        ],
        options: &[],
        operands: 0,
    },
    Wrapper {
        names: &["s6-setuidgid", "flock"],
        options: &["-w", "--timeout", "-E", "--conflict-exit-code"],
        operands: 1,
    },
];

/// Where the real command starts among `words`, past assignments, shell
/// keywords and wrappers (`sudo`, `gosu USER`, `xargs -n1`, `find …
/// -exec`); and, for `find -exec cmd {} ;`, where it ends.
fn find_program(words: &[Word]) -> (usize, Option<usize>) {
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let w = word.as_str();
        if is_assignment(word)
            || matches!(
                w,
                "!" | "{" | "if" | "then" | "elif" | "else" | "do" | "while" | "until"
            )
        {
            i += 1;
            continue;
        }
        let name = basename(w);
        if name == "find" {
            // `find … -exec cmd {} ;` and `-execdir`, `-ok`, `-okdir`.
            let Some(exec) = (i + 1..words.len())
                .find(|&j| matches!(words[j].as_str(), "-exec" | "-execdir" | "-ok" | "-okdir"))
            else {
                return (i, None);
            };
            let end = (exec + 1..words.len())
                .find(|&j| matches!(words[j].as_str(), ";" | "+"))
                .unwrap_or(words.len());
            return (exec + 1, Some(end));
        }
        if name == "runuser"
            && !words[i + 1..]
                .iter()
                .any(|w| matches!(w.as_str(), "-u" | "--user"))
        {
            return (i, None);
        }
        let Some(wrapper) = WRAPPERS
            .iter()
            .find(|wrapper| wrapper.names.contains(&name))
        else {
            return (i, None);
        };
        i = skip_options(words, i + 1, wrapper.options) + wrapper.operands;
        if name == "env" {
            while words.get(i).is_some_and(is_assignment) {
                i += 1;
            }
        }
    }
    (words.len(), None)
}

/// Settle a command's words: where its program is, the words after a
/// `find -exec` command dropped, and `{}` (the file `find` or `xargs`
/// passes) marked as a value the file does not give.
fn settle(words: &mut Vec<Word>) -> usize {
    let (program, end) = find_program(words);
    if let Some(end) = end {
        words.truncate(end);
    }
    let start = program.min(words.len());
    let wrapped = words[..start]
        .iter()
        .any(|w| matches!(basename(w.as_str()), "find" | "xargs"));
    if wrapped {
        for word in &mut words[start..] {
            if word.as_str().contains("{}") {
                word.expands = true;
            }
        }
    }
    program
}

fn skip_options(words: &[Word], mut i: usize, with_value: &[&str]) -> usize {
    while let Some(word) = words.get(i) {
        let w = word.as_str();
        if w == "--" {
            return i + 1;
        }
        if !w.starts_with('-') || w.len() == 1 {
            break;
        }
        i += if with_value.contains(&w) { 2 } else { 1 };
    }
    i
}

fn is_assignment(word: &Word) -> bool {
    let w = word.as_str();
    let Some(eq) = w.find('=') else { return false };
    let name = &w[..eq];
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What closes the innermost open construct.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Closer {
    End,
    Paren,
    Backtick,
}

struct WordBuilder {
    value: MappedText,
    start: usize,
    end: usize,
    quoted: bool,
    expands: bool,
    in_double_quote: bool,
}

struct CommandBuilder {
    id: Option<usize>,
    words: Vec<Word>,
    redirects: Vec<Redirect>,
    /// The next word is the target of this redirect operator.
    pending_target: Option<Redirect>,
}

struct Frame {
    closer: Closer,
    parent: Option<Parent>,
    command: CommandBuilder,
    word: Option<WordBuilder>,
    pipeline: usize,
    pipe_position: usize,
}

struct PendingHeredoc {
    delimiter: String,
    chomp: bool,
    command: usize,
    redirect: usize,
}

struct Lexer<'a> {
    text: &'a str,
    map: &'a MappedText,
    start: usize,
    /// Where the `RUN` line's Dockerfile heredoc words start.
    heredoc_starts: &'a [usize],
    /// How many commands were found before this text: ids are offset by it.
    base: usize,
    commands: Vec<Option<Command>>,
    pipelines: usize,
    pending_heredocs: Vec<PendingHeredoc>,
}

impl<'a> Lexer<'a> {
    fn new(map: &'a MappedText, start: usize, heredoc_starts: &'a [usize], base: usize) -> Self {
        Lexer {
            text: map.as_str(),
            map,
            start,
            heredoc_starts,
            base,
            commands: Vec::new(),
            pipelines: 0,
            pending_heredocs: Vec::new(),
        }
    }

    /// Lex the whole text. `parent` is the command whose word holds it.
    fn run(mut self, parent: Option<Parent>, origin: Origin) -> Vec<Command> {
        let mut stack = vec![self.frame(Closer::End, parent)];
        let mut i = self.start;
        let text = self.text;
        while i < text.len() {
            let c = char_at(text, i);
            let next = text[i + c.len_utf8()..].chars().next();
            let frame = stack
                .last_mut()
                .expect("the outermost frame is never popped");
            if frame.word.as_ref().is_some_and(|w| w.in_double_quote) {
                i = self.double_quoted(&mut stack, i, c, next);
                continue;
            }
            match c {
                ' ' | '\t' | '\r' => {
                    self.finish_word(frame);
                    i += 1;
                }
                '\n' => {
                    self.end_command(frame, origin, false);
                    i = self.skip_heredoc_bodies(i + 1);
                }
                '#' if frame.word.is_none() => {
                    i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                }
                ';' | '|' | '&' => {
                    if c == '&' && next == Some('>') {
                        i = self.redirect(frame, i);
                        continue;
                    }
                    let two = next == Some(c) || (c == '|' && next == Some('&'));
                    let pipe = c == '|' && !(two && next == Some('|'));
                    self.end_command(frame, origin, pipe);
                    i += if two { 2 } else { 1 };
                }
                '(' if frame.word.is_none() => {
                    let parent = frame.parent;
                    stack.push(self.frame(Closer::Paren, parent));
                    i += 1;
                }
                ')' => {
                    self.end_command(frame, origin, false);
                    if frame.closer == Closer::Paren {
                        stack.pop();
                        extend_word(&mut stack, i + 1);
                    }
                    i += 1;
                }
                '`' => {
                    if frame.closer == Closer::Backtick {
                        self.end_command(frame, origin, false);
                        stack.pop();
                        extend_word(&mut stack, i + 1);
                    } else {
                        self.open_substitution(&mut stack, i, Closer::Backtick);
                    }
                    i += 1;
                }
                '<' | '>' => {
                    if next == Some('(') {
                        self.open_substitution(&mut stack, i, Closer::Paren);
                        i += 2;
                    } else {
                        i = self.redirect(frame, i);
                    }
                }
                '\\' if next == Some('\n') => {
                    // A line continuation: the word (if any) goes on.
                    i += 2;
                }
                '\\' => {
                    let word = self.word(frame, i);
                    if let Some(n) = next {
                        word.value.push_char(n, self.map.source_offset(i + 1));
                        word.quoted = true;
                    }
                    i += 1 + next.map_or(0, char::len_utf8);
                    word.end = i;
                }
                '\'' => {
                    let close = text[i + 1..].find('\'').map_or(text.len(), |n| i + 1 + n);
                    let word = self.word(frame, i);
                    word.value
                        .push_str(&text[i + 1..close], self.map.source_offset(i + 1));
                    word.quoted = true;
                    i = (close + 1).min(text.len());
                    word.end = i;
                }
                '"' => {
                    let word = self.word(frame, i);
                    word.in_double_quote = true;
                    word.quoted = true;
                    i += 1;
                    word.end = i;
                }
                '$' => i = self.dollar(&mut stack, i, next),
                _ => {
                    let word = self.word(frame, i);
                    word.value.push_char(c, self.map.source_offset(i));
                    i += c.len_utf8();
                    word.end = i;
                }
            }
        }
        while let Some(mut frame) = stack.pop() {
            self.end_command(&mut frame, origin, false);
        }
        self.commands.into_iter().flatten().collect()
    }

    fn frame(&mut self, closer: Closer, parent: Option<Parent>) -> Frame {
        Frame {
            closer,
            parent,
            command: CommandBuilder {
                id: None,
                words: Vec::new(),
                redirects: Vec::new(),
                pending_target: None,
            },
            word: None,
            pipeline: self.new_pipeline(),
            pipe_position: 0,
        }
    }

    fn new_pipeline(&mut self) -> usize {
        self.pipelines += 1;
        self.pipelines
    }

    fn word<'f>(&mut self, frame: &'f mut Frame, at: usize) -> &'f mut WordBuilder {
        if frame.command.id.is_none() {
            frame.command.id = Some(self.allocate());
        }
        frame.word.get_or_insert_with(|| WordBuilder {
            value: MappedText::new(),
            start: at,
            end: at,
            quoted: false,
            expands: false,
            in_double_quote: false,
        })
    }

    fn allocate(&mut self) -> usize {
        self.commands.push(None);
        self.commands.len() - 1
    }

    fn double_quoted(
        &mut self,
        stack: &mut Vec<Frame>,
        i: usize,
        c: char,
        next: Option<char>,
    ) -> usize {
        let frame = stack.last_mut().expect("a frame is open");
        let map = self.map;
        let word = frame.word.as_mut().expect("inside a double-quoted word");
        match c {
            '"' => {
                word.in_double_quote = false;
                word.end = i + 1;
                i + 1
            }
            '\\' if matches!(next, Some('$' | '`' | '"' | '\\' | '\n')) => {
                if let Some(n) = next.filter(|&n| n != '\n') {
                    word.value.push_char(n, map.source_offset(i + 1));
                }
                word.end = i + 2;
                i + 2
            }
            '`' => {
                self.open_substitution(stack, i, Closer::Backtick);
                i + 1
            }
            '$' => self.dollar(stack, i, next),
            _ => {
                word.value.push_char(c, map.source_offset(i));
                word.end = i + c.len_utf8();
                word.end
            }
        }
    }

    /// `$(…)`, `$((…))`, `${…}`, `$'…'`, `$NAME`.
    fn dollar(&mut self, stack: &mut Vec<Frame>, i: usize, next: Option<char>) -> usize {
        let text = self.text;
        let frame = stack.last_mut().expect("a frame is open");
        let in_double_quote = frame.word.as_ref().is_some_and(|w| w.in_double_quote);
        let end = match next {
            Some('(') if text[i + 2..].starts_with('(') => matching_close(text, i + 3, "((", "))"),
            Some('(') => {
                self.open_substitution(stack, i, Closer::Paren);
                return i + 2;
            }
            Some('{') => matching_close(text, i + 2, "{", "}"),
            Some('\'') if !in_double_quote => {
                let mut j = i + 2;
                while j < text.len() && text.as_bytes()[j] != b'\'' {
                    j += if text.as_bytes()[j] == b'\\' { 2 } else { 1 };
                }
                (j + 1).min(text.len())
            }
            Some(c) if c.is_ascii_alphanumeric() || "_@*#?$!-".contains(c) => {
                let mut j = i + 1;
                if c.is_ascii_alphabetic() || c == '_' {
                    while j < text.len()
                        && (text.as_bytes()[j].is_ascii_alphanumeric()
                            || text.as_bytes()[j] == b'_')
                    {
                        j += 1;
                    }
                } else {
                    j += 1;
                }
                j
            }
            _ => i + 1,
        };
        let end = floor_boundary(text, end.min(text.len()));
        let word = self.word(stack.last_mut().expect("a frame is open"), i);
        word.value
            .push_str(&text[i..end], self.map.source_offset(i));
        word.expands |= end > i + 1;
        word.end = end;
        end
    }

    /// A `$(`, `<(`, `>(` or backtick substitution inside the current word:
    /// its commands belong to the command being built.
    fn open_substitution(&mut self, stack: &mut Vec<Frame>, at: usize, closer: Closer) {
        let frame = stack.last_mut().expect("a frame is open");
        let slot = match frame.command.pending_target {
            Some(_) => Slot::Redirect(frame.command.redirects.len()),
            None => Slot::Word(frame.command.words.len()),
        };
        let word = self.word(frame, at);
        word.expands = true;
        let command = frame.command.id.expect("allocated with the word") + self.base;
        let parent = Some(Parent { command, slot });
        stack.push(self.frame(closer, parent));
    }

    /// A redirection operator; the next word is its target.
    fn redirect(&mut self, frame: &mut Frame, i: usize) -> usize {
        let text = self.text;
        let rest = &text[i..];
        let operator_len = [
            "<<<", "<<-", "&>>", "<<", ">>", ">&", "<&", "<>", ">|", "&>", "<", ">",
        ]
        .iter()
        .find(|op| rest.starts_with(**op))
        .map_or(1, |op| op.len());
        let operator = &rest[..operator_len];
        // `2>` and `3<<EOF`: a number just before the operator is its fd.
        let mut op_start = i;
        let mut file_descriptor = None;
        if let Some(word) = &frame.word {
            if !word.quoted
                && !word.value.is_empty()
                && word.value.as_str().bytes().all(|b| b.is_ascii_digit())
            {
                file_descriptor = word.value.as_str().parse().ok();
                op_start = word.start;
                frame.word = None;
            } else {
                self.finish_word(frame);
            }
        }
        if frame.command.id.is_none() {
            frame.command.id = Some(self.allocate());
        }
        let mut redirect = Redirect {
            operator: operator.to_owned(),
            target: None,
            heredoc: None,
            inline_body: None,
            file_descriptor,
        };
        let after = i + operator_len;
        if operator == "<<" || operator == "<<-" {
            let dockerfile_heredoc = self.heredoc_starts.iter().position(|&s| s == op_start);
            // The delimiter is the next word.
            let mut j = after;
            while text[j..].starts_with([' ', '\t']) {
                j += 1;
            }
            let (delimiter, end) = read_delimiter(text, j);
            redirect.target = Some(Word {
                value: MappedText::contiguous(&delimiter, self.map.source_offset(j)),
                span: self.map.source_span(j, end),
                quoted: false,
                expands: false,
            });
            redirect.heredoc = dockerfile_heredoc;
            if dockerfile_heredoc.is_none() && !delimiter.is_empty() {
                self.pending_heredocs.push(PendingHeredoc {
                    delimiter,
                    chomp: operator == "<<-",
                    command: frame.command.id.unwrap_or_default(),
                    redirect: frame.command.redirects.len(),
                });
            }
            frame.command.redirects.push(redirect);
            return end;
        }
        frame.command.pending_target = Some(redirect);
        after
    }

    /// After a newline: the bodies of the heredocs opened on that line.
    fn skip_heredoc_bodies(&mut self, mut i: usize) -> usize {
        let text = self.text;
        for pending in std::mem::take(&mut self.pending_heredocs) {
            let body_start = i;
            let mut body_end = text.len();
            while i < text.len() {
                let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                let mut line = text[i..line_end].trim_end_matches('\r');
                if pending.chomp {
                    line = line.trim_start_matches('\t');
                }
                let this_line = i;
                i = (line_end + 1).min(text.len());
                if line == pending.delimiter {
                    body_end = this_line;
                    break;
                }
            }
            let body = self.map.source_span(body_start, body_end);
            if let Some(Some(command)) = self.commands.get_mut(pending.command) {
                if let Some(redirect) = command.redirects.get_mut(pending.redirect) {
                    redirect.inline_body = Some(body);
                }
            }
            // A heredoc opened inside a `$(…)` that spans lines belongs to a
            // command still open here: its body is skipped, not recorded.
        }
        i
    }

    fn finish_word(&mut self, frame: &mut Frame) {
        let Some(builder) = frame.word.take() else {
            return;
        };
        let word = Word {
            span: self.map.source_span(builder.start, builder.end),
            value: builder.value,
            quoted: builder.quoted,
            expands: builder.expands,
        };
        match frame.command.pending_target.take() {
            Some(mut redirect) => {
                redirect.target = Some(word);
                frame.command.redirects.push(redirect);
            }
            None => frame.command.words.push(word),
        }
    }

    fn end_command(&mut self, frame: &mut Frame, origin: Origin, pipe: bool) {
        self.finish_word(frame);
        if let Some(redirect) = frame.command.pending_target.take() {
            frame.command.redirects.push(redirect);
        }
        let builder = std::mem::replace(
            &mut frame.command,
            CommandBuilder {
                id: None,
                words: Vec::new(),
                redirects: Vec::new(),
                pending_target: None,
            },
        );
        if let Some(id) = builder.id {
            let mut builder = builder;
            let program = settle(&mut builder.words);
            // Commands are kept for the whole audit, one per `RUN` at
            // least: no room to spare.
            builder.words.shrink_to_fit();
            builder.redirects.shrink_to_fit();
            let parent = frame.parent;
            self.commands[id] = Some(Command {
                words: builder.words,
                program,
                redirects: builder.redirects,
                pipeline: frame.pipeline,
                pipe_position: frame.pipe_position,
                parent,
                origin,
            });
        }
        if pipe {
            frame.pipe_position += 1;
        } else {
            frame.pipeline = self.new_pipeline();
            frame.pipe_position = 0;
        }
    }
}

/// A substitution (`<(…)`, `$(…)`, backticks) that just closed is part of
/// the word being built around it: the word reaches at least to `end`.
fn extend_word(stack: &mut [Frame], end: usize) {
    if let Some(word) = stack.last_mut().and_then(|frame| frame.word.as_mut()) {
        word.end = word.end.max(end);
    }
}

fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The end of a `${…}` or `$((…))` that opened just before `from`,
/// counting nesting; unbalanced input ends at the end of the text.
fn matching_close(text: &str, from: usize, open: &str, close: &str) -> usize {
    let mut depth = 1usize;
    let mut i = from;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with(close) {
            depth -= 1;
            if depth == 0 {
                return i + close.len();
            }
            i += close.len();
        } else if rest.starts_with(open) {
            depth += 1;
            i += open.len();
        } else {
            i += char_at(text, i).len_utf8();
        }
    }
    text.len()
}

/// A heredoc delimiter word: quotes removed, ends at white space or an
/// operator.
fn read_delimiter(text: &str, mut i: usize) -> (String, usize) {
    let mut value = String::new();
    let mut quote = None;
    while i < text.len() {
        let c = char_at(text, i);
        match quote {
            None if c.is_whitespace() || ";&|<>()".contains(c) => break,
            None if c == '\'' || c == '"' => quote = Some(c),
            Some(q) if c == q => quote = None,
            None if c == '\\' => {
                i += 1;
                if i < text.len() {
                    let n = char_at(text, i);
                    value.push(n);
                    i += n.len_utf8();
                }
                continue;
            }
            _ => value.push(c),
        }
        i += c.len_utf8();
    }
    (value, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::dockerfile::parse;

    /// The argv of every command of every RUN in `dockerfile`.
    fn argvs(dockerfile: &str) -> Vec<Vec<String>> {
        let parsed = parse(dockerfile.to_owned()).expect("parses");
        parsed
            .instructions
            .iter()
            .flat_map(|i| run_commands(&parsed, i))
            .map(|c| c.argv().iter().map(|w| w.as_str().to_owned()).collect())
            .filter(|argv: &Vec<String>| !argv.is_empty())
            .collect()
    }

    fn names(dockerfile: &str) -> Vec<String> {
        argvs(dockerfile).into_iter().map(|a| a.join(" ")).collect()
    }

    #[test]
    fn operators_split_commands() {
        assert_eq!(
            names("FROM x\nRUN a 1 && b 2 || c; d & e | f |& g\n"),
            ["a 1", "b 2", "c", "d", "e", "f", "g"]
        );
    }

    #[test]
    fn wrappers_and_prefixes_are_seen_through() {
        assert_eq!(
            names("FROM x\nRUN DEBIAN_FRONTEND=noninteractive sudo -E -u root env -i A=1 apt-get -qq -y upgrade\n"),
            ["apt-get -qq -y upgrade"]
        );
        assert_eq!(
            names("FROM x\nRUN if true; then apt-get update; fi\n"),
            ["true", "apt-get update", "fi"]
        );
        assert_eq!(
            names("FROM x\nRUN { apt-get update; }\n"),
            ["apt-get update;", "}"].map(|s| s.replace(';', ""))
        );
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            argvs("FROM x\nRUN echo 'a b' \"c $D\" e\\ f $'g'\n"),
            [vec!["echo", "a b", "c $D", "e f", "$'g'"]]
        );
    }

    #[test]
    fn substitutions_are_commands_with_a_parent() {
        let parsed = parse(
            "FROM x\nRUN sh -c \"$(curl -fsSL https://x)\" && bash <(wget -O- y) && echo `date`\n"
                .into(),
        )
        .unwrap();
        let commands = run_commands(&parsed, &parsed.instructions[1]);
        let found: Vec<(String, Option<usize>)> = commands
            .iter()
            .map(|c| (c.name().to_owned(), c.parent.map(|p| p.command)))
            .collect();
        let sh = found.iter().position(|(n, _)| n == "sh").unwrap();
        let bash = found.iter().position(|(n, _)| n == "bash").unwrap();
        assert!(found.contains(&("curl".into(), Some(sh))), "{found:?}");
        assert!(found.contains(&("wget".into(), Some(bash))), "{found:?}");
        assert!(
            found.iter().any(|(n, p)| n == "date" && p.is_some()),
            "{found:?}"
        );
    }

    #[test]
    fn pipelines_are_numbered() {
        let parsed = parse("FROM x\nRUN curl -fsSL u | sh -s -- -y && echo done\n".into()).unwrap();
        let commands = run_commands(&parsed, &parsed.instructions[1]);
        assert_eq!(commands[0].pipeline, commands[1].pipeline);
        assert_eq!(
            (commands[0].pipe_position, commands[1].pipe_position),
            (0, 1)
        );
        assert_ne!(commands[1].pipeline, commands[2].pipeline);
    }

    #[test]
    fn exec_form_and_shell_strings() {
        assert_eq!(
            names("FROM x\nRUN [\"apt-get\", \"upgrade\"]\nRUN [\"/bin/sh\", \"-c\", \"apt-get update && apt-get -y upgrade\"]\n"),
            ["apt-get upgrade", "/bin/sh -c apt-get update && apt-get -y upgrade", "apt-get update", "apt-get -y upgrade"]
        );
        assert_eq!(
            names("FROM x\nRUN bash -euxo pipefail -c 'apk update; sh -c \"apk upgrade\"'\n"),
            [
                "bash -euxo pipefail -c apk update; sh -c \"apk upgrade\"",
                "apk update",
                "sh -c apk upgrade",
                "apk upgrade"
            ]
        );
    }

    #[test]
    fn heredoc_scripts_but_not_heredoc_data() {
        let dockerfile = "FROM x\nRUN <<EOF\napt-get update\napt-get install -y \\\n  curl\nEOF\nRUN cat > /s.sh <<'X'\napt-get upgrade\nX\nRUN bash <<'S'\napk update\nS\nRUN python3 <<P\napt-get dist-upgrade\nP\nRUN <<EOF\n#!/usr/bin/env python3\napt-get full-upgrade\nEOF\n";
        assert_eq!(
            names(dockerfile),
            [
                "apt-get update",
                "apt-get install -y curl",
                "cat",
                "bash",
                "apk update",
                "python3"
            ]
        );
    }

    #[test]
    fn inline_heredocs_in_scripts_are_skipped() {
        let dockerfile =
            "FROM x\nRUN <<EOF\ncat > f <<'DATA'\napt-get upgrade\nDATA\napk update\nEOF\n";
        assert_eq!(names(dockerfile), ["cat", "apk update"]);
    }

    #[test]
    fn onbuild_run() {
        assert_eq!(
            names("FROM x\nONBUILD RUN apt-get update\n"),
            ["apt-get update"]
        );
    }

    #[test]
    fn words_point_at_their_true_place() {
        let text = "FROM x\nRUN echo a && \\\n    # comment\n    apt-get \\\n      update\nRUN <<EOF\n  apk upgrade\nEOF\n";
        let parsed = parse(text.to_owned()).unwrap();
        let position = |offset| parsed.lines.position(&parsed.text, offset);
        let run = run_commands(&parsed, &parsed.instructions[1]);
        let apt = &run[1];
        assert_eq!(apt.name(), "apt-get");
        let span = apt.span_to(apt.words.len() - 1);
        assert_eq!(
            (position(span.start).line, position(span.start).column),
            (4, 5)
        );
        assert_eq!(
            (position(span.end).line, position(span.end).column),
            (5, 13)
        );
        let heredoc = run_commands(&parsed, &parsed.instructions[2]);
        let apk = heredoc.iter().find(|c| c.name() == "apk").unwrap();
        let start = position(apk.words[0].span.start);
        assert_eq!((start.line, start.column), (7, 3));
    }

    #[test]
    fn pathological_inputs_stay_bounded() {
        // Long logical lines come from continuation lines (a physical line
        // is at most 64 KiB).
        let deep = format!(
            "FROM x\nRUN {}echo{}\n",
            "$( \\\n".repeat(50_000),
            ") \\\n".repeat(50_000)
        );
        assert!(!argvs(&deep).is_empty());
        let nested = format!("FROM x\nRUN {}\n", "sh -c \\\n".repeat(20_000));
        let _ = argvs(&nested);
        let unbalanced = "FROM x\nRUN echo \"unterminated $(foo `bar ${x\n";
        let _ = argvs(unbalanced);
    }
}
