//! DF023 download-unverified: `curl` or `wget` fetches a file over the
//! network — into a file, or into a program such as `tar` or `dpkg` — and
//! nothing in the same `RUN` checks what arrived. The server can send
//! other bytes tomorrow, and the build would not notice.

use std::collections::HashSet;

use super::downloads::{
    downloads, is_content_addressed, is_network_url, reads_program_from_stdin, run_as_code,
    url_file_name, Destination,
};
use super::{Context, Run};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::{basename, Command};
use crate::source::quote;

pub const RULE: Rule = Rule {
    code: "DF023",
    name: "download-unverified",
    severity: Severity::Warning,
    summary: "`curl`/`wget` fetching a file or feeding a program (`tar`, `dpkg -i`, `gpg --import` …) with no checksum or signature check of it in the same `RUN`",
    doc: include_str!("../../../rules/DF023.md"),
    check: Check::Dockerfile(check),
};

/// Programs that compute a checksum: with `-c` they check a list, without
/// it their output is compared (`sha256sum f | grep …`).
const CHECKSUM_TOOLS: &[&str] = &[
    "sha1sum",
    "sha224sum",
    "sha256sum",
    "sha384sum",
    "sha512sum",
    "md5sum",
    "b2sum",
    "shasum",
    "cksum",
];

/// What a `RUN` checks: the names its verifications mention (every word
/// of a checksum line, of the command that computes or checks a checksum,
/// of a signature check — as written and with the variables the file
/// gives filled in), and whether one checks a list whose content the file
/// does not show (`sha256sum -c SHA256SUMS`).
#[derive(Default)]
struct Checks {
    names: HashSet<String>,
    any_list: bool,
}

impl Checks {
    fn of(context: &Context, run: &Run) -> Checks {
        let mut checks = Checks::default();
        // A list the `RUN` makes itself from what it downloaded
        // (`sha256sum f > f.sha`) proves nothing when checked.
        let made: HashSet<&str> = run
            .commands
            .iter()
            .filter(|c| CHECKSUM_TOOLS.contains(&c.name()))
            .flat_map(|c| &c.redirects)
            .filter(|r| matches!(r.operator.as_str(), ">" | ">>"))
            .filter_map(|r| r.target.as_ref().map(|t| basename(t.as_str())))
            .collect();
        for (index, command) in run.commands.iter().enumerate() {
            let name = command.name();
            let at = command.words.first().map_or(0, |w| w.span.start);
            if CHECKSUM_TOOLS.contains(&name) {
                let checks_list = command.args().iter().any(|w| {
                    let w = w.as_str();
                    w == "--check" || w.starts_with('-') && !w.starts_with("--") && w.contains('c')
                });
                if checks_list {
                    // The list: files named as operands, or what reaches
                    // its standard input (`echo "$SHA  go.tgz" | sha256sum -c -`).
                    let lists: Vec<&str> = command
                        .args()
                        .iter()
                        .map(|w| w.as_str())
                        .filter(|w| !w.starts_with('-') && !w.starts_with("<("))
                        .collect();
                    if lists.iter().any(|list| made.contains(basename(list))) {
                        continue;
                    }
                    checks.any_list |= !lists.is_empty();
                    // Its source text too: `sha256sum -c <(echo "$SHA  f")`.
                    let source = context.dockerfile.slice(command_span(command));
                    checks.note_text(context, run, at, source);
                    checks.note_words(context, run, command);
                    for earlier in run.pipelines.before(&run.commands, index) {
                        checks.note_words(context, run, earlier);
                    }
                    for redirect in &command.redirects {
                        if let Some(target) = &redirect.target {
                            checks.note_text(context, run, at, target.as_str());
                        }
                        let body = redirect.inline_body.or_else(|| {
                            let instruction =
                                context.dockerfile.instructions[run.instruction].effective();
                            redirect
                                .heredoc
                                .and_then(|h| instruction.heredocs.get(h))
                                .map(|h| h.body)
                        });
                        if let Some(body) = body {
                            checks.note_text(context, run, at, context.dockerfile.slice(body));
                        }
                    }
                } else if command.parent.is_some()
                    || run.pipelines.after(&run.commands, index).next().is_some()
                {
                    // `[ "$(sha256sum f | cut -d' ' -f1)" = "$SHA" ]`,
                    // `sha256sum f | grep -q "$SHA"`.
                    checks.note_words(context, run, command);
                }
                continue;
            }
            let has =
                |options: &[&str]| command.args().iter().any(|w| options.contains(&w.as_str()));
            match name {
                // `gpg --verify x.asc x`; with the signature alone, the data
                // is its name without `.asc`. `gpg --decrypt --output f
                // f.asc` checks a clearsigned file and writes what it signed.
                "gpg" | "gpg2" if has(&["--verify", "--verify-files", "--decrypt", "-d"]) => {
                    checks.note_signed(context, run, command)
                }
                "gpgv" | "gpgv2" | "minisign" | "signify" => {
                    checks.note_signed(context, run, command)
                }
                "cosign"
                    if command
                        .args()
                        .iter()
                        .any(|w| w.as_str().starts_with("verify")) =>
                {
                    checks.note_words(context, run, command)
                }
                "slsa-verifier" => checks.note_words(context, run, command),
                "gh" if has(&["attestation"]) => checks.note_words(context, run, command),
                "openssl"
                    if has(&[
                        "dgst", "sha1", "sha224", "sha256", "sha384", "sha512", "md5", "sha3-256",
                        "sha3-512",
                    ]) =>
                {
                    checks.note_words(context, run, command)
                }
                _ => {}
            }
        }
        checks
    }

    fn note_signed(&mut self, context: &Context, run: &Run, command: &Command) {
        self.note_words(context, run, command);
        for w in command.args() {
            let value = context.partial_text(run, w.span.start, w.as_str()).0;
            for extension in [".asc", ".sig", ".gpg", ".minisig"] {
                if let Some(data) = value.strip_suffix(extension) {
                    self.note(data);
                }
            }
        }
    }

    /// The words of a command, as written and as the shell gives them.
    fn note_words(&mut self, context: &Context, run: &Run, command: &Command) {
        for word in &command.words {
            self.note(word.as_str());
            if word.expands {
                let value = context.partial_text(run, word.span.start, word.as_str()).0;
                self.note(&value);
            }
        }
    }

    /// A piece of text (a heredoc, a here-string), as written and with the
    /// variables filled in.
    fn note_text(&mut self, context: &Context, run: &Run, at: usize, text: &str) {
        self.note(text);
        if text.contains('$') {
            let value = context.partial_text(run, at, text).0;
            self.note(&value);
        }
    }

    /// Remember the file names a piece of text mentions: each token's
    /// basename.
    fn note(&mut self, text: &str) {
        let tokens = text.split(|c: char| c.is_whitespace() || "\"'()|;<>=`".contains(c));
        for token in tokens {
            // `*` marks binary mode in a checksum line; `^…$` anchor a
            // `grep` for the file's line in a list.
            let token = token.trim_start_matches(['*', '^']).trim_end_matches('$');
            let name = basename(token);
            if !name.is_empty() {
                self.names.insert(name.to_owned());
            }
        }
    }

    /// Whether a check covers a file known by any of `names`.
    fn cover(&self, names: &[&str]) -> bool {
        self.any_list
            || names
                .iter()
                .map(|p| basename(p.trim_matches(['"', '\''])))
                .any(|name| !name.is_empty() && self.names.contains(name))
    }
}

/// The span of a command's words.
fn command_span(command: &Command) -> crate::source::span::Span {
    let first = command.words.first().map(|w| w.span).unwrap_or_default();
    let last = command.words.last().map(|w| w.span).unwrap_or_default();
    first.cover(last)
}

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for run in &context.runs {
        let pipelines = &run.pipelines;
        let found = downloads(context, run);
        if found.is_empty() {
            continue;
        }
        let checks = Checks::of(context, run);
        for download in found {
            let command = &run.commands[download.command];
            let url_word = &command.words[download.url];
            if !is_network_url(&download.url_value) && !is_network_url(url_word.as_str())
                || is_content_addressed(&download.url_value)
            {
                continue;
            }
            // The URL as written, without its quotes.
            let url = quote(
                context
                    .dockerfile
                    .slice(url_word.span)
                    .trim_matches(['"', '\'']),
            );
            let span = command.words[command.program].span.cover(url_word.span);
            let tool = command.name();
            let diagnostic = match &download.destination {
                Destination::File(written) => {
                    let at = url_word.span.start;
                    let (value, known) = context.partial_text(run, at, written);
                    if [written.as_str(), value.as_str()].contains(&"/dev/null") {
                        continue;
                    }
                    // `curl -O`, `wget URL`: the name comes from the URL,
                    // written or filled in.
                    let from_url = url_file_name(url_word.as_str());
                    if checks.cover(&[written, &value, from_url]) {
                        continue;
                    }
                    let shown = if known {
                        value.as_str()
                    } else {
                        written.as_str()
                    };
                    let name = display_name(shown, &download.url_value);
                    Diagnostic::new(
                        span,
                        format!("`{tool}` downloads `{url}` into `{shown}`, and nothing in this `RUN` checks what arrived"),
                        format!("check it against a pinned checksum in the same `RUN`: `echo \"<sha256>  {name}\" | sha256sum -c -`"),
                    )
                }
                Destination::Stdout => {
                    // Piped into an interpreter: DF021's finding.
                    if run_as_code(context, &run.commands, pipelines, download.command).is_some() {
                        continue;
                    }
                    let Some(consumer) = pipelines.after(&run.commands, download.command).next()
                    else {
                        continue;
                    };
                    if reads_program_from_stdin(consumer) || !CONSUMERS.contains(&consumer.name()) {
                        continue;
                    }
                    let program = consumer.name();
                    let name = url_file_name(&download.url_value);
                    let name = if name.is_empty() { "file" } else { name };
                    Diagnostic::new(
                        span,
                        format!("`{tool}` downloads `{url}` straight into `{program}`, and nothing checks what arrived"),
                        format!("download to a file, check it (`echo \"<sha256>  {name}\" | sha256sum -c -`), then give it to `{program}`"),
                    )
                }
            };
            out.push(diagnostic);
        }
    }
}

/// Programs that unpack, install or trust what they read: a download piped
/// into one of them is used unchecked.
const CONSUMERS: &[&str] = &[
    "tar", "bsdtar", "unzip", "funzip", "gunzip", "gzip", "zcat", "xz", "unxz", "xzcat", "bunzip2",
    "bzip2", "bzcat", "zstd", "unzstd", "zstdcat", "cpio", "dpkg", "rpm", "apt-key", "gpg", "gpg2",
    "install", "tee", "jar",
];

/// The file's name for messages: its basename.
fn display_name<'a>(path: &'a str, url: &'a str) -> &'a str {
    let name = basename(path.trim_matches(['"', '\'']));
    if name.is_empty() {
        let from_url = url_file_name(url);
        if from_url.is_empty() {
            "file"
        } else {
            from_url
        }
    } else {
        name
    }
}
