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
    insert_all(text, &[(path.to_vec(), target.to_owned())])
        .pop()
        .unwrap_or_else(|| Err("nothing to insert".to_owned()))
}

/// The edits for several `(path, target)` lines, the file parsed once.
/// Each edit only adds text after a binding (its span is what follows the
/// binding on its line), so that edits of one file never overlap: two
/// lines after the same binding have the same span and are both written.
pub fn insert_all(text: &str, lines: &[(Vec<String>, String)]) -> Vec<Result<Edit, String>> {
    let wanted: Vec<(Vec<String>, String)> = lines
        .iter()
        .map(|(path, target)| {
            let mut wanted: Vec<String> = Vec::new();
            for name in path {
                wanted.push("inputs".to_owned());
                wanted.push(name.clone());
            }
            wanted.push("follows".to_owned());
            (wanted, target.clone())
        })
        .collect();
    let count = wanted.len();
    let shared = std::sync::Arc::new(text.to_owned());
    match nix_syntax::on_parser_thread(shared, move |text, root| {
        Ok(wanted
            .iter()
            .map(|(wanted, target)| place(text, &root, wanted, target))
            .collect::<Vec<_>>())
    }) {
        Ok(edits) => edits,
        Err((message, _)) => vec![Err(format!("flake.nix does not parse: {message}")); count],
    }
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

fn place(text: &str, root: &rnix::Root, wanted: &[String], target: &str) -> Result<Edit, String> {
    let not_a_set = || "flake.nix's top level is not a plain attribute set".to_owned();
    let mut set = match root.expr().and_then(strip_parens) {
        Some(ast::Expr::AttrSet(set)) => set,
        _ => return Err(not_a_set()),
    };
    // The binding that shares the most of the path, in the top-level set
    // or in the nested sets that spell out part of it (the same input's
    // lines, wherever they are written); on a tie the deeper one, and
    // after the last such binding of its set.
    let mut consumed = 0;
    let mut anchor: Option<(usize, usize, ast::AttrpathValue)> = None;
    'descend: loop {
        let rest = &wanted[consumed..];
        let mut inner_set: Option<(ast::AttrSet, usize)> = None;
        for entry in set.entries() {
            let ast::Entry::AttrpathValue(binding) = entry else {
                continue;
            };
            let own = names(&binding);
            if own.as_deref() == Some(rest) {
                // It says where that input comes from already: the lock is
                // what is behind.
                return Err(
                    "flake.nix makes it follow already; run `nix flake lock` to update flake.lock"
                        .to_owned(),
                );
            }
            let shared = own.as_ref().map_or(0, |own| {
                own.iter().zip(rest).take_while(|(a, b)| a == b).count()
            });
            if anchor
                .as_ref()
                .is_none_or(|(best, _, _)| consumed + shared >= *best)
            {
                anchor = Some((consumed + shared, consumed, binding.clone()));
            }
            // Into a set with bindings (an empty one is written beside,
            // not into).
            if let Some(own) = own.filter(|own| own.len() < rest.len() && rest.starts_with(own)) {
                if let Some(ast::Expr::AttrSet(inner)) = binding.value().and_then(strip_parens) {
                    if inner.entries().next().is_some() {
                        inner_set = Some((inner, own.len()));
                    }
                }
            }
        }
        if let Some((inner, length)) = inner_set {
            set = inner;
            consumed += length;
            continue 'descend;
        }
        break;
    }
    let (_, consumed, anchor) = anchor.ok_or_else(not_a_set)?;
    let rest = &wanted[consumed..];
    let range = anchor.syntax().text_range();
    let (start, end) = (usize::from(range.start()), usize::from(range.end()));
    // The indentation of the anchor's line (the line's own, when other
    // bindings come before the anchor on it).
    let token_start = anchor
        .syntax()
        .first_token()
        .map_or(start, |token| usize::from(token.text_range().start()));
    let line_begin = text[..token_start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_begin..]
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
    let old = text[end..span_end].to_owned();
    Ok(Edit {
        span: Span {
            start: end,
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
    fn the_lines_indentation_when_the_anchor_is_not_first_on_it() {
        let text = "{\n  inputs = {\n\t\tnixpkgs.url = \"github:NixOS/nixpkgs\"; hm.url = \"github:o/hm\";\n  };\n}\n";
        assert_eq!(
            fixed(text, &["hm", "nixpkgs"], "nixpkgs").unwrap(),
            "{\n  inputs = {\n\t\tnixpkgs.url = \"github:NixOS/nixpkgs\"; hm.url = \"github:o/hm\";\n\t\thm.inputs.nixpkgs.follows = \"nixpkgs\";\n  };\n}\n"
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
