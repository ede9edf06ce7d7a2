//! Variable expansion the way BuildKit's shell lexer does it for `FROM`,
//! `ARG`, `ENV`, `ADD`, `COPY --from` and `--mount=from=`: `$V`, `${V}`,
//! `${V:-x}`, `${V-x}`, `${V:+x}`, `${V+x}`, `${V:?x}`, nested, with quotes
//! and the escape character removed.
//!
//! Expansion is bounded, whatever the input: a value longer than
//! [`MAX_VALUE`] bytes is cut and marked `too_long` (so `ARG a1=$a0$a0`
//! doubled thirty times costs no more than its text), and every expansion
//! of a file draws on one [`Budget`], so many short lines that each copy a
//! long value cannot add up to more than a constant times the file.

use std::cell::Cell;
use std::rc::Rc;

/// The longest value an expansion produces; past it the value is cut and
/// treated as unresolved. Image references, package lists and paths are
/// far shorter.
pub const MAX_VALUE: usize = 16 * 1024;

/// At most this many unresolved names are kept per value: enough for a
/// message, and no input can make the list grow without bound.
const MAX_NAMES: usize = 8;

/// Nesting beyond this (`${a:-${b:-${c:-…}}}`) is taken literally rather
/// than followed, so that no input can exhaust the stack.
const MAX_DEPTH: usize = 32;

/// A variable's value as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub text: Rc<str>,
    /// The build arguments without a value that went into it.
    pub unresolved: Rc<[String]>,
    /// Whether it was cut at [`MAX_VALUE`] bytes (or the file's budget).
    pub too_long: bool,
}

impl Value {
    pub fn literal(text: &str) -> Value {
        Value {
            text: Rc::from(text),
            unresolved: Rc::from(Vec::new()),
            too_long: false,
        }
    }

    /// Whether every part of it is known.
    pub fn is_complete(&self) -> bool {
        self.unresolved.is_empty() && !self.too_long
    }
}

/// The expanded text, the variables it used that have no value, and
/// whether it was cut.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    pub value: String,
    pub unresolved: Vec<String>,
    pub too_long: bool,
}

impl Expansion {
    pub fn literal(text: &str) -> Expansion {
        Expansion {
            value: text.to_owned(),
            ..Expansion::default()
        }
    }

    pub fn is_complete(&self) -> bool {
        self.unresolved.is_empty() && !self.too_long
    }

    pub fn into_value(self) -> Value {
        Value {
            text: Rc::from(self.value),
            unresolved: Rc::from(self.unresolved),
            too_long: self.too_long,
        }
    }

    fn push(&mut self, text: &str, limit: usize) {
        if self.too_long {
            return;
        }
        if self.value.len() + text.len() > limit {
            self.too_long = true;
            self.value.clear();
            return;
        }
        self.value.push_str(text);
    }

    fn push_char(&mut self, c: char, limit: usize) {
        let mut buffer = [0; 4];
        self.push(c.encode_utf8(&mut buffer), limit);
    }

    /// Take on what a looked-up value brings besides its text.
    fn absorb(&mut self, value: &Value, limit: usize) {
        self.push(&value.text, limit);
        self.too_long |= value.too_long;
        for name in value.unresolved.iter() {
            note_unresolved(self, name);
        }
    }
}

/// How many bytes the expansions of one file may still produce: a constant
/// plus a small multiple of the file's size.
#[derive(Debug)]
pub struct Budget(Cell<usize>);

impl Budget {
    pub fn for_text(len: usize) -> Budget {
        Budget(Cell::new((1 << 20) + 2 * len))
    }

    /// What one more value may hold.
    pub fn limit(&self) -> usize {
        self.0.get().min(MAX_VALUE)
    }

    pub fn spend(&self, bytes: usize) {
        self.0.set(self.0.get().saturating_sub(bytes));
    }
}

/// Expand `word`; `lookup` gives a variable's value, `None` when it has
/// none.
pub fn expand(
    word: &str,
    escape: char,
    lookup: &dyn Fn(&str) -> Option<Value>,
    budget: &Budget,
) -> Expansion {
    let mut out = Expansion::default();
    let chars: Vec<char> = word.chars().collect();
    let mut expander = Expander {
        chars: &chars,
        escape,
        lookup,
        limit: budget.limit(),
    };
    let mut pos = 0;
    expander.word(&mut pos, None, 0, &mut out);
    budget.spend(out.value.len());
    out
}

struct Expander<'a> {
    chars: &'a [char],
    escape: char,
    lookup: &'a dyn Fn(&str) -> Option<Value>,
    limit: usize,
}

impl Expander<'_> {
    /// Expand up to `stop` (the `}` that closes a `${…}` word) or the end.
    fn word(&mut self, pos: &mut usize, stop: Option<char>, depth: usize, out: &mut Expansion) {
        let mut quote = None;
        while let Some(&c) = self.chars.get(*pos) {
            if quote.is_none() && Some(c) == stop {
                return;
            }
            *pos += 1;
            match (quote, c) {
                (Some('\''), '\'') | (Some('"'), '"') => quote = None,
                (Some('\''), _) => out.push_char(c, self.limit),
                (None, '\'' | '"') => quote = Some(c),
                (_, c) if c == self.escape => {
                    if let Some(&next) = self.chars.get(*pos) {
                        out.push_char(next, self.limit);
                        *pos += 1;
                    }
                }
                (_, '$') => self.dollar(pos, depth, out),
                _ => out.push_char(c, self.limit),
            }
        }
    }

    fn dollar(&mut self, pos: &mut usize, depth: usize, out: &mut Expansion) {
        match self.chars.get(*pos) {
            Some('{') if depth < MAX_DEPTH => {
                *pos += 1;
                self.braced(pos, depth, out);
            }
            Some(&c) if c.is_ascii_alphabetic() || c == '_' => {
                let name = self.name(pos);
                self.substitute(&name, out);
            }
            _ => out.push_char('$', self.limit),
        }
    }

    fn name(&self, pos: &mut usize) -> String {
        let start = *pos;
        while self
            .chars
            .get(*pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            *pos += 1;
        }
        self.chars[start..*pos].iter().collect()
    }

    fn substitute(&self, name: &str, out: &mut Expansion) {
        match (self.lookup)(name) {
            Some(value) => out.absorb(&value, self.limit),
            None => note_unresolved(out, name),
        }
    }

    /// After `${`: a name, then `}` or an operator and a word.
    fn braced(&mut self, pos: &mut usize, depth: usize, out: &mut Expansion) {
        let name = self.name(pos);
        let value = (self.lookup)(&name);
        let colon = self.chars.get(*pos) == Some(&':');
        if colon {
            *pos += 1;
        }
        let operator = self.chars.get(*pos).copied();
        if operator == Some('}') || operator.is_none() {
            *pos += 1;
            return self.substitute(&name, out);
        }
        *pos += 1;
        // The alternative word is expanded on its own, then used or dropped.
        let mut alternative = Expansion::default();
        self.word(pos, Some('}'), depth + 1, &mut alternative);
        *pos += 1;
        let set = match &value {
            Some(v) => !(colon && v.text.is_empty()),
            None => false,
        };
        let limit = self.limit;
        let take_alternative = |out: &mut Expansion| {
            out.push(&alternative.value, limit);
            out.too_long |= alternative.too_long;
            for name in &alternative.unresolved {
                note_unresolved(out, name);
            }
        };
        match (operator, value) {
            (Some('-' | '?'), Some(v)) if set => out.absorb(&v, limit),
            (Some('-'), _) => take_alternative(out),
            (Some('+'), _) if set => take_alternative(out),
            (Some('+'), _) => {}
            (Some('?'), _) => note_unresolved(out, &name),
            // `${V%.*}`, `${V##*/}`, `${V/a/b}`: what the pattern leaves,
            // when the pattern is one this reads; otherwise unknown.
            (Some(op @ ('%' | '#' | '/')), Some(v)) if !colon => {
                match apply_pattern(&v.text, op, &alternative.value) {
                    Some(result) => out.absorb(
                        &Value {
                            text: Rc::from(result),
                            ..v
                        },
                        limit,
                    ),
                    None => note_unresolved(out, &name),
                }
            }
            (_, _) => note_unresolved(out, &name),
        }
    }
}

/// `${V%pattern}`, `${V%%pattern}`, `${V#pattern}`, `${V##pattern}` and
/// `${V/pattern/replacement}` (`//` for all), for the patterns Dockerfiles
/// use: a literal, or a literal with one `*` at the far end
/// (`${VERSION%.*}`, `${URL##*/}`). `None` for any other pattern, which is
/// then left unresolved rather than guessed.
fn apply_pattern(value: &str, operator: char, word: &str) -> Option<String> {
    let is_glob = |p: &str| p.contains(['*', '?', '[', '\\']);
    if operator == '/' {
        let (all, word) = match word.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, word),
        };
        let (pattern, replacement) = word.split_once('/').unwrap_or((word, ""));
        if pattern.is_empty() || is_glob(pattern) {
            return None;
        }
        // Each match may grow the value: past the limit it is not worked
        // out at all (a 16 KiB value of `a`s times a 16 KiB replacement).
        let matches = if all {
            value.matches(pattern).count()
        } else {
            1
        };
        if value.len() + matches.saturating_mul(replacement.len()) > MAX_VALUE {
            return None;
        }
        return Some(if all {
            value.replace(pattern, replacement)
        } else {
            value.replacen(pattern, replacement, 1)
        });
    }
    let (greedy, pattern) = match word.strip_prefix(operator) {
        Some(rest) => (true, rest),
        None => (false, word),
    };
    let suffix = operator == '%';
    if !is_glob(pattern) {
        let trimmed = if suffix {
            value.strip_suffix(pattern)
        } else {
            value.strip_prefix(pattern)
        };
        return Some(trimmed.unwrap_or(value).to_owned());
    }
    if pattern == "*" {
        // The shortest match is empty; the longest is everything.
        return Some(if greedy {
            String::new()
        } else {
            value.to_owned()
        });
    }
    let result = match (suffix, pattern.strip_suffix('*'), pattern.strip_prefix('*')) {
        // `%L*`: a suffix that starts with L.
        (true, Some(literal), _) if !is_glob(literal) => {
            let at = if greedy {
                value.find(literal)
            } else {
                value.rfind(literal)
            };
            at.map_or(value, |at| &value[..at])
        }
        // `%*L`: a suffix that ends with L.
        (true, _, Some(literal)) if !is_glob(literal) => match value.strip_suffix(literal) {
            Some(_) if greedy => "",
            Some(rest) => rest,
            None => value,
        },
        // `#*L`: a prefix that ends with L.
        (false, _, Some(literal)) if !is_glob(literal) => {
            let at = if greedy {
                value.rfind(literal)
            } else {
                value.find(literal)
            };
            at.map_or(value, |at| &value[at + literal.len()..])
        }
        // `#L*`: a prefix that starts with L.
        (false, Some(literal), _) if !is_glob(literal) => match value.strip_prefix(literal) {
            Some(_) if greedy => "",
            Some(rest) => rest,
            None => value,
        },
        _ => return None,
    };
    Some(result.to_owned())
}

fn note_unresolved(out: &mut Expansion, name: &str) {
    if out.unresolved.len() < MAX_NAMES && !out.unresolved.iter().any(|n| n == name) {
        out.unresolved.push(name.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(word: &str) -> Expansion {
        let lookup = |name: &str| match name {
            "TAG" => Some(Value::literal("3.13")),
            "EMPTY" => Some(Value::literal("")),
            _ => None,
        };
        expand(word, '\\', &lookup, &Budget::for_text(0))
    }

    #[test]
    fn forms() {
        assert_eq!(run("python:$TAG").value, "python:3.13");
        assert_eq!(run("python:${TAG}-slim").value, "python:3.13-slim");
        assert_eq!(run("${NOPE:-debian:12}").value, "debian:12");
        assert_eq!(run("${EMPTY:-a}${EMPTY-b}").value, "a");
        assert_eq!(run("x${TAG:+-y}${NOPE:+z}").value, "x-y");
        assert_eq!(run("${NOPE:-${ALSO:-${TAG}}}").value, "3.13");
        assert_eq!(run("'$TAG'\\$TAG\"$TAG\"").value, "$TAG$TAG3.13");
    }

    #[test]
    fn pattern_operators() {
        let lookup = |name: &str| match name {
            "V" => Some(Value::literal("1.22.19")),
            "U" => Some(Value::literal("https://e.com/a/b/x.tar.gz")),
            _ => None,
        };
        let run = |word: &str| expand(word, '\\', &lookup, &Budget::for_text(0));
        assert_eq!(run("${V%.*}").value, "1.22");
        assert_eq!(run("${V%%.*}").value, "1");
        assert_eq!(run("${V#*.}").value, "22.19");
        assert_eq!(run("${V##*.}").value, "19");
        assert_eq!(run("${U##*/}").value, "x.tar.gz");
        assert_eq!(run("${U%/*}").value, "https://e.com/a/b");
        assert_eq!(run("${V#1.}").value, "22.19");
        assert_eq!(run("${V%-alpine}").value, "1.22.19");
        assert_eq!(run("${V/./-}").value, "1-22.19");
        assert_eq!(run("${V//./-}").value, "1-22-19");
        assert_eq!(run("${V%[0-9]}").unresolved, ["V"]);
        assert_eq!(run("${V:0:3}").unresolved, ["V"]);
        assert_eq!(run("${NOPE%.*}").unresolved, ["NOPE"]);
        let many = Value::literal(&"a".repeat(MAX_VALUE / 2));
        let lookup = |_: &str| Some(many.clone());
        let grown = expand("${A//a/bbbb}", '\\', &lookup, &Budget::for_text(0));
        assert_eq!(grown.unresolved, ["A"]);
    }

    #[test]
    fn unresolved_names_are_reported_once() {
        let e = run("$BASE:${BASE}-${TAG}");
        assert_eq!(e.unresolved, ["BASE"]);
        assert!(run("${BASE:-debian}").unresolved.is_empty());
        assert_eq!(run("${NOPE:-$OTHER}").unresolved, ["OTHER"]);
    }

    #[test]
    fn deep_nesting_does_not_recurse_without_bound() {
        let deep = "${A:-".repeat(100_000) + "x" + &"}".repeat(100_000);
        let _ = run(&deep);
    }

    #[test]
    fn values_past_the_limit_are_cut_and_marked() {
        let half = Value::literal(&"x".repeat(MAX_VALUE / 2 + 1));
        let lookup = |name: &str| (name == "H").then(|| half.clone());
        let budget = Budget::for_text(0);
        let doubled = expand("$H$H", '\\', &lookup, &budget);
        assert!(doubled.too_long && doubled.value.is_empty());
        let once = expand("$H", '\\', &lookup, &budget);
        assert!(once.is_complete());
        // A cut value stays cut wherever it is used.
        let cut = doubled.into_value();
        let lookup = |name: &str| (name == "C").then(|| cut.clone());
        assert!(expand("a:${C}", '\\', &lookup, &budget).too_long);
    }

    #[test]
    fn the_budget_bounds_a_whole_file() {
        let long = Value::literal(&"x".repeat(1000));
        let lookup = |_: &str| Some(long.clone());
        let budget = Budget::for_text(0);
        let made = (0..2_000)
            .map(|_| expand("$L", '\\', &lookup, &budget))
            .filter(|e| !e.too_long)
            .count();
        assert!((1_000..2_000).contains(&made), "{made}");
    }

    #[test]
    fn unresolved_names_of_a_value_carry_over() {
        let partial = Expansion {
            value: "x".into(),
            unresolved: vec!["B".into()],
            too_long: false,
        }
        .into_value();
        let lookup = |name: &str| (name == "A").then(|| partial.clone());
        let e = expand("img:$A", '\\', &lookup, &Budget::for_text(0));
        assert_eq!(
            (e.value.as_str(), e.unresolved),
            ("img:x", vec!["B".to_owned()])
        );
    }
}
