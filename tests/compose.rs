//! Compose projects as `docker compose` reads them, one line per case: a
//! tree of files, and what the audit of it says (`path:line:column:
//! CODE` for a finding, `error: path:line:column: message` for an
//! error). In-process, through the command line's entry point.

use std::path::{Path, PathBuf};

use repro_audit::cli::{run, Terminal};

/// A fresh repository (it has a `.git`) with these files.
fn tree(files: &[(&str, &str)]) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "repro-audit-compose-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// What `repro-audit --concise <args>` says in `dir`: each finding as
/// `path:line:column: CODE message`, then each error line.
fn said_in(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut argv: Vec<String> = [
        "repro-audit",
        "--concise",
        "--no-config",
        "--color",
        "never",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    argv.extend(args.iter().map(|a| a.to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run(&argv, dir, Terminal::default(), &mut out, &mut err);
    let stdout = String::from_utf8(out).unwrap();
    let stderr = String::from_utf8(err).unwrap();
    let mut said: Vec<String> = stdout
        .lines()
        .filter(|line| {
            line.contains(": error[") || line.contains(": warning[") || line.contains(": info[")
        })
        .map(|line| {
            // `path:1:2: error[CP001] message` → `path:1:2: CP001 message`
            let (place, rest) = line.split_once(": ").unwrap();
            let (_, rest) = rest.split_once('[').unwrap();
            let (code, message) = rest.split_once("] ").unwrap();
            format!("{place}: {code} {message}")
        })
        .collect();
    said.extend(
        stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .map(str::to_owned),
    );
    said
}

/// What the audit of the tree `files` says, walked from its top.
fn said(files: &[(&str, &str)]) -> Vec<String> {
    said_in(&tree(files), &[])
}

/// The first of what is said, for cases about one line.
fn first(files: &[(&str, &str)]) -> String {
    said(files).into_iter().next().unwrap_or_default()
}

macro_rules! assert_said {
    ($files:expr, [$($line:expr),* $(,)?]) => {
        assert_eq!(said(&$files), [$($line),*] as [&str; 0 $(+ { let _ = $line; 1 })*], "{:?}", $files)
    };
}

const NGINX: &str = "services:\n  web:\n    image: nginx\n";

#[test]
fn the_old_format_and_typos_are_errors_wherever_they_are() {
    for name in [
        "docker-compose.yml",
        "compose.yaml",
        "docker-compose-hub.yml",
        "compose.prod.yaml",
    ] {
        assert_eq!(said(&[(name, "web:\n  image: nginx\n")]), [format!("error: {name}:1:1: `web` is a service written at the top level, the old Compose format without `services:`: `docker compose` refuses the file; move the services under `services:`")]);
        assert_eq!(said(&[(name, "sevices:\n  web:\n    image: nginx\n")]), [format!("error: {name}:1:1: `sevices` is not a Compose top-level key (did you mean `services`?): `docker compose` refuses the file")]);
    }
    // Named, under a name that is no Compose name: the same.
    let dir = tree(&[("stack.yml", "version: '2'\nweb:\n  build: .\n")]);
    assert_eq!(said_in(&dir, &["stack.yml"]), ["error: stack.yml:2:1: `web` is a service written at the top level, the old Compose format without `services:`: `docker compose` refuses the file; move the services under `services:`"]);
    // A file with such a name that is no Compose file says so.
    assert!(first(&[("docker-compose-k8s.yml", "apiVersion: v1\nkind: Pod\n")]).starts_with("error: docker-compose-k8s.yml:1:1: not a Compose file: it has no `services`, and `apiVersion` is not a Compose top-level key"));
    assert_said!(
        [(
            "compose.yaml",
            "version: '3'\nx-base: &b {image: nginx:1}\nservices:\n  a: *b\n"
        )],
        ["compose.yaml:2:20: CP002 service `a` image `nginx:1` is not pinned by digest"]
    );
}

#[test]
fn other_compose_names_are_found_when_walking() {
    assert_said!([("docker-compose-hub.yml", NGINX), ("docker-compose_test.yaml", NGINX), ("compose-dev.yml", NGINX), ("composer.yaml", NGINX), ("compose.yaml.j2", NGINX)], [
        "compose-dev.yml:3:12: CP001 service `web` image `nginx` has no tag and no digest",
        "docker-compose-hub.yml:3:12: CP001 service `web` image `nginx` has no tag and no digest",
        "docker-compose_test.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest",
    ]);
}

#[test]
fn tags_keep_the_value_and_its_place() {
    assert_said!([("compose.yaml", "services:\n  web:\n    image: !override nginx:1.2\n  db:\n    image: !reset postgres\n")], ["compose.yaml:3:22: CP002 service `web` image `nginx:1.2` is not pinned by digest"]);
    assert_said!([("compose.yaml", "services:\n  web:\n    # repro-audit ignore=CP002\n    image: !override nginx:1.2\n  c:\n    image: !override redis:7\n")], ["compose.yaml:6:22: CP002 service `c` image `redis:7` is not pinned by digest"]);
    assert_said!(
        [(
            "compose.yaml",
            "services:\n  # repro-audit ignore=CP002\n  web: !override\n    image: nginx:1.2\n"
        )],
        []
    );
    assert_said!(
        [(
            "compose.yaml",
            "services:\n  web:\n    image: !!str nginx:1.2\n"
        )],
        ["compose.yaml:3:18: CP002 service `web` image `nginx:1.2` is not pinned by digest"]
    );
}

#[test]
fn env_values_interpolate_the_lines_above() {
    let image = "services:\n  web:\n    image: python:${TAG}\n";
    assert_said!([("compose.yaml", image), (".env", "BASE=3.13\nTAG=${BASE}-slim\n")], ["compose.yaml:3:12: CP002 service `web` image `python:${TAG}` (`python:3.13-slim`) is not pinned by digest"]);
    assert_said!([("compose.yaml", image), (".env", "BASE=3.13\nTAG=\"${BASE}-slim\"\n")], ["compose.yaml:3:12: CP002 service `web` image `python:${TAG}` (`python:3.13-slim`) is not pinned by digest"]);
    assert_said!([("compose.yaml", image), (".env", "BASE=3.13\nTAG='${BASE}-slim'\n")], ["compose.yaml:3:12: CP002 service `web` image `python:${TAG}` (`python:${BASE}-slim`) is not pinned by digest"]);
    assert_said!([("compose.yaml", image), (".env", "TAG=${BASE}\n")], ["compose.yaml:3:12: CP003 service `web` image `python:${TAG}` uses variable `BASE` that has no value in `.env` and no default"]);
    assert_said!([("compose.yaml", image), (".env", "TAG=${BASE:-3.12}\n")], ["compose.yaml:3:12: CP002 service `web` image `python:${TAG}` (`python:3.12`) is not pinned by digest"]);
    let dir = tree(&[("compose.yaml", image), (".env", "TAG=${BASE}\n")]);
    assert_eq!(said_in(&dir, &["--build-arg", "BASE=3.11"]), ["compose.yaml:3:12: CP002 service `web` image `python:${TAG}` (`python:3.11`) is not pinned by digest"]);
}

#[test]
fn an_override_is_merged_into_its_base() {
    let base =
        "services:\n  app:\n    build: .\n    image: me/app:latest\n  web:\n    image: nginx\n";
    // Each reference where it is written; the base's image under `build`
    // is pulled once the override resets the build.
    assert_said!([("compose.yaml", base), ("compose.override.yaml", "services:\n  app:\n    build: !reset\n  web:\n    image: nginx:1.27\n")], [
        "compose.override.yaml:5:12: CP002 service `web` image `nginx:1.27` is not pinned by digest",
        "compose.yaml:4:12: CP001 service `app` (compose.override.yaml resets its `build`) image `me/app:latest` floats on the `latest` tag",
        "compose.yaml:6:12: CP001 service `web` image `nginx` has no tag and no digest",
    ]);
    // An image the override names for a service the base builds is what
    // is built.
    assert_said!(
        [
            ("compose.yaml", "services:\n  app:\n    build: .\n"),
            (
                "compose.override.yaml",
                "services:\n  app:\n    image: me/app:dev\n"
            )
        ],
        []
    );
    // Any default name pairs with any override name; only the first base.
    assert_said!(
        [
            ("docker-compose.yml", "services:\n  app:\n    build: .\n"),
            (
                "docker-compose.override.yml",
                "services:\n  app:\n    image: me/app:dev\n"
            )
        ],
        []
    );
    assert_said!(
        [
            ("compose.yaml", "services:\n  app:\n    build: .\n"),
            ("docker-compose.yml", "services:\n  app:\n    build: .\n"),
            (
                "compose.override.yml",
                "services:\n  app:\n    image: me/app:dev\n"
            )
        ],
        []
    );
    // Other names are used with `-f`: each is judged alone.
    assert_said!([("docker-compose.yml", "services:\n  app:\n    build: .\n"), ("docker-compose.test.override.yml", "services:\n  app:\n    image: me/app:dev\n")], ["docker-compose.test.override.yml:3:12: CP002 service `app` image `me/app:dev` is not pinned by digest"]);
    // An override with no base beside it is judged alone.
    assert_said!([("compose.override.yaml", NGINX)], ["compose.override.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest"]);
    // Pragmas work in either file.
    assert_said!([("compose.yaml", "services:\n  app:\n    build: .\n    image: me/app\n"), ("compose.override.yaml", "services:\n  # repro-audit ignore=CP001\n  app:\n    build: !reset\n")], ["compose.yaml:4:12: CP001 service `app` (compose.override.yaml resets its `build`) image `me/app` has no tag and no digest"]);
    assert_said!([("compose.yaml", "services:\n  app:\n    build: .\n  # repro-audit ignore=CP001\n  web:\n    image: nginx\n"), ("compose.override.yaml", "services:\n  web:\n    image: redis\n")], ["compose.override.yaml:3:12: CP001 service `web` image `redis` has no tag and no digest"]);
}

#[test]
fn naming_either_file_audits_the_pair_once() {
    let files = [
        ("compose.yaml", NGINX),
        (
            "compose.override.yaml",
            "services:\n  db:\n    image: postgres\n",
        ),
    ];
    let expected = [
        "compose.override.yaml:3:12: CP001 service `db` image `postgres` has no tag and no digest",
        "compose.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest",
    ];
    for args in [
        &["compose.override.yaml"][..],
        &["compose.yaml"],
        &["compose.yaml", "compose.override.yaml"],
        &["."],
    ] {
        assert_eq!(said_in(&tree(&files), args), expected, "{args:?}");
    }
    let dir = tree(&[
        ("sub/compose.yaml", NGINX),
        (
            "sub/docker-compose.override.yml",
            "services:\n  db:\n    image: postgres\n",
        ),
    ]);
    assert_eq!(said_in(&dir, &["sub/docker-compose.override.yml"]), [
        "sub/compose.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest",
        "sub/docker-compose.override.yml:3:12: CP001 service `db` image `postgres` has no tag and no digest",
    ]);
}

#[test]
fn includes_and_extends_are_followed_inside_the_repository() {
    assert_said!(
        [
            ("compose.yaml", "include:\n  - sub/compose.yaml\n"),
            ("sub/compose.yaml", NGINX)
        ],
        ["sub/compose.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest"]
    );
    assert_said!([("compose.yaml", "include:\n  - lib/common.yml\n"), ("lib/common.yml", "services:\n  db:\n    image: postgres:${PG:-16}\n"), ("lib/.env", "PG=17\n")], ["lib/common.yml:3:12: CP002 service `db` image `postgres:${PG:-16}` (`postgres:17`) is not pinned by digest"]);
    assert_said!([("deploy/compose.yaml", "services:\n  web:\n    extends:\n      file: ../common/base.yml\n      service: base\n"), ("common/base.yml", "services:\n  base:\n    image: python\n")], ["common/base.yml:3:12: CP001 service `web` (in deploy/compose.yaml, extending `base`) image `python` has no tag and no digest"]);
    assert_said!(
        [
            (
                "compose.yaml",
                "services:\n  web:\n    extends: {file: base.yml, service: base}\n    build: .\n"
            ),
            ("base.yml", "services:\n  base:\n    image: python\n")
        ],
        []
    );
    assert_said!(
        [("compose.yaml", "include:\n  - gone.yaml\n")],
        ["error: compose.yaml:2:5: include `gone.yaml` not audited: there is no such file"]
    );
    assert_said!([("compose.yaml", "include:\n  - ../../outside.yaml\n")], ["error: compose.yaml:2:5: include `../../outside.yaml` not audited: it is outside the repository"]);
    assert_said!([("compose.yaml", "services:\n  a:\n    extends: {file: ../x.yml, service: b}\n")], ["error: compose.yaml:3:21: extends file `../x.yml` not audited: it is outside the repository"]);
}

#[cfg(unix)]
#[test]
fn what_another_file_names_is_read_only_inside_the_repository() {
    let dir = tree(&[("compose.yaml", "include:\n  - out.yaml\n  - git.yaml\n  - sys.yaml\nservices:\n  a:\n    extends: {file: fifo.yml, service: b}\n")]);
    std::os::unix::fs::symlink("/etc/hostname", dir.join("out.yaml")).unwrap();
    std::fs::write(dir.join(".git/config"), "services: {}\n").unwrap();
    std::os::unix::fs::symlink(".git/config", dir.join("git.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.join("sys.yaml")).unwrap();
    let fifo = std::ffi::CString::new(dir.join("fifo.yml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo reads it only.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let said = said_in(&dir, &[]);
    let expected = [
        "error: compose.yaml:2:5: include `out.yaml` not audited: a symbolic link out of the repository",
        "error: compose.yaml:3:5: include `git.yaml` not audited: it leads into the repository's `.git` directory",
        "error: compose.yaml:4:5: include `sys.yaml` not audited: it leads to `/proc/",
        "error: compose.yaml:7:21: extends file `fifo.yml` not audited: not a regular file (a FIFO)",
    ];
    assert_eq!(said.len(), expected.len(), "{said:#?}");
    for (line, start) in said.iter().zip(expected) {
        assert!(line.starts_with(start), "{line}\n{start}");
    }
    // The override and an included project's `.env` are read the same way.
    let dir = tree(&[
        ("compose.yaml", "include:\n  - sub/compose.yaml\n"),
        ("sub/compose.yaml", NGINX),
    ]);
    std::os::unix::fs::symlink("/proc/self/environ", dir.join("compose.override.yaml")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", dir.join("sub/.env")).unwrap();
    let said = said_in(&dir, &[]);
    assert!(
        said.contains(
            &"sub/compose.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest"
                .to_owned()
        ),
        "{said:#?}"
    );
    // Found by the walk too, which says it first (one error a place).
    assert!(
        said.iter()
            .any(|l| l.starts_with("error: compose.override.yaml: it leads to `/proc/")),
        "{said:#?}"
    );
    let named = said_in(&dir, &["compose.yaml"]);
    assert!(
        named.iter().any(
            |l| l.starts_with("error: compose.override.yaml: it leads to `/proc/")
                && l.ends_with("; compose.yaml is audited without it")
        ),
        "{named:#?}"
    );
    assert!(said.iter().any(|l| l.starts_with("error: compose.yaml:2:5: `.env` of included `sub/compose.yaml` not read: it leads to `/proc/")), "{said:#?}");
}

#[test]
fn what_a_project_reads_is_bounded() {
    // 129 files included, one by one: the last is not read.
    let mut files: Vec<(String, String)> =
        vec![("compose.yaml".into(), "include:\n  - i0.yaml\n".into())];
    for i in 0..129 {
        files.push((
            format!("i{i}.yaml"),
            format!("include:\n  - i{}.yaml\n", i + 1),
        ));
    }
    files.push(("i129.yaml".into(), NGINX.into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let said = said_in(&tree(&refs), &["compose.yaml"]);
    assert_eq!(said, ["error: i127.yaml:2:5: include `i128.yaml` not audited: the project already reads 128 other files, the most one is audited with"]);
    // Cycles end.
    assert_said!([("compose.yaml", "include:\n  - a.yaml\n"), ("a.yaml", "include:\n  - compose.yaml\n")], ["error: a.yaml:2:5: include cycle: `compose.yaml` (compose.yaml) includes this file again"]);
    assert_said!(
        [(
            "compose.yaml",
            "services:\n  a:\n    extends: b\n  b:\n    extends: a\n"
        )],
        [
            "error: compose.yaml:3:14: service `a` extends itself through `b`",
            "error: compose.yaml:5:14: service `b` extends itself through `a`",
        ]
    );
}

#[test]
fn a_finding_in_a_file_two_projects_read_is_reported_once() {
    let dir = tree(&[
        ("compose.yaml", "include:\n  - sub/compose.yaml\n"),
        ("sub/compose.yaml", NGINX),
    ]);
    assert_eq!(
        said_in(&dir, &[]),
        ["sub/compose.yaml:3:12: CP001 service `web` image `nginx` has no tag and no digest"]
    );
    // With its snippet: the text of the file that holds it is kept.
    let mut argv: Vec<String> = vec![
        "repro-audit".into(),
        "--no-config".into(),
        "--color".into(),
        "never".into(),
        "compose.yaml".into(),
    ];
    argv.shrink_to_fit();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    run(&argv, &dir, Terminal::default(), &mut out, &mut err);
    let stdout = String::from_utf8(out).unwrap();
    assert!(stdout.contains("sub/compose.yaml:3:12: error[CP001] service `web` image `nginx` has no tag and no digest\n  |\n3 |     image: nginx\n  |            ^^^^^\n"), "{stdout}");
}
