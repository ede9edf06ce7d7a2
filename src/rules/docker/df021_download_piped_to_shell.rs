//! DF021 download-piped-to-shell: a script downloaded and run in one step
//! (`curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`,
//! `sh -c "$(curl …)"`). What runs is whatever the server sends that day,
//! and nothing records or checks it.

use std::collections::HashMap;

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::{
    reads_script_from_stdin, shell_string, Command, Origin, Parent, Slot,
};
use crate::source::quote;
use crate::source::span::Span;

pub const RULE: Rule = Rule {
    code: "DF021",
    name: "download-piped-to-shell",
    severity: Severity::Error,
    summary: "a download piped into an interpreter: `curl … | sh`, `wget -O- … | bash`, `bash <(curl …)`, `sh -c \"$(curl …)\"`",
    doc: include_str!("../../../rules/DF021.md"),
    check: Check::Dockerfile(check),
};

const HELP: &str =
    "download to a file, check it against a pinned checksum (`sha256sum -c`), then run it";

/// Programs that pass their input on to the next command of a pipeline,
/// transformed or not: `curl … | tee x | sh`, `curl … | gunzip | sh`.
const FILTERS: &[&str] = &[
    "tee", "cat", "gunzip", "gzip", "zcat", "bunzip2", "bzip2", "bzcat", "xz", "unxz", "xzcat",
    "zstd", "zstdcat", "base64", "sed", "tr", "head", "tail", "grep", "dos2unix", "iconv",
];

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for run in &context.runs {
        let commands = &run.commands;
        // The commands of each pipeline in order, and each command's place
        // in its pipeline, so a download walks only to what it feeds.
        let mut pipelines: HashMap<(Option<Parent>, Origin, usize), Vec<usize>> = HashMap::new();
        let mut place = Vec::with_capacity(commands.len());
        for (index, command) in commands.iter().enumerate() {
            let members = pipelines
                .entry((command.parent, command.origin, command.pipeline))
                .or_default();
            place.push(members.len());
            members.push(index);
        }
        for (index, download) in commands.iter().enumerate() {
            if !writes_download_to_stdout(download) {
                continue;
            }
            let members = &pipelines[&(download.parent, download.origin, download.pipeline)];
            let after = members[place[index] + 1..].iter().map(|&i| &commands[i]);
            let Some(span) = piped_into_interpreter(context, commands, after, download) else {
                continue;
            };
            out.push(Diagnostic::new(
                span,
                format!(
                    "`{}` runs whatever script the server sends, unchecked",
                    quote(context.dockerfile.slice(span))
                ),
                HELP,
            ));
        }
    }
}

/// Where the downloaded text of `download` is run: the span from the
/// download to the interpreter, or `None` when it is not run. `after` are
/// the commands after it in its pipeline.
fn piped_into_interpreter<'c>(
    context: &Context,
    commands: &[Command],
    after: impl Iterator<Item = &'c Command>,
    download: &Command,
) -> Option<Span> {
    let start = download.words[download.program].span;
    // `curl … | sh`, also through filters: `curl … | tee x | sh`.
    for next in after {
        if reads_program_from_stdin(next) {
            return Some(start.cover(next.words[next.program].span));
        }
        if !FILTERS.contains(&next.name()) {
            break;
        }
    }
    // `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(curl …)"`.
    let parent = download.parent?;
    let Slot::Word(slot) = parent.slot else {
        return None;
    };
    let holder = commands.get(parent.command)?;
    let word = holder.words.get(slot)?;
    let raw = context.dockerfile.slice(word.span);
    let runs = if raw.starts_with("<(") {
        // The substitution is the script file the interpreter runs.
        is_interpreter(holder) && first_operand(holder) == Some(slot)
            || matches!(holder.name(), "source" | ".")
    } else {
        holder.name() == "eval"
            || shell_string(holder) == Some(slot)
            || is_interpreter(holder)
                && !holder.is_shell()
                && slot > 0
                && matches!(holder.words[slot - 1].as_str(), "-c" | "-e" | "-r" | "-E")
    };
    runs.then(|| holder.words[holder.program].span.cover(word.span))
}

/// `curl URL` (no `-o`/`-O`, or `-o -`), `wget -O- URL`, `wget -qO - URL`.
fn writes_download_to_stdout(command: &Command) -> bool {
    match command.name() {
        "curl" => output_option(
            command,
            "oOJ",
            &[
                "--output",
                "--remote-name",
                "--remote-name-all",
                "--output-dir",
            ],
        )
        .is_none_or(|value| value == "-"),
        "wget" => {
            output_option(command, "O", &["--output-document"]).is_some_and(|value| value == "-")
        }
        _ => false,
    }
}

/// The value of the first output option: `-o FILE`, `-oFILE`, `-sSLo FILE`,
/// `--output FILE`, `--output=FILE`; `-O` (a flag for curl) gives "".
fn output_option(command: &Command, short: &str, long: &[&str]) -> Option<String> {
    // Short options of curl and wget that take a value; in a group, the
    // rest of the group (or the next word) is that value.
    let with_value = match command.name() {
        "curl" => "oHdeuAxXmwTFbcrKECYyzUQtP",
        _ => "OoaeiPUtTwQlADRIXBbY",
    };
    let args = command.args();
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let w = word.as_str();
        let next = || {
            args.get(i + 1)
                .map(|n| n.as_str().to_string())
                .unwrap_or_default()
        };
        if let Some(long_option) = w.strip_prefix("--") {
            let (name, value) = long_option
                .split_once('=')
                .map_or((long_option, None), |(n, v)| (n, Some(v)));
            if long.iter().any(|l| &l[2..] == name) {
                // `--remote-name` takes no value.
                let takes_value = matches!(name, "output" | "output-document" | "output-dir");
                return Some(match (value, takes_value) {
                    (Some(v), _) => v.to_string(),
                    (None, true) => next(),
                    (None, false) => String::new(),
                });
            }
            i += 1;
            continue;
        }
        if w.len() > 1 && w.starts_with('-') {
            for (at, c) in w.char_indices().skip(1) {
                if short.contains(c) {
                    if !with_value.contains(c) {
                        return Some(String::new());
                    }
                    let rest = &w[at + 1..];
                    return Some(if rest.is_empty() {
                        next()
                    } else {
                        rest.to_string()
                    });
                }
                if with_value.contains(c) {
                    // Its value is the rest of the group or the next word.
                    if at + 1 == w.len() {
                        i += 1;
                    }
                    break;
                }
            }
        }
        i += 1;
    }
    None
}

/// Programs that run code given to them.
fn is_interpreter(command: &Command) -> bool {
    let name = command.name();
    command.is_shell()
        || ["python", "perl", "ruby", "node", "php"].iter().any(|p| {
            name.strip_prefix(p)
                .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        })
}

/// An interpreter that reads its program from standard input: `sh`,
/// `bash -s -- args`, `python3 -`, `sudo bash`.
fn reads_program_from_stdin(command: &Command) -> bool {
    if command.is_shell() {
        return reads_script_from_stdin(command);
    }
    if !is_interpreter(command) {
        return false;
    }
    let args = command.args();
    if args
        .iter()
        .any(|w| matches!(w.as_str(), "-c" | "-e" | "-E" | "-r" | "-m"))
    {
        return false;
    }
    match args
        .iter()
        .find(|w| !w.as_str().starts_with('-') || w.as_str() == "-")
    {
        None => true,
        Some(w) => w.as_str() == "-",
    }
}

/// The index of the first word after the program that is not an option.
fn first_operand(command: &Command) -> Option<usize> {
    (command.program + 1..command.words.len()).find(|&i| {
        let w = command.words[i].as_str();
        !w.starts_with('-') || w.len() == 1 || w.starts_with("<(")
    })
}
