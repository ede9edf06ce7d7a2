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
    /// Each commented node with a pragma above it, and the pragma's codes,
    /// by start (longest first at one start): syntax nodes nest or are
    /// apart, so a sweep with a stack finds those that hold an offset.
    nodes: Vec<(Span, Vec<&'static str>)>,
    /// 0-based line right below a pragma → its codes.
    lines: HashMap<usize, Vec<&'static str>>,
}

impl NixSuppressions {
    pub fn new(file: &NixFile) -> NixSuppressions {
        let comments = PragmaLines::new(&file.text, &file.lines, &file.comment_lines);
        let mut suppressions = NixSuppressions {
            global: comments.global.clone(),
            ..NixSuppressions::default()
        };
        for span in &file.commented_nodes {
            let codes = comments.codes_above(file.lines.line_of(span.start));
            if !codes.is_empty() {
                suppressions.nodes.push((*span, codes));
            }
        }
        suppressions
            .nodes
            .sort_by_key(|(span, _)| (span.start, std::cmp::Reverse(span.end)));
        suppressions.lines = comments.below;
        suppressions
    }

    /// For each finding, given as its code and start offset (at
    /// `lines`): whether it is suppressed, by a global pragma, a pragma
    /// above a node that holds it, or one above the line it starts on.
    /// One sweep: O((findings + pragmas) log findings).
    pub fn suppressed(&self, findings: &[(&str, usize)], lines: &LineIndex) -> Vec<bool> {
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by_key(|&i| findings[i].1);
        let mut verdicts = vec![false; findings.len()];
        // The nodes that hold the current offset, innermost last, and how
        // many of them name each code.
        let mut open: Vec<usize> = Vec::new();
        let mut active: HashMap<&str, usize> = HashMap::new();
        let mut next = 0;
        let close = |open: &mut Vec<usize>, active: &mut HashMap<&str, usize>, at: usize| {
            while let Some(&top) = open.last() {
                if self.nodes[top].0.end > at {
                    break;
                }
                open.pop();
                for code in &self.nodes[top].1 {
                    if let Some(count) = active.get_mut(code) {
                        *count -= 1;
                    }
                }
            }
        };
        for i in order {
            let (code, at) = findings[i];
            while next < self.nodes.len() && self.nodes[next].0.start <= at {
                close(&mut open, &mut active, self.nodes[next].0.start);
                open.push(next);
                for code in &self.nodes[next].1 {
                    *active.entry(code).or_default() += 1;
                }
                next += 1;
            }
            close(&mut open, &mut active, at);
            verdicts[i] = self.global.contains(code)
                || active.get(code).is_some_and(|&n| n > 0)
                || self
                    .lines
                    .get(&lines.line_of(at))
                    .is_some_and(|codes| codes.contains(&code));
        }
        verdicts
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
    /// 0-based line right below a block of comment lines → the codes of
    /// the (non-global) pragmas in the block.
    below: HashMap<usize, Vec<&'static str>>,
}

impl PragmaLines {
    /// One pass over the comment lines, block by block.
    fn new(text: &str, lines: &LineIndex, comments: &[Span]) -> Self {
        let mut found = PragmaLines {
            global: HashSet::new(),
            below: HashMap::new(),
        };
        let mut block: Option<(usize, Vec<&'static str>)> = None;
        let mut commented: Vec<(usize, Option<Pragma>)> = comments
            .iter()
            .map(|span| {
                (
                    lines.line_of(span.start),
                    Pragma::parse(&text[span.start..span.end]),
                )
            })
            .collect();
        commented.sort_by_key(|(line, _)| *line);
        for (line, pragma) in commented {
            let codes = match pragma {
                Some(pragma) if pragma.global => {
                    found.global.extend(pragma.codes);
                    Vec::new()
                }
                Some(pragma) => pragma.codes,
                None => Vec::new(),
            };
            block = match block.take() {
                // The next line of the same block.
                Some((last, mut gathered)) if line <= last + 1 => {
                    gathered.extend(codes);
                    Some((line, gathered))
                }
                Some((last, gathered)) => {
                    found.close(last, gathered);
                    Some((line, codes))
                }
                None => Some((line, codes)),
            };
        }
        if let Some((last, gathered)) = block {
            found.close(last, gathered);
        }
        found
    }

    fn close(&mut self, last: usize, codes: Vec<&'static str>) {
        if !codes.is_empty() {
            self.below.insert(last + 1, codes);
        }
    }

    fn has_local(&self) -> bool {
        !self.below.is_empty()
    }

    /// The codes of the pragmas on the comment lines right above 0-based
    /// `line` (other comment lines may stand between).
    fn codes_above(&self, line: usize) -> Vec<&'static str> {
        self.below.get(&line).cloned().unwrap_or_default()
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
