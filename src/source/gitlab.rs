//! A GitLab CI file (`.gitlab-ci.yml`, and the local files it includes) as
//! the GL rules read it: every image (`image:` and `services:` at the top
//! level, in `default:` and in jobs, as a string or `name:`) and every
//! `include:` (local, project, remote, component), each with its span; and
//! what each job runs on (`tags:`, `extends:`), which a [`Pipeline`] reads
//! across the files of one pipeline.

use std::collections::HashMap;

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
    /// Every job (hidden ones, `.template`, too), in file order.
    pub jobs: Vec<Job>,
    /// `default: tags:`, if written.
    pub default_tags: Option<Vec<String>>,
    pub comment_lines: Vec<Span>,
    /// Every `#` comment after something else on its line, for a pragma
    /// on the line it ends.
    pub trailing_comments: Vec<Span>,
    /// Each job, for a pragma above it.
    pub blocks: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiImage {
    /// Who uses it: several when they merge it from one anchor
    /// (`<<: *defaults`), which is one place to pin.
    pub owners: Vec<Owner>,
    /// `image`, or `service`.
    pub role: &'static str,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// `image:` or `services:` at the top level or in `default:`.
    Default,
    Job(String),
}

/// `the pipeline's default`, `job `a``, `jobs `a` and `b``, `jobs `a`,
/// `b`, `c` and 4 more`.
pub fn who(owners: &[&Owner]) -> String {
    let jobs: Vec<&str> = owners
        .iter()
        .filter_map(|owner| match owner {
            Owner::Job(name) => Some(name.as_str()),
            Owner::Default => None,
        })
        .collect();
    let named: Vec<String> = jobs.iter().take(3).map(|j| format!("`{j}`")).collect();
    let jobs = match jobs.len() {
        0 => String::new(),
        1 => format!("job {}", named[0]),
        2 => format!("jobs {} and {}", named[0], named[1]),
        3 => format!("jobs {}, {} and {}", named[0], named[1], named[2]),
        n => format!("jobs {} and {} more", named.join(", "), n - 3),
    };
    let default = owners.contains(&&Owner::Default);
    match (default, jobs.is_empty()) {
        (true, true) => "the pipeline's default".to_owned(),
        (true, false) => format!("the pipeline's default and {jobs}"),
        (false, _) => jobs,
    }
}

/// A job as far as its runner goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub name: String,
    /// Its own `tags:`, if written (a tag written with a variable is
    /// left out: only GitLab knows it).
    pub tags: Option<Vec<String>>,
    /// What it `extends:`, in order.
    pub extends: Vec<String>,
    /// Whether it takes `default:`'s tags (`inherit: default:` can refuse).
    pub inherits_default_tags: bool,
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
            trailing_comments: yaml::trailing_comments(&text, &lines, &documents),
            text: String::new(),
            lines: LineIndex::new(""),
            images: Vec::new(),
            includes: Vec::new(),
            jobs: Vec::new(),
            default_tags: None,
            blocks: Vec::new(),
        };
        // Images merged into several jobs from one anchor share a span.
        let mut by_span: HashMap<(usize, usize, &'static str), usize> = HashMap::new();
        for document in &documents {
            ci.images_of(&Owner::Default, document, &mut by_span);
            if let Some(default) = document.get("default") {
                ci.images_of(&Owner::Default, default, &mut by_span);
                if let Some(tags) = default.get("tags") {
                    ci.default_tags = Some(tag_list(tags));
                }
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
                let owner = Owner::Job(job_name.to_owned());
                ci.images_of(&owner, job, &mut by_span);
                ci.jobs.push(Job::read(job_name, job));
            }
        }
        ci.text = text;
        ci.lines = lines;
        Ok(ci)
    }

    fn images_of(
        &mut self,
        owner: &Owner,
        node: &Node,
        by_span: &mut HashMap<(usize, usize, &'static str), usize>,
    ) {
        if let Some(image) = node.get("image") {
            self.push_image(owner, "image", image, by_span);
        }
        for service in node.get("services").map(Node::items).unwrap_or_default() {
            self.push_image(owner, "service", service, by_span);
        }
    }

    /// `image: x` or `image: { name: x }`.
    fn push_image(
        &mut self,
        owner: &Owner,
        role: &'static str,
        node: &Node,
        by_span: &mut HashMap<(usize, usize, &'static str), usize>,
    ) {
        let node = match node.str() {
            Some(_) => node,
            None => match node.get("name") {
                Some(name) => name,
                None => return,
            },
        };
        let Some(value) = node.str() else { return };
        let key = (node.span.start, node.span.end, role);
        if let Some(image) = by_span.get(&key).and_then(|&i| self.images.get_mut(i)) {
            // An owner's images are read together: one already named is
            // the last one (the top level and `default:` can alias one).
            if image.owners.last() != Some(owner) {
                image.owners.push(owner.clone());
            }
            return;
        }
        by_span.insert(key, self.images.len());
        self.images.push(CiImage {
            owners: vec![owner.clone()],
            role,
            value: value.to_owned(),
            span: node.span,
        });
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

impl Job {
    fn read(name: &str, job: &Node) -> Job {
        let extends = match job.get("extends") {
            Some(one) if one.str().is_some() => one.str().into_iter().map(str::to_owned).collect(),
            Some(list) => list
                .items()
                .iter()
                .filter_map(Node::str)
                .map(str::to_owned)
                .collect(),
            None => Vec::new(),
        };
        // `inherit: default: false`, or a list of the keywords it takes.
        let inherits_default_tags = match job.get("inherit").and_then(|i| i.get("default")) {
            Some(all) if all.str().is_some() => all.str() != Some("false"),
            Some(some) => some.items().iter().any(|k| k.str() == Some("tags")),
            None => true,
        };
        Job {
            name: name.to_owned(),
            tags: job.get("tags").map(tag_list),
            extends,
            inherits_default_tags,
        }
    }
}

/// `tags: [a, b]` (or one tag) less those written with a variable.
fn tag_list(node: &Node) -> Vec<String> {
    let items: Vec<&Node> = match node.str() {
        Some(_) => vec![node],
        None => node.items().iter().collect(),
    };
    items
        .into_iter()
        .filter_map(Node::str)
        .filter(|tag| !tag.contains('$'))
        .map(str::to_owned)
        .collect()
}

/// How deep GitLab follows `extends:` (its own limit).
const MAX_EXTENDS_DEPTH: usize = 11;

/// The jobs of one pipeline, its files merged as GitLab merges them: a
/// job's keys come from the file that includes it before the files it
/// includes.
#[derive(Debug, Default)]
pub struct Pipeline {
    jobs: HashMap<String, Job>,
    default_tags: Option<Vec<String>>,
}

impl Pipeline {
    /// The pipeline of `files`, the main file first.
    pub fn new<'a>(files: impl IntoIterator<Item = &'a GitlabCi>) -> Pipeline {
        let mut pipeline = Pipeline::default();
        for file in files {
            if pipeline.default_tags.is_none() {
                pipeline.default_tags.clone_from(&file.default_tags);
            }
            for job in &file.jobs {
                let merged = pipeline
                    .jobs
                    .entry(job.name.clone())
                    .or_insert_with(|| job.clone());
                if merged.tags.is_none() {
                    merged.tags.clone_from(&job.tags);
                }
                if merged.extends.is_empty() {
                    merged.extends.clone_from(&job.extends);
                }
            }
        }
        pipeline
    }

    /// The runner tags `owner` runs with, if the pipeline says: a job's
    /// own, else those of what it extends (a later template over an
    /// earlier one), else `default:`'s.
    pub fn tags(&self, owner: &Owner) -> Option<&[String]> {
        match owner {
            Owner::Default => self.default_tags.as_deref(),
            Owner::Job(name) => self.written_or_extended(name, 0).or_else(|| {
                let inherits = self.jobs.get(name).is_none_or(|j| j.inherits_default_tags);
                inherits.then_some(self.default_tags.as_deref()).flatten()
            }),
        }
    }

    fn written_or_extended(&self, name: &str, depth: usize) -> Option<&[String]> {
        let job = self.jobs.get(name)?;
        if let Some(tags) = &job.tags {
            return Some(tags);
        }
        if depth >= MAX_EXTENDS_DEPTH {
            return None;
        }
        job.extends
            .iter()
            .rev()
            .find_map(|template| self.written_or_extended(template, depth + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_includes() {
        let text = "include:\n  - local: ci/build.yml\n  - project: g/p\n    ref: v1\n    file: a.yml\n  - remote: https://x/y.yml\n  - component: gitlab.com/g/c/lint@1.0\n  - '/ci/test.yml'\nimage: ruby:3\ndefault:\n  services: [postgres]\nstages: [build]\nbuild:\n  image:\n    name: node:20\n  services:\n    - name: redis\n  script: [make]\n.template:\n  image: alpine\nvariables:\n  image: not-a-job\n";
        let ci = GitlabCi::parse(text.to_owned()).unwrap();
        let images: Vec<(String, &str, &str)> = ci
            .images
            .iter()
            .map(|i| {
                (
                    who(&i.owners.iter().collect::<Vec<_>>()),
                    i.role,
                    i.value.as_str(),
                )
            })
            .collect();
        let owned = |who: &str, role, value| (who.to_owned(), role, value);
        assert_eq!(
            images,
            [
                owned("the pipeline's default", "image", "ruby:3"),
                owned("the pipeline's default", "service", "postgres"),
                owned("job `build`", "image", "node:20"),
                owned("job `build`", "service", "redis"),
                owned("job `.template`", "image", "alpine"),
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
