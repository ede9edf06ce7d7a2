//! A Compose file as the image rules read it: its top-level keys checked
//! as `docker compose` checks them, each service's `image:` (its span is
//! the value's, not the key's), `build:`, `extends:` and the files it
//! `include:`s, with Compose's own tags (`!reset`, `!override`). Which
//! images its services pull — and so which the rules judge — is the
//! project's to say ([`project`]): an override file, an `extends:` or an
//! `include:` can give a service a `build:` or take it away. A service
//! with `build:` has no image to pin: Compose builds it (and its
//! Dockerfile is audited as one). Values are interpolated as Compose does
//! it ([`interpolate`]) with the `.env` file's variables ([`env`]).

pub mod env;
pub mod interpolate;
pub mod project;

pub use env::read_env_file;
pub use interpolate::{interpolate, Interpolated, Variables};

use super::span::{LineIndex, Position, Span};
use super::yaml::{self, Node, Value};

/// The names `docker compose` reads in a directory when none is given, in
/// its order of preference: the first one there is the project's file.
pub const DEFAULT_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// The override files `docker compose` merges into that file, in its order
/// of preference: the first one there is merged.
pub const OVERRIDE_NAMES: &[&str] = &[
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

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
    /// The images its services pull, in file order: filled by the project
    /// the file is read in ([`project::Project`]).
    pub images: Vec<ServiceImage>,
    /// Every `#` comment alone on its line.
    pub comment_lines: Vec<Span>,
    /// Every `#` comment after something else on its line, for a pragma
    /// on the line it ends.
    pub trailing_comments: Vec<Span>,
    /// Each service's name and value, for a pragma above the service.
    pub services: Vec<Span>,
    /// Its documents: Compose reads each over the ones before, as it
    /// reads an override file over its base. Shared, as the project reads
    /// them while it reads other files.
    pub documents: Vec<std::rc::Rc<Document>>,
}

/// One YAML document of a Compose file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub services: Vec<Service>,
    /// `services: !reset`: the services of what came before are dropped.
    pub services_reset: bool,
    pub includes: Vec<Include>,
}

/// A service as one document writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    /// `web: !reset`: the service is dropped from what came before.
    pub reset: bool,
    /// `web: !override`: it replaces the service that came before rather
    /// than being merged into it.
    pub replaces: bool,
    pub image: Field<Written>,
    pub build: Field<()>,
    pub extends: Option<Extends>,
}

/// A key of a service: not written, reset (`image: !reset`: what came
/// before is dropped, and nothing set), or set.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<T> {
    Absent,
    Reset,
    Set(T),
}

/// A scalar as written (a block scalar's last newline dropped) and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub text: String,
    pub span: Span,
}

/// `extends: base` or `extends: {service: base, file: common.yaml}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Extends {
    pub service: Written,
    pub file: Option<Written>,
}

/// One entry of `include:`: `- other/compose.yaml` or
/// `- path: [a.yaml, a.override.yaml]` with `project_directory` and
/// `env_file`.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The project's file, then the files merged over it.
    pub paths: Vec<Written>,
    pub project_directory: Option<Written>,
    pub env_files: Vec<Written>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceImage {
    /// The services that pull it: several when they merge it from one
    /// anchor (`<<: *defaults`) or extend one service, which is one place
    /// to pin.
    pub services: Vec<String>,
    /// Why it is pulled when the file that writes it does not say so
    /// alone: `` `build` reset by compose.override.yaml ``.
    pub note: Option<String>,
    /// The value as written (`python:${TAG:-3.13}`).
    pub written: String,
    /// The value's span.
    pub span: Span,
    pub value: Interpolated,
}

impl ServiceImage {
    /// `service `web``, `services `a` and `b``, `services `a`, `b`, `c`
    /// and 4 more`, with the note after it.
    pub fn who(&self) -> String {
        let names: Vec<String> = self
            .services
            .iter()
            .take(3)
            .map(|s| format!("`{s}`"))
            .collect();
        let who = match (self.services.len(), names.as_slice()) {
            (1, [one]) => format!("service {one}"),
            (2, [a, b]) => format!("services {a} and {b}"),
            (3, [a, b, c]) => format!("services {a}, {b} and {c}"),
            (n, _) => format!("services {} and {} more", names.join(", "), n - 3),
        };
        match &self.note {
            Some(note) => format!("{who} ({note})"),
            None => who,
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
    /// Read `text` as `docker compose` would: a top-level key it does not
    /// know (a service written at the top level in the old format, a typo
    /// such as `sevices:`) is an error that names the key, whatever the
    /// file's name.
    pub fn parse(text: String) -> Result<ComposeFile, ComposeError> {
        let lines = LineIndex::new(&text);
        let documents = yaml::parse(&text).map_err(|e| ComposeError {
            message: e.message,
            position: e.position,
        })?;
        let error = |message: String, at: usize| ComposeError {
            message,
            position: lines.position(&text, at),
        };
        let mut read = Vec::new();
        let mut blocks = Vec::new();
        for document in &documents {
            top_level(document).map_err(|(message, at)| error(message, at))?;
            let document =
                read_document(document, &mut blocks).map_err(|(message, at)| error(message, at))?;
            read.push(std::rc::Rc::new(document));
        }
        let comment_lines = yaml::comment_lines(&text, &lines);
        let trailing_comments = yaml::trailing_comments(&text, &lines, &documents);
        Ok(ComposeFile {
            text,
            lines,
            images: Vec::new(),
            comment_lines,
            trailing_comments,
            services: blocks,
            documents: read,
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

/// A document's services and includes; `blocks` gets each service's
/// span, for pragmas.
fn read_document(document: &Node, blocks: &mut Vec<Span>) -> Result<Document, (String, usize)> {
    let mut read = Document::default();
    if let Some(services) = document.get("services") {
        read.services_reset = is_reset(services);
        if !read.services_reset
            && !matches!(services.value, Value::Mapping(_) | Value::Scalar(None))
        {
            return Err((
                "`services` must be a mapping of service names to services".to_owned(),
                services.span.start,
            ));
        }
        for (name, service) in services.entries() {
            let Some(service_name) = name.str() else {
                continue;
            };
            blocks.push(Span::new(
                name.span.start,
                service.span.end.max(name.span.end),
            ));
            read.services.push(read_service(service_name, service)?);
        }
    }
    if let Some(include) = document.get("include") {
        read.includes = read_includes(include)?;
    }
    Ok(read)
}

fn is_reset(node: &Node) -> bool {
    node.tag.as_deref() == Some("!reset")
}

fn read_service(name: &str, service: &Node) -> Result<Service, (String, usize)> {
    let field = |key: &str| match service.get(key) {
        None => Field::Absent,
        Some(node) if is_reset(node) => Field::Reset,
        Some(node) => Field::Set(node),
    };
    let image = match field("image") {
        Field::Absent => Field::Absent,
        Field::Reset => Field::Reset,
        Field::Set(image) => match written(image) {
            Some(written) => Field::Set(written),
            None => {
                return Err((
                    format!("service `{name}`: `image` must be a string"),
                    image.span.start,
                ))
            }
        },
    };
    let build = match field("build") {
        Field::Absent => Field::Absent,
        Field::Reset => Field::Reset,
        Field::Set(_) => Field::Set(()),
    };
    let extends = match service.get("extends") {
        None => None,
        Some(node) if is_reset(node) => None,
        Some(node) => Some(read_extends(name, node)?),
    };
    Ok(Service {
        name: name.to_owned(),
        reset: is_reset(service),
        replaces: service.tag.as_deref() == Some("!override"),
        image,
        build,
        extends,
    })
}

/// A scalar's text, a block scalar's last newline dropped.
fn written(node: &Node) -> Option<Written> {
    Some(Written {
        text: node.str()?.trim().to_owned(),
        span: node.span,
    })
}

fn read_extends(name: &str, node: &Node) -> Result<Extends, (String, usize)> {
    let refused = || {
        (
            format!(
                "service `{name}`: `extends` is a service name or a mapping with `service` \
                 (and `file`)"
            ),
            node.span.start,
        )
    };
    if let Some(service) = written(node) {
        return Ok(Extends {
            service,
            file: None,
        });
    }
    let service = node.get("service").and_then(written).ok_or_else(refused)?;
    let file = match node.get("file") {
        None => None,
        Some(file) => Some(written(file).ok_or_else(refused)?),
    };
    Ok(Extends { service, file })
}

fn read_includes(include: &Node) -> Result<Vec<Include>, (String, usize)> {
    let refused = |at: &Node| {
        (
            "`include` is a list of paths, or of mappings with `path`".to_owned(),
            at.span.start,
        )
    };
    if !matches!(include.value, Value::Sequence(_) | Value::Scalar(None)) {
        return Err(refused(include));
    }
    let strings = |node: &Node| -> Result<Vec<Written>, (String, usize)> {
        match &node.value {
            Value::Sequence(items) => items
                .iter()
                .map(|item| written(item).ok_or_else(|| refused(item)))
                .collect(),
            _ => Ok(vec![written(node).ok_or_else(|| refused(node))?]),
        }
    };
    let mut read = Vec::new();
    for item in include.items() {
        if let Some(path) = written(item) {
            read.push(Include {
                paths: vec![path],
                project_directory: None,
                env_files: Vec::new(),
            });
            continue;
        }
        let Some(paths) = item.get("path") else {
            return Err(refused(item));
        };
        read.push(Include {
            paths: strings(paths)?,
            project_directory: item.get("project_directory").and_then(written),
            env_files: match item.get("env_file") {
                Some(files) => strings(files)?,
                None => Vec::new(),
            },
        });
    }
    Ok(read)
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
        let error = ComposeFile::parse(text.to_owned()).unwrap_err();
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
        assert_refused("include: a.yaml\n", (1, 10), "`include` is a list");
        assert_refused(
            "services:\n  a:\n    extends: [x]\n",
            (3, 14),
            "`extends` is a service name",
        );
    }

    #[test]
    fn what_compose_reads_is_clean() {
        for text in [
            "",
            "# nothing\n",
            "services:\n",
            "version: '3.8'\nname: app\nservices: {}\nnetworks: {}\nvolumes: {}\nconfigs: {}\nsecrets: {}\nmodels: {}\nx-defaults: &d {}\n",
            "include:\n  - a.yaml\n  - path: [b.yaml, c.yaml]\n    env_file: b.env\n",
            "networks:\n  default: {}\n",
            "---\n---\nservices: {}\n",
        ] {
            assert!(ComposeFile::parse(text.to_owned()).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn services_their_keys_and_tags() {
        let text = "services:\n  web:\n    image: !override \"nginx:${TAG:-1.27}\"\n  app:\n    build: .\n    image: me/app\n  db: !reset\n  c:\n    image: !reset x\n    build: !reset\n    extends: {service: web, file: common.yaml}\n  d: !override\n    extends: web\n";
        let file = ComposeFile::parse(text.to_owned()).unwrap();
        let services = &file.documents[0].services;
        let at = |span: Span| &text[span.start..span.end];
        let Field::Set(web) = &services[0].image else {
            panic!("{:?}", services[0])
        };
        assert_eq!(web.text, "nginx:${TAG:-1.27}");
        assert_eq!(at(web.span), "\"nginx:${TAG:-1.27}\"");
        assert_eq!(services[1].build, Field::Set(()));
        assert!(services[2].reset);
        assert_eq!(services[3].image, Field::Reset);
        assert_eq!(services[3].build, Field::Reset);
        let extends = services[3].extends.as_ref().unwrap();
        assert_eq!(extends.service.text, "web");
        assert_eq!(at(extends.file.as_ref().unwrap().span), "common.yaml");
        assert!(services[4].replaces);
        assert_eq!(services[4].extends.as_ref().unwrap().service.text, "web");
        assert_eq!(file.services.len(), 5);
        let error = ComposeFile::parse("services:\n  a:\n    image: [x]\n".into()).unwrap_err();
        assert_eq!(error.position.line, 3);
    }

    #[test]
    fn includes() {
        let text = "include:\n  - a/compose.yaml\n  - path:\n      - b.yaml\n      - b.override.yaml\n    project_directory: b\n    env_file: [b.env]\n";
        let file = ComposeFile::parse(text.to_owned()).unwrap();
        let includes = &file.documents[0].includes;
        let paths: Vec<Vec<&str>> = includes
            .iter()
            .map(|i| i.paths.iter().map(|p| p.text.as_str()).collect())
            .collect();
        assert_eq!(
            paths,
            [vec!["a/compose.yaml"], vec!["b.yaml", "b.override.yaml"]]
        );
        assert_eq!(includes[1].project_directory.as_ref().unwrap().text, "b");
        assert_eq!(includes[1].env_files[0].text, "b.env");
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
