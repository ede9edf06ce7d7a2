//! DC001 devcontainer-image-unpinned: the definition's `image` without a
//! digest; an error when it floats (no tag, or `latest`).

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::images::judge;
use crate::rules::{Check, Rule};

pub const RULE: Rule = Rule {
    code: "DC001",
    name: "devcontainer-image-unpinned",
    severity: Severity::Warning,
    summary: "a dev container `image` without a digest (an error when it floats)",
    doc: include_str!("../../../rules/DC001.md"),
    check: Check::Devcontainer(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    let Some((image, span)) = &context.file.image else {
        return;
    };
    if image.contains("${") {
        return;
    }
    out.extend(judge(
        *span,
        &format!("dev container image `{image}`"),
        image,
    ));
}
