//! JavaScript: npm, yarn, pnpm, and the Node.js version managers nvm and
//! fnm.

use super::grammar::{is_exact_semver, is_local_path, Grammar};
use super::is_full_commit;
use super::{has_option, Does, Entry, Kind, Lock, LockFix, Operands, Tool};
use crate::source::dockerfile::shell::Command;

/// npm's, yarn's and pnpm's options that take a separate value.
const NPM_OPTIONS: &[&str] = &[
    "--prefix",
    "--registry",
    "--cache",
    "--tag",
    "-w",
    "--workspace",
    "--omit",
    "--include",
    "--install-strategy",
    "--loglevel",
    "--userconfig",
    "--location",
    "--filter",
    "-C",
    "--dir",
    "--modules-folder",
    "--cwd",
    "--network-timeout",
    "--mutex",
];

/// npm's `install` and its abbreviations and misspellings, which npm
/// accepts as aliases; and `add`.
const NPM_INSTALL: &[&str] = &[
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall",
    "add",
];

const GLOBAL: &[&str] = &["-g", "--global", "--location=global"];

const NPM_LOCK: Lock = Lock {
    enforced_by: &[],
    env: &[],
    bundler_config: false,
    rewrites: None,
    help: "use `npm ci`, which installs exactly what package-lock.json records and fails if it is out of date",    fix: Some(LockFix::Subcommand {
        name: "ci",
        unless: &["--no-package-lock", "--package-lock-only", "--package-lock=false"],
    }),
};

const NPM_RELOCK: Lock = Lock::rewrites(
    "package-lock.json",
    "update dependencies outside the build and commit package-lock.json; in the image, run `npm ci`",
);

const YARN_LOCK: Lock = Lock {
    enforced_by: &["--frozen-lockfile", "--immutable"],
    env: &["YARN_ENABLE_IMMUTABLE_INSTALLS"],
    bundler_config: false,
    rewrites: None,
    help: "add `--frozen-lockfile` (Yarn 1) or `--immutable` (Yarn 2+) so the install fails instead of changing yarn.lock",    fix: Some(LockFix::Yarn),
};

const YARN_RELOCK: Lock = Lock::rewrites(
    "yarn.lock",
    "upgrade dependencies outside the build and commit yarn.lock; in the image, run `yarn install --frozen-lockfile`",
);

const PNPM_LOCK: Lock = Lock {
    enforced_by: &["--frozen-lockfile"],
    env: &[],
    bundler_config: false,
    rewrites: None,
    help: "add `--frozen-lockfile` so the install fails instead of changing pnpm-lock.yaml",
    fix: Some(LockFix::Add {
        option: "--frozen-lockfile",
        bare: false,
        unless: &[
            "--lockfile-only",
            "--no-lockfile",
            "--fix-lockfile",
            "--lockfile=false",
            "--frozen-lockfile=false",
        ],
    }),
};

const PNPM_RELOCK: Lock = Lock::rewrites(
    "pnpm-lock.yaml",
    "update dependencies outside the build and commit pnpm-lock.yaml; in the image, run `pnpm install --frozen-lockfile`",
);

pub static TOOLS: &[Tool] = &[
    Tool {
        global_options: NPM_OPTIONS,
        queries: &["--version", "-v", "--help", "-h"],
        entries: &[
            Entry::new(&[NPM_INSTALL], &[Does::Install(&NPM)], NPM_OPTIONS).only_with(GLOBAL),
            // A local install of named packages adds them to package.json
            // at whatever version is newest.
            Entry::new(&[NPM_INSTALL], &[Does::Install(&NPM)], NPM_OPTIONS)
                .unless(GLOBAL)
                .operands(Operands::Some),
            Entry::new(&[NPM_INSTALL], &[Does::Lock(&NPM_LOCK)], NPM_OPTIONS)
                .unless(GLOBAL)
                .operands(Operands::None),
            Entry::new(
                &[&["update", "up", "upgrade"]],
                &[Does::Upgrade],
                NPM_OPTIONS,
            )
            .only_with(GLOBAL),
            Entry::new(
                &[&["update", "up", "upgrade"]],
                &[Does::Lock(&NPM_RELOCK)],
                NPM_OPTIONS,
            )
            .unless(GLOBAL),
        ],
        inert: &["--version", "-v", "--dry-run"],
        ..Tool::new(&["npm"], Kind::Language)
    },
    Tool {
        global_options: NPM_OPTIONS,
        queries: &["--version", "-v", "--help", "-h"],
        entries: &[
            // A bare `yarn` is `yarn install`.
            Entry::new(&[], &[Does::Lock(&YARN_LOCK)], NPM_OPTIONS).operands(Operands::None),
            Entry::new(&[&["install"]], &[Does::Lock(&YARN_LOCK)], NPM_OPTIONS),
            Entry::new(&[&["add"]], &[Does::Install(&NPM)], NPM_OPTIONS),
            Entry::new(
                &[&["global"], &["add"]],
                &[Does::Install(&NPM)],
                NPM_OPTIONS,
            ),
            Entry::new(&[&["global"], &["upgrade"]], &[Does::Upgrade], NPM_OPTIONS),
            Entry::new(
                &[&["upgrade", "up"]],
                &[Does::Lock(&YARN_RELOCK)],
                NPM_OPTIONS,
            ),
            // `yarn set version stable`: Yarn itself, at whatever is newest.
            Entry::new(
                &[&["set", "policies"], &["version", "set-version"]],
                &[Does::Install(&PACKAGE_MANAGER)],
                NPM_OPTIONS,
            ),
        ],
        inert: &["--version", "-v"],
        ..Tool::new(&["yarn"], Kind::Language)
    },
    Tool {
        global_options: NPM_OPTIONS,
        queries: &["--version", "-v", "--help", "-h"],
        entries: &[
            Entry::new(&[&["add"]], &[Does::Install(&NPM)], NPM_OPTIONS),
            Entry::new(&[&["install", "i"]], &[Does::Install(&NPM)], NPM_OPTIONS).only_with(GLOBAL),
            // `pnpm install <pkg>` is `pnpm add`.
            Entry::new(&[&["install", "i"]], &[Does::Install(&NPM)], NPM_OPTIONS)
                .unless(GLOBAL)
                .operands(Operands::Some),
            Entry::new(&[&["install", "i"]], &[Does::Lock(&PNPM_LOCK)], NPM_OPTIONS)
                .unless(GLOBAL)
                .operands(Operands::None),
            Entry::new(
                &[&["update", "up", "upgrade"]],
                &[Does::Upgrade],
                NPM_OPTIONS,
            )
            .only_with(GLOBAL),
            Entry::new(
                &[&["update", "up", "upgrade"]],
                &[Does::Lock(&PNPM_RELOCK)],
                NPM_OPTIONS,
            )
            .unless(GLOBAL),
        ],
        inert: &["--version", "-v"],
        ..Tool::new(&["pnpm"], Kind::Language)
    },
    // nvm is a shell function, fnm a program: both install Node.js itself.
    Tool {
        entries: &[Entry::new(
            &[&["install", "i"]],
            &[Does::Install(&NODE)],
            &["--reinstall-packages-from", "--alias"],
        )],
        queries: &["--version", "--help", "-h"],
        ..Tool::new(&["nvm"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[&["install"]],
            &[Does::Install(&NODE)],
            &["--arch", "--progress"],
        )],
        global_options: &["--node-dist-mirror", "--fnm-dir", "--log-level", "--arch"],
        ..Tool::new(&["fnm"], Kind::Language)
    },
    // `volta install node@22 yarn@1`, `corepack prepare pnpm@latest`.
    Tool {
        entries: &[Entry::new(
            &[&["install", "pin"]],
            &[Does::Install(&NPM)],
            &[],
        )],
        ..Tool::new(&["volta"], Kind::Language)
    },
    Tool {
        entries: &[Entry::new(
            &[&["prepare", "install", "use"]],
            &[Does::Install(&PACKAGE_MANAGER)],
            &["-o", "--output"],
        )],
        ..Tool::new(&["corepack"], Kind::Language)
    },
    // `npx pkg args…` runs pkg, fetched at its newest version unless one
    // is named; only the first operand (or `-p`'s value) is a package.
    Tool {
        entries: &[Entry::new(
            &[],
            &[Does::Install(&NPX)],
            &["-p", "--package", "-c", "--call"],
        )
        .operands(Operands::Some)],
        ..Tool::new(&["npx"], Kind::Language)
    },
];

/// `pkg@1.2.3`, `@scope/pkg@1.2.3`, `github:owner/repo#<commit>`.
const NPM: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
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
    },
    name: |package| {
        let end = package.get(1..).and_then(|p| p.find('@').map(|i| i + 1));
        &package[..end.unwrap_or(package.len())]
    },
    help: "pin an exact version (`{name}@<version>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// A package manager's own version (`corepack prepare pnpm@9.12.3`,
/// `yarn set version 4.5.1`): `stable`, `latest`, `berry` and ranges
/// float.
const PACKAGE_MANAGER: Grammar = Grammar {
    pinned: |spec| {
        is_exact_semver(spec) || is_local_path(spec) || spec.contains("://") || (NPM.pinned)(spec)
    },
    name: |spec| match spec.split_once('@') {
        Some((name, _)) if !name.is_empty() => name,
        _ => "<version>",
    },
    help: "pin an exact version (`{name}@<version>`, or `yarn set version <version>`)",
    ..NPM
};

/// `npx pkg args…`: the package is `-p`'s value, or the first operand.
const NPX: Grammar = Grammar {
    select: Some(|command: &Command, from, operands| {
        let packages: Vec<usize> = (from..command.words.len())
            .filter(|&i| matches!(command.words[i].as_str(), "-p" | "--package"))
            .map(|i| i + 1)
            .filter(|&i| i < command.words.len())
            .collect();
        if packages.is_empty() {
            operands.into_iter().take(1).collect()
        } else {
            packages
        }
    }),
    ..NPM
};

/// A Node.js version: `22.11.0` (or `v22.11.0`) is one release; `node`,
/// `stable`, `lts/*`, `--lts`, `22` and `22.11` float.
const NODE: Grammar = Grammar {
    noun: ("Node.js version", "Node.js versions"),
    // `none` and `system` install nothing (the devcontainer images'
    // `ARG NODE_VERSION=none`).
    pinned: |version| is_exact_semver(version) || matches!(version, "none" | "system"),
    name: |_| "<version>",
    help: "install an exact release (`22.11.0`), not a channel or a major version",
    pinning_options: &[],
    pinning_env: &[],
    // `nvm install --lts`: the option is what floats.
    select: Some(|command: &Command, from, operands| {
        if has_option(command, from, &["--lts"]) {
            return (from..command.words.len())
                .filter(|&i| command.words[i].as_str().starts_with("--lts"))
                .take(1)
                .collect();
        }
        operands
    }),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_specs() {
        let pinned = |spec| (NPM.pinned)(spec);
        assert!(pinned("typescript@5.6.3"));
        assert!(pinned("@angular/cli@18.2.1"));
        assert!(!pinned("@angular/cli"));
        assert!(!pinned("typescript@^5.6.3"));
        assert!(!pinned("typescript@5"));
        assert!(!pinned("typescript@latest"));
        assert!(!pinned("github:microsoft/typescript#main"));
        assert!(pinned(
            "github:microsoft/typescript#0e322af87745eff34caffe4df68456ebc20d9068"
        ));
        assert!(pinned("./local-pkg"));
        assert_eq!((NPM.name)("@angular/cli@18"), "@angular/cli");
    }

    #[test]
    fn node_versions() {
        let pinned = |spec| (NODE.pinned)(spec);
        assert!(pinned("22.11.0") && pinned("v22.11.0"));
        assert!(!pinned("22") && !pinned("22.11") && !pinned("lts/*") && !pinned("node"));
    }
}
