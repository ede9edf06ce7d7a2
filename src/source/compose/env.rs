//! A `.env` file as Compose reads it (compose-go's `dotenv`): `KEY=VALUE`
//! (or `KEY: VALUE`) statements, `#` comment lines, an `export ` prefix; a
//! value in single quotes taken as written; one in double quotes with
//! its escapes (`\n`, `\"`, `\$`) and then interpolated; an unquoted one
//! up to a ` #` comment, interpolated. Interpolation looks a name up in
//! the environment first — here the configuration's `[build-args]`, which
//! stand for it — then in the statements above, so `TAG=${BASE}-slim`
//! follows `BASE`. A bare `KEY` takes the environment's value.

use super::interpolate::{interpolate, Found, Interpolated, Layered, Lookup, Variables};

/// The variables `text` sets, interpolated with `environment` and the
/// statements above each one.
pub fn read_env_file(text: &str, environment: &Variables) -> Variables {
    let mut out = Variables::default();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if rest.starts_with('#') {
            rest = after_line(rest);
            continue;
        }
        let statement = rest
            .strip_prefix("export")
            .filter(|s| s.starts_with([' ', '\t']));
        let statement = statement.map_or(rest, str::trim_start);
        let Some(key_end) = statement.find(['=', ':', '\n']) else {
            // A last bare `KEY`.
            inherit(statement.trim_end(), environment, &mut out);
            break;
        };
        let key = statement[..key_end].trim_end();
        if statement[key_end..].starts_with('\n') {
            inherit(key, environment, &mut out);
            rest = &statement[key_end + 1..];
            continue;
        }
        let value = statement[key_end + 1..].trim_start_matches([' ', '\t']);
        let (raw, quote, after) = match value.chars().next() {
            Some(quote @ ('\'' | '"')) => match quoted(&value[1..], quote) {
                Some((inner, after)) => (inner, Some(quote), after_line(after)),
                // Never closed: Compose refuses the file; the line is read
                // as it stands.
                None => unquoted(value),
            },
            _ => unquoted(value),
        };
        rest = after;
        if !valid_key(key) {
            continue;
        }
        match quote {
            Some('\'') => out.set(key, &raw),
            Some(_) => set_interpolated(key, &escapes(&raw), environment, &mut out),
            None => set_interpolated(key, &raw, environment, &mut out),
        }
    }
    out
}

/// A bare `KEY`: the environment's value, if it has one.
fn inherit(key: &str, environment: &Variables, out: &mut Variables) {
    if !valid_key(key) {
        return;
    }
    match environment.find(key) {
        Found::Value(value) => out.set(key, value),
        Found::Lacking(lacking) => out.set_lacking(key, lacking.to_vec()),
        Found::Unset => {}
    }
}

/// compose-go's names: letters, digits, `_`, `.`, `-`, `[`, `]`.
fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']'))
}

fn set_interpolated(key: &str, raw: &str, environment: &Variables, out: &mut Variables) {
    let value = interpolate(raw, &Layered(environment, out));
    match value {
        Interpolated::Resolved(value) => out.set(key, &value),
        Interpolated::Unresolved(lacking) => out.set_lacking(key, lacking),
        // Compose refuses such a file; the value is taken as written.
        Interpolated::Invalid(_) => out.set(key, raw),
    }
}

/// The rest of the text after the current line.
fn after_line(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, rest)| rest)
}

/// An unquoted value: to the end of the line, before a ` #` comment.
fn unquoted(value: &str) -> (String, Option<char>, &str) {
    let (line, rest) = value.split_once('\n').unwrap_or((value, ""));
    let line = line.split_once(" #").map_or(line, |(v, _)| v);
    (line.trim_end().to_owned(), None, rest)
}

/// The inside of a quoted value whose opening quote is gone, up to the
/// closing one (lines included), and what follows it. A backslash keeps
/// the next character: an escaped quote is a quote, any other pair is
/// left for [`escapes`].
fn quoted(text: &str, quote: char) -> Option<(String, &str)> {
    let mut inner = String::new();
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            if c != quote {
                inner.push('\\');
            }
            inner.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return Some((inner, &text[i + c.len_utf8()..]));
        } else {
            inner.push(c);
        }
    }
    None
}

/// The escapes of a double-quoted value: `\n`, `\t`, `\\`, `\"` and the
/// like; `\$` is a `$` that is not interpolated (`$$`).
fn escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('$') => out.push_str("$$"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Variables {
        read_env_file(text, &Variables::default())
    }

    fn value(variables: &Variables, name: &str) -> Option<String> {
        match variables.find(name) {
            Found::Value(value) => Some(value.to_owned()),
            Found::Lacking(names) => Some(format!("<lacks {}>", names.join(","))),
            Found::Unset => None,
        }
    }

    /// `.env` text → the value of `TAG`.
    fn tag(text: &str) -> Option<String> {
        value(&read(text), "TAG")
    }

    #[test]
    fn statements() {
        let env = read(
            "# c\nTAG=1.2 # note\nexport B='x # y'\nC=\"a\\nb\"\n\nbad line\nQ='1.0' # c\nS=\"2.0\" # c\n",
        );
        assert_eq!(value(&env, "Q").as_deref(), Some("1.0"));
        assert_eq!(value(&env, "S").as_deref(), Some("2.0"));
        assert_eq!(value(&env, "TAG").as_deref(), Some("1.2"));
        assert_eq!(value(&env, "B").as_deref(), Some("x # y"));
        assert_eq!(value(&env, "C").as_deref(), Some("a\nb"));
        assert_eq!(value(&env, "bad line"), None);
        assert_eq!(tag("TAG: 1.3\n").as_deref(), Some("1.3"));
        assert_eq!(tag("  export   TAG=1.4").as_deref(), Some("1.4"));
        assert_eq!(tag("TAG=a#b\n").as_deref(), Some("a#b"));
        assert_eq!(tag("TAG=\n").as_deref(), Some(""));
        assert_eq!(tag("TAG=\"a\nb\"\n").as_deref(), Some("a\nb"));
        assert_eq!(tag("TAG='it''s'\n").as_deref(), Some("it"));
        assert_eq!(tag("TAG=\"unclosed\n").as_deref(), Some("\"unclosed"));
    }

    #[test]
    fn values_interpolate_the_lines_above() {
        assert_eq!(tag("BASE=3.13\nTAG=${BASE}\n").as_deref(), Some("3.13"));
        assert_eq!(
            tag("BASE=3.13\nTAG=$BASE-slim\n").as_deref(),
            Some("3.13-slim")
        );
        assert_eq!(
            tag("BASE=3.13\nTAG=\"${BASE}-slim\"\n").as_deref(),
            Some("3.13-slim")
        );
        assert_eq!(
            tag("BASE=3.13\nTAG='${BASE}'\n").as_deref(),
            Some("${BASE}")
        );
        assert_eq!(tag("TAG=${NOPE:-1.2}\n").as_deref(), Some("1.2"));
        assert_eq!(tag("TAG=\"\\$BASE\"\nBASE=1\n").as_deref(), Some("$BASE"));
        assert_eq!(tag("TAG=$$BASE\n").as_deref(), Some("$BASE"));
        // Only the lines above: `BASE` is not set yet.
        assert_eq!(
            tag("TAG=${BASE}\nBASE=1\n").as_deref(),
            Some("<lacks BASE>")
        );
        assert_eq!(tag("TAG=${NOPE}-x\n").as_deref(), Some("<lacks NOPE>"));
        assert_eq!(
            tag("A=${NOPE}\nTAG=${A:-1}\n").as_deref(),
            Some("<lacks NOPE>")
        );
        // The environment (the configuration) comes first, then the file.
        let mut environment = Variables::default();
        environment.set("BASE", "env");
        let env = read_env_file("BASE=file\nTAG=${BASE}\nFROM_ENV\n", &environment);
        assert_eq!(value(&env, "TAG").as_deref(), Some("env"));
        assert_eq!(value(&env, "FROM_ENV"), None);
        let env = read_env_file("BASE\nTAG=x\n", &environment);
        assert_eq!(value(&env, "BASE").as_deref(), Some("env"));
    }
}
