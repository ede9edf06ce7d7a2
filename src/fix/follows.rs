//! NX005's fix: a `follows` line written into flake.nix's `inputs`, in
//! the file's own style — `inputs.a.inputs.b.follows = "b";` beside flat
//! `inputs.a.url = …;` lines, `a.inputs.b.follows = "b";` inside an
//! `inputs = { … }` set, `inputs.b.follows = "b";` inside `a = { … }` —
//! on its own line after the bindings of the same input, indented as they
//! are.

use rnix::ast::{self, HasEntry};
use rowan::ast::AstNode;

use crate::finding::Edit;
use crate::rules::nix::nix_attr;
use crate::source::nix_syntax::{self, strip_parens};
use crate::source::span::Span;

/// The edit that adds `inputs.<path…>.follows = "<target>";` to the
/// flake.nix `text`, or why there is none: the file cannot take it plainly
/// (its top level is not an attribute set), or it already says where that
/// input comes from.
pub fn insert(text: &str, path: &[String], target: &str) -> Result<Edit, String> {
    let mut wanted: Vec<String> = Vec::new();
    for name in path {
        wanted.push("inputs".to_owned());
        wanted.push(name.clone());
    }
    wanted.push("follows".to_owned());
    let shared = std::sync::Arc::new(text.to_owned());
    let target = target.to_owned();
    nix_syntax::on_parser_thread(shared, move |text, root| {
        Ok(place(text, root, &wanted, &target))
    })
    .map_err(|(message, _)| format!("flake.nix does not parse: {message}"))?
}

/// The names of a binding's attribute path, when all are plain.
fn names(binding: &ast::AttrpathValue) -> Option<Vec<String>> {
    binding
        .attrpath()?
        .attrs()
        .map(|attr| match attr {
            ast::Attr::Ident(ident) => Some(ident.syntax().text().to_string()),
            ast::Attr::Str(string) => {
                let mut out = String::new();
                for part in string.normalized_parts() {
                    match part {
                        ast::InterpolPart::Literal(literal) => out.push_str(&literal),
                        ast::InterpolPart::Interpolation(_) => return None,
                    }
                }
                Some(out)
            }
            ast::Attr::Dynamic(_) => None,
        })
        .collect()
}

fn place(text: &str, root: rnix::Root, wanted: &[String], target: &str) -> Result<Edit, String> {
    let not_a_set = || "flake.nix's top level is not a plain attribute set".to_owned();
    let mut set = match root.expr().and_then(strip_parens) {
        Some(ast::Expr::AttrSet(set)) => set,
        _ => return Err(not_a_set()),
    };
    let mut rest: &[String] = wanted;
    // Into the nested set that spells out the longest part of the path.
    'descend: loop {
        for entry in set.entries() {
            let ast::Entry::AttrpathValue(binding) = entry else {
                continue;
            };
            let Some(own) = names(&binding) else { continue };
            if own.as_slice() == rest {
                // It says where that input comes from already: the lock is
                // what is behind.
                return Err(
                    "flake.nix makes it follow already; run `nix flake lock` to update flake.lock"
                        .to_owned(),
                );
            }
            if own.len() < rest.len() && rest.starts_with(&own) {
                if let Some(ast::Expr::AttrSet(inner)) = binding.value().and_then(strip_parens) {
                    set = inner;
                    rest = &rest[own.len()..];
                    continue 'descend;
                }
            }
        }
        break;
    }
    // After the last binding that shares the most of the path (the same
    // input's lines), else after the last binding of the set.
    let mut anchor: Option<(usize, ast::AttrpathValue)> = None;
    for entry in set.entries() {
        let ast::Entry::AttrpathValue(binding) = entry else {
            continue;
        };
        let shared = names(&binding).map_or(0, |own| {
            own.iter().zip(rest).take_while(|(a, b)| a == b).count()
        });
        if anchor.as_ref().is_none_or(|(best, _)| shared >= *best) {
            anchor = Some((shared, binding));
        }
    }
    let (_, anchor) = anchor.ok_or_else(not_a_set)?;
    let range = anchor.syntax().text_range();
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let line_end = if text[..line_end].ends_with('\r') {
        line_end - 1
    } else {
        line_end
    };
    let newline = if text[line_end..].starts_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let attrpath: Vec<String> = rest.iter().map(|name| nix_attr(name)).collect();
    let binding = format!(
        "{} = \"{}\";",
        attrpath.join("."),
        target.replace('"', "\\\"")
    );
    let after = text[end..line_end].trim();
    // On a line of its own when the anchor ends its line (a comment may
    // follow it); else beside it.
    let (span_end, insertion) = if after.is_empty() || after.starts_with('#') {
        (line_end, format!("{newline}{indent}{binding}"))
    } else {
        (end, format!(" {binding}"))
    };
    let old = text[start..span_end].to_owned();
    Ok(Edit {
        span: Span {
            start,
            end: span_end,
        },
        new: format!("{old}{insertion}"),
        old,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(text: &str, path: &[&str], target: &str) -> Option<String> {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let edit = insert(text, &path, target).ok()?;
        let mut out = text.to_owned();
        assert_eq!(&text[edit.span.start..edit.span.end], edit.old);
        out.replace_range(edit.span.start..edit.span.end, &edit.new);
        Some(out)
    }

    #[test]
    fn flat_lines_get_a_flat_line_after_the_same_input() {
        let text = "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.11\";\n  inputs.home-manager.url = \"github:nix-community/home-manager\"; # hm\n  inputs.utils.url = \"github:numtide/flake-utils\";\n  outputs = _: { };\n}\n";
        assert_eq!(
            fixed(text, &["home-manager", "nixpkgs"], "nixpkgs").unwrap(),
            "{\n  inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-24.11\";\n  inputs.home-manager.url = \"github:nix-community/home-manager\"; # hm\n  inputs.home-manager.inputs.nixpkgs.follows = \"nixpkgs\";\n  inputs.utils.url = \"github:numtide/flake-utils\";\n  outputs = _: { };\n}\n"
        );
    }

    #[test]
    fn an_inputs_set_gets_a_line_in_it() {
        let text = "{\n  inputs = {\n    nixpkgs.url = \"github:NixOS/nixpkgs\";\n    hm.url = \"github:nix-community/home-manager\";\n  };\n  outputs = _: { };\n}\n";
        assert_eq!(
            fixed(text, &["hm", "nixpkgs"], "nixpkgs").unwrap(),
            "{\n  inputs = {\n    nixpkgs.url = \"github:NixOS/nixpkgs\";\n    hm.url = \"github:nix-community/home-manager\";\n    hm.inputs.nixpkgs.follows = \"nixpkgs\";\n  };\n  outputs = _: { };\n}\n"
        );
    }

    #[test]
    fn an_input_set_gets_the_line_inside_it_and_crlf_is_kept() {
        let text = "{\r\n  inputs = {\r\n    nixpkgs.url = \"github:NixOS/nixpkgs\";\r\n    hm = {\r\n      url = \"github:nix-community/home-manager\";\r\n      inputs.utils.follows = \"utils\";\r\n    };\r\n  };\r\n  outputs = _: { };\r\n}\r\n";
        assert_eq!(
            fixed(text, &["hm", "nixpkgs"], "nixpkgs").unwrap(),
            "{\r\n  inputs = {\r\n    nixpkgs.url = \"github:NixOS/nixpkgs\";\r\n    hm = {\r\n      url = \"github:nix-community/home-manager\";\r\n      inputs.utils.follows = \"utils\";\r\n      inputs.nixpkgs.follows = \"nixpkgs\";\r\n    };\r\n  };\r\n  outputs = _: { };\r\n}\r\n"
        );
    }

    #[test]
    fn deeper_paths_quoted_names_and_one_line_sets() {
        let text = "{ inputs = { a.url = \"github:o/a\"; }; outputs = _: { }; }";
        assert_eq!(
            fixed(text, &["a", "b.c", "nixpkgs"], "nixpkgs").unwrap(),
            "{ inputs = { a.url = \"github:o/a\"; a.inputs.\"b.c\".inputs.nixpkgs.follows = \"nixpkgs\"; }; outputs = _: { }; }"
        );
    }

    #[test]
    fn nothing_when_it_is_said_already_or_the_file_is_no_set() {
        let text = "{ inputs.a.inputs.b.follows = \"b\"; outputs = _: { }; }";
        assert_eq!(fixed(text, &["a", "b"], "b"), None);
        assert_eq!(fixed("let x = 1; in { }", &["a", "b"], "b"), None);
        assert_eq!(fixed("{ inputs.a.url = ", &["a", "b"], "b"), None);
    }
}
