//! Python: pip, uv, pipx, pipenv, poetry, and the conda family.

use super::grammar::{is_full_commit_ref, is_local_path, Grammar, Needs};
use super::{option_value, Does, Entry, Kind, Lock, LockFix, Operands, Tool};
use crate::source::dockerfile::shell::Command;

/// pip's options that take a value: its general options (also valid
/// before the subcommand) and those of `install`.
const PIP_OPTIONS: &[&str] = &[
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

const UV_OPTIONS: &[&str] = &[
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
    "--package",
];

const CONDA_OPTIONS: &[&str] = &[
    "-n",
    "--name",
    "-p",
    "--prefix",
    "-c",
    "--channel",
    "--file",
    "-f",
    "--repodata-fn",
    "--experimental-solver",
    "--solver",
    "--platform",
    "--subdir",
    "-r",
    "--root-prefix",
    "--rc-file",
];

const UV_LOCK: Lock = Lock {
    enforced_by: &["--locked", "--frozen"],
    env: &["UV_LOCKED", "UV_FROZEN"],
    bundler_config: false,
    rewrites: None,
    help: "add `--locked` (fail if uv.lock is out of date) or `--frozen`, or set `ENV UV_LOCKED=1`",
    fix: Some(LockFix::Add {
        option: "--locked",
        bare: false,
        unless: &["--upgrade", "-U", "--upgrade-package", "-P", "--frozen"],
    }),
};

const UV_RELOCK: Lock = Lock::rewrites(
    "uv.lock",
    "change dependencies outside the build and commit uv.lock; in the image, run `uv sync --locked`",
);

const PIPENV_LOCK: Lock = Lock {
    enforced_by: &["--deploy", "--ignore-pipfile"],
    env: &[],
    bundler_config: false,
    rewrites: None,
    help:
        "add `--deploy` so the install fails when Pipfile.lock is out of date, or use `pipenv sync`",
    fix: Some(LockFix::Add {
        option: "--deploy",
        bare: false,
        unless: &["--skip-lock"],
    }),
};

const PIPENV_RELOCK: Lock = Lock::rewrites(
    "Pipfile.lock",
    "lock outside the build and commit Pipfile.lock; in the image, run `pipenv sync`",
);

const POETRY_RELOCK: Lock = Lock::rewrites(
    "poetry.lock",
    "change dependencies outside the build and commit poetry.lock; in the image, run `poetry install`",
);

pub static TOOLS: &[Tool] = &[
    Tool {
        versioned: true,
        global_options: PIP_OPTIONS,
        queries: &["--version", "-V", "--help", "-h"],
        entries: &[Entry::new(
            &[&["install"]],
            &[Does::Install(&PIP)],
            PIP_OPTIONS,
        )],
        inert: &["--dry-run"],
        ..Tool::new(&["pip"], Kind::Language)
    },
    Tool {
        global_options: UV_OPTIONS,
        queries: &["--version", "-V", "--help", "-h"],
        entries: &[
            Entry::new(
                &[&["pip"], &["install"]],
                &[Does::Install(&UV_PIP)],
                UV_OPTIONS,
            ),
            Entry::new(
                &[&["tool"], &["install"]],
                &[Does::Install(&UV_TOOL)],
                UV_OPTIONS,
            ),
            Entry::new(&[&["sync"]], &[Does::Lock(&UV_LOCK)], UV_OPTIONS),
            // `uv run --no-sync` does not sync; `--no-project` and
            // `--script` have no project lock to follow.
            Entry::new(&[&["run"]], &[Does::Lock(&UV_LOCK)], UV_OPTIONS).unless(&[
                "--no-sync",
                "--no-project",
                "--script",
            ]),
            Entry::new(&[&["add"]], &[Does::Lock(&UV_RELOCK)], UV_OPTIONS).unless(&["--frozen"]),
            Entry::new(&[&["lock"]], &[Does::Lock(&UV_RELOCK)], UV_OPTIONS).only_with(&[
                "--upgrade",
                "-U",
                "--upgrade-package",
                "-P",
            ]),
        ],
        inert: &["--version", "-V", "--dry-run"],
        ..Tool::new(&["uv"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[&["install"]],
            &[Does::Install(&PIP)],
            &[
                "--python",
                "--pip-args",
                "--index-url",
                "-i",
                "--suffix",
                "--preinstall",
                "--spec",
            ],
        )],
        ..Tool::new(&["pipx"], Kind::Language)
    },
    Tool {
        entries: &[
            Entry::new(&[&["install"]], &[Does::Lock(&PIPENV_LOCK)], PIPENV_OPTIONS)
                .operands(Operands::None),
            Entry::new(&[&["install"]], &[Does::Install(&PIP)], PIPENV_OPTIONS)
                .operands(Operands::Some),
            Entry::new(
                &[&["update", "upgrade", "lock"]],
                &[Does::Lock(&PIPENV_RELOCK)],
                PIPENV_OPTIONS,
            ),
        ],
        ..Tool::new(&["pipenv"], Kind::Language)
    },
    Tool {
        global_options: &["-C", "--directory", "-P", "--project"],
        entries: &[Entry::new(
            &[&["add", "update"]],
            &[Does::Lock(&POETRY_RELOCK)],
            &[
                "-G",
                "--group",
                "-E",
                "--extras",
                "--source",
                "--python",
                "--platform",
            ],
        )],
        ..Tool::new(&["poetry"], Kind::Language)
    },
    Tool {
        global_options: &["--rc-file", "-r", "--root-prefix"],
        entries: &[
            Entry::new(
                &[&["install", "create"]],
                &[Does::Install(&CONDA)],
                CONDA_OPTIONS,
            ),
            Entry::new(&[&["update", "upgrade"]], &[Does::Upgrade], CONDA_OPTIONS),
        ],
        inert: &["--dry-run", "-d"],
        ..Tool::new(&["conda", "mamba", "micromamba"], Kind::Language)
    },
];

const PIPENV_OPTIONS: &[&str] = &[
    "--python",
    "--pypi-mirror",
    "-i",
    "--index",
    "--extra-index-url",
    "--categories",
    "-r",
    "--requirements",
];

const PIP: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: python_pinned,
    name: python_name,
    help: "pin an exact version (`{name}==<version>`), or install from a requirements file that pins every version",
    pinning_options: PYTHON_PINNING,
    pinning_env: &["PIP_CONSTRAINT"],
    select: Some(editable_urls),
};

/// `pip install -e git+https://…#egg=x`: an editable install from a
/// repository is a package too (a local path is not).
fn editable_urls(command: &Command, from: usize, mut packages: Vec<usize>) -> Vec<usize> {
    packages.extend(
        (from..command.words.len())
            .filter(|&i| matches!(command.words[i].as_str(), "-e" | "--editable"))
            .map(|i| i + 1)
            .filter(|&i| {
                command
                    .words
                    .get(i)
                    .is_some_and(|w| w.as_str().contains("://"))
            }),
    );
    packages.sort_unstable();
    packages
}

const UV_PIP: Grammar = Grammar {
    help: "pin an exact version (`{name}==<version>`), or freeze the resolution with `--exclude-newer <date>`",
    pinning_env: &["UV_CONSTRAINT", "UV_EXCLUDE_NEWER"],
    ..PIP
};

/// `uv tool install --from 'ruff==0.8' ruff`: the operand is the tool's
/// name, `--from` its package; `--with` adds packages. PEP 508 or
/// `pkg@1.2.3`.
const UV_TOOL: Grammar = Grammar {
    pinned: |package| {
        python_pinned(package)
            || package
                .split_once('@')
                .is_some_and(|(name, v)| !name.is_empty() && super::grammar::is_exact_version(v))
    },
    help: "pin an exact version (`{name}@<version>`)",
    pinning_env: &["UV_CONSTRAINT", "UV_EXCLUDE_NEWER"],
    select: Some(uv_tool_packages),
    ..PIP
};

const PYTHON_PINNING: &[(&str, Needs)] = &[
    ("-c", Needs::Present),
    ("--constraint", Needs::Present),
    ("--constraints", Needs::Present),
    ("--override", Needs::Present),
    ("--overrides", Needs::Present),
    ("--exclude-newer", Needs::Present),
];

fn uv_tool_packages(command: &Command, from: usize, mut packages: Vec<usize>) -> Vec<usize> {
    if let Some((from_package, _)) = option_value(command, from, &["--from"]) {
        packages = vec![from_package];
    }
    packages.extend(
        (from..command.words.len())
            .filter(|&i| command.words[i].as_str() == "--with")
            .map(|i| i + 1)
            .filter(|&i| i < command.words.len()),
    );
    packages.sort_unstable();
    packages
}

/// A conda match spec: `numpy=1.26.4`, `numpy==1.26.4`,
/// `conda-forge::numpy=1.26.4=py311_0`; not `numpy`, `numpy>=1.26`,
/// `numpy=1.26.*`.
const CONDA: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
        if is_local_path(package)
            || package.contains("://")
            || package.ends_with(".tar.bz2")
            || package.ends_with(".conda")
        {
            return true;
        }
        let spec = package.rsplit("::").next().unwrap_or(package);
        let Some(at) = spec.find(['=', '<', '>', '!', '~', ' ']) else {
            return false;
        };
        // `==1.26` is exact; `=1.26` means 1.26.* (conda's fuzzy match),
        // so a single `=` pins only a full version or one with its build
        // (`=1.26.4`, `=1.26=py311_0`).
        let (exact, version) = match spec[at..].strip_prefix("==") {
            Some(version) => (true, version),
            None => match spec[at..].strip_prefix(['=', ' ']) {
                Some(version) => (false, version),
                None => return false,
            },
        };
        let (number, build) = version.split_once(['=', ' ']).unwrap_or((version, ""));
        let full = number.split('.').count() >= 3 || !build.is_empty();
        !number.is_empty()
            && number.starts_with(|c: char| c.is_ascii_digit())
            && !version.contains(['*', '<', '>', '!', '~', ',', '|'])
            && (exact || full)
    },
    name: |package| {
        let spec = package.rsplit("::").next().unwrap_or(package);
        super::grammar::name_before(spec, &['=', '<', '>', '!', '~', ' '])
    },
    help: "pin the version (`{name}=<version>`), or install from a lock file (`conda-lock`, `micromamba install -f conda-lock.yml`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

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
        return is_full_commit_ref(path);
    }
    location.ends_with(".whl")
        || ["sha256=", "sha384=", "sha512="]
            .iter()
            .any(|hash| fragment.starts_with(hash))
}

fn python_name(package: &str) -> &str {
    super::grammar::name_before(package, &['=', '<', '>', '!', '~', '[', ';', ' ', '@'])
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
    fn conda_specs() {
        let pinned = |spec| (CONDA.pinned)(spec);
        assert!(pinned("numpy=1.26.4") && pinned("numpy==1.26.4"));
        assert!(pinned("conda-forge::numpy=1.26.4=py311_0"));
        assert!(!pinned("python=3.11") && pinned("python==3.11") && pinned("python=3.11.7"));
        assert!(pinned("python=3.11=h955ad1f_0"));
        assert!(!pinned("numpy") && !pinned("numpy>=1.26") && !pinned("numpy=1.26.*"));
        assert_eq!((CONDA.name)("conda-forge::numpy>=1"), "numpy");
    }
}
