//! A GitHub Actions workflow (`.github/workflows/*.yml`) or action
//! (`action.yml`) as the GH rules read it: every `uses:` (steps of jobs,
//! steps of a composite action, and a job's reusable workflow), every job
//! image (`container:` and `services:`, a string or `image:`), and every
//! `runs-on:` label, each with the span of its value.

use super::span::{LineIndex, Position, Span};
use super::yaml::{self, Node};

#[derive(Debug, Clone)]
pub struct Workflow {
    pub text: String,
    pub lines: LineIndex,
    pub uses: Vec<Uses>,
    pub images: Vec<JobImage>,
    pub runners: Vec<Runner>,
    pub comment_lines: Vec<Span>,
    /// Each job and step, for a pragma above it.
    pub blocks: Vec<Span>,
}

/// A `uses:` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uses {
    pub value: String,
    pub span: Span,
    /// A job's `uses:` (a reusable workflow) rather than a step's.
    pub workflow: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobImage {
    pub job: String,
    /// `container` or the service's name.
    pub role: String,
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runner {
    pub job: String,
    pub label: String,
    pub span: Span,
    /// The job also asks for `self-hosted`: its labels name the owner's
    /// machines, not GitHub's images.
    pub self_hosted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct WorkflowError {
    pub message: String,
    pub position: Position,
}

impl Workflow {
    pub fn parse(text: String) -> Result<Workflow, WorkflowError> {
        let lines = LineIndex::new(&text);
        let documents = yaml::parse(&text).map_err(|e| WorkflowError {
            message: e.message,
            position: e.position,
        })?;
        let mut workflow = Workflow {
            comment_lines: yaml::comment_lines(&text, &lines),
            text: String::new(),
            lines: LineIndex::new(""),
            uses: Vec::new(),
            images: Vec::new(),
            runners: Vec::new(),
            blocks: Vec::new(),
        };
        for document in &documents {
            for (name, job) in document.get("jobs").map(Node::entries).unwrap_or_default() {
                let job_name = name.str().unwrap_or("").to_owned();
                workflow
                    .blocks
                    .push(Span::new(name.span.start, job.span.end));
                if let Some(uses) = job.get("uses") {
                    workflow.push_uses(uses, true);
                }
                workflow.steps(job.get("steps"));
                if let Some(container) = job.get("container") {
                    workflow.push_image(&job_name, "container", container);
                }
                for (service, spec) in job.get("services").map(Node::entries).unwrap_or_default() {
                    let role = service.str().unwrap_or("").to_owned();
                    workflow.push_image(&job_name, &role, spec);
                }
                if let Some(runs_on) = job.get("runs-on") {
                    workflow.push_runners(&job_name, runs_on);
                }
            }
            // A composite action: `runs: { using: composite, steps: … }`;
            // a Docker action: `runs: { using: docker, image: docker://… }`
            // (an image judged as a `docker://` step is).
            if let Some(runs) = document.get("runs") {
                workflow.steps(runs.get("steps"));
                if let Some(image) = runs.get("image") {
                    if image.str().is_some_and(|i| i.starts_with("docker://")) {
                        workflow.push_uses(image, false);
                    }
                }
            }
        }
        workflow.text = text;
        workflow.lines = lines;
        Ok(workflow)
    }

    fn steps(&mut self, steps: Option<&Node>) {
        for step in steps.map(Node::items).unwrap_or_default() {
            self.blocks.push(step.span);
            if let Some(uses) = step.get("uses") {
                self.push_uses(uses, false);
            }
        }
    }

    fn push_uses(&mut self, node: &Node, workflow: bool) {
        if let Some(value) = node.str() {
            self.uses.push(Uses {
                value: value.to_owned(),
                span: node.span,
                workflow,
            });
        }
    }

    /// `container: image` or `container: { image: … }`.
    fn push_image(&mut self, job: &str, role: &str, node: &Node) {
        let image = match node.str() {
            Some(_) => node,
            None => match node.get("image") {
                Some(image) => image,
                None => return,
            },
        };
        if let Some(value) = image.str() {
            self.images.push(JobImage {
                job: job.to_owned(),
                role: role.to_owned(),
                value: value.to_owned(),
                span: image.span,
            });
        }
    }

    /// `runs-on: label`, `runs-on: [labels]`, `runs-on: { labels: … }`.
    fn push_runners(&mut self, job: &str, node: &Node) {
        let labels: Vec<&Node> = if node.str().is_some() {
            vec![node]
        } else if let Some(labels) = node.get("labels") {
            if labels.str().is_some() {
                vec![labels]
            } else {
                labels.items().iter().collect()
            }
        } else {
            node.items().iter().collect()
        };
        let self_hosted =
            labels.iter().any(|l| l.str() == Some("self-hosted")) || node.get("group").is_some();
        for label in labels {
            if let Some(value) = label.str() {
                self.runners.push(Runner {
                    job: job.to_owned(),
                    label: value.to_owned(),
                    span: label.span,
                    self_hosted,
                });
            }
        }
    }
}

/// Whether a file is a workflow or an action by its path: a `.yml` or
/// `.yaml` file directly in `.github/workflows/`, or `action.yml` /
/// `action.yaml` anywhere.
pub fn is_workflow_path(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name == "action.yml" || name == "action.yaml" {
        return true;
    }
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let parent = path.parent();
    let in_workflows = parent
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "workflows")
        && parent
            .and_then(|p| p.parent())
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == ".github");
    yaml && in_workflows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_uses_images_and_runners() {
        let text = "on: push\njobs:\n  build:\n    runs-on: [self-hosted, linux]\n    container:\n      image: node:20\n    services:\n      db: postgres\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo\n      - uses: ./local\n  call:\n    uses: o/r/.github/workflows/x.yml@main\n  test:\n    runs-on: ubuntu-latest\n";
        let workflow = Workflow::parse(text.to_owned()).unwrap();
        let uses: Vec<(&str, bool)> = workflow
            .uses
            .iter()
            .map(|u| (u.value.as_str(), u.workflow))
            .collect();
        assert_eq!(
            uses,
            [
                ("actions/checkout@v4", false),
                ("./local", false),
                ("o/r/.github/workflows/x.yml@main", true)
            ]
        );
        let images: Vec<(&str, &str)> = workflow
            .images
            .iter()
            .map(|i| (i.role.as_str(), i.value.as_str()))
            .collect();
        assert_eq!(images, [("container", "node:20"), ("db", "postgres")]);
        let runners: Vec<(&str, bool)> = workflow
            .runners
            .iter()
            .map(|r| (r.label.as_str(), r.self_hosted))
            .collect();
        assert_eq!(
            runners,
            [
                ("self-hosted", true),
                ("linux", true),
                ("ubuntu-latest", false)
            ]
        );
        let action = Workflow::parse(
            "runs:\n  using: composite\n  steps:\n    - uses: actions/setup-node@v4\n".into(),
        )
        .unwrap();
        assert_eq!(action.uses[0].value, "actions/setup-node@v4");
        let docker =
            Workflow::parse("runs:\n  using: docker\n  image: docker://alpine:3.20\n".into())
                .unwrap();
        assert_eq!(docker.uses[0].value, "docker://alpine:3.20");
        let built =
            Workflow::parse("runs:\n  using: docker\n  image: Dockerfile\n".into()).unwrap();
        assert!(built.uses.is_empty());
    }

    #[test]
    fn paths() {
        use std::path::Path;
        assert!(is_workflow_path(Path::new("r/.github/workflows/ci.yml")));
        assert!(is_workflow_path(Path::new(".github/workflows/ci.yaml")));
        assert!(is_workflow_path(Path::new("sub/action.yml")));
        assert!(!is_workflow_path(Path::new(".github/workflows/sub/ci.yml")));
        assert!(!is_workflow_path(Path::new("workflows/ci.yml")));
        assert!(!is_workflow_path(Path::new(".github/dependabot.yml")));
    }
}
