//! DF013 language-package-unpinned: a language package installed without an
//! exact version (`pip install requests`, `npm install -g typescript`,
//! `go install x@latest`, `cargo install ripgrep`). The registry serves a
//! newer release every week.

use super::package_managers::{
    has_flag, is_exact_semver, is_full_commit, is_local_path, is_npm_install, operand_from,
    operands, option_value, unpinned_packages, NPM_OPTIONS_WITH_VALUE,
};
use super::Context;
use crate::finding::{Diagnostic, Severity};
use crate::rules::{Check, Rule};
use crate::source::dockerfile::shell::Command;

pub const RULE: Rule = Rule {
    code: "DF013",
    name: "language-package-unpinned",
    severity: Severity::Warning,
    summary: "a language package install without an exact version: `pip install pkg`, `npm install -g pkg`, `gem install`, `go install …@latest`, `cargo install` …",
    doc: include_str!("../../../rules/DF013.md"),
    check: Check::Dockerfile(check),
};

/// How a package operand names its version.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Grammar {
    /// PEP 508: `pkg==1.2`, `pkg @ git+https://…@<commit>`.
    Python,
    /// `uv tool install`: PEP 508 or `pkg@1.2.3`.
    UvTool,
    /// `pkg@1.2.3`, `@scope/pkg@1.2.3`.
    Npm,
    /// `pkg:1.2.3` (or `-v 1.2.3` for the whole command).
    Gem,
    /// `module/path@v1.2.3`.
    Go,
    /// `crate@1.2.3` (or `--version 1.2.3`).
    Cargo,
}

/// One install command: where its words start, which options take a value,
/// and how a package names its version.
struct Install {
    /// The words quoted in the message (`pip install`).
    words: String,
    /// The first word after the subcommand.
    from: usize,
    with_value: &'static [&'static str],
    grammar: Grammar,
}

fn check(context: &Context, out: &mut Vec<Diagnostic>) {
    for (instruction, command) in context.commands() {
        let Some(install) = install(command) else {
            continue;
        };
        if frozen_by_option(command, &install)
            || command.name() == "uv"
                && context
                    .env(instruction, command, "UV_EXCLUDE_NEWER")
                    .is_some_and(|v| !v.is_empty())
        {
            continue;
        }
        let unpinned = unpinned(command, &install);
        let example = unpinned.first().map_or("pkg", |&i| {
            package_name(command.words[i].as_str(), install.grammar)
        });
        out.extend(unpinned_packages(
            command,
            &unpinned,
            &install.words,
            "an exact version",
            help(&install, command, example),
        ));
    }
}

/// pip's options that take a value: its general options (also valid
/// before the subcommand) and those of `install`.
const PIP: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--platform",
    "--python-version",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--upgrade-strategy",
    "--global-option",
    "--config-settings",
    "-C",
    "--report",
    "--root-user-action",
    "--group",
    "--log",
    "--proxy",
    "--retries",
    "--timeout",
    "--exists-action",
    "--trusted-host",
    "--cert",
    "--client-cert",
    "--cache-dir",
    "--python",
    "--progress-bar",
    "--keyring-provider",
    "--use-feature",
    "--use-deprecated",
    "--resume-retries",
];

const UV: &[&str] = &[
    "-r",
    "--requirement",
    "--requirements",
    "-c",
    "--constraint",
    "--constraints",
    "--override",
    "--overrides",
    "--build-constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "--index",
    "--default-index",
    "-f",
    "--find-links",
    "-p",
    "--python",
    "-t",
    "--target",
    "--prefix",
    "--python-version",
    "--python-platform",
    "--index-strategy",
    "--keyring-provider",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "-P",
    "--upgrade-package",
    "--reinstall-package",
    "--no-build-package",
    "--no-binary-package",
    "--only-binary",
    "--no-binary",
    "-C",
    "--config-setting",
    "--link-mode",
    "--cache-dir",
    "--directory",
    "--project",
    "--config-file",
    "--color",
    "--group",
    "--extra",
    "--with",
    "--with-requirements",
    "--with-editable",
    "--from",
    "--torch-backend",
];

const PIPX: &[&str] = &[
    "--python",
    "--pip-args",
    "--index-url",
    "-i",
    "--suffix",
    "--preinstall",
    "--spec",
];

const GEM: &[&str] = &[
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

const GO: &[&str] = &[
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

const CARGO: &[&str] = &[
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
];

/// Recognise an install command of a language package manager.
fn install(command: &Command) -> Option<Install> {
    let name = command.name();
    let p = command.program;
    let word = |i: usize| command.words.get(i).map_or("", |w| w.as_str());
    let make = |sub: usize, with_value, grammar| Install {
        words: command.text_to(sub),
        from: sub + 1,
        with_value,
        grammar,
    };
    if is_pip(name) {
        let sub = operand_from(command, p + 1, PIP)?;
        let words = format!("{} install", word(p));
        return (word(sub) == "install").then(|| pip_install(sub, words));
    }
    if is_python(name) {
        // `python3 -m pip install`, also with interpreter options first.
        let m = (p + 1..command.words.len()).find(|&i| word(i) == "-m")?;
        if !is_pip(word(m + 1)) {
            return None;
        }
        let sub = operand_from(command, m + 2, PIP)?;
        let words = format!("{} -m {} install", word(p), word(m + 1));
        return (word(sub) == "install").then(|| pip_install(sub, words));
    }
    let global_with_value: &[&str] = match name {
        "npm" | "yarn" | "pnpm" => NPM_OPTIONS_WITH_VALUE,
        "go" => &["-C"],
        "cargo" => &["--color", "--config", "-Z"],
        _ => &[],
    };
    let sub = operand_from(command, p + 1, global_with_value)?;
    match (name, word(sub)) {
        ("uv", "pip") => {
            let install = operand_from(command, sub + 1, UV)?;
            (word(install) == "install").then(|| make(install, UV, Grammar::Python))
        }
        ("uv", "tool") => {
            let install = operand_from(command, sub + 1, UV)?;
            (word(install) == "install").then(|| make(install, UV, Grammar::UvTool))
        }
        ("pipx", "install") => Some(make(sub, PIPX, Grammar::Python)),
        ("npm", s) if (is_npm_install(s) || s == "add") && is_global(command, p + 1) => {
            Some(make(sub, NPM_OPTIONS_WITH_VALUE, Grammar::Npm))
        }
        ("yarn", "global") => {
            let add = operand_from(command, sub + 1, NPM_OPTIONS_WITH_VALUE)?;
            (word(add) == "add").then(|| make(add, NPM_OPTIONS_WITH_VALUE, Grammar::Npm))
        }
        ("pnpm", "add" | "install" | "i") if is_global(command, p + 1) => {
            Some(make(sub, NPM_OPTIONS_WITH_VALUE, Grammar::Npm))
        }
        ("gem", "install" | "i") => Some(make(sub, GEM, Grammar::Gem)),
        ("go", "install" | "get") => Some(make(sub, GO, Grammar::Go)),
        ("cargo", "install") => Some(make(sub, CARGO, Grammar::Cargo)),
        _ => None,
    }
}

/// `pip install`, or `python3 -m pip install`: the words without the
/// options between them.
fn pip_install(sub: usize, words: String) -> Install {
    Install {
        words,
        from: sub + 1,
        with_value: PIP,
        grammar: Grammar::Python,
    }
}

/// `pip`, `pip3`, `pip3.12`.
fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `python`, `python3`, `python3.12`.
fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// `-g`, `--global`, `--location=global`, `--location global`.
fn is_global(command: &Command, from: usize) -> bool {
    has_flag(command, from, &["-g", "--global"])
        || option_value(command, from, &["--location"]).is_some_and(|(_, v)| v == "global")
}

/// Options that pin every package of the command: a constraints file
/// (`pip install -c constraints.txt`), a version for the whole command
/// (`gem install -v 1.2.3`, `cargo install --version 1.2.3`), a resolution
/// frozen at a date (`uv pip install --exclude-newer 2026-01-01`).
fn frozen_by_option(command: &Command, install: &Install) -> bool {
    let from = install.from;
    match install.grammar {
        Grammar::Python | Grammar::UvTool => {
            has_flag(
                command,
                from,
                &[
                    "-c",
                    "--constraint",
                    "--constraints",
                    "--override",
                    "--overrides",
                ],
            ) || has_flag(command, from, &["--exclude-newer"])
        }
        Grammar::Gem => option_value(command, from, &["-v", "--version"])
            .is_some_and(|(_, v)| is_exact_version(v)),
        Grammar::Cargo => {
            option_value(command, from, &["--version", "--vers"])
                .is_some_and(|(_, v)| is_exact_semver(v))
                || has_flag(command, from, &["--rev", "--tag"])
        }
        Grammar::Npm | Grammar::Go => false,
    }
}

/// The indices of the package operands that carry no exact version.
fn unpinned(command: &Command, install: &Install) -> Vec<usize> {
    let mut packages = operands(command, install.from, install.with_value);
    if install.grammar == Grammar::UvTool {
        // `uv tool install --from 'ruff==0.8' ruff`: the operand is the
        // tool's name, `--from` its package; `--with` adds packages.
        if let Some((from, _)) = option_value(command, install.from, &["--from"]) {
            packages = vec![from];
        }
        packages.extend(
            (install.from..command.words.len())
                .filter(|&i| command.words[i].as_str() == "--with")
                .map(|i| i + 1)
                .filter(|&i| i < command.words.len()),
        );
        packages.sort_unstable();
    }
    if install.grammar == Grammar::Cargo {
        if let Some((git, _)) = option_value(command, install.from, &["--git"]) {
            // `cargo install --git URL` with no crate named: the URL.
            if packages.is_empty() {
                packages = vec![git];
            }
        } else if has_flag(command, install.from, &["--path"]) {
            return Vec::new();
        }
    }
    packages
        .into_iter()
        .filter(|&i| {
            let word = &command.words[i];
            !word.expands && !is_pinned(install.grammar, word.as_str())
        })
        .collect()
}

/// Whether a package operand names an exact version, or is not a package
/// from a registry at all (a local path or file).
fn is_pinned(grammar: Grammar, package: &str) -> bool {
    match grammar {
        Grammar::Python => python_pinned(package),
        Grammar::UvTool => {
            python_pinned(package)
                || package
                    .split_once('@')
                    .is_some_and(|(name, v)| !name.is_empty() && is_exact_version(v))
        }
        Grammar::Npm => npm_pinned(package),
        Grammar::Gem => {
            is_local_path(package)
                || package.ends_with(".gem")
                || package
                    .split_once(':')
                    .is_some_and(|(_, v)| is_exact_version(v))
        }
        Grammar::Go => {
            is_local_path(package)
                || package
                    .rsplit_once('@')
                    .is_some_and(|(_, v)| is_go_version(v))
        }
        Grammar::Cargo => package
            .split_once('@')
            .is_some_and(|(_, v)| is_exact_semver(v)),
    }
}

/// A PEP 508 requirement or a pip operand.
fn python_pinned(package: &str) -> bool {
    let package = package.trim();
    if is_local_path(package) {
        return true;
    }
    // `name @ URL` (PEP 508 direct reference) or a bare URL.
    let url = match package
        .split_once(" @ ")
        .or_else(|| package.split_once("@ "))
    {
        Some((_, url)) => Some(url.trim()),
        None if package.contains("://") => Some(package),
        None => None,
    };
    if let Some(url) = url {
        return url_pinned(url);
    }
    if !package.contains("://") && package.contains('/') {
        return true; // a relative path: `src/pkg`
    }
    if [".whl", ".tar.gz", ".zip", ".tar.bz2"]
        .iter()
        .any(|ext| package.ends_with(ext))
    {
        return true; // a local archive
    }
    let requirement = package.split(';').next().unwrap_or("");
    requirement.split(',').any(|spec| {
        spec.split_once("==")
            .map(|(_, v)| v.trim_start_matches('='))
            .is_some_and(|v| {
                let v = v.trim();
                !v.is_empty() && !v.contains('*')
            })
    })
}

/// A VCS URL pins at a full commit id (`git+https://…@<commit>`); any other
/// URL is one file, pinned by a hash (`#sha256=…`) or a wheel's own version.
fn url_pinned(url: &str) -> bool {
    let (location, fragment) = url.split_once('#').unwrap_or((url, ""));
    let vcs = ["git+", "hg+", "svn+", "bzr+"]
        .iter()
        .any(|prefix| location.starts_with(prefix));
    if vcs {
        let path = location.split_once("://").map_or(location, |(_, p)| p);
        return path
            .rsplit_once('@')
            .filter(|(before, _)| before.contains('/'))
            .is_some_and(|(_, rev)| is_full_commit(rev));
    }
    location.ends_with(".whl")
        || ["sha256=", "sha384=", "sha512="]
            .iter()
            .any(|hash| fragment.starts_with(hash))
}

/// `pkg@1.2.3`, `@scope/pkg@1.2.3`, `github:owner/repo#<commit>`.
fn npm_pinned(package: &str) -> bool {
    if is_local_path(package) || package.ends_with(".tgz") && !package.contains("://") {
        return true;
    }
    if let Some((_, fragment)) = package.split_once('#') {
        return is_full_commit(fragment.trim_start_matches("commit="));
    }
    if package.starts_with("http://") || package.starts_with("https://") {
        return true; // one tarball
    }
    let unscoped = package.strip_prefix('@').unwrap_or(package);
    match unscoped.split_once('@') {
        Some((_, version)) => is_exact_semver(version),
        None => false,
    }
}

/// A version with no operator or wildcard (`1.2.3`, `=1.2`, `7.0.4.3`); not
/// `~> 1.2`, `>= 1`, `latest`.
fn is_exact_version(version: &str) -> bool {
    let v = version.trim();
    let v = v.strip_prefix('=').unwrap_or(v).trim();
    v.starts_with(|c: char| c.is_ascii_digit())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
}

/// A Go module version query that names one version: `v1.2.3`, a
/// pseudo-version, or a commit id of at least 12 hex digits. `latest`,
/// `upgrade`, `patch`, branch names and `v1` prefixes float.
fn is_go_version(query: &str) -> bool {
    is_exact_semver(query) && query.starts_with('v')
        || query.len() >= 12 && query.chars().all(|c| c.is_ascii_hexdigit())
}

/// The package's bare name, for the help's example.
fn package_name(package: &str, grammar: Grammar) -> &str {
    let end = match grammar {
        Grammar::Python | Grammar::UvTool => {
            package.find(['=', '<', '>', '!', '~', '[', ';', ' ', '@'])
        }
        Grammar::Npm => package.get(1..).and_then(|p| p.find('@').map(|i| i + 1)),
        Grammar::Gem => package.find(':'),
        Grammar::Go | Grammar::Cargo => package.rfind('@'),
    };
    &package[..end.unwrap_or(package.len())]
}

fn help(install: &Install, command: &Command, package: &str) -> String {
    match install.grammar {
        Grammar::Python if command.name() == "uv" => format!(
            "pin an exact version (`{package}==<version>`), or freeze the resolution with `--exclude-newer <date>`"
        ),
        Grammar::Python => format!(
            "pin an exact version (`{package}==<version>`), or install from a requirements file that pins every version"
        ),
        Grammar::UvTool => format!("pin an exact version (`{package}@<version>`)"),
        Grammar::Npm => format!("pin an exact version (`{package}@<version>`)"),
        Grammar::Gem => format!("pin the version (`{package}:<version>` or `-v <version>`)"),
        Grammar::Go => format!("pin a released version (`{package}@v<version>`)"),
        Grammar::Cargo => format!("pin the version (`{package}@<version>` or `--version <version>`)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_requirements() {
        assert!(python_pinned("requests==2.32.3"));
        assert!(python_pinned(
            "requests[socks]==2.32.3; python_version>'3.8'"
        ));
        assert!(python_pinned("requests===2.32.3"));
        assert!(!python_pinned("requests"));
        assert!(!python_pinned("requests>=2.32"));
        assert!(!python_pinned("requests~=2.32"));
        assert!(!python_pinned("requests==2.*"));
        assert!(python_pinned("."));
        assert!(python_pinned("./dist/app-1.0-py3-none-any.whl"));
        assert!(python_pinned("app-1.0.tar.gz"));
        assert!(!python_pinned("git+https://github.com/psf/requests@main"));
        assert!(!python_pinned("git+https://github.com/psf/requests"));
        assert!(python_pinned(
            "git+https://github.com/psf/requests@0e322af87745eff34caffe4df68456ebc20d9068"
        ));
        assert!(python_pinned(
            "requests @ git+https://github.com/psf/requests@0e322af87745eff34caffe4df68456ebc20d9068"
        ));
        assert!(!python_pinned(
            "requests @ https://example.com/requests.tar.gz"
        ));
        assert!(python_pinned(
            "https://example.com/requests.tar.gz#sha256=ab"
        ));
    }

    #[test]
    fn npm_specs() {
        assert!(npm_pinned("typescript@5.6.3"));
        assert!(npm_pinned("@angular/cli@18.2.1"));
        assert!(!npm_pinned("@angular/cli"));
        assert!(!npm_pinned("typescript@^5.6.3"));
        assert!(!npm_pinned("typescript@5"));
        assert!(!npm_pinned("typescript@latest"));
        assert!(!npm_pinned("github:microsoft/typescript#main"));
        assert!(npm_pinned(
            "github:microsoft/typescript#0e322af87745eff34caffe4df68456ebc20d9068"
        ));
        assert!(npm_pinned("./local-pkg"));
    }

    #[test]
    fn go_queries() {
        assert!(is_go_version("v1.2.3"));
        assert!(is_go_version("v0.0.0-20240101000000-0123456789ab"));
        assert!(is_go_version("0123456789ab"));
        assert!(!is_go_version("latest"));
        assert!(!is_go_version("master"));
        assert!(!is_go_version("v1"));
        assert!(!is_go_version("1.2.3"));
    }
}
