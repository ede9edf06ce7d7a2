//! The README and `docs/` show real output and the real rule table: every
//! `$ repro-audit …` example is run and compared, and the table is checked
//! against the registry.

mod common;

use repro_audit::cli::{run, Terminal};
use repro_audit::rules::RULES;

fn readme() -> String {
    std::fs::read_to_string(common::root().join("README.md")).unwrap()
}

#[test]
fn rule_table_matches_the_registry() {
    let readme = readme();
    let rows: Vec<(String, String, String, String)> = readme
        .lines()
        .filter(|l| {
            ["| DF", "| CP", "| DC", "| GH", "| GL", "| NX", "| RA"]
                .iter()
                .any(|prefix| l.starts_with(prefix))
        })
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].to_owned(),
                cells[2].to_owned(),
                cells[3].to_owned(),
                cells[4].to_owned(),
            )
        })
        .collect();
    let registry: Vec<(String, String, String, String)> = RULES
        .iter()
        .map(|r| {
            let fix = match repro_audit::rules::fix_of(r.code) {
                Some(repro_audit::finding::Applicability::Safe) => "safe",
                Some(repro_audit::finding::Applicability::Unsafe) => "unsafe",
                None => "",
            };
            (
                r.code.to_owned(),
                r.name.to_owned(),
                r.severity.to_string(),
                fix.to_owned(),
            )
        })
        .collect();
    assert_eq!(rows, registry);
}

#[test]
fn console_examples_are_real_output() {
    // This README and the pages of `docs/`.
    let mut pages = vec![readme()];
    let mut docs: Vec<_> = std::fs::read_dir(common::root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    let text = pages.join("\n");
    let mut checked = 0;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let Some(command) = block.first().and_then(|l| l.strip_prefix("$ repro-audit ")) else {
            continue;
        };
        let expected = block[1..].join("\n") + "\n";
        let mut argv = vec!["repro-audit".to_owned()];
        argv.extend(command.split_whitespace().map(str::to_owned));
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run(
            &argv,
            &common::root(),
            Terminal::default(),
            &mut out,
            &mut err,
        );
        // What a terminal shows: errors come first, then the report. The
        // checkout's own directory (in SARIF's `%SRCROOT%`) is shown as
        // `/path/to/repro-audit`.
        let shown = String::from_utf8(err).unwrap() + &String::from_utf8(out).unwrap();
        let shown = shown.replace(
            &common::root().display().to_string(),
            "/path/to/repro-audit",
        );
        assert_eq!(shown, expected, "README example `{command}`");
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} README and docs examples checked"
    );
}
