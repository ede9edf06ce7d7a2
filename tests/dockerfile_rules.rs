//! One line per case, as hadolint writes its rule tests: what each rule
//! finds (as `line:column-line:column`) in a small Dockerfile.

use repro_audit::audit::{audit_dockerfile, Options};
use repro_audit::date::Date;
use repro_audit::rules;

const D: &str = "sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21";

/// The spans `rule` reports on `dockerfile` (`@D` stands for a digest).
fn finds_with(rule: &str, dockerfile: &str, build_args: &[(&str, &str)]) -> Vec<String> {
    let options = Options {
        build_args: build_args
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Options::new(
            vec![rules::find(rule).expect("a rule")],
            Date::parse("2026-11-21").unwrap(),
        )
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
    // A default that uses an argument with no value is not a value.
    assert_finds!("DF003", "ARG B\nARG A=x$B\nFROM img:$A", ["3:6-3:12"]);
    // BuildKit's platform arguments always have a value in FROM, and name
    // stages as well as images.
    assert_clean!("DF003", "FROM golang:1.22-$TARGETARCH@D");
    assert_clean!(
        "DF003",
        "FROM --platform=$BUILDPLATFORM golang:1.22-${BUILDOS}-${BUILDARCH}${BUILDVARIANT}@D"
    );
    assert_clean!("DF003", "ARG TARGETPLATFORM\nFROM img:${TARGETPLATFORM}@D");
    assert_clean!(
        "DF001",
        "FROM debian:12@D AS containerd-linux\nFROM debian:12@D AS containerd-windows\nFROM containerd-${TARGETOS} AS containerd"
    );
    assert_finds!("DF002", "FROM golang:1.22-$TARGETARCH", ["1:6-1:29"]);
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

// The pinning rules, case by case: each tool's option grammar, what a pin
// looks like, and every form of RUN (heredoc, exec form, sh -c, ONBUILD,
// continuation lines).

#[test]
fn df012_os_packages() {
    assert_finds!(
        "DF012",
        "FROM x\nRUN apt-get install -y curl",
        ["2:24-2:28"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apt install curl=7.88.1-10 wget",
        ["2:32-2:36"]
    );
    assert_finds!("DF012", "FROM x\nRUN apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y curl", ["2:81-2:85"]);
    assert_clean!(
        "DF012",
        "FROM x\nRUN apt-get install -y $PKGS ${MORE} ./local.deb /tmp/x.deb"
    );
    assert_clean!(
        "DF012",
        "FROM x\nRUN apt-get install -y curl=${CURL_VERSION}"
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apt-get install -y curl \\\n    git \\\n    wget=1.21",
        ["2:24-3:8"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]",
        ["2:35-2:39"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN <<EOF\napt-get install -y curl\nEOF",
        ["3:20-3:24"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN bash -c 'apt-get install -y curl'",
        ["2:33-2:37"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nONBUILD RUN apt-get install -y curl",
        ["2:32-2:36"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -qq curl",
        ["2:61-2:65"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apk add --no-cache -t .build-deps gcc",
        ["2:39-2:42"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apk add --virtual .deps gcc=13.2.1-r0 musl-dev",
        ["2:43-2:51"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apk add -X https://dl-cdn.alpinelinux.org/alpine/edge/testing foo",
        ["2:67-2:70"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apk add \"curl>8\" curl~8.5 curl=8.5.0-r0",
        ["2:13-2:30"]
    );
    assert_finds!("DF012", "FROM x\nRUN yum install -y httpd", ["2:20-2:25"]);
    assert_clean!(
        "DF012",
        "FROM x\nRUN dnf install -y --setopt install_weak_deps=False httpd-2.4.57-5.el9"
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN microdnf install -y java-17-openjdk-headless",
        ["2:25-2:49"]
    );
    assert_clean!("DF012", "FROM x\nRUN dnf -y install /tmp/local.rpm https://example.com/x-1.0-1.noarch.rpm @development");
    assert_finds!(
        "DF012",
        "FROM x\nRUN zypper --non-interactive install -y -r repo curl=8.0 wget",
        ["2:58-2:62"]
    );
    assert_clean!("DF012", "FROM x\nRUN zypper in -t pattern devel_basis");
    assert_clean!(
        "DF012",
        "FROM x\nRUN apt-get install --snapshot 20261101T000000Z -y curl"
    );
    assert_clean!("DF012", "FROM x\nRUN apt-get update");
    assert_finds!(
        "DF012",
        "FROM x\nRUN apt-get install -y curl=7.*",
        ["2:24-2:32"]
    );
    assert_clean!("DF012", "FROM x\nRUN zypper in -t pattern devel_basis");
    assert_clean!("DF012", "FROM debian:12@D AS base\nRUN echo 'deb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main' > /etc/apt/sources.list\nFROM base\nRUN apt-get update && apt-get install -y curl");
    assert_finds!(
        "DF012",
        "FROM debian:12@D\nRUN apt-get install -y curl\nRUN echo snapshot.debian.org",
        ["2:24-2:28"]
    );
    assert_clean!(
        "DF012",
        "FROM x\nRUN apt-get -o APT::Snapshot=20261101T000000Z install -y curl"
    );
}

#[test]
fn df013_language_packages() {
    assert_finds!("DF013", "FROM x\nRUN pip install requests", ["2:17-2:25"]);
    assert_finds!(
        "DF013",
        "FROM x\nRUN pip3 install --no-cache-dir -i https://pypi.org/simple requests==2.32.3 flask",
        ["2:77-2:82"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN python3 -m pip install --upgrade pip",
        ["2:38-2:41"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN python -I -m pip install 'django>=5' 'celery~=5.4' 'rich==13.*'",
        ["2:30-2:68"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN pip install -r requirements.txt -c constraints.txt"
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN pip install -c constraints.txt requests"
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN pip install -e . ./dist/app-1.0-py3-none-any.whl $EXTRA"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN pip install git+https://github.com/psf/requests@main",
        ["2:17-2:57"]
    );
    assert_clean!("DF013", "FROM x\nRUN pip install git+https://github.com/psf/requests@0e322af87745eff34caffe4df68456ebc20d9068");
    assert_clean!(
        "DF013",
        "FROM x\nRUN pip install --target /opt/lib --prefix /usr requests==1.0"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN uv pip install --system ruff",
        ["2:29-2:33"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN uv pip install --exclude-newer 2026-11-01 ruff"
    );
    assert_clean!(
        "DF013",
        "FROM x\nENV UV_EXCLUDE_NEWER=2026-11-01\nRUN uv pip install ruff"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN uv tool install ruff@0.8.0 && uv tool install black",
        ["2:51-2:56"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN uv tool install --with mypy==1.13.0 --with types-requests ruff==0.8.0",
        ["2:48-2:62"]
    );
    assert_finds!("DF013", "FROM x\nRUN pipx install black", ["2:18-2:23"]);
    assert_clean!(
        "DF013",
        "FROM x\nRUN pipx install --pip-args='--no-cache-dir' black==24.10.0"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN npm install -g typescript",
        ["2:20-2:30"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN npm i --global @angular/cli@18.2.12 typescript@^5",
        ["2:41-2:54"]
    );
    assert_finds!("DF013", "FROM x\nRUN npm install typescript", ["2:17-2:27"]);
    assert_finds!(
        "DF013",
        "FROM x\nRUN npm install -g --prefix /usr/local pnpm@latest",
        ["2:40-2:51"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN yarn global add create-react-app",
        ["2:21-2:37"]
    );
    assert_finds!("DF013", "FROM x\nRUN pnpm add -g pnpm", ["2:17-2:21"]);
    assert_finds!("DF013", "FROM x\nRUN gem install bundler", ["2:17-2:24"]);
    assert_clean!("DF013", "FROM x\nRUN gem install bundler -v 2.5.23");
    assert_finds!(
        "DF013",
        "FROM x\nRUN gem install bundler --version '~> 2.5'",
        ["2:17-2:24"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN gem install rails:7.1.0 rake -n /usr/local/bin",
        ["2:29-2:33"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN go install golang.org/x/tools/gopls@latest",
        ["2:16-2:47"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN go install -ldflags '-s -w' github.com/x/y/cmd/z@v1.2.3"
    );
    assert_finds!("DF013", "FROM x\nRUN go get github.com/x/y", ["2:12-2:26"]);
    assert_clean!("DF013", "FROM x\nRUN go install ./cmd/...");
    assert_finds!("DF013", "FROM x\nRUN cargo install ripgrep", ["2:19-2:26"]);
    assert_clean!("DF013", "FROM x\nRUN cargo install --locked ripgrep@14.1.1 && cargo install fd-find --version 10.2.0");
    assert_clean!(
        "DF013",
        "FROM x\nRUN cargo install --git https://github.com/x/y --rev 0e322af8 y"
    );
    assert_clean!("DF013", "FROM x\nRUN cargo install --path .");
    assert_finds!(
        "DF013",
        "FROM x\nRUN <<EOF\npip install requests\nEOF",
        ["3:13-3:21"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN [\"pip\", \"install\", \"requests\"]",
        ["2:25-2:33"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nONBUILD RUN sh -c \"pip install requests\"",
        ["2:32-2:40"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN python3.12 -m pip install --no-cache-dir requests flask==3.1.0 rich",
        ["2:46-2:72"]
    );
}

#[test]
fn df014_lock_files() {
    assert_finds!("DF014", "FROM x\nRUN npm install", ["2:5-2:16"]);
    assert_finds!("DF014", "FROM x\nRUN npm i --omit=dev", ["2:5-2:10"]);
    assert_finds!("DF014", "FROM x\nRUN npm install --omit dev", ["2:5-2:16"]);
    assert_clean!("DF014", "FROM x\nRUN npm ci && npm install express");
    assert_finds!("DF014", "FROM x\nRUN yarn", ["2:5-2:9"]);
    assert_clean!(
        "DF014",
        "FROM x\nRUN yarn install --immutable && yarn --frozen-lockfile"
    );
    assert_clean!(
        "DF014",
        "FROM x\nENV YARN_ENABLE_IMMUTABLE_INSTALLS=true\nRUN yarn install"
    );
    assert_finds!("DF014", "FROM x\nRUN pnpm install", ["2:5-2:17"]);
    assert_clean!("DF014", "FROM x\nRUN pnpm install --frozen-lockfile");
    assert_finds!("DF014", "FROM x\nRUN uv sync", ["2:5-2:12"]);
    assert_finds!("DF014", "FROM x\nRUN uv run pytest", ["2:5-2:11"]);
    assert_clean!(
        "DF014",
        "FROM x\nRUN uv sync --locked && uv run --frozen pytest && uv run --no-sync pytest"
    );
    assert_clean!(
        "DF014",
        "FROM x AS a\nENV UV_LOCKED=1\nFROM a AS b\nFROM b\nRUN uv sync"
    );
    assert_finds!(
        "DF014",
        "FROM x AS a\nENV UV_LOCKED=0\nRUN uv sync",
        ["3:5-3:12"]
    );
    assert_finds!(
        "DF014",
        "FROM x\nRUN uv sync\nENV UV_FROZEN=1",
        ["2:5-2:12"]
    );
    assert_clean!("DF014", "FROM x\nRUN UV_FROZEN=1 uv sync");
    assert_finds!("DF014", "FROM x\nRUN cargo build --release", ["2:5-2:16"]);
    assert_clean!(
        "DF014",
        "FROM x\nRUN cargo build --release --locked && cargo +1.83 run --frozen"
    );
    assert_finds!(
        "DF014",
        "FROM x\nRUN cargo install ripgrep@14.1.1",
        ["2:5-2:18"]
    );
    assert_finds!("DF014", "FROM x\nRUN cargo test", ["2:5-2:15"]);
    assert_finds!("DF014", "FROM x\nRUN bundle install", ["2:5-2:19"]);
    assert_clean!("DF014", "FROM x\nRUN bundle install --deployment");
    assert_clean!(
        "DF014",
        "FROM x\nENV BUNDLE_FROZEN=true\nRUN bundle install"
    );
    assert_clean!(
        "DF014",
        "FROM x\nRUN bundle config set --local frozen true && bundle install"
    );
    assert_finds!(
        "DF014",
        "FROM x\nRUN bundle install && bundle config set frozen true",
        ["2:5-2:19"]
    );
    assert_finds!(
        "DF014",
        "FROM x\nRUN composer update --no-dev && composer install",
        ["2:5-2:20"]
    );
    assert_finds!("DF014", "FROM x\nRUN <<EOF\nnpm install\nEOF", ["3:1-3:12"]);
}

#[test]
fn df020_remote_add() {
    assert_finds!(
        "DF020",
        "FROM x\nADD https://example.com/a.tar.gz /opt/",
        ["2:5-2:33"]
    );
    assert_clean!("DF020", "FROM x\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a.tar.gz /opt/");
    assert_finds!(
        "DF020",
        "FROM x\nADD --chown=1000:1000 http://example.com/a https://example.com/b /opt/",
        ["2:23-2:43", "2:44-2:65"]
    );
    assert_finds!(
        "DF020",
        "FROM x\nADD [\"https://example.com/a\", \"/opt/\"]",
        ["2:7-2:28"]
    );
    assert_finds!(
        "DF020",
        "FROM x\nADD git@github.com:moby/buildkit.git /src",
        ["2:5-2:37"]
    );
    assert_clean!("DF020", "FROM x\nADD https://github.com/moby/buildkit.git#0e322af87745eff34caffe4df68456ebc20d9068 /src");
    assert_finds!(
        "DF020",
        "FROM x\nADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.17.0 /src",
        ["2:25-2:69"]
    );
    assert_clean!("DF020", "FROM x\nADD ./local.tar.gz /opt/");
    assert_finds!(
        "DF020",
        "FROM x\nONBUILD ADD https://example.com/a /a",
        ["2:13-2:34"]
    );
    assert_clean!("DF020", "FROM x\nCOPY https://example.com/a /a");
}

#[test]
fn df021_download_piped_to_interpreter() {
    assert_finds!(
        "DF021",
        "FROM x\nRUN curl -fsSL https://example.com/i.sh | sh",
        ["2:5-2:45"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN curl -fsSL https://example.com/i.sh | sudo -E bash -s -- --yes",
        ["2:5-2:55"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN wget -qO- https://example.com/i.sh | bash",
        ["2:5-2:46"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN wget -O - https://example.com/i.sh | sh",
        ["2:5-2:44"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN wget --output-document=- https://example.com/i.sh | sh",
        ["2:5-2:59"]
    );
    assert_clean!("DF021", "FROM x\nRUN wget https://example.com/i.sh | sh");
    assert_clean!(
        "DF021",
        "FROM x\nRUN curl -fsSLo /tmp/i.sh https://example.com/i.sh | sh"
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN curl -fsSL https://example.com/i.sh -o- | sh",
        ["2:5-2:49"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN curl -fsSL -H 'Accept: x' https://example.com/i.sh | python3",
        ["2:5-2:65"]
    );
    assert_clean!(
        "DF021",
        "FROM x\nRUN curl -fsSL https://example.com/x.tgz | tar xz"
    );
    assert_clean!(
        "DF021",
        "FROM x\nRUN curl -fsSL https://example.com/i.sh | sh -c 'cat > x'"
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN bash <(curl -fsSL https://example.com/i.sh)",
        ["2:5-2:48"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN sh -c \"$(curl -fsSL https://example.com/i.sh)\"",
        ["2:5-2:51"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN /bin/sh -c \"$(wget -qO- https://example.com/i.sh)\" -- --unattended",
        ["2:5-2:55"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN eval \"$(curl -fsSL https://example.com/env)\"",
        ["2:5-2:49"]
    );
    assert_clean!(
        "DF021",
        "FROM x\nRUN echo \"$(curl -fsSL https://example.com/version)\""
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN curl -fsSL https://example.com/i.sh \\\n    | bash",
        ["2:5-3:11"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN <<EOF\ncurl -fsSL https://example.com/i.sh | sh\nEOF",
        ["3:1-3:41"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nONBUILD RUN curl -fsSL https://example.com/i.sh | sh",
        ["2:13-2:53"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN sh -c 'curl -fsSL https://example.com/i.sh | sh'",
        ["2:12-2:52"]
    );
}

#[test]
fn df022_git_clone() {
    assert_finds!(
        "DF022",
        "FROM x\nRUN git clone https://github.com/x/y.git",
        ["2:5-2:41"]
    );
    assert_finds!(
        "DF022",
        "FROM x\nRUN git clone --depth 1 --branch v1.2.3 https://github.com/x/y.git /src",
        ["2:5-2:67"]
    );
    assert_clean!("DF022", "FROM x\nRUN git clone https://github.com/x/y.git && git -C y checkout 0e322af87745eff34caffe4df68456ebc20d9068");
    assert_clean!("DF022", "FROM x\nRUN git clone https://github.com/x/y.git && cd y && git reset --hard 0e322af87745eff34caffe4df68456ebc20d9068");
    assert_finds!(
        "DF022",
        "FROM x\nRUN git clone https://github.com/x/y.git && cd y && git checkout v1.2.3",
        ["2:5-2:41"]
    );
    assert_finds!(
        "DF022",
        "FROM x\nRUN git clone https://github.com/x/y.git && cd y && git checkout 0e322af",
        ["2:5-2:41"]
    );
    assert_clean!(
        "DF022",
        "FROM x\nRUN git clone https://github.com/x/y.git && cd y && git checkout \"$COMMIT\""
    );
    assert_clean!("DF022", "FROM x\nRUN git clone https://github.com/x/y.git\nRUN cd y && git checkout 0e322af87745eff34caffe4df68456ebc20d9068");
    assert_finds!(
        "DF022",
        "FROM x\nRUN git -c advice.detachedHead=false clone -q https://github.com/x/y.git",
        ["2:5-2:73"]
    );
    assert_clean!("DF022", "FROM x\nRUN git clone --revision=0e322af87745eff34caffe4df68456ebc20d9068 https://github.com/x/y.git");
    assert_finds!("DF022", "FROM x\nRUN git clone https://a/y.git && git clone https://a/z.git && git -C y checkout 0e322af87745eff34caffe4df68456ebc20d9068", ["2:34-2:59"]);
    assert_clean!("DF022", "FROM x\nRUN <<EOF\ngit clone https://github.com/x/y.git\ncd y\ngit checkout 0e322af87745eff34caffe4df68456ebc20d9068\nEOF");
    assert_finds!(
        "DF022",
        "FROM x\nRUN [\"git\", \"clone\", \"https://github.com/x/y.git\"]",
        ["2:7-2:49"]
    );
    assert_finds!(
        "DF022",
        "FROM x\nONBUILD RUN git clone https://github.com/x/y.git",
        ["2:13-2:49"]
    );
    assert_finds!(
        "DF022",
        "FROM x\nRUN git clone \\\n      https://github.com/x/y.git",
        ["2:5-3:33"]
    );
    assert_clean!("DF022", "FROM x\nRUN sh -c 'git clone https://a/y.git && git -C y checkout 0e322af87745eff34caffe4df68456ebc20d9068'");
    assert_finds!("DF022", "FROM x\nRUN git clone https://a/y.git && git clone https://a/z.git zz && git -C zz checkout 0e322af87745eff34caffe4df68456ebc20d9068", ["2:5-2:30"]);
    assert_finds!("DF022", "FROM x\nRUN git clone https://a/y.git && git clone https://a/z.git && git -C /src/z checkout 0e322af87745eff34caffe4df68456ebc20d9068", ["2:5-2:30"]);
}
#[test]
fn df010_more_managers() {
    // Flags before the subcommand, more managers, installers that refresh.
    assert_finds!("DF010", "FROM x\nRUN apk --update add curl", ["2:5-2:17"]);
    assert_finds!("DF010", "FROM x\nRUN apk -U add curl", ["2:5-2:11"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN apk --update-cache add curl",
        ["2:5-2:23"]
    );
    assert_finds!("DF010", "FROM x\nRUN apk -qU add curl", ["2:5-2:12"]);
    assert_finds!("DF010", "FROM x\nRUN aptitude update", ["2:5-2:20"]);
    assert_finds!("DF010", "FROM x\nRUN tdnf makecache", ["2:5-2:19"]);
    assert_finds!(
        "DF010",
        "FROM x\nRUN dnf install --refresh -y curl",
        ["2:5-2:26"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN dnf -q makecache --refresh",
        ["2:5-2:21"]
    );
    assert_finds!("DF010", "FROM x\nRUN install_packages curl", ["2:5-2:21"]);
    assert_clean!("DF010", "FROM x\nRUN apk -U upgrade");
    assert_clean!("DF010", "FROM x\nRUN apt-get -v && apt-get update --help");
}

#[test]
fn df010_snapshot_needs_configuration() {
    // Only configuration apt reads exempts: a mention does not.
    assert_finds!(
        "DF010",
        "FROM x\nRUN echo \"# snapshot.debian.org\" && apt-get update",
        ["2:37-2:51"]
    );
    assert_finds!(
        "DF010",
        "FROM x\nRUN echo 'see APT::Snapshot' > /tmp/notes && apt-get update",
        ["2:46-2:60"]
    );
    assert_clean!("DF010", "FROM x\nRUN echo \"deb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main\" > /etc/apt/sources.list && apt-get update");
    assert_clean!("DF010", "FROM x\nRUN echo \"deb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main\" | tee /etc/apt/sources.list && apt-get update");
    assert_clean!("DF010", "FROM x\nRUN sed -i 's|deb.debian.org|snapshot.debian.org/archive|' /etc/apt/sources.list.d/debian.sources && apt-get update");
    assert_clean!("DF010", "FROM x\nRUN echo 'APT::Snapshot \"20261101T000000Z\";' > /etc/apt/apt.conf.d/50snapshot && apt-get update");
    assert_clean!("DF010", "FROM x\nCOPY <<EOF /etc/apt/sources.list\ndeb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main\nEOF\nRUN apt-get update");
    assert_clean!("DF010", "FROM x\nRUN cat > /etc/apt/sources.list <<EOF\ndeb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main\nEOF\nRUN apt-get update");
    assert_finds!("DF010", "FROM x\nRUN apt-get update && echo \"deb http://snapshot.debian.org/archive/debian/20261101T000000Z bookworm main\" > /etc/apt/sources.list", ["2:5-2:19"]);
    assert_finds!(
        "DF012",
        "FROM x\nRUN echo snapshot.debian.org && apt-get install -y curl",
        ["2:52-2:56"]
    );
}

#[test]
fn df011_more_upgrades() {
    assert_finds!(
        "DF011",
        "FROM x\nRUN apt-get install --only-upgrade -y openssl",
        ["2:5-2:20"]
    );
    assert_clean!("DF011", "FROM x\nRUN apt-get install -y openssl");
    assert_finds!("DF011", "FROM x\nRUN aptitude safe-upgrade", ["2:5-2:26"]);
    assert_finds!("DF011", "FROM x\nRUN tdnf update -y", ["2:5-2:16"]);
    assert_finds!("DF011", "FROM x\nRUN apk -U upgrade", ["2:5-2:19"]);
    assert_finds!(
        "DF011",
        "FROM x\nRUN gem update --system && gem update",
        ["2:5-2:15", "2:28-2:38"]
    );
    assert_finds!(
        "DF011",
        "FROM x\nRUN npm update -g && npm -g upgrade && yarn global upgrade && pnpm up -g",
        ["2:5-2:15", "2:22-2:36", "2:40-2:59", "2:63-2:70"]
    );
    assert_clean!("DF011", "FROM x\nRUN npm update");
    assert_finds!(
        "DF011",
        "FROM x\nRUN rustup update && conda update --all",
        ["2:5-2:18", "2:22-2:34"]
    );
    assert_finds!("DF011", "FROM x\nRUN pecl upgrade", ["2:5-2:17"]);
}

#[test]
fn df012_more_managers() {
    assert_finds!(
        "DF012",
        "FROM x\nRUN aptitude install -y curl",
        ["2:25-2:29"]
    );
    assert_finds!("DF012", "FROM x\nRUN tdnf install -y curl", ["2:21-2:25"]);
    assert_finds!(
        "DF012",
        "FROM x\nRUN install_packages curl git=1:2.39.5-0+deb12u1",
        ["2:22-2:26"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN pacman -S --noconfirm git",
        ["2:27-2:30"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN pacman -Syu --noconfirm git base-devel",
        ["2:29-2:43"]
    );
    assert_clean!(
        "DF012",
        "FROM x\nRUN pacman -U --noconfirm /tmp/git-2.47.0-1-x86_64.pkg.tar.zst && pacman -Syu"
    );
    assert_finds!("DF012", "FROM x\nRUN apk --update add curl", ["2:22-2:26"]);
    assert_clean!("DF012", "FROM x\nRUN apt-get --help install curl");
}

#[test]
fn df012_package_lists_in_variables() {
    // The values the file gives: shell assignments earlier in the same RUN,
    // `export`, ENV and ARG; unknown values are still skipped.
    assert_finds!(
        "DF012",
        "FROM x\nRUN buildDeps='curl git' && apt-get install -y $buildDeps",
        ["2:48-2:58"]
    );
    assert_finds!("DF012", "FROM x\nRUN set -eux; buildDeps=\" \\\n  gcc \\\n  libc6-dev=2.36-9 \\\n \"; apt-get install -y --no-install-recommends $buildDeps; apt-get purge -y $buildDeps", ["5:48-5:58"]);
    assert_finds!(
        "DF012",
        "FROM x\nENV PKGS=\"curl wget\"\nRUN apt-get install -y ${PKGS} jq",
        ["3:24-3:34"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nARG PKGS=\"curl=1.0 wget\"\nRUN apt-get install -y $PKGS \"$PKGS\"",
        ["3:24-3:29"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nARG PKG=wget\nRUN apt-get install -y \"$PKG\"",
        ["3:24-3:30"]
    );
    assert_clean!(
        "DF012",
        "FROM x\nRUN apt-get install -y $UNKNOWN \"$(cat pkgs.txt)\" `cat more.txt`"
    );
    assert_clean!(
        "DF012",
        "FROM x\nENV V=7.88.1-10\nRUN apt-get install -y curl=$V curl=$NO_SUCH_VERSION"
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN export DEPS=\"make gcc\"; apk add --virtual .b $DEPS",
        ["2:50-2:55"]
    );
    assert_clean!("DF012", "FROM x\nRUN apk add $DEPS; DEPS=gcc");
    assert_clean!(
        "DF012",
        "FROM x\nRUN DEPS=gcc; DEPS=$(cat deps); apk add $DEPS"
    );
    assert_finds!("DF012", "FROM x\nARG BASE_DEPS=\"curl\"\nENV DEPS=\"$BASE_DEPS git=1:2.39\"\nRUN apt-get install -y $DEPS", ["4:24-4:29"]);
    assert_clean!(
        "DF012",
        "ARG PKGS=curl\nFROM x\nRUN apt-get install -y $PKGS"
    );
    assert_finds!(
        "DF012",
        "FROM x AS a\nENV PKGS=curl\nFROM a\nRUN apt-get install -y $PKGS",
        ["4:24-4:29"]
    );
    assert_clean!(
        "DF012",
        "FROM x\nARG PKGS=curl\nENV PKGS=curl=8.0\nRUN apt-get install -y $PKGS"
    );
}

#[test]
fn df013_more_installers() {
    assert_finds!(
        "DF013",
        "FROM x\nRUN conda install -y -c conda-forge numpy=1.26.4 pandas",
        ["2:50-2:56"]
    );
    assert_finds!("DF013", "FROM x\nRUN micromamba install -y -n base -f env.yml && micromamba create -n x python=3.12 \"scipy>=1\"", ["2:72-2:94"]);
    assert_clean!(
        "DF013",
        "FROM x\nRUN mamba install --yes --file requirements.txt"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN pecl install redis-6.0.2 xdebug && docker-php-ext-enable redis",
        ["2:30-2:36"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN pecl install channel://pecl.php.net/xdebug-3.3.2"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN cpanm --notest Moose@2.2207 Plack && cpanm --installdeps .",
        ["2:33-2:38"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN install2.r --error --skipinstalled ggplot2 dplyr",
        ["2:40-2:53"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN install2.r -r https://p3m.dev/cran/__linux__/jammy/2026-11-01 ggplot2"
    );
    assert_finds!("DF013", "FROM x\nRUN installGithub.r r-lib/remotes r-lib/cli@0e322af87745eff34caffe4df68456ebc20d9068", ["2:21-2:34"]);
    assert_finds!(
        "DF013",
        "FROM x\nRUN Rscript -e 'install.packages(c(\"ggplot2\", \"dplyr\"))'",
        ["2:37-2:53"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN R -e \"install.packages('x', repos='https://p3m.dev/cran/2026-11-01')\""
    );
    assert_finds!("DF013", "FROM x\nRUN composer require laravel/installer && composer global require phpunit/phpunit:10.5.38", ["2:22-2:39"]);
    assert_finds!("DF013", "FROM x\nRUN dotnet tool install -g dotnet-ef && dotnet tool install -g dotnet-format --version 5.1.250801", ["2:28-2:37"]);
    assert_clean!(
        "DF013",
        "FROM x\nRUN dotnet tool install --global dotnet-ef@8.0.11"
    );
}

#[test]
fn df013_floating_toolchains() {
    assert_finds!(
        "DF013",
        "FROM x\nRUN rustup toolchain install stable && rustup default nightly",
        ["2:30-2:36", "2:55-2:62"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN rustup toolchain install nightly-2026-11-01 1.83.0 && rustup default 1.83.0"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN rustup-init -y --default-toolchain stable --profile minimal",
        ["2:40-2:46"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nENV RUST_VERSION=1.83.0\nRUN rustup-init -y --default-toolchain $RUST_VERSION"
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN rustup target add wasm32-unknown-unknown && rustup component add clippy"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN . \"$NVM_DIR/nvm.sh\" && nvm install --lts",
        ["2:40-2:45"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN nvm install lts/* && nvm install node && nvm install 22",
        ["2:17-2:22", "2:38-2:42", "2:58-2:60"]
    );
    assert_clean!("DF013", "FROM x\nENV NODE_VERSION=22.11.0\nRUN nvm install $NODE_VERSION && nvm use $NODE_VERSION && nvm install v22.11.0");
    assert_finds!(
        "DF013",
        "FROM x\nRUN fnm install 22 && fnm install --lts",
        ["2:17-2:19", "2:35-2:40"]
    );
}

#[test]
fn df013_local_installs_and_tools() {
    assert_finds!(
        "DF013",
        "FROM x\nRUN npm install typescript && npm install --save-dev eslint@9.15.0",
        ["2:17-2:27"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN yarn add react && pnpm add vue@3.5.12 svelte && pnpm install lodash",
        ["2:14-2:19", "2:43-2:49", "2:66-2:72"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nRUN go install tool && go install std && go install ./cmd/..."
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN pipenv install requests",
        ["2:20-2:28"]
    );
    assert_clean!(
        "DF013",
        "FROM x\nENV PIP_CONSTRAINT=/constraints.txt\nRUN pip install requests"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN cargo +nightly install cargo-expand",
        ["2:28-2:40"]
    );
    assert_clean!("DF013", "FROM x\nRUN pip --version && pip -V && python3 -m pip --version && gem --version && pip install --help");
}

#[test]
fn df014_more_lock_files() {
    assert_clean!("DF014", "FROM x\nRUN yarn --version && bundle -v && npm --version && pnpm -v && yarn -v && bundle --version");
    assert_clean!(
        "DF014",
        "FROM x\nRUN npm install --help && cargo --version && uv --version && bundle help install"
    );
    assert_finds!("DF014", "FROM x\nRUN pipenv install --system", ["2:5-2:19"]);
    assert_clean!("DF014", "FROM x\nRUN pipenv install --system --deploy && pipenv install --ignore-pipfile && pipenv sync");
    assert_finds!("DF014", "FROM x\nRUN pipenv lock", ["2:5-2:16"]);
    assert_finds!(
        "DF014",
        "FROM x\nRUN poetry add requests && poetry update && poetry install --no-root",
        ["2:5-2:15", "2:28-2:41"]
    );
    assert_finds!("DF014", "FROM x\nRUN bundle update", ["2:5-2:18"]);
    assert_finds!(
        "DF014",
        "FROM x\nRUN npm update && yarn upgrade && pnpm update",
        ["2:5-2:15", "2:19-2:31", "2:35-2:46"]
    );
    assert_clean!(
        "DF014",
        "FROM x\nRUN npm ci && yarn install --frozen-lockfile && pnpm install --frozen-lockfile"
    );
}

#[test]
fn wrappers_are_seen_through() {
    assert_finds!(
        "DF012",
        "FROM x\nRUN su appuser -c \"apt-get install -y curl\"",
        ["2:39-2:43"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN su -c \"apt-get install -y curl\" appuser",
        ["2:31-2:35"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN runuser -l app -c \"apk add curl\"",
        ["2:32-2:36"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN runuser -u app -- pip install requests",
        ["2:35-2:43"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN gosu app pip install requests && su-exec app:app npm i -g yarn",
        ["2:26-2:34", "2:63-2:67"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN chroot /target apt-get install -y curl",
        ["2:39-2:43"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN chroot --userspec=1000:1000 /target apt-get install -y curl",
        ["2:60-2:64"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN timeout 300 pip install requests && timeout -s KILL 5m pip install flask",
        ["2:29-2:37", "2:72-2:77"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN nice -n 10 pip install flask && ionice -c 3 pip install rich",
        ["2:28-2:33", "2:61-2:65"]
    );
    assert_finds!("DF012", "FROM x\nRUN eatmydata apt-get install -y wget && stdbuf -oL apt-get install -y jq && time apt-get install -y gcc", ["2:34-2:38", "2:72-2:74", "2:102-2:105"]);
    assert_finds!(
        "DF013",
        "FROM x\nRUN xargs -n1 pip install flask < reqs.txt",
        ["2:27-2:32"]
    );
    assert_clean!("DF013", "FROM x\nRUN echo requests | xargs pip install");
    assert_clean!(
        "DF013",
        "FROM x\nRUN find /wheels -name \"*.whl\" -exec pip install {} \\;"
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN find . -name x -exec pip install requests + -print",
        ["2:38-2:46"]
    );
    assert_finds!(
        "DF011",
        "FROM x\nRUN find / -maxdepth 0 -execdir apt-get upgrade -y \\;",
        ["2:33-2:48"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN su app -c \"curl -fsSL https://example.com/i.sh | sh\"",
        ["2:16-2:56"]
    );
}

/// The message of the one finding `rule` gives on `dockerfile`.
fn message(rule: &str, dockerfile: &str) -> String {
    let options = Options::new(
        vec![rules::find(rule).expect("a rule")],
        Date::parse("2026-11-21").unwrap(),
    );
    let (findings, _) =
        audit_dockerfile("Dockerfile", dockerfile.into(), &options).expect("parses");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    format!("{} | {}", findings[0].message, findings[0].help)
}

#[test]
fn messages_name_what_floats() {
    assert_eq!(
        message("DF012", "FROM x\nRUN buildDeps='curl git' && apt-get install -y $buildDeps jq=1.6-2.1"),
        "`apt-get install` installs packages `$buildDeps` (`curl`, `git`) without a version | pin the version (`curl=<version>`), or point apt at a dated snapshot (`snapshot.debian.org`)"
    );
    assert_eq!(
        message("DF013", "FROM x\nRUN rustup toolchain install stable"),
        "`rustup toolchain install` installs toolchain `stable` without an exact version | install an exact release (`1.83.0`) or a dated channel (`nightly-2026-11-01`)"
    );
    assert_eq!(
        message("DF014", "FROM x\nRUN poetry add requests"),
        "`poetry add` re-resolves dependencies and rewrites poetry.lock | change dependencies outside the build and commit poetry.lock; in the image, run `poetry install`"
    );
    assert_eq!(
        message("DF011", "FROM x\nRUN gem update --system"),
        "`gem update` upgrades installed packages to whatever the registry serves today | remove the upgrade and install the exact versions you need (or move to a newer base image, pinned by digest)"
    );
    assert_eq!(
        message("DF012", "FROM x\nRUN pacman -Syu --noconfirm git"),
        "`pacman -Syu` installs package `git` without a version | `pacman -S` installs whatever version the mirror has: install the package file of the version you want from a dated archive (`pacman -U https://archive.archlinux.org/packages/…`)"
    );
}
#[test]
fn df020_git_pins_and_build_arguments() {
    // BuildKit's query spellings (Dockerfile 1.18) and build arguments in the URL.
    assert_clean!("DF020", "FROM x\nADD https://github.com/moby/moby.git?commit=0e322af87745eff34caffe4df68456ebc20d9068 /src");
    assert_clean!("DF020", "FROM x\nADD https://github.com/moby/moby.git?ref=0e322af87745eff34caffe4df68456ebc20d9068&subdir=cli /src");
    assert_clean!("DF020", "FROM x\nADD https://github.com/moby/moby.git?tag=v28.0.0&checksum=0e322af87745eff34caffe4df68456ebc20d9068 /src");
    assert_finds!(
        "DF020",
        "FROM x\nADD https://github.com/moby/moby.git?tag=v28.0.0 /src",
        ["2:5-2:49"]
    );
    assert_finds!(
        "DF020",
        "FROM x\nADD https://github.com/moby/moby.git?commit=0e322af8 /src",
        ["2:5-2:53"]
    );
    assert_clean!("DF020", "FROM x\nARG C=0e322af87745eff34caffe4df68456ebc20d9068\nADD https://github.com/x/y.git#${C} /src");
    assert_clean!("DF020", "ARG C=0e322af87745eff34caffe4df68456ebc20d9068\nFROM x\nARG C\nADD https://github.com/x/y.git#$C /src");
    assert_finds!(
        "DF020",
        "FROM x\nARG C=main\nADD https://github.com/x/y.git#${C} /src",
        ["3:5-3:36"]
    );
    // An argument with no value builds the default branch.
    assert_finds!(
        "DF020",
        "FROM x\nARG C\nADD https://github.com/x/y.git#${C} /src",
        ["3:5-3:36"]
    );
    assert_finds!("DF020", "FROM x\nENV VERSION=1.17\nADD https://github.com/tianon/gosu/releases/download/${VERSION}/gosu-amd64 /gosu", ["3:5-3:75"]);
}
#[test]
fn df022_checkout_in_a_later_run() {
    // The checkout may come in a later RUN of the same stage.
    assert_clean!("DF022", "FROM x\nRUN git clone https://github.com/x/y /src\nWORKDIR /src\nRUN git checkout 0e322af87745eff34caffe4df68456ebc20d9068");
    assert_clean!("DF022", "FROM x\nRUN git clone https://github.com/x/y /src\nRUN git -C /src reset --hard 0e322af87745eff34caffe4df68456ebc20d9068");
    assert_finds!("DF022", "FROM x AS a\nRUN git clone https://github.com/x/y /src\nFROM x\nRUN git -C /src checkout 0e322af87745eff34caffe4df68456ebc20d9068", ["2:5-2:37"]);
    assert_finds!("DF022", "FROM x\nRUN git checkout 0e322af87745eff34caffe4df68456ebc20d9068\nRUN git clone https://github.com/x/y /src", ["3:5-3:37"]);
    assert_finds!("DF022", "FROM x\nONBUILD RUN git clone https://github.com/x/y /src\nRUN git -C /src checkout 0e322af87745eff34caffe4df68456ebc20d9068", ["2:13-2:45"]);
    assert_finds!("DF022", "FROM x\nRUN git clone https://github.com/x/a && git clone https://github.com/x/b\nRUN git -C b checkout 0e322af87745eff34caffe4df68456ebc20d9068", ["2:5-2:37"]);
}
#[test]
fn df023_unverified_downloads() {
    // Into a file, by every way of naming it.
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSLo /tmp/go.tgz https://go.dev/dl/go1.23.4.linux-amd64.tar.gz",
        ["2:5-2:74"]
    );
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSL --output go.tgz https://go.dev/dl/go1.23.4.linux-amd64.tar.gz",
        ["2:5-2:77"]
    );
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSLO https://go.dev/dl/go1.23.4.linux-amd64.tar.gz",
        ["2:5-2:62"]
    );
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSL https://example.com/x.deb > /tmp/x.deb && dpkg -i /tmp/x.deb",
        ["2:5-2:41"]
    );
    assert_finds!(
        "DF023",
        "FROM x\nRUN wget -q https://example.com/x.tar.gz && tar xf x.tar.gz",
        ["2:5-2:41"]
    );
    assert_finds!("DF023", "FROM x\nRUN wget -O /usr/local/bin/tool https://example.com/tool && chmod +x /usr/local/bin/tool", ["2:5-2:57"]);
    assert_finds!(
        "DF023",
        "FROM x\nRUN wget -P /tmp ftp://ftp.gnu.org/gnu/hello/hello-2.12.tar.gz",
        ["2:5-2:63"]
    );
    // Straight into a program.
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSL https://example.com/x.tar.gz | tar -xz",
        ["2:5-2:44"]
    );
    assert_finds!(
        "DF023",
        "FROM x\nRUN wget -qO- https://example.com/x.tar.gz | gunzip | tar -x",
        ["2:5-2:43"]
    );
    assert_finds!("DF023", "FROM x\nRUN curl -fsSL https://example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg", ["2:5-2:43"]);
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSL https://example.com/key.asc | apt-key add -",
        ["2:5-2:43"]
    );
    // Checked: a checksum line naming it, a list, a comparison, a signature.
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo go.tgz https://go.dev/dl/go1.23.4.linux-amd64.tar.gz && echo \"$SHA *go.tgz\" | sha256sum -c -");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLO https://go.dev/dl/go1.23.4.linux-amd64.tar.gz && echo \"$SHA  go1.23.4.linux-amd64.tar.gz\" | sha256sum --check --status");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && sha256sum -c <<< \"$SHA  x.tgz\"");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && shasum -a 256 -c <<EOF\n$SHA  x.tgz\nEOF");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLO https://example.com/x.tgz -O https://example.com/SHA256SUMS && sha256sum -c --ignore-missing SHA256SUMS");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && [ \"$(sha256sum x.tgz | cut -d' ' -f1)\" = \"$SHA\" ]");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && sha256sum x.tgz | grep -q \"$SHA\"");
    assert_clean!("DF023", "FROM x\nRUN wget -O x.tgz https://example.com/x.tgz && wget -O x.tgz.asc https://example.com/x.tgz.asc && gpg --batch --verify x.tgz.asc x.tgz");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && cosign verify-blob --key k.pub --signature x.sig x.tgz");
    assert_clean!(
        "DF023",
        "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && minisign -Vm x.tgz -P \"$KEY\""
    );
    // A check elsewhere does not count; a check of another file does not either.
    assert_finds!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz\nRUN echo \"$SHA  x.tgz\" | sha256sum -c -", ["2:5-2:48"]);
    assert_finds!("DF023", "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && curl -fsSLo y.tgz https://example.com/y.tgz && echo \"$SHA  y.tgz\" | sha256sum -c -", ["2:5-2:48"]);
    assert_finds!(
        "DF023",
        "FROM x\nRUN curl -fsSLo x.tgz https://example.com/x.tgz && sha256sum x.tgz",
        ["2:5-2:48"]
    );
    // Variables: the file gives the URL's value; a URL it does not give is not judged.
    assert_finds!(
        "DF023",
        "FROM x\nENV URL=https://example.com/x.tgz\nRUN curl -fsSLo x.tgz \"$URL\"",
        ["3:5-3:29"]
    );
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo x.tgz \"$URL\"");
    assert_clean!("DF023", "FROM x\nRUN url=\"https://dl.google.com/go/go${V}.${arch}.tar.gz\"; wget -O go.tgz \"$url\"; echo \"$sha256 *go.tgz\" | sha256sum -c -");
    assert_finds!("DF023", "FROM x\nRUN url=\"https://dl.google.com/go/go${V}.${arch}.tar.gz\"; wget -O go.tgz \"$url\"; tar xf go.tgz", ["2:59-2:80"]);
    // Content-addressed URLs, interpreters (DF021), output to the terminal, local files.
    assert_clean!("DF023", "FROM x\nRUN curl -fsSL https://github.com/x/y/archive/0e322af87745eff34caffe4df68456ebc20d9068.tar.gz | tar -xz");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLo i.sh https://raw.githubusercontent.com/x/y/0e322af87745eff34caffe4df68456ebc20d9068/install.sh");
    assert_clean!(
        "DF023",
        "FROM x\nRUN curl -fsSL https://example.com/install.sh | sh"
    );
    assert_clean!("DF023", "FROM x\nRUN curl -fsS https://example.com/health && curl -fsSL https://api.example.com/v | jq -r .tag");
    assert_clean!("DF023", "FROM x\nRUN curl -o x.tgz file:///tmp/x.tgz");
    assert_finds!(
        "DF023",
        "FROM x\nRUN <<EOF\nset -e\ncurl -fsSLo x.tgz https://example.com/x.tgz\ntar xf x.tgz\nEOF",
        ["4:1-4:44"]
    );
    assert_finds!(
        "DF023",
        "FROM x\nRUN sh -c 'wget https://example.com/x.tgz'",
        ["2:12-2:42"]
    );
}
#[test]
fn real_repository_forms() {
    // Forms seen in real repositories (docker-library, docker-node, nginx,
    // jessfraz, moby, buildkit, devcontainers, docker-stacks, nextcloud).
    assert_clean!("DF023", "FROM x\nENV V=1\nRUN curl -fsSLO \"https://e.com/y-$V.tar.gz\" && curl -fsSLO \"https://e.com/y-$V.tar.gz.asc\" && gpg --batch --verify y-$V.tar.gz.asc y-$V.tar.gz");
    assert_clean!("DF023", "FROM alpine\nENV V=1.2\nRUN wget https://x.org/t-$V.tgz && echo \"abc  t-$V.tgz\" | sha256sum -c -");
    assert_clean!("DF023", "FROM x\nENV F=/tmp/a.tgz\nRUN curl -fsSLo \"$F\" https://x.org/a.tgz && echo \"abc  /tmp/a.tgz\" | sha256sum -c -");
    assert_clean!("DF023", "FROM x\nENV F=/tmp/a.tgz\nRUN curl -fsSLo /tmp/a.tgz https://x.org/a.tgz && echo \"abc  ${F}\" | sha256sum -c -");
    assert_clean!("DF023", "FROM x\nRUN curl -fsSLO https://e.com/S.txt.asc && gpg --batch --decrypt --output S.txt S.txt.asc");
    assert_clean!("DF023", "FROM x\nRUN curl -fLO https://x.org/f.tgz && if [ \"$(openssl sha512 -r f.tgz)\" = \"abc *f.tgz\" ]; then :; else exit 1; fi");
    assert_clean!("DF023", "FROM x\nRUN curl -fsS -o /dev/null https://e.com/health && wget -q -O /dev/null https://e.com/x && wget --spider https://e.com/y && curl -I https://e.com/z > /tmp/h");
    assert_finds!("DF023", "FROM x\nRUN curl -fsSLo g.tgz https://e.com/g.tgz && sha256sum g.tgz > g.sha && sha256sum -c g.sha", ["2:5-2:42"]);
    assert_finds!("DF023", "FROM x\nRUN curl -fsSLo a.tgz https://e.com/a.tgz && curl -fsSLo data.tgz https://e.com/data.tgz && echo \"$S  data.tgz\" | sha256sum -c - && tar xzf a.tgz", ["2:5-2:42"]);
    assert_finds!(
        "DF023",
        "FROM x\nARG V\nRUN curl -fsSLO https://e.com/y-$V.tar.gz",
        ["3:5-3:42"]
    );
    assert_clean!("DF023", "FROM x\nENV REVISION=1.27.4-1~bookworm\nRUN curl -fLO https://e.com/nginx-${REVISION%~*}.tar.gz && echo \"abc *nginx-1.27.4-1.tar.gz\" | sha256sum -c -");
    assert_finds!(
        "DF023",
        "FROM x\nRUN busybox wget -O /x.tgz https://e.com/x.tgz",
        ["2:13-2:47"]
    );
    assert_finds!(
        "DF021",
        "FROM x\nRUN curl -sSL https://aka.ms/getvsdbgsh | bash /dev/stdin -v latest",
        ["2:5-2:47"]
    );
    assert_clean!("DF012", "FROM x\nRUN if apt-get install -s foo >/dev/null 2>&1; then echo ok; fi && apt-get --dry-run install curl && apk add --simulate curl && dnf install --assumeno curl");
    assert_clean!(
        "DF013",
        "FROM x\nRUN pip install --dry-run requests && npm install --dry-run react"
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN apt-get build-dep -y postgresql-common-dev",
        ["2:26-2:47"]
    );
    assert_finds!(
        "DF011",
        "FROM x\nRUN apk add --upgrade curl && apk add -u busybox && yum -y update-minimal",
        ["2:5-2:22", "2:31-2:41", "2:53-2:74"]
    );
    assert_clean!("DF012", "FROM x\nRUN pacman -Ss git; pacman -Si git; pacman -Sl core; pacman -Sg base-devel; pacman -Sc");
    assert_finds!(
        "DF012",
        "FROM x\nRUN yay -S --noconfirm google-chrome && paru -S neovim",
        ["2:24-2:37", "2:49-2:55"]
    );
    assert_finds!(
        "DF012",
        "FROM x\nRUN xx-apt-get install -y gcc && xx-apk add gcc",
        ["2:27-2:30", "2:45-2:48"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN xx-go install golang.org/x/tools/gopls@latest",
        ["2:19-2:50"]
    );
    assert_finds!("DF013", "FROM x\nRUN go install golang.org/x/tools/cmd/goimports && go get golang.org/x/tools/cmd/goimports", ["2:59-2:91"]);
    assert_finds!(
        "DF014",
        "FROM x\nRUN go get -u ./... && cargo update && uv lock --upgrade && uv add requests",
        ["2:5-2:11", "2:24-2:36", "2:40-2:47", "2:61-2:67"]
    );
    assert_clean!("DF014", "FROM x\nRUN cargo install --list && uv run --version && npm i --version && yarn install --version");
    assert_finds!(
        "DF014",
        "FROM x\nRUN cargo fetch && cargo check --locked",
        ["2:5-2:16"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN mamba install --yes python=3.13 nodejs=20.* numpy==1.26 scipy=1.14.1",
        ["2:25-2:48"]
    );
    assert_finds!("DF013", "FROM x\nENV YARN_VERSION=1.22.19\nRUN npm install -g \"yarn@${YARN_VERSION%.*}\" \"yarn@${YARN_VERSION}\"", ["3:20-3:45"]);
    assert_finds!("DF013", "FROM x\nRUN corepack prepare yarn@stable --activate && corepack prepare pnpm@9.12.3 --activate && yarn set version stable", ["2:22-2:33", "2:108-2:114"]);
    assert_clean!(
        "DF013",
        "FROM x\nRUN pecl install --configureoptions 'enable-x=\"yes\"' redis-6.0.2"
    );
    assert_clean!("DF013", "FROM x\nARG NODE_VERSION=none\nRUN if [ \"$NODE_VERSION\" != none ]; then su u -c \"nvm install $NODE_VERSION\"; fi");
    assert_finds!("DF013", "FROM x\nRUN npx create-react-app my-app && npx -p @angular/cli@18.2.12 ng new x && npx prettier@3.3.3 --write .", ["2:9-2:25"]);
    assert_finds!(
        "DF013",
        "FROM x\nRUN sdk install java && sdk install gradle 8.11",
        ["2:17-2:21"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN pyenv install 3.12 && pyenv install 3.12.7 && pyenv install --list",
        ["2:19-2:23"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN asdf install nodejs latest && asdf install python 3.12.7 && asdf install",
        ["2:25-2:31"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN volta install node@22 && volta install node@22.11.0",
        ["2:19-2:26"]
    );
    assert_finds!(
        "DF013",
        "FROM x\nRUN pip install -e git+https://github.com/x/y#egg=y -e .",
        ["2:20-2:52"]
    );
    assert_finds!("DF012", "FROM x\nRUN fakeroot apt-get install -y curl && s6-setuidgid app apt-get install -y wget && flock /tmp/l apt-get install -y jq", ["2:33-2:37", "2:77-2:81", "2:117-2:119"]);
    assert_clean!(
        "DF012",
        "FROM x\nRUN V=\"a=1\"; if [ -n \"$FOO\" ]; then V=\"a\"; fi; apt-get install -y $V"
    );
    assert_clean!("DF012", "FROM x\nRUN case \"$(arch)\" in x86_64) P=gcc;; aarch64) P=clang;; esac; apt-get install -y $P");
    assert_finds!(
        "DF012",
        "FROM x\nRUN P=gcc; for i in 1 2; do echo $i; done; apt-get install -y $P",
        ["2:63-2:65"]
    );
    assert_finds!("DF010", "FROM x\nRUN << EOF\napk update\nEOF", ["3:1-3:11"]);
    // docker-node: a clearsigned list, grepped for the file's line.
    assert_clean!("DF023", "FROM x\nENV V=1\nRUN curl -fsSLO \"https://e.com/node-v$V.tar.xz\" && curl -fsSLO https://e.com/SUMS.asc && gpg --batch --decrypt --output SUMS SUMS.asc && grep \" node-v$V.tar.xz\\$\" SUMS | sha256sum -c -");
}
#[test]
fn pins_the_file_gives_values_for() {
    assert_finds!("DF022", "FROM x\nARG REF=main\nRUN git clone https://x.org/r.git /s && cd /s && git checkout \"$REF\"", ["3:5-3:34"]);
    assert_clean!("DF022", "FROM x\nARG REF=0e322af87745eff34caffe4df68456ebc20d9068\nRUN git clone https://x.org/r.git /s && cd /s && git checkout \"$REF\"");
    assert_clean!(
        "DF022",
        "FROM x\nRUN git clone https://x.org/r.git /s && cd /s && git checkout \"$REF\""
    );
    assert_finds!("DF022", "FROM x\nRUN git clone https://x.org/r.git /s && git -C /s checkout 0e322af87745eff34caffe4df68456ebc20d9068 -- README.md", ["2:5-2:34"]);
    assert_clean!("DF020", "FROM x\nADD https://github.com/o/r/archive/0e322af87745eff34caffe4df68456ebc20d9068.tar.gz /x");
    assert_finds!(
        "DF020",
        "FROM x\nARG C\nADD https://github.com/x/y.git#${C} /src",
        ["3:5-3:36"]
    );
    assert_finds!("DF010", "FROM x\nRUN echo \"deb http://snapshot.debian.org/archive/debian/$(date +%Y%m%dT000000Z) bookworm main\" > /etc/apt/sources.list && apt-get update", ["2:123-2:137"]);
}
