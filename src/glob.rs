//! The globs of the config's `exclude`, matched as `.gitignore` and ruff
//! match them: `*` and `?` stay inside one path component, `**` crosses
//! components, `[a-z]`/`[!a]` are classes. A pattern without a `/` matches
//! any file or directory of that name; one with a `/` matches the path from
//! the config file's directory, and `dir/**` also matches `dir` itself, so
//! the walk skips it whole.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
    tokens: Vec<Token>,
    /// Whether the pattern has a `/`: it then matches whole relative paths.
    anchored: bool,
    /// How many tokens take one character each: a text shorter than this
    /// cannot match.
    consuming: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    /// `?`
    One,
    /// `*`
    Star,
    /// `**` at the end: anything.
    Any,
    /// `**/`: nothing, or whole components each ending in `/`.
    AnyDirs,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct GlobError {
    pub message: String,
}

impl Glob {
    pub fn new(pattern: &str) -> Result<Glob, GlobError> {
        let trimmed = pattern.strip_prefix("./").unwrap_or(pattern);
        let trimmed = trimmed.strip_prefix('/').unwrap_or(trimmed);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err(GlobError {
                message: format!("`{pattern}` matches nothing"),
            });
        }
        let chars: Vec<char> = trimmed.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' if chars.get(i + 1) == Some(&'*') => {
                    i += 2;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                        tokens.push(Token::AnyDirs);
                    } else {
                        tokens.push(Token::Any);
                    }
                }
                '*' => {
                    tokens.push(Token::Star);
                    i += 1;
                }
                '?' => {
                    tokens.push(Token::One);
                    i += 1;
                }
                '[' => {
                    let (token, next) = class(&chars, i).ok_or_else(|| GlobError {
                        message: format!("`{pattern}` has a `[` with no closing `]`"),
                    })?;
                    tokens.push(token);
                    i = next;
                }
                '\\' if i + 1 < chars.len() => {
                    tokens.push(Token::Literal(chars[i + 1]));
                    i += 2;
                }
                c => {
                    tokens.push(Token::Literal(c));
                    i += 1;
                }
            }
        }
        // `**` after `**`, or `*` after `*`, adds nothing: a pattern of a
        // million stars is one.
        tokens.dedup_by(|a, b| a == b && matches!(a, Token::Star | Token::Any | Token::AnyDirs));
        let consuming = tokens
            .iter()
            .filter(|t| matches!(t, Token::One | Token::Literal(_) | Token::Class { .. }))
            .count();
        Ok(Glob {
            pattern: pattern.to_owned(),
            anchored: trimmed.contains('/'),
            tokens,
            consuming,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the glob excludes the entry at `relative` (components joined
    /// by `/`, from the config file's directory; `None` when the entry is
    /// outside it) named `name`.
    pub fn excludes(&self, relative: Option<&str>, name: &str) -> bool {
        let matches = |text: &[char]| text.len() >= self.consuming && matches(&self.tokens, text);
        if !self.anchored {
            return matches(&name.chars().collect::<Vec<_>>());
        }
        let Some(path) = relative else {
            return false;
        };
        let mut path: Vec<char> = path.chars().collect();
        if matches(&path) {
            return true;
        }
        // `dir/**` names everything under `dir`, so `dir` itself goes.
        path.push('/');
        matches(&path)
    }
}

/// `[…]` starting at `chars[at]`: the class and the index after it.
fn class(chars: &[char], at: usize) -> Option<(Token, usize)> {
    let mut i = at + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && !first {
            return Some((Token::Class { negated, ranges }, i + 1));
        }
        first = false;
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            ranges.push((c, chars[i + 2]));
            i += 3;
        } else {
            ranges.push((c, c));
            i += 1;
        }
    }
    None
}

/// Whether `tokens` match all of `text`: dynamic programming over (token,
/// position), one sweep per token, so no pattern takes more than
/// O(tokens × text), and it stops as soon as no prefix of the text can
/// match.
fn matches(tokens: &[Token], text: &[char]) -> bool {
    // reach[j]: the tokens so far can match text[..j].
    let mut reach = vec![false; text.len() + 1];
    reach[0] = true;
    let mut next = vec![false; text.len() + 1];
    for token in tokens {
        if !reach.contains(&true) {
            return false;
        }
        next.fill(false);
        // For the repeating tokens: whether an earlier start can still
        // extend to position j.
        let mut open = false;
        for j in 0..=text.len() {
            match token {
                Token::Any => {
                    open |= reach[j];
                    next[j] = open;
                }
                Token::AnyDirs => {
                    // Nothing, or up to just after a `/`.
                    next[j] = reach[j] || open && j > 0 && text[j - 1] == '/';
                    open |= reach[j];
                }
                Token::Star => {
                    if j > 0 && text[j - 1] == '/' {
                        open = false;
                    }
                    open |= reach[j];
                    next[j] = open;
                }
                Token::One => {
                    if reach[j] && j < text.len() && text[j] != '/' {
                        next[j + 1] = true;
                    }
                }
                Token::Literal(c) => {
                    if reach[j] && text.get(j) == Some(c) {
                        next[j + 1] = true;
                    }
                }
                Token::Class { negated, ranges } => {
                    if let (true, Some(&c)) = (reach[j], text.get(j)) {
                        let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
                        if c != '/' && inside != *negated {
                            next[j + 1] = true;
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut reach, &mut next);
    }
    reach[text.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excludes(pattern: &str, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap();
        Glob::new(pattern).unwrap().excludes(Some(path), name)
    }

    #[test]
    fn names_and_paths() {
        assert!(excludes("vendor", "vendor"));
        assert!(excludes("vendor", "a/b/vendor"));
        assert!(!excludes("vendor", "vendors"));
        assert!(excludes("*.bad.Dockerfile", "fixtures/x.bad.Dockerfile"));
        assert!(excludes("vendor/**", "vendor"));
        assert!(excludes("vendor/**", "vendor/a/Dockerfile"));
        assert!(!excludes("vendor/**", "src/vendor"));
        assert!(excludes("**/vendor", "src/vendor"));
        assert!(excludes("**/vendor", "vendor"));
        assert!(!excludes("**/vendor", "srcvendor"));
        assert!(excludes("a/**/b", "a/b"));
        assert!(excludes("a/**/b", "a/x/y/b"));
        assert!(!excludes("a/**/b", "a/xb"));
        assert!(excludes("fixtures/parser", "fixtures/parser"));
        assert!(!excludes("fixtures/*", "fixtures/a/b"));
        assert!(excludes("fixtures/*", "fixtures/a"));
        assert!(excludes(
            "/fixtures/nix/NX00?-*",
            "fixtures/nix/NX001-missing"
        ));
        assert!(excludes("Dockerfile.[!p]*", "x/Dockerfile.dev"));
        assert!(!excludes("Dockerfile.[!p]*", "x/Dockerfile.prod"));
        assert!(excludes("Dockerfile.[a-d]*", "Dockerfile.dev"));
    }

    #[test]
    fn bad_patterns() {
        assert!(Glob::new("a[bc").is_err());
        assert!(Glob::new("/").is_err());
    }

    #[test]
    fn many_stars_stay_fast() {
        // 400,000 characters of pattern against many short names.
        let glob = Glob::new(&"*a".repeat(200_000)).unwrap();
        for i in 0..1000 {
            assert!(!glob.excludes(Some(&format!("dir{i}/Dockerfile")), "Dockerfile"));
        }
        let glob = Glob::new(&"**/".repeat(100_000)).unwrap();
        assert!((0..1000).all(|i| glob.excludes(Some(&format!("d/{i}/x")), "x")));
        let pattern = "*a".repeat(200) + "b";
        let text = "a".repeat(5000);
        assert!(!excludes(&pattern, &text));
        let pattern = "**/".repeat(200) + "x";
        assert!(excludes(&pattern, &format!("{}x", "d/".repeat(500))));
    }
}
