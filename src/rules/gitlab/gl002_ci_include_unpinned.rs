//! GL002 ci-include-unpinned: an `include:` whose content can change
//! under the same commit: `project:` without a `ref:` that is a full
//! commit, `remote:` (a URL serves what it serves today), and a
//! `component:` at a version that is not a full commit.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::github::is_commit;
use crate::rules::{Check, Rule};
use crate::source::gitlab::IncludeKind;

pub const RULE: Rule = Rule {
    code: "GL002",
    name: "ci-include-unpinned",
    severity: Severity::Warning,
    summary: "a GitLab CI `include:` of another project at a ref that is not a full commit, a `remote:` URL, or a component at a version that is not a commit",
    doc: include_str!("../../../rules/GL002.md"),
    check: Check::Gitlab(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for include in &context.file.includes {
        let (message, help) = match &include.kind {
            IncludeKind::Project { project, reference } => match reference.as_deref() {
                Some(r) if is_commit(r) => continue,
                Some(r) => (
                    format!("`include: project: {project}` at `{r}`, a branch or tag that can move"),
                    "set `ref:` to the full commit the branch or tag names",
                ),
                None => (
                    format!("`include: project: {project}` has no `ref:`: it follows the project's default branch"),
                    "set `ref:` to a full commit",
                ),
            },
            IncludeKind::Remote(url) => (
                format!("`include: remote: {url}` is whatever the URL serves when the pipeline starts"),
                "copy the file into the repository and include it with `local:`, or include it from a project at a full commit",
            ),
            IncludeKind::Component(component) => {
                let version = component.rsplit_once('@').map(|(_, v)| v).unwrap_or("");
                if is_commit(version) {
                    continue;
                }
                (
                    format!("component `{component}` is not pinned to a commit"),
                    "name the component at the full commit of its release: `…@<40-hex commit>`",
                )
            }
            IncludeKind::Local(_) | IncludeKind::Other => continue,
        };
        out.push(Diagnostic::new(include.span, message, help));
    }
}
