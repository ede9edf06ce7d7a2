//! A GitLab CI file (`.gitlab-ci.yml`, and the local files it includes) as
//! the GL rules read it: every image (`image:` and `services:` at the top
//! level, in `default:` and in jobs, as a string or `name:`) and every
//! `include:` (local, project, remote, component), each with its span.

use super::span::{LineIndex, Position, Span};
use super::yaml::{self, Node};

/// Keys at the top level that are not jobs.
const GLOBAL_KEYWORDS: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

#[derive(Debug, Clone)]
pub struct GitlabCi {
    pub text: String,
    pub lines: LineIndex,
    pub images: Vec<CiImage>,
    pub includes: Vec<Include>,
    pub comment_lines: Vec<Span>,
    /// Each job, for a pragma above it.
    pub blocks: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiImage {
    /// `the pipeline's default`, or the job's name.
    pub owner: String,
    /// `image`, or `service`.
    pub role: &'static str,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeKind {
    /// A file of this repository.
    Local(String),
    /// `project:` with its `ref:`, if any.
    Project {
        project: String,
        reference: Option<String>,
    },
    Remote(String),
    /// `component: host/group/project/name@version`.
    Component(String),
    /// `template:` and anything else.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    pub kind: IncludeKind,
    pub span: Span,
    /// Whether it has `rules:`: then a missing file is as it may be.
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct GitlabError {
    pub message: String,
    pub position: Position,
}

impl GitlabCi {
    pub fn parse(text: String) -> Result<GitlabCi, GitlabError> {
        let lines = LineIndex::new(&text);
        // GitLab reads YAML with Ruby's Psych: a key written twice is no
        // error, the last one wins.
        let documents =
            yaml::parse_with(&text, yaml::DuplicateKeys::LastWins).map_err(|e| GitlabError {
                message: e.message,
                position: e.position,
            })?;
        let mut ci = GitlabCi {
            comment_lines: yaml::comment_lines(&text, &lines),
            text: String::new(),
            lines: LineIndex::new(""),
            images: Vec::new(),
            includes: Vec::new(),
            blocks: Vec::new(),
        };
        for document in &documents {
            let pipeline = "the pipeline's default";
            ci.images_of(pipeline, document);
            if let Some(default) = document.get("default") {
                ci.images_of(pipeline, default);
            }
            if let Some(include) = document.get("include") {
                ci.includes_of(include);
            }
            for (name, job) in document.entries() {
                let Some(job_name) = name.str() else { continue };
                if GLOBAL_KEYWORDS.contains(&job_name) || job.entries().is_empty() {
                    continue;
                }
                ci.blocks.push(Span::new(name.span.start, job.span.end));
                ci.images_of(job_name, job);
            }
        }
        ci.text = text;
        ci.lines = lines;
        Ok(ci)
    }

    fn images_of(&mut self, owner: &str, node: &Node) {
        if let Some(image) = node.get("image") {
            self.push_image(owner, "image", image);
        }
        for service in node.get("services").map(Node::items).unwrap_or_default() {
            self.push_image(owner, "service", service);
        }
    }

    /// `image: x` or `image: { name: x }`.
    fn push_image(&mut self, owner: &str, role: &'static str, node: &Node) {
        let node = match node.str() {
            Some(_) => node,
            None => match node.get("name") {
                Some(name) => name,
                None => return,
            },
        };
        if let Some(value) = node.str() {
            self.images.push(CiImage {
                owner: owner.to_owned(),
                role,
                value: value.to_owned(),
                span: node.span,
            });
        }
    }

    /// `include:` as a string, a list, or a mapping.
    fn includes_of(&mut self, include: &Node) {
        let entries: Vec<&Node> = if include.items().is_empty() {
            vec![include]
        } else {
            include.items().iter().collect()
        };
        for entry in entries {
            let (kind, span) = if let Some(path) = entry.str() {
                let kind = if path.starts_with("http://") || path.starts_with("https://") {
                    IncludeKind::Remote(path.to_owned())
                } else {
                    IncludeKind::Local(path.to_owned())
                };
                (kind, entry.span)
            } else if let Some(local) = entry.get("local") {
                let path = local.str().unwrap_or("").to_owned();
                (IncludeKind::Local(path), local.span)
            } else if let Some(project) = entry.get("project") {
                let reference = entry.get("ref").and_then(Node::str).map(str::to_owned);
                let span = entry.get("ref").map_or(project.span, |r| r.span);
                let project = project.str().unwrap_or("").to_owned();
                (IncludeKind::Project { project, reference }, span)
            } else if let Some(remote) = entry.get("remote") {
                let url = remote.str().unwrap_or("").to_owned();
                (IncludeKind::Remote(url), remote.span)
            } else if let Some(component) = entry.get("component") {
                let value = component.str().unwrap_or("").to_owned();
                (IncludeKind::Component(value), component.span)
            } else {
                (IncludeKind::Other, entry.span)
            };
            let conditional = entry.get("rules").is_some();
            self.includes.push(Include {
                kind,
                span,
                conditional,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_includes() {
        let text = "include:\n  - local: ci/build.yml\n  - project: g/p\n    ref: v1\n    file: a.yml\n  - remote: https://x/y.yml\n  - component: gitlab.com/g/c/lint@1.0\n  - '/ci/test.yml'\nimage: ruby:3\ndefault:\n  services: [postgres]\nstages: [build]\nbuild:\n  image:\n    name: node:20\n  services:\n    - name: redis\n  script: [make]\n.template:\n  image: alpine\nvariables:\n  image: not-a-job\n";
        let ci = GitlabCi::parse(text.to_owned()).unwrap();
        let images: Vec<(&str, &str, &str)> = ci
            .images
            .iter()
            .map(|i| (i.owner.as_str(), i.role, i.value.as_str()))
            .collect();
        assert_eq!(
            images,
            [
                ("the pipeline's default", "image", "ruby:3"),
                ("the pipeline's default", "service", "postgres"),
                ("build", "image", "node:20"),
                ("build", "service", "redis"),
                (".template", "image", "alpine"),
            ]
        );
        let kinds: Vec<&IncludeKind> = ci.includes.iter().map(|i| &i.kind).collect();
        assert_eq!(kinds.len(), 5);
        assert_eq!(kinds[0], &IncludeKind::Local("ci/build.yml".into()));
        assert_eq!(
            kinds[1],
            &IncludeKind::Project {
                project: "g/p".into(),
                reference: Some("v1".into())
            }
        );
        assert_eq!(kinds[4], &IncludeKind::Local("/ci/test.yml".into()));
        let single = GitlabCi::parse("include: https://x/y.yml\n".into()).unwrap();
        assert_eq!(
            single.includes[0].kind,
            IncludeKind::Remote("https://x/y.yml".into())
        );
    }
}
