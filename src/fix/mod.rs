//! `--fix`, `--unsafe-fixes` and `--diff` (spec §7), as ruff applies
//! fixes: rules only propose them; here each finding's fix becomes edits of
//! its file — after `resolve` has looked up what it needs (an image's
//! digest, a download's checksum, a tag's commit) — applied only where the
//! file still reads what was audited and the result parses, never two
//! overlapping, then written atomically (`write`) or shown (`diff`).

pub mod diff;
pub mod follows;
pub mod relock;
pub mod write;

pub use diff::diff;
pub use write::write_atomically;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::audit::Report;
use crate::finding::{Applicability, Edit, Finding, Fix, FixAction};
use crate::resolve::{self, net, Lookup};
use crate::source::dockerfile::image_ref::ImageRef;
use crate::source::span::{LineEnds, Position, SourceText, Span};

/// What a run may fix.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Only fixes that need no network (`--offline`).
    pub offline: bool,
    pub network: net::Network,
}

/// What the fixes of a run do.
#[derive(Debug, Default)]
pub struct Plan {
    /// The files that change, in path order.
    pub files: Vec<FileChange>,
    /// Fixes that could not be made, and why.
    pub failed: Vec<NotFixed>,
    /// Fixes left out because they need the network (`--offline`).
    pub offline: usize,
    /// Fixes left out because they are unsafe (no `--unsafe-fixes`).
    pub unsafe_left: usize,
    /// What the lookups want the user to know (a Docker config that could
    /// not be read).
    pub warnings: Vec<String>,
}

#[derive(Debug)]
pub struct FileChange {
    /// As shown in reports.
    pub path: String,
    /// Where it is on disk.
    pub file: std::path::PathBuf,
    pub before: String,
    pub after: String,
    /// What changed, for the report: where, the rule, old and new text.
    pub fixed: Vec<Fixed>,
    /// It is standard input: there is no file to write.
    pub stdin: bool,
    /// The replacements made, in order: spans of `before` and their text.
    pub edits: Vec<(Span, String)>,
}

#[derive(Debug)]
pub struct Fixed {
    pub code: &'static str,
    /// Where the edit starts.
    pub start: Position,
    /// Where the finding it fixes is (in its own file).
    pub finding: Position,
    pub old: String,
    pub new: String,
}

#[derive(Debug)]
pub struct NotFixed {
    pub code: &'static str,
    pub path: String,
    pub start: Position,
    /// What was to be looked up or changed.
    pub subject: String,
    pub reason: String,
}

/// The fixes of `report`'s findings that `settings` allow, as changed
/// files; `progress` shows the lookups on stderr when there are many.
pub fn plan(
    report: &Report,
    settings: &Settings,
    cwd: &Path,
    stdin: Option<&str>,
    files: &HashMap<String, std::path::PathBuf>,
) -> Plan {
    // The file behind a shown path: the one discovered under that name (a
    // name that is not UTF-8 is shown lossily), else the path itself.
    let on_disk = |shown: &str| files.get(shown).cloned().unwrap_or_else(|| cwd.join(shown));
    let mut plan = Plan::default();
    let broken: std::collections::HashSet<&str> =
        report.errors.iter().map(|e| e.path.as_str()).collect();
    let mut chosen: Vec<(&Finding, &Fix)> = Vec::new();
    for finding in &report.findings {
        let Some(fix) = &finding.fix else { continue };
        if fix.applicability == Applicability::Unsafe && !settings.unsafe_fixes {
            plan.unsafe_left += 1;
            continue;
        }
        if fix.needs_network() && settings.offline {
            plan.offline += 1;
            continue;
        }
        // A file that could not be read whole is never rewritten.
        if broken.contains(finding.path.as_str()) {
            continue;
        }
        // Standard input's own text is fixed, not a file beside it.
        if stdin == Some(finding.path.as_str()) && fix.file().is_some() {
            continue;
        }
        chosen.push((finding, fix));
    }
    let mut lookups: Vec<Lookup> = chosen.iter().filter_map(|(_, fix)| lookup(fix)).collect();
    lookups.sort();
    lookups.dedup();
    let resolved = resolve::resolve_all(&lookups, &settings.network);
    plan.warnings = resolved.warnings;
    let answers = resolved.answers;

    // By the file each fix changes (flake.nix for NX005's, found in
    // flake.lock).
    let mut by_file: BTreeMap<String, Vec<(&Finding, &Fix)>> = BTreeMap::new();
    for (finding, fix) in chosen {
        let target = match fix.file() {
            Some(name) => sibling(&finding.path, name),
            None => finding.path.clone(),
        };
        if broken.contains(target.as_str()) {
            continue;
        }
        by_file.entry(target).or_default().push((finding, fix));
    }
    for (path, fixes) in by_file {
        let path = path.as_str();
        // The text audited, or (flake.nix beside a lock) read now, when it
        // needs no second look for changes.
        let (source, read_now) = match report.sources.get(path) {
            Some(source) => (source.clone(), false),
            None => match crate::input::read_file(&on_disk(path), crate::input::MAX_FILE_SIZE)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
            {
                Some(text) => (SourceText::new(text, LineEnds::Any), true),
                None => continue,
            },
        };
        let before = &source.text;
        let mut edits: Vec<(Edit, &Finding)> = Vec::new();
        let mut follows_made = follows_edits(&fixes, before).into_iter();
        // A YAML alias (`image: *img`) is fixed where its anchor is: when
        // the same reference is fixed in this file at a place that is no
        // alias, the alias is not a failure.
        let is_alias = |fix: &Fix| {
            let span = match &fix.action {
                FixAction::PinImage { span, .. } | FixAction::PinAction { span, .. } => span,
                _ => return false,
            };
            before.get(span.start..span.end).is_some_and(is_alias)
        };
        let anchored: std::collections::HashSet<Lookup> = fixes
            .iter()
            .filter(|(_, fix)| !is_alias(fix))
            .filter_map(|(_, fix)| lookup(fix))
            .collect();
        for (finding, fix) in fixes {
            if is_alias(fix) && lookup(fix).is_some_and(|key| anchored.contains(&key)) {
                continue;
            }
            let failure = |reason: String, subject: String| NotFixed {
                code: finding.code,
                path: finding.path.clone(),
                start: finding.start,
                subject,
                reason,
            };
            let made = match (&fix.action, lookup(fix)) {
                (FixAction::Edits(list), _) => Ok(list.clone()),
                (
                    FixAction::Follows {
                        path: input,
                        target,
                    },
                    _,
                ) => follows_made
                    .next()
                    .unwrap_or_else(|| Err("no edit".to_owned()))
                    .map(|edit| vec![edit])
                    .map_err(|reason| {
                        failure(reason, format!("`{}` → `{target}`", input.join("/")))
                    }),
                (action, Some(key)) => match answers.get(&key) {
                    Some(Ok(answer)) => edits_for(action, answer, before)
                        .map_err(|reason| failure(reason, key.subject())),
                    Some(Err(reason)) => Err(failure(reason.clone(), key.subject())),
                    None => continue,
                },
                (_, None) => continue,
            };
            match made {
                Ok(list) => edits.extend(list.into_iter().map(|edit| (edit, finding))),
                Err(not_fixed) => plan.failed.push(not_fixed),
            }
        }
        let Applied {
            text: after,
            fixed,
            edits: applied,
            dropped,
        } = apply(before, &source.lines(), edits);
        for finding in dropped {
            plan.failed.push(NotFixed {
                code: finding.code,
                path: finding.path.clone(),
                start: finding.start,
                subject: "its edit".to_owned(),
                reason: "it overlaps another fix in the same place; run --fix again".to_owned(),
            });
        }
        if fixed.is_empty() || after == *before {
            continue;
        }
        if let Some(problem) = syntax_problem(path, &after, &fixed) {
            for fix in &fixed {
                plan.failed.push(NotFixed {
                    code: fix.code,
                    path: path.to_owned(),
                    start: fix.start,
                    subject: format!("`{}`", fix.old),
                    reason: format!("the fixed file would not parse ({problem})"),
                });
            }
            continue;
        }
        // The file must still read what was audited.
        let from_stdin = stdin == Some(path);
        match crate::input::read_file(&on_disk(path), crate::input::MAX_FILE_SIZE) {
            _ if from_stdin || read_now => {}
            Ok(now) if now == before.as_bytes() => {}
            _ => {
                for fix in &fixed {
                    plan.failed.push(NotFixed {
                        code: fix.code,
                        path: path.to_owned(),
                        start: fix.start,
                        subject: format!("`{}`", fix.old),
                        reason: "the file changed while it was audited".to_owned(),
                    });
                }
                continue;
            }
        }
        plan.files.push(FileChange {
            path: path.to_owned(),
            file: on_disk(path),
            before: before.clone(),
            after,
            fixed,
            stdin: from_stdin,
            edits: applied,
        });
    }
    plan.failed
        .sort_by(|a, b| (a.path.as_str(), a.start).cmp(&(b.path.as_str(), b.start)));
    // One line for one place (a merged YAML step is found twice there).
    plan.failed.dedup_by(|a, b| {
        (a.code, &a.path, a.start, &a.subject) == (b.code, &b.path, b.start, &b.subject)
    });
    plan
}

/// `name` in the directory of the shown path `path`.
fn sibling(path: &str, name: &str) -> String {
    match path.rfind('/') {
        Some(slash) => format!("{}/{name}", &path[..slash]),
        None => name.to_owned(),
    }
}

fn lookup(fix: &Fix) -> Option<Lookup> {
    match &fix.action {
        FixAction::Edits(_) | FixAction::Follows { .. } => None,
        FixAction::PinImage { reference, .. } => Some(Lookup::Digest(reference.clone())),
        FixAction::Checksum { url, .. } => Some(Lookup::Checksum(url.clone())),
        FixAction::PinAction {
            name, reference, ..
        } => {
            let repository: Vec<&str> = name.split('/').take(2).collect();
            Some(Lookup::Commit {
                repository: repository.join("/"),
                reference: reference.clone(),
            })
        }
    }
}

/// The edits a looked-up fix makes, checked against the text it changes.
fn edits_for(action: &FixAction, answer: &str, text: &str) -> Result<Vec<Edit>, String> {
    let read = |span: &Span| {
        text.get(span.start..span.end)
            .ok_or_else(|| "the finding's place is not in the file".to_owned())
    };
    match action {
        FixAction::PinImage { span, reference } => {
            let written = read(span)?;
            let inner = locate_inner(written, reference, &["docker://"])
                .ok_or_else(|| not_located(written, "image"))?;
            let image = ImageRef::parse(reference);
            let tag = image.tag.as_deref().unwrap_or("latest");
            let start = span.start + inner;
            Ok(vec![Edit {
                span: Span {
                    start,
                    end: start + reference.len(),
                },
                old: reference.clone(),
                new: format!("{}:{tag}@{answer}", image.name),
            }])
        }
        FixAction::Checksum { span, url } => {
            if read(span)? != url {
                return Err("the URL is not written out in the file".to_owned());
            }
            Ok(vec![Edit {
                span: *span,
                old: url.clone(),
                new: format!("--checksum={answer} {url}"),
            }])
        }
        FixAction::PinAction {
            span,
            name,
            reference,
        } => {
            let written = read(span)?;
            let uses = format!("{name}@{reference}");
            let inner =
                locate_inner(written, &uses, &[]).ok_or_else(|| not_located(written, "action"))?;
            // The tag stays readable, as a comment: only where the line
            // can take one — not inside a flow mapping, nor in a block
            // scalar, where `#` is text.
            let place = comment_place(text, span).filter(|_| !says_already(text, span, reference));
            let mut new = written.to_owned();
            new.replace_range(inner..inner + uses.len(), &format!("{name}@{answer}"));
            let comment = format!(" # {reference}");
            let mut edits = Vec::new();
            match place {
                Some(at) if at == span.end => new.push_str(&comment),
                // After a block scalar's indicator, on the line before.
                Some(at) => edits.push(Edit {
                    span: Span::new(at, at),
                    old: String::new(),
                    new: comment,
                }),
                None => {}
            }
            edits.push(Edit {
                span: *span,
                old: written.to_owned(),
                new,
            });
            Ok(edits)
        }
        FixAction::Edits(list) => Ok(list.clone()),
        FixAction::Follows { path, target } => {
            follows::insert(text, path, target).map(|edit| vec![edit])
        }
    }
}

/// The `follows` lines wanted in one flake.nix, placed with one parse, in
/// the order of `fixes`.
fn follows_edits(fixes: &[(&Finding, &Fix)], text: &str) -> Vec<Result<Edit, String>> {
    let wanted: Vec<(Vec<String>, String)> = fixes
        .iter()
        .filter_map(|(_, fix)| match &fix.action {
            FixAction::Follows { path, target } => Some((path.clone(), target.clone())),
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    follows::insert_all(text, &wanted)
}

/// Where a `# tag` comment can go for the YAML value at `span`: right
/// after it when what follows it on its line is blanks, then nothing or a
/// comment; after the indicator of a block scalar (`uses: >-` and the value
/// on the next line, where `#` would be text) when that line has no
/// comment yet; nowhere inside a flow mapping. Reads only the blanks after
/// the value and the line before it.
fn comment_place(text: &str, span: &Span) -> Option<usize> {
    let after = &text.as_bytes()[span.end..];
    let blanks = after
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    let rest_ok = match after.get(blanks) {
        None | Some(b'\n' | b'\r') => true,
        Some(b'#') => blanks > 0,
        Some(_) => false,
    };
    if !rest_ok {
        return None;
    }
    let before = text[..span.start].trim_end_matches([' ', '\t']);
    if !before.ends_with(['\n', '\r']) {
        return Some(span.end);
    }
    // The line before the value: a block scalar's indicator (`|`, `>-`,
    // `|2+`) as its last word makes the value the scalar's content.
    let through = before.trim_end_matches(['\n', '\r']);
    let line_start = through.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &through[line_start..];
    // A comment after the indicator begins at a `#` after a blank.
    let comment = line
        .char_indices()
        .find(|&(i, c)| c == '#' && line[..i].ends_with([' ', '\t']))
        .map(|(i, _)| i);
    let code = line[..comment.unwrap_or(line.len())].trim_end();
    let last = code.rsplit([' ', '\t']).next().unwrap_or_default();
    let block = last.starts_with(['|', '>'])
        && last[1..]
            .chars()
            .all(|c| matches!(c, '+' | '-' | '1'..='9'));
    match (block, comment) {
        (false, _) => Some(span.end),
        (true, None) => Some(line_start + code.len()),
        (true, Some(_)) => None,
    }
}

/// Whether the comment after the value names `reference` already
/// (`@v4  # v4`, `# v4 keep`): it is not written twice.
fn says_already(text: &str, span: &Span, reference: &str) -> bool {
    let after = &text[span.end..];
    let after = after.trim_start_matches([' ', '\t']);
    let Some(comment) = after.strip_prefix('#') else {
        return false;
    };
    let comment = comment.trim_start_matches([' ', '\t']);
    comment
        .strip_prefix(reference)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

/// Whether a YAML value is an alias (`*base`): what it names is written at
/// its anchor.
fn is_alias(written: &str) -> bool {
    written.trim_start().starts_with('*')
}

/// Why `what` (an image, an action) could not be found in `written`.
fn not_located(written: &str, what: &str) -> String {
    if is_alias(written) {
        format!("it is a YAML alias: pin the {what} where its anchor is written")
    } else {
        "it is written with quoting or escapes that --fix does not rewrite".to_owned()
    }
}

/// Where `value` sits in `written`: the whole of it, or inside quotes,
/// after one of `prefixes`; a YAML anchor or tag before it (`&base
/// alpine:3`, `!!str python:3.12`) stays where it is.
fn locate_inner(written: &str, value: &str, prefixes: &[&str]) -> Option<usize> {
    let mut skipped = 0;
    loop {
        let rest = &written[skipped..];
        let trimmed = rest.trim_start();
        if !trimmed.starts_with(['&', '!']) {
            break;
        }
        let end = trimmed.find([' ', '\t', '\n', '\r'])?;
        skipped += rest.len() - trimmed.len() + end;
    }
    let rest = &written[skipped..];
    let lead = rest.len() - rest.trim_start().len();
    let rest = rest.trim();
    let (open, body) = match rest.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) if rest.len() >= 2 && rest.as_bytes()[rest.len() - 1] == *q => {
            (1, &rest[1..rest.len() - 1])
        }
        _ => (0, rest),
    };
    let at = skipped + lead + open;
    if body == value {
        return Some(at);
    }
    prefixes
        .iter()
        .find_map(|prefix| (body.strip_prefix(prefix)? == value).then_some(at + prefix.len()))
}

/// The result of applying a file's edits.
struct Applied<'f> {
    text: String,
    fixed: Vec<Fixed>,
    /// Spans of the original text and what replaced them, in order.
    edits: Vec<(Span, String)>,
    dropped: Vec<&'f Finding>,
}

/// Apply `edits` to `text` (whose lines `lines` indexes, as its reader
/// ends them), in order: the text, what was fixed, and the findings whose
/// edit was left out because it overlaps an earlier one or its span no
/// longer reads what it expects.
fn apply<'f>(
    text: &str,
    lines: &crate::source::span::LineIndex,
    mut edits: Vec<(Edit, &'f Finding)>,
) -> Applied<'f> {
    edits.sort_by_key(|a| (a.0.span.start, a.0.span.end));
    edits.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::with_capacity(text.len() + 128);
    let mut fixed: Vec<Fixed> = Vec::new();
    let mut dropped = Vec::new();
    let mut applied: Vec<(Span, String)> = Vec::new();
    // Lines added by the edits made so far: positions are in the fixed file.
    let mut moved: isize = 0;
    let mut at = 0;
    // The last edit made, and what has been added after its text.
    let mut last: Option<(Edit, String)> = None;
    for (edit, finding) in edits {
        let added = edit.new.strip_prefix(edit.old.as_str()).map(str::to_owned);
        // Two insertions after the same text (two `follows` lines after
        // one binding) are both made, one after the other.
        if let Some((previous, so_far)) = last
            .as_mut()
            .filter(|(p, _)| p.span == edit.span && p.old == edit.old)
        {
            if let Some(mine) = added.as_deref() {
                fixed.push(Fixed {
                    code: finding.code,
                    start: shifted(insertion_at(lines, text, previous.span.end, mine), moved),
                    finding: finding.start,
                    old: edit.old.clone(),
                    new: edit.new.clone(),
                });
                out.push_str(mine);
                so_far.push_str(mine);
                moved += mine.matches('\n').count() as isize;
                if let Some((_, replacement)) = applied.last_mut() {
                    replacement.push_str(mine);
                }
                continue;
            }
        }
        if edit.span.start < at
            || text.get(edit.span.start..edit.span.end) != Some(edit.old.as_str())
        {
            dropped.push(finding);
            continue;
        }
        out.push_str(&text[at..edit.span.start]);
        out.push_str(&edit.new);
        at = edit.span.end;
        applied.push((edit.span, edit.new.clone()));
        let start = shifted(
            match added.as_deref() {
                Some(mine) if mine.starts_with(['\n', '\r']) => {
                    insertion_at(lines, text, edit.span.end, mine)
                }
                _ => lines.position(text, edit.span.start),
            },
            moved,
        );
        fixed.push(Fixed {
            code: finding.code,
            start,
            finding: finding.start,
            old: edit.old.clone(),
            new: edit.new.clone(),
        });
        moved += edit.new.matches('\n').count() as isize - edit.old.matches('\n').count() as isize;
        let so_far = added.unwrap_or_default();
        last = Some((edit, so_far));
    }
    out.push_str(&text[at..]);
    Applied {
        text: out,
        fixed,
        edits: applied,
        dropped,
    }
}

/// `position` moved down by the `lines` edits above it added.
fn shifted(position: Position, lines: isize) -> Position {
    Position {
        line: (position.line as isize + lines).max(1) as usize,
        ..position
    }
}

/// Where a line inserted at `offset` starts, before the edits above it
/// are counted: the next line, at its indentation.
fn insertion_at(
    lines: &crate::source::span::LineIndex,
    text: &str,
    offset: usize,
    added: &str,
) -> Position {
    let base = lines.position(text, offset);
    let indent = added
        .trim_start_matches(['\r', '\n'])
        .chars()
        .take_while(|c| matches!(c, ' ' | '\t'))
        .count();
    Position {
        line: base.line + usize::from(added.starts_with(['\n', '\r'])),
        column: indent + 1,
    }
}

/// Why the fixed text of `path` would not parse as what it is (judged by
/// the rules that fixed it), if it would not.
fn syntax_problem(path: &str, text: &str, fixed: &[Fixed]) -> Option<String> {
    let code = fixed.first()?.code;
    let owned = text.to_owned();
    match &code[..2] {
        "DF" => crate::source::dockerfile::parse(owned)
            .err()
            .map(|e| e.message),
        "CP" | "GH" | "GL" => crate::source::yaml::parse(text).err().map(|e| e.message),
        "DC" => crate::source::devcontainer::Devcontainer::parse(owned)
            .err()
            .map(|e| e.message),
        "NX" if path.ends_with("flake.nix") => crate::source::flake_nix::FlakeNix::parse(owned)
            .err()
            .map(|e| e.message),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_inside_quotes_and_after_prefixes() {
        assert_eq!(locate_inner("python:3", "python:3", &[]), Some(0));
        assert_eq!(locate_inner("\"python:3\"", "python:3", &[]), Some(1));
        assert_eq!(locate_inner("'python:3'", "python:3", &[]), Some(1));
        assert_eq!(
            locate_inner("docker://alpine:3", "alpine:3", &["docker://"]),
            Some(9)
        );
        assert_eq!(locate_inner("\"py\\u0074hon:3\"", "python:3", &[]), None);
        assert_eq!(locate_inner("${IMAGE}", "python:3", &[]), None);
        assert_eq!(locate_inner("&base alpine:3", "alpine:3", &[]), Some(6));
        assert_eq!(locate_inner("!!str \"python:3\"", "python:3", &[]), Some(7));
        assert_eq!(locate_inner("*base", "alpine:3", &[]), None);
    }

    #[test]
    fn pins_keep_the_tag_and_add_latest_when_there_is_none() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let text = "FROM python\nFROM \"ghcr.io/o/app:1\"\n";
        let edits = edits_for(
            &FixAction::PinImage {
                span: Span { start: 5, end: 11 },
                reference: "python".into(),
            },
            &digest,
            text,
        )
        .unwrap();
        assert_eq!(edits[0].new, format!("python:latest@{digest}"));
        let edits = edits_for(
            &FixAction::PinImage {
                span: Span { start: 17, end: 34 },
                reference: "ghcr.io/o/app:1".into(),
            },
            &digest,
            text,
        )
        .unwrap();
        assert_eq!(edits[0].span, Span { start: 18, end: 33 });
        assert_eq!(edits[0].new, format!("ghcr.io/o/app:1@{digest}"));
    }

    #[test]
    fn actions_keep_their_tag_as_a_comment_where_the_line_allows() {
        let sha = "c".repeat(40);
        let text = "- uses: actions/checkout@v4\n- {uses: actions/setup-go@v5, with: {}}\n";
        let fix = |start, end, name: &str, reference: &str| FixAction::PinAction {
            span: Span { start, end },
            name: name.into(),
            reference: reference.into(),
        };
        let edits = edits_for(&fix(8, 27, "actions/checkout", "v4"), &sha, text).unwrap();
        assert_eq!(edits[0].new, format!("actions/checkout@{sha} # v4"));
        let edits = edits_for(&fix(37, 56, "actions/setup-go", "v5"), &sha, text).unwrap();
        assert_eq!(edits[0].new, format!("actions/setup-go@{sha}"));
        // In a block scalar `#` is text; after a value, an old comment stays.
        for (text, expected) in [
            (
                "- uses: |2 # why\n    actions/y@v1\n",
                format!("actions/y@{sha}"),
            ),
            (
                "- uses: >-\t# why\n    actions/y@v1\n",
                format!("actions/y@{sha}"),
            ),
            ("- uses: actions/y@v1  # v1\n", format!("actions/y@{sha}")),
            (
                "- uses: actions/y@v1 # v1.2\n",
                format!("actions/y@{sha} # v1"),
            ),
            (
                "- uses:\n    actions/y@v1\n",
                format!("actions/y@{sha} # v1"),
            ),
            (
                "- uses: actions/y@v1  # keep\n",
                format!("actions/y@{sha} # v1"),
            ),
            ("- uses: actions/y@v1#x\n", format!("actions/y@{sha}")),
        ] {
            let start = text.find("actions/y").unwrap();
            let edits = edits_for(&fix(start, start + 12, "actions/y", "v1"), &sha, text).unwrap();
            assert_eq!(edits.len(), 1, "{text:?}");
            assert_eq!(edits[0].new, expected, "{text:?}");
        }
        // A block scalar's tag goes after its indicator, where it is a
        // comment.
        let text = "- uses: >-\n    actions/y@v1\n";
        let start = text.find("actions/y").unwrap();
        let edits = edits_for(&fix(start, start + 12, "actions/y", "v1"), &sha, text).unwrap();
        assert_eq!(edits[0].span, Span::new(10, 10));
        assert_eq!(edits[0].new, " # v1");
        assert_eq!(edits[1].new, format!("actions/y@{sha}"));
    }
}
