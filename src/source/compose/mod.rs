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
use super::yaml::{self, Node};

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
    /// file's) for interpolation.
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
        Ok(ComposeFile {
            text,
            lines,
            images,
            comment_lines,
            services,
        })
    }
}

/// Whether a document is a Compose file: a mapping with `services`.
pub fn has_services(node: &Node) -> bool {
    node.get("services").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
