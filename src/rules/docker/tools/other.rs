//! The other languages: Ruby (gem, bundler), Go, Rust (cargo, rustup),
//! PHP (pecl, composer), Perl (cpanm, cpan), R (install2.r,
//! `install.packages`) and .NET tools.

use super::grammar::{
    is_dated, is_exact_semver, is_exact_version, is_full_commit_ref, is_local_path, name_before,
    Grammar, Needs,
};
use super::{has_option, option_value, Does, Entry, Found, Kind, Lock, LockFix, Operands, Tool};
use crate::source::dockerfile::shell::Command;

const GEM_OPTIONS: &[&str] = &[
    "-v",
    "--version",
    "-i",
    "--install-dir",
    "-n",
    "--bindir",
    "-s",
    "--source",
    "-P",
    "--trust-policy",
    "--platform",
    "-g",
    "--file",
    "--document",
    "--build-root",
    "-p",
    "--http-proxy",
];

const GO_OPTIONS: &[&str] = &[
    "-o",
    "-p",
    "-C",
    "-mod",
    "-modfile",
    "-tags",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-gccgoflags",
    "-buildmode",
    "-compiler",
    "-installsuffix",
    "-overlay",
    "-pgo",
    "-pkgdir",
    "-toolexec",
    "-exec",
    "--ldflags",
    "--tags",
];

const CARGO_OPTIONS: &[&str] = &[
    "--version",
    "--vers",
    "--git",
    "--branch",
    "--tag",
    "--rev",
    "--path",
    "--root",
    "--index",
    "--registry",
    "-j",
    "--jobs",
    "--target",
    "--target-dir",
    "--profile",
    "-F",
    "--features",
    "--config",
    "-Z",
    "--bin",
    "--example",
    "--color",
    "-p",
    "--package",
    "--manifest-path",
];

const BUNDLER_LOCK: Lock = Lock {
    enforced_by: &["--frozen", "--deployment"],
    env: &["BUNDLE_FROZEN", "BUNDLE_DEPLOYMENT"],
    bundler_config: true,
    rewrites: None,
    help: "run `bundle config set frozen true` (or set `ENV BUNDLE_FROZEN=true`) before `bundle install`",    fix: Some(LockFix::Add {
        option: "--frozen",
        bare: false,
        unless: &["--deployment=false", "--frozen=false", "--no-deployment"],
    }),
};

const BUNDLER_RELOCK: Lock = Lock::rewrites(
    "Gemfile.lock",
    "update gems outside the build and commit Gemfile.lock; in the image, run `bundle install` with `frozen` set",
);

const CARGO_LOCK: Lock = Lock {
    enforced_by: &["--locked", "--frozen"],
    env: &[],
    bundler_config: false,
    rewrites: None,
    help: "add `--locked` so cargo fails instead of re-resolving Cargo.lock",
    fix: Some(LockFix::Add {
        option: "--locked",
        bare: false,
        unless: &[],
    }),
};

const CARGO_RELOCK: Lock = Lock::rewrites(
    "Cargo.lock",
    "update dependencies outside the build and commit Cargo.lock; in the image, build with `--locked`",
);

const GO_RELOCK: Lock = Lock::rewrites(
    "go.mod and go.sum",
    "upgrade dependencies outside the build and commit go.mod and go.sum",
);

const COMPOSER_RELOCK: Lock = Lock::rewrites(
    "composer.lock",
    "use `composer install`, which installs what composer.lock records",
);

const PECL_OPTIONS: &[&str] = &[
    "-D",
    "--configureoptions",
    "-P",
    "--packagingroot",
    "-R",
    "--installroot",
];

const DOTNET_OPTIONS: &[&str] = &[
    "--version",
    "--tool-path",
    "--add-source",
    "--configfile",
    "--framework",
    "-a",
    "--arch",
    "-v",
    "--verbosity",
    "--tool-manifest",
];

pub static TOOLS: &[Tool] = &[
    Tool {
        entries: &[
            Entry::new(&[&["install", "i"]], &[Does::Install(&GEM)], GEM_OPTIONS),
            // `gem update` and `gem update --system` upgrade what is
            // installed, RubyGems included.
            Entry::new(&[&["update"]], &[Does::Upgrade], GEM_OPTIONS),
        ],
        ..Tool::new(&["gem"], Kind::Language)
    },
    Tool {
        queries: &["--version", "-v", "--help", "-h"],
        entries: &[
            // A bare `bundle` is `bundle install`.
            Entry::new(&[], &[Does::Lock(&BUNDLER_LOCK)], &[]).operands(Operands::None),
            Entry::new(&[&["install"]], &[Does::Lock(&BUNDLER_LOCK)], &[]),
            Entry::new(&[&["update"]], &[Does::Lock(&BUNDLER_RELOCK)], &[]),
        ],
        ..Tool::new(&["bundle", "bundler"], Kind::Language)
    },
    Tool {
        global_options: &["-C"],
        entries: &[
            Entry::new(&[&["install"]], &[Does::Install(&GO_INSTALL)], GO_OPTIONS),
            Entry::new(&[&["get"]], &[Does::Install(&GO_GET)], GO_OPTIONS),
            // `go get -u` moves every dependency to its newest release.
            Entry::new(&[&["get"]], &[Does::Lock(&GO_RELOCK)], GO_OPTIONS)
                .only_with(&["-u", "-u=patch"]),
        ],
        ..Tool::new(&["go", "xx-go"], Kind::Language)
    },
    Tool {
        global_options: &["--color", "--config", "-Z", "-C"],
        queries: &["--version", "-V", "--help", "-h"],
        entries: &[
            // Every command that resolves the dependency graph rewrites
            // Cargo.lock when it is out of date, unless `--locked`.
            Entry::new(
                &[&[
                    "build", "b", "run", "r", "test", "t", "check", "c", "bench", "doc", "d",
                    "clippy", "fetch",
                ]],
                &[Does::Lock(&CARGO_LOCK)],
                CARGO_OPTIONS,
            ),
            Entry::new(&[&["update"]], &[Does::Lock(&CARGO_RELOCK)], CARGO_OPTIONS),
            Entry::new(
                &[&["install"]],
                &[Does::Install(&CARGO), Does::Lock(&CARGO_LOCK)],
                CARGO_OPTIONS,
            ),
        ],
        inert: &["--list"],
        ..Tool::new(&["cargo"], Kind::Language)
    },
    Tool {
        entries: &[
            Entry::new(
                &[&["toolchain"], &["install", "add"]],
                &[Does::Install(&RUST_TOOLCHAIN)],
                RUSTUP_OPTIONS,
            ),
            Entry::new(
                &[&["install", "default"]],
                &[Does::Install(&RUST_TOOLCHAIN)],
                RUSTUP_OPTIONS,
            ),
            Entry::new(
                &[&["update"]],
                &[Does::Install(&RUST_TOOLCHAIN)],
                RUSTUP_OPTIONS,
            )
            .operands(Operands::Some),
            Entry::new(&[&["update"]], &[Does::Upgrade], RUSTUP_OPTIONS).operands(Operands::None),
        ],
        ..Tool::new(&["rustup"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[],
            &[Does::Install(&RUST_INIT)],
            RUSTUP_INIT_OPTIONS,
        )],
        ..Tool::new(&["rustup-init"], Kind::Language)
    },
    Tool {
        entries: &[
            Entry::new(&[&["install", "i"]], &[Does::Install(&PECL)], PECL_OPTIONS),
            Entry::new(&[&["upgrade", "up"]], &[Does::Upgrade], PECL_OPTIONS),
        ],
        ..Tool::new(&["pecl"], Kind::Language)
    },
    Tool {
        global_options: &["-d", "--working-dir"],
        entries: &[
            Entry::new(
                &[&["update", "u", "upgrade"]],
                &[Does::Lock(&COMPOSER_RELOCK)],
                &[],
            ),
            Entry::new(&[&["require", "r"]], &[Does::Install(&COMPOSER)], &[]),
            Entry::new(
                &[&["global"], &["require", "r"]],
                &[Does::Install(&COMPOSER)],
                &[],
            ),
        ],
        ..Tool::new(&["composer"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[],
            &[Does::Install(&CPAN)],
            &[
                "-l",
                "--local-lib",
                "-L",
                "--local-lib-contained",
                "--mirror",
                "--from",
                "-M",
                "--configure-timeout",
                "--build-timeout",
                "--test-timeout",
                "--with-feature",
                "--without-feature",
                "--cpanfile",
            ],
        )],
        ..Tool::new(&["cpanm", "cpan"], Kind::Language)
    },
    // littler's scripts, as the rocker images ship them.
    Tool {
        entries: &[Entry::new(
            &[],
            &[Does::Install(&CRAN)],
            &[
                "-r", "--repos", "-l", "--libloc", "-n", "--ncpus", "-d", "--deps", "-t", "--type",
                "-m", "--method",
            ],
        )],
        ..Tool::new(&["install2.r", "install2"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[],
            &[Does::Install(&GITHUB_REF)],
            &["-d", "--deps", "-u", "--update"],
        )],
        ..Tool::new(&["installGithub.r"], Kind::Language)
    },
    // SDKMAN!, pyenv and asdf install toolchains by name and version.
    Tool {
        entries: &[Entry::new(
            &[&["install", "i"]],
            &[Does::Install(&SDK)],
            &[],
        )],
        ..Tool::new(&["sdk"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(&[&["install"]], &[Does::Install(&PYENV)], &[])],
        inert: &["-l", "--list"],
        ..Tool::new(&["pyenv"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(&[&["install"]], &[Does::Install(&ASDF)], &[])],
        ..Tool::new(&["asdf"], Kind::Language)
    },
    Tool {
        custom: Some(r_expression),
        ..Tool::new(&["Rscript", "R"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[&["tool"], &["install", "update"]],
            &[Does::Install(&DOTNET)],
            DOTNET_OPTIONS,
        )],
        ..Tool::new(&["dotnet"], Kind::Language)
    },
];

/// `pkg:1.2.3` (or `-v 1.2.3` for the whole command).
const GEM: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
        is_local_path(package)
            || package.ends_with(".gem")
            || package
                .split_once(':')
                .is_some_and(|(_, v)| is_exact_version(v))
    },
    name: |package| name_before(package, &[':']),
    help: "pin the version (`{name}:<version>` or `-v <version>`)",
    pinning_options: &[
        ("-v", Needs::ExactVersion),
        ("--version", Needs::ExactVersion),
    ],
    pinning_env: &[],
    select: None,
};

/// `module/path@v1.2.3`, a pseudo-version, or a commit of at least 12 hex
/// digits. Without `@`, `go install` builds the version the current
/// module's go.mod requires (or fails outside a module; Go 1.16) — `go
/// install tool` the tools it pins (Go 1.24) — so only `@latest`, a branch
/// or a major version floats.
const GO_INSTALL: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| match package.rsplit_once('@') {
        None => true,
        Some((_, query)) => is_go_version(query),
    },
    name: |package| &package[..package.rfind('@').unwrap_or(package.len())],
    help: "pin a released version (`{name}@v<version>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `go get pkg` adds pkg to go.mod at its newest release unless a version
/// is named.
const GO_GET: Grammar = Grammar {
    pinned: |package| {
        is_local_path(package)
            || matches!(package, "tool" | "std" | "cmd" | "all")
            || package
                .rsplit_once('@')
                .is_some_and(|(_, query)| is_go_version(query))
    },
    ..GO_INSTALL
};

/// A Go module query that names one version: `v1.2.3`, a pseudo-version,
/// or a commit of at least 12 hex digits.
fn is_go_version(query: &str) -> bool {
    is_exact_semver(query) && query.starts_with('v')
        || query.len() >= 12 && query.chars().all(|c| c.is_ascii_hexdigit())
}

/// `crate@1.2.3` (or `--version 1.2.3`, or a git `--rev`/`--tag`).
const CARGO: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
        package
            .split_once('@')
            .is_some_and(|(_, v)| is_exact_semver(v))
    },
    name: |package| &package[..package.rfind('@').unwrap_or(package.len())],
    help: "pin the version (`{name}@<version>` or `--version <version>`)",
    pinning_options: &[
        ("--version", Needs::ExactSemver),
        ("--vers", Needs::ExactSemver),
        ("--rev", Needs::Present),
        ("--tag", Needs::Present),
    ],
    pinning_env: &[],
    select: Some(|command, from, packages| {
        if let Some((git, _)) = option_value(command, from, &["--git"]) {
            // `cargo install --git URL` with no crate named: the URL.
            return if packages.is_empty() {
                vec![git]
            } else {
                packages
            };
        }
        if has_option(command, from, &["--path"]) {
            return Vec::new();
        }
        packages
    }),
};

const RUSTUP_OPTIONS: &[&str] = &["--profile", "-c", "--component", "-t", "--target"];
const RUSTUP_INIT_OPTIONS: &[&str] = &[
    "--default-host",
    "--default-toolchain",
    "--profile",
    "-c",
    "--component",
    "-t",
    "--target",
];

/// A Rust toolchain: `1.83.0` or a dated channel (`nightly-2026-11-01`)
/// is one release; `stable`, `beta`, `nightly` and `1.83` float.
const RUST_TOOLCHAIN: Grammar = Grammar {
    noun: ("toolchain", "toolchains"),
    pinned: |toolchain| {
        let version = toolchain.split('-').next().unwrap_or("");
        toolchain == "none" || is_exact_semver(version) || is_dated(toolchain)
    },
    name: |_| "<version>",
    help: "install an exact release (`1.83.0`) or a dated channel (`nightly-2026-11-01`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `rustup-init --default-toolchain X`: the toolchain is the option's
/// value.
const RUST_INIT: Grammar = Grammar {
    select: Some(|command, from, _| {
        option_value(command, from, &["--default-toolchain"])
            .map(|(i, _)| i)
            .into_iter()
            .collect()
    }),
    ..RUST_TOOLCHAIN
};

/// `redis-6.0.2`, `channel://pecl.php.net/xdebug-3.3.0`, a local `.tgz`.
const PECL: Grammar = Grammar {
    noun: ("extension", "extensions"),
    pinned: |package| {
        is_local_path(package)
            || package.ends_with(".tgz")
            || package.rsplit_once('-').is_some_and(|(name, version)| {
                !name.is_empty()
                    && !name.ends_with('/')
                    && version.starts_with(|c: char| c.is_ascii_digit())
            })
    },
    name: |package| package.rsplit('/').next().unwrap_or(package),
    help: "pin the version (`{name}-<version>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `vendor/package:1.2.3` (also `=1.2.3`).
const COMPOSER: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
        is_local_path(package)
            || package
                .split_once([':', '='])
                .is_some_and(|(_, v)| is_exact_version(v.trim_start_matches('v')))
    },
    name: |package| name_before(package, &[':', '=']),
    help: "pin an exact version (`{name}:<version>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `Module@1.23`, `Module~"== 1.23"`, a distribution file or URL.
const CPAN: Grammar = Grammar {
    noun: ("module", "modules"),
    pinned: |module| {
        is_local_path(module)
            || module.contains("://")
            || module.ends_with(".tar.gz")
            || module.ends_with(".tgz")
            || module
                .split_once('@')
                .is_some_and(|(_, v)| is_exact_version(v.trim_start_matches('v')))
            || module.split_once('~').is_some_and(|(_, v)| {
                v.trim_start().starts_with("==")
                    && is_exact_version(v.trim_start()[2..].trim().trim_start_matches('v'))
            })
    },
    name: |module| name_before(module, &['@', '~']),
    help: "pin the version (`{name}@<version>`), or install from a cpanfile.snapshot with Carton",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `sdk install java 21.0.5-tem`: a candidate without a version gets the
/// newest.
const SDK: Grammar = Grammar {
    noun: ("SDK", "SDKs"),
    pinned: |_| false,
    name: |candidate| candidate,
    help: "name the version (`sdk install {name} <version>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: Some(|_, _, operands| {
        if operands.len() >= 2 {
            Vec::new()
        } else {
            operands
        }
    }),
};

/// `pyenv install 3.12` installs the newest 3.12.x; `3.12.7` is one
/// release.
const PYENV: Grammar = Grammar {
    noun: ("Python version", "Python versions"),
    pinned: |version| {
        version == "system"
            || version
                .split(|c: char| !c.is_ascii_digit() && c != '.')
                .any(|part| {
                    let numbers: Vec<&str> = part.split('.').collect();
                    numbers.len() >= 3 && numbers.iter().all(|n| !n.is_empty())
                })
    },
    name: |_| "<version>",
    help: "install an exact release (`3.12.7`), not a prefix",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `asdf install nodejs latest`: the version operand, when there is one.
const ASDF: Grammar = Grammar {
    noun: ("tool version", "tool versions"),
    pinned: |version| !version.starts_with("latest"),
    name: |_| "<version>",
    help: "name an exact version (`asdf install <tool> <version>`), or keep it in `.tool-versions`",
    pinning_options: &[],
    pinning_env: &[],
    select: Some(|_, _, operands| operands.into_iter().skip(1).take(1).collect()),
};

/// CRAN packages have no version in their name: only a dated snapshot of
/// the repository pins them.
const CRAN: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| is_local_path(package) || package.contains("://") || package.ends_with(".tar.gz"),
    name: |package| package,
    help: "install from a dated CRAN snapshot (`-r https://p3m.dev/cran/2026-11-01`), or pin versions with `remotes::install_version()` or renv",
    pinning_options: &[("-r", Needs::Dated), ("--repos", Needs::Dated)],
    pinning_env: &[],
    select: None,
};

/// `user/repo@<full commit>`.
const GITHUB_REF: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| is_local_path(package) || is_full_commit_ref(package),
    name: |package| name_before(package, &['@']),
    help: "pin the commit (`{name}@<full commit id>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `dotnet tool install -g dotnet-ef --version 8.0.11` or `dotnet-ef@8.0.11`.
const DOTNET: Grammar = Grammar {
    noun: ("tool", "tools"),
    pinned: |tool| {
        tool.split_once('@')
            .is_some_and(|(_, v)| is_exact_version(v))
    },
    name: |tool| name_before(tool, &['@']),
    help: "pin the version (`--version <version>`)",
    pinning_options: &[("--version", Needs::ExactVersion)],
    pinning_env: &[],
    select: None,
};

/// `Rscript -e 'install.packages(c("a", "b"))'`, `R -e …`: the package
/// names quoted in each `install.packages(…)` call of an expression,
/// unless the call names a dated snapshot as its `repos`.
fn r_expression(command: &Command) -> Vec<Found> {
    let mut pieces = Vec::new();
    let mut i = command.program + 1;
    while let Some(word) = command.words.get(i) {
        let w = word.as_str();
        let expression = match w {
            "-e" | "--expr" => command.words.get(i + 1),
            _ => None,
        };
        i += 1;
        let Some(expression) = expression else {
            continue;
        };
        let text = expression.as_str();
        let mut at = 0;
        while let Some(found) = text[at..].find("install.packages(") {
            let open = at + found + "install.packages(".len();
            let close = call_end(text, open);
            let call = &text[open..close];
            at = close;
            if call.contains("repos") && is_dated(call) {
                continue;
            }
            // The first argument: a string or `c(…)` of strings.
            let first = call_end_of_argument(call);
            for (start, end) in quoted(&call[..first]) {
                let (start, end) = (open + start, open + end);
                pieces.push((
                    text[start..end].to_owned(),
                    expression.value.source_span(start, end),
                ));
            }
        }
    }
    if pieces.is_empty() {
        return Vec::new();
    }
    vec![Found {
        does: Does::Install(&CRAN),
        kind: Kind::Language,
        named_by: vec![command.program],
        last: command.program,
        from: command.program + 1,
        operands: Vec::new(),
        pieces,
        snapshot: false,
    }]
}

/// Where the call opened just before `open` ends (its `)`), counting
/// parentheses outside quotes.
fn call_end(text: &str, open: usize) -> usize {
    let mut depth = 1usize;
    let mut quote = None;
    for (i, c) in text[open..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    text.len()
}

/// The end of a call's first argument: the first `,` at depth 0.
fn call_end_of_argument(call: &str) -> usize {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in call.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => return i,
            _ => {}
        }
    }
    call.len()
}

/// The contents of each quoted string: (start, end) inside the quotes.
fn quoted(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (i, c) in text.char_indices() {
        match open {
            Some((q, start)) if c == q => {
                found.push((start, i));
                open = None;
            }
            None if c == '\'' || c == '"' => open = Some((c, i + 1)),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_by_ecosystem() {
        let pinned = |grammar: &Grammar, spec| (grammar.pinned)(spec);
        assert!(pinned(&GO_INSTALL, "golang.org/x/tools/gopls@v0.16.2"));
        assert!(pinned(
            &GO_INSTALL,
            "github.com/x/y@v0.0.0-20240101000000-0123456789ab"
        ));
        assert!(pinned(&GO_INSTALL, "tool") && pinned(&GO_INSTALL, "./cmd/..."));
        assert!(pinned(&GO_INSTALL, "golang.org/x/tools/cmd/goimports"));
        assert!(!pinned(&GO_GET, "golang.org/x/tools/cmd/goimports"));
        assert!(!pinned(&GO_INSTALL, "golang.org/x/tools/gopls@latest"));
        assert!(
            !pinned(&GO_INSTALL, "github.com/x/y@master")
                && !pinned(&GO_INSTALL, "github.com/x/y@v1")
        );
        assert!(
            pinned(&PYENV, "3.12.7")
                && pinned(&PYENV, "pypy3.10-7.3.17")
                && !pinned(&PYENV, "3.12")
        );
        assert!(
            !pinned(&ASDF, "latest") && !pinned(&ASDF, "latest:20") && pinned(&ASDF, "20.11.1")
        );
        assert!(pinned(&RUST_TOOLCHAIN, "1.83.0") && pinned(&RUST_TOOLCHAIN, "nightly-2026-11-01"));
        assert!(pinned(&RUST_TOOLCHAIN, "1.83.0-x86_64-unknown-linux-gnu"));
        assert!(!pinned(&RUST_TOOLCHAIN, "stable") && !pinned(&RUST_TOOLCHAIN, "1.83"));
        assert!(!pinned(&RUST_TOOLCHAIN, "nightly-x86_64-unknown-linux-gnu"));
        assert!(
            pinned(&PECL, "redis-6.0.2")
                && pinned(&PECL, "channel://pecl.php.net/xdebug-3.3.0alpha3")
        );
        assert!(!pinned(&PECL, "redis") && !pinned(&PECL, "redis-stable"));
        assert!(pinned(&COMPOSER, "laravel/installer:5.8.3"));
        assert!(
            !pinned(&COMPOSER, "laravel/installer") && !pinned(&COMPOSER, "laravel/installer:^5.8")
        );
        assert!(pinned(&CPAN, "Moose@2.2207") && pinned(&CPAN, "Moose~== 2.2207"));
        assert!(!pinned(&CPAN, "Moose") && !pinned(&CPAN, "Moose~2.2"));
        assert!(pinned(&DOTNET, "dotnet-ef@8.0.11") && !pinned(&DOTNET, "dotnet-ef"));
        assert!(!pinned(&CRAN, "ggplot2"));
        assert!(pinned(
            &GITHUB_REF,
            "r-lib/remotes@0e322af87745eff34caffe4df68456ebc20d9068"
        ));
        assert!(!pinned(&GITHUB_REF, "r-lib/remotes"));
    }

    #[test]
    fn r_package_names_inside_calls() {
        let text = r#"install.packages(c("ggplot2", 'dplyr'), Ncpus = 2); install.packages("x", repos = "https://p3m.dev/cran/2026-11-01")"#;
        let open = "install.packages(".len();
        let close = call_end(text, open);
        let call = &text[open..close];
        let names: Vec<&str> = quoted(&call[..call_end_of_argument(call)])
            .into_iter()
            .map(|(s, e)| &call[s..e])
            .collect();
        assert_eq!(names, ["ggplot2", "dplyr"]);
    }
}
