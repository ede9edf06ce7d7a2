//! A repository is hostile input (docs/security.md): each test here builds
//! one — links into `/proc`, `/dev` and out of the tree, FIFOs, names that
//! would forge a line of the report — and runs the binary on it, as CI runs
//! it on a stranger's pull request, with a secret in its environment.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A secret the environment holds, as `GITHUB_TOKEN` does in CI: it must
/// never reach any report.
const SECRET: &str = "ghp_canary0123456789secretvalue";

const FORMATS: &[&str] = &["text", "json", "sarif", "github", "gitlab"];

struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Run the binary in `dir`, with the secret in its environment. A run that
/// has not ended after a minute is killed and fails the test (it hung on a
/// FIFO, or read a device without end): no timing is asserted short of it.
fn run_in(dir: &Path, args: &[&str]) -> Outcome {
    let child = Command::new(env!("CARGO_BIN_EXE_repro-audit"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir)
        .env("GITHUB_TOKEN", SECRET)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let pid = child.id() as libc::pid_t;
    // The output is read while it runs (a report can be larger than a
    // pipe holds), on a thread the test waits for.
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output = match wait.recv_timeout(Duration::from_secs(60)) {
        Ok(output) => output.expect("output"),
        Err(_) => {
            // SAFETY: the child's own pid; it has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("repro-audit {args:?} hung in {}", dir.display());
        }
    };
    Outcome {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A fresh directory with `files`, made a git repository.
fn repository(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("repro-audit-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn link(target: impl AsRef<Path>, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, at).unwrap();
}

fn fifo(at: &Path) {
    use std::os::unix::ffi::OsStrExt;
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    let path = std::ffi::CString::new(at.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo reads it only.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0, "mkfifo");
}

/// A file outside every repository, holding what a link may lead to.
fn outside(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "repro-audit-hostile-outside-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("file");
    std::fs::write(&path, text).unwrap();
    path
}

/// Audit `dir` in every report format: the secret appears in none, the
/// run ends with exit 2, and `expected` is said on standard error (text).
fn audit_everywhere(dir: &Path, expected: &[&str]) -> Outcome {
    let mut text = None;
    for format in FORMATS {
        let outcome = run_in(dir, &["--format", format, "--concise", "."]);
        assert!(
            !outcome.all().contains(SECRET),
            "{format} report leaks the secret:\n{}",
            outcome.all()
        );
        assert_eq!(outcome.code, 2, "{format}:\n{}", outcome.all());
        if *format == "text" {
            text = Some(outcome);
        }
    }
    let text = text.unwrap();
    for said in expected {
        assert!(
            text.stderr.contains(said),
            "`{said}` not said:\n{}",
            text.all()
        );
    }
    text
}

#[test]
fn an_env_file_linked_to_the_process_environment_is_not_read() {
    let dir = repository(
        "env-proc",
        &[
            (
                "compose.yaml",
                "services:\n  a:\n    image: \"${HOME}\"\n  b:\n    image: \"${GITHUB_TOKEN}\"\n",
            ),
            ("Dockerfile", "FROM debian\n"),
        ],
    );
    link("/proc/self/environ", &dir.join(".env"));
    let text = audit_everywhere(
        &dir,
        &[
            ".env: it leads to `/proc/",
            "a system file; compose.yaml is audited without it",
        ],
    );
    // The rest is audited: the Dockerfile, and the Compose file without
    // the variables.
    assert!(
        text.stdout.contains("Dockerfile:1:6: error[DF001]"),
        "{}",
        text.all()
    );
    assert!(
        text.stdout.contains("compose.yaml:3:12: info[CP003]"),
        "{}",
        text.all()
    );
}

#[test]
fn an_env_file_linked_out_of_the_repository_is_not_read() {
    let secret = outside("env", &format!("IMAGE={SECRET}\n"));
    let dir = repository(
        "env-out",
        &[("compose.yaml", "services:\n  a:\n    image: \"${IMAGE}\"\n")],
    );
    link(&secret, &dir.join(".env"));
    audit_everywhere(&dir, &[".env: a symbolic link out of the repository (to `"]);
    // A FIFO or a device named .env is refused, not waited on.
    std::fs::remove_file(dir.join(".env")).unwrap();
    fifo(&dir.join(".env"));
    audit_everywhere(&dir, &[".env: not a regular file (a FIFO)"]);
    std::fs::remove_file(dir.join(".env")).unwrap();
    link("/dev/zero", &dir.join(".env"));
    audit_everywhere(&dir, &[".env: it leads to `/dev/zero`, a system file"]);
    // Inside the repository, a link is followed.
    std::fs::remove_file(dir.join(".env")).unwrap();
    std::fs::write(dir.join("vars.env"), "IMAGE=python:3.13\n").unwrap();
    link("vars.env", &dir.join(".env"));
    let outcome = run_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 1, "{}", outcome.all());
    assert!(
        outcome.stdout.contains("`python:3.13`"),
        "{}",
        outcome.all()
    );
}

#[test]
fn a_configuration_found_on_the_way_is_read_only_inside_the_repository() {
    let dir = repository("config", &[("Dockerfile", "FROM debian\n")]);
    link("/proc/self/environ", &dir.join(".repro-audit.toml"));
    let outcome = run_in(&dir, &["."]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    assert!(!outcome.all().contains(SECRET));
    assert!(
        outcome
            .stderr
            .contains(".repro-audit.toml: cannot read the configuration: it leads to `/proc/"),
        "{}",
        outcome.all()
    );
    std::fs::remove_file(dir.join(".repro-audit.toml")).unwrap();
    let secret = outside("config", &format!("select = [\"{SECRET}\"]\n"));
    link(&secret, &dir.join(".repro-audit.toml"));
    let outcome = run_in(&dir, &["."]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    assert!(!outcome.all().contains(SECRET), "{}", outcome.all());
    assert!(
        outcome.stderr.contains("out of the repository"),
        "{}",
        outcome.all()
    );
    // A FIFO is refused, not passed by.
    std::fs::remove_file(dir.join(".repro-audit.toml")).unwrap();
    fifo(&dir.join(".repro-audit.toml"));
    let outcome = run_in(&dir, &["."]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    assert!(
        outcome.stderr.contains("not a regular file (a FIFO)"),
        "{}",
        outcome.all()
    );
}

#[test]
fn gitlab_includes_are_read_only_inside_the_repository_and_never_dropped_unsaid() {
    let secret = outside("include", &format!("image: {SECRET}\n"));
    let dir = repository(
        "gitlab",
        &[(
            ".gitlab-ci.yml",
            "include:\n  - local: ci/secret.yml\n  - local: ci/missing.yml\n  - local: ci/maybe.yml\n    rules:\n      - exists: [ci/maybe.yml]\n  - local: ci/pipe.yml\n  - local: ci/ok.yml\n",
        ), ("ci/ok.yml", "job:\n  image: python\n  script: [x]\n")],
    );
    link(&secret, &dir.join("ci/secret.yml"));
    fifo(&dir.join("ci/pipe.yml"));
    let text = audit_everywhere(
        &dir,
        &[
            ".gitlab-ci.yml:2:12: local include `ci/secret.yml` not audited: a symbolic link out of the repository",
            ".gitlab-ci.yml:3:12: local include `ci/missing.yml` not audited: there is no such file",
            ".gitlab-ci.yml:7:12: local include `ci/pipe.yml` not audited: not a regular file (a FIFO)",
        ],
    );
    assert!(!text.stderr.contains("maybe.yml"), "{}", text.all());
    assert!(text.stdout.contains("ci/ok.yml:2:10"), "{}", text.all());

    // Past the most files one pipeline is audited with, each include left
    // out is named.
    let mut main = String::from("include:\n");
    let mut files = Vec::new();
    for i in 0..130 {
        main.push_str(&format!("  - local: ci/{i}.yml\n"));
        files.push((format!("ci/{i}.yml"), format!("job{i}:\n  script: [x]\n")));
    }
    let mut all: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    all.push((".gitlab-ci.yml", &main));
    let dir = repository("gitlab-many", &all);
    let outcome = run_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    let left_out: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|l| l.contains("already includes 128 files"))
        .collect();
    assert_eq!(left_out.len(), 3, "{}", outcome.all());
    assert!(
        left_out[0].contains("local include `ci/127.yml`"),
        "{}",
        outcome.all()
    );
}

#[test]
fn ignore_files_that_are_fifos_devices_or_links_out_are_refused_and_the_walk_goes_on() {
    let secret = outside("gitignore", &format!("[{SECRET}\n"));
    let dir = repository(
        "ignore-files",
        &[
            ("Dockerfile", "FROM debian\n"),
            ("a/Dockerfile", "FROM alpine\n"),
            ("b/Dockerfile", "FROM ubuntu\n"),
            ("c/Dockerfile", "FROM fedora\n"),
            ("d/.gitignore", "ignored/\n"),
            ("d/ignored/Dockerfile", "FROM busybox\n"),
        ],
    );
    fifo(&dir.join(".gitignore"));
    link("/dev/zero", &dir.join("a/.gitignore"));
    link("/proc/self/environ", &dir.join("b/.ignore"));
    link(&secret, &dir.join("c/.gitignore"));
    fifo(&dir.join(".git/info/exclude"));
    let text = audit_everywhere(
        &dir,
        &[
            "error: .gitignore: not a regular file (a FIFO); the walk goes on without its patterns",
            "error: a/.gitignore: it leads to `/dev/zero`, a system file; the walk goes on without its patterns",
            "error: b/.ignore: it leads to `/proc/",
            "error: c/.gitignore: a symbolic link out of the repository",
            "error: .git/info/exclude: not a regular file (a FIFO)",
        ],
    );
    for audited in [
        "a/Dockerfile",
        "b/Dockerfile",
        "c/Dockerfile",
        "Dockerfile:1",
    ] {
        assert!(text.stdout.contains(audited), "{audited}:\n{}", text.all());
    }
    // A readable ignore file still applies.
    assert!(!text.stdout.contains("busybox"), "{}", text.all());
}

#[test]
fn the_ignore_files_apply_as_ripgrep_applies_them() {
    let dir = repository(
        "ignore-rules",
        &[
            (
                ".gitignore",
                "out/\n*.gen.Dockerfile\n!keep.gen.Dockerfile\n",
            ),
            ("out/Dockerfile", "FROM a\n"),
            ("x.gen.Dockerfile", "FROM b\n"),
            ("keep.gen.Dockerfile", "FROM c\n"),
            ("sub/.gitignore", "local.Dockerfile\n"),
            ("sub/local.Dockerfile", "FROM d\n"),
            ("local.Dockerfile", "FROM e\n"),
            ("sub/.ignore", "!local.Dockerfile\n"),
            ("skip/.ignore", "Dockerfile\n"),
            ("skip/Dockerfile", "FROM f\n"),
            // A nested repository's files are its own.
            ("nested/.git/HEAD", "ref: refs/heads/main\n"),
            ("nested/out/Dockerfile", "FROM g\n"),
        ],
    );
    std::fs::create_dir_all(dir.join(".git/info")).unwrap();
    std::fs::write(dir.join(".git/info/exclude"), "excluded.Dockerfile\n").unwrap();
    std::fs::write(dir.join("excluded.Dockerfile"), "FROM h\n").unwrap();
    let outcome = run_in(&dir, &["--concise", "--select", "DF001", "."]);
    let found: Vec<&str> = outcome
        .stdout
        .lines()
        .filter_map(|l| l.split(':').next())
        .filter(|p| p.contains("Dockerfile"))
        .collect();
    assert_eq!(
        found,
        [
            "keep.gen.Dockerfile",
            "local.Dockerfile",
            "nested/out/Dockerfile",
            "sub/local.Dockerfile"
        ],
        "{}",
        outcome.all()
    );
    let everything = run_in(
        &dir,
        &["--concise", "--select", "DF001", "--no-ignore", "."],
    );
    assert_eq!(
        everything.stdout.matches("error[DF001]").count(),
        8,
        "{}",
        everything.all()
    );
}

#[test]
fn names_the_walk_audits_that_are_no_regular_files_are_said() {
    let dir = repository(
        "walk",
        &[
            ("Dockerfile", "FROM debian\n"),
            ("real/Dockerfile", "FROM alpine\n"),
        ],
    );
    fifo(&dir.join("docker-compose.yml"));
    link("/dev/zero", &dir.join("compose.yaml"));
    link("/etc/hostname", &dir.join("Dockerfile.out"));
    link("nothing-here", &dir.join("Dockerfile.dangling"));
    link("real/Dockerfile", &dir.join("Dockerfile.linked"));
    link("loop-b", &dir.join("loop-a"));
    link("loop-a", &dir.join("loop-b"));
    let outcome = run_in(&dir, &["--concise", ".", "loop-a", "missing"]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    for said in [
        "error: docker-compose.yml: not a regular file (a FIFO); not audited",
        "error: compose.yaml: it leads to `/dev/zero`, a system file; not audited",
        "error: Dockerfile.out: a symbolic link out of the repository (to `/etc/hostname`); not audited",
        "error: Dockerfile.dangling: a symbolic link to a file that does not exist; not audited",
        "error: loop-a: a loop of symbolic links (too many levels to follow)",
        "error: missing: no such file or directory",
    ] {
        assert!(outcome.stderr.contains(said), "`{said}`:\n{}", outcome.all());
    }
    // A link to a file inside is audited once, where the file is.
    assert_eq!(
        outcome.stdout.matches("`alpine`").count(),
        1,
        "{}",
        outcome.all()
    );
    assert!(
        outcome.stdout.contains("real/Dockerfile:1:6"),
        "{}",
        outcome.all()
    );
    // A FIFO beside a flake.nix is its lock, refused — not a missing lock.
    let flake = repository("flake-fifo", &[("flake.nix", "{ outputs = _: { }; }\n")]);
    fifo(&flake.join("flake.lock"));
    let outcome = run_in(&flake, &["--concise", "."]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    assert!(
        outcome
            .stderr
            .contains("flake.lock: not a regular file (a FIFO)"),
        "{}",
        outcome.all()
    );
    assert!(!outcome.stdout.contains("NX001"), "{}", outcome.all());
}

#[test]
fn names_and_text_cannot_forge_a_line_or_reorder_what_is_shown() {
    let forged = "a\nDockerfile:9:9: error[DF001] forged finding\nb";
    let bidi = "x\u{202e}y\u{2066}z\rw";
    let dir = repository("forged", &[]);
    std::fs::create_dir_all(dir.join(forged)).unwrap();
    std::fs::write(dir.join(forged).join("Dockerfile"), "FROM debian\n").unwrap();
    std::fs::create_dir_all(dir.join(bidi)).unwrap();
    std::fs::write(
        dir.join(bidi).join("compose.yaml"),
        "services:\n  a:\n    image: \"nginx\\n\\u202edone\"\n",
    )
    .unwrap();
    for format in ["text", "github"] {
        let outcome = run_in(&dir, &["--format", format, "."]);
        assert_eq!(outcome.code, 1, "{}", outcome.all());
        // GitHub maps an annotation by its exact `file=`: only what is
        // shown (the message) is escaped.
        let out: String = outcome
            .all()
            .lines()
            .map(|l| match format {
                "github" => l.rsplit("::").next().unwrap_or(l),
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !out.lines().any(|l| l.starts_with("Dockerfile:9:9")),
            "{format}:\n{out}"
        );
        for c in ['\u{202e}', '\u{2066}', '\r'] {
            assert!(!out.contains(c), "{format} shows {c:?}:\n{out}");
        }
        assert!(out.contains("\\u{202e}"), "{format}:\n{out}");
    }
    let text = run_in(&dir, &["--concise", "."]);
    assert!(
        text.stdout.contains(
            "a\\nDockerfile:9:9: error[DF001] forged finding\\nb/Dockerfile:1:6: error[DF001]"
        ),
        "{}",
        text.all()
    );
    let gitlab = run_in(&dir, &["--format", "gitlab", "."]);
    let issues: serde_json::Value = serde_json::from_str(&gitlab.stdout).unwrap();
    for issue in issues.as_array().unwrap() {
        let description = issue["description"].as_str().unwrap();
        assert!(
            !description.contains(['\n', '\r', '\u{202e}']),
            "{description:?}"
        );
    }
    // A diff shows a line's control and bidirectional characters escaped;
    // its own line ending stays.
    let fix = repository(
        "diff",
        &[(
            "Dockerfile",
            "FROM debian:12@sha256:0000000000000000000000000000000000000000000000000000000000000000\r\nRUN npm install # \u{202e}\u{1b}[2J\r\n",
        )],
    );
    let outcome = run_in(&fix, &["--diff", "--unsafe-fixes", "--offline", "."]);
    assert_eq!(outcome.code, 1, "{}", outcome.all());
    assert!(
        outcome.stdout.contains(
            "-RUN npm install # \\u{202e}\\x1b[2J\r\n+RUN npm ci # \\u{202e}\\x1b[2J\r\n"
        ),
        "{:?}",
        outcome.stdout
    );
}

/// `.git/config` holds the token CI checked the repository out with
/// (actions/checkout's `extraheader`, GitLab's `gitlab-ci-token` URL): a
/// committed link to it is inside the repository, and still not read.
#[test]
fn nothing_is_read_from_the_repositorys_git_directory() {
    let dir = repository(
        "git-config",
        &[(
            "compose.yaml",
            "services:\n  a:\n    image: \"x:${url}\"\n  b:\n    image: \"x:${extraheader}\"\n",
        )],
    );
    std::fs::write(
        dir.join(".git/config"),
        format!("[remote \"origin\"]\n\turl = https://gitlab-ci-token:{SECRET}@gitlab.com/x/y.git\n[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic {SECRET}\n"),
    )
    .unwrap();
    link(".git/config", &dir.join(".env"));
    audit_everywhere(
        &dir,
        &[".env: it leads into the repository's `.git` directory"],
    );
    // Nor through an include, nor named.
    std::fs::write(
        dir.join(".gitlab-ci.yml"),
        "include:\n  - local: .git/config\n",
    )
    .unwrap();
    audit_everywhere(&dir, &["local include `.git/config` not audited: it leads into the repository's `.git` directory"]);
}

/// A `.git` file a tree holds (a tarball, or a checkout of a repository
/// that commits one in a subdirectory) may name any directory as its git
/// directory: its `info/exclude` is never read from `/proc`, and a pattern
/// of such a file is never shown.
#[test]
fn an_exclude_file_a_git_file_names_is_never_read_from_proc_nor_shown() {
    let dir = repository(
        "gitdir",
        &[
            ("sub/Dockerfile", "FROM alpine\n"),
            ("sub/.git", "gitdir: evil\n"),
        ],
    );
    link("/proc/self/environ", &dir.join("sub/evil/info/exclude"));
    let outcome = run_in(&dir, &["--concise", "."]);
    assert!(!outcome.all().contains(SECRET), "{}", outcome.all());
    assert!(
        outcome
            .stderr
            .contains("sub/evil/info/exclude: it leads to `/proc/"),
        "{}",
        outcome.all()
    );
    assert!(
        outcome.stdout.contains("sub/Dockerfile:1:6"),
        "{}",
        outcome.all()
    );
    // Elsewhere, its patterns apply, and one that is no glob is named by
    // its line only.
    std::fs::remove_file(dir.join("sub/evil/info/exclude")).unwrap();
    std::fs::write(
        dir.join("sub/evil/info/exclude"),
        format!("[{SECRET}\nDockerfile\n"),
    )
    .unwrap();
    let outcome = run_in(&dir, &["--concise", "."]);
    assert!(!outcome.all().contains(SECRET), "{}", outcome.all());
    assert!(
        !outcome.stdout.contains("sub/Dockerfile"),
        "{}",
        outcome.all()
    );
}

/// CI names files of a stranger's tree (`repro-audit docker/Dockerfile`):
/// a named path that leads into /proc or out of its repository is refused
/// as a companion would be.
#[test]
fn a_named_path_that_leads_into_proc_or_out_of_the_repository_is_refused() {
    let secret = outside("named", &format!("FROM {SECRET}\n"));
    let dir = repository("named", &[]);
    link("/proc/self/environ", &dir.join("Dockerfile"));
    link(&secret, &dir.join("Dockerfile.out"));
    link(secret.parent().unwrap(), &dir.join("docker"));
    for named in ["Dockerfile", "Dockerfile.out", "docker/file", "docker"] {
        let outcome = run_in(&dir, &["--concise", named]);
        assert_eq!(outcome.code, 2, "{named}: {}", outcome.all());
        assert!(
            !outcome.all().contains(SECRET),
            "{named}: {}",
            outcome.all()
        );
        assert!(
            outcome.stderr.contains(": not read (pipe it in"),
            "{named}: {}",
            outcome.all()
        );
    }
    // The flake.lock beside a flake.nix given on standard input, through a
    // linked directory, is refused too.
    let lock = outside(
        "stdin-lock",
        "{\"nodes\": {\"root\": {}}, \"root\": \"root\", \"version\": 7}\n",
    );
    link(lock.parent().unwrap(), &dir.join("nix"));
    std::fs::rename(&lock, lock.with_file_name("flake.lock")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_repro-audit"))
        .args(["--concise", "--stdin-filename", "nix/flake.nix", "-"])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = _: { }; }\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("nix/flake.lock: a symbolic link out of the repository"),
        "{stderr}"
    );
}

/// Includes are told apart by what they are: a file reached through a
/// linked directory is one file, read once, and what all includes hold
/// is bounded in bytes, not only in files.
#[test]
fn gitlab_includes_are_read_once_whatever_their_names_and_bounded_in_bytes() {
    let dir = repository(
        "gitlab-links",
        &[
            (
                ".gitlab-ci.yml",
                "include:\n  - local: ci/a.yml\n  - local: link/a.yml\n  - local: l/l/l/ci/a.yml\n",
            ),
            ("ci/a.yml", "job:\n  image: python\n  script: [x]\n"),
        ],
    );
    link("ci", &dir.join("link"));
    link(".", &dir.join("l"));
    let outcome = run_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 1, "{}", outcome.all());
    assert_eq!(
        outcome.stdout.matches("`python`").count(),
        1,
        "{}",
        outcome.all()
    );

    // 20 includes of 4 MiB each: past 64 MiB in all, the rest are named.
    let big = format!("x: \"{}\"\n", "y".repeat(4 * 1024 * 1024));
    let mut main = String::from("include:\n");
    let mut files = vec![];
    for i in 0..20 {
        main.push_str(&format!("  - local: ci/{i}.yml\n"));
        files.push((format!("ci/{i}.yml"), big.clone()));
    }
    let mut all: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    all.push((".gitlab-ci.yml", &main));
    let dir = repository("gitlab-bytes", &all);
    let outcome = run_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 2, "{}", outcome.all());
    let left_out = outcome
        .stderr
        .lines()
        .filter(|l| {
            l.contains("the files the pipeline includes would hold more than 64 MiB in all")
        })
        .count();
    assert_eq!(left_out, 5, "{}", outcome.all());
}

/// A configuration below where the command runs that cannot be read
/// leaves out the files it applies to, said; every other file is audited
/// and the report is still a document.
#[test]
fn a_nested_configuration_that_cannot_be_read_leaves_out_only_its_files() {
    let dir = repository(
        "nested-config",
        &[
            ("a/Dockerfile", "FROM alpine\n"),
            ("b/Dockerfile", "FROM debian\n"),
        ],
    );
    fifo(&dir.join("b/.repro-audit.toml"));
    for format in ["json", "sarif", "gitlab"] {
        let outcome = run_in(&dir, &["--format", format, "."]);
        assert_eq!(outcome.code, 2, "{format}: {}", outcome.all());
        let document: serde_json::Value = serde_json::from_str(&outcome.stdout).unwrap();
        let text = document.to_string();
        assert!(text.contains("a/Dockerfile"), "{format}");
        assert!(!text.contains("b/Dockerfile"), "{format}");
    }
    let outcome = run_in(&dir, &["--concise", "."]);
    assert!(
        outcome.stderr.contains("b/.repro-audit.toml: cannot read the configuration: not a regular file (a FIFO); the files it applies to are not audited"),
        "{}",
        outcome.all()
    );
}

/// Outside a git repository, what a file may name is bounded by the
/// directory walked, not by the file's own directory.
#[test]
fn outside_git_a_link_to_another_directory_of_the_walked_tree_is_followed() {
    let dir =
        std::env::temp_dir().join(format!("repro-audit-hostile-nogit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    std::fs::write(dir.join("shared/app.env"), "TAG=1.2\n").unwrap();
    link("../shared/app.env", &dir.join("sub/.env"));
    std::fs::write(
        dir.join("sub/compose.yaml"),
        "services:\n  w:\n    image: \"nginx:${TAG}\"\n",
    )
    .unwrap();
    let outcome = run_in(&dir, &["--concise", "."]);
    assert_eq!(outcome.code, 1, "{}", outcome.all());
    assert!(outcome.stdout.contains("`nginx:1.2`"), "{}", outcome.all());
}

/// The implicit bidirectional marks and the Unicode line separators are
/// escaped as the controls are.
#[test]
fn bidirectional_marks_and_line_separators_are_escaped() {
    let dir = repository("marks", &[]);
    let name = "m\u{200f}a\u{061c}r\u{2028}k";
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("Dockerfile"), "FROM debian\n").unwrap();
    for format in ["text", "github", "sarif"] {
        let outcome = run_in(&dir, &["--format", format, "."]);
        for c in ['\u{200f}', '\u{061c}', '\u{2028}'] {
            assert!(
                !outcome.stdout.contains(c),
                "{format} shows {c:?}: {}",
                outcome.stdout
            );
        }
    }
}
