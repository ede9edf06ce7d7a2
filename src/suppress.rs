//! Suppression pragmas: `# repro-audit ignore=DF002,DF010` on the comment
//! lines right above an instruction (or a flake input's declaration, or a
//! line of a `.nix` file), `# repro-audit global ignore=DF010` anywhere for
//! the whole file. In YAML and JSON with comments, a pragma may also end
//! the line it is about (`uses: o/a@v4 # repro-audit ignore=GH001`), as
//! YAML linters read theirs. Codes or names are accepted.
//!
//! Every rule a pragma names is remembered with where it is written and
//! whether it suppressed anything, and every comment that looks like a
//! pragma but is not one is kept with the reason: RA001 and RA002 report
//! them.

use std::cell::Cell;
use std::collections::HashMap;

use crate::rules;
use crate::source::dockerfile::Dockerfile;
use crate::source::flake_nix::FlakeNix;
use crate::source::nix_file::NixFile;
use crate::source::span::{LineIndex, Span};

/// A rule selector a pragma names: a code, a name, or a code prefix
/// (`DF01`), as `--select` takes them.
#[derive(Debug)]
pub struct Named {
    /// As written in the pragma.
    pub written: String,
    /// The rules it names.
    pub codes: Vec<&'static str>,
    /// Where the code or name is written.
    pub span: Span,
    pub global: bool,
    /// Whether it suppressed a finding.
    pub used: Cell<bool>,
}

/// A file's pragmas.
#[derive(Debug, Default)]
pub struct Pragmas {
    /// Every rule a pragma names, in file order.
    pub named: Vec<Named>,
    /// Comments that look like pragmas but are not, or name what is no
    /// rule: where, and why.
    pub invalid: Vec<(Span, String)>,
    /// The global ones, by code.
    global: HashMap<&'static str, Vec<usize>>,
    /// 0-based line right below a block of comment lines → the local rules
    /// named in the block.
    below: HashMap<usize, Vec<usize>>,
    /// 0-based line that a pragma ends → the local rules it names.
    ending: HashMap<usize, Vec<usize>>,
}

impl Pragmas {
    /// One pass over the comment lines (spans of comments alone on their
    /// lines), block by block.
    pub fn new(text: &str, lines: &LineIndex, comments: &[Span]) -> Pragmas {
        let mut pragmas = Pragmas::default();
        let mut sorted: Vec<Span> = comments.to_vec();
        sorted.sort_by_key(|span| span.start);
        // The block being read: its last line and the rules named in it.
        let mut block: Option<(usize, Vec<usize>)> = None;
        for span in sorted {
            let line = lines.line_of(span.start);
            let ids = pragmas.read(text, span);
            block = match block.take() {
                // The next line of the same block.
                Some((last, mut gathered)) if line <= last + 1 => {
                    gathered.extend(ids);
                    Some((line, gathered))
                }
                Some((last, gathered)) => {
                    pragmas.close(last, gathered);
                    Some((line, ids))
                }
                None => Some((line, ids)),
            };
        }
        if let Some((last, gathered)) = block {
            pragmas.close(last, gathered);
        }
        pragmas
    }

    /// [`Pragmas::new`], with the comments that end lines after something
    /// else (`trailing`): each covers the line it ends.
    pub fn with_trailing(
        text: &str,
        lines: &LineIndex,
        comments: &[Span],
        trailing: &[Span],
    ) -> Pragmas {
        let mut pragmas = Pragmas::new(text, lines, comments);
        for &span in trailing {
            let ids = pragmas.read(text, span);
            if !ids.is_empty() {
                pragmas
                    .ending
                    .entry(lines.line_of(span.start))
                    .or_default()
                    .extend(ids);
            }
        }
        pragmas
    }

    /// The comment at `span`, remembered if it is or tries to be a
    /// pragma; the local rules it names.
    fn read(&mut self, text: &str, span: Span) -> Vec<usize> {
        let mut ids = Vec::new();
        match Pragma::parse(&text[span.start..span.end]) {
            Parsed::NotPragma => {}
            Parsed::Malformed(reason) => self.invalid.push((span, reason)),
            Parsed::Pragma { global, codes } => {
                for (written, range) in codes {
                    let at = Span::new(span.start + range.start, span.start + range.end);
                    let Some(named) = rules::matching(&written) else {
                        let hint = rules::suggestion(&written)
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        self.invalid.push((
                            at,
                            format!("`{written}` is no rule's code, name or code prefix, so nothing is suppressed by it{hint}"),
                        ));
                        continue;
                    };
                    let id = self.named.len();
                    let codes: Vec<&'static str> = named.iter().map(|r| r.code).collect();
                    if global {
                        for code in &codes {
                            self.global.entry(code).or_default().push(id);
                        }
                    } else {
                        ids.push(id);
                    }
                    self.named.push(Named {
                        written,
                        codes,
                        span: at,
                        global,
                        used: Cell::new(false),
                    });
                }
            }
        }
        ids
    }

    /// The local rules named by a pragma that ends 0-based `line`.
    fn ending(&self, line: usize) -> &[usize] {
        self.ending
            .get(&line)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    fn close(&mut self, last: usize, ids: Vec<usize>) {
        if !ids.is_empty() {
            self.below.insert(last + 1, ids);
        }
    }

    /// The local rules named right above 0-based `line` (other comment
    /// lines may stand between).
    fn above(&self, line: usize) -> Vec<usize> {
        self.below.get(&line).cloned().unwrap_or_default()
    }

    /// Whether a global pragma names `code` (they are then used).
    pub fn suppresses_everywhere(&self, code: &str) -> bool {
        self.global(code)
    }

    /// Whether a global pragma names `code`; those that do are used.
    fn global(&self, code: &str) -> bool {
        self.mark(
            self.global.get(code).map(Vec::as_slice).unwrap_or_default(),
            code,
        )
    }

    /// Whether any of `ids` names `code`; those that do are used.
    fn mark(&self, ids: &[usize], code: &str) -> bool {
        let mut found = false;
        for &id in ids {
            if self.named[id].codes.contains(&code) {
                self.named[id].used.set(true);
                found = true;
            }
        }
        found
    }
}

/// What a file's pragmas suppress: everywhere, and per anchor (an
/// instruction index, or a flake input's name).
#[derive(Debug)]
pub struct Suppressions<K> {
    pub pragmas: Pragmas,
    by_anchor: HashMap<K, Vec<usize>>,
}

impl<K> Default for Suppressions<K> {
    fn default() -> Self {
        Suppressions {
            pragmas: Pragmas::default(),
            by_anchor: HashMap::new(),
        }
    }
}

impl Suppressions<usize> {
    pub fn for_dockerfile(dockerfile: &Dockerfile) -> Self {
        let pragmas = Pragmas::new(&dockerfile.text, &dockerfile.lines, &dockerfile.comments);
        let mut suppressions = Suppressions {
            pragmas,
            by_anchor: HashMap::new(),
        };
        if !suppressions.pragmas.below.is_empty() {
            for (index, instruction) in dockerfile.instructions.iter().enumerate() {
                let ids = suppressions.pragmas.above(instruction.start_line - 1);
                suppressions.add(index, ids);
            }
        }
        suppressions
    }

    pub fn is_suppressed(&self, code: &str, instruction: Option<usize>) -> bool {
        let global = self.pragmas.global(code);
        let local = instruction
            .and_then(|i| self.by_anchor.get(&i))
            .is_some_and(|ids| self.pragmas.mark(ids, code));
        global || local
    }
}

impl Suppressions<String> {
    /// Pragmas above any of an input's declarations apply to that input.
    pub fn for_flake(flake: &FlakeNix) -> Self {
        let pragmas = Pragmas::new(&flake.text, &flake.lines, &flake.comment_lines);
        let mut suppressions = Suppressions {
            pragmas,
            by_anchor: HashMap::new(),
        };
        if !suppressions.pragmas.below.is_empty() {
            for input in &flake.inputs {
                for declaration in &input.declarations {
                    let line = flake.lines.line_of(declaration.start);
                    let ids = suppressions.pragmas.above(line);
                    suppressions.add(input.name.clone(), ids);
                }
            }
        }
        suppressions
    }

    /// Whether a finding about these root inputs is suppressed.
    pub fn is_suppressed_for(&self, code: &str, inputs: &[String]) -> bool {
        let global = self.pragmas.global(code);
        let mut local = false;
        for input in inputs {
            if let Some(ids) = self.by_anchor.get(input) {
                local |= self.pragmas.mark(ids, code);
            }
        }
        global || local
    }
}

impl<K: std::hash::Hash + Eq> Suppressions<K> {
    fn add(&mut self, anchor: K, ids: Vec<usize>) {
        if !ids.is_empty() {
            self.by_anchor.entry(anchor).or_default().extend(ids);
        }
    }
}

/// A `.nix` file's pragmas: above a line, they apply to the outermost
/// expression or binding that starts the line (`x = …;`, `inherit …;`, a
/// function's `x ? …`, a call), and to whatever else starts on that line.
#[derive(Debug, Default)]
pub struct NixSuppressions {
    pub pragmas: Pragmas,
    /// Each commented node with a pragma above it, and the rules named
    /// there, by start (longest first at one start): syntax nodes nest or
    /// are apart, so a sweep with a stack finds those that hold an offset.
    nodes: Vec<(Span, Vec<usize>)>,
}

impl NixSuppressions {
    pub fn new(file: &NixFile) -> NixSuppressions {
        NixSuppressions::from_parts(
            &file.text,
            &file.lines,
            &file.comment_lines,
            &[],
            &file.commented_nodes,
        )
    }

    /// For any text with `#` comments (a YAML file too): its comment
    /// lines, the comments that end lines after something else (none in
    /// a `.nix` file), and the spans of the nodes a pragma above can cover.
    pub fn from_parts(
        text: &str,
        lines: &LineIndex,
        comment_lines: &[Span],
        trailing_comments: &[Span],
        commented_nodes: &[Span],
    ) -> NixSuppressions {
        let pragmas = Pragmas::with_trailing(text, lines, comment_lines, trailing_comments);
        let mut nodes = Vec::new();
        for span in commented_nodes {
            let ids = pragmas.above(lines.line_of(span.start));
            if !ids.is_empty() {
                nodes.push((*span, ids));
            }
        }
        nodes.sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
        NixSuppressions { pragmas, nodes }
    }

    /// For each finding, given as its code and start offset (at
    /// `lines`): whether it is suppressed, by a global pragma, a pragma
    /// above a node that holds it, or one above or at the end of the line
    /// it starts on.
    /// One sweep: O((findings + pragmas) log findings).
    pub fn suppressed(&self, findings: &[(&str, usize)], lines: &LineIndex) -> Vec<bool> {
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by_key(|&i| findings[i].1);
        let mut verdicts = vec![false; findings.len()];
        // The nodes that hold the current offset, innermost last.
        let mut open: Vec<usize> = Vec::new();
        let mut next = 0;
        let close = |open: &mut Vec<usize>, at: usize| {
            while open.last().is_some_and(|&top| self.nodes[top].0.end <= at) {
                open.pop();
            }
        };
        for i in order {
            let (code, at) = findings[i];
            while next < self.nodes.len() && self.nodes[next].0.start <= at {
                close(&mut open, self.nodes[next].0.start);
                open.push(next);
                next += 1;
            }
            close(&mut open, at);
            let global = self.pragmas.global(code);
            // The innermost node whose pragma names the rule.
            let node = open
                .iter()
                .rev()
                .any(|&n| self.pragmas.mark(&self.nodes[n].1, code));
            let line = lines.line_of(at);
            let above = self.pragmas.mark(&self.pragmas.above(line), code);
            let ending = self.pragmas.mark(self.pragmas.ending(line), code);
            verdicts[i] = global || node || above || ending;
        }
        verdicts
    }
}

/// What a comment says, if it is (or tries to be) a pragma.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    NotPragma,
    /// `# repro-audit [global] ignore=A,B`: each code or name as written,
    /// and where it is in the comment.
    Pragma {
        global: bool,
        codes: Vec<(String, std::ops::Range<usize>)>,
    },
    /// Starts like one (`# repro-audit…`) and is not: why.
    Malformed(String),
}

struct Pragma;

impl Pragma {
    /// `# repro-audit [global] ignore=A,B` (codes or names, separated by
    /// commas or spaces; after the rules, words that name none are a
    /// reason).
    fn parse(comment: &str) -> Parsed {
        // `#` in the files that have it; `//` in JSON with comments.
        let Some(body) = comment
            .strip_prefix('#')
            .or_else(|| comment.strip_prefix("//"))
        else {
            return Parsed::NotPragma;
        };
        let body = body.trim_start();
        // A comment that starts with the tool's name (as a word) and then
        // asks for something to be left out tries to be a pragma; one that
        // only talks about the tool (`# repro-audit runs in CI`) does not.
        let named = ["repro-audit", "repro_audit", "reproaudit", "repro audit"]
            .iter()
            .any(|p| {
                body.get(..p.len())
                    .is_some_and(|b| b.eq_ignore_ascii_case(p))
                    && !body[p.len()..].starts_with(|c: char| c.is_alphanumeric())
            });
        // `=` (`ignores=`, `exclude=`, `allow=`) or a word for leaving out.
        let asks = body.contains('=')
            || body
                .to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphabetic())
                .any(|word| ["ignore", "disable", "noqa", "skip", "suppress"].contains(&word));
        if !(named && asks) {
            return Parsed::NotPragma;
        }
        // What was probably meant: the list after `ignore`.
        let meant = || {
            let lower = body.to_ascii_lowercase();
            let global = lower.contains("global");
            let after = &body[lower.find("ignore")? + "ignore".len()..];
            let list = after.trim_start_matches([' ', '\t', ':', '=']).trim();
            (!list.is_empty()).then(|| {
                let global = if global { "global " } else { "" };
                format!(" (meant `# repro-audit {global}ignore={list}`?)")
            })
        };
        let malformed = |why: &str| {
            Parsed::Malformed(format!(
                "not a pragma{why}: a pragma is `# repro-audit ignore=CODE,…` or `# repro-audit global ignore=CODE,…`{}",
                meant().unwrap_or_default()
            ))
        };
        let Some(rest) = body.strip_prefix("repro-audit") else {
            return malformed("");
        };
        if !rest.starts_with(char::is_whitespace) {
            return malformed(" (`repro-audit` must be followed by a space)");
        }
        let rest = rest.trim_start();
        let (global, rest) = match rest.strip_prefix("global") {
            Some(after) if after.starts_with(char::is_whitespace) => (true, after.trim_start()),
            _ => (false, rest),
        };
        let Some(list) = rest
            .strip_prefix("ignore")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('='))
        else {
            return malformed("");
        };
        // Where the list starts in the comment.
        let base = comment.len() - list.len();
        let mut codes = Vec::new();
        // Items are separated by commas; after a space with no comma, the
        // list goes on only with what looks like a code (`DF002 DF010`):
        // anything else is a reason, as ruff reads `# noqa: E501 why`.
        let mut comma = true;
        let mut at = 0;
        loop {
            let rest = &list[at..];
            let skipped = rest.len() - rest.trim_start_matches(|c: char| c.is_whitespace()).len();
            at += skipped;
            let rest = &list[at..];
            if let Some(after) = rest.strip_prefix(',') {
                comma = true;
                at = list.len() - after.len();
                continue;
            }
            let end = rest
                .find(|c: char| c == ',' || c.is_whitespace())
                .unwrap_or(rest.len());
            let word = &rest[..end];
            // After the first, a word without a comma is a rule only if it
            // reads as one: a reason (`# … ignore=DF010 pinned upstream`)
            // is not.
            let prefix = word.len() >= 2
                && word
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                && rules::matching(word).is_some();
            if end == 0
                || !(comma || looks_like_code(word) || prefix || rules::find(word).is_some())
            {
                break;
            }
            codes.push((rest[..end].to_owned(), base + at..base + at + end));
            at += end;
            comma = false;
        }
        if codes.is_empty() {
            return Parsed::Malformed("the pragma names no rule".to_owned());
        }
        Parsed::Pragma { global, codes }
    }
}

/// `DF002`, `NX010`, `RA1`: letters then digits.
fn looks_like_code(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < word.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(comment: &str) -> Vec<String> {
        match Pragma::parse(comment) {
            Parsed::Pragma { codes, .. } => codes
                .into_iter()
                .map(|(code, range)| {
                    assert_eq!(&comment[range], code);
                    code
                })
                .collect(),
            other => panic!("{comment}: {other:?}"),
        }
    }

    #[test]
    fn pragma_forms() {
        assert_eq!(
            codes("# repro-audit ignore=DF002, base-image-floating"),
            ["DF002", "base-image-floating"]
        );
        assert_eq!(
            codes("# repro-audit ignore = DF002 DF010"),
            ["DF002", "DF010"]
        );
        assert!(matches!(
            Pragma::parse("#repro-audit global ignore=DF010"),
            Parsed::Pragma { global: true, .. }
        ));
        assert_eq!(Pragma::parse("# hadolint ignore=DL3006"), Parsed::NotPragma);
        assert_eq!(Pragma::parse("# reproducible builds"), Parsed::NotPragma);
        // Prose about the tool is not a pragma.
        for prose in [
            "# Repro auditing: we pin everything.",
            "# repro-audit runs in CI, see .github/workflows",
            "# repro-audit: keep this file pinned",
        ] {
            assert_eq!(Pragma::parse(prose), Parsed::NotPragma, "{prose}");
        }
        // Rule names separated by spaces are rules too; a typo of the
        // directive is still a try at a pragma.
        assert_eq!(
            codes("# repro-audit ignore=package-index-update os-package-unpinned"),
            ["package-index-update", "os-package-unpinned"]
        );
        for typo in ["# repro-audit ignores=DF010", "# repro-audit exclude=DF010"] {
            assert!(
                matches!(Pragma::parse(typo), Parsed::Malformed(_)),
                "{typo}"
            );
        }
        // A reason after the list is not a list of rules.
        assert_eq!(
            codes("# repro-audit ignore=DF010 because the mirror is frozen"),
            ["DF010"]
        );
        // Code prefixes, as --select takes them; a lower-case word after
        // the list stays a reason even where it is a prefix (`g`, `df`).
        assert_eq!(codes("# repro-audit ignore=DF01 NX"), ["DF01", "NX"]);
        assert_eq!(codes("# repro-audit ignore=DF01 g df"), ["DF01"]);
        assert_eq!(
            codes("# repro-audit ignore=DF010, base-image-floating -- the base is ours"),
            ["DF010", "base-image-floating"]
        );
        for malformed in [
            "# repro-audit-ignore=DF001",
            "# repro-audit: ignore=DF012",
            "# repro-audit ignore DF012",
            "# Repro-Audit ignore=DF012",
            "# repro-audit ignore=",
        ] {
            assert!(
                matches!(Pragma::parse(malformed), Parsed::Malformed(_)),
                "{malformed}"
            );
        }
    }
}
