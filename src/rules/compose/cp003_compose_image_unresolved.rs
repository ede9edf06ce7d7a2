//! CP003 compose-image-unresolved: a service image that uses a variable
//! with no value in the `.env` file or the configuration and no default,
//! or that Compose could not interpolate: the image is whatever the
//! environment of the machine says.

use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::compose::Interpolated;

pub const RULE: Rule = Rule {
    code: "CP003",
    name: "compose-image-unresolved",
    severity: Severity::Info,
    summary: "a Compose service `image:` that uses a variable with no value or default",
    doc: include_str!("../../../rules/CP003.md"),
    check: Check::Compose(check),
};

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for image in &context.file.images {
        let why = match &image.value {
            Interpolated::Resolved(_) => continue,
            Interpolated::Unresolved(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
                let (noun, verb) = match names.len() {
                    1 => ("variable", "has"),
                    _ => ("variables", "have"),
                };
                format!(
                    "uses {noun} {} that {verb} no value in `.env` and no default",
                    names.join(", ")
                )
            }
            Interpolated::Invalid(why) => format!("cannot be interpolated: {why}"),
        };
        out.push(Diagnostic::new(
            image.span,
            format!("{} image `{}` {why}", image.who(), image.written),
            "give the variable a value in the `.env` file beside the Compose file (or `[build-args]` in `.repro-audit.toml`), or a default: `${NAME:-1.2}`",
        ));
    }
}
