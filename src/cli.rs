//! The command line (spec §1): parse the options, run the audit, print the
//! report, and map the outcome to an exit status.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context as _, Result};
use clap::{Parser, ValueEnum};

use crate::audit::{self, Options, Report};
use crate::baseline;
use crate::config::{self, Config};
use crate::date::Date;
use crate::discover;
use crate::finding::Severity;
use crate::fix;
use crate::report::{github, gitlab, json, sarif, text};
use crate::rules::{self, Rule, RULES};

/// Audit Dockerfiles, Compose files, GitHub Actions, GitLab CI, dev
/// containers, Nix flakes and .nix files for inputs that change between
/// two builds of the same commit: floating images and actions, live
/// package indexes, unverified downloads, unlocked or stale flake inputs,
/// `<nixpkgs>` lookups.
#[derive(Debug, Clone, Parser)]
#[command(name = "repro-audit", version, about, max_term_width = 100)]
// `--unsafe-fixes`, `--offline` and `--insecure-registry` say how to fix:
// without `--fix` or `--diff` they would silently do nothing.
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true)))]
pub struct Args {
    /// Files or directories to audit (default: `.`); `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit 1 when a finding has at least this severity [default: warning].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Only these rules: codes, names or code prefixes (`DF`, `DF00`).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Vec<String>,

    /// These rules as well as the selected ones (or the default set):
    /// the way to turn on an opt-in rule such as RA002.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub extend_select: Vec<String>,

    /// Not these rules: codes, names or code prefixes.
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,

    /// The configuration file (default: the nearest `.repro-audit.toml` from
    /// the working directory up).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Walk into what `.gitignore`, `.ignore` and git's excludes leave out
    /// too.
    #[arg(long)]
    pub no_ignore: bool,

    /// Leave out files named on the command line that the configuration's
    /// `exclude` matches (pre-commit names every file it checks).
    #[arg(long)]
    pub force_exclude: bool,

    /// A JSON report of an earlier run: the findings it holds are not
    /// reported, wherever their lines have moved.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// A build argument's value, as `docker build --build-arg` gives it.
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,

    /// The day age rules measure against (default: today).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,

    /// When to colour the output; with `auto`, `NO_COLOR` turns it off and
    /// `FORCE_COLOR` on outside a terminal.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// One line per finding, without the source snippet.
    #[arg(long)]
    pub concise: bool,

    /// The findings only: no summary line, no warning that nothing was
    /// found to audit.
    #[arg(short, long)]
    pub quiet: bool,

    /// A count of findings per rule instead of the findings (text, or
    /// JSON with `--format json`).
    #[arg(long)]
    pub statistics: bool,

    /// The name standard input is audited under; its kind comes from it.
    #[arg(long, value_name = "NAME", default_value = "Dockerfile")]
    pub stdin_filename: String,

    /// Fix what can be fixed safely: pin image digests and action commits
    /// (looked up in their registries), add `ADD --checksum`. Then report
    /// what remains.
    #[arg(long)]
    pub fix: bool,

    /// With `--fix` or `--diff`, the unsafe fixes too: lock-file enforcement
    /// (DF014) and NX005's `follows` line.
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff and write nothing; exit 1 when
    /// there is one.
    #[arg(long)]
    pub diff: bool,

    /// With `--fix` or `--diff`, only the fixes that need no network.
    #[arg(long, requires = "fixing")]
    pub offline: bool,

    /// With `--fix` or `--diff`, a registry (`host` or `host:port`) that may
    /// be spoken to over plain HTTP with your credentials, as Docker's
    /// `--insecure-registry` (repeatable; also
    /// `$REPRO_AUDIT_INSECURE_REGISTRIES`, comma-separated). A project's
    /// `[fix] insecure-registries` allows plain HTTP without credentials only.
    #[arg(long = "insecure-registry", value_name = "HOST", requires = "fixing")]
    pub insecure_registries: Vec<String>,

    /// List the rules (as JSON with `--format json`).
    #[arg(long)]
    pub list_rules: bool,

    /// Print a rule's documentation.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Gitlab,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The process entry point.
pub fn main() -> ExitCode {
    // Paths need not be UTF-8: they stay `OsString`s, shown lossily.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    let terminal = Terminal {
        stdout: stdout.is_terminal(),
        stderr: stderr.is_terminal(),
        no_color: set("NO_COLOR"),
        force_color: set("FORCE_COLOR"),
    };
    let code = run(
        &args,
        &cwd,
        terminal,
        &mut stdout.lock(),
        &mut stderr.lock(),
    );
    ExitCode::from(code)
}

/// What the process is attached to, for colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout: bool,
    pub stderr: bool,
    /// `NO_COLOR` is set: no colour with `--color auto`.
    pub no_color: bool,
    /// `FORCE_COLOR` is set: colour with `--color auto` even when the
    /// output is not a terminal (a CI log); `NO_COLOR` wins.
    pub force_color: bool,
}

/// Run the command line; returns the exit status (0, 1 or 2).
pub fn run<A: AsRef<std::ffi::OsStr>>(
    args: &[A],
    cwd: &Path,
    terminal: Terminal,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let args = match Args::try_parse_from(args.iter().map(AsRef::as_ref)) {
        Ok(args) => args,
        Err(error) => {
            let rendered = error.render();
            let text = if (terminal.stderr || terminal.force_color) && !terminal.no_color {
                rendered.ansi().to_string()
            } else {
                rendered.to_string()
            };
            let is_usage_error = error.use_stderr();
            let target: &mut dyn Write = if is_usage_error { err } else { out };
            let _ = target.write_all(text.as_bytes());
            return if is_usage_error { 2 } else { 0 };
        }
    };
    match execute(&args, cwd, terminal, out, err) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return 0;
            }
            let message = crate::report::text::printable(&format!("{error:#}"));
            let _ = writeln!(err, "error: {message}");
            2
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

fn execute(
    args: &Args,
    cwd: &Path,
    terminal: Terminal,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8> {
    if let Some(key) = &args.explain {
        let rule = rules::find(key).ok_or_else(|| anyhow!("unknown rule `{key}`"))?;
        out.write_all(rule.doc.as_bytes())?;
        return Ok(0);
    }
    if args.list_rules {
        list_rules(args.format, out)?;
        return Ok(0);
    }
    if args.statistics && !matches!(args.format, Format::Text | Format::Json) {
        bail!(
            "--statistics prints a table or JSON; it cannot be a {} report",
            args.format
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_owned())
        );
    }
    let configs = std::sync::Arc::new(configurations(args, cwd)?);
    // What is decided once for the run (`fail-on`) comes from the
    // configuration that applies where the command runs.
    let here = configs.for_dir(cwd);
    if let Some(error) = configs.errors().into_iter().next() {
        return Err(error.into());
    }
    let fail_on = match (args.fail_on, here.as_ref().and_then(|c| c.fail_on.as_ref())) {
        (Some(given), _) => given,
        (None, Some(configured)) => FailOn::from_str(configured, true)
            .map_err(|_| anyhow!("`fail-on`: `{configured}` is not a severity"))?,
        (None, None) => FailOn::Warning,
    };
    let as_of = match &args.as_of {
        Some(text) => Date::parse(text)
            .ok_or_else(|| anyhow!("--as-of `{text}` is not a date of the form YYYY-MM-DD"))?,
        None => Date::today(),
    };
    let cli_build_args = build_args(&args.build_args)?;
    // What applies to each file comes from its own configuration, the
    // command line overriding it key by key.
    let options_for = |config: Option<&Config>| -> Result<Options> {
        let empty = Config::default();
        let config = config.unwrap_or(&empty);
        let select = pick(&args.select, &config.select);
        let ignore = pick(&args.ignore, &config.ignore);
        let mut extend = config.extend_select.clone().unwrap_or_default();
        extend.extend(args.extend_select.iter().cloned());
        let mut build_args_given = config.build_args.clone();
        build_args_given.extend(cli_build_args.clone());
        Ok(Options {
            rules: enabled_rules(&select, &extend, &ignore)?,
            build_args: build_args_given,
            as_of,
            nix: config.nix.clone(),
            severity: config.severity.clone(),
            per_file_ignores: config.per_file_ignores.clone(),
        })
    };
    let run_options = options_for(here.as_deref())?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let walk = discover::Walk {
        stdin_filename: &args.stdin_filename,
        ignore_files: !args.no_ignore,
        force_exclude: args.force_exclude,
        configs: &configs,
    };
    let discover::Discovered {
        targets,
        mut errors,
        unaudited,
    } = discover::discover(&paths, cwd, &walk);
    let stdin_shown = targets
        .iter()
        .find(|t| t.source == discover::Source::Stdin)
        .map(|t| t.display.clone());
    // Each shown path's file, for --fix to write (names need not be UTF-8).
    let files_on_disk: HashMap<String, PathBuf> = targets
        .iter()
        .filter_map(|t| match &t.source {
            discover::Source::File(path) => Some((t.display.clone(), cwd.join(path))),
            _ => None,
        })
        .collect();
    // Fixed standard input goes to standard output: with other paths, the
    // two could not be told apart.
    if stdin_shown.is_some() && (args.fix || args.diff) && targets.len() + errors.len() > 1 {
        bail!("--fix and --diff take standard input (`-`) alone: name no other path with it");
    }
    if targets.is_empty() && errors.is_empty() && !args.quiet {
        writeln!(
            err,
            "warning: nothing to audit: no Dockerfile, Compose file, workflow, GitLab CI file, dev container, flake or .nix file in {}",
            text::printable(
                &paths
                    .iter()
                    .map(|p| p.to_string_lossy())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        )?;
    }
    let mut units = discover::units(targets, cwd);
    // A file under a configuration (below where the command runs) that
    // cannot be read is not audited: what that configuration would leave
    // out is not known. Its error says so, and every other file is audited.
    units.retain(|unit| {
        !unit
            .location(cwd)
            .is_some_and(|path| configs.unreadable_for(&path))
    });
    let unread_configs: Vec<crate::error::FileError> = configs
        .errors()
        .into_iter()
        .map(|mut error| {
            error
                .message
                .push_str("; the files it applies to are not audited");
            error
        })
        .collect();
    // Each unit's options, built once per configuration file.
    let mut built: HashMap<Option<PathBuf>, std::sync::Arc<Options>> = HashMap::new();
    let mut per_unit = Vec::with_capacity(units.len());
    for unit in &units {
        let config = unit.location(cwd).and_then(|path| configs.for_file(&path));
        let key = config.as_ref().and_then(|c| c.path.clone());
        let options = match built.get(&key) {
            Some(options) => std::sync::Arc::clone(options),
            None => {
                let options = std::sync::Arc::new(options_for(config.as_deref())?);
                built.insert(key, std::sync::Arc::clone(&options));
                options
            }
        };
        per_unit.push(options);
    }
    let mut report = audit::audit_each(&units, &per_unit);
    report.errors.extend(unread_configs);
    let config_dir = here
        .as_ref()
        .and_then(|c| c.path.as_ref())
        .and_then(|p| p.parent())
        .map(Path::to_path_buf);
    // The repository is the one the audited paths are in (the first one
    // named, else the working directory), wherever the command runs.
    let anchor = paths
        .first()
        .map(|p| crate::input::normalize(&cwd.join(p)))
        .map(|p| match p.is_dir() {
            true => p,
            false => p.parent().map_or(p.clone(), Path::to_path_buf),
        })
        .unwrap_or_else(|| cwd.to_path_buf());
    let top_level = anchor
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf);
    // Baselines are keyed by the repository's top level, so that one made
    // anywhere in it matches from anywhere in it; outside a repository,
    // by the configuration's directory, else where the command runs.
    report.roots = audit::Roots {
        cwd: Some(cwd.to_path_buf()),
        project: top_level
            .clone()
            .or_else(|| config_dir.clone())
            .or_else(|| Some(cwd.to_path_buf())),
        repository: top_level.or(config_dir),
    };
    if let Some(path) = &args.baseline {
        let shown = discover::display_path(path, cwd);
        let known = baseline::load(&cwd.join(path), &shown)?;
        baseline::apply(&mut report, &known);
        // A baseline that matches nothing was most likely made elsewhere:
        // said, rather than every old finding coming back unexplained.
        if !known.is_empty() && report.baselined == 0 && !report.findings.is_empty() && !args.quiet
        {
            writeln!(
                err,
                "warning: the baseline {} holds {} and matches none of these: was it made from another directory? Its paths are from the repository's top level, else the configuration's directory, else where the command runs",
                text::printable(&shown),
                text::plural(known.len(), "finding", "findings")
            )?;
        }
    }
    // A file found or named that could not be audited counts as a file;
    // a path that does not exist does not.
    report.files += unaudited;
    report.unaudited += unaudited;
    errors.append(&mut report.errors);
    errors.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    // One file refused twice (found by the walk, and beside its flake.nix)
    // is said once.
    errors.dedup_by(|a, b| (&a.path, a.line, a.column) == (&b.path, b.line, b.column));
    report.errors = errors;
    // Every rule that ran, for the reports that list them.
    let mut ran: Vec<&'static Rule> = built
        .values()
        .flat_map(|options| options.rules.iter().copied())
        .chain(run_options.rules.iter().copied())
        .collect();
    ran.sort_by_key(|rule| RULES.iter().position(|r| std::ptr::eq(r, *rule)));
    ran.dedup_by(|a, b| std::ptr::eq(*a, *b));

    let color = match args.color {
        ColorChoice::Always => (true, true),
        ColorChoice::Never => (false, false),
        ColorChoice::Auto => (
            (terminal.stdout || terminal.force_color) && !terminal.no_color,
            (terminal.stderr || terminal.force_color) && !terminal.no_color,
        ),
    };
    if args.fix || args.diff {
        let settings = fix_settings(args, here.as_deref());
        let plan = fix::plan(
            &report,
            &settings,
            cwd,
            stdin_shown.as_deref(),
            &files_on_disk,
        );
        // What could not be read or parsed is said here when no report of
        // what remains follows (--diff, standard input).
        if args.diff || stdin_shown.is_some() {
            err.write_all(text::render_errors(&report.errors, color.1).as_bytes())?;
        }
        let written = apply_fixes(args, &plan, cwd, out, err)?;
        // A fix that was asked for and could not be made (a registry that
        // could not be reached, a tag that is not there) is never a pass:
        // at least 1, so that a CI gate does not pass on it; a file that
        // could not be written is an error (2).
        let looked_up = plan.failed.is_empty();
        let status = |code: u8| match (written, looked_up) {
            (false, _) => code.max(2),
            (true, false) => code.max(1),
            (true, true) => code,
        };
        // Standard input, fixed, goes to standard output (as ruff does, for
        // editors); it cannot be read again to report what remains, so the
        // status says whether a finding at `--fail-on` is left unfixed.
        if let (Some(name), true) = (&stdin_shown, args.fix && !args.diff) {
            let change = plan.files.iter().find(|c| c.stdin);
            let text = change
                .map(|c| c.after.as_str())
                .or_else(|| report.sources.get(name).map(|source| source.text.as_str()))
                .unwrap_or_default();
            out.write_all(text.as_bytes())?;
            out.flush()?;
            let fixed: Vec<(&str, crate::source::span::Position)> = change
                .map(|c| c.fixed.iter().map(|f| (f.code, f.finding)).collect())
                .unwrap_or_default();
            report
                .findings
                .retain(|f| !(f.path == *name && fixed.contains(&(f.code, f.start))));
            return Ok(status(exit_status(&report, fail_on)));
        }
        if args.diff {
            return Ok(status(
                match (report.errors.is_empty(), plan.files.is_empty()) {
                    (false, _) => 2,
                    (true, false) => 1,
                    (true, true) => 0,
                },
            ));
        }
        // What remains, audited again as the files now are.
        let mut again = args.clone();
        again.fix = false;
        let code = execute(&again, cwd, terminal, out, err)?;
        return Ok(status(code));
    }
    if args.statistics {
        err.write_all(text::render_errors(&report.errors, color.1).as_bytes())?;
        out.write_all(statistics(&report, args.format, color.0, !args.quiet).as_bytes())?;
        out.flush()?;
        return Ok(exit_status(&report, fail_on));
    }
    match args.format {
        Format::Json => out.write_all(json::render(&report).as_bytes())?,
        // Files that could not be audited are annotations too.
        Format::Github => out.write_all(github::render(&report, !args.quiet).as_bytes())?,
        // These reports are files; what could not be audited also goes to
        // stderr, for the log.
        Format::Gitlab | Format::Sarif => {
            err.write_all(text::render_errors(&report.errors, color.1).as_bytes())?;
            let rendered = if args.format == Format::Sarif {
                sarif::render(&report, &ran)
            } else {
                gitlab::render(&report)
            };
            out.write_all(rendered.as_bytes())?;
        }
        _ => {
            err.write_all(text::render_errors(&report.errors, color.1).as_bytes())?;
            let options = text::TextOptions {
                color: color.0,
                concise: args.concise,
                summary: !args.quiet,
            };
            out.write_all(text::render(&report, &options).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(exit_status(&report, fail_on))
}

/// What `--fix` may use: the flags, the `[fix]` table of the configuration
/// where the command runs, the environment. Only the flags and the
/// environment — the user's, not the repository's — may let credentials
/// travel over plain HTTP.
fn fix_settings(args: &Args, config: Option<&Config>) -> fix::Settings {
    let mut network = crate::resolve::net::Network::from_env();
    network
        .insecure_by_user
        .extend(args.insecure_registries.iter().cloned());
    if let Some(config) = config {
        network.mirrors = config.fix.registry_mirrors.clone();
        network.insecure = config.fix.insecure_registries.clone();
        if let Some(url) = &config.fix.github_url {
            network.github_url = url.clone();
        }
        if let Some(seconds) = config.fix.timeout {
            network.timeout = std::time::Duration::from_secs(seconds);
        }
    }
    fix::Settings {
        unsafe_fixes: args.unsafe_fixes,
        offline: args.offline,
        network,
    }
}

/// Print the diffs (`--diff`) or write the files (`--fix`), and say on
/// stderr what was fixed and what could not be; false when a file could
/// not be written (or a flake relocked).
fn apply_fixes(
    args: &Args,
    plan: &fix::Plan,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<bool> {
    for warning in &plan.warnings {
        writeln!(err, "warning: {}", text::printable(warning))?;
    }
    let mut written = true;
    let mut count = 0;
    let mut files = 0;
    // Files changed by NX005 that `--diff` says want relocking.
    let mut relock_after_diff: Vec<&fix::FileChange> = Vec::new();
    for change in &plan.files {
        let relocks = change.fixed.iter().any(|f| f.code == "NX005");
        if args.diff {
            out.write_all(fix::diff(change).as_bytes())?;
            if relocks {
                relock_after_diff.push(change);
            }
        } else if change.stdin {
            // Printed whole by the caller.
        } else if let Err(why) = write_change(change, relocks, args.offline, cwd, err) {
            writeln!(
                err,
                "error: {}: not fixed: {why}",
                text::printable(&change.path),
            )?;
            written = false;
            continue;
        }
        files += 1;
        count += change.fixed.len();
        if !args.quiet && !args.diff {
            for fixed in &change.fixed {
                // An insertion says what it added; a rewrite, old → new.
                let what = match fixed.new.strip_prefix(fixed.old.as_str()) {
                    Some(added) if fixed.old.is_empty() || added.starts_with(['\n', '\r']) => {
                        format!("added `{}`", text::printable(added.trim()))
                    }
                    _ => format!(
                        "`{}` → `{}`",
                        text::printable(&fixed.old),
                        text::printable(&fixed.new)
                    ),
                };
                writeln!(
                    err,
                    "fixed {}:{}:{}: {} {what}",
                    text::printable(&change.path),
                    fixed.start.line,
                    fixed.start.column,
                    fixed.code,
                )?;
            }
        }
    }
    not_fixed(&plan.failed, err)?;
    if !args.quiet {
        let plural = text::plural;
        let mut summary = match (count, args.diff) {
            (0, true) => "Nothing would be fixed".to_owned(),
            (0, false) => "Nothing was fixed".to_owned(),
            (n, diff) => format!(
                "{} {} in {}",
                if diff { "Would fix" } else { "Fixed" },
                plural(n, "finding", "findings"),
                plural(files, "file", "files")
            ),
        };
        if !plan.failed.is_empty() {
            summary.push_str(&format!("; {} could not be fixed", plan.failed.len()));
        }
        summary.push('.');
        if plan.unsafe_left > 0 {
            summary.push_str(&format!(
                " {} more {} with `--unsafe-fixes`.",
                plan.unsafe_left,
                if plan.unsafe_left == 1 {
                    "unsafe fix"
                } else {
                    "unsafe fixes"
                }
            ));
        }
        if plan.offline > 0 {
            summary.push_str(&format!(
                " {} the network (left out by `--offline`).",
                plural(plan.offline, "fix needs", "fixes need")
            ));
        }
        writeln!(err, "{summary}")?;
    }
    for change in relock_after_diff {
        let dir = Path::new(&change.path).parent().unwrap_or(Path::new(""));
        let shown = match dir.as_os_str().is_empty() {
            true => ".".to_owned(),
            false => text::printable(&dir.to_string_lossy()),
        };
        writeln!(
            err,
            "With --fix, {} is written with the flake.lock that `nix flake lock` makes in {shown}.",
            text::printable(&change.path)
        )?;
    }
    Ok(written)
}

/// Write one fixed file. A flake.nix that NX005 changes is written with
/// its lock brought in line by `nix flake lock` (`--offline` when asked),
/// or not at all: a `follows` line without its relock leaves flake.nix and
/// flake.lock disagreeing (NX003).
fn write_change(
    change: &fix::FileChange,
    relocks: bool,
    offline: bool,
    cwd: &Path,
    err: &mut dyn Write,
) -> Result<(), String> {
    if relocks && !fix::relock::nix_available() {
        return Err(
            "its `follows` line needs `nix flake lock` to bring flake.lock in line, and `nix` is not on PATH; nothing written"
                .to_owned(),
        );
    }
    fix::write_atomically(&change.file, change.before.as_bytes(), &change.after)
        .map_err(|e| format!("could not be written: {e}"))?;
    if !relocks {
        return Ok(());
    }
    let dir = change
        .file
        .parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
    let lock = dir.join("flake.lock");
    let lock_before = std::fs::read(&lock).ok();
    match fix::relock::run(&dir, offline) {
        Ok(()) => {
            let _ = writeln!(
                err,
                "ran `nix flake lock` in {}",
                text::printable(&crate::discover::display_path(&dir, cwd))
            );
            Ok(())
        }
        Err(why) => {
            // Neither file changes: flake.nix back as it was, and the lock
            // too if nix wrote anything before it failed.
            let restored =
                fix::write_atomically(&change.file, change.after.as_bytes(), &change.before);
            if let (Some(before), Ok(now)) = (&lock_before, std::fs::read(&lock)) {
                if &now != before {
                    let _ = std::fs::write(&lock, before);
                }
            }
            Err(match restored {
                Ok(()) => format!(
                    "`nix flake lock` could not bring flake.lock in line ({}); nothing written",
                    text::printable(&why)
                ),
                Err(e) => format!(
                    "`nix flake lock` failed ({}), and flake.nix could not be put back: {e}",
                    text::printable(&why)
                ),
            })
        }
    }
}

/// What could not be fixed: a registry or server that could not be
/// reached is said once, with how many fixes it held up and the way out;
/// every other failure on its own line.
fn not_fixed(failed: &[fix::NotFixed], err: &mut dyn Write) -> Result<()> {
    let unreachable = |reason: &str| reason.contains(" unreachable: ");
    let mut grouped: Vec<(&str, usize)> = Vec::new();
    for failure in failed {
        if !unreachable(&failure.reason) {
            writeln!(
                err,
                "not fixed {}:{}:{}: {} {}: {}",
                text::printable(&failure.path),
                failure.start.line,
                failure.start.column,
                failure.code,
                text::printable(&failure.subject),
                text::printable(&failure.reason)
            )?;
            continue;
        }
        match grouped
            .iter_mut()
            .find(|(reason, _)| *reason == failure.reason)
        {
            Some(entry) => entry.1 += 1,
            None => grouped.push((&failure.reason, 1)),
        }
    }
    for (reason, n) in grouped {
        writeln!(
            err,
            "not fixed: {} ({} held up); `--offline` leaves out what needs the network, `[fix] registry-mirrors` asks a mirror in a registry's place",
            text::printable(reason),
            text::plural(n, "fix", "fixes")
        )?;
    }
    Ok(())
}

/// `--statistics`: per rule, how many findings, most first, and `[*]`
/// where `--fix` repairs some (ruff's layout), then the summary line; or
/// the same as JSON.
fn statistics(report: &Report, format: Format, color: bool, summary: bool) -> String {
    use crate::finding::Applicability;
    // Per rule: its code, name, count and the best fix among its findings.
    let mut counts: Vec<(&'static str, &'static str, usize, Option<Applicability>)> = Vec::new();
    for finding in &report.findings {
        let fix = finding.fix.as_ref().map(|f| f.applicability);
        match counts.iter_mut().find(|(code, ..)| *code == finding.code) {
            Some(entry) => {
                entry.2 += 1;
                // A safe fix is better than an unsafe one, either than none.
                let rank = |fix: Option<Applicability>| match fix {
                    Some(Applicability::Safe) => 2,
                    Some(Applicability::Unsafe) => 1,
                    None => 0,
                };
                if rank(fix) > rank(entry.3) {
                    entry.3 = fix;
                }
            }
            None => counts.push((finding.code, finding.name, 1, fix)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    if format == Format::Json {
        let rows: Vec<serde_json::Value> = counts
            .iter()
            .map(|(code, name, count, fix)| {
                let fix = match fix {
                    Some(Applicability::Safe) => Some("safe"),
                    Some(Applicability::Unsafe) => Some("unsafe"),
                    None => None,
                };
                serde_json::json!({"code": code, "name": name, "count": count, "fix": fix})
            })
            .collect();
        let mut out = serde_json::to_string_pretty(&rows).unwrap_or_default();
        out.push('\n');
        return out;
    }
    let width = counts
        .iter()
        .map(|(_, _, n, _)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for (code, name, count, fix) in &counts {
        let code = if color {
            format!("\u{1b}[1;31m{code}\u{1b}[0m")
        } else {
            (*code).to_owned()
        };
        let fixable = match fix {
            Some(Applicability::Safe) => "[*] ",
            _ => "    ",
        };
        out.push_str(&format!("{count:>width$}\t{code}\t{fixable}{name}\n"));
    }
    if summary {
        // The same line as the report's: what could not be audited is
        // said here too.
        text::summary(&mut out, report);
    }
    out
}

/// The configurations that apply: `--config` for every file, else the
/// nearest `.repro-audit.toml` above each; `--no-config` ignores them all.
fn configurations(args: &Args, cwd: &Path) -> Result<config::Configs> {
    if args.no_config {
        return Ok(config::Configs::fixed(None));
    }
    match &args.config {
        Some(path) => {
            let path = cwd.join(path);
            // Named as the user would name it: relative to where they are.
            let config = config::load(&path, &discover::display_path(&path, cwd))?;
            Ok(config::Configs::fixed(Some(config)))
        }
        None => Ok(config::Configs::nearest(cwd)),
    }
}

/// A command-line list when one was given, else the configuration's.
fn pick(given: &[String], configured: &Option<Vec<String>>) -> Vec<String> {
    if given.is_empty() {
        configured.clone().unwrap_or_default()
    } else {
        given.to_vec()
    }
}

fn exit_status(report: &Report, fail_on: FailOn) -> u8 {
    if !report.errors.is_empty() {
        return 2;
    }
    let failing = fail_on
        .threshold()
        .is_some_and(|threshold| report.findings.iter().any(|f| f.severity >= threshold));
    u8::from(failing)
}

/// `--select` (or every rule but the opt-in ones), plus `--extend-select`,
/// less `--ignore`, in registry order.
fn enabled_rules(
    select: &[String],
    extend: &[String],
    ignore: &[String],
) -> Result<Vec<&'static Rule>> {
    let resolve = |selectors: &[String]| -> Result<Vec<&'static str>> {
        let mut codes = Vec::new();
        for selector in selectors.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let rules = rules::matching(selector).ok_or_else(|| {
                let hint = rules::suggestion(selector)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                anyhow!("unknown rule selector `{selector}`{hint}")
            })?;
            codes.extend(rules.iter().map(|r| r.code));
        }
        Ok(codes)
    };
    let selected = resolve(select)?;
    let extended = resolve(extend)?;
    let ignored = resolve(ignore)?;
    // With no selection, every rule but the opt-in ones.
    Ok(RULES
        .iter()
        .filter(|r| {
            extended.contains(&r.code)
                || if select.is_empty() {
                    !rules::OPT_IN.contains(&r.code)
                } else {
                    selected.contains(&r.code)
                }
        })
        .filter(|r| !ignored.contains(&r.code))
        .collect())
}

fn build_args(given: &[String]) -> Result<HashMap<String, String>> {
    given
        .iter()
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .with_context(|| format!("--build-arg `{pair}` is not of the form NAME=VALUE"))?;
            Ok((name.to_owned(), value.to_owned()))
        })
        .collect()
}

fn list_rules(format: Format, out: &mut dyn Write) -> Result<()> {
    if format == Format::Json {
        let list: Vec<_> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "severity": r.severity,
                    "summary": r.summary,
                    "fix": rules::fix_of(r.code).map(|a| match a {
                        crate::finding::Applicability::Safe => "safe",
                        crate::finding::Applicability::Unsafe => "unsafe",
                    }),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(());
    }
    let name_width = RULES.iter().map(|r| r.name.len()).max().unwrap_or(0);
    for rule in RULES {
        writeln!(
            out,
            "{}  {:name_width$}  {:7}  {}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.summary
        )?;
    }
    Ok(())
}
