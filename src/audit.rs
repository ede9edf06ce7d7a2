//! The audit: read each file, parse it, run the enabled rules, drop what
//! pragmas suppress, and place every finding at its line and column.
//! A file that cannot be read or parsed becomes an error; the others are
//! still audited.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::config::PerFileIgnore;
use crate::date::Date;
use crate::discover::{FileKind, Source, Target, Templates, Unit};
use crate::error::FileError;
use crate::finding::{Diagnostic, Finding, Severity};
use crate::input::{
    invalid_bytes_as_question_marks, io_message, normalize, read_file, read_inside, too_large,
    Refusal, MAX_DOCKERFILE_SIZE, MAX_FILE_SIZE,
};
use crate::rules;
use crate::rules::docker::Context;
use crate::rules::nix::{self, FlakeFile, Settings};
use crate::rules::{Check, Rule};
use crate::source::compose::project::{Project, ProjectFile};
use crate::source::compose::{self, ComposeFile, Variables};
use crate::source::devcontainer::Devcontainer;
use crate::source::dockerfile::{self, stages::BuildArgs, Dockerfile};
use crate::source::flake_lock::FlakeLock;
use crate::source::flake_nix::FlakeNix;
use crate::source::gitlab::{GitlabCi, Pipeline};
use crate::source::nix_file::NixFile;
use crate::source::nix_syntax;
use crate::source::span::{LineEnds, LineIndex, Position, SourceText, Span};
use crate::source::workflow::Workflow;
use crate::suppress::{NixSuppressions, Pragmas, Suppressions};

#[derive(Debug, Clone)]
pub struct Options {
    pub rules: Vec<&'static Rule>,
    pub build_args: BuildArgs,
    pub as_of: Date,
    pub nix: Settings,
    /// The configuration's `[severity]`: it wins over a rule's own.
    pub severity: HashMap<&'static str, Severity>,
    /// The configuration's `[per-file-ignores]`.
    pub per_file_ignores: Vec<PerFileIgnore>,
}

#[derive(Debug, Default)]
pub struct Report {
    /// How many files were audited or attempted, those a GitLab pipeline
    /// includes among them.
    pub files: usize,
    pub findings: Vec<Finding>,
    pub errors: Vec<FileError>,
    /// Of `files`, how many could not be audited (unreadable, unparsable,
    /// refused); the other errors are about files they name or read.
    pub unaudited: usize,
    /// The text of each file with findings, by display path, for snippets.
    pub sources: HashMap<String, SourceText>,
    /// Findings left out because the baseline already has them.
    pub baselined: usize,
    /// Where the paths of reports meant for other tools are taken from.
    pub roots: Roots,
}

/// The directories report paths are taken from. Shown paths are relative
/// to where the command runs; a baseline's fingerprints use the project's
/// (so that it matches from any directory), SARIF and GitLab the
/// repository's (as GitHub and GitLab resolve them).
#[derive(Debug, Clone, Default)]
pub struct Roots {
    /// Where the command runs.
    pub cwd: Option<std::path::PathBuf>,
    /// What baseline fingerprints are relative to: the repository's top
    /// level, else the directory of the configuration in force.
    pub project: Option<std::path::PathBuf>,
    /// The repository's top level (the nearest directory above that holds
    /// `.git`), else the configuration's directory.
    pub repository: Option<std::path::PathBuf>,
}

impl Roots {
    /// A shown path from `root`, `/`-separated; `None` without a root or
    /// outside it.
    pub fn from(&self, root: Option<&std::path::Path>, shown: &str) -> Option<String> {
        let (root, cwd) = (root?, self.cwd.as_ref()?);
        let absolute = normalize(&cwd.join(shown));
        let relative = absolute.strip_prefix(normalize(root)).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// A shown path as the project knows it (else as shown).
    pub fn in_project(&self, shown: &str) -> String {
        self.from(self.project.as_deref(), shown)
            .unwrap_or_else(|| shown.to_owned())
    }

    /// A shown path as the repository knows it (else as shown).
    pub fn in_repository(&self, shown: &str) -> String {
        self.from(self.repository.as_deref(), shown)
            .unwrap_or_else(|| shown.to_owned())
    }
}

/// What auditing one file gives.
type Audited = Result<(Vec<Finding>, SourceText), FileError>;

/// What auditing one unit gives: findings, the text of each file by its
/// display path (for snippets), and the files that could not be audited.
#[derive(Debug, Default)]
pub struct UnitResult {
    pub findings: Vec<Finding>,
    pub sources: Vec<(String, SourceText)>,
    pub errors: Vec<FileError>,
    /// How many of its files could not be audited.
    pub unaudited: usize,
    /// Files read beyond the unit's own (those a pipeline includes).
    pub included: usize,
}

impl From<Audited> for UnitResult {
    fn from(audited: Audited) -> Self {
        match audited {
            Ok((findings, text)) => {
                let sources = findings
                    .first()
                    .map(|f| (f.path.clone(), text))
                    .into_iter()
                    .collect();
                UnitResult {
                    findings,
                    sources,
                    ..UnitResult::default()
                }
            }
            Err(error) => UnitResult {
                errors: vec![error],
                unaudited: 1,
                ..UnitResult::default()
            },
        }
    }
}

impl Options {
    /// Every rule, as of `as_of`, with no configuration.
    pub fn new(rules: Vec<&'static Rule>, as_of: Date) -> Options {
        Options {
            rules,
            build_args: BuildArgs::default(),
            as_of,
            nix: Settings::default(),
            severity: HashMap::new(),
            per_file_ignores: Vec::new(),
        }
    }
}

/// Audit every unit with the same options.
pub fn audit(units: &[Unit], options: &Options) -> Report {
    let shared = std::sync::Arc::new(options.clone());
    let per_unit = vec![shared; units.len()];
    audit_each(units, &per_unit)
}

/// Audit every unit with its own options (those of its configuration), on
/// as many threads as there are cores.
pub fn audit_each(units: &[Unit], options: &[std::sync::Arc<Options>]) -> Report {
    let next = AtomicUsize::new(0);
    let templates = Templates::default();
    let results: Mutex<Vec<(usize, UnitResult)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(units.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            // A stack the Nix parser can use in place, virtual until used.
            let worker = std::thread::Builder::new()
                .name("audit".into())
                .stack_size(nix_syntax::PARSER_STACK);
            let work = || {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(unit) = units.get(i) else { break };
                    let Some(options) = options.get(i) else { break };
                    let result = audit_unit_safely(unit, options, &templates);
                    // A clean file leaves nothing behind: memory grows with
                    // what is reported, not with the files walked.
                    let empty = result.findings.is_empty()
                        && result.errors.is_empty()
                        && result.sources.is_empty()
                        && result.included == 0;
                    if !empty {
                        mine.push((i, result));
                    }
                }
                results
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .extend(mine);
            };
            let spawned = worker.spawn_scoped(scope, move || {
                nix_syntax::on_large_stack();
                work();
            });
            if spawned.is_err() {
                // No thread to be had: audit here, where the Nix parser
                // starts threads of its own.
                work();
            }
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|p| p.into_inner());
    results.sort_by_key(|(i, _)| *i);
    let mut report = Report {
        files: units.iter().map(Unit::files).sum(),
        ..Report::default()
    };
    // A finding in a file that two units read (a Compose file included by
    // another and found by the walk too) is reported once: by the file's
    // own unit, else by the first that reads it. A unit's own files are never merged with
    // others (two names that are not UTF-8 may show alike).
    let own = |i: usize, path: &str| {
        units
            .get(i)
            .is_some_and(|unit| unit.targets().iter().any(|t| t.display == path))
    };
    let owned: std::collections::HashSet<_> = results
        .iter()
        .flat_map(|(i, result)| {
            result
                .findings
                .iter()
                .filter(|f| own(*i, &f.path))
                .map(finding_key)
        })
        .collect();
    let mut borrowed = std::collections::HashSet::new();
    for (i, result) in results {
        report.files += result.included;
        report.sources.extend(result.sources);
        report
            .findings
            .extend(result.findings.into_iter().filter(|f| {
                own(i, &f.path)
                    || (!owned.contains(&finding_key(f)) && borrowed.insert(finding_key(f)))
            }));
        // An error said twice at one place is said once (`cli` sorts them).
        report.errors.extend(result.errors);
        report.unaudited += result.unaudited;
    }
    sort_findings(&mut report.findings);
    report
}

/// What makes two findings one: the rule and the place.
fn finding_key(finding: &Finding) -> (String, Span, &'static str) {
    (finding.path.clone(), finding.span, finding.code)
}

pub fn sort_findings(findings: &mut [Finding]) {
    findings
        .sort_by(|a, b| (&a.path, a.start, a.end, a.code).cmp(&(&b.path, b.start, b.end, b.code)));
}

/// Audit one unit; a bug that panics on it becomes that unit's error, so
/// the other files are still audited and reported.
fn audit_unit_safely(unit: &Unit, options: &Options, templates: &Templates) -> UnitResult {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut result = audit_unit(unit, options, templates);
        configure(&mut result, unit, options);
        result
    }))
    .unwrap_or_else(|panic| {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let target = match unit {
            Unit::Dockerfile(target)
            | Unit::Nix(target)
            | Unit::Compose(target)
            | Unit::Workflow(target)
            | Unit::Devcontainer(target)
            | Unit::Gitlab(target) => Some(target),
            Unit::Flake { nix, lock } => nix.as_ref().or(lock.as_ref()),
        };
        UnitResult {
            errors: vec![FileError::io(
                target.map_or("", |t| &t.display),
                &format!("internal error, please report it: {reason}"),
            )],
            unaudited: 1,
            ..UnitResult::default()
        }
    })
}

/// One file's result, from its text; standard input keeps its text even
/// when it has no findings or does not parse, for `--fix -` to print back.
fn one(target: &Target, audit: impl FnOnce(String) -> Audited) -> UnitResult {
    let text = match read(target) {
        Ok(text) => text,
        Err(error) => return Err(error).into(),
    };
    if target.source != Source::Stdin {
        return audit(text).into();
    }
    let kept = SourceText::new(text.clone(), line_ends(target.kind));
    let mut result: UnitResult = audit(text).into();
    if !result
        .sources
        .iter()
        .any(|(path, _)| *path == target.display)
    {
        result.sources.push((target.display.clone(), kept));
    }
    result
}

fn audit_unit(unit: &Unit, options: &Options, templates: &Templates) -> UnitResult {
    match unit {
        Unit::Dockerfile(target) => one(target, |text| {
            audit_dockerfile(&target.display, text, options)
        }),
        Unit::Nix(target) => one(target, |text| {
            audit_nix_file(&target.display, text, options)
        }),
        Unit::Devcontainer(target) => one(target, |text| {
            audit_devcontainer(&target.display, text, options)
        }),
        Unit::Gitlab(target) => audit_gitlab(target, options),
        Unit::Workflow(target) => one(target, |text| {
            audit_workflow(&target.display, text, options)
        }),
        Unit::Compose(target) => audit_compose_project(target, options),
        Unit::Flake { nix, lock } => {
            let mut result = UnitResult::default();
            let mut read_one = |target: &Option<Target>| {
                let target = target.as_ref()?;
                match read(target) {
                    Ok(text) => Some((target.display.clone(), text)),
                    Err(error) => {
                        result.errors.push(error);
                        None
                    }
                }
            };
            let nix_text = read_one(nix);
            // A flake.nix below the top of a repository that is a function
            // is a module named flake.nix (flake-parts' `modules/flake.nix`,
            // haskell.nix, srvos): Nix would not read it as a flake, and
            // it is audited as the `.nix` file it is.
            if let (None, Some(target), Some((shown, text))) = (lock, nix, &nix_text) {
                if below_the_top(target) && is_function(text) {
                    let mut module: UnitResult =
                        audit_nix_file(shown, text.clone(), options).into();
                    module.errors.append(&mut result.errors);
                    return module;
                }
            }
            let lock_text = read_one(lock);
            // A flake that its parent exports as a template ships without
            // a lock on purpose.
            let template = lock.is_none()
                && nix_text.is_some()
                && nix.as_ref().is_some_and(|target| match &target.source {
                    Source::File(path) => templates.exported(path),
                    Source::Stdin | Source::Refused(..) => false,
                });
            let lock_state = match (lock.is_none(), template) {
                (false, _) => LockState::Beside,
                (true, false) => LockState::Absent,
                (true, true) => LockState::NotNeeded,
            };
            let mut flake = audit_flake(nix_text, lock_text, lock_state, options);
            // What could not be read is not audited, as what could not be
            // parsed (counted by audit_flake).
            flake.unaudited += result.errors.len();
            flake.errors.append(&mut result.errors);
            flake
        }
    }
}

/// Whether a file is below the top of its repository (or of the
/// directory walked, outside git).
fn below_the_top(target: &Target) -> bool {
    let Source::File(path) = &target.source else {
        return false;
    };
    path.parent()
        .and_then(|dir| dir.canonicalize().ok())
        .is_some_and(|dir| dir != target.tree)
}

/// Whether a Nix text is a function as a whole.
fn is_function(text: &str) -> bool {
    NixFile::parse(text.to_owned()).is_ok_and(|file| file.function)
}

/// What the configuration says of the findings: `[per-file-ignores]`
/// leaves some out, `[severity]` sets the others' severity.
fn configure(result: &mut UnitResult, unit: &Unit, options: &Options) {
    if !options.per_file_ignores.is_empty() {
        let targets = unit.targets();
        result.findings.retain(|finding| {
            let Some(Source::File(path)) = targets
                .iter()
                .find(|t| t.display == finding.path)
                .map(|t| &t.source)
            else {
                return true;
            };
            !options
                .per_file_ignores
                .iter()
                .any(|ignore| ignore.rules.contains(&finding.code) && ignore.applies_to(path))
        });
    }
    for finding in &mut result.findings {
        if let Some(&severity) = options.severity.get(finding.code) {
            finding.severity = severity;
        }
    }
}

/// Whether a flake.lock is beside a flake.nix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// There is one (it may still be unreadable).
    Beside,
    /// There is none.
    Absent,
    /// There is none, and none is needed: a parent flake exports this one
    /// as a template.
    NotNeeded,
}

/// Audit a flake: `flake.nix` and `flake.lock` as (display path, text),
/// either missing.
pub fn audit_flake(
    nix_file: Option<(String, String)>,
    lock_file: Option<(String, String)>,
    lock_state: LockState,
    options: &Options,
) -> UnitResult {
    let mut result = UnitResult::default();
    // flake.nix is a Nix file too, even one Nix would not read as a flake
    // (a module named flake.nix): NX009–NX011 read it as such.
    let nix_file_rules = options
        .rules
        .iter()
        .any(|rule| matches!(rule.check, Check::NixFile(_)));
    let as_nix_file = nix_file
        .as_ref()
        .filter(|_| nix_file_rules)
        .and_then(|(path, text)| Some((path.clone(), NixFile::parse(text.clone()).ok()?)));
    let nix = parse_or_record(nix_file, &mut result, |text| {
        FlakeNix::parse(text).map_err(|e| (e.message, e.position))
    });
    let lock = parse_or_record(lock_file, &mut result, |text| {
        FlakeLock::parse(text).map_err(|e| (e.message, e.position))
    });
    let mut nix_file_pragmas = None;
    if let Some((path, file)) = &as_nix_file {
        let (findings, pragmas) = check_nix_file(path, file, options);
        result.findings.extend(findings);
        nix_file_pragmas = Some(pragmas);
    }
    if nix.is_none() && lock.is_none() {
        if let (Some((path, file)), Some(pragmas)) = (&as_nix_file, &nix_file_pragmas) {
            let found = pragma_findings(path, pragmas, &file.text, &file.lines, options);
            result.findings.extend(found);
        }
        keep_sources(
            &mut result,
            [as_nix_file.as_ref().map(|(p, f)| (p, &f.text))],
        );
        return result;
    }
    let context = nix::Context::new(
        nix.as_ref().map(|(_, n)| n),
        lock.as_ref().map(|(_, l)| l),
        lock_state == LockState::Absent,
        options.as_of,
        &options.nix,
    );
    let suppressions = nix
        .as_ref()
        .map(|(_, n)| Suppressions::for_flake(n))
        .unwrap_or_default();
    for rule in &options.rules {
        let Check::Nix(check) = rule.check else {
            continue;
        };
        let mut diagnostics = Vec::new();
        check(&context, &mut diagnostics);
        for found in diagnostics {
            if suppressions.is_suppressed_for(rule.code, &found.inputs) {
                continue;
            }
            let placed = match found.file {
                FlakeFile::Nix => nix.as_ref().map(|(p, n)| (p, &n.text, &n.lines)),
                FlakeFile::Lock => lock.as_ref().map(|(p, l)| (p, &l.text, &l.lines)),
            };
            if let Some((path, text, lines)) = placed {
                result
                    .findings
                    .push(place(path, rule, text, lines, found.diagnostic));
            }
        }
    }
    // flake.nix's pragmas, read by the flake rules and by the rules of any
    // .nix file: a rule a pragma names is used if either used it.
    if let Some((path, flake)) = &nix {
        let pragmas = &suppressions.pragmas;
        if let Some(other) = &nix_file_pragmas {
            for (named, also) in pragmas.named.iter().zip(&other.named) {
                if also.used.get() {
                    named.used.set(true);
                }
            }
        }
        let found = pragma_findings(path, pragmas, &flake.text, &flake.lines, options);
        result.findings.extend(found);
    }
    keep_sources(
        &mut result,
        [
            nix.as_ref().map(|(path, n)| (path, &n.text)),
            lock.as_ref().map(|(path, l)| (path, &l.text)),
            as_nix_file.as_ref().map(|(path, f)| (path, &f.text)),
        ],
    );
    result
}

/// Sort the findings, and keep the text of each file that has some, for
/// snippets.
fn keep_sources<'a, const N: usize>(
    result: &mut UnitResult,
    texts: [Option<(&'a String, &'a String)>; N],
) {
    sort_findings(&mut result.findings);
    for (path, text) in texts.into_iter().flatten() {
        let has_findings = result.findings.iter().any(|f| &f.path == path);
        if has_findings && !result.sources.iter().any(|(p, _)| p == path) {
            let text = SourceText::new(text.clone(), LineEnds::Any);
            result.sources.push((path.clone(), text));
        }
    }
}

/// Parse a file given as (display path, text); a syntax error is recorded
/// with its position and gives `None`.
fn parse_or_record<T>(
    file: Option<(String, String)>,
    result: &mut UnitResult,
    parse: impl FnOnce(String) -> Result<T, (String, Position)>,
) -> Option<(String, T)> {
    let (path, text) = file?;
    match parse(text) {
        Ok(parsed) => Some((path, parsed)),
        Err((message, position)) => {
            result
                .errors
                .push(FileError::syntax(&path, message, position));
            result.unaudited += 1;
            None
        }
    }
}

/// The line ends the reader of `kind` reads: BuildKit's for a Dockerfile,
/// every line break for the others.
fn line_ends(kind: FileKind) -> LineEnds {
    match kind {
        FileKind::Dockerfile => LineEnds::Lf,
        _ => LineEnds::Any,
    }
}

fn read(target: &Target) -> Result<String, FileError> {
    let limit = match target.kind {
        FileKind::Dockerfile => MAX_DOCKERFILE_SIZE,
        _ => MAX_FILE_SIZE,
    };
    let mut bytes = Vec::new();
    let result = match &target.source {
        Source::Stdin => std::io::stdin().take(limit + 1).read_to_end(&mut bytes),
        Source::File(path) => {
            bytes = read_file(path, limit)
                .map_err(|message| FileError::io(&target.display, &message))?;
            Ok(bytes.len())
        }
        Source::Refused(_, why) => {
            return Err(FileError::io(
                &target.display,
                &format!("{why}; not audited"),
            ));
        }
    };
    if let Err(error) = result {
        return Err(FileError::io(&target.display, &io_message(&error)));
    }
    if bytes.len() as u64 > limit {
        return Err(FileError::io(&target.display, &too_large(limit)));
    }
    // Nix reads bytes: a string or a comment may hold any. Each byte that
    // is not UTF-8 is read as `?`, so that every offset stays.
    if matches!(target.kind, FileKind::Nix | FileKind::FlakeNix) {
        return Ok(match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => invalid_bytes_as_question_marks(error.as_bytes()),
        });
    }
    utf8(bytes, &target.display, target.kind)
}

/// A file's bytes as text; where they stop being UTF-8 is an error there,
/// placed by the line ends of its kind.
fn utf8(bytes: Vec<u8>, shown: &str, kind: FileKind) -> Result<String, FileError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&error.as_bytes()[..valid]).into_owned();
        let lines = LineIndex::with_line_ends(&prefix, line_ends(kind));
        let position = lines.position(&prefix, valid);
        FileError::syntax(shown, "not valid UTF-8".into(), position)
    })
}

/// Audit one Dockerfile's text; the text comes back for snippets.
pub fn audit_dockerfile(path: &str, text: String, options: &Options) -> Audited {
    let parsed = dockerfile::parse(text)
        .map_err(|error| FileError::syntax(path, error.message, error.position))?;
    let findings = check_dockerfile(path, &parsed, options);
    Ok((findings, SourceText::new(parsed.text, LineEnds::Lf)))
}

pub fn check_dockerfile(path: &str, dockerfile: &Dockerfile, options: &Options) -> Vec<Finding> {
    let context = Context::new(dockerfile, &options.build_args);
    let suppressions = Suppressions::for_dockerfile(dockerfile);
    let mut findings = Vec::new();
    for rule in &options.rules {
        let Check::Dockerfile(check) = rule.check else {
            continue;
        };
        let mut diagnostics = Vec::new();
        check(&context, &mut diagnostics);
        for diagnostic in diagnostics {
            let instruction = instruction_at(dockerfile, diagnostic.span.start);
            if suppressions.is_suppressed(rule.code, instruction) {
                continue;
            }
            findings.push(place(
                path,
                rule,
                &dockerfile.text,
                &dockerfile.lines,
                diagnostic,
            ));
        }
    }
    findings.extend(pragma_findings(
        path,
        &suppressions.pragmas,
        &dockerfile.text,
        &dockerfile.lines,
        options,
    ));
    findings
}

/// What the pragma rules (RA001, RA002) say of a file's pragmas, once the
/// other rules' findings went through them.
/// The variables a Compose file is interpolated with: the configuration's
/// `[build-args]` and `--build-arg`, which stand for the environment
/// Compose reads first, over its `.env` file's (whose values interpolate
/// them and the lines above); with why the `.env` beside it was not read,
/// when it is there but cannot be (not a regular file, too large, a link
/// out of the repository).
fn compose_variables(target: &Target, options: &Options) -> (Variables, Option<FileError>) {
    let mut refused = None;
    let environment = Variables::from(
        options
            .build_args
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<HashMap<String, String>>(),
    );
    let mut variables = Variables::default();
    if let Source::File(path) = &target.source {
        if let Some(dir) = path.parent() {
            let env = dir.join(".env");
            match read_inside(&env, &target.tree, crate::input::MAX_CONFIG_SIZE) {
                Ok(bytes) => {
                    let text = String::from_utf8_lossy(&bytes);
                    variables = compose::read_env_file(&text, &environment);
                }
                Err(Refusal::Missing) => {}
                Err(Refusal::Unread(why)) => {
                    let shown = std::path::Path::new(&target.display).with_file_name(".env");
                    refused = Some(FileError::io(
                        &shown.to_string_lossy(),
                        &format!("{why}; {} is audited without it", target.display),
                    ));
                }
            }
        }
    }
    variables.overlay(&environment);
    (variables, refused)
}

/// How many files one Compose project may read besides its own: its
/// override, the files it includes and extends, and their `.env` files.
const MAX_COMPOSE_FILES: usize = 128;

/// How many bytes those files may hold in all: as much as one file may.
const MAX_COMPOSE_BYTES: u64 = MAX_FILE_SIZE;

/// The files a Compose project names, read only inside its repository,
/// at most [`MAX_COMPOSE_FILES`] of them and [`MAX_COMPOSE_BYTES`] in all;
/// each shown as the project's file is, from its directory.
struct ComposeFiles<'a> {
    tree: &'a std::path::Path,
    /// The repository's top level as the paths are written (links not
    /// resolved), else `tree`.
    root: std::path::PathBuf,
    main_dir: std::path::PathBuf,
    shown_dir: std::path::PathBuf,
    seen: std::collections::HashSet<std::path::PathBuf>,
    budget: u64,
}

impl compose::project::Reader for ComposeFiles<'_> {
    fn read(
        &mut self,
        path: &std::path::Path,
        what: compose::project::Wanted,
    ) -> Result<Option<compose::project::Fetched>, String> {
        if !path.starts_with(&self.root) && !path.starts_with(self.tree) {
            return Err("it is outside the repository".to_owned());
        }
        let real = match crate::input::inside(path, self.tree) {
            Ok(real) => real,
            Err(Refusal::Missing) => return Ok(None),
            Err(Refusal::Unread(why)) => return Err(why),
        };
        if !self.seen.contains(&real) && self.seen.len() >= MAX_COMPOSE_FILES {
            return Err(format!(
                "the project already reads {MAX_COMPOSE_FILES} other files, the most one is audited with"
            ));
        }
        self.seen.insert(real.clone());
        let size = std::fs::metadata(&real).map_or(0, |m| m.len());
        if size > self.budget {
            return Err(format!(
                "the files the project reads would hold more than {} in all",
                too_large(MAX_COMPOSE_BYTES).trim_start_matches("larger than ")
            ));
        }
        let limit = match what {
            compose::project::Wanted::Env => crate::input::MAX_CONFIG_SIZE.min(self.budget),
            compose::project::Wanted::Compose => self.budget,
        };
        let bytes = match read_inside(path, self.tree, limit) {
            Ok(bytes) => bytes,
            Err(Refusal::Missing) => return Ok(None),
            Err(Refusal::Unread(why)) => return Err(why),
        };
        self.budget -= bytes.len() as u64;
        let text = match what {
            compose::project::Wanted::Env => String::from_utf8_lossy(&bytes).into_owned(),
            compose::project::Wanted::Compose => {
                String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_owned())?
            }
        };
        Ok(Some(compose::project::Fetched {
            real,
            shown: compose::project::Reader::shown(self, path),
            text,
        }))
    }

    fn shown(&self, path: &std::path::Path) -> String {
        fold(&self.shown_dir.join(relative_path(&self.main_dir, path)))
            .to_string_lossy()
            .replace('\\', "/")
    }
}

/// A Compose file with what it names: the override file `docker compose`
/// merges into it, the files it includes and extends (each finding in
/// the file that holds its text), and the `.env` files that interpolate
/// them.
fn audit_compose_project(target: &Target, options: &Options) -> UnitResult {
    let mut result = UnitResult::default();
    let (variables, refused) = compose_variables(target, options);
    result.errors.extend(refused);
    let text = match read(target) {
        Ok(text) => text,
        Err(error) => {
            result.errors.push(error);
            return result;
        }
    };
    // Standard input's text is kept for `--fix -` to print back.
    if target.source == Source::Stdin {
        let kept = SourceText::new(text.clone(), LineEnds::Any);
        result.sources.push((target.display.clone(), kept));
    }
    let file = match ComposeFile::parse(text) {
        Ok(file) => file,
        Err(error) => {
            let error = FileError::syntax(&target.display, error.message, error.position);
            result.errors.push(error);
            return result;
        }
    };
    let path = match &target.source {
        Source::File(path) => Some(normalize(path)),
        Source::Stdin | Source::Refused(..) => None,
    };
    let mut main = ProjectFile::main(&target.display, file, variables, path.as_deref());
    main.real = path
        .as_ref()
        .map(|p| p.canonicalize().unwrap_or_else(|_| p.clone()));
    let override_file = path.as_deref().and_then(crate::discover::compose_override);
    let project = match &path {
        Some(path) => {
            let main_dir = path
                .parent()
                .map(std::path::Path::to_path_buf)
                .unwrap_or_default();
            let root = main_dir
                .ancestors()
                .find(|a| a.join(".git").exists())
                .map_or_else(|| target.tree.clone(), std::path::Path::to_path_buf);
            let mut reader = ComposeFiles {
                tree: &target.tree,
                root,
                main_dir,
                shown_dir: std::path::Path::new(&target.display)
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default(),
                seen: std::collections::HashSet::new(),
                budget: MAX_COMPOSE_BYTES,
            };
            Project::build(main, override_file.as_deref(), Some(&mut reader))
        }
        None => Project::build(main, None, None),
    };
    result
        .errors
        .extend(project.errors.into_iter().map(|e| match e.position {
            Some(position) => FileError::syntax(&e.path, e.message, position),
            None => FileError::io(&e.path, &e.message),
        }));
    for (index, file) in project.files.iter().enumerate() {
        // A file read for a service another extends is judged for the
        // images it gives, its pragmas in its own audit.
        if index > 0 && !file.whole && file.file.images.is_empty() {
            continue;
        }
        let findings = compose_findings(&file.shown, &file.file, options, file.whole);
        if !findings.is_empty() && !result.sources.iter().any(|(p, _)| *p == file.shown) {
            let text = SourceText::new(file.file.text.clone(), LineEnds::Any);
            result.sources.push((file.shown.clone(), text));
        }
        result.findings.extend(findings);
    }
    sort_findings(&mut result.findings);
    result
}

/// The findings of one file of a Compose project, with what its pragmas
/// say of themselves when `pragmas`.
fn compose_findings(
    path: &str,
    file: &ComposeFile,
    options: &Options,
    pragmas: bool,
) -> Vec<Finding> {
    let context = rules::compose::Context { file };
    let found = run_rules(options, |check, out| {
        if let Check::Compose(check) = check {
            check(&context, out);
        }
    });
    let yaml = YamlText {
        text: &file.text,
        lines: &file.lines,
        comment_lines: &file.comment_lines,
        trailing_comments: &file.trailing_comments,
        blocks: &file.services,
    };
    if pragmas {
        yaml.findings(path, found, options)
    } else {
        yaml.suppressed(path, found).0
    }
}

/// Audit one Compose file's text alone, interpolated with `variables`:
/// no override, include or extended file is read.
pub fn audit_compose(
    path: &str,
    text: String,
    variables: &Variables,
    options: &Options,
) -> Audited {
    let file = ComposeFile::parse(text)
        .map_err(|error| FileError::syntax(path, error.message, error.position))?;
    let main = ProjectFile::main(path, file, variables.clone(), None);
    let mut project = Project::build(main, None, None);
    let file = project.files.swap_remove(0).file;
    Ok((
        compose_findings(path, &file, options, true),
        SourceText::new(file.text, LineEnds::Any),
    ))
}

/// Audit one GitHub Actions workflow or action.
pub fn audit_workflow(path: &str, text: String, options: &Options) -> Audited {
    let workflow = Workflow::parse(text)
        .map_err(|error| FileError::syntax(path, error.message, error.position))?;
    let context = rules::github::Context {
        workflow: &workflow,
    };
    let found = run_rules(options, |check, out| {
        if let Check::Workflow(check) = check {
            check(&context, out);
        }
    });
    let yaml = YamlText {
        text: &workflow.text,
        lines: &workflow.lines,
        comment_lines: &workflow.comment_lines,
        trailing_comments: &workflow.trailing_comments,
        blocks: &workflow.blocks,
    };
    Ok((
        yaml.findings(path, found, options),
        SourceText::new(workflow.text, LineEnds::Any),
    ))
}

/// How many files one pipeline may include, its own included.
const MAX_GITLAB_FILES: usize = 128;

/// How many bytes the files a pipeline includes may hold in all: as much
/// as one file may, so that 128 includes cost no more than one file.
const MAX_GITLAB_BYTES: u64 = MAX_FILE_SIZE;

/// A `.gitlab-ci.yml` and the local files it includes, each audited as
/// one file of the pipeline. Local paths are from the repository's top
/// level (the nearest directory above that holds `.git`, else the file's
/// own); a path with a wildcard, one that leaves the repository, or one
/// included twice is not read again.
fn audit_gitlab(target: &Target, options: &Options) -> UnitResult {
    let mut result = UnitResult::default();
    let root = match &target.source {
        Source::File(path) => path.parent().map(|dir| {
            let dir = normalize(dir);
            dir.ancestors()
                .find(|a| a.join(".git").exists())
                .map_or(dir.clone(), std::path::Path::to_path_buf)
        }),
        Source::Stdin | Source::Refused(..) => None,
    };
    // Included files are shown as the main file is: from its directory.
    let main_dir = match &target.source {
        Source::File(path) => path.parent().map(normalize),
        Source::Stdin | Source::Refused(..) => None,
    };
    let shown_dir = std::path::Path::new(&target.display)
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let mut queue: Vec<(String, Result<String, FileError>)> =
        vec![(target.display.clone(), read(target))];
    // Files are told apart by what they are: `link/a.yml` with
    // `link -> ci` is `ci/a.yml`, read once.
    let mut seen: std::collections::HashSet<std::path::PathBuf> = std::collections::HashSet::new();
    if let Source::File(path) = &target.source {
        seen.insert(path.canonicalize().unwrap_or_else(|_| normalize(path)));
    }
    let mut budget = MAX_GITLAB_BYTES;
    // Every file is read before any is judged: a job's runner may be
    // named in another file of the pipeline (`extends:` a template there).
    let mut files: Vec<(String, GitlabCi)> = Vec::new();
    while let Some((shown, text)) = queue.pop() {
        let text = match text {
            Ok(text) => text,
            Err(error) => {
                result.errors.push(error);
                result.unaudited += 1;
                continue;
            }
        };
        let file = match GitlabCi::parse(text) {
            Ok(file) => file,
            Err(error) => {
                result
                    .errors
                    .push(FileError::syntax(&shown, error.message, error.position));
                result.unaudited += 1;
                continue;
            }
        };
        let Some(root) = &root else {
            files.push((shown, file));
            continue;
        };
        for include in &file.includes {
            let crate::source::gitlab::IncludeKind::Local(path) = &include.kind else {
                continue;
            };
            let relative = path.trim_start_matches('/');
            // A wildcard or a variable names files only GitLab can list.
            if relative.is_empty() || relative.contains(['*', '$']) {
                continue;
            }
            let absolute = normalize(&root.join(relative));
            let left_out = |why: String| {
                FileError::syntax(
                    &shown,
                    format!("local include `{path}` not audited: {why}"),
                    file.lines.position(&file.text, include.span.start),
                )
            };
            if !absolute.starts_with(root) {
                result
                    .errors
                    .push(left_out("it is outside the repository".to_owned()));
                continue;
            }
            // Only inside the repository, links resolved.
            let real = match crate::input::inside(&absolute, &target.tree) {
                Ok(real) => real,
                // GitLab includes a file under `rules:` only when they hold.
                Err(Refusal::Missing) if include.conditional => continue,
                Err(Refusal::Missing) => {
                    result
                        .errors
                        .push(left_out("there is no such file".to_owned()));
                    continue;
                }
                Err(Refusal::Unread(why)) => {
                    result.errors.push(left_out(why));
                    continue;
                }
            };
            if seen.contains(&real) {
                continue;
            }
            if seen.len() >= MAX_GITLAB_FILES {
                result.errors.push(left_out(format!(
                    "the pipeline already includes {MAX_GITLAB_FILES} files, the most one is audited with"
                )));
                continue;
            }
            seen.insert(real.clone());
            let from_main = main_dir
                .as_deref()
                .map_or_else(|| absolute.clone(), |dir| relative_path(dir, &absolute));
            let shown_include = fold(&shown_dir.join(from_main))
                .to_string_lossy()
                .replace('\\', "/");
            let size = std::fs::metadata(&real).map_or(0, |m| m.len());
            if size > budget {
                result.errors.push(left_out(format!(
                    "the files the pipeline includes would hold more than {} in all",
                    too_large(MAX_GITLAB_BYTES).trim_start_matches("larger than ")
                )));
                continue;
            }
            match read_file(&real, budget) {
                Ok(bytes) => {
                    budget -= bytes.len() as u64;
                    result.included += 1;
                    let text = utf8(bytes, &shown_include, FileKind::Gitlab);
                    queue.push((shown_include, text));
                }
                Err(why) => result.errors.push(left_out(why)),
            }
        }
        files.push((shown, file));
    }
    let pipeline = Pipeline::new(files.iter().map(|(_, file)| file));
    for (shown, file) in files {
        let findings = gitlab_findings(&shown, &file, &pipeline, options);
        if !findings.is_empty() {
            let text = SourceText::new(file.text, LineEnds::Any);
            result.sources.push((shown, text));
        }
        result.findings.extend(findings);
    }
    sort_findings(&mut result.findings);
    result
}

/// `a/../b` → `b`, keeping the `..` that lead above where it starts.
fn fold(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut parts: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

/// `to` seen from the directory `from` (both absolute and normal):
/// `../ci/a.yml`.
fn relative_path(from: &std::path::Path, to: &std::path::Path) -> std::path::PathBuf {
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = std::path::PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for part in to.components().skip(common) {
        out.push(part.as_os_str());
    }
    out
}

/// Each rule of the run with what it found: `run` calls the rule's check
/// when it is of the kind at hand, and leaves the others be.
fn run_rules(
    options: &Options,
    mut run: impl FnMut(&Check, &mut Vec<Diagnostic>),
) -> Vec<(&'static Rule, Diagnostic)> {
    let mut found = Vec::new();
    for rule in &options.rules {
        let mut diagnostics = Vec::new();
        run(&rule.check, &mut diagnostics);
        found.extend(diagnostics.into_iter().map(|d| (*rule, d)));
    }
    found
}

/// The findings of one GitLab CI file of `pipeline`.
fn gitlab_findings(
    path: &str,
    file: &GitlabCi,
    pipeline: &Pipeline,
    options: &Options,
) -> Vec<Finding> {
    let context = rules::gitlab::Context { file, pipeline };
    let found = run_rules(options, |check, out| {
        if let Check::Gitlab(check) = check {
            check(&context, out);
        }
    });
    let commented = YamlText {
        text: &file.text,
        lines: &file.lines,
        comment_lines: &file.comment_lines,
        trailing_comments: &file.trailing_comments,
        blocks: &file.blocks,
    };
    commented.findings(path, found, options)
}

/// Audit one GitLab CI file's text alone, without the files it includes.
pub fn audit_gitlab_ci(path: &str, text: String, options: &Options) -> Audited {
    let file = GitlabCi::parse(text)
        .map_err(|error| FileError::syntax(path, error.message, error.position))?;
    let pipeline = Pipeline::new([&file]);
    Ok((
        gitlab_findings(path, &file, &pipeline, options),
        SourceText::new(file.text, LineEnds::Any),
    ))
}

/// Audit one dev container definition.
pub fn audit_devcontainer(path: &str, text: String, options: &Options) -> Audited {
    let file = Devcontainer::parse(text)
        .map_err(|error| FileError::syntax(path, error.message, error.position))?;
    let context = rules::devcontainer::Context { file: &file };
    let found = run_rules(options, |check, out| {
        if let Check::Devcontainer(check) = check {
            check(&context, out);
        }
    });
    let commented = YamlText {
        text: &file.text,
        lines: &file.lines,
        comment_lines: &file.comment_lines,
        trailing_comments: &file.trailing_comments,
        blocks: &[],
    };
    Ok((
        commented.findings(path, found, options),
        SourceText::new(file.text, LineEnds::Any),
    ))
}

/// A YAML (or JSON-with-comments) file's text and what its pragmas can
/// stand above.
struct YamlText<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    comment_lines: &'a [Span],
    /// Comments that end a line after something else.
    trailing_comments: &'a [Span],
    /// The blocks (a service, a job, a step) a pragma above covers.
    blocks: &'a [Span],
}

impl YamlText<'_> {
    /// The rules' diagnostics less those its pragmas suppress, placed,
    /// with the pragmas' own findings (RA001, RA002).
    fn findings(
        &self,
        path: &str,
        found: Vec<(&Rule, Diagnostic)>,
        options: &Options,
    ) -> Vec<Finding> {
        let (mut findings, pragmas) = self.suppressed(path, found);
        findings.extend(pragma_findings(
            path, &pragmas, self.text, self.lines, options,
        ));
        sort_findings(&mut findings);
        findings
    }

    /// The rules' diagnostics less those its pragmas suppress, placed;
    /// and the pragmas.
    fn suppressed(&self, path: &str, found: Vec<(&Rule, Diagnostic)>) -> (Vec<Finding>, Pragmas) {
        let queries: Vec<(&str, usize)> = found
            .iter()
            .map(|(rule, d)| (rule.code, d.span.start))
            .collect();
        let suppressions = NixSuppressions::from_parts(
            self.text,
            self.lines,
            self.comment_lines,
            self.trailing_comments,
            self.blocks,
        );
        let suppressed = suppressions.suppressed(&queries, self.lines);
        let findings: Vec<Finding> = found
            .into_iter()
            .zip(suppressed)
            .filter(|(_, suppressed)| !suppressed)
            .map(|((rule, diagnostic), _)| place(path, rule, self.text, self.lines, diagnostic))
            .collect();
        (findings, suppressions.pragmas)
    }
}

fn pragma_findings(
    path: &str,
    pragmas: &Pragmas,
    text: &str,
    lines: &LineIndex,
    options: &Options,
) -> Vec<Finding> {
    let context = rules::meta::Context {
        pragmas,
        enabled: &options.rules,
    };
    let mut findings = Vec::new();
    for rule in &options.rules {
        let Check::Pragmas(check) = rule.check else {
            continue;
        };
        let mut diagnostics = Vec::new();
        check(&context, &mut diagnostics);
        // Only a global pragma suppresses them: they are about pragmas.
        findings.extend(
            diagnostics
                .into_iter()
                .filter(|_| !pragmas.suppresses_everywhere(rule.code))
                .map(|diagnostic| place(path, rule, text, lines, diagnostic)),
        );
    }
    findings
}

/// Audit one `.nix` file's text; the text comes back for snippets.
pub fn audit_nix_file(path: &str, text: String, options: &Options) -> Audited {
    let file = NixFile::parse(text)
        .map_err(|error| FileError::syntax(path, error.message, error.position))?;
    let (mut findings, pragmas) = check_nix_file(path, &file, options);
    findings.extend(pragma_findings(
        path,
        &pragmas,
        &file.text,
        &file.lines,
        options,
    ));
    sort_findings(&mut findings);
    Ok((findings, SourceText::new(file.text, LineEnds::Any)))
}

/// The findings of the rules of any `.nix` file, and the file's pragmas
/// (with what they suppressed).
pub fn check_nix_file(path: &str, file: &NixFile, options: &Options) -> (Vec<Finding>, Pragmas) {
    let found = run_rules(options, |check, out| {
        if let Check::NixFile(check) = check {
            check(file, out);
        }
    });
    let queries: Vec<(&str, usize)> = found
        .iter()
        .map(|(rule, d)| (rule.code, d.span.start))
        .collect();
    let suppressions = NixSuppressions::new(file);
    let suppressed = suppressions.suppressed(&queries, &file.lines);
    let findings = found
        .into_iter()
        .zip(suppressed)
        .filter(|(_, suppressed)| !suppressed)
        .map(|((rule, diagnostic), _)| place(path, rule, &file.text, &file.lines, diagnostic))
        .collect();
    (findings, suppressions.pragmas)
}

/// The instruction whose text holds `offset`.
fn instruction_at(dockerfile: &Dockerfile, offset: usize) -> Option<usize> {
    let after = dockerfile
        .instructions
        .partition_point(|i| i.span.start <= offset);
    let index = after.checked_sub(1)?;
    (offset <= dockerfile.instructions[index].span.end).then_some(index)
}

fn place(
    path: &str,
    rule: &Rule,
    text: &str,
    lines: &LineIndex,
    diagnostic: Diagnostic,
) -> Finding {
    Finding {
        code: rule.code,
        name: rule.name,
        severity: diagnostic.severity.unwrap_or(rule.severity),
        path: path.to_owned(),
        span: diagnostic.span,
        start: lines.position(text, diagnostic.span.start),
        end: lines.position(text, diagnostic.span.end),
        message: diagnostic.message,
        help: diagnostic.help,
        fix: diagnostic.fix,
    }
}
