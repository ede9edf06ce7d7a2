//! Build-argument expansion the way BuildKit's shell lexer does it for
//! `FROM`, `COPY --from` and `--mount=from=`: `$V`, `${V}`, `${V:-x}`,
//! `${V-x}`, `${V:+x}`, `${V+x}`, `${V:?x}`, nested, with quotes and the
//! escape character removed.

/// The expanded text, and the variables it used that have no value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    pub value: String,
    pub unresolved: Vec<String>,
}

/// Nesting beyond this (`${a:-${b:-${c:-…}}}`) is taken literally rather
/// than followed, so that no input can exhaust the stack.
const MAX_DEPTH: usize = 32;

pub fn expand(word: &str, escape: char, lookup: &dyn Fn(&str) -> Option<String>) -> Expansion {
    let mut out = Expansion::default();
    let chars: Vec<char> = word.chars().collect();
    let mut expander = Expander {
        chars: &chars,
        escape,
        lookup,
    };
    let mut pos = 0;
    expander.word(&mut pos, None, 0, &mut out);
    out
}

struct Expander<'a> {
    chars: &'a [char],
    escape: char,
    lookup: &'a dyn Fn(&str) -> Option<String>,
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
                (Some('\''), _) => out.value.push(c),
                (None, '\'' | '"') => quote = Some(c),
                (_, c) if c == self.escape => {
                    if let Some(&next) = self.chars.get(*pos) {
                        out.value.push(next);
                        *pos += 1;
                    }
                }
                (_, '$') => self.dollar(pos, depth, out),
                _ => out.value.push(c),
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
            _ => out.value.push('$'),
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
            Some(value) => out.value.push_str(&value),
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
            Some(v) => !(colon && v.is_empty()),
            None => false,
        };
        let take_alternative = |out: &mut Expansion| {
            out.value.push_str(&alternative.value);
            out.unresolved
                .extend(alternative.unresolved.iter().cloned());
        };
        match operator {
            Some('-') if set => out.value.push_str(value.as_deref().unwrap_or_default()),
            Some('-') => take_alternative(out),
            Some('+') if set => take_alternative(out),
            Some('+') => {}
            Some('?') if set => out.value.push_str(value.as_deref().unwrap_or_default()),
            Some('?') => note_unresolved(out, &name),
            // Pattern operators (`#`, `%`, `/`) keep the value as it is.
            _ => match value {
                Some(v) => out.value.push_str(&v),
                None => note_unresolved(out, &name),
            },
        }
    }
}

fn note_unresolved(out: &mut Expansion, name: &str) {
    if !out.unresolved.iter().any(|n| n == name) {
        out.unresolved.push(name.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(word: &str) -> Expansion {
        let lookup = |name: &str| match name {
            "TAG" => Some("3.13".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        expand(word, '\\', &lookup)
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
}
