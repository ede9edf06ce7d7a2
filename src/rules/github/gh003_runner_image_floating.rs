//! GH003 runner-image-floating: `runs-on:` a GitHub-hosted `*-latest`
//! label, whose operating system and preinstalled tools change when
//! GitHub moves the label, written in `runs-on:` or in the literal matrix
//! that `runs-on: ${{ matrix.os }}` draws from. Self-hosted runners are
//! the owner's to pin.

use super::{is_expression, Context};
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "GH003",
    name: "runner-image-floating",
    severity: Severity::Info,
    summary: "`runs-on:` a GitHub-hosted `*-latest` runner label",
    doc: include_str!("../../../rules/GH003.md"),
    check: Check::Workflow(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for runner in &context.workflow.runners {
        if runner.self_hosted || is_expression(&runner.label) {
            continue;
        }
        let Some(system) = runner.label.strip_suffix("-latest") else {
            continue;
        };
        let from = match &runner.from_matrix {
            Some(property) => format!(" (from `{property}`)"),
            None => String::new(),
        };
        out.push(Diagnostic::new(
            runner.span,
            format!(
                "job `{}` runs on `{}`{from}, which GitHub moves to a new {system} image",
                runner.job, runner.label
            ),
            match system {
                "ubuntu" => {
                    "name a version: `ubuntu-<version>` (such as `ubuntu-24.04`)".to_owned()
                }
                other => format!("name a version: `{other}-<version>`"),
            },
        ));
    }
}
