//! One line per case, as hadolint writes its rule tests: what each rule
//! finds (as `line:column-line:column`) in a small Dockerfile.

use repro_audit::audit::{audit_dockerfile, Options};
use repro_audit::date::Date;
use repro_audit::rules;

const D: &str = "sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21";

/// The spans `rule` reports on `dockerfile` (`@D` stands for a digest).
fn finds_with(rule: &str, dockerfile: &str, build_args: &[(&str, &str)]) -> Vec<String> {
    let options = Options {
        rules: vec![rules::find(rule).expect("a rule")],
        build_args: build_args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        as_of: Date::parse("2026-11-21").unwrap(),
        nix: Default::default(),
    };
    let text = dockerfile.replace("@D", &format!("@{D}"));
    let (findings, _) = audit_dockerfile("Dockerfile", text, &options).expect("parses");
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}-{}:{}",
                f.start.line, f.start.column, f.end.line, f.end.column
            )
        })
        .collect()
}

fn finds(rule: &str, dockerfile: &str) -> Vec<String> {
    finds_with(rule, dockerfile, &[])
}

macro_rules! assert_finds {
    ($rule:expr, $dockerfile:expr, [$($span:expr),* $(,)?]) => {
        assert_eq!(finds($rule, $dockerfile), [$($span),*] as [&str; 0 $(+ { let _ = $span; 1 })*], "{}: {:?}", $rule, $dockerfile)
    };
}

macro_rules! assert_clean {
    ($rule:expr, $dockerfile:expr) => {
        assert!(
            finds($rule, $dockerfile).is_empty(),
            "{} fired on {:?}: {:?}",
            $rule,
            $dockerfile,
            finds($rule, $dockerfile)
        )
    };
}

#[test]
fn df001_floating_images() {
    assert_finds!("DF001", "FROM debian", ["1:6-1:12"]);
    assert_finds!("DF001", "FROM debian:latest", ["1:6-1:19"]);
    assert_finds!("DF001", "from Debian:latest as x", ["1:6-1:19"]);
    assert_finds!("DF001", "FROM localhost:5000/app", ["1:6-1:24"]);
    assert_finds!(
        "DF001",
        "FROM --platform=$BUILDPLATFORM golang AS b",
        ["1:32-1:38"]
    );
    assert_finds!(
        "DF001",
        "FROM debian:12@D\nCOPY --from=nginx /a /b",
        ["2:13-2:18"]
    );
    assert_finds!(
        "DF001",
        "FROM debian:12@D\nRUN --mount=type=cache,from=busybox,target=/x ls",
        ["2:29-2:36"]
    );
    assert_finds!(
        "DF001",
        "FROM debian:12@D\nONBUILD COPY --from=alpine /a /b",
        ["2:21-2:27"]
    );
    assert_finds!("DF001", "ARG IMG=redis\nFROM $IMG", ["2:6-2:10"]);
    assert_finds!("DF001", "ARG TAG=latest\nFROM redis:${TAG}", ["2:6-2:18"]);
    assert_finds!("DF001", "FROM ${NOPE:-redis}", ["1:6-1:20"]);
    assert_clean!("DF001", "FROM debian:12");
    assert_clean!("DF001", "FROM debian@D");
    assert_clean!("DF001", "FROM debian:latest@D");
    assert_clean!("DF001", "FROM scratch");
    assert_clean!("DF001", "FROM SCRATCH");
    assert_clean!(
        "DF001",
        "FROM debian:12@D AS Base\nFROM base\nCOPY --from=BASE /a /b\nCOPY --from=0 /a /b"
    );
    assert_clean!(
        "DF001",
        "FROM debian:12@D AS b\nRUN --mount=type=cache,from=b,target=/x ls"
    );
    assert_clean!("DF001", "ARG IMG\nFROM $IMG");
}

#[test]
fn df001_build_args_override_defaults() {
    assert_eq!(
        finds_with(
            "DF001",
            "ARG IMG=debian:12\nFROM $IMG",
            &[("IMG", "debian")]
        ),
        ["2:6-2:10"]
    );
    assert!(finds_with(
        "DF001",
        "ARG IMG=debian\nFROM $IMG",
        &[("IMG", "debian:12")]
    )
    .is_empty());
    // Only build arguments declared before FROM reach FROM.
    assert_eq!(
        finds_with("DF001", "FROM ${IMG:-debian}", &[("IMG", "debian:12")]),
        ["1:6-1:20"]
    );
}

#[test]
fn df002_tagged_images() {
    assert_finds!("DF002", "FROM python:3.13-slim AS base", ["1:6-1:22"]);
    assert_finds!(
        "DF002",
        "FROM registry.example.com:5000/team/app:1.2",
        ["1:6-1:44"]
    );
    assert_finds!(
        "DF002",
        "FROM debian:12@D\nCOPY --from=nginx:1.27 /a /b",
        ["2:13-2:23"]
    );
    assert_finds!(
        "DF002",
        "FROM debian:12@D\nRUN --mount=type=bind,from=uv:0.5,target=/u ls",
        ["2:28-2:34"]
    );
    assert_finds!("DF002", "ARG V=3.13\nFROM python:$V", ["2:6-2:15"]);
    assert_finds!("DF002", "FROM debian:12@sha256:abc", ["1:6-1:26"]);
    assert_finds!("DF002", "FROM \\\n  debian:12", ["2:3-2:12"]);
    assert_clean!("DF002", "FROM debian");
    assert_clean!("DF002", "FROM python:3.13-slim@D");
    assert_clean!("DF002", "FROM localhost:5000/app@D");
}

#[test]
fn df003_unresolved_arguments() {
    assert_finds!("DF003", "ARG BASE\nFROM $BASE", ["2:6-2:11"]);
    assert_finds!("DF003", "FROM ${UNDECLARED}:12", ["1:6-1:22"]);
    assert_finds!(
        "DF003",
        "FROM debian:12@D\nCOPY --from=$SRC /a /b",
        ["2:13-2:17"]
    );
    assert_clean!("DF003", "ARG BASE=debian\nFROM $BASE");
    assert_clean!("DF003", "FROM ${BASE:-debian}");
    assert_clean!("DF003", "FROM debian${SUFFIX:+-slim}");
    assert!(finds_with("DF003", "ARG BASE\nFROM $BASE", &[("BASE", "debian")]).is_empty());
}

#[test]
fn df004_syntax_frontend() {
    assert_finds!(
        "DF004",
        "# syntax=docker/dockerfile:1\nFROM scratch",
        ["1:10-1:29"]
    );
    assert_finds!(
        "DF004",
        "#syntax = docker/dockerfile\nFROM scratch",
        ["1:11-1:28"]
    );
    assert_clean!("DF004", "# syntax=docker/dockerfile:1@D\nFROM scratch");
    assert_clean!(
        "DF004",
        "# comment first\n# syntax=docker/dockerfile:1\nFROM scratch"
    );
    assert_clean!("DF004", "FROM scratch");
}

#[test]
fn df010_index_refreshes() {
    assert_finds!("DF010", "FROM x\nRUN apt-get update", ["2:5-2:19"]);
    assert_finds!("DF010", "FROM x\nRUN apt update", ["2:5-2:15"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN apt-get -o Acquire::Retries=3 -qq update",
        ["2:5-2:45"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN sudo -E /usr/bin/apt-get update",
        ["2:13-2:36"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN DEBIAN_FRONTEND=noninteractive apt-get update",
        ["2:36-2:50"]
    );
    assert_finds!("DF010", "FROM x\nRUN apk update", ["2:5-2:15"]);
    assert_finds!("DF010", "FROM x\nRUN apk add --update curl", ["2:5-2:21"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN apk add -U --no-cache curl",
        ["2:5-2:15"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN apk add -t .deps -U curl",
        ["2:5-2:24"]
    );
    assert_finds!("DF010", "FROM x\nRUN yum makecache", ["2:5-2:18"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN dnf -q makecache --refresh",
        ["2:5-2:21"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN zypper --non-interactive refresh",
        ["2:5-2:37"]
    );
    assert_finds!("DF010", "FROM x\nRUN zypper ref", ["2:5-2:15"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN pacman -Sy --noconfirm git",
        ["2:5-2:15"]
    );
    assert_finds!("DF010", "FROM x\nRUN pacman -S -y git", ["2:5-2:17"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN [\"apt-get\", \"update\"]",
        ["2:7-2:24"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN bash -c 'apt-get update'",
        ["2:14-2:28"]
    );
    assert_finds!("DF010", "FROM x\nONBUILD RUN apt-get update", ["2:13-2:27"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN true && \\\n  apt-get \\\n    update",
        ["3:3-4:11"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN <<EOF\nset -e\n  apt-get update\nEOF",
        ["4:3-4:17"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN bash <<'S'\napt-get update\nS",
        ["3:1-3:15"]
    );
    assert_clean!("DF010", "FROM x\nRUN cat > /x.sh <<'S'\napt-get update\nS");
    assert_clean!("DF010", "FROM x\nRUN apt-get install -y curl");
    assert_clean!("DF010", "FROM x\nRUN echo apt-get update");
    assert_clean!("DF010", "FROM x\nRUN apk add curl");
    assert_clean!("DF010", "FROM x\nRUN pacman -Syu");
    assert_clean!("DF010", "FROM x\nRUN apk upgrade --update");
    assert_clean!("DF010", "FROM x\nRUN dnf update");
}

#[test]
fn df010_snapshot_sources_freeze_apt() {
    let snapshot = "FROM debian:12@D AS base\nRUN echo 'deb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main' > /etc/apt/sources.list\n";
    assert_clean!("DF010", &format!("{snapshot}RUN apt-get update"));
    // Inherited by stages built FROM it.
    assert_clean!("DF010", &format!("{snapshot}FROM base\nRUN apt-get update"));
    // Not by unrelated stages, and not before the snapshot is set up.
    assert_finds!(
        "DF010",
        &format!("{snapshot}FROM debian:12@D\nRUN apt-get update"),
        ["4:5-4:19"]
    );
    assert_finds!(
        "DF010",
        "FROM debian:12@D\nRUN apt-get update\nRUN echo snapshot.debian.org",
        ["2:5-2:19"]
    );
    assert_clean!(
        "DF010",
        "FROM x\nRUN apt-get update --snapshot 20261101T000000Z"
    );
    assert_clean!(
        "DF010",
        "FROM x\nRUN apt-get -o APT::Snapshot=20261101T000000Z update"
    );
    // A snapshot freezes apt only.
    assert_finds!("DF010", &format!("{snapshot}RUN apk update"), ["3:5-3:15"]);
}

#[test]
fn df011_upgrades() {
    assert_finds!("DF011", "FROM x\nRUN apt-get upgrade -y", ["2:5-2:20"]);
    assert_finds!(
        "DF011",
        "FROM x\nRUN apt-get -qq -y dist-upgrade",
        ["2:5-2:32"]
    );
    assert_finds!("DF011", "FROM x\nRUN apt full-upgrade", ["2:5-2:21"]);
    assert_finds!("DF011", "FROM x\nRUN apk upgrade", ["2:5-2:16"]);
    assert_finds!("DF011", "FROM x\nRUN apk upgrade --update", ["2:5-2:25"]);
    assert_finds!("DF011", "FROM x\nRUN yum -y update", ["2:5-2:18"]);
    assert_finds!("DF011", "FROM x\nRUN dnf upgrade", ["2:5-2:16"]);
    assert_finds!("DF011", "FROM x\nRUN microdnf distro-sync", ["2:5-2:25"]);
    for sub in ["update", "up", "dist-upgrade", "dup", "patch"] {
        let end = format!("2:{}", 12 + sub.len());
        assert_eq!(
            finds("DF011", &format!("FROM x\nRUN zypper {sub}")),
            [format!("2:5-{end}")]
        );
    }
    assert_finds!("DF011", "FROM x\nRUN pacman -Syu --noconfirm", ["2:5-2:16"]);
    assert_finds!("DF011", "FROM x\nRUN pacman -Su", ["2:5-2:15"]);
    assert_finds!(
        "DF011",
        "FROM x\nRUN pacman --sync --refresh --sysupgrade",
        ["2:5-2:41"]
    );
    assert_finds!(
        "DF011",
        "FROM x\nRUN env -i PATH=/bin sudo apt-get upgrade",
        ["2:27-2:42"]
    );
    assert_finds!(
        "DF011",
        "FROM x\nRUN [\"/bin/sh\", \"-c\", \"apt-get -y upgrade\"]",
        ["2:24-2:42"]
    );
    assert_clean!("DF011", "FROM x\nRUN apt-get update");
    assert_clean!("DF011", "FROM x\nRUN apt-get install -y upgrade");
    assert_clean!("DF011", "FROM x\nRUN pip install --upgrade pip");
    assert_clean!("DF011", "FROM x\nRUN pacman -Sy");
    assert_clean!("DF011", "FROM x\nRUN python3 <<P\napt-get upgrade\nP");
}

#[test]
fn pragmas_suppress_by_code_or_name() {
    assert_clean!("DF001", "# repro-audit ignore=DF001\nFROM debian");
    assert_clean!(
        "DF001",
        "# repro-audit ignore=DF010, base-image-floating\n# another comment\nFROM debian"
    );
    assert_clean!("DF001", "FROM debian\n# repro-audit global ignore=DF001");
    // A blank line breaks "right above"; other rules are not suppressed.
    assert_finds!(
        "DF001",
        "# repro-audit ignore=DF001\n\nFROM debian",
        ["3:6-3:12"]
    );
    assert_finds!(
        "DF001",
        "# repro-audit ignore=DF002\nFROM debian",
        ["2:6-2:12"]
    );
    // A pragma covers the whole instruction, heredoc body included.
    assert_clean!(
        "DF010",
        "FROM x\n# repro-audit ignore=DF010\nRUN <<EOF\napt-get update\nEOF"
    );
    // …and only that instruction.
    assert_finds!(
        "DF010",
        "FROM x\n# repro-audit ignore=DF010\nRUN true\nRUN apk update",
        ["4:5-4:15"]
    );
}
