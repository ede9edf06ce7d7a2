//! System package managers: apt and its kin, apk, the rpm family, zypper,
//! pacman.

use super::grammar::{is_local_path, name_before, Grammar};
use super::{operands, option_value, short_group_has, Also, Does, Entry, Found, Kind, Tool};
use crate::source::dockerfile::shell::Command;

const APT_REFRESH: &str = "point apt at a dated snapshot (`snapshot.debian.org`, `apt-get --snapshot`) so the index is frozen";
const APK_REFRESH: &str = "install from a pinned base image and pin package versions (`pkg=1.2-r0`) instead of refreshing the index";
const RPM_REFRESH: &str =
    "use a pinned base image and a versioned repository snapshot instead of refreshing metadata";
const PACMAN_REFRESH: &str =
    "use a pinned base image and a dated archive mirror (archive.archlinux.org) instead of `-Sy`";

const APT_OPTIONS: &[&str] = &[
    "-o",
    "-c",
    "-t",
    "-a",
    "--option",
    "--config-file",
    "--target-release",
    "--default-release",
    "--host-architecture",
    "--snapshot",
    "-S",
];

const APT_ENTRIES: &[Entry] = &[
    Entry::new(&[&["update"]], &[Does::Refresh(APT_REFRESH)], &[]),
    Entry::new(
        &[&["upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade"]],
        &[Does::Upgrade],
        &[],
    ),
    // `apt-get install --only-upgrade pkg` upgrades what is installed.
    Entry::new(&[&["install"]], &[Does::Upgrade], &[]).only_with(&["--only-upgrade"]),
    Entry::new(&[&["install"]], &[Does::Install(&APT)], &[]).unless(&["--only-upgrade"]),
    // `apt-get build-dep pkg` installs pkg's build dependencies, whatever
    // their version.
    Entry::new(&[&["build-dep"]], &[Does::Install(&APT_BUILD_DEP)], &[]),
];

/// apt's options for a simulation, which installs nothing.
const APT_DRY_RUN: &[&str] = &[
    "-s",
    "--simulate",
    "--dry-run",
    "--just-print",
    "--no-act",
    "--recon",
];

const RPM_OPTIONS: &[&str] = &[
    "-c",
    "--config",
    "-d",
    "--debuglevel",
    "-e",
    "--errorlevel",
    "--installroot",
    "--releasever",
    "--setopt",
    "-x",
    "--exclude",
    "--enablerepo",
    "--disablerepo",
    "--repo",
    "--repoid",
    "--repofrompath",
    "--forcearch",
];

const RPM_ENTRIES: &[Entry] = &[
    Entry::new(&[&["makecache"]], &[Does::Refresh(RPM_REFRESH)], &[]),
    Entry::new(
        &[&[
            "update",
            "upgrade",
            "upgrade-minimal",
            "update-minimal",
            "distro-sync",
        ]],
        &[Does::Upgrade],
        &[],
    ),
    Entry::new(&[&["install", "in"]], &[Does::Install(&RPM)], &[]),
];

pub static TOOLS: &[Tool] = &[
    Tool {
        global_options: APT_OPTIONS,
        entries: APT_ENTRIES,
        inert: APT_DRY_RUN,
        snapshot: true,
        // tonistiigi/xx's cross-compiling wrappers take apt's own words.
        ..Tool::new(
            &["apt-get", "apt", "aptitude", "xx-apt-get", "xx-apt"],
            Kind::System,
        )
    },
    // minideb's and bitnami's `install_packages` runs `apt-get update` and
    // then installs its operands.
    Tool {
        entries: &[Entry::new(
            &[],
            &[Does::Install(&APT), Does::Refresh(APT_REFRESH)],
            &[],
        )],
        snapshot: true,
        ..Tool::new(&["install_packages"], Kind::System)
    },
    Tool {
        global_options: &[
            "-X",
            "--repository",
            "-p",
            "--root",
            "--arch",
            "--keys-dir",
            "--repositories-file",
            "--cache-dir",
            "--cache-max-age",
            "--timeout",
            "-t",
            "--virtual",
        ],
        entries: &[
            Entry::new(&[&["update"]], &[Does::Refresh(APK_REFRESH)], &[]),
            Entry::new(&[&["upgrade"]], &[Does::Upgrade], &[]),
            Entry::new(&[&["add"]], &[Does::Install(&APK)], &[]),
        ],
        also: &[
            Also {
                options: &["--update", "--update-cache"],
                letter: Some('U'),
                does: Does::Refresh(APK_REFRESH),
            },
            // `apk add --upgrade pkg` upgrades what is installed too.
            Also {
                options: &["--upgrade"],
                letter: Some('u'),
                does: Does::Upgrade,
            },
        ],
        inert: &["-s", "--simulate"],
        ..Tool::new(&["apk", "xx-apk"], Kind::System)
    },
    Tool {
        global_options: RPM_OPTIONS,
        entries: RPM_ENTRIES,
        inert: &["--assumeno"],
        ..Tool::new(&["yum"], Kind::System)
    },
    Tool {
        global_options: RPM_OPTIONS,
        entries: RPM_ENTRIES,
        also: &[Also {
            options: &["--refresh"],
            letter: None,
            does: Does::Refresh(RPM_REFRESH),
        }],
        inert: &["--assumeno"],
        ..Tool::new(&["dnf", "dnf5", "microdnf", "tdnf"], Kind::System)
    },
    Tool {
        global_options: &[
            "-c",
            "--config",
            "-R",
            "--root",
            "-D",
            "--reposd-dir",
            "-C",
            "--cache-dir",
            "--raw-cache-dir",
            "--solv-cache-dir",
            "--pkg-cache-dir",
        ],
        entries: &[
            Entry::new(&[&["refresh", "ref"]], &[Does::Refresh(RPM_REFRESH)], &[]),
            Entry::new(
                &[&["update", "up", "dist-upgrade", "dup", "patch"]],
                &[Does::Upgrade],
                &[],
            ),
            Entry::new(
                &[&["install", "in"]],
                &[Does::Install(&ZYPPER)],
                &["-t", "--type", "-r", "--repo", "--from", "--download"],
            ),
        ],
        ..Tool::new(&["zypper"], Kind::System)
    },
    // The AUR helpers yay and paru take pacman's operations.
    Tool {
        custom: Some(pacman),
        ..Tool::new(&["pacman", "yay", "paru"], Kind::System)
    },
];

const APT: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
        is_local_path(package)
            || package.contains("://")
            || package.ends_with(".deb")
            || exact_after_equals(package).is_some()
    },
    name: |package| name_before(package, &['=', '/']),
    help: "pin the version (`{name}=<version>`), or point apt at a dated snapshot (`snapshot.debian.org`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `apt-get build-dep` names a source package; what it installs are its
/// build dependencies, which no operand can pin.
const APT_BUILD_DEP: Grammar = Grammar {
    noun: ("build dependencies of", "build dependencies of"),
    pinned: |package| is_local_path(package) || package.ends_with(".dsc"),
    name: |_| "<package>",
    help: "install the build dependencies by name with pinned versions (`{name}=<version>`), or point apt at a dated snapshot (`snapshot.debian.org`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

const APK: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: |package| {
        is_local_path(package)
            || package.contains("://")
            || package.ends_with(".apk")
            || exact_after_equals(package).is_some()
    },
    name: |package| name_before(package, &['=', '<', '>', '~']),
    help: "pin the version (`{name}=<version>-r<n>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// `name-version[-release][.arch]`, `name=version`, a local `.rpm`, a
/// group (`@development`) or module stream, which have no version.
fn rpm_pinned(package: &str) -> bool {
    is_local_path(package)
        || package.contains("://")
        || package.starts_with('@')
        || package.ends_with(".rpm")
        || exact_after_equals(package).is_some()
        || has_rpm_version(package)
}

const RPM: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: rpm_pinned,
    name: |package| name_before(package, &['=', '<', '>']),
    help: "pin the version (`{name}-<version>`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

const ZYPPER: Grammar = Grammar {
    noun: ("package", "packages"),
    pinned: rpm_pinned,
    name: |package| name_before(package, &['=', '<', '>']),
    help: "pin the version (`{name}=<version>`)",
    pinning_options: &[],
    pinning_env: &[],
    // `zypper in -t pattern x`: patterns, patches and products have no
    // version to pin.
    select: Some(
        |command, from, operands| match option_value(command, from, &["-t", "--type"]) {
            Some((_, kind)) if kind != "package" => Vec::new(),
            _ => operands,
        },
    ),
};

const PACMAN: Grammar = Grammar {
    noun: ("package", "packages"),
    // `pacman -S` takes the repository's current version; only a package
    // file names one.
    pinned: |package| {
        is_local_path(package) || package.contains("://") || package.contains(".pkg.tar")
    },
    name: |package| package,
    help: "`pacman -S` installs whatever version the mirror has: install the package file of the version you want from a dated archive (`pacman -U https://archive.archlinux.org/packages/…`)",
    pinning_options: &[],
    pinning_env: &[],
    select: None,
};

/// pacman's operation and its modifiers are options: `-Syu pkg`,
/// `--sync --refresh --sysupgrade`.
fn pacman(command: &Command) -> Vec<Found> {
    const WITH_VALUE: &[&str] = &[
        "-r",
        "--root",
        "-b",
        "--dbpath",
        "--cachedir",
        "--config",
        "--gpgdir",
        "--hookdir",
        "--logfile",
        "--arch",
        "--sysroot",
        "--ignore",
        "--ignoregroup",
        "--overwrite",
        "--assume-installed",
        "--print-format",
    ];
    let mut sync = None;
    let mut query = false;
    let (mut refresh, mut upgrade) = (None, None);
    for (i, word) in command.words.iter().enumerate().skip(command.program + 1) {
        let w = word.as_str();
        match w {
            "--" => break,
            "--sync" => sync = sync.or(Some(i)),
            "--refresh" => refresh = Some(i),
            "--sysupgrade" => upgrade = Some(i),
            "--search" | "--info" | "--list" | "--groups" | "--clean" | "--print" => query = true,
            _ if w.starts_with('-') && !w.starts_with("--") => {
                if short_group_has(w, 'S') {
                    sync = sync.or(Some(i));
                }
                if short_group_has(w, 'y') {
                    refresh = Some(i);
                }
                if short_group_has(w, 'u') {
                    upgrade = Some(i);
                }
                // `-Ss`, `-Si`, `-Sl`, `-Sg`, `-Sc`, `-Sp` ask or clean.
                query |= ['s', 'i', 'l', 'g', 'c', 'p']
                    .iter()
                    .any(|&c| short_group_has(w, c));
            }
            _ => {}
        }
    }
    let Some(operation) = sync else {
        return Vec::new();
    };
    let from = command.program + 1;
    let found = |does, last| Found {
        does,
        kind: Kind::System,
        named_by: vec![command.program],
        last,
        from,
        operands: Vec::new(),
        pieces: Vec::new(),
        snapshot: false,
    };
    let mut uses = Vec::new();
    if let Some(at) = refresh {
        uses.push(found(Does::Refresh(PACMAN_REFRESH), at));
    }
    if let Some(at) = upgrade {
        uses.push(found(Does::Upgrade, at));
    }
    let packages = operands(command, from, WITH_VALUE);
    if !packages.is_empty() && !query {
        let mut install = found(Does::Install(&PACMAN), operation);
        install.operands = packages;
        install.named_by.push(operation);
        uses.push(install);
    }
    uses
}

/// The version of `name=version` when the operator is exactly `=` (not
/// `>=`, `<=`, `~=`, `==`) and the version is not empty and has no
/// wildcard.
fn exact_after_equals(package: &str) -> Option<&str> {
    let at = package.find(['=', '<', '>', '~'])?;
    let rest = &package[at..];
    let operator_len = rest
        .find(|c: char| !matches!(c, '=' | '<' | '>' | '~'))
        .unwrap_or(rest.len());
    let version = rest[operator_len..].trim();
    (&rest[..operator_len] == "=" && !version.contains('*') && !version.is_empty())
        .then_some(version)
}

/// `name-version[-release][.arch]`: the part after the last `-` starts with
/// a digit (`curl-7.76.1-26.el9`, `bash-5.1`), unlike a name with a numeric
/// part (`java-17-openjdk`). A glob is not a version.
fn has_rpm_version(package: &str) -> bool {
    !package.contains('*')
        && package.rsplit_once('-').is_some_and(|(name, tail)| {
            !name.is_empty() && tail.starts_with(|c: char| c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_by_manager() {
        let pinned = |grammar: &Grammar, package| (grammar.pinned)(package);
        assert!(pinned(&APT, "curl=7.88.1-10+deb12u8"));
        assert!(!pinned(&APT, "curl"));
        assert!(!pinned(&APT, "curl=7.*"));
        assert!(!pinned(&APT, "curl/bookworm-backports"));
        assert!(pinned(&APT, "./local.deb"));
        assert!(pinned(&APK, "curl=8.5.0-r0"));
        assert!(!pinned(&APK, "curl>=8.5"));
        assert!(!pinned(&APK, "curl~8.5"));
        assert!(pinned(&RPM, "curl-7.76.1-26.el9"));
        assert!(pinned(&RPM, "bash-5.1"));
        assert!(!pinned(&RPM, "java-17-openjdk"));
        assert!(!pinned(&RPM, "python3-pip"));
        assert!(!pinned(&RPM, "curl-7*"));
        assert!(pinned(&ZYPPER, "curl=8.0.1"));
        assert!(!pinned(&ZYPPER, "curl>=8.0.1"));
        assert!(!pinned(&PACMAN, "git"));
        assert!(pinned(&PACMAN, "/tmp/git-2.47.0-1-x86_64.pkg.tar.zst"));
    }
}
