//! Compose's interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`,
//! `${VAR?err}`, `$$`), over the variables of a `.env` file and the
//! configuration — never the environment of the machine that runs the
//! audit, which is exactly what differs between two builds.

use std::collections::HashMap;

/// How far defaults may nest (`${A:-${B:-${C}}}`), and how long a value
/// may grow: Compose's own values are short.
const MAX_NESTING: usize = 16;
const MAX_VALUE: usize = 16 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interpolated {
    Resolved(String),
    /// Variables with no value and no default: what the image is depends
    /// on the caller's environment.
    Unresolved(Vec<String>),
    /// Compose would refuse the file (`${X:?message}` with `X` unset,
    /// `${` never closed, a value too long).
    Invalid(String),
}

/// The variables a Compose file is interpolated with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    values: HashMap<String, String>,
    /// `.env` variables whose value uses variables that have none
    /// (`TAG=${BASE}`, `BASE` unset): what they lack. Compose gives them
    /// whatever the environment of the day makes of those.
    lacking: HashMap<String, Vec<String>>,
}

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found<'a> {
    Value(&'a str),
    /// A value that depends on these variables, which have none.
    Lacking(&'a [String]),
    Unset,
}

/// Where names are looked up.
pub trait Lookup {
    fn find(&self, name: &str) -> Found<'_>;
}

impl Lookup for Variables {
    fn find(&self, name: &str) -> Found<'_> {
        if let Some(lacking) = self.lacking.get(name) {
            return Found::Lacking(lacking);
        }
        match self.values.get(name) {
            Some(value) => Found::Value(value),
            None => Found::Unset,
        }
    }
}

/// The first of two sets that has the name: the environment, then what a
/// `.env` file set on the lines above.
pub struct Layered<'a>(pub &'a Variables, pub &'a Variables);

impl Lookup for Layered<'_> {
    fn find(&self, name: &str) -> Found<'_> {
        match self.0.find(name) {
            Found::Unset => self.1.find(name),
            found => found,
        }
    }
}

impl From<HashMap<String, String>> for Variables {
    fn from(values: HashMap<String, String>) -> Variables {
        Variables {
            values,
            lacking: HashMap::new(),
        }
    }
}

impl Variables {
    /// `name` is `value`.
    pub fn set(&mut self, name: &str, value: &str) {
        self.lacking.remove(name);
        self.values.insert(name.to_owned(), value.to_owned());
    }

    /// `name` depends on `lacking`, which have no value.
    pub fn set_lacking(&mut self, name: &str, lacking: Vec<String>) {
        self.values.remove(name);
        self.lacking.insert(name.to_owned(), lacking);
    }

    /// `other`'s variables over these: the configuration's over a `.env`
    /// file's.
    pub fn overlay(&mut self, other: &Variables) {
        for (name, value) in &other.values {
            self.set(name, value);
        }
        for (name, lacking) in &other.lacking {
            self.set_lacking(name, lacking.clone());
        }
    }

    /// `other`'s variables where these have none: an included project's
    /// `.env` under the including project's variables.
    pub fn fill(&mut self, other: &Variables) {
        for (name, value) in &other.values {
            if self.find(name) == Found::Unset {
                self.set(name, value);
            }
        }
        for (name, lacking) in &other.lacking {
            if self.find(name) == Found::Unset {
                self.set_lacking(name, lacking.clone());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.lacking.is_empty()
    }
}

/// A value interpolated as Compose does it.
pub fn interpolate(written: &str, variables: &impl Lookup) -> Interpolated {
    let mut missing = Vec::new();
    match expand(written, variables, &mut missing, 0) {
        Err(message) => Interpolated::Invalid(message),
        Ok(_) if !missing.is_empty() => {
            let mut seen = std::collections::HashSet::new();
            missing.retain(|name| seen.insert(name.clone()));
            Interpolated::Unresolved(missing)
        }
        Ok(value) if value.len() > MAX_VALUE => {
            Interpolated::Invalid(format!("it expands to more than {MAX_VALUE} bytes"))
        }
        Ok(value) => Interpolated::Resolved(value),
    }
}

/// `name`'s value, with what it lacks noted in `missing`.
fn value_of<'a>(
    name: &str,
    variables: &'a impl Lookup,
    missing: &mut Vec<String>,
) -> Option<&'a str> {
    match variables.find(name) {
        Found::Value(value) => Some(value),
        Found::Lacking(names) => {
            missing.extend(names.iter().cloned());
            Some("")
        }
        Found::Unset => None,
    }
}

fn expand(
    text: &str,
    variables: &impl Lookup,
    missing: &mut Vec<String>,
    depth: usize,
) -> Result<String, String> {
    if depth > MAX_NESTING {
        return Err(format!("defaults nest deeper than {MAX_NESTING} levels"));
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let close = closing_brace(inner).ok_or("`${` is never closed".to_owned())?;
            out.push_str(&braced(&inner[..close], variables, missing, depth)?);
            rest = &inner[close + 1..];
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if name_len == 0 {
                out.push('$');
            } else {
                let name = &after[..name_len];
                match value_of(name, variables, missing) {
                    Some(value) => out.push_str(value),
                    None => missing.push(name.to_owned()),
                }
            }
            rest = &after[name_len..];
        }
        if out.len() > MAX_VALUE {
            return Err(format!("it expands to more than {MAX_VALUE} bytes"));
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The `}` that closes a `${`, nested `${…}` skipped.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// `NAME`, `NAME:-default`, `NAME-default`, `NAME:+alt`, `NAME+alt`,
/// `NAME:?err`, `NAME?err`.
fn braced(
    inner: &str,
    variables: &impl Lookup,
    missing: &mut Vec<String>,
    depth: usize,
) -> Result<String, String> {
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (name, operator) = inner.split_at(name_len);
    if name.is_empty() {
        return Err(format!("`${{{inner}}}` names no variable"));
    }
    let (op, word) = match operator {
        "" => ("", ""),
        o if o.starts_with(":-") || o.starts_with(":+") || o.starts_with(":?") => o.split_at(2),
        o if o.starts_with('-') || o.starts_with('+') || o.starts_with('?') => o.split_at(1),
        o => {
            return Err(format!(
                "`${{{name}{o}}}`: Compose knows no such substitution"
            ))
        }
    };
    // A value that depends on a variable with none: whichever way the
    // operator goes, the result is the environment's to decide.
    let value = value_of(name, variables, missing);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let own = || value.unwrap_or_default().to_owned();
    let word = |missing: &mut Vec<String>| expand(word, variables, missing, depth + 1);
    match op {
        "" => {
            if value.is_none() {
                missing.push(name.to_owned());
            }
            Ok(own())
        }
        ":-" if !set_nonempty => word(missing),
        "-" if value.is_none() => word(missing),
        ":+" if set_nonempty => word(missing),
        "+" if value.is_some() => word(missing),
        ":+" | "+" => Ok(String::new()),
        ":?" if !set_nonempty => {
            missing.push(name.to_owned());
            Ok(String::new())
        }
        "?" if value.is_none() => {
            missing.push(name.to_owned());
            Ok(String::new())
        }
        _ => Ok(own()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        let mut variables = Variables::default();
        for (name, value) in pairs {
            variables.set(name, value);
        }
        variables
    }

    #[test]
    fn interpolation_as_compose_does_it() {
        let v = vars(&[("TAG", "1.2"), ("EMPTY", "")]);
        let resolved = |text: &str| interpolate(text, &v);
        let ok = |value: &str| Interpolated::Resolved(value.into());
        assert_eq!(resolved("python:$TAG"), ok("python:1.2"));
        assert_eq!(resolved("python:${TAG}"), ok("python:1.2"));
        assert_eq!(resolved("a:${NOPE:-3}"), ok("a:3"));
        assert_eq!(resolved("a:${EMPTY:-3}"), ok("a:3"));
        assert_eq!(resolved("a:${EMPTY-3}"), ok("a:"));
        assert_eq!(resolved("a:${NOPE-${TAG}}"), ok("a:1.2"));
        assert_eq!(resolved("a:${TAG:+x}"), ok("a:x"));
        assert_eq!(resolved("a:${NOPE:+x}"), ok("a:"));
        assert_eq!(resolved("a:${EMPTY+x}"), ok("a:x"));
        assert_eq!(resolved("a:${TAG:?set it}"), ok("a:1.2"));
        assert_eq!(resolved("a$$b"), ok("a$b"));
        assert_eq!(resolved("a$"), ok("a$"));
        let unresolved = |names: &[&str]| {
            Interpolated::Unresolved(names.iter().map(|n| n.to_string()).collect())
        };
        assert_eq!(resolved("a:${NOPE}"), unresolved(&["NOPE"]));
        assert_eq!(resolved("a:${NOPE:?set it}"), unresolved(&["NOPE"]));
        assert_eq!(resolved("a:${EMPTY:?set it}"), unresolved(&["EMPTY"]));
        assert_eq!(resolved("$NOPE:$NOPE"), unresolved(&["NOPE"]));
        assert!(matches!(resolved("a:${TAG"), Interpolated::Invalid(_)));
        assert!(matches!(resolved("a:${}"), Interpolated::Invalid(_)));
        assert!(matches!(resolved("a:${TAG/x}"), Interpolated::Invalid(_)));
        let deep = format!("{}x{}", "${A:-".repeat(100), "}".repeat(100));
        assert!(matches!(resolved(&deep), Interpolated::Invalid(_)));
    }

    #[test]
    fn a_value_that_lacks_a_variable_is_unresolved_whatever_the_operator() {
        let mut v = vars(&[("OK", "1")]);
        v.set_lacking("TAG", vec!["BASE".into()]);
        let unresolved = Interpolated::Unresolved(vec!["BASE".into()]);
        for written in [
            "a:$TAG",
            "a:${TAG}",
            "a:${TAG:-1}",
            "a:${TAG-1}",
            "a:${TAG:+x}",
        ] {
            assert_eq!(interpolate(written, &v), unresolved, "{written}");
        }
        // Set again by the configuration, it is known.
        v.overlay(&vars(&[("TAG", "2")]));
        assert_eq!(
            interpolate("a:$TAG", &v),
            Interpolated::Resolved("a:2".into())
        );
    }

    #[test]
    fn layers_and_fills() {
        let environment = vars(&[("A", "env")]);
        let file = vars(&[("A", "file"), ("B", "file")]);
        let both = Layered(&environment, &file);
        assert_eq!(
            interpolate("$A-$B", &both),
            Interpolated::Resolved("env-file".into())
        );
        let mut including = vars(&[("A", "outer")]);
        including.fill(&file);
        assert_eq!(
            interpolate("$A-$B", &including),
            Interpolated::Resolved("outer-file".into())
        );
    }
}
