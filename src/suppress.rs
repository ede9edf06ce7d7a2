//! Suppression pragmas: `# repro-audit ignore=DF002,DF010` on the comment
//! lines right above an instruction (or a flake input's declaration),
//! `# repro-audit global ignore=DF010` anywhere for the whole file. Codes or
//! names are accepted.

use std::collections::{HashMap, HashSet};

use crate::rules;
use crate::source::dockerfile::Dockerfile;
use crate::source::flake_nix::FlakeNix;
use crate::source::nix_file::NixFile;
use crate::source::span::{LineIndex, Span};

/// What a file's pragmas suppress: everywhere, and per anchor (an
/// instruction index, or a flake input's name).
#[derive(Debug)]
pub struct Suppressions<K> {
    global: HashSet<&'static str>,
    by_anchor: HashMap<K, HashSet<&'static str>>,
}

impl<K> Default for Suppressions<K> {
    fn default() -> Self {
        Suppressions {
            global: HashSet::new(),
            by_anchor: HashMap::new(),
        }
    }
}

impl Suppressions<usize> {
    pub fn for_dockerfile(dockerfile: &Dockerfile) -> Self {
        let comments = PragmaLines::new(&dockerfile.text, &dockerfile.lines, &dockerfile.comments);
        let mut suppressions = Suppressions::with_global(&comments);
        if comments.has_local() {
            for (index, instruction) in dockerfile.instructions.iter().enumerate() {
                suppressions.add(index, comments.codes_above(instruction.start_line - 1));
            }
        }
        suppressions
    }

    pub fn is_suppressed(&self, code: &str, instruction: Option<usize>) -> bool {
        self.global.contains(code)
            || instruction
                .and_then(|i| self.by_anchor.get(&i))
                .is_some_and(|codes| codes.contains(code))
    }
}

impl Suppressions<String> {
    /// Pragmas above any of an input's declarations apply to that input.
    pub fn for_flake(flake: &FlakeNix) -> Self {
        let comments = PragmaLines::new(&flake.text, &flake.lines, &flake.comment_lines);
        let mut suppressions = Suppressions::with_global(&comments);
        if comments.has_local() {
            for input in &flake.inputs {
                for declaration in &input.declarations {
                    let line = flake.lines.line_of(declaration.start);
                    suppressions.add(input.name.clone(), comments.codes_above(line));
                }
            }
        }
        suppressions
    }

    /// Whether a finding about these root inputs is suppressed.
    pub fn is_suppressed_for(&self, code: &str, inputs: &[String]) -> bool {
        self.global.contains(code)
            || inputs.iter().any(|input| {
                self.by_anchor
                    .get(input)
                    .is_some_and(|codes| codes.contains(code))
            })
    }
}

/// A `.nix` file's pragmas: above a line, they apply to the outermost
/// expression or binding that starts the line (`x = …;`, `inherit …;`, a
/// function's `x ? …`, a call), and to whatever else starts on that line.
#[derive(Debug, Default)]
pub struct NixSuppressions {
    global: HashSet<&'static str>,
    /// Each commented node, or line, with a pragma above it, and the
    /// pragma's codes.
    anchors: Vec<(Span, Vec<&'static str>)>,
}

impl NixSuppressions {
    pub fn new(file: &NixFile) -> NixSuppressions {
        let comments = PragmaLines::new(&file.text, &file.lines, &file.comment_lines);
        let mut suppressions = NixSuppressions {
            global: comments.global.clone(),
            anchors: Vec::new(),
        };
        if !comments.has_local() {
            return suppressions;
        }
        for span in &file.commented_nodes {
            let codes = comments.codes_above(file.lines.line_of(span.start));
            if !codes.is_empty() {
                suppressions.anchors.push((*span, codes));
            }
        }
        let mut below_pragmas: Vec<usize> = comments
            .local
            .keys()
            .map(|&line| {
                let mut below = line + 1;
                while comments.comment_lines.contains(&below) {
                    below += 1;
                }
                below
            })
            .collect();
        below_pragmas.sort_unstable();
        below_pragmas.dedup();
        for line in below_pragmas.into_iter().filter(|&l| l < file.lines.len()) {
            let range = file.lines.line_range(&file.text, line);
            suppressions
                .anchors
                .push((range, comments.codes_above(line)));
        }
        suppressions
    }

    /// Whether a finding of `code` at `span` is suppressed: by a global
    /// pragma, a pragma above a node that holds it, or one above the
    /// line it starts on.
    pub fn is_suppressed_at(&self, code: &str, span: Span) -> bool {
        self.global.contains(code)
            || self.anchors.iter().any(|(anchor, codes)| {
                anchor.start <= span.start && span.start <= anchor.end && codes.contains(&code)
            })
    }
}

impl<K: std::hash::Hash + Eq> Suppressions<K> {
    fn with_global(comments: &PragmaLines) -> Self {
        Suppressions {
            global: comments.global.clone(),
            by_anchor: HashMap::new(),
        }
    }

    fn add(&mut self, anchor: K, codes: Vec<&'static str>) {
        if !codes.is_empty() {
            self.by_anchor.entry(anchor).or_default().extend(codes);
        }
    }
}

/// A file's comment lines and the pragmas on them.
struct PragmaLines {
    global: HashSet<&'static str>,
    /// 0-based lines that hold only a comment.
    comment_lines: HashSet<usize>,
    /// 0-based line → the codes of the (non-global) pragma on it.
    local: HashMap<usize, Vec<&'static str>>,
}

impl PragmaLines {
    fn new(text: &str, lines: &LineIndex, comments: &[Span]) -> Self {
        let mut found = PragmaLines {
            global: HashSet::new(),
            comment_lines: HashSet::new(),
            local: HashMap::new(),
        };
        for span in comments {
            let line = lines.line_of(span.start);
            found.comment_lines.insert(line);
            if let Some(pragma) = Pragma::parse(&text[span.start..span.end]) {
                if pragma.global {
                    found.global.extend(pragma.codes);
                } else {
                    found.local.insert(line, pragma.codes);
                }
            }
        }
        found
    }

    fn has_local(&self) -> bool {
        !self.local.is_empty()
    }

    /// The codes of the pragmas on the comment lines right above 0-based
    /// `line` (other comment lines may stand between).
    fn codes_above(&self, mut line: usize) -> Vec<&'static str> {
        let mut codes = Vec::new();
        while line > 0 && self.comment_lines.contains(&(line - 1)) {
            line -= 1;
            if let Some(found) = self.local.get(&line) {
                codes.extend(found);
            }
        }
        codes
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Pragma {
    global: bool,
    codes: Vec<&'static str>,
}

impl Pragma {
    /// `# repro-audit [global] ignore=A,B`.
    fn parse(comment: &str) -> Option<Pragma> {
        let rest = comment.strip_prefix('#')?.trim_start();
        let rest = rest.strip_prefix("repro-audit")?;
        if !rest.starts_with(char::is_whitespace) {
            return None;
        }
        let rest = rest.trim_start();
        let (global, rest) = match rest.strip_prefix("global") {
            Some(after) if after.starts_with(char::is_whitespace) => (true, after.trim_start()),
            _ => (false, rest),
        };
        let list = rest
            .strip_prefix("ignore")?
            .trim_start()
            .strip_prefix('=')?;
        let codes = list
            .split(',')
            .map(str::trim)
            .filter_map(|key| rules::find(key).map(|rule| rule.code))
            .collect();
        Some(Pragma { global, codes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_forms() {
        assert_eq!(
            Pragma::parse("# repro-audit ignore=DF002, base-image-floating"),
            Some(Pragma {
                global: false,
                codes: vec!["DF002", "DF001"]
            })
        );
        assert_eq!(
            Pragma::parse("#repro-audit global ignore=DF010").map(|p| p.global),
            Some(true)
        );
        assert_eq!(Pragma::parse("# hadolint ignore=DL3006"), None);
        assert_eq!(Pragma::parse("# repro-audit-ignore=DF001"), None);
    }
}
