//! A dev container definition (`.devcontainer/devcontainer.json`,
//! `.devcontainer.json`, `.devcontainer/<name>/devcontainer.json`) as the
//! DC rules read it: its `image` and the keys of its `features`, each with
//! its span. Read as VS Code reads it: JSON with `//` and `/* */`
//! comments and trailing commas.

use jsonc_parser::ast::{Comment, ObjectPropName, Value};
use jsonc_parser::{parse_to_ast, CollectOptions, CommentCollectionStrategy, ParseOptions};

use super::span::{LineIndex, Position, Span};

/// Definitions nest a few levels; the JSON parser recurses.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone)]
pub struct Devcontainer {
    pub text: String,
    pub lines: LineIndex,
    /// `image`, with the span of its value, when the container is made
    /// from it: a definition that builds a Dockerfile (`dockerFile`,
    /// `build.dockerfile`) or runs a Compose file (`dockerComposeFile`)
    /// makes its container from those, and the dev containers CLI ignores
    /// `image` (the Compose file is audited as Compose).
    pub image: Option<(String, Span)>,
    /// Each key of `features`, with its span.
    pub features: Vec<(String, Span)>,
    /// Every `//` comment alone on its line, for pragmas.
    pub comment_lines: Vec<Span>,
    /// Every `//` comment after something else on its line, for a pragma
    /// on the line it ends.
    pub trailing_comments: Vec<Span>,
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
        if let Some((message, at)) = super::json_too_large(&text, MAX_DEPTH) {
            return Err(error(message, at));
        }
        let json = super::json_without_bom(&text);
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Separate,
            tokens: false,
        };
        let parsed = parse_to_ast(&json, &collect, &options)
            .map_err(|e| error(format!("invalid JSON: {}", e.kind()), e.range().start))?;
        // Each comment is kept under the tokens before and after it: once.
        let mut trailing_comments: Vec<Span> = parsed
            .comments
            .iter()
            .flat_map(|map| map.values())
            .flat_map(|comments| comments.iter())
            .filter_map(|comment| match comment {
                Comment::Line(line) => Some(Span::new(line.range.start, line.range.end)),
                Comment::Block(_) => None,
            })
            .filter(|span| {
                let start = lines.line_range(&text, lines.line_of(span.start)).start;
                !text[start..span.start]
                    .trim_start_matches(['\u{feff}', ' ', '\t'])
                    .is_empty()
            })
            .collect();
        trailing_comments.sort_by_key(|span| span.start);
        trailing_comments.dedup();
        let trailing_comments = trailing_comments
            .into_iter()
            .flat_map(|span| super::comment_and_after(&text, span, "//"))
            .collect();
        let Some(Value::Object(top)) = parsed.value else {
            return Err(error(
                "a dev container definition is a JSON object".into(),
                0,
            ));
        };
        let mut image = None;
        let mut features = Vec::new();
        let mut built_elsewhere = false;
        for prop in &top.properties {
            match (name(&prop.name), &prop.value) {
                ("dockerFile" | "dockerComposeFile", _) => built_elsewhere = true,
                ("build", Value::Object(build)) => {
                    built_elsewhere |= build
                        .properties
                        .iter()
                        .any(|p| name(&p.name) == "dockerfile");
                }
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
        let comment_lines = super::comment_lines(&text, &lines, "//");
        Ok(Devcontainer {
            text,
            lines,
            image: image.filter(|_| !built_elsewhere),
            features,
            comment_lines,
            trailing_comments,
        })
    }
}

fn name<'a>(name: &'a ObjectPropName) -> &'a str {
    match name {
        ObjectPropName::String(s) => &s.value,
        ObjectPropName::Word(w) => w.value,
    }
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
    fn a_byte_order_mark_is_read_and_positions_after_it_stay() {
        let text = "\u{feff}{\n  \"image\": \"debian:12\",\n  \"x\": ,\n}\n";
        let error = Devcontainer::parse(text.to_owned()).unwrap_err();
        assert_eq!(error.position, Position { line: 3, column: 8 }, "{error:?}");
        let text = "\u{feff}{\"image\": \"debian:12\"}";
        let file = Devcontainer::parse(text.to_owned()).unwrap();
        let (image, span) = file.image.unwrap();
        assert_eq!(image, "debian:12");
        assert_eq!(&text[span.start..span.end], "\"debian:12\"");
        // The mark is no column.
        assert_eq!(
            file.lines.position(text, span.start),
            Position {
                line: 1,
                column: 11
            }
        );
    }

    #[test]
    fn brackets_in_comments_and_strings_are_not_nesting() {
        let text = format!(
            "{{\n  // {}\n  /* {} */\n  \"a\": \"{}\",\n  \"image\": \"debian:12\"\n}}\n",
            "{".repeat(70),
            "[".repeat(70),
            "{".repeat(70)
        );
        let file = Devcontainer::parse(text).unwrap();
        assert_eq!(file.image.unwrap().0, "debian:12");
        assert_eq!(file.comment_lines.len(), 1);
        // A comment ends at a lone `\r` too, as VS Code ends it.
        let text = format!("{{ // {}\r\"image\": \"debian:12\" }}", "{".repeat(70));
        assert_eq!(
            Devcontainer::parse(text).unwrap().image.unwrap().0,
            "debian:12"
        );
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(70), "]".repeat(70));
        let error = Devcontainer::parse(deep).unwrap_err();
        assert_eq!(error.message, "JSON nested deeper than 64 levels");
        // An unclosed block comment hides the rest, for the parser too.
        assert!(Devcontainer::parse(format!("{{ /* {}", "[".repeat(70))).is_err());
    }

    #[test]
    fn lines_may_end_in_a_lone_carriage_return() {
        let text = "{\r  // repro-audit ignore=DC001\r  \"image\": \"debian:12\"\r}\r";
        let file = Devcontainer::parse(text.to_owned()).unwrap();
        let (_, span) = file.image.clone().unwrap();
        assert_eq!(
            file.lines.position(text, span.start),
            Position {
                line: 3,
                column: 12
            }
        );
        let comments: Vec<&str> = file
            .comment_lines
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(comments, ["// repro-audit ignore=DC001"]);
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
