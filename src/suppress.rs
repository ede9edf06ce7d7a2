//! Suppression pragmas: `# repro-audit ignore=DF002,DF010` on the comment
//! lines right above an instruction, `# repro-audit global ignore=DF010`
//! anywhere for the whole file. Codes or names are accepted.

use std::collections::{HashMap, HashSet};

use crate::rules;
use crate::source::dockerfile::Dockerfile;

#[derive(Debug, Default)]
pub struct Suppressions {
    global: HashSet<&'static str>,
    /// Per instruction index: the codes its pragmas name.
    by_instruction: HashMap<usize, HashSet<&'static str>>,
}

impl Suppressions {
    pub fn for_dockerfile(dockerfile: &Dockerfile) -> Suppressions {
        let mut suppressions = Suppressions::default();
        // 0-based line → pragma on it.
        let mut pragmas: HashMap<usize, Pragma> = HashMap::new();
        let mut comment_lines: HashSet<usize> = HashSet::new();
        for span in &dockerfile.comments {
            let line = dockerfile.lines.line_of(span.start);
            comment_lines.insert(line);
            if let Some(pragma) = Pragma::parse(dockerfile.slice(*span)) {
                if pragma.global {
                    suppressions.global.extend(&pragma.codes);
                } else {
                    pragmas.insert(line, pragma);
                }
            }
        }
        if pragmas.is_empty() {
            return suppressions;
        }
        for (index, instruction) in dockerfile.instructions.iter().enumerate() {
            let mut line = instruction.start_line - 1;
            while line > 0 && comment_lines.contains(&(line - 1)) {
                line -= 1;
                if let Some(pragma) = pragmas.get(&line) {
                    suppressions
                        .by_instruction
                        .entry(index)
                        .or_default()
                        .extend(&pragma.codes);
                }
            }
        }
        suppressions
    }

    pub fn is_suppressed(&self, code: &str, instruction: Option<usize>) -> bool {
        self.global.contains(code)
            || instruction
                .and_then(|i| self.by_instruction.get(&i))
                .is_some_and(|codes| codes.contains(code))
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
