//! Downloads in a `RUN`: what `curl` and `wget` fetch, and where it goes —
//! a file, or standard output (then the next command of the pipeline, or
//! a redirection). DF021 and DF023 read them.

use super::{Context, Run};
use crate::source::dockerfile::shell::{
    is_stdin_path, reads_script_from_stdin, shell_string, Command, Origin, Parent, Slot,
};
use crate::source::span::Span;

/// Where a download's bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A file, by the path the command names (as the shell gives it, or as
    /// written when its value is unknown).
    File(String),
    /// Standard output.
    Stdout,
}

#[derive(Debug, Clone)]
pub struct Download {
    /// The command's index in the `RUN`.
    pub command: usize,
    /// The URL's word in the command.
    pub url: usize,
    /// The URL, with the variables the file gives filled in (unknown ones
    /// left empty).
    pub url_value: String,
    pub destination: Destination,
}

/// The download tools: the short options that take a value (in a group,
/// the rest of the group or the next word is the value), and the long
/// ones that take one as the next word.
struct Tool {
    name: &'static str,
    short_with_value: &'static str,
    long_with_value: &'static [&'static str],
}

const CURL: Tool = Tool {
    name: "curl",
    short_with_value: "oHdeuAxXmwTFbcrKECYyzUQtP",
    long_with_value: &[
        "output",
        "output-dir",
        "header",
        "data",
        "data-raw",
        "data-binary",
        "data-urlencode",
        "data-ascii",
        "form",
        "form-string",
        "user",
        "user-agent",
        "proxy",
        "proxy-user",
        "preproxy",
        "request",
        "max-time",
        "write-out",
        "upload-file",
        "cookie",
        "cookie-jar",
        "range",
        "config",
        "cacert",
        "capath",
        "cert",
        "key",
        "retry",
        "retry-delay",
        "retry-max-time",
        "connect-timeout",
        "url",
        "referer",
        "limit-rate",
        "resolve",
        "connect-to",
        "proto",
        "proto-redir",
        "proto-default",
        "ciphers",
        "interface",
        "netrc-file",
        "dns-servers",
        "local-port",
        "max-filesize",
        "max-redirs",
        "speed-limit",
        "speed-time",
        "trace",
        "trace-ascii",
        "stderr",
        "expect100-timeout",
        "keepalive-time",
        "oauth2-bearer",
        "pinnedpubkey",
        "socks5",
        "socks5-hostname",
        "tls-max",
        "unix-socket",
        "aws-sigv4",
        "json",
        "variable",
        "hostpubmd5",
        "ftp-port",
        "mail-from",
        "mail-rcpt",
    ],
};

const WGET: Tool = Tool {
    name: "wget",
    short_with_value: "OoaeiPUtTwQlADRIXB",
    long_with_value: &[
        "output-document",
        "output-file",
        "append-output",
        "directory-prefix",
        "user-agent",
        "header",
        "tries",
        "timeout",
        "wait",
        "execute",
        "input-file",
        "post-data",
        "post-file",
        "user",
        "password",
        "http-user",
        "http-password",
        "ca-certificate",
        "certificate",
        "private-key",
        "quota",
        "level",
        "accept",
        "reject",
        "domains",
        "base",
        "limit-rate",
        "referer",
        "load-cookies",
        "save-cookies",
        "progress",
    ],
};

/// One option or operand of a download command.
enum Item<'w> {
    /// An option and its value, if it takes one (`-o FILE`, `-oFILE`,
    /// `--output=FILE`, `-sSLo FILE`).
    Option(char, &'w str, Option<(usize, String)>),
    Operand(usize),
}

/// Read a download command's words after the program.
fn items<'c>(command: &'c Command, tool: &Tool) -> Vec<Item<'c>> {
    let mut found = Vec::new();
    let mut i = command.program + 1;
    let mut options_done = false;
    let value_at = |i: usize| command.words.get(i).map(|w| (i, w.as_str().to_owned()));
    while let Some(word) = command.words.get(i) {
        let w = word.as_str();
        i += 1;
        if options_done || !w.starts_with('-') || w == "-" {
            found.push(Item::Operand(i - 1));
            continue;
        }
        if w == "--" {
            options_done = true;
            continue;
        }
        if let Some(long) = w.strip_prefix("--") {
            match long.split_once('=') {
                Some((name, value)) => {
                    found.push(Item::Option('-', name, Some((i - 1, value.to_owned()))))
                }
                None if tool.long_with_value.contains(&long) => {
                    found.push(Item::Option('-', long, value_at(i)));
                    i += 1;
                }
                None => found.push(Item::Option('-', long, None)),
            }
            continue;
        }
        for (at, c) in w.char_indices().skip(1) {
            if !tool.short_with_value.contains(c) {
                found.push(Item::Option(c, "", None));
                continue;
            }
            let rest = &w[at + c.len_utf8()..];
            let value = if rest.is_empty() {
                let value = value_at(i);
                i += 1;
                value
            } else {
                Some((i - 1, rest.to_owned()))
            };
            found.push(Item::Option(c, "", value));
            break;
        }
    }
    found
}

/// The last path component of a URL, as `curl -O` and `wget` name the
/// file.
pub fn url_file_name(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    match path.split_once('/') {
        Some((_, path)) => path.rsplit('/').next().unwrap_or(""),
        None => "",
    }
}

/// Whether a URL names content by its hash, so it cannot change: a full
/// commit id as a path segment (`…/archive/<commit>.tar.gz`,
/// `…/raw/<commit>/file`), or an OCI blob digest.
pub fn is_content_addressed(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.split('/').any(|segment| {
        let stem = segment.split('.').next().unwrap_or(segment);
        super::tools::is_full_commit(stem)
            || segment
                .strip_prefix("sha256:")
                .is_some_and(|hex| hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()))
    })
}

/// Every download of a `RUN`: for each URL a `curl` or `wget` fetches,
/// where it goes.
pub fn downloads(context: &Context, run: &Run) -> Vec<Download> {
    let mut found = Vec::new();
    for (index, command) in run.commands.iter().enumerate() {
        let tool = match command.name() {
            "curl" => &CURL,
            "wget" => &WGET,
            _ => continue,
        };
        let value = |word: usize| context.partial_value(run, command, word);
        let mut urls: Vec<usize> = Vec::new();
        // `wget --spider`, `curl -I`: a request that keeps no body.
        let mut no_body = false;
        let mut output: Option<String> = None;
        let mut remote_name = false;
        let mut directory: Option<String> = None;
        for item in items(command, tool) {
            match item {
                Item::Operand(i) => urls.push(i),
                Item::Option(short, long, value_word) => {
                    let value_text = value_word.as_ref().map(|(_, v)| v.clone());
                    match (tool.name, short, long) {
                        ("curl", 'o', _) | ("curl", '-', "output") => {
                            output = output.or(value_text)
                        }
                        ("curl", 'O' | 'J', _)
                        | ("curl", '-', "remote-name" | "remote-name-all" | "remote-header-name") => {
                            remote_name = true
                        }
                        ("curl", '-', "output-dir") => directory = value_text,
                        ("curl", '-', "url") => urls.extend(value_word.map(|(i, _)| i)),
                        ("wget", 'O', _) | ("wget", '-', "output-document") => {
                            output = output.or(value_text)
                        }
                        ("wget", 'P', _) | ("wget", '-', "directory-prefix") => {
                            directory = value_text
                        }
                        ("wget", '-', "spider") | ("curl", 'I', _) | ("curl", '-', "head") => {
                            no_body = true
                        }
                        _ => {}
                    }
                }
            }
        }
        if no_body {
            continue;
        }
        for url in urls {
            let url_value = value(url);
            let destination = match (&output, tool.name) {
                (Some(file), _) if file == "-" => Destination::Stdout,
                (Some(file), _) => Destination::File(file.clone()),
                (None, "curl") if !remote_name => Destination::Stdout,
                _ => {
                    // The name the URL gives, as written: the check names it
                    // the same way, or by its value, which DF023 fills in.
                    let written = command.words[url].as_str();
                    let name = match url_file_name(written) {
                        "" => url_file_name(&url_value).to_owned(),
                        name => name.to_owned(),
                    };
                    match &directory {
                        Some(dir) => {
                            Destination::File(format!("{}/{name}", dir.trim_end_matches('/')))
                        }
                        None => Destination::File(name),
                    }
                }
            };
            // `curl URL > file`
            let destination = match destination {
                Destination::Stdout => command
                    .redirects
                    .iter()
                    .find(|r| {
                        matches!(r.operator.as_str(), ">" | ">>" | ">|")
                            && r.file_descriptor.unwrap_or(1) == 1
                    })
                    .and_then(|r| r.target.as_ref())
                    .map_or(Destination::Stdout, |t| {
                        Destination::File(t.as_str().to_owned())
                    }),
                other => other,
            };
            found.push(Download {
                command: index,
                url,
                url_value,
                destination,
            });
        }
    }
    found
}

/// Whether a URL fetches over the network.
pub fn is_network_url(url: &str) -> bool {
    let lower = url.trim_start_matches(['"', '\'']).to_ascii_lowercase();
    ["http://", "https://", "ftp://", "ftps://"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// Programs that pass their input on to the next command of a pipeline,
/// transformed or not: `curl … | tee x | sh`, `curl … | gunzip | sh`.
const FILTERS: &[&str] = &[
    "tee", "cat", "gunzip", "gzip", "zcat", "bunzip2", "bzip2", "bzcat", "xz", "unxz", "xzcat",
    "zstd", "zstdcat", "base64", "sed", "tr", "head", "tail", "grep", "dos2unix", "iconv",
];

/// The commands of each pipeline of a `RUN` in order, and each command's
/// place in its pipeline, so a download walks only to what it feeds.
pub struct Pipelines {
    /// Each pipeline's commands, sorted by pipeline: a `RUN` has few, and a
    /// sorted list is a fraction of a hash map's size.
    members: Vec<(PipelineKey, Vec<usize>)>,
    place: Vec<usize>,
}

type PipelineKey = (Option<Parent>, Origin, usize);

impl Pipelines {
    pub fn new(commands: &[Command]) -> Pipelines {
        let mut keys: Vec<(PipelineKey, usize)> = commands
            .iter()
            .enumerate()
            .map(|(index, c)| ((c.parent, c.origin, c.pipeline), index))
            .collect();
        keys.sort();
        let mut members: Vec<(PipelineKey, Vec<usize>)> = Vec::new();
        let mut place = vec![0; commands.len()];
        for (key, index) in keys {
            match members.last_mut() {
                Some((last, list)) if *last == key => {
                    place[index] = list.len();
                    list.push(index);
                }
                _ => members.push((key, vec![index])),
            }
        }
        members.shrink_to_fit();
        Pipelines { members, place }
    }

    /// The commands of `commands[index]`'s pipeline, in order.
    fn pipeline(&self, command: &Command) -> &[usize] {
        let key = (command.parent, command.origin, command.pipeline);
        self.members
            .binary_search_by(|(k, _)| k.cmp(&key))
            .map_or(&[], |at| self.members[at].1.as_slice())
    }

    /// The commands before `commands[index]` in its pipeline, in order.
    pub fn before<'c>(
        &self,
        commands: &'c [Command],
        index: usize,
    ) -> impl Iterator<Item = &'c Command> + use<'c, '_> {
        let command = &commands[index];
        self.pipeline(command)[..self.place[index]]
            .iter()
            .map(move |&i| &commands[i])
    }

    /// The commands after `commands[index]` in its pipeline, in order.
    pub fn after<'c>(
        &self,
        commands: &'c [Command],
        index: usize,
    ) -> impl Iterator<Item = &'c Command> + Clone + use<'c, '_> {
        let command = &commands[index];
        self.pipeline(command)[self.place[index] + 1..]
            .iter()
            .map(move |&i| &commands[i])
    }
}

/// Where what `commands[index]` writes to standard output is run as code:
/// the span from it to the interpreter (`curl … | sh`, also through
/// filters; `bash <(curl …)`; `sh -c "$(curl …)"`), or `None`.
pub fn run_as_code(
    context: &Context,
    commands: &[Command],
    pipelines: &Pipelines,
    index: usize,
) -> Option<Span> {
    let download = &commands[index];
    let start = download.words[download.program].span;
    for next in pipelines.after(commands, index) {
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

/// Programs that run code given to them.
pub fn is_interpreter(command: &Command) -> bool {
    let name = command.name();
    command.is_shell()
        || ["python", "perl", "ruby", "node", "php"].iter().any(|p| {
            name.strip_prefix(p)
                .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        })
}

/// An interpreter that reads its program from standard input: `sh`,
/// `bash -s -- args`, `python3 -`, `sudo bash`.
pub fn reads_program_from_stdin(command: &Command) -> bool {
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
        Some(w) => w.as_str() == "-" || is_stdin_path(w.as_str()),
    }
}

/// The index of the first word after the program that is not an option.
fn first_operand(command: &Command) -> Option<usize> {
    (command.program + 1..command.words.len()).find(|&i| {
        let w = command.words[i].as_str();
        !w.starts_with('-') || w.len() == 1 || w.starts_with("<(")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_files_and_their_content() {
        assert_eq!(
            url_file_name("https://go.dev/dl/go1.23.4.linux-amd64.tar.gz?x=1"),
            "go1.23.4.linux-amd64.tar.gz"
        );
        assert_eq!(url_file_name("https://example.com"), "");
        assert!(is_content_addressed(
            "https://github.com/x/y/archive/0e322af87745eff34caffe4df68456ebc20d9068.tar.gz"
        ));
        assert!(is_content_addressed(
            "https://raw.githubusercontent.com/x/y/0e322af87745eff34caffe4df68456ebc20d9068/install.sh"
        ));
        assert!(!is_content_addressed(
            "https://github.com/x/y/archive/refs/tags/v1.2.tar.gz"
        ));
        assert!(is_network_url("ftp://ftp.gnu.org/gnu/x.tar.gz") && !is_network_url("file:///x"));
    }
}
