//! `--fix`, `--diff`, `--unsafe-fixes` and `--offline` against real
//! servers this test starts on loopback (tests/servers): the distribution
//! registry with images pushed by skopeo, with token and htpasswd
//! authentication; an HTTP server for `ADD --checksum`; git's smart HTTP
//! for action commits. The binary runs as a user runs it, with its own
//! HOME, so no Docker config of this machine is read.

mod servers;

use std::path::Path;
use std::process::Command;

use servers::{have, images, scratch, Auth, HttpServer, Registry, SigningKey};

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

fn repro_audit(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut command = Command::new(env!("CARGO_BIN_EXE_repro-audit"));
    command
        .current_dir(dir)
        .args(args)
        .env("HOME", dir.join(".home"))
        .env_remove("DOCKER_CONFIG")
        .env_remove("GITHUB_TOKEN")
        .env("NO_COLOR", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

fn write(dir: &Path, files: &[(&str, String)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

/// Every kind of file that names an image, one registry standing in for
/// Docker Hub (a configured mirror) and named by its own address too.
#[test]
fn fix_pins_every_image_to_its_index_digest_and_a_second_run_changes_nothing() {
    if !have(&["docker-registry", "skopeo"]) {
        return;
    }
    let images = images();
    let dir = scratch("pins");
    let registry = Registry::start(&dir, &images.storage, Auth::None);
    let host = registry.host();
    write(
        &dir,
        &[
            (
                ".repro-audit.toml",
                format!("[fix]\nregistry-mirrors = {{ \"docker.io\" = \"http://{host}\" }}\n"),
            ),
            (
                "Dockerfile",
                format!(
                    "FROM python:3.12-slim AS build\nFROM {host}/team/app:1.4\nFROM alpine\nFROM python:3.99-missing\nCOPY --from=build / /\n"
                ),
            ),
            (
                "compose.yaml",
                "services:\n  web:\n    image: \"python:3.12-slim\"\n  db:\n    image: alpine:3.20\n  cache:\n    image: ${CACHE:-alpine:3.20}\n".to_owned(),
            ),
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    container: python:3.12-slim\n    services:\n      db:\n        image: alpine:3.20\n    steps:\n      - uses: docker://alpine:3.20\n".to_owned(),
            ),
            (
                ".devcontainer/devcontainer.json",
                "{\n  // the dev image\n  \"image\": \"python:3.12-slim\",\n}\n".to_owned(),
            ),
            (".gitlab-ci.yml", "image: alpine:3.20\ntest:\n  script: [make]\n".to_owned()),
        ],
    );
    let python = format!("python:3.12-slim@{}", images.python_index);
    let alpine = format!("alpine:3.20@{}", images.alpine);

    // --diff writes nothing and exits 1.
    let before = read(&dir, "Dockerfile");
    let diff = repro_audit(&dir, &["--diff", "."], &[]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert_eq!(read(&dir, "Dockerfile"), before);
    assert!(diff.stdout.contains(&format!(
        "--- Dockerfile\n+++ Dockerfile\n@@ -1,5 +1,5 @@\n-FROM python:3.12-slim AS build\n-FROM {host}/team/app:1.4\n-FROM alpine\n+FROM {python} AS build\n+FROM {host}/team/app:1.4@{}\n+FROM alpine:latest@{}\n FROM python:3.99-missing\n",
        images.app, images.alpine_latest
    )), "{}", diff.stdout);
    assert!(
        diff.stderr
            .contains("Would fix 10 findings in 5 files; 1 could not be fixed."),
        "{}",
        diff.stderr
    );

    let fixed = repro_audit(&dir, &["--fix", "."], &[]);
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!(
            "FROM {python} AS build\nFROM {host}/team/app:1.4@{}\nFROM alpine:latest@{}\nFROM python:3.99-missing\nCOPY --from=build / /\n",
            images.app, images.alpine_latest
        )
    );
    // The index's digest, never one platform's manifest.
    assert!(!read(&dir, "Dockerfile").contains(&images.python_amd64));
    assert_eq!(
        read(&dir, "compose.yaml"),
        format!("services:\n  web:\n    image: \"{python}\"\n  db:\n    image: {alpine}\n  cache:\n    image: ${{CACHE:-alpine:3.20}}\n")
    );
    assert_eq!(
        read(&dir, ".github/workflows/ci.yml"),
        format!("on: push\njobs:\n  test:\n    runs-on: ubuntu-24.04\n    container: {python}\n    services:\n      db:\n        image: {alpine}\n    steps:\n      - uses: docker://{alpine}\n")
    );
    assert_eq!(
        read(&dir, ".devcontainer/devcontainer.json"),
        format!("{{\n  // the dev image\n  \"image\": \"{python}\",\n}}\n")
    );
    assert_eq!(
        read(&dir, ".gitlab-ci.yml"),
        format!("image: {alpine}\ntest:\n  script: [make]\n")
    );
    // What it fixed, what it could not and why, then what remains.
    assert!(
        fixed.stderr.contains(&format!(
            "fixed Dockerfile:1:6: DF002 `python:3.12-slim` → `{python}`\n"
        )),
        "{}",
        fixed.stderr
    );
    assert!(fixed.stderr.contains(
        &format!("not fixed Dockerfile:4:6: DF002 `python:3.99-missing`: docker.io (through http://{host}) has no tag `3.99-missing` for library/python\n")
    ), "{}", fixed.stderr);
    assert!(fixed
        .stderr
        .contains("Fixed 10 findings in 5 files; 1 could not be fixed."));
    assert_eq!(fixed.code, 1);
    assert!(
        fixed.stdout.contains("Dockerfile:4:6: warning[DF002]"),
        "{}",
        fixed.stdout
    );
    // Written with a variable: reported, not rewritten.
    assert!(
        fixed.stdout.contains("compose.yaml:7:12: warning[CP002]"),
        "{}",
        fixed.stdout
    );
    assert!(!fixed.stdout.contains("DF001"), "{}", fixed.stdout);

    // A second run changes nothing.
    let snapshot: Vec<String> = ["Dockerfile", "compose.yaml", ".github/workflows/ci.yml"]
        .iter()
        .map(|p| read(&dir, p))
        .collect();
    let again = repro_audit(&dir, &["--fix", "."], &[]);
    assert!(
        again
            .stderr
            .contains("Nothing was fixed; 1 could not be fixed."),
        "{}",
        again.stderr
    );
    let now: Vec<String> = ["Dockerfile", "compose.yaml", ".github/workflows/ci.yml"]
        .iter()
        .map(|p| read(&dir, p))
        .collect();
    assert_eq!(now, snapshot);
    // What could not be fixed keeps --diff from passing.
    assert_eq!(repro_audit(&dir, &["--diff", "."], &[]).code, 1);
}

/// The Bearer flow Docker Hub and GHCR use: a 401 naming a realm, a token
/// from it for the repository's scope, the request again with the token.
/// A Compose project's references are fixed in the file that writes
/// each: the override, an included file, a value after `!override`.
#[test]
fn compose_references_are_fixed_where_they_are_written() {
    if !have(&["docker-registry", "skopeo"]) {
        return;
    }
    let images = images();
    let dir = scratch("compose-project");
    let registry = Registry::start(&dir, &images.storage, Auth::None);
    let host = registry.host();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    write(
        &dir,
        &[
            (
                ".repro-audit.toml",
                format!("[fix]\nregistry-mirrors = {{ \"docker.io\" = \"http://{host}\" }}\n"),
            ),
            (
                "compose.yaml",
                "include:\n  - lib/db.yaml\nservices:\n  web:\n    image: !override alpine:3.20\n"
                    .to_owned(),
            ),
            (
                "compose.override.yaml",
                "services:\n  cache:\n    image: alpine:3.20\n".to_owned(),
            ),
            (
                "lib/db.yaml",
                "services:\n  db:\n    image: \"alpine:3.20\"\n".to_owned(),
            ),
        ],
    );
    let alpine = format!("alpine:3.20@{}", images.alpine);
    let fixed = repro_audit(&dir, &["--fix", "compose.yaml"], &[]);
    assert_eq!(fixed.code, 0, "{}{}", fixed.stdout, fixed.stderr);
    assert_eq!(
        read(&dir, "compose.yaml"),
        format!("include:\n  - lib/db.yaml\nservices:\n  web:\n    image: !override {alpine}\n")
    );
    assert_eq!(
        read(&dir, "compose.override.yaml"),
        format!("services:\n  cache:\n    image: {alpine}\n")
    );
    assert_eq!(
        read(&dir, "lib/db.yaml"),
        format!("services:\n  db:\n    image: \"{alpine}\"\n")
    );
}

#[test]
fn anonymous_bearer_tokens_from_the_registrys_realm() {
    if !have(&["docker-registry", "skopeo", "openssl"]) {
        return;
    }
    let images = images();
    let dir = scratch("bearer");
    let key = SigningKey::new(&dir);
    // Anyone may pull library/python; a logged-in user team/app too.
    let anonymous = key.token(&dir, "", &[("library/python", &["pull"])]);
    let tester = key.token(
        &dir,
        "tester",
        &[("library/python", &["pull"]), ("team/app", &["pull"])],
    );
    use base64::Engine as _;
    let login = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("tester:s3cret-pass")
    );
    let expected_login = login.clone();
    let issuer = HttpServer::start(Box::new(move |request| {
        let token = match request.header("authorization") {
            Some(given) if given == expected_login => &tester,
            Some(_) => return (401, Vec::new(), Vec::new()),
            None => &anonymous,
        };
        (
            200,
            vec![("Content-Type".into(), "application/json".into())],
            serde_json::json!({"token": token}).to_string().into_bytes(),
        )
    }));
    let registry = Registry::start(
        &dir,
        &images.storage,
        Auth::Token {
            realm: format!("{}/token", issuer.url()),
            bundle: &key.certificate,
        },
    );
    let host = registry.host();
    write(
        &dir,
        &[(
            "Dockerfile",
            format!("FROM {host}/library/python:3.12-slim\nFROM {host}/team/app:1.4\n"),
        )],
    );
    let fixed = repro_audit(&dir, &["--fix", "--no-config", "Dockerfile"], &[]);
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!(
            "FROM {host}/library/python:3.12-slim@{}\nFROM {host}/team/app:1.4\n",
            images.python_index
        ),
        "{}",
        fixed.stderr
    );
    // The token does not grant team/app: the registry says no, and that
    // reference stays as it was.
    assert!(fixed.stderr.contains(&format!(
        "not fixed Dockerfile:2:6: DF002 `{host}/team/app:1.4`: {host} refused access to team/app (401); no credentials for it in the Docker config"
    )), "{}", fixed.stderr);
    let asked: Vec<String> = issuer.requests().iter().map(|r| r.target.clone()).collect();
    assert!(
        asked.iter().any(|t| t.starts_with("/token?")
            && t.contains("scope=repository%3Alibrary%2Fpython%3Apull")
            && t.contains(&format!("service={}", servers::SERVICE))),
        "{asked:?}"
    );
    // Anonymous: no credentials were sent.
    assert!(issuer
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));

    // Logged in (the Docker config's `auths`): the token server gets the
    // credentials, and its token grants team/app too.
    let config = dir.join("docker-config");
    let auth = base64::engine::general_purpose::STANDARD.encode("tester:s3cret-pass");
    write(
        &config,
        &[(
            "config.json",
            serde_json::json!({"auths": {host.clone(): {"auth": auth}}}).to_string(),
        )],
    );
    let logged_in = repro_audit(
        &dir,
        &["--fix", "--no-config", "Dockerfile"],
        &[("DOCKER_CONFIG", config.to_str().unwrap())],
    );
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!(
            "FROM {host}/library/python:3.12-slim@{}\nFROM {host}/team/app:1.4@{}\n",
            images.python_index, images.app
        ),
        "{}",
        logged_in.stderr
    );
    assert!(issuer.requests().iter().any(|r| {
        r.header("authorization") == Some(login.as_str()) && r.target.contains("account=tester")
    }));
}

/// htpasswd: no credentials is a clear refusal; credentials from a Docker
/// config (`auths`), or from a credential helper (`credHelpers`), work.
#[test]
fn credentials_from_the_docker_config_and_its_helpers() {
    if !have(&["docker-registry", "skopeo"]) {
        return;
    }
    let images = images();
    let dir = scratch("htpasswd");
    let htpasswd = dir.join("htpasswd");
    std::fs::write(
        &htpasswd,
        "tester:$2b$04$H5sl/DvPRWiVCFhS8oKzCOXWa8d4nHuusOHCcxFDsFzss4KJp8ot2\n",
    )
    .unwrap();
    let registry = Registry::start(&dir, &images.storage, Auth::Htpasswd(&htpasswd));
    let host = registry.host();
    let dockerfile = format!("FROM {host}/library/alpine:3.20\n");
    let pinned = format!("FROM {host}/library/alpine:3.20@{}\n", images.alpine);
    write(&dir, &[("Dockerfile", dockerfile.clone())]);

    let refused = repro_audit(&dir, &["--fix", "Dockerfile"], &[]);
    assert_eq!(read(&dir, "Dockerfile"), dockerfile);
    assert!(refused.stderr.contains(&format!(
        "not fixed Dockerfile:1:6: DF002 `{host}/library/alpine:3.20`: {host} wants a user name and password, and the Docker config has none for it"
    )), "{}", refused.stderr);

    // `auths` in $DOCKER_CONFIG/config.json.
    let config = dir.join("docker-config");
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode("tester:s3cret-pass");
    write(
        &config,
        &[(
            "config.json",
            serde_json::json!({"auths": {host.clone(): {"auth": auth}}}).to_string(),
        )],
    );
    let with_config = repro_audit(
        &dir,
        &["--fix", "Dockerfile"],
        &[("DOCKER_CONFIG", config.to_str().unwrap())],
    );
    assert_eq!(read(&dir, "Dockerfile"), pinned, "{}", with_config.stderr);

    // A mirror named by the project's configuration is sent the mirror's
    // own credentials, never Docker Hub's.
    let hub_only = dir.join("hub-config");
    write(
        &hub_only,
        &[(
            "config.json",
            serde_json::json!({"auths": {"https://index.docker.io/v1/": {"auth": auth}}})
                .to_string(),
        )],
    );
    write(
        &dir,
        &[
            ("Dockerfile", "FROM alpine:3.20\n".to_owned()),
            (
                ".repro-audit.toml",
                format!("[fix]\nregistry-mirrors = {{ \"docker.io\" = \"http://{host}\" }}\n"),
            ),
        ],
    );
    let mirrored = repro_audit(
        &dir,
        &["--fix", "Dockerfile"],
        &[("DOCKER_CONFIG", hub_only.to_str().unwrap())],
    );
    assert_eq!(
        read(&dir, "Dockerfile"),
        "FROM alpine:3.20\n",
        "{}",
        mirrored.stderr
    );
    assert!(mirrored.stderr.contains(&format!(
        "docker.io (through http://{host}) wants a user name and password, and the Docker config has none for it"
    )), "{}", mirrored.stderr);
    std::fs::remove_file(dir.join(".repro-audit.toml")).unwrap();

    // `credHelpers`: docker-credential-<name> get, in ~/.docker.
    write(&dir, &[("Dockerfile", dockerfile.clone())]);
    let bin = dir.join("bin");
    write(
        &bin,
        &[(
            "docker-credential-test",
            format!(
                "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = \"{host}\" ] || exit 1\necho '{{\"ServerURL\":\"{host}\",\"Username\":\"tester\",\"Secret\":\"s3cret-pass\"}}'\n"
            ),
        )],
    );
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        bin.join("docker-credential-test"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    write(
        &dir,
        &[(
            ".home/.docker/config.json",
            serde_json::json!({"credHelpers": {host.clone(): "test"}}).to_string(),
        )],
    );
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let with_helper = repro_audit(&dir, &["--fix", "Dockerfile"], &[("PATH", &path)]);
    assert_eq!(read(&dir, "Dockerfile"), pinned, "{}", with_helper.stderr);

    // `credsStore`: the same helper for every registry.
    write(
        &dir,
        &[
            ("Dockerfile", dockerfile.clone()),
            (
                ".home/.docker/config.json",
                serde_json::json!({"credsStore": "test"}).to_string(),
            ),
        ],
    );
    let with_store = repro_audit(&dir, &["--fix", "Dockerfile"], &[("PATH", &path)]);
    assert_eq!(read(&dir, "Dockerfile"), pinned, "{}", with_store.stderr);
}

/// DF020: the URL downloaded once, its sha256 written as `--checksum`.
#[test]
fn add_gets_the_checksum_of_what_its_url_serves() {
    let payload: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let served = payload.clone();
    let server = HttpServer::start(Box::new(move |request| match request.target.as_str() {
        "/tool-1.0.tar.gz" => (200, Vec::new(), served.clone()),
        "/moved" => (
            302,
            vec![("Location".into(), "/tool-1.0.tar.gz".into())],
            Vec::new(),
        ),
        _ => (404, Vec::new(), b"no".to_vec()),
    }));
    let url = server.url();
    let dir = scratch("checksum");
    let dockerfile = format!(
        "FROM scratch\nADD {url}/tool-1.0.tar.gz /opt/\nADD --chown=1:1 {url}/moved /opt/b\nADD {url}/gone /opt/c\nADD {url}/tool-1.0.tar.gz {url}/moved /opt/d/\n"
    );
    write(&dir, &[("Dockerfile", dockerfile)]);
    let fixed = repro_audit(&dir, &["--fix", "--select", "DF020", "Dockerfile"], &[]);
    let sum = format!("sha256:{}", servers::sha256(&payload));
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!(
            "FROM scratch\nADD --checksum={sum} {url}/tool-1.0.tar.gz /opt/\nADD --chown=1:1 --checksum={sum} {url}/moved /opt/b\nADD {url}/gone /opt/c\nADD {url}/tool-1.0.tar.gz {url}/moved /opt/d/\n"
        ),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed.stderr.contains(&format!(
            "not fixed Dockerfile:4:5: DF020 `{url}/gone`: the server answered HTTP 404"
        )),
        "{}",
        fixed.stderr
    );
    // Downloaded once for the two findings that name it.
    let downloads = server
        .requests()
        .iter()
        .filter(|r| r.target == "/tool-1.0.tar.gz")
        .count();
    assert_eq!(downloads, 2, "once directly, once through the redirect");
}

/// GH001: the tag's commit through git's smart HTTP (`git http-backend`),
/// an annotated tag peeled to its commit, the tag kept as a comment.
#[test]
fn actions_are_pinned_to_the_commit_their_tag_names() {
    if !have(&["git"]) {
        return;
    }
    let dir = scratch("actions");
    let (commit, tag_object) = servers::git_repository(&dir, "acme/setup-thing");
    assert_ne!(commit, tag_object);
    let server = servers::git_server(&dir);
    let project = dir.join("project");
    write(
        &project,
        &[
            (
                ".repro-audit.toml",
                format!("[fix]\ngithub-url = \"{}\"\n", server.url()),
            ),
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: acme/setup-thing@v4\n      - uses: \"acme/setup-thing/sub@v1.2\"  # the sub-action\n      - {uses: acme/setup-thing@main}\n      - uses: acme/setup-thing@v9\n      - uses: acme/absent@v1\n".to_owned(),
            ),
        ],
    );
    // $GITHUB_TOKEN is GitHub's: never sent to a server the project's
    // configuration names.
    let fixed = repro_audit(&project, &["--fix", "."], &[("GITHUB_TOKEN", "ghs_secret")]);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
    assert_eq!(
        read(&project, ".github/workflows/ci.yml"),
        format!(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: acme/setup-thing@{commit} # v4\n      - uses: \"acme/setup-thing/sub@{commit}\" # v1.2  # the sub-action\n      - {{uses: acme/setup-thing@{commit}}}\n      - uses: acme/setup-thing@v9\n      - uses: acme/absent@v1\n"
        ),
        "{}",
        fixed.stderr
    );
    assert!(fixed.stderr.contains(
        "not fixed .github/workflows/ci.yml:9:15: GH001 `acme/setup-thing@v9`: acme/setup-thing has no tag or branch `v9`"
    ), "{}", fixed.stderr);
    assert!(fixed.stderr.contains("not fixed .github/workflows/ci.yml:10:15: GH001 `acme/absent@v1`: no repository acme/absent at"), "{}", fixed.stderr);
    // An alias is fixed where its anchor is (and is no failure); a block
    // scalar's tag goes after its indicator; a tag said already is kept.
    write(
        &project,
        &[(
            ".github/workflows/more.yml",
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: &setup acme/setup-thing@v4\n      - uses: *setup\n      - uses: >-\n          acme/setup-thing@v1.2\n      - uses: acme/setup-thing@main # main\n".to_owned(),
        )],
    );
    let more = repro_audit(&project, &["--fix", ".github/workflows/more.yml"], &[]);
    assert_eq!(
        read(&project, ".github/workflows/more.yml"),
        format!(
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: &setup acme/setup-thing@{commit} # v4\n      - uses: *setup\n      - uses: >- # v1.2\n          acme/setup-thing@{commit}\n      - uses: acme/setup-thing@{commit} # main\n"
        ),
        "{}",
        more.stderr
    );
    assert!(!more.stderr.contains("not fixed"), "{}", more.stderr);

    // Each distinct reference is looked up once per run: four in the
    // first run (v4, v1.2, main, v9), three in the second.
    let asked = server
        .requests()
        .iter()
        .filter(|r| r.target.starts_with("/acme/setup-thing.git/info/refs"))
        .count();
    assert_eq!(asked, 7);
}

/// DF014's fixes are unsafe: shown by --diff only with --unsafe-fixes,
/// made with --fix --unsafe-fixes, and --offline keeps them (they need no
/// network) while leaving out the lookups.
#[test]
fn unsafe_and_offline_fixes() {
    let dir = scratch("unsafe");
    let dockerfile = "FROM node:20\nCOPY . .\nRUN npm install && yarn install && \\\n    cargo build --release && uv sync --no-dev && pnpm i && bundle install\nRUN [\"npm\", \"install\"]\nRUN [\"cargo\", \"build\"]\n";
    write(&dir, &[("Dockerfile", dockerfile.to_owned())]);
    let safe_only = repro_audit(&dir, &["--diff", "--offline", "Dockerfile"], &[]);
    assert_eq!(safe_only.code, 0);
    assert_eq!(safe_only.stdout, "");
    assert!(safe_only.stderr.contains(
        "Nothing would be fixed. 7 more unsafe fixes with `--unsafe-fixes`. 1 fix needs the network (left out by `--offline`)."
    ), "{}", safe_only.stderr);

    let fixed = repro_audit(
        &dir,
        &["--fix", "--unsafe-fixes", "--offline", "Dockerfile"],
        &[],
    );
    assert_eq!(
        read(&dir, "Dockerfile"),
        "FROM node:20\nCOPY . .\nRUN npm ci && yarn install --frozen-lockfile && \\\n    cargo build --locked --release && uv sync --locked --no-dev && pnpm i --frozen-lockfile && bundle install --frozen\nRUN [\"npm\", \"ci\"]\nRUN [\"cargo\", \"build\"]\n",
        "{}",
        fixed.stderr
    );
    // In the exec form a subcommand can be renamed, but an option cannot
    // be added inside its JSON string: that one is still reported.
    assert!(
        fixed.stdout.contains("Dockerfile:6:7: warning[DF014]"),
        "{}",
        fixed.stdout
    );

    // No option that contradicts what the command says it does; Yarn 2
    // told by its options; a .yarnrc.yml removed is not one copied in.
    write(
        &dir,
        &[(
            "Dockerfile",
            "FROM node:20\nRUN npm install --no-package-lock && pnpm install --lockfile-only && npm install\nRUN yarn install --mode=skip-build\nRUN rm .yarnrc.yml && yarn install\n".to_owned(),
        )],
    );
    repro_audit(
        &dir,
        &["--fix", "--unsafe-fixes", "--offline", "Dockerfile"],
        &[],
    );
    assert_eq!(
        read(&dir, "Dockerfile"),
        "FROM node:20\nRUN npm install --no-package-lock && pnpm install --lockfile-only && npm ci\nRUN yarn install --immutable --mode=skip-build\nRUN rm .yarnrc.yml && yarn install --frozen-lockfile\n"
    );

    // Yarn 2 and later, when the file says so.
    write(
        &dir,
        &[(
            "Dockerfile",
            "FROM node:20\nRUN corepack enable && corepack prepare yarn@4.5.0 --activate\nRUN yarn install\n".to_owned(),
        )],
    );
    repro_audit(
        &dir,
        &["--fix", "--unsafe-fixes", "--offline", "Dockerfile"],
        &[],
    );
    assert!(read(&dir, "Dockerfile").ends_with("RUN yarn install --immutable\n"));
}

/// A registry that is not there: the reference stays, the reason is given,
/// and the other fixes are made.
#[test]
fn an_unreachable_registry_leaves_its_references_and_the_rest_is_fixed() {
    let dir = scratch("unreachable");
    let port = servers::free_port();
    write(
        &dir,
        &[(
            "Dockerfile",
            format!("FROM 127.0.0.1:{port}/app:1\nRUN cargo build\n"),
        )],
    );
    let fixed = repro_audit(&dir, &["--fix", "--unsafe-fixes", "Dockerfile"], &[]);
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!("FROM 127.0.0.1:{port}/app:1\nRUN cargo build --locked\n")
    );
    assert!(
        fixed
            .stderr
            .contains(&format!("not fixed: registry 127.0.0.1:{port} unreachable")),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed
            .stderr
            .contains("(1 fix held up); `--offline` leaves out what needs the network"),
        "{}",
        fixed.stderr
    );
}

/// The file is replaced whole and atomically: its permissions and its
/// line endings stay; a file with a syntax error is never touched.
#[test]
fn rewrites_keep_permissions_and_line_endings_and_skip_broken_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = scratch("atomic");
    write(
        &dir,
        &[
            (
                "Dockerfile",
                "FROM node:20\r\nRUN npm install\r\n".to_owned(),
            ),
            // An unknown instruction: a syntax error.
            (
                "broken/Dockerfile",
                "FROM node:20\nRUN npm install\nFROMM x\n".to_owned(),
            ),
        ],
    );
    std::fs::set_permissions(
        dir.join("Dockerfile"),
        std::fs::Permissions::from_mode(0o640),
    )
    .unwrap();
    let broken = read(&dir, "broken/Dockerfile");
    let fixed = repro_audit(&dir, &["--fix", "--unsafe-fixes", "--offline", "."], &[]);
    assert_eq!(read(&dir, "Dockerfile"), "FROM node:20\r\nRUN npm ci\r\n");
    let mode = std::fs::metadata(dir.join("Dockerfile"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(read(&dir, "broken/Dockerfile"), broken);
    assert_eq!(fixed.code, 2, "{}", fixed.stderr);

    // A read-only file is not rewritten, and says so; a file with a second
    // hard link is rewritten in place, so both names see the fix.
    write(
        &dir,
        &[
            (
                "ro/Dockerfile",
                "FROM node:20\nRUN npm install\n".to_owned(),
            ),
            (
                "linked/Dockerfile",
                "FROM node:20\nRUN npm install\n".to_owned(),
            ),
        ],
    );
    std::fs::set_permissions(
        dir.join("ro/Dockerfile"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    std::fs::hard_link(dir.join("linked/Dockerfile"), dir.join("linked-copy")).unwrap();
    let fixed = repro_audit(
        &dir,
        &[
            "--fix",
            "--unsafe-fixes",
            "--offline",
            "ro/Dockerfile",
            "linked/Dockerfile",
        ],
        &[],
    );
    assert_eq!(
        read(&dir, "ro/Dockerfile"),
        "FROM node:20\nRUN npm install\n"
    );
    assert!(
        fixed.stderr.contains(
            "error: ro/Dockerfile: not fixed: could not be written: the file is read-only"
        ),
        "{}",
        fixed.stderr
    );
    assert_eq!(fixed.code, 2);
    assert_eq!(read(&dir, "linked-copy"), "FROM node:20\nRUN npm ci\n");

    // A name that is not UTF-8 (shown lossily) is still the file written.
    use std::os::unix::ffi::OsStrExt as _;
    let odd = dir.join("odd");
    std::fs::create_dir_all(&odd).unwrap();
    let name = odd.join(std::ffi::OsStr::from_bytes(b"a\xff.Dockerfile"));
    std::fs::write(&name, "FROM node:20\nRUN npm install\n").unwrap();
    let fixed = repro_audit(&odd, &["--fix", "--unsafe-fixes", "--offline", "."], &[]);
    assert_eq!(
        std::fs::read_to_string(&name).unwrap(),
        "FROM node:20\nRUN npm ci\n",
        "{}",
        fixed.stderr
    );
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

/// NX005 (unsafe): the suggested `follows` line written into flake.nix in
/// its own style; with `--offline` the user is told to relock, without it
/// `nix flake lock` runs and the duplicate leaves flake.lock. Real Nix makes
/// the lock, from `path:` flakes on this machine.
#[test]
fn follows_lines_are_added_and_the_flake_relocked() {
    if !have(&["nix"]) {
        return;
    }
    let dir = scratch("follows");
    let (a, b) = (dir.join("a"), dir.join("b"));
    write(
        &dir,
        &[
            ("b/flake.nix", "{ outputs = _: { }; }\n".to_owned()),
            (
                "a/flake.nix",
                format!("{{ inputs.b.url = \"path:{}\"; outputs = _: {{ }}; }}\n", b.display()),
            ),
            (
                "root/flake.nix",
                format!(
                    "{{\n  inputs = {{\n    a.url = \"path:{}\";\n    b.url = \"path:{}\";\n  }};\n  outputs = _: {{ }};\n}}\n",
                    a.display(),
                    b.display()
                ),
            ),
        ],
    );
    let root = dir.join("root");
    let nix = |args: &[&str]| {
        let output = Command::new("nix")
            .args([
                "--extra-experimental-features",
                "nix-command flakes",
                "flake",
                "lock",
            ])
            .args(args)
            .current_dir(&root)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    nix(&[]);
    // b changes and only the root's copy is updated: a's stays behind.
    write(
        &dir,
        &[("b/flake.nix", "{ outputs = _: { x = 1; }; }\n".to_owned())],
    );
    nix(&["--update-input", "b"]);
    let lock = read(&root, "flake.lock");
    let audit = repro_audit(&root, &["--select", "NX005", "."], &[]);
    assert!(
        audit
            .stdout
            .contains("warning[NX005] input `a/b` locks a second copy"),
        "{}",
        audit.stdout
    );

    // Safe fixes only: nothing. Without nix to relock, the follows line
    // is not written either: alone it would leave the lock stale (NX003).
    let original = read(&root, "flake.nix");
    let no_nix = repro_audit(
        &root,
        &["--fix", "--unsafe-fixes", "--select", "NX005", "."],
        &[("PATH", "/nonexistent")],
    );
    assert_eq!(read(&root, "flake.nix"), original);
    assert_eq!(read(&root, "flake.lock"), lock);
    assert_eq!(no_nix.code, 2, "{}", no_nix.stderr);
    assert!(
        no_nix.stderr.contains("error: flake.nix: not fixed: its `follows` line needs `nix flake lock` to bring flake.lock in line, and `nix` is not on PATH; nothing written"),
        "{}",
        no_nix.stderr
    );
    // --offline: the line, and the lock brought in line without the
    // network (the input it follows is locked already).
    let safe = repro_audit(&root, &["--fix", "--select", "NX005", "."], &[]);
    assert!(
        safe.stderr
            .contains("Nothing was fixed. 1 more unsafe fix with `--unsafe-fixes`."),
        "{}",
        safe.stderr
    );
    let offline = repro_audit(
        &root,
        &[
            "--fix",
            "--unsafe-fixes",
            "--offline",
            "--select",
            "NX005",
            ".",
        ],
        &[],
    );
    let expected = format!(
        "{{\n  inputs = {{\n    a.url = \"path:{}\";\n    a.inputs.b.follows = \"b\";\n    b.url = \"path:{}\";\n  }};\n  outputs = _: {{ }};\n}}\n",
        a.display(),
        b.display()
    );
    assert_eq!(read(&root, "flake.nix"), expected, "{}", offline.stderr);
    assert_ne!(read(&root, "flake.lock"), lock);
    assert!(
        offline
            .stderr
            .contains("fixed flake.nix:4:5: NX005 added `a.inputs.b.follows = \"b\";`"),
        "{}",
        offline.stderr
    );
    assert!(
        offline.stderr.contains("ran `nix flake lock` in ."),
        "{}",
        offline.stderr
    );
    assert!(
        !offline.stdout.contains("NX003") && !offline.stdout.contains("NX005"),
        "{}",
        offline.stdout
    );

    // Without --offline, Nix relocks and the duplicate is gone.
    std::fs::write(root.join("flake.lock"), &lock).unwrap();
    write(
        &dir,
        &[(
            "root/flake.nix",
            format!(
                "{{\n  inputs = {{\n    a.url = \"path:{}\";\n    b.url = \"path:{}\";\n  }};\n  outputs = _: {{ }};\n}}\n",
                a.display(),
                b.display()
            ),
        )],
    );
    let fixed = repro_audit(
        &root,
        &["--fix", "--unsafe-fixes", "--select", "NX", "."],
        &[],
    );
    assert_eq!(read(&root, "flake.nix"), expected);
    assert!(
        fixed.stderr.contains("ran `nix flake lock` in ."),
        "{}",
        fixed.stderr
    );
    assert!(
        !fixed.stdout.contains("NX005") && !fixed.stdout.contains("NX003"),
        "{}",
        fixed.stdout
    );
    let relocked: serde_json::Value = serde_json::from_str(&read(&root, "flake.lock")).unwrap();
    assert_eq!(
        relocked["nodes"]["a"]["inputs"]["b"],
        serde_json::json!(["b"])
    );
}

/// The README's `--diff` and `--fix` examples are real: run on a copy of
/// the example project, a registry standing in for Docker Hub with its
/// images under the same names (through `[fix] registry-mirrors`).
#[test]
fn readme_fix_examples_are_real_output() {
    if !have(&["docker-registry", "skopeo"]) {
        return;
    }
    let images = images();
    let dir = scratch("readme");
    let registry = Registry::start(&dir, &images.storage, Auth::None);
    let project = dir.join("fortune-cat");
    let fixture = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/fortune-cat");
    std::fs::create_dir_all(&project).unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), project.join(entry.file_name())).unwrap();
    }
    write(
        &project,
        &[(
            ".repro-audit.toml",
            format!(
                "[fix]\nregistry-mirrors = {{ \"docker.io\" = \"http://{}\" }}\n",
                registry.host()
            ),
        )],
    );
    let readme = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md"),
    )
    .unwrap();
    let mut lines = readme.lines();
    let mut checked = 0;
    while let Some(line) = lines.next() {
        if line != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        let Some(command) = block
            .first()
            .and_then(|l| l.strip_prefix("$ cd fixtures/fortune-cat && repro-audit "))
        else {
            continue;
        };
        let expected = block[1..].join("\n") + "\n";
        let args: Vec<&str> = command.split_whitespace().collect();
        let outcome = repro_audit(&project, &args, &[]);
        // In the order a terminal shows them: the diff before its summary;
        // what was fixed before the report of what remains.
        let shown = if args.contains(&"--diff") {
            outcome.stdout + &outcome.stderr
        } else {
            outcome.stderr + &outcome.stdout
        };
        assert_eq!(shown, expected, "README example `{command}`:\n{shown}");
        checked += 1;
    }
    assert_eq!(checked, 2, "the README shows --diff and --fix");
}

/// A registry that accepts connections and never answers: each request
/// ends at `[fix] timeout`, the reference stays, and the run ends.
#[test]
fn a_registry_that_never_answers_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let dir = scratch("silent");
    write(
        &dir,
        &[
            (".repro-audit.toml", "[fix]\ntimeout = 1\n".to_owned()),
            ("Dockerfile", format!("FROM 127.0.0.1:{port}/app:1\n")),
        ],
    );
    let started = std::time::Instant::now();
    let fixed = repro_audit(&dir, &["--fix", "Dockerfile"], &[]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!("FROM 127.0.0.1:{port}/app:1\n")
    );
    assert!(
        fixed.stderr.contains(&format!(
            "not fixed: registry 127.0.0.1:{port} unreachable: timed out (1 fix held up)"
        )),
        "{}",
        fixed.stderr
    );
}

/// Standard input: `--fix` prints the fixed text (as ruff does, for
/// editors) and exits 1 only when a finding is left; `--diff` shows it.
#[test]
fn standard_input_is_fixed_to_standard_output() {
    let dir = scratch("stdin");
    let run_with = |args: &[&str], input: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_repro-audit"))
            .current_dir(&dir)
            .args(args)
            .env("HOME", &dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child.stdin.take().unwrap().write_all(input).unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let dockerfile: &[u8] =
        b"FROM node:20@sha256:0000000000000000000000000000000000000000000000000000000000000000\nRUN npm install\n";
    let run = |args: &[&str]| run_with(args, dockerfile);
    let (code, stdout, stderr) = run(&["--fix", "--unsafe-fixes", "-"]);
    assert_eq!(
        stdout,
        "FROM node:20@sha256:0000000000000000000000000000000000000000000000000000000000000000\nRUN npm ci\n",
        "{stderr}"
    );
    assert_eq!(code, 0);
    // A Dockerfile of that name in the directory is not touched.
    assert!(!dir.join("Dockerfile").exists());
    let (code, stdout, _) = run(&["--fix", "-"]);
    assert_eq!(code, 1, "the unsafe fix was not made: DF014 remains");
    assert!(stdout.ends_with("RUN npm install\n"));
    let (code, stdout, _) = run(&["--diff", "--unsafe-fixes", "-"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("-RUN npm install\n+RUN npm ci\n"),
        "{stdout}"
    );
    // Clean, or not parsable: printed back as it came, the error said.
    let (code, stdout, _) = run_with(&["--fix", "-"], b"FROM scratch\n");
    assert_eq!((code, stdout.as_str()), (0, "FROM scratch\n"));
    let (code, stdout, stderr) = run_with(&["--fix", "-"], b"FROM a b\n");
    assert_eq!((code, stdout.as_str()), (2, "FROM a b\n"));
    assert!(stderr.contains("error: Dockerfile:1:1:"), "{stderr}");
    // Its kind comes from the whole name, as a walked file's would.
    let workflow = b"on: push\njobs:\n  a:\n    runs-on: x\n    container: node:20\n    steps:\n      - run: make\n";
    let (_, _, stderr) = run_with(
        &[
            "--diff",
            "--offline",
            "--stdin-filename",
            ".github/workflows/ci.yml",
            "-",
        ],
        workflow,
    );
    assert!(stderr.contains("1 fix needs the network"), "{stderr}");
}

/// A credential helper that never answers is stopped at `[fix] timeout`,
/// asked once for its registry, and the reference stays; what it started
/// is killed with it (it runs in a process group of its own).
#[test]
fn a_credential_helper_that_hangs_is_stopped() {
    let registry = HttpServer::start(Box::new(|_| {
        (
            401,
            vec![("WWW-Authenticate".into(), "Basic realm=\"test\"".into())],
            Vec::new(),
        )
    }));
    let host = format!("127.0.0.1:{}", registry.port);
    let dir = scratch("hanging-helper");
    let pid_file = dir.join("helper-child.pid");
    write(
        &dir,
        &[
            (".repro-audit.toml", "[fix]\ntimeout = 1\n".to_owned()),
            ("Dockerfile", format!("FROM {host}/a:1\nFROM {host}/b:1\n")),
            (
                ".home/.docker/config.json",
                r#"{"credsStore": "hang"}"#.to_owned(),
            ),
            (
                "bin/docker-credential-hang",
                format!(
                    "#!/bin/sh\nsleep 300 &\necho $! > '{}'\nsleep 30\n",
                    pid_file.display()
                ),
            ),
        ],
    );
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        dir.join("bin/docker-credential-hang"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = std::time::Instant::now();
    let fixed = repro_audit(&dir, &["--fix", "Dockerfile"], &[("PATH", &path)]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(
        fixed.stderr.contains(&format!(
            "not fixed Dockerfile:1:6: DF002 `{host}/a:1`: credential helper `docker-credential-hang`: still running after 1 s"
        )),
        "{}",
        fixed.stderr
    );
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!("FROM {host}/a:1\nFROM {host}/b:1\n")
    );
    // The helper's own child is gone too (a generous bound: the group is
    // killed when the helper is).
    let child: i32 = read(&dir, "helper-child.pid").trim().parse().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !gone(child) {
        assert!(
            std::time::Instant::now() < deadline,
            "the helper's child {child} outlived it"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Whether process `pid` is gone: no such process, or a zombie waiting for
/// its new parent to reap it.
fn gone(pid: i32) -> bool {
    // SAFETY: signal 0 only asks whether the process exists.
    if unsafe { libc::kill(pid, 0) } != 0 {
        return true;
    }
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            stat.rsplit_once(") ")
                .is_some_and(|(_, rest)| rest.starts_with('Z'))
        })
        .unwrap_or(true)
}

/// HTTPS, as every public registry speaks it: the machine's trusted
/// authorities decide (here one the test made, trusted through
/// `SSL_CERT_FILE`); an unknown authority is a clear refusal.
#[test]
fn registries_over_https_are_trusted_as_the_machine_trusts() {
    if !have(&["docker-registry", "skopeo", "openssl"]) {
        return;
    }
    let images = images();
    let dir = scratch("https");
    let (authority, certificate, key) = servers::tls_certificates(&dir);
    let registry = Registry::start_tls(&dir, &images.storage, &certificate, &key);
    let reference = format!("localhost:{}/library/alpine:3.20", registry.port);
    write(&dir, &[("Dockerfile", format!("FROM {reference}\n"))]);
    let untrusted = repro_audit(&dir, &["--fix", "--no-config", "Dockerfile"], &[]);
    assert_eq!(read(&dir, "Dockerfile"), format!("FROM {reference}\n"));
    assert!(
        untrusted.stderr.contains(&format!(
            "not fixed: registry localhost:{} unreachable:",
            registry.port
        )) && untrusted.stderr.to_lowercase().contains("certificate"),
        "{}",
        untrusted.stderr
    );
    let trusted = repro_audit(
        &dir,
        &["--fix", "--no-config", "Dockerfile"],
        &[("SSL_CERT_FILE", authority.to_str().unwrap())],
    );
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!("FROM {reference}@{}\n", images.alpine),
        "{}",
        trusted.stderr
    );
}

/// A registry that sends no `Docker-Content-Digest` (or refuses HEAD) is
/// asked with GET and the manifest hashed; one whose header does not match
/// the body it sent is not believed.
#[test]
fn manifests_are_hashed_when_the_registry_gives_no_digest() {
    let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.to_vec();
    let digest = format!("sha256:{}", servers::sha256(&manifest));
    let served = manifest.clone();
    let registry = HttpServer::start(Box::new(move |request| {
        let index = (
            "Content-Type".to_owned(),
            "application/vnd.oci.image.index.v1+json".to_owned(),
        );
        match (request.method.as_str(), request.target.as_str()) {
            // No digest in the answer to HEAD.
            ("HEAD", "/v2/plain/manifests/1") => (200, vec![index], served.clone()),
            ("GET", "/v2/plain/manifests/1") => (200, vec![index], served.clone()),
            // HEAD refused.
            ("HEAD", "/v2/nohead/manifests/1") => (405, Vec::new(), Vec::new()),
            ("GET", "/v2/nohead/manifests/1") => (200, vec![index], served.clone()),
            // A digest that is not the body's.
            ("HEAD", "/v2/liar/manifests/1") => (200, vec![index], Vec::new()),
            ("GET", "/v2/liar/manifests/1") => (
                200,
                vec![
                    index,
                    (
                        "Docker-Content-Digest".to_owned(),
                        format!("sha256:{}", "a".repeat(64)),
                    ),
                ],
                served.clone(),
            ),
            _ => (404, Vec::new(), Vec::new()),
        }
    }));
    let host = format!("127.0.0.1:{}", registry.port);
    let dir = scratch("no-digest");
    write(
        &dir,
        &[(
            "Dockerfile",
            format!("FROM {host}/plain:1\nFROM {host}/nohead:1\nFROM {host}/liar:1\n"),
        )],
    );
    let fixed = repro_audit(&dir, &["--fix", "--no-config", "Dockerfile"], &[]);
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!(
            "FROM {host}/plain:1@{digest}\nFROM {host}/nohead:1@{digest}\nFROM {host}/liar:1\n"
        ),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed.stderr.contains(&format!(
            "not fixed Dockerfile:3:6: DF002 `{host}/liar:1`: {host} sent a manifest whose digest is {digest}, not the sha256:{} it claims",
            "a".repeat(64)
        )),
        "{}",
        fixed.stderr
    );
}

/// A digest a small registry below answers with.
fn fake_digest(seed: char) -> String {
    format!("sha256:{}", seed.to_string().repeat(64))
}

/// The answer a registry gives a manifest request it grants: an index's
/// digest.
fn manifest_answer(digest: &str) -> servers::Response {
    (
        200,
        vec![
            (
                "Content-Type".into(),
                "application/vnd.oci.image.index.v1+json".into(),
            ),
            ("Docker-Content-Digest".into(), digest.to_owned()),
        ],
        Vec::new(),
    )
}

/// A Docker config in `dir` holding `user:secret` for each of `hosts`.
fn docker_config(dir: &Path, hosts: &[&str], user: &str, secret: &str) -> std::path::PathBuf {
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
    let auths: serde_json::Map<String, serde_json::Value> = hosts
        .iter()
        .map(|host| ((*host).to_owned(), serde_json::json!({ "auth": auth })))
        .collect();
    let config = dir.join("docker-config");
    write(
        &config,
        &[(
            "config.json",
            serde_json::json!({ "auths": auths }).to_string(),
        )],
    );
    config
}

/// Whether any request `server` received carries the user's credentials:
/// Basic authentication, a token granted for them (`Bearer granted`
/// below), or the user's name in the query. (A token another server
/// handed out anonymously is no credential of the user's.)
fn saw_credentials(server: &HttpServer, user: &str) -> bool {
    server.requests().iter().any(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("Basic") || a == "Bearer granted")
            || r.target.contains(user)
    })
}

/// A registry that redirects to another host must not make that host — or
/// the token realm that host names — receive the registry's credentials
/// (issue 20: 127.0.0.1:5002 redirecting to `vm:5003`, whose 401 named a
/// realm that received 5002's user). Distinct loopback addresses are
/// distinct hosts. Three ways: the redirected-to host's own challenge; a
/// token realm that redirects; a Basic-authenticated request redirected.
#[test]
fn credentials_never_reach_a_host_a_registry_redirects_to() {
    let dir = scratch("redirects");
    let digest = fake_digest('d');

    // The realm the other host names, which hands out a token to anyone.
    let foreign_realm = HttpServer::start(Box::new(|_| {
        (200, Vec::new(), br#"{"token": "foreign"}"#.to_vec())
    }));
    let realm = format!("{}/token", foreign_realm.url());
    // The other host ("vm"): a 401 naming that realm, whatever it is sent.
    let vm = HttpServer::start_on(
        "127.0.0.2",
        Box::new(move |_| {
            (
                401,
                vec![(
                    "WWW-Authenticate".into(),
                    format!("Bearer realm=\"{realm}\",service=\"vm\""),
                )],
                Vec::new(),
            )
        }),
    );
    let vm_url = vm.url();
    // The registry the credentials are for, which redirects every
    // manifest request to the other host.
    let registry = HttpServer::start(Box::new(move |request| {
        (
            302,
            vec![("Location".into(), format!("{vm_url}{}", request.target))],
            Vec::new(),
        )
    }));
    let host = registry.host();
    let config = docker_config(&dir, &[&host], "victim", "hunter2");
    write(&dir, &[("Dockerfile", format!("FROM {host}/app:1\n"))]);
    let env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let diff = repro_audit(&dir, &["--diff", "--no-config", "Dockerfile"], &env);
    assert!(!saw_credentials(&vm, "victim"), "{:?}", vm.requests());
    assert!(
        !saw_credentials(&foreign_realm, "victim"),
        "{:?}",
        foreign_realm.requests()
    );
    assert!(!vm.requests().is_empty() && !foreign_realm.requests().is_empty());
    assert!(
        diff.stderr.contains(&format!(
            "not fixed Dockerfile:1:6: DF002 `{host}/app:1`: {host} refused access to app (401); {host} redirected to {}, which is sent no credentials",
            vm.host()
        )),
        "{}",
        diff.stderr
    );

    // The registry's own realm is sent the credentials; when it redirects
    // to another host, that host gets none.
    let token_elsewhere = HttpServer::start_on(
        "127.0.0.2",
        Box::new(|_| (200, Vec::new(), br#"{"token": "granted"}"#.to_vec())),
    );
    let elsewhere = format!("{}/token", token_elsewhere.url());
    let own_realm = HttpServer::start(Box::new(move |_| {
        (
            302,
            vec![("Location".into(), elsewhere.clone())],
            Vec::new(),
        )
    }));
    let own_realm_url = format!("{}/token", own_realm.url());
    let answer = digest.clone();
    let registry = HttpServer::start(Box::new(move |request| {
        match request.header("authorization") {
            Some("Bearer granted") => manifest_answer(&answer),
            _ => (
                401,
                vec![(
                    "WWW-Authenticate".into(),
                    format!("Bearer realm=\"{own_realm_url}\",service=\"own\""),
                )],
                Vec::new(),
            ),
        }
    }));
    let host = registry.host();
    let config = docker_config(&dir, &[&host], "victim", "hunter2");
    write(&dir, &[("Dockerfile", format!("FROM {host}/app:1\n"))]);
    let env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let fixed = repro_audit(&dir, &["--fix", "--no-config", "Dockerfile"], &env);
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!("FROM {host}/app:1@{digest}\n"),
        "{}",
        fixed.stderr
    );
    assert!(own_realm.requests().iter().any(|r| {
        r.header("authorization")
            .is_some_and(|a| a.starts_with("Basic "))
            && r.target.contains("account=victim")
    }));
    assert!(
        !token_elsewhere.requests().is_empty()
            && token_elsewhere
                .requests()
                .iter()
                .all(|r| r.header("authorization").is_none()),
        "{:?}",
        token_elsewhere.requests()
    );

    // Basic authentication: the request that carries it is redirected to
    // another host, which answers without it.
    let mirror = HttpServer::start_on("127.0.0.2", {
        let answer = digest.clone();
        Box::new(move |_| manifest_answer(&answer))
    });
    let mirror_url = mirror.url();
    let registry = HttpServer::start(Box::new(move |request| {
        match request.header("authorization") {
            Some(_) => (
                307,
                vec![("Location".into(), format!("{mirror_url}{}", request.target))],
                Vec::new(),
            ),
            None => (
                401,
                vec![("WWW-Authenticate".into(), "Basic realm=\"r\"".into())],
                Vec::new(),
            ),
        }
    }));
    let host = registry.host();
    let config = docker_config(&dir, &[&host], "victim", "hunter2");
    write(&dir, &[("Dockerfile", format!("FROM {host}/app:1\n"))]);
    let env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let fixed = repro_audit(&dir, &["--fix", "--no-config", "Dockerfile"], &env);
    assert_eq!(
        read(&dir, "Dockerfile"),
        format!("FROM {host}/app:1@{digest}\n"),
        "{}",
        fixed.stderr
    );
    assert!(registry
        .requests()
        .iter()
        .any(|r| r.header("authorization").is_some()));
    assert!(
        !saw_credentials(&mirror, "victim"),
        "{:?}",
        mirror.requests()
    );
}

/// A project's `[fix] insecure-registries` allows plain HTTP, but never the
/// user's credentials over it: that takes the user's own word, with
/// `--insecure-registry` or `$REPRO_AUDIT_INSECURE_REGISTRIES`. Needs a
/// host that is not this machine's loopback (its network address).
#[test]
fn credentials_go_over_plain_http_only_where_the_user_allows_it() {
    let Some(ip) = servers::network_address() else {
        // CI (which sets this) has a network: there the test must run.
        assert!(
            std::env::var_os("REPRO_AUDIT_REQUIRE_ORACLES").is_none(),
            "this machine has no network address to serve a non-loopback registry on"
        );
        eprintln!("skipped: this machine has no network address");
        return;
    };
    let digest = fake_digest('e');
    let answer = digest.clone();
    let registry = HttpServer::start_on(
        &ip,
        Box::new(move |request| match request.header("authorization") {
            Some(_) => manifest_answer(&answer),
            None => (
                401,
                vec![("WWW-Authenticate".into(), "Basic realm=\"r\"".into())],
                Vec::new(),
            ),
        }),
    );
    let host = registry.host();
    let dir = scratch("insecure");
    let config = docker_config(&dir, &[&host], "victim", "hunter2");
    write(
        &dir,
        &[
            (
                ".repro-audit.toml",
                format!("[fix]\ninsecure-registries = [\"{host}\"]\n"),
            ),
            ("Dockerfile", format!("FROM {host}/app:1\n")),
        ],
    );
    let env = [("DOCKER_CONFIG", config.to_str().unwrap())];
    let refused = repro_audit(&dir, &["--diff", "Dockerfile"], &env);
    assert!(
        !saw_credentials(&registry, "victim"),
        "{:?}",
        registry.requests()
    );
    // Plain HTTP was used: the registry was asked.
    assert!(!registry.requests().is_empty());
    assert!(refused.stderr.contains(&format!(
        "{host} wants a user name and password; credentials are not sent over plain HTTP to {host} unless you allow it (`--insecure-registry {host}` or $REPRO_AUDIT_INSECURE_REGISTRIES)"
    )), "{}", refused.stderr);

    let allowed = repro_audit(
        &dir,
        &["--diff", "--insecure-registry", &host, "Dockerfile"],
        &env,
    );
    assert!(
        allowed
            .stdout
            .contains(&format!("+FROM {host}/app:1@{digest}")),
        "{}",
        allowed.stderr
    );
    let by_env = repro_audit(
        &dir,
        &["--diff", "Dockerfile"],
        &[
            env[0],
            (
                "REPRO_AUDIT_INSECURE_REGISTRIES",
                &format!("other.lan, {host}"),
            ),
        ],
    );
    assert!(
        by_env
            .stdout
            .contains(&format!("+FROM {host}/app:1@{digest}")),
        "{}",
        by_env.stderr
    );
}

/// `$DOCKER_CONFIG/config.json` is read as a regular, size-capped file: a
/// FIFO (which would wait for a writer) and `/dev/zero` (which never ends)
/// are refused with a message naming the file and why, and `--diff` goes
/// on without credentials.
#[test]
fn a_docker_config_that_is_no_regular_file_is_refused_and_the_run_goes_on() {
    let digest = fake_digest('f');
    let answer = digest.clone();
    let registry = HttpServer::start(Box::new(move |_| manifest_answer(&answer)));
    let host = registry.host();
    let dir = scratch("docker-config-kinds");
    write(&dir, &[("Dockerfile", format!("FROM {host}/app:1\n"))]);
    let fifo = dir.join("fifo");
    std::fs::create_dir_all(&fifo).unwrap();
    let status = Command::new("mkfifo")
        .arg(fifo.join("config.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let zero = dir.join("zero");
    std::fs::create_dir_all(&zero).unwrap();
    std::os::unix::fs::symlink("/dev/zero", zero.join("config.json")).unwrap();
    let large = dir.join("large");
    std::fs::create_dir_all(&large).unwrap();
    std::fs::write(large.join("config.json"), vec![b' '; 2 * 1024 * 1024]).unwrap();
    for (config, why) in [
        (&fifo, "not a regular file (a FIFO)"),
        (&zero, "not a regular file (a device)"),
        (&large, "larger than 1 MiB"),
    ] {
        let started = std::time::Instant::now();
        let diff = repro_audit(
            &dir,
            &["--diff", "--no-config", "Dockerfile"],
            &[("DOCKER_CONFIG", config.to_str().unwrap())],
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        assert!(
            diff.stderr.contains(&format!(
                "warning: the Docker config {} cannot be read: {why}; registries are asked without credentials",
                config.join("config.json").display()
            )),
            "{}",
            diff.stderr
        );
        assert_eq!(diff.code, 1, "{}", diff.stderr);
        assert!(
            diff.stdout
                .contains(&format!("+FROM {host}/app:1@{digest}")),
            "{}",
            diff.stdout
        );
    }
}

/// `[fix] timeout = 9223372036854775807` once panicked (an instant plus
/// that many seconds overflows): every number from the configuration is
/// range-checked, and the error names the key, its place and the range.
#[test]
fn an_enormous_timeout_is_a_configuration_error_not_a_panic() {
    let dir = scratch("huge-timeout");
    write(
        &dir,
        &[
            (
                ".repro-audit.toml",
                "[fix]\ntimeout = 9223372036854775807\n".to_owned(),
            ),
            ("Dockerfile", "FROM 127.0.0.1:9/app:1\n".to_owned()),
        ],
    );
    let diff = repro_audit(&dir, &["--diff", "Dockerfile"], &[]);
    assert_eq!(diff.code, 2, "{}", diff.stderr);
    assert_eq!(
        diff.stderr,
        "error: .repro-audit.toml:2:11: `fix.timeout` must be a whole number of seconds from 1 to 3600, not 9223372036854775807\n"
    );
}

/// A file changed after it was audited, while its lookups ran, is not
/// written: the registry here rewrites the Dockerfile when it is asked.
#[test]
fn a_file_changed_between_audit_and_write_is_left_alone() {
    let dir = scratch("changed");
    let dockerfile = dir.join("Dockerfile");
    let changed = "FROM scratch\n# edited meanwhile\n";
    let digest = fake_digest('c');
    let registry = HttpServer::start({
        let dockerfile = dockerfile.clone();
        Box::new(move |_| {
            std::fs::write(&dockerfile, changed).unwrap();
            manifest_answer(&digest)
        })
    });
    let host = registry.host();
    std::fs::write(&dockerfile, format!("FROM {host}/app:1\n")).unwrap();
    let fixed = repro_audit(&dir, &["--fix", "--no-config", "Dockerfile"], &[]);
    assert_eq!(read(&dir, "Dockerfile"), changed);
    assert!(
        fixed.stderr.contains(&format!(
            "not fixed Dockerfile:1:6: DF002 `{host}/app:1`: the file changed while it was audited"
        )),
        "{}",
        fixed.stderr
    );
}

/// Many references to a registry that cannot be reached are one line with
/// their count and the way out, and `--diff` that could fix none of them
/// does not pass.
#[test]
fn an_unreachable_registry_is_said_once_and_fails_the_diff() {
    let dir = scratch("unreachable-many");
    let port = servers::free_port();
    let froms: String = ["a", "b", "c"]
        .iter()
        .map(|name| format!("FROM 127.0.0.1:{port}/{name}:1\n"))
        .collect();
    write(&dir, &[("Dockerfile", froms)]);
    let diff = repro_audit(&dir, &["--diff", "Dockerfile"], &[]);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert_eq!(diff.stdout, "");
    let lines: Vec<&str> = diff
        .stderr
        .lines()
        .filter(|l| l.starts_with("not fixed"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", diff.stderr);
    assert!(
        lines[0].starts_with(&format!("not fixed: registry 127.0.0.1:{port} unreachable"))
            && lines[0].contains("(3 fixes held up); `--offline` leaves out what needs the network, `[fix] registry-mirrors` asks a mirror in a registry's place"),
        "{}",
        lines[0]
    );
}
