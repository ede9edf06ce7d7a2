//! DF020 remote-source-unverified: `ADD` of an `http(s)://` URL or a git
//! repository without `--checksum`. The server can serve different bytes
//! tomorrow, and nothing in the build would notice.

use super::downloads::is_content_addressed;
use super::tools::is_full_commit;
use super::Context;
use crate::finding::{Diagnostic, Fix, FixAction, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::{Keyword, Word};

pub const RULE: Rule = Rule {
    code: "DF020",
    name: "remote-source-unverified",
    severity: Severity::Warning,
    summary: "`ADD` of an `http(s)://` URL or a git URL without `--checksum`",
    doc: include_str!("../../../rules/DF020.md"),
    check: Check::Dockerfile(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (index, instruction) in context.dockerfile.instructions.iter().enumerate() {
        let add = instruction.effective();
        if add.keyword != Keyword::Add || add.flags.iter().any(|f| f.name == "checksum") {
            continue;
        }
        let words: Vec<Word> = match &add.exec_form {
            Some(words) => words.clone(),
            None => add.whitespace_words(),
        };
        // The last word is the destination; heredoc sources are inline.
        let sources = &words[..words.len().saturating_sub(1)];
        // `--checksum` takes one HTTP source, written out in full.
        let fixable = add.exec_form.is_none() && sources.len() == 1 && checksum_supported(context);
        for word in sources {
            let written = word.as_str();
            // `ADD https://…/x.git#${COMMIT}`: build arguments are expanded
            // as BuildKit expands them; a pin that names an argument with
            // no value is the caller's to give, and not judged.
            let expansion = context
                .build
                .expand_at(index, written, context.dockerfile.escape);
            let url = expansion.value.as_str();
            let diagnostic = match remote(url) {
                Some(Remote::Git { pinned: false }) if !expansion.unresolved.is_empty() => {
                    let names: Vec<String> =
                        expansion.unresolved.iter().map(|n| format!("`{n}`")).collect();
                    Diagnostic::new(
                        word.span,
                        format!(
                            "`ADD` of git repository `{written}` is not pinned to a commit: {} has no value in the file",
                            names.join(", ")
                        ),
                        format!(
                            "give {} a full commit id as its default, or add `--checksum=<full commit id>`",
                            names[0]
                        ),
                    )
                }
                Some(Remote::Git { pinned: false }) if expansion.too_long => continue,
                // `…/archive/<commit>.tar.gz` names its content.
                Some(Remote::Http) if is_content_addressed(url) => continue,
                Some(Remote::Git { pinned: false }) => Diagnostic::new(
                    word.span,
                    format!("`ADD` of git repository `{written}` is not pinned to a commit"),
                    "add `--checksum=<full commit id>`, or name the commit in the URL (`?checksum=<full commit id>` or `#<full commit id>`)",
                ),
                Some(Remote::Http) => Diagnostic::new(
                    word.span,
                    format!("`ADD` of `{written}` is not verified by a checksum"),
                    "add `--checksum=sha256:<digest>` so the build fails if the file changes",
                )
                .with_fix((fixable && url == written).then(|| {
                    Fix::safe(FixAction::Checksum {
                        span: word.span,
                        url: url.to_owned(),
                    })
                })),
                Some(Remote::Git { pinned: true }) | None => continue,
            };
            out.push(diagnostic);
        }
    }
}

/// Whether the file's frontend knows `ADD --checksum`: Dockerfile syntax
/// 1.6 and later (and the labs channel since 1.5); a frontend pinned to an
/// older version would refuse the fixed file.
fn checksum_supported(context: &Context) -> bool {
    let Some(syntax) = context.dockerfile.directive("syntax") else {
        return true;
    };
    let reference = crate::source::dockerfile::image_ref::ImageRef::parse(&syntax.value);
    let Some(tag) = reference.tag else {
        return true;
    };
    let version = tag.split('-').next().unwrap_or_default();
    let mut parts = version.split('.').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next()) {
        (Some(Ok(1)), Some(Ok(minor))) => minor >= 6 || (minor == 5 && tag.contains("labs")),
        (Some(Ok(major)), _) => major >= 1,
        _ => true,
    }
}

enum Remote {
    Git { pinned: bool },
    Http,
}

/// What kind of remote source an `ADD` operand is, the way BuildKit tells a
/// git repository from a plain download: a git transport (`git://`,
/// `git@host:`, `ssh://`), or an `http(s)://` URL whose path ends in `.git`.
fn remote(url: &str) -> Option<Remote> {
    let lower = url.to_ascii_lowercase();
    let (location, fragment) = url.split_once('#').unwrap_or((url, ""));
    let (path, query) = location.split_once('?').unwrap_or((location, ""));
    let http = lower.starts_with("http://") || lower.starts_with("https://");
    let git = lower.starts_with("git://")
        || lower.starts_with("git@")
        || lower.starts_with("ssh://")
        || http && (path.ends_with(".git") || path.ends_with(".git/"));
    if git {
        // `#<ref>[:<subdir>]`, or since Dockerfile 1.18 the query form
        // `?ref=…&checksum=…` (`commit` is `checksum`'s alias). A full
        // commit id cannot move.
        let reference = fragment.split(':').next().unwrap_or("");
        let by_query = query.split('&').any(|parameter| {
            parameter.split_once('=').is_some_and(|(key, value)| {
                matches!(key, "ref" | "checksum" | "commit") && is_full_commit(value)
            })
        });
        return Some(Remote::Git {
            pinned: is_full_commit(reference) || by_query,
        });
    }
    http.then_some(Remote::Http)
}
