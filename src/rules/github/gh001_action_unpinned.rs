//! GH001 action-unpinned: `uses: owner/repo[/path]@ref` where the ref is
//! not a full commit (a tag or a branch, which the action's owner can
//! move); a `docker://image` step is judged as an image. Local actions
//! and workflows (`./…`, and `$/…`, the repository's own file at the
//! running commit) are part of the repository.

use super::{is_commit, is_expression, Context};
use crate::finding::{Diagnostic, Fix, FixAction, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::image_ref::ImageRef;

pub const RULE: Rule = Rule {
    code: "GH001",
    name: "action-unpinned",
    severity: Severity::Warning,
    summary: "a GitHub Actions `uses:` not pinned to a full commit (a `docker://` image without a digest)",
    doc: include_str!("../../../rules/GH001.md"),
    check: Check::Workflow(check),
};

/// A path in the repository that runs: `./…` (`../…`), or `$/…`, which
/// names the repository's own action or workflow at the commit that runs
/// (`uses: $/.github/workflows/reusable.yml`, as zizmor's test data and
/// its `self-repository` audit write it). `$/…@ref` names another commit
/// of it, and is judged by its ref.
fn is_in_repository(value: &str) -> bool {
    value.starts_with("./")
        || value.starts_with("../")
        || (value.starts_with("$/") && !value.contains('@'))
}

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for uses in &context.workflow.uses {
        let value = uses.value.trim();
        if is_in_repository(value) || is_expression(value) {
            continue;
        }
        if let Some(image) = value.strip_prefix("docker://") {
            let reference = ImageRef::parse(image);
            if reference.is_pinned() {
                continue;
            }
            let diagnostic = Diagnostic::new(
                uses.span,
                format!("step image `{image}` is not pinned by digest"),
                format!("pin it as `docker://{image}@sha256:<digest>`"),
            )
            .with_fix(crate::rules::images::pin_fix(uses.span, image));
            out.push(match reference.floats() {
                true => diagnostic.with_severity(Severity::Error),
                false => diagnostic,
            });
            continue;
        }
        let what = if uses.workflow {
            "reusable workflow"
        } else {
            "action"
        };
        let (name, reference) = value.split_once('@').unwrap_or((value, ""));
        if is_commit(reference) {
            continue;
        }
        let message = match reference {
            "" => format!("{what} `{name}` names no version"),
            r => format!("{what} `{name}` is pinned to `{r}`, a tag or branch its owner can move"),
        };
        let comment = if reference.is_empty() {
            String::new()
        } else {
            format!(" # {reference}")
        };
        // `--fix` looks the tag (or branch) up in the action's repository.
        // `$/…` names no repository to look a ref up in.
        let fix = (!reference.is_empty()
            && !name.starts_with("$/")
            && name.split('/').filter(|p| !p.is_empty()).count() >= 2)
            .then(|| {
                Fix::safe(FixAction::PinAction {
                    span: uses.span,
                    name: name.to_owned(),
                    reference: reference.to_owned(),
                })
            });
        out.push(
            Diagnostic::new(
                uses.span,
                message,
                format!("pin it to the commit the tag names: `{name}@<40-hex commit>{comment}`"),
            )
            .with_fix(fix),
        );
    }
}
