//! A Compose file as the image rules read it: each service's `image:`,
//! with its span (the value, not the key) and its value after Compose's
//! interpolation (`$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
//! `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}`, `$$`), from
//! the `.env` file beside it and the configuration's `[build-args]` — not
//! from the environment of the machine that runs the audit, which is
//! exactly what differs between two builds. A service with `build:` has no
//! image to pin: Compose builds it (and its Dockerfile is audited as one).

pub mod env;
pub mod interpolate;

pub use env::read_env_file;
pub use interpolate::{interpolate, Interpolated, Variables};

use std::collections::HashMap;

use super::span::{LineIndex, Position, Span};
use super::yaml::{self, Node, Value};

/// The top-level keys of the Compose specification (compose-go's schema):
/// any other, but an `x-` extension, makes `docker compose` refuse the
/// file.
const TOP_LEVEL_KEYS: &[&str] = &[
    "services", "networks", "volumes", "configs", "secrets", "models", "include", "name", "version",
];

#[derive(Debug, Clone)]
pub struct ComposeFile {
    pub text: String,
    pub lines: LineIndex,
    pub images: Vec<ServiceImage>,
    /// Every `#` comment alone on its line.
    pub comment_lines: Vec<Span>,
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ComposeError {
    pub message: String,
    pub position: Position,
}

impl ComposeFile {
    /// Read `text`, with `variables` (the configuration's over the `.env`
    /// file's) for interpolation, as `docker compose` would: a top-level
    /// key it does not know (a service written at the top level in the
    /// old format, a typo such as `sevices:`) is an error that names the
    /// key, whatever the file's name.
    pub fn parse(text: String, variables: &Variables) -> Result<ComposeFile, ComposeError> {
        let lines = LineIndex::new(&text);
        let documents = yaml::parse(&text).map_err(|e| ComposeError {
            message: e.message,
            position: e.position,
        })?;
        let mut images = Vec::new();
        let mut by_span: HashMap<(usize, usize), usize> = HashMap::new();
        let mut services = Vec::new();
        for document in &documents {
            top_level(document).map_err(|(message, at)| ComposeError {
                message,
                position: lines.position(&text, at),
            })?;
            let Some(list) = document.get("services") else {
                continue;
            };
            if !matches!(list.value, Value::Mapping(_) | Value::Scalar(None)) {
                return Err(ComposeError {
                    message: "`services` must be a mapping of service names to services".into(),
                    position: lines.position(&text, list.span.start),
                });
            }
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
        Ok(ComposeFile {
            text,
            lines,
            images,
            comment_lines,
            services,
        })
    }
}

/// Whether a document is one `docker compose` reads: an empty one, or a
/// mapping of the specification's top-level keys and `x-` extensions.
/// Else what it says of the first key it refuses, and where.
fn top_level(document: &Node) -> Result<(), (String, usize)> {
    let entries = match &document.value {
        Value::Scalar(None) => return Ok(()),
        Value::Mapping(entries) => entries,
        Value::Sequence(_) | Value::Scalar(Some(_)) => {
            return Err((
                "not a Compose file: its top level is not a mapping of keys such as `services`"
                    .to_owned(),
                document.span.start,
            ))
        }
    };
    let known = |key: &str| TOP_LEVEL_KEYS.contains(&key) || key.starts_with("x-");
    let Some((key, value)) = entries
        .iter()
        .find(|(key, _)| !key.str().is_some_and(known))
    else {
        return Ok(());
    };
    let Some(name) = key.str() else {
        return Err((
            "a Compose top-level key is a name such as `services`".to_owned(),
            key.span.start,
        ));
    };
    let is_compose = entries
        .iter()
        .any(|(key, _)| matches!(key.str(), Some("services" | "include")));
    let looks_like_a_service = value.get("image").is_some() || value.get("build").is_some();
    let message = if looks_like_a_service {
        format!(
            "`{name}` is a service written at the top level, the old Compose format without \
             `services:`: `docker compose` refuses the file; move the services under `services:`"
        )
    } else if let Some(meant) = near_miss(name) {
        format!(
            "`{name}` is not a Compose top-level key (did you mean `{meant}`?): \
             `docker compose` refuses the file"
        )
    } else if is_compose {
        format!(
            "`{name}` is not a Compose top-level key (those are {}, and `x-` extensions): \
             `docker compose` refuses the file",
            listed(TOP_LEVEL_KEYS)
        )
    } else {
        format!(
            "not a Compose file: it has no `services`, and `{name}` is not a Compose top-level \
             key (those are {}, and `x-` extensions)",
            listed(TOP_LEVEL_KEYS)
        )
    };
    Err((message, key.span.start))
}

/// `` `a`, `b` and `c` ``.
fn listed(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// The top-level key a misspelt one stands for: the same but for case,
/// or at most two edits away (`sevices`, `service`, `volume`).
fn near_miss(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    TOP_LEVEL_KEYS
        .iter()
        .copied()
        .find(|key| *key == lower)
        .or_else(|| {
            TOP_LEVEL_KEYS
                .iter()
                .copied()
                .filter(|key| key.len() > 4)
                .find(|key| edits(&lower, key) <= 2)
        })
}

/// Levenshtein distance, for short names.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// Whether a YAML text reads as a Compose file to be judged as one: a
/// document that is a mapping. What it holds is [`ComposeFile::parse`]'s
/// to judge, and to say when it is not Compose.
pub fn is_mapping(node: &Node) -> bool {
    matches!(node.value, Value::Mapping(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> (String, usize, usize) {
        let error = ComposeFile::parse(text.to_owned(), &Variables::default()).unwrap_err();
        (error.message, error.position.line, error.position.column)
    }

    /// The message of the error `text` is, checked to hold `part` and to
    /// be at `line:column`.
    fn assert_refused(text: &str, at: (usize, usize), part: &str) {
        let (message, line, column) = error(text);
        assert_eq!((line, column), at, "{text:?}: {message}");
        assert!(message.contains(part), "{text:?}: {message}");
    }

    #[test]
    fn top_level_keys_compose_refuses_are_errors_that_name_them() {
        // The old format: services at the top level.
        assert_refused(
            "web:\n  image: nginx\n",
            (1, 1),
            "`web` is a service written at the top level",
        );
        assert_refused(
            "version: '2'\ndb:\n  build: .\n",
            (2, 1),
            "`db` is a service written at the top level",
        );
        assert_refused(
            "services: {}\nweb:\n  image: nginx\n",
            (2, 1),
            "old Compose format",
        );
        // Typos.
        assert_refused(
            "sevices:\n  web:\n    image: nginx\n",
            (1, 1),
            "did you mean `services`?",
        );
        assert_refused("service:\n  web: {}\n", (1, 1), "did you mean `services`?");
        assert_refused("Services:\n  web: {}\n", (1, 1), "did you mean `services`?");
        assert_refused(
            "services: {}\nvolume: {}\n",
            (2, 1),
            "did you mean `volumes`?",
        );
        assert_refused(
            "services: {}\nnetwork: {}\n",
            (2, 1),
            "did you mean `networks`?",
        );
        // Anything else.
        assert_refused(
            "services: {}\nfoo: 1\n",
            (2, 1),
            "`foo` is not a Compose top-level key (those are",
        );
        assert_refused(
            "apiVersion: v1\nkind: Pod\n",
            (1, 1),
            "not a Compose file: it has no `services`, and `apiVersion`",
        );
        assert_refused(
            "- a\n- b\n",
            (1, 1),
            "not a Compose file: its top level is not a mapping",
        );
        assert_refused(
            "services: {}\n---\nweb:\n  image: x\n",
            (3, 1),
            "old Compose format",
        );
        assert_refused("services: [a]\n", (1, 11), "`services` must be a mapping");
    }

    #[test]
    fn what_compose_reads_is_clean() {
        for text in [
            "",
            "# nothing\n",
            "services:\n",
            "version: '3.8'\nname: app\nservices: {}\nnetworks: {}\nvolumes: {}\nconfigs: {}\nsecrets: {}\nmodels: {}\nx-defaults: &d {}\n",
            "networks:\n  default: {}\n",
            "---\n---\nservices: {}\n",
        ] {
            assert!(ComposeFile::parse(text.to_owned(), &Variables::default()).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn services_and_their_images() {
        let text = "services:\n  web:\n    image: \"nginx:${TAG:-1.27}\"\n  app:\n    build: .\n    image: me/app\n  db:\n    image: postgres\n";
        let file = ComposeFile::parse(text.to_owned(), &Variables::default()).unwrap();
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
        let error = ComposeFile::parse(
            "services:\n  a:\n    image: [x]\n".into(),
            &Variables::default(),
        )
        .unwrap_err();
        assert_eq!(error.position.line, 3);
    }

    #[test]
    fn near_misses() {
        assert_eq!(near_miss("sevices"), Some("services"));
        assert_eq!(near_miss("servces"), Some("services"));
        assert_eq!(near_miss("SERVICES"), Some("services"));
        assert_eq!(near_miss("secret"), Some("secrets"));
        assert_eq!(near_miss("web"), None);
        assert_eq!(near_miss("db"), None);
        assert_eq!(near_miss("nam"), None);
        assert_eq!(edits("kitten", "sitting"), 3);
    }
}
