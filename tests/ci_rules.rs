//! One line per case, as hadolint writes its rule tests: what each rule of
//! the CI and dev container kinds finds (as `line:column-line:column`) in
//! a small workflow, `.gitlab-ci.yml` or devcontainer.json (and, for
//! pragmas, which every YAML kind reads alike, compose.yaml). `@D` stands
//! for a digest.

use repro_audit::audit::{
    audit_compose, audit_devcontainer, audit_gitlab_ci, audit_workflow, Options,
};
use repro_audit::date::Date;
use repro_audit::finding::Finding;
use repro_audit::rules::{self, Check, RULES};

const D: &str = "sha256:1f8cbb2ef43e1a3f7a2b0d1b92b93c4ae3e4c1bd0a4f6b16d9ff5c3e7b8a0c21";

#[derive(Debug, Clone, Copy)]
enum Kind {
    Workflow,
    Gitlab,
    Devcontainer,
    Compose,
}

/// What `rule` reports on `text` read as `kind`. A rule about pragmas
/// runs with every rule on by default, since what a pragma suppresses
/// depends on them.
fn findings(rule: &str, kind: Kind, text: &str) -> Vec<Finding> {
    let rule = rules::find(rule).expect("a rule");
    let enabled = match rule.check {
        Check::Pragmas(_) => RULES
            .iter()
            .filter(|r| !rules::OPT_IN.contains(&r.code) || r.code == rule.code)
            .collect(),
        _ => vec![rule],
    };
    let options = Options::new(enabled, Date::parse("2026-11-21").unwrap());
    let text = text.replace("@D", &format!("@{D}"));
    let shown = text.clone();
    let audited = match kind {
        Kind::Workflow => audit_workflow(".github/workflows/ci.yml", text, &options),
        Kind::Gitlab => audit_gitlab_ci(".gitlab-ci.yml", text, &options),
        Kind::Devcontainer => audit_devcontainer(".devcontainer/devcontainer.json", text, &options),
        Kind::Compose => audit_compose("compose.yaml", text, &Default::default(), &options),
    };
    let (mut found, _) =
        audited.unwrap_or_else(|e| panic!("{kind:?} does not parse: {e:?}\n{shown}"));
    found.retain(|f| f.code == rule.code);
    found
}

/// Where `rule` finds something, as `line:column-line:column`.
fn finds(rule: &str, kind: Kind, text: &str) -> Vec<String> {
    findings(rule, kind, text)
        .iter()
        .map(|f| {
            format!(
                "{}:{}-{}:{}",
                f.start.line, f.start.column, f.end.line, f.end.column
            )
        })
        .collect()
}

/// What `rule` says, one message per finding.
fn says(rule: &str, kind: Kind, text: &str) -> Vec<String> {
    findings(rule, kind, text)
        .into_iter()
        .map(|f| f.message)
        .collect()
}

macro_rules! assert_finds {
    ($rule:expr, $kind:ident, $text:expr, [$($span:expr),* $(,)?]) => {
        assert_eq!(
            finds($rule, Kind::$kind, $text),
            [$($span),*] as [&str; 0 $(+ { let _ = $span; 1 })*],
            "{}: {:?}",
            $rule,
            $text
        )
    };
}

macro_rules! assert_clean {
    ($rule:expr, $kind:ident, $text:expr) => {
        assert_finds!($rule, $kind, $text, [])
    };
}

#[test]
fn gitlab_reads_a_key_written_twice_as_the_last_one() {
    // A job defined twice: the second definition is the job.
    assert_finds!(
        "GL001",
        Gitlab,
        "a:\n  image: x:1\n  script: [m]\na:\n  image: y:1\n  script: [m]\n",
        ["5:10-5:13"]
    );
    assert_finds!(
        "GL001",
        Gitlab,
        "a:\n  image: x:1\n  image: y:1\n  script: [m]\n",
        ["3:10-3:13"]
    );
    assert_clean!(
        "GL001",
        Gitlab,
        "a:\n  image: x:1\n  script: [m]\na:\n  image: y:1@D\n  script: [m]\n"
    );
    assert_finds!(
        "GL001",
        Gitlab,
        "default:\n  image: x:1\ndefault:\n  image: y\n",
        ["4:10-4:11"]
    );
    // Two `<<` keys (libvirt-ci's rules): both merge, the later one wins.
    assert_finds!(
        "GL001",
        Gitlab,
        ".a: &a {image: x:1}\n.b: &b {stage: t}\nj:\n  <<: *a\n  <<: *b\n  script: [m]\n",
        ["1:16-1:19"]
    );
    assert_finds!(
        "GL001",
        Gitlab,
        ".a: &a {image: x:1@D}\n.b: &b {image: y:1}\nj:\n  <<: *a\n  <<: *b\n",
        ["2:16-2:19"]
    );
    assert_eq!(
        says(
            "GL001",
            Kind::Gitlab,
            ".a: &a {image: x:1@D}\n.b: &b {image: y:1}\nj:\n  <<: *a\n  <<: *b\n"
        ),
        ["jobs `.b` and `j` image `y:1` is not pinned by digest"]
    );
    assert_finds!("GL001", Gitlab, "r: &r {if: x}\nc: &c {changes: [y]}\nj:\n  image: z:1\n  rules:\n    - <<: *r\n      <<: *c\n", ["4:10-4:13"]);
}

#[test]
fn gitlab_names_every_job_that_merges_one_image() {
    let jobs = |n: usize| {
        let mut text = String::from(".base: &base\n  image: node:20\n  services: [redis:7]\n");
        for i in 0..n {
            text.push_str(&format!("job{i}:\n  <<: *base\n  script: [m]\n"));
        }
        text
    };
    assert_finds!("GL001", Gitlab, &jobs(4), ["2:10-2:17", "3:14-3:21"]);
    assert_eq!(
        says("GL001", Kind::Gitlab, &jobs(1)),
        [
            "jobs `.base` and `job0` image `node:20` is not pinned by digest",
            "jobs `.base` and `job0` service `redis:7` is not pinned by digest"
        ]
    );
    assert_eq!(
        says("GL001", Kind::Gitlab, &jobs(2))[0],
        "jobs `.base`, `job0` and `job1` image `node:20` is not pinned by digest"
    );
    assert_eq!(
        says("GL001", Kind::Gitlab, &jobs(5))[0],
        "jobs `.base`, `job0`, `job1` and 3 more image `node:20` is not pinned by digest"
    );
    // An alias of the image alone, and the default sharing it: placed at
    // the anchored value, past the anchor, which a fix keeps.
    assert_finds!(
        "GL001",
        Gitlab,
        "default:\n  image: &i ruby:3\nj:\n  image: *i\n",
        ["2:13-2:19"]
    );
    assert_eq!(
        says(
            "GL001",
            Kind::Gitlab,
            "default:\n  image: &i ruby:3\nj:\n  image: *i\n"
        ),
        ["the pipeline's default and job `j` image `ruby:3` is not pinned by digest"]
    );
    // The same image written twice is two places to pin.
    assert_finds!(
        "GL001",
        Gitlab,
        "a:\n  image: ruby:3\nb:\n  image: ruby:3\n",
        ["2:10-2:16", "4:10-4:16"]
    );
}

#[test]
fn gitlab_hosted_macos_and_windows_runners_take_vm_images() {
    assert_clean!(
        "GL001",
        Gitlab,
        "build:\n  image: macos-15-xcode-16\n  tags: [saas-macos-medium-m1]\n"
    );
    assert_clean!(
        "GL001",
        Gitlab,
        "build:\n  image: macos-14-xcode-15\n  tags:\n    - saas-macos-large-m2pro\n"
    );
    assert_clean!(
        "GL001",
        Gitlab,
        "build:\n  image: windows\n  tags: [saas-windows-medium-amd64]\n"
    );
    assert_clean!(
        "GL001",
        Gitlab,
        "build:\n  image: macos-12-xcode-14\n  tags: [shared-macos-amd64]\n"
    );
    // Through `extends:` (the last template with tags wins), `default:`,
    // and an anchor.
    assert_clean!("GL001", Gitlab, ".mac:\n  tags: [saas-macos-medium-m1]\nbuild:\n  extends: .mac\n  image: macos-15-xcode-16\n");
    assert_clean!("GL001", Gitlab, ".linux:\n  tags: [docker]\n.mac:\n  extends: .linux\n  tags: [saas-macos-medium-m1]\nbuild:\n  extends: [.linux, .mac]\n  image: macos-15-xcode-16\n");
    assert_clean!("GL001", Gitlab, "default:\n  tags: [saas-macos-medium-m1]\n  image: macos-15-xcode-16\nbuild:\n  script: [xcodebuild]\n");
    assert_clean!(
        "GL001",
        Gitlab,
        "default:\n  tags: [saas-macos-medium-m1]\nbuild:\n  image: macos-15-xcode-16\n"
    );
    assert_clean!("GL001", Gitlab, ".mac: &mac\n  tags: [saas-macos-medium-m1]\n  image: macos-15-xcode-16\nbuild:\n  <<: *mac\n");
    // Linux runners, hosted or not, run containers.
    assert_finds!(
        "GL001",
        Gitlab,
        "build:\n  image: node:20\n  tags: [saas-linux-small-amd64]\n",
        ["2:10-2:17"]
    );
    assert_finds!(
        "GL001",
        Gitlab,
        "build:\n  image: node:20\n  tags: [macos-docker]\n",
        ["2:10-2:17"]
    );
    // A job's own tags win over its template's and the default's.
    assert_finds!("GL001", Gitlab, ".mac:\n  tags: [saas-macos-medium-m1]\nbuild:\n  extends: .mac\n  tags: [docker]\n  image: node:20\n", ["6:10-6:17"]);
    assert_finds!(
        "GL001",
        Gitlab,
        "default:\n  tags: [saas-macos-medium-m1]\nbuild:\n  tags: [docker]\n  image: node:20\n",
        ["5:10-5:17"]
    );
    // A job that refuses the default's keywords runs where its own say.
    assert_finds!("GL001", Gitlab, "default:\n  tags: [saas-macos-medium-m1]\nbuild:\n  inherit:\n    default: false\n  image: node:20\n", ["6:10-6:17"]);
    assert_finds!("GL001", Gitlab, "default:\n  tags: [saas-macos-medium-m1]\nbuild:\n  inherit:\n    default: [image]\n  image: node:20\n", ["6:10-6:17"]);
    assert_clean!("GL001", Gitlab, "default:\n  tags: [saas-macos-medium-m1]\nbuild:\n  inherit:\n    default: [tags]\n  image: macos-15-xcode-16\n");
    // One anchor merged into a macOS job and a Linux job: named for the Linux one.
    assert_eq!(says("GL001", Kind::Gitlab, ".img: &img {image: node:20}\nmac:\n  <<: *img\n  tags: [saas-macos-medium-m1]\nlinux:\n  <<: *img\n"), ["jobs `.img` and `linux` image `node:20` is not pinned by digest"]);
    // A tag from a variable is GitLab's to know.
    assert_finds!(
        "GL001",
        Gitlab,
        "build:\n  image: node:20\n  tags: [$RUNNER]\n",
        ["2:10-2:17"]
    );
    // `extends:` that loops ends.
    assert_finds!(
        "GL001",
        Gitlab,
        ".a:\n  extends: .b\n.b:\n  extends: .a\nj:\n  extends: .a\n  image: node:20\n",
        ["7:10-7:17"]
    );
}

/// A job `build` of a workflow, its lines indented under the job.
fn job(lines: &str) -> String {
    let body: String = lines.lines().map(|l| format!("    {l}\n")).collect();
    format!("on: push\njobs:\n  build:\n{body}")
}

#[test]
fn github_runners_drawn_from_a_literal_matrix_are_judged_value_by_value() {
    // Lines 4 on are the job's.
    let m = |lines: &str| {
        job(&format!(
            "runs-on: ${{{{ matrix.os }}}}\nstrategy:\n  matrix:\n{lines}"
        ))
    };
    assert_finds!(
        "GH003",
        Workflow,
        &m("    os: [ubuntu-latest, windows-2022, macos-latest]"),
        ["7:14-7:27", "7:43-7:55"]
    );
    assert_finds!(
        "GH003",
        Workflow,
        &m("    os:\n      - ubuntu-latest\n      - ubuntu-24.04"),
        ["8:13-8:26"]
    );
    assert_eq!(says("GH003", Kind::Workflow, &m("    os: [ubuntu-latest]")), ["job `build` runs on `ubuntu-latest` (from `matrix.os`), which GitHub moves to a new ubuntu image"]);
    // `include:` entries add values, or jobs of their own.
    assert_finds!(
        "GH003",
        Workflow,
        &m("    os: [ubuntu-24.04]\n    include:\n      - os: windows-latest"),
        ["9:17-9:31"]
    );
    assert_finds!(
        "GH003",
        Workflow,
        &m("    python: ['3.12']\n    include:\n      - os: macos-latest\n        python: '3.13'"),
        ["9:17-9:29"]
    );
    assert_finds!(
        "GH003",
        Workflow,
        &m("    include:\n      - os: ubuntu-latest\n      - os: ubuntu-latest"),
        ["8:17-8:30", "9:17-9:30"]
    );
    // A value every job of which is excluded is not run on.
    assert_finds!(
        "GH003",
        Workflow,
        &m("    os: [ubuntu-latest, ubuntu-24.04]\n    exclude:\n      - os: ubuntu-latest"),
        []
    );
    assert_finds!("GH003", Workflow, &m("    os: [ubuntu-latest, ubuntu-24.04]\n    cc: [gcc, clang]\n    exclude:\n      - os: ubuntu-latest\n        cc: gcc"), ["7:14-7:27"]);
    // starter-workflows' cmake-multi-platform.
    assert_finds!("GH003", Workflow, &m("    os: [ubuntu-latest, windows-latest]\n    build_type: [Release]\n    c_compiler: [gcc, clang, cl]\n    include:\n      - os: windows-latest\n        c_compiler: cl\n        cpp_compiler: cl\n      - os: ubuntu-latest\n        c_compiler: gcc\n        cpp_compiler: g++\n    exclude:\n      - os: windows-latest\n        c_compiler: gcc\n      - os: ubuntu-latest\n        c_compiler: cl"), ["7:14-7:27", "7:29-7:43"]);
    // An include entry that only adds to jobs it fits: an `os` it does
    // not give is not new; a later entry overwrites what an earlier added.
    assert_finds!(
        "GH003",
        Workflow,
        &m("    v: [1, 2]\n    include:\n      - os: ubuntu-latest\n      - os: ubuntu-24.04"),
        []
    );
    assert_finds!("GH003", Workflow, &m("    v: [1, 2]\n    include:\n      - os: ubuntu-latest\n      - os: ubuntu-24.04\n        v: 1"), ["9:17-9:30"]);
    // Nested values (`matrix.config.os`), lists of labels, spacing.
    assert_finds!("GH003", Workflow, &job("runs-on: ${{ matrix.config.os }}\nstrategy:\n  matrix:\n    config:\n      - {os: ubuntu-latest, cc: gcc}\n      - {os: macos-14, cc: clang}"), ["8:18-8:31"]);
    assert_finds!(
        "GH003",
        Workflow,
        &job("runs-on: ${{matrix.os}}\nstrategy:\n  matrix:\n    os: [windows-latest]"),
        ["7:14-7:28"]
    );
    assert_finds!(
        "GH003",
        Workflow,
        &job("runs-on: [\"${{ matrix.os }}\"]\nstrategy:\n  matrix:\n    os: [ubuntu-latest]"),
        ["7:14-7:27"]
    );
    assert_clean!("GH003", Workflow, &job("runs-on: [self-hosted, \"${{ matrix.os }}\"]\nstrategy:\n  matrix:\n    os: [ubuntu-latest]"));
    assert_clean!("GH003", Workflow, &job("runs-on: ${{ matrix.runner }}\nstrategy:\n  matrix:\n    runner: [[self-hosted, ubuntu-latest]]"));
    // What cannot be resolved stays unjudged.
    assert_clean!(
        "GH003",
        Workflow,
        &job("runs-on: ${{ matrix.os }}\nstrategy:\n  matrix: ${{ fromJSON(needs.a.outputs.m) }}")
    );
    assert_clean!("GH003", Workflow, &job("runs-on: ${{ matrix.os }}\nstrategy:\n  matrix:\n    os: ${{ fromJSON(needs.a.outputs.os) }}"));
    assert_clean!("GH003", Workflow, &job("runs-on: ${{ matrix.os }}\nstrategy:\n  matrix:\n    os: [ubuntu-latest]\n    include: ${{ fromJSON(needs.a.outputs.extra) }}"));
    assert_clean!("GH003", Workflow, &job("runs-on: ${{ matrix.os || 'ubuntu-latest' }}\nstrategy:\n  matrix:\n    os: [ubuntu-latest]"));
    assert_clean!("GH003", Workflow, &job("runs-on: ${{ matrix.os }}"));
    assert_clean!(
        "GH003",
        Workflow,
        &job("runs-on: ${{ matrix.other }}\nstrategy:\n  matrix:\n    os: [ubuntu-latest]")
    );
    assert_clean!(
        "GH003",
        Workflow,
        &job("runs-on: ${{ inputs.os }}\nstrategy:\n  matrix:\n    os: [ubuntu-latest]")
    );
    // More jobs than GitHub makes (256): GitHub refuses it.
    let big = format!(
        "    a: [{}]\n    os: [ubuntu-latest]\n    b: [1, 2, 3]",
        (0..100)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert_clean!("GH003", Workflow, &m(&big));
}

#[test]
fn github_images_drawn_from_a_literal_matrix_are_judged_value_by_value() {
    let m = |image: &str, lines: &str| {
        job(&format!(
            "runs-on: ubuntu-24.04\n{image}\nstrategy:\n  matrix:\n{lines}"
        ))
    };
    assert_finds!(
        "GH002",
        Workflow,
        &m(
            "container: ${{ matrix.image }}",
            "    image: ['node:20', 'node:22@D', debian]"
        ),
        ["8:17-8:26", "8:111-8:117"]
    );
    assert_eq!(
        says(
            "GH002",
            Kind::Workflow,
            &m(
                "container:\n  image: ${{ matrix.image }}",
                "    image: [node:20]"
            )
        ),
        ["job `build` container image `node:20` (from `matrix.image`) is not pinned by digest"]
    );
    assert_eq!(
        says(
            "GH002",
            Kind::Workflow,
            &m(
                "services:\n  db:\n    image: ${{ matrix.db }}",
                "    db: [postgres]"
            )
        ),
        ["job `build` service `db` image `postgres` (from `matrix.db`) has no tag and no digest"]
    );
    assert_finds!(
        "GH002",
        Workflow,
        &m(
            "container: ${{ matrix.c }}",
            "    c:\n      - image: node:20\n        options: --cpus 1"
        ),
        ["9:20-9:27"]
    );
    // An empty value in the matrix is no container for that job.
    assert_finds!(
        "GH002",
        Workflow,
        &m(
            "services:\n  db:\n    image: ${{ matrix.db }}",
            "    db: ['', 'postgres:16']"
        ),
        ["10:18-10:31"]
    );
    assert_clean!(
        "GH002",
        Workflow,
        &m("container: node:${{ matrix.node }}", "    node: [20, 22]")
    );
    assert_clean!(
        "GH002",
        Workflow,
        &m(
            "container: ${{ matrix.image }}",
            "    image: ${{ fromJSON(inputs.images) }}"
        )
    );
}

#[test]
fn github_empty_images_and_jobs_that_never_run() {
    // `image: ""` means no service container (act's test data has it).
    assert_clean!("GH002", Workflow, &job("runs-on: ubuntu-24.04\nservices:\n  db:\n    image: \"\"\n  cache:\n    image: ''\ncontainer: \"\""));
    assert_clean!(
        "GH002",
        Workflow,
        &job("runs-on: ubuntu-24.04\nservices:\n  db:\n    image: ${{ false || '' }}")
    );
    assert_finds!(
        "GH002",
        Workflow,
        &job(
            "runs-on: ubuntu-24.04\nservices:\n  db:\n    image: \" \"\n  redis:\n    image: redis"
        ),
        ["9:16-9:21"]
    );
    // A job or step whose `if:` is a literal false never runs.
    for never in [
        "false",
        "${{ false }}",
        "${{false}}",
        "'false'",
        "\"${{ false }}\"",
    ] {
        let body = format!("if: {never}\nruns-on: ubuntu-latest\ncontainer: node\nsteps:\n  - uses: actions/checkout@v4");
        for rule in ["GH001", "GH002", "GH003"] {
            assert_clean!(rule, Workflow, &job(&body));
        }
        let step = format!("runs-on: ubuntu-24.04\nsteps:\n  - if: {never}\n    uses: actions/checkout@v4\n  - uses: actions/cache@v4");
        assert_finds!("GH001", Workflow, &job(&step), ["8:15-8:31"]);
        let call = format!("if: {never}\nuses: o/r/.github/workflows/x.yml@main");
        assert_clean!("GH001", Workflow, &job(&call));
    }
    for runs in [
        "true",
        "${{ true }}",
        "github.event_name == 'push'",
        "${{ !false }}",
        "false && x",
        "${{ 'false' == 'false' }}",
    ] {
        let body = format!("if: {runs}\nruns-on: ubuntu-latest");
        assert_finds!("GH003", Workflow, &job(&body), ["5:14-5:27"]);
    }
}

#[test]
fn github_own_actions_and_workflows_at_the_running_commit() {
    assert_clean!(
        "GH001",
        Workflow,
        &job("uses: $/.github/workflows/reusable.yml")
    );
    assert_clean!("GH001", Workflow, &job("runs-on: ubuntu-24.04\nsteps:\n  - uses: $/actions/root\n  - uses: ./local\n  - uses: ../up"));
    // At another ref of the repository, the ref is judged; no fix can
    // look it up.
    assert_finds!(
        "GH001",
        Workflow,
        &job("uses: $/.github/workflows/reusable.yml@main"),
        ["4:11-4:48"]
    );
    let found = findings(
        "GH001",
        Kind::Workflow,
        &job("uses: $/.github/workflows/reusable.yml@main"),
    );
    assert!(found[0].fix.is_none());
    assert_finds!(
        "GH001",
        Workflow,
        &job("uses: o/r/.github/workflows/x.yml@main"),
        ["4:11-4:43"]
    );
}

#[test]
fn dev_container_images_are_judged_only_where_the_container_is_made_from_them() {
    assert_finds!(
        "DC001",
        Devcontainer,
        "{\"image\": \"debian:12\"}",
        ["1:11-1:22"]
    );
    // A byte-order mark is read, and takes no column.
    assert_finds!(
        "DC001",
        Devcontainer,
        "\u{feff}{\"image\": \"debian:12\"}",
        ["1:11-1:22"]
    );
    assert_finds!(
        "DC002",
        Devcontainer,
        "\u{feff}{\"features\": {\"ghcr.io/devcontainers/features/node:1\": {}}}",
        ["1:15-1:54"]
    );
    // Beside a Compose file or a Dockerfile, `image` is ignored by the spec.
    assert_clean!(
        "DC001",
        Devcontainer,
        "{\"dockerComposeFile\": \"compose.yaml\", \"service\": \"app\", \"image\": \"debian:12\"}"
    );
    assert_clean!(
        "DC001",
        Devcontainer,
        "{\"image\": \"debian\", \"dockerComposeFile\": [\"a.yml\", \"b.yml\"]}"
    );
    assert_clean!(
        "DC001",
        Devcontainer,
        "{\"image\": \"debian\", \"build\": {\"dockerfile\": \"Dockerfile\"}}"
    );
    assert_clean!(
        "DC001",
        Devcontainer,
        "{\"image\": \"debian\", \"dockerFile\": \"Dockerfile\"}"
    );
    // A `build` without a Dockerfile builds nothing: `image` is used.
    assert_finds!(
        "DC001",
        Devcontainer,
        "{\"image\": \"debian\", \"build\": {\"args\": {}}}",
        ["1:11-1:19"]
    );
}

#[test]
fn dev_container_legacy_features() {
    assert_finds!(
        "DC002",
        Devcontainer,
        "{\"features\": {\"docker-in-docker\": \"latest\"}}",
        ["1:15-1:33"]
    );
    assert_eq!(says("DC002", Kind::Devcontainer, "{\"features\": {\"docker-in-docker\": \"latest\"}}"), ["dev container feature `docker-in-docker` is a legacy short id: the dev containers CLI installs `ghcr.io/devcontainers/features/docker-in-docker:1`, a version its publisher moves"]);
    assert_eq!(says("DC002", Kind::Devcontainer, "{\"features\": {\"golang\": \"1.21\", \"common\": {}}}"), ["dev container feature `golang` is a legacy short id: the dev containers CLI installs `ghcr.io/devcontainers/features/go:1`, a version its publisher moves", "dev container feature `common` is a legacy short id: the dev containers CLI installs `ghcr.io/devcontainers/features/common-utils:1`, a version its publisher moves"]);
    // Short ids the CLI cannot resolve install nothing.
    assert_clean!(
        "DC002",
        Devcontainer,
        "{\"features\": {\"fish\": {}, \"gradle\": \"latest\"}}"
    );
    // A GitHub release, the form before OCI registries.
    assert_eq!(says("DC002", Kind::Devcontainer, "{\"features\": {\"owner/repo/feature@v1.2\": {}}}"), ["dev container feature `owner/repo/feature` is taken from GitHub release `v1.2`, a tag its owner can move"]);
    assert_clean!("DC002", Devcontainer, "{\"features\": {\"ghcr.io/devcontainers/features/node:1@D\": {}, \"./local\": {}, \"https://example.com/devcontainer-feature-x.tgz\": {}}}");
}

#[test]
fn a_pragma_may_end_the_line_it_is_about() {
    let step = |uses: &str| job(&format!("runs-on: ubuntu-24.04\nsteps:\n  - uses: {uses}"));
    assert_clean!(
        "GH001",
        Workflow,
        &step("actions/checkout@v4 # repro-audit ignore=GH001")
    );
    assert_clean!(
        "GH001",
        Workflow,
        &step("actions/checkout@v4\t# repro-audit ignore=action-unpinned, GH003")
    );
    assert_clean!(
        "GH001",
        Workflow,
        &step("'actions/checkout@v4' # repro-audit ignore=GH001 we trust it")
    );
    // Only its own line, and only the rules it names.
    assert_finds!(
        "GH001",
        Workflow,
        &step("actions/checkout@v4 # repro-audit ignore=GH001\n  - uses: actions/cache@v4"),
        ["7:15-7:31"]
    );
    assert_finds!(
        "GH001",
        Workflow,
        &step("actions/checkout@v4 # repro-audit ignore=GH003"),
        ["6:15-6:34"]
    );
    // A `#` in a value is no comment: a quoted one, or a script's.
    assert_finds!(
        "GH001",
        Workflow,
        &step("\"actions/checkout@v4 # repro-audit ignore=GH001\""),
        ["6:15-6:63"]
    );
    assert_finds!(
        "GH003",
        Workflow,
        &job("runs-on: ubuntu-latest\nsteps:\n  - run: |\n      echo # repro-audit ignore=GH003"),
        ["4:14-4:27"]
    );
    assert_finds!(
        "RA001",
        Workflow,
        &job("runs-on: ubuntu-24.04\nsteps:\n  - run: |\n      make # repro-audit: ignore=GH001"),
        []
    );
    // GitLab, Compose, and `//` in JSON with comments.
    assert_clean!(
        "GL001",
        Gitlab,
        "build:\n  image: ruby:3.3 # repro-audit ignore=GL001\n"
    );
    assert_clean!(
        "GL002",
        Gitlab,
        "include:\n  - remote: https://x/y.yml # repro-audit ignore=GL002\n"
    );
    assert_clean!(
        "CP002",
        Compose,
        "services:\n  web:\n    image: nginx:1.27 # repro-audit ignore=CP002\n"
    );
    assert_clean!(
        "DC001",
        Devcontainer,
        "{\n  \"image\": \"debian:12\" // repro-audit ignore=DC001\n}"
    );
    assert_clean!("DC002", Devcontainer, "{\"features\": {\"ghcr.io/devcontainers/features/node:1\": {}, // repro-audit ignore=DC002\n}}");
    assert_finds!(
        "DC001",
        Devcontainer,
        "{\n  \"image\": \"debian:12\", \"x\": \"// repro-audit ignore=DC001\"\n}",
        ["2:12-2:23"]
    );
    assert_finds!(
        "DC001",
        Devcontainer,
        "{\n  \"image\": \"debian:12\" /* repro-audit ignore=DC001 */\n}",
        ["2:12-2:23"]
    );
    // After another comment (an updater's `# v4`, a note).
    assert_clean!(
        "GH001",
        Workflow,
        &step("actions/checkout@v4 # v4 # repro-audit ignore=GH001")
    );
    assert_clean!(
        "DC001",
        Devcontainer,
        "{\n  \"image\": \"debian:12\" // see https://x.org // repro-audit ignore=DC001\n}"
    );
    // A global one at the end of a line is global.
    assert_clean!(
        "GH003",
        Workflow,
        &job("runs-on: ubuntu-latest # repro-audit global ignore=GH003")
    );
}

#[test]
fn a_malformed_or_unused_pragma_at_a_line_end_is_reported() {
    let step = |uses: &str| job(&format!("runs-on: ubuntu-24.04\nsteps:\n  - uses: {uses}"));
    assert_finds!(
        "RA001",
        Workflow,
        &step("actions/checkout@v4 # repro-audit: ignore=GH001"),
        ["6:35-6:62"]
    );
    assert_finds!(
        "RA001",
        Workflow,
        &step("actions/checkout@v4 # repro-audit ignore=GH999"),
        ["6:56-6:61"]
    );
    assert_finds!(
        "RA001",
        Gitlab,
        "a:\n  image: x:1 # repro-audit ignore\n",
        ["2:14-2:34"]
    );
    assert_finds!(
        "RA001",
        Devcontainer,
        "{\"image\": \"debian:12\" // repro-audit ignores=DC001\n}",
        ["1:23-1:51"]
    );
    assert_finds!(
        "RA001",
        Compose,
        "services:\n  web:\n    image: nginx # repro-audit:ignore=CP001\n",
        ["3:18-3:44"]
    );
    assert_finds!(
        "RA002",
        Workflow,
        &step(
            "actions/checkout@0000000000000000000000000000000000000000 # repro-audit ignore=GH001"
        ),
        ["6:94-6:99"]
    );
    // `# v4` and other comments are not pragmas.
    assert_clean!(
        "RA001",
        Workflow,
        &step("actions/checkout@0000000000000000000000000000000000000000 # v4.2.2")
    );
}
