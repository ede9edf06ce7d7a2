//! A dev container definition (`.devcontainer/devcontainer.json`,
//! `.devcontainer.json`, `.devcontainer/<name>/devcontainer.json`) as the
//! DC rules read it: its `image` and the keys of its `features`, each with
//! its span. Read as VS Code reads it: JSON with `//` and `/* */`
//! comments and trailing commas.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{parse_to_ast, CollectOptions, ParseOptions};

use super::span::{LineIndex, Position, Span};

#[derive(Debug, Clone)]
pub struct Devcontainer {
    pub text: String,
    pub lines: LineIndex,
    /// `image`, with the span of its value.
    pub image: Option<(String, Span)>,
    /// Each key of `features`, with its span.
    pub features: Vec<(String, Span)>,
    /// Every `//` comment alone on its line, for pragmas.
    pub comment_lines: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DevcontainerError {
    pub message: String,
    pub position: Position,
}

impl Devcontainer {
    pub fn parse(text: String) -> Result<Devcontainer, DevcontainerError> {
        let lines = LineIndex::new(&text);
        let error = |message: String, offset: usize| DevcontainerError {
            message,
            position: lines.position(&text, offset.min(text.len())),
        };
        let options = ParseOptions {
            allow_comments: true,
            allow_trailing_commas: true,
            allow_loose_object_property_names: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        if let Some(at) = too_deep(&text) {
            return Err(error("JSON nested deeper than 64 levels".into(), at));
        }
        let parsed = parse_to_ast(&text, &CollectOptions::default(), &options)
            .map_err(|e| error(format!("invalid JSON: {}", e.kind()), e.range().start))?;
        let Some(Value::Object(top)) = parsed.value else {
            return Err(error(
                "a dev container definition is a JSON object".into(),
                0,
            ));
        };
        let mut image = None;
        let mut features = Vec::new();
        for prop in &top.properties {
            match (name(&prop.name), &prop.value) {
                ("image", Value::StringLit(s)) => {
                    image = Some((s.value.to_string(), Span::new(s.range.start, s.range.end)));
                }
                ("features", Value::Object(object)) => {
                    for feature in &object.properties {
                        let span = match &feature.name {
                            ObjectPropName::String(s) => Span::new(s.range.start, s.range.end),
                            ObjectPropName::Word(w) => Span::new(w.range.start, w.range.end),
                        };
                        features.push((name(&feature.name).to_owned(), span));
                    }
                }
                _ => {}
            }
        }
        let comment_lines = comment_lines(&text);
        Ok(Devcontainer {
            text,
            lines,
            image,
            features,
            comment_lines,
        })
    }
}

fn name<'a>(name: &'a ObjectPropName) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
}

/// Where nesting passes 64 levels, strings skipped: the parser recurses.
fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > 64 {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Lines whose first character other than a space or tab starts a `//`
/// comment.
fn comment_lines(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        if body[indent..].starts_with("//") {
            found.push(Span::new(start + indent, start + body.len()));
        }
        start += line.len();
    }
    found
}

/// Whether a file is a dev container definition by its path.
pub fn is_devcontainer_path(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == ".devcontainer.json" {
        return true;
    }
    if name != "devcontainer.json" {
        return false;
    }
    let dir = |p: Option<&std::path::Path>| {
        p.and_then(|p| p.file_name())
            .is_some_and(|n| n == ".devcontainer")
    };
    let parent = path.parent();
    dir(parent) || dir(parent.and_then(|p| p.parent()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_image_and_features_with_comments() {
        let text = "{\n  // the image\n  \"image\": \"mcr.microsoft.com/devcontainers/base:ubuntu\",\n  \"features\": {\n    \"ghcr.io/devcontainers/features/node:1\": {},\n    \"./local\": {},\n  },\n}\n";
        let file = Devcontainer::parse(text.to_owned()).unwrap();
        let (image, span) = file.image.clone().unwrap();
        assert_eq!(image, "mcr.microsoft.com/devcontainers/base:ubuntu");
        assert_eq!(
            &text[span.start..span.end],
            "\"mcr.microsoft.com/devcontainers/base:ubuntu\""
        );
        let names: Vec<&str> = file.features.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["ghcr.io/devcontainers/features/node:1", "./local"]);
        assert_eq!(file.comment_lines.len(), 1);
        assert!(Devcontainer::parse("{ \"image\": }".into()).is_err());
        assert!(Devcontainer::parse("[".repeat(100_000)).is_err());
    }

    #[test]
    fn paths() {
        use std::path::Path;
        assert!(is_devcontainer_path(Path::new(
            ".devcontainer/devcontainer.json"
        )));
        assert!(is_devcontainer_path(Path::new(
            "r/.devcontainer/go/devcontainer.json"
        )));
        assert!(is_devcontainer_path(Path::new(".devcontainer.json")));
        assert!(!is_devcontainer_path(Path::new("devcontainer.json")));
        assert!(!is_devcontainer_path(Path::new(
            ".devcontainer/a/b/devcontainer.json"
        )));
    }
}
