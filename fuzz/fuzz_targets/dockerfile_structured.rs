//! Dockerfiles built from structure: instructions, variables that refer to
//! each other, and RUN scripts of the commands the rules read (package
//! managers, downloads, checksums, clones, wrappers, heredocs), joined by
//! every shell operator. Raw bytes rarely get past the parser this far.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use repro_audit::audit::audit_dockerfile;

const IMAGES: [&str; 6] = [
    "debian",
    "python",
    "ghcr.io/o/i",
    "localhost:5000/x",
    "$BASE",
    "s0",
];
const TAGS: [&str; 5] = ["12", "latest", "3.13-slim", "${TAG:-1}", "$V"];
const VARS: [&str; 5] = ["A", "B", "TAG", "BASE", "PKGS"];
const WORDS: [&str; 8] = [
    "curl",
    "x=1",
    "\"$A\"",
    "'b c'",
    "-y",
    "--no-cache",
    "$(date)",
    "`id`",
];
const PACKAGES: [&str; 5] = ["curl", "git=1:2.39", "requests", "numpy==2.0", "$PKGS"];
const SEPARATORS: [&str; 6] = [" && ", "; ", " | ", " || ", " \\\n  && ", "\n"];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

#[derive(Arbitrary, Debug)]
enum Instruction {
    From {
        image: u8,
        tag: Option<u8>,
        digest: bool,
        alias: Option<u8>,
        platform: bool,
    },
    Arg {
        name: u8,
        value: Option<Value>,
    },
    Env {
        name: u8,
        value: Value,
        legacy: bool,
    },
    Run {
        commands: Vec<(Command, u8)>,
        heredoc: bool,
        mount: bool,
    },
    Add {
        url: u8,
        checksum: bool,
        variable: bool,
    },
    Copy {
        from: Option<u8>,
        heredoc: bool,
    },
    Onbuild(Box<Instruction>),
    Line(String),
}

#[derive(Arbitrary, Debug)]
enum Value {
    Word(u8),
    Var(u8),
    Default(u8, u8),
    Pattern(u8, u8),
    Concat(Box<Value>, Box<Value>),
}

#[derive(Arbitrary, Debug)]
enum Command {
    Apt {
        update: bool,
        packages: Vec<u8>,
    },
    Apk {
        packages: Vec<u8>,
    },
    Pip {
        packages: Vec<u8>,
        requirements: bool,
    },
    Npm {
        ci: bool,
    },
    Curl {
        pipe: bool,
        output: bool,
        url: u8,
    },
    Check {
        file: bool,
    },
    Clone {
        checkout: Option<u8>,
    },
    Export {
        name: u8,
        value: Value,
    },
    Wrap {
        wrapper: u8,
        inner: Box<Command>,
    },
    If {
        inner: Vec<Command>,
    },
    Words(Vec<u8>),
    Raw(String),
}

fn value(v: &Value, out: &mut String) {
    match v {
        Value::Word(w) => out.push_str(pick(&WORDS, *w)),
        Value::Var(n) => out.push_str(&format!("${}", pick(&VARS, *n))),
        Value::Default(n, w) => {
            out.push_str(&format!("${{{}:-{}}}", pick(&VARS, *n), pick(&TAGS, *w)))
        }
        Value::Pattern(n, w) => {
            out.push_str(&format!("${{{}%{}}}", pick(&VARS, *n), pick(&WORDS, *w)))
        }
        Value::Concat(a, b) => {
            value(a, out);
            value(b, out);
        }
    }
}

fn command(c: &Command, out: &mut String) {
    let list = |items: &[u8], table: &[&str]| -> String {
        items
            .iter()
            .map(|&i| pick(table, i))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match c {
        Command::Apt { update, packages } => {
            if *update {
                out.push_str("apt-get update && ");
            }
            out.push_str(&format!("apt-get install -y {}", list(packages, &PACKAGES)));
        }
        Command::Apk { packages } => {
            out.push_str(&format!("apk add --no-cache {}", list(packages, &PACKAGES)))
        }
        Command::Pip {
            packages,
            requirements,
        } => {
            out.push_str("pip install ");
            if *requirements {
                out.push_str("-r requirements.txt ");
            }
            out.push_str(&list(packages, &PACKAGES));
        }
        Command::Npm { ci } => out.push_str(if *ci { "npm ci" } else { "npm install" }),
        Command::Curl { pipe, output, url } => {
            let urls = [
                "https://x/i.sh",
                "https://x/a.tgz",
                "$A",
                "https://github.com/o/r/archive/0123456789abcdef0123456789abcdef01234567.tar.gz",
            ];
            out.push_str("curl -fsSL ");
            if *output {
                out.push_str("-o f.tgz ");
            }
            out.push_str(pick(&urls, *url));
            if *pipe {
                out.push_str(" | sh");
            }
        }
        Command::Check { file } => out.push_str(if *file {
            "sha256sum -c SHASUMS"
        } else {
            "echo \"abc  f.tgz\" | sha256sum -c -"
        }),
        Command::Clone { checkout } => {
            out.push_str("git clone https://github.com/o/r && cd r");
            if let Some(c) = checkout {
                out.push_str(&format!(
                    " && git checkout {}",
                    pick(
                        &[
                            "main",
                            "v1.2",
                            "0123456789abcdef0123456789abcdef01234567",
                            "$A"
                        ],
                        *c
                    )
                ));
            }
        }
        Command::Export { name, value: v } => {
            out.push_str(&format!("export {}=", pick(&VARS, *name)));
            value(v, out);
        }
        Command::Wrap { wrapper, inner } => {
            out.push_str(pick(
                &["sudo ", "su -c '", "timeout 5 ", "xargs ", "env X=1 "],
                *wrapper,
            ));
            command(inner, out);
            if *wrapper % 5 == 1 {
                out.push('\'');
            }
        }
        Command::If { inner } => {
            out.push_str("if true; then ");
            for c in inner {
                command(c, out);
                out.push_str("; ");
            }
            out.push_str("fi");
        }
        Command::Words(words) => out.push_str(&list(words, &WORDS)),
        Command::Raw(text) => out.push_str(text),
    }
}

fn instruction(i: &Instruction, out: &mut String) {
    match i {
        Instruction::From {
            image,
            tag,
            digest,
            alias,
            platform,
        } => {
            out.push_str("FROM ");
            if *platform {
                out.push_str("--platform=$BUILDPLATFORM ");
            }
            out.push_str(pick(&IMAGES, *image));
            if let Some(t) = tag {
                out.push(':');
                out.push_str(pick(&TAGS, *t));
            }
            if *digest {
                out.push_str(
                    "@sha256:0000000000000000000000000000000000000000000000000000000000000000",
                );
            }
            if let Some(a) = alias {
                out.push_str(&format!(" AS s{}", a % 4));
            }
        }
        Instruction::Arg { name, value: v } => {
            out.push_str(&format!("ARG {}", pick(&VARS, *name)));
            if let Some(v) = v {
                out.push('=');
                value(v, out);
            }
        }
        Instruction::Env {
            name,
            value: v,
            legacy,
        } => {
            out.push_str(&format!(
                "ENV {}{}",
                pick(&VARS, *name),
                if *legacy { " " } else { "=" }
            ));
            value(v, out);
        }
        Instruction::Run {
            commands,
            heredoc,
            mount,
        } => {
            out.push_str("RUN ");
            if *mount {
                out.push_str("--mount=type=cache,target=/root/.cache ");
            }
            if *heredoc {
                out.push_str("<<EOF\n");
            }
            for (c, separator) in commands {
                command(c, out);
                out.push_str(if *heredoc {
                    "\n"
                } else {
                    pick(&SEPARATORS, *separator)
                });
            }
            out.push_str("true");
            if *heredoc {
                out.push_str("\nEOF");
            }
        }
        Instruction::Add {
            url,
            checksum,
            variable,
        } => {
            out.push_str("ADD ");
            if *checksum {
                out.push_str("--checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 ");
            }
            out.push_str(if *variable {
                "$A"
            } else {
                pick(
                    &[
                        "https://x/a.tgz",
                        "https://github.com/o/r.git#main",
                        "./local",
                    ],
                    *url,
                )
            });
            out.push_str(" /x");
        }
        Instruction::Copy { from, heredoc } => {
            out.push_str("COPY ");
            if let Some(f) = from {
                out.push_str(&format!(
                    "--from={} ",
                    pick(&["s0", "python:3", "$BASE"], *f)
                ));
            }
            out.push_str(if *heredoc { "<<EOF /etc/apt/sources.list\ndeb http://snapshot.debian.org/archive/debian/20240101T000000Z bookworm main\nEOF" } else { ". /app" });
        }
        Instruction::Onbuild(inner) => {
            out.push_str("ONBUILD ");
            instruction(inner, out);
        }
        Instruction::Line(text) => out.push_str(text),
    }
}

fuzz_target!(|instructions: Vec<Instruction>| {
    let mut text = String::new();
    for i in &instructions {
        instruction(i, &mut text);
        text.push('\n');
    }
    let options = common::options();
    let _ = audit_dockerfile("Dockerfile", text, &options);
});
