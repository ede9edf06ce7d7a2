//! A GitHub Actions workflow (`.github/workflows/*.yml`) or action
//! (`action.yml`) as the GH rules read it: every `uses:` (steps of jobs,
//! steps of a composite action, and a job's reusable workflow), every job
//! image (`container:` and `services:`, a string or `image:`), and every
//! `runs-on:` label, each with the span of its value. A value that is
//! exactly `${{ matrix.<key> }}` is each value the job's literal matrix
//! gives it, with that value's span; a job or step whose `if:` is a
//! literal `false` never runs, and is left out.

use super::span::{LineIndex, Position, Span};
use super::yaml::{self, Node, Value};

#[derive(Debug, Clone)]
pub struct Workflow {
    pub text: String,
    pub lines: LineIndex,
    pub uses: Vec<Uses>,
    pub images: Vec<JobImage>,
    pub runners: Vec<Runner>,
    pub comment_lines: Vec<Span>,
    /// Every `#` comment after something else on its line, for a pragma
    /// on the line it ends.
    pub trailing_comments: Vec<Span>,
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
    /// The matrix property the job names it by (`matrix.image`), when the
    /// value is one the matrix gives.
    pub from_matrix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runner {
    pub job: String,
    pub label: String,
    pub span: Span,
    /// The job also asks for `self-hosted`: its labels name the owner's
    /// machines, not GitHub's images.
    pub self_hosted: bool,
    /// The matrix property the job names it by (`matrix.os`), when the
    /// label is one the matrix gives.
    pub from_matrix: Option<String>,
}

/// The most jobs one matrix may make, as GitHub limits it: a matrix that
/// makes more is refused by GitHub, and not read here.
const MAX_MATRIX_JOBS: usize = 256;

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
            trailing_comments: yaml::trailing_comments(&text, &lines, &documents),
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
                if never_runs(job) {
                    continue;
                }
                if let Some(uses) = job.get("uses") {
                    workflow.push_uses(uses, true);
                }
                workflow.steps(job.get("steps"));
                let matrix = job
                    .get("strategy")
                    .and_then(|strategy| strategy.get("matrix"))
                    .and_then(combinations);
                let matrix = matrix.as_deref();
                if let Some(container) = job.get("container") {
                    workflow.push_image(&job_name, "container", container, matrix);
                }
                for (service, spec) in job.get("services").map(Node::entries).unwrap_or_default() {
                    let role = service.str().unwrap_or("").to_owned();
                    workflow.push_image(&job_name, &role, spec, matrix);
                }
                if let Some(runs_on) = job.get("runs-on") {
                    for (runs_on, from) in from_matrix(runs_on, matrix) {
                        workflow.push_runners(&job_name, runs_on, from.as_deref(), matrix);
                    }
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
            if never_runs(step) {
                continue;
            }
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

    /// `container: image` or `container: { image: … }`, either of them
    /// given by the matrix; an empty image is no container.
    fn push_image<'n>(
        &mut self,
        job: &str,
        role: &str,
        node: &'n Node,
        matrix: Option<&[Combination<'n>]>,
    ) {
        for (node, from) in from_matrix(node, matrix) {
            let image = match node.str() {
                Some(_) => node,
                None => match node.get("image") {
                    Some(image) => image,
                    None => continue,
                },
            };
            for (image, inner) in from_matrix(image, matrix) {
                let Some(value) = image.str() else { continue };
                // `image: ""`: GitHub starts no container for it.
                if value.trim().is_empty() {
                    continue;
                }
                self.images.push(JobImage {
                    job: job.to_owned(),
                    role: role.to_owned(),
                    value: value.to_owned(),
                    span: image.span,
                    from_matrix: inner.or_else(|| from.clone()),
                });
            }
        }
    }

    /// `runs-on: label`, `runs-on: [labels]`, `runs-on: { labels: … }`,
    /// a label given by the matrix.
    fn push_runners<'n>(
        &mut self,
        job: &str,
        node: &'n Node,
        from: Option<&str>,
        matrix: Option<&[Combination<'n>]>,
    ) {
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
            for (label, inner) in from_matrix(label, matrix) {
                if let Some(value) = label.str() {
                    self.runners.push(Runner {
                        job: job.to_owned(),
                        label: value.to_owned(),
                        span: label.span,
                        self_hosted,
                        from_matrix: inner.or_else(|| from.map(str::to_owned)),
                    });
                }
            }
        }
    }
}

/// Whether a job or step has a literal `false` for `if:` (`false`,
/// `${{ false }}`): GitHub never runs it.
fn never_runs(node: &Node) -> bool {
    let Some(condition) = node.get("if").and_then(Node::str) else {
        return false;
    };
    let condition = condition.trim();
    let expression = condition
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .map_or(condition, str::trim);
    expression == "false"
}

/// The property path of a value that is exactly one matrix expression:
/// `${{ matrix.os }}` → `["os"]`, `${{ matrix.config.image }}` →
/// `["config", "image"]`.
fn matrix_path(value: &str) -> Option<Vec<&str>> {
    let inner = value.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
    let mut parts = inner.split('.');
    if parts.next() != Some("matrix") {
        return None;
    }
    let path: Vec<&str> = parts.collect();
    let name = |part: &&str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    (!path.is_empty() && path.iter().all(name)).then_some(path)
}

/// What `node` stands for: itself, or, when it is exactly
/// `${{ matrix.<path> }}` and the job's matrix is literal, each distinct
/// value (by where it is written) the matrix's jobs give that path, with
/// the expression's name (`matrix.os`). A job whose matrix cannot be
/// read keeps the expression, which is not judged.
fn from_matrix<'n>(
    node: &'n Node,
    matrix: Option<&[Combination<'n>]>,
) -> Vec<(&'n Node, Option<String>)> {
    let (Some(path), Some(matrix)) = (node.str().and_then(matrix_path), matrix) else {
        return vec![(node, None)];
    };
    let name = format!("matrix.{}", path.join("."));
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    for combination in matrix {
        let Some(mut value) = combination
            .iter()
            .find(|(key, _)| *key == path[0])
            .map(|(_, value)| *value)
        else {
            continue;
        };
        let mut reached = true;
        for part in &path[1..] {
            match value.get(part) {
                Some(inner) => value = inner,
                None => reached = false,
            }
        }
        if reached && seen.insert((value.span.start, value.span.end)) {
            found.push((value, Some(name.clone())));
        }
    }
    found
}

/// One job of a matrix: each key with its value.
type Combination<'n> = Vec<(&'n str, &'n Node)>;

/// The jobs a literal matrix makes, as GitHub makes them: the product of
/// its lists, less each combination an `exclude:` entry matches, then each
/// `include:` entry added to every combination whose original values it
/// does not change (overwriting what earlier entries added), or made a
/// job of its own when it fits none. `None` when GitHub computes it
/// (`${{ fromJSON(…) }}` anywhere in its shape) or refuses it (more than
/// [`MAX_MATRIX_JOBS`] jobs).
fn combinations(matrix: &Node) -> Option<Vec<Combination<'_>>> {
    let Value::Mapping(entries) = &matrix.value else {
        return None;
    };
    let mut lists: Vec<(&str, &[Node])> = Vec::new();
    let mut include: &[Node] = &[];
    let mut exclude: &[Node] = &[];
    for (key, value) in entries {
        let key = key.str()?;
        let Value::Sequence(items) = &value.value else {
            return None;
        };
        match key {
            "include" => include = items,
            "exclude" => exclude = items,
            _ => lists.push((key, items)),
        }
    }
    let mut product: Vec<Combination> = if lists.is_empty() {
        Vec::new()
    } else {
        vec![Vec::new()]
    };
    for (key, items) in &lists {
        let size = product.len().checked_mul(items.len())?;
        if size > MAX_MATRIX_JOBS {
            return None;
        }
        product = product
            .iter()
            .flat_map(|combination| {
                items.iter().map(move |item| {
                    let mut next = combination.clone();
                    next.push((*key, item));
                    next
                })
            })
            .collect();
    }
    let excluded: Vec<Vec<(&str, &Node)>> = exclude.iter().map(pairs).collect::<Option<_>>()?;
    let has = |combination: &Combination, (key, value): &(&str, &Node)| {
        combination.iter().any(|(k, v)| k == key && same(v, value))
    };
    product.retain(|combination| {
        !excluded
            .iter()
            .any(|entry| entry.iter().all(|pair| has(combination, pair)))
    });
    let original = product.len();
    let original_keys: Vec<&str> = lists.iter().map(|(key, _)| *key).collect();
    for entry in include {
        let entry = pairs(entry)?;
        let mut fits_one = false;
        for combination in product.iter_mut().take(original) {
            let keeps_originals = entry
                .iter()
                .filter(|(key, _)| original_keys.contains(key))
                .all(|pair| has(combination, pair));
            if !keeps_originals {
                continue;
            }
            fits_one = true;
            // The original values stay (the entry has them too); what it
            // adds may overwrite what an earlier entry added.
            for (key, value) in entry.iter().filter(|(k, _)| !original_keys.contains(k)) {
                match combination.iter_mut().find(|(k, _)| k == key) {
                    Some(slot) => slot.1 = value,
                    None => combination.push((key, value)),
                }
            }
        }
        if !fits_one {
            if product.len() >= MAX_MATRIX_JOBS {
                return None;
            }
            product.push(entry);
        }
    }
    Some(product)
}

/// An `include:` or `exclude:` entry's keys and values.
fn pairs(entry: &Node) -> Option<Combination<'_>> {
    let Value::Mapping(entries) = &entry.value else {
        return None;
    };
    entries
        .iter()
        .map(|(key, value)| Some((key.str()?, value)))
        .collect()
}

/// Whether two values are the same, wherever they are written.
fn same(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Scalar(a), Value::Scalar(b)) => a == b,
        (Value::Sequence(a), Value::Sequence(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Value::Mapping(a), Value::Mapping(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| same(ka, kb) && same(va, vb))
        }
        _ => false,
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
