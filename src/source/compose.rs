//! A Compose file as the image rules read it: each service's `image:`,
//! with its span (the value, not the key) and its value after Compose's
//! interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}`, `$$`), from
//! the `.env` file beside it and the configuration's `[build-args]` — not
//! from the environment of the machine that runs the audit, which is
//! exactly what differs between two builds. A service with `build:` has no
//! image to pin: Compose builds it (and its Dockerfile is audited as one).

use std::collections::HashMap;

use super::span::{LineIndex, Position, Span};
use super::yaml::{self, Node};

/// How far defaults may nest (`${A:-${B:-${C}}}`), and how long a value
/// may grow: Compose's own values are short.
const MAX_NESTING: usize = 16;
const MAX_VALUE: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct ComposeFile {
    pub text: String,
    pub lines: LineIndex,
    pub images: Vec<ServiceImage>,
    /// Every `#` comment alone on its line.
    pub comment_lines: Vec<Span>,
    /// Every `#` comment after something else on its line, for a pragma
    /// on the line it ends.
    pub trailing_comments: Vec<Span>,
    /// Each service's name and value, for a pragma above the service.
    pub services: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceImage {
    /// The services that use it: several when they merge it from one
    /// anchor (`<<: *defaults`), which is one place to pin.
    pub services: Vec<String>,
    /// The value as written (`python:${TAG:-3.13}`).
    pub written: String,
    /// The value's span.
    pub span: Span,
    pub value: Interpolated,
}

impl ServiceImage {
    /// `service `web``, `services `a` and `b``, `services `a`, `b`, `c`
    /// and 4 more`.
    pub fn who(&self) -> String {
        let names: Vec<String> = self
            .services
            .iter()
            .take(3)
            .map(|s| format!("`{s}`"))
            .collect();
        match self.services.len() {
            1 => format!("service {}", names[0]),
            2 => format!("services {} and {}", names[0], names[1]),
            3 => format!("services {}, {} and {}", names[0], names[1], names[2]),
            n => format!("services {} and {} more", names.join(", "), n - 3),
        }
    }
}

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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ComposeError {
    pub message: String,
    pub position: Position,
}

impl ComposeFile {
    /// Read `text`, with `variables` (the `.env` file's, overridden by the
    /// configuration's) for interpolation.
    pub fn parse(
        text: String,
        variables: &HashMap<String, String>,
    ) -> Result<ComposeFile, ComposeError> {
        let lines = LineIndex::new(&text);
        let documents = yaml::parse(&text).map_err(|e| ComposeError {
            message: e.message,
            position: e.position,
        })?;
        let mut images = Vec::new();
        let mut by_span: HashMap<(usize, usize), usize> = HashMap::new();
        let mut services = Vec::new();
        for document in &documents {
            let Some(list) = document.get("services") else {
                continue;
            };
            for (name, service) in list.entries() {
                let Some(service_name) = name.str() else {
                    continue;
                };
                services.push(Span::new(
                    name.span.start,
                    service.span.end.max(name.span.end),
                ));
                if service.get("build").is_some() {
                    continue;
                }
                let Some(image) = service.get("image") else {
                    continue;
                };
                let Some(written) = image.str() else {
                    let position = lines.position(&text, image.span.start);
                    return Err(ComposeError {
                        message: format!("service `{service_name}`: `image` must be a string"),
                        position,
                    });
                };
                if let Some(&same) = by_span.get(&(image.span.start, image.span.end)) {
                    let same: &mut ServiceImage = &mut images[same];
                    same.services.push(service_name.to_owned());
                    continue;
                }
                by_span.insert((image.span.start, image.span.end), images.len());
                // A block scalar (`image: |`) ends in a newline that is no
                // part of the name.
                let written = written.trim();
                images.push(ServiceImage {
                    services: vec![service_name.to_owned()],
                    written: written.to_owned(),
                    span: image.span,
                    value: interpolate(written, variables),
                });
            }
        }
        let comment_lines = yaml::comment_lines(&text, &lines);
        let trailing_comments = yaml::trailing_comments(&text, &lines, &documents);
        Ok(ComposeFile {
            text,
            lines,
            images,
            comment_lines,
            trailing_comments,
            services,
        })
    }
}

/// Whether a document is a Compose file: a mapping with `services`.
pub fn has_services(node: &Node) -> bool {
    node.get("services").is_some()
}

/// `KEY=VALUE` lines of a `.env` file as Compose reads them: blank lines
/// and `#` comments skipped, an `export ` prefix allowed, a value in
/// single quotes taken as written, one in double quotes with `\n`-style
/// escapes, an unquoted one up to a ` #` comment.
pub fn read_env_file(text: &str) -> HashMap<String, String> {
    let mut variables = HashMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
        let Some((name, value)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        let value = value.trim();
        // A quoted value ends at its closing quote; a comment may follow.
        let quoted = |quote: char| {
            let inner = value.strip_prefix(quote)?;
            let mut escaped = false;
            for (i, c) in inner.char_indices() {
                if c == quote && !escaped {
                    return Some(&inner[..i]);
                }
                escaped = quote == '"' && c == '\\' && !escaped;
            }
            None
        };
        let value = if let Some(inner) = quoted('\'') {
            inner.to_owned()
        } else if let Some(inner) = quoted('"') {
            inner
                .replace("\\n", "\n")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
        } else {
            value
                .split_once(" #")
                .map_or(value, |(v, _)| v)
                .trim_end()
                .to_owned()
        };
        variables.insert(name.to_owned(), value);
    }
    variables
}

/// A value interpolated as Compose does it.
pub fn interpolate(written: &str, variables: &HashMap<String, String>) -> Interpolated {
    let mut missing = Vec::new();
    match expand(written, variables, &mut missing, 0) {
        Err(message) => Interpolated::Invalid(message),
        Ok(_) if !missing.is_empty() => {
            missing.dedup();
            Interpolated::Unresolved(missing)
        }
        Ok(value) if value.len() > MAX_VALUE => {
            Interpolated::Invalid(format!("it expands to more than {MAX_VALUE} bytes"))
        }
        Ok(value) => Interpolated::Resolved(value),
    }
}

fn expand(
    text: &str,
    variables: &HashMap<String, String>,
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
                match variables.get(&after[..name_len]) {
                    Some(value) => out.push_str(value),
                    None => missing.push(after[..name_len].to_owned()),
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
    variables: &HashMap<String, String>,
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
    let value = variables.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
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
    let pick = |use_word: bool, missing: &mut Vec<String>| -> Result<String, String> {
        if use_word {
            expand(word, variables, missing, depth + 1)
        } else {
            Ok(value.cloned().unwrap_or_default())
        }
    };
    match op {
        "" => {
            if value.is_none() {
                missing.push(name.to_owned());
            }
            Ok(value.cloned().unwrap_or_default())
        }
        ":-" => pick(!set_nonempty, missing),
        "-" => pick(value.is_none(), missing),
        ":+" => Ok(if set_nonempty {
            pick(true, missing)?
        } else {
            String::new()
        }),
        "+" => Ok(if value.is_some() {
            pick(true, missing)?
        } else {
            String::new()
        }),
        ":?" | "?" => {
            let ok = if op == ":?" {
                set_nonempty
            } else {
                value.is_some()
            };
            if ok {
                Ok(value.cloned().unwrap_or_default())
            } else {
                missing.push(name.to_owned());
                Ok(String::new())
            }
        }
        _ => unreachable!("the operators are matched above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn interpolation_as_compose_does_it() {
        let v = vars(&[("TAG", "1.2"), ("EMPTY", "")]);
        let resolved = |text: &str| interpolate(text, &v);
        assert_eq!(
            resolved("python:$TAG"),
            Interpolated::Resolved("python:1.2".into())
        );
        assert_eq!(
            resolved("python:${TAG}"),
            Interpolated::Resolved("python:1.2".into())
        );
        assert_eq!(
            resolved("a:${NOPE:-3}"),
            Interpolated::Resolved("a:3".into())
        );
        assert_eq!(
            resolved("a:${EMPTY:-3}"),
            Interpolated::Resolved("a:3".into())
        );
        assert_eq!(
            resolved("a:${EMPTY-3}"),
            Interpolated::Resolved("a:".into())
        );
        assert_eq!(
            resolved("a:${NOPE-${TAG}}"),
            Interpolated::Resolved("a:1.2".into())
        );
        assert_eq!(
            resolved("a:${TAG:+x}"),
            Interpolated::Resolved("a:x".into())
        );
        assert_eq!(resolved("a$$b"), Interpolated::Resolved("a$b".into()));
        assert_eq!(
            resolved("a:${NOPE}"),
            Interpolated::Unresolved(vec!["NOPE".into()])
        );
        assert_eq!(
            resolved("a:${NOPE:?set it}"),
            Interpolated::Unresolved(vec!["NOPE".into()])
        );
        assert!(matches!(resolved("a:${TAG"), Interpolated::Invalid(_)));
        let deep = format!("{}x{}", "${A:-".repeat(100), "}".repeat(100));
        assert!(matches!(resolved(&deep), Interpolated::Invalid(_)));
    }

    #[test]
    fn env_files() {
        let env = read_env_file(
            "# c\nTAG=1.2 # note\nexport B='x # y'\nC=\"a\\nb\"\n\nbad line\nQ='1.0' # c\nS=\"2.0\" # c\n",
        );
        assert_eq!(env["Q"], "1.0");
        assert_eq!(env["S"], "2.0");
        assert_eq!(env["TAG"], "1.2");
        assert_eq!(env["B"], "x # y");
        assert_eq!(env["C"], "a\nb");
        assert_eq!(env.len(), 5);
    }

    #[test]
    fn services_and_their_images() {
        let text = "services:\n  web:\n    image: \"nginx:${TAG:-1.27}\"\n  app:\n    build: .\n    image: me/app\n  db:\n    image: postgres\n";
        let file = ComposeFile::parse(text.to_owned(), &HashMap::new()).unwrap();
        let images: Vec<(&str, &str)> = file
            .images
            .iter()
            .map(|i| (i.services[0].as_str(), &text[i.span.start..i.span.end]))
            .collect();
        assert_eq!(
            images,
            [("web", "\"nginx:${TAG:-1.27}\""), ("db", "postgres")]
        );
        assert_eq!(
            file.images[0].value,
            Interpolated::Resolved("nginx:1.27".into())
        );
        let error = ComposeFile::parse("services:\n  a:\n    image: [x]\n".into(), &HashMap::new())
            .unwrap_err();
        assert_eq!(error.position.line, 3);
    }
}
