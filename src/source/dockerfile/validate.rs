//! What BuildKit rejects after splitting a line into an instruction: the
//! `NAME=value` forms its parser reads for `ENV` and `LABEL`
//! (`parser/line_parsers.go`), and its instructions layer
//! (`instructions/parse.go`, `bflag.go`): how many arguments each
//! instruction takes, and which `--flags`, of which type.

use super::exec_form::{self, ExecForm};
use super::words::split_shell_words;
use super::{Instruction, Keyword, ParseError};

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    String,
    /// May be given more than once.
    Strings,
}

use FlagType::{Bool, String as Str, Strings};

/// The flags an instruction accepts; `None` where BuildKit never parses
/// them (`ARG`, `STOPSIGNAL`, `HEALTHCHECK NONE`), so anything goes.
fn flags_of(keyword: Keyword) -> Option<&'static [(&'static str, FlagType)]> {
    Some(match keyword {
        Keyword::Add => &[
            ("chown", Str),
            ("chmod", Str),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", Str),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        Keyword::Copy => &[
            ("chown", Str),
            ("from", Str),
            ("chmod", Str),
            ("link", Bool),
            ("exclude", Strings),
            ("parents", Bool),
        ],
        Keyword::From => &[("platform", Str)],
        Keyword::Run => &[
            ("mount", Strings),
            ("network", Str),
            ("security", Str),
            ("device", Strings),
        ],
        Keyword::Healthcheck => &[
            ("interval", Str),
            ("timeout", Str),
            ("start-period", Str),
            ("start-interval", Str),
            ("retries", Str),
        ],
        Keyword::Arg | Keyword::Stopsignal => return None,
        _ => &[],
    })
}

/// BuildKit's parser: `ENV`/`LABEL` pairs, and `HEALTHCHECK CMD [...]`
/// with something other than strings. These come before any later
/// heredoc is read.
pub(super) fn parser_level(instruction: &Instruction, escape: char) -> Result<(), ParseError> {
    match instruction.keyword {
        Keyword::Env | Keyword::Label => name_value_pairs(instruction, escape),
        Keyword::Healthcheck => healthcheck_command(instruction).map(|_| ()),
        _ => Ok(()),
    }
}

/// BuildKit's instructions layer, which runs once the whole file is
/// parsed.
pub(super) fn instruction_level(instruction: &Instruction, escape: char) -> Result<(), ParseError> {
    let fail = |message: String| error(message, instruction.keyword_span.start);
    let keyword = instruction.keyword;
    let name = keyword.as_str();
    let args = arguments(instruction, escape);
    // Argument checks BuildKit makes before it parses the flags.
    match keyword {
        Keyword::Add | Keyword::Copy if args.len() < 2 => {
            return Err(fail(format!(
                "{name} requires at least two arguments, but only one was provided. Destination could not be determined"
            )));
        }
        Keyword::Maintainer | Keyword::Workdir | Keyword::User | Keyword::Stopsignal
            if args.len() != 1 =>
        {
            return Err(fail(format!("{name} requires exactly one argument")));
        }
        Keyword::Expose | Keyword::Volume | Keyword::Arg | Keyword::Healthcheck
            if args.is_empty() =>
        {
            return Err(fail(format!("{name} requires at least one argument")));
        }
        Keyword::Onbuild if instruction.args().is_empty() => {
            return Err(fail("ONBUILD requires at least one argument".into()));
        }
        Keyword::From => stage_name(instruction).map_err(fail)?,
        _ => {}
    }
    let healthcheck_none = keyword == Keyword::Healthcheck
        && args.first().is_some_and(|t| t.eq_ignore_ascii_case("none"));
    if healthcheck_none && args.len() > 1 {
        return Err(fail("HEALTHCHECK NONE takes no arguments".into()));
    }
    if let (Some(allowed), false) = (flags_of(keyword), healthcheck_none) {
        check_flags(instruction, allowed)?;
    }
    match keyword {
        Keyword::Add | Keyword::Copy if heredoc_word(&args[args.len() - 1]) => {
            return Err(fail(format!(
                "{name} cannot accept a heredoc as a destination"
            )));
        }
        Keyword::Env | Keyword::Label => {
            if instruction.args().is_empty() {
                return Err(fail(format!("{name} requires at least one argument")));
            }
            let words = split_shell_words(&instruction.line, instruction.args_range, escape);
            if words.iter().any(|w| w.as_str().starts_with('=')) {
                return Err(fail(format!("{name} names can not be blank")));
            }
        }
        Keyword::Arg if args.iter().any(|w| w.starts_with('=')) => {
            return Err(fail("ARG names can not be blank".into()));
        }
        Keyword::Volume if args.iter().any(|w| w.trim().is_empty()) => {
            return Err(fail("VOLUME specified can not be an empty string".into()));
        }
        Keyword::Shell => match &instruction.exec_form {
            Some(words) if words.is_empty() => {
                return Err(fail("SHELL requires at least one argument".into()))
            }
            Some(_) => {}
            None if instruction.args().is_empty() => {
                return Err(fail("SHELL requires at least one argument".into()))
            }
            None => {
                return Err(fail(
                    "SHELL requires the arguments to be in JSON form".into(),
                ))
            }
        },
        Keyword::Healthcheck if !healthcheck_none => healthcheck(instruction, &args[0])?,
        _ => {}
    }
    Ok(())
}

/// The arguments as BuildKit's parser lists them for the instruction.
fn arguments(instruction: &Instruction, escape: char) -> Vec<String> {
    let rest = instruction.args();
    let whitespace = || {
        rest.split(['\t', '\u{b}', '\u{c}', '\r', ' '])
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    match instruction.keyword {
        Keyword::Add | Keyword::Copy | Keyword::Volume => match &instruction.exec_form {
            Some(words) => words.iter().map(|w| w.as_str().to_owned()).collect(),
            None => whitespace(),
        },
        Keyword::Expose | Keyword::From => whitespace(),
        Keyword::Arg => split_shell_words(&instruction.line, instruction.args_range, escape)
            .iter()
            .map(|w| w.as_str().to_owned())
            .collect(),
        Keyword::Healthcheck => rest
            .split(char::is_whitespace)
            .next()
            .filter(|t| !t.is_empty())
            .map(|t| {
                let command = rest[t.len()..].trim_start();
                let mut args = vec![t.to_owned()];
                args.extend((!command.is_empty()).then(|| command.to_owned()));
                args
            })
            .unwrap_or_default(),
        _ if rest.is_empty() => Vec::new(),
        _ => vec![rest.to_owned()],
    }
}

/// `ENV a=1 b=2`, or the legacy `ENV a 1`: the first word says which.
fn name_value_pairs(instruction: &Instruction, escape: char) -> Result<(), ParseError> {
    let name = instruction.keyword.as_str();
    let words = split_shell_words(&instruction.line, instruction.args_range, escape);
    let Some(first) = words.first() else {
        return Ok(());
    };
    if !first.as_str().contains('=') {
        let rest = instruction.args();
        let legacy_value = rest
            .find(['\t', '\u{b}', '\u{c}', '\r', ' '])
            .is_some_and(|at| !rest[at..].trim_start().is_empty());
        if !legacy_value {
            return Err(error(
                format!("{name} must have two arguments"),
                instruction.keyword_span.start,
            ));
        }
        return Ok(());
    }
    match words.iter().find(|w| !w.as_str().contains('=')) {
        Some(word) => Err(error(
            format!(
                "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                word.as_str()
            ),
            word.span.start,
        )),
        None => Ok(()),
    }
}

/// The command of `HEALTHCHECK CMD …`: its exec-form strings, or its shell
/// text; an array with something other than strings is an error.
fn healthcheck_command(instruction: &Instruction) -> Result<Vec<String>, ParseError> {
    let end = instruction.args_range.1;
    let rest = instruction.args();
    let Some(kind) = rest
        .split(char::is_whitespace)
        .next()
        .filter(|t| !t.is_empty())
    else {
        return Ok(Vec::new());
    };
    let command_start = end - rest[kind.len()..].trim_start().len();
    match exec_form::parse(&instruction.line, command_start, end) {
        ExecForm::Exec(words) => Ok(words.iter().map(|w| w.as_str().to_owned()).collect()),
        ExecForm::NotStrings(at) => Err(error(
            "when using JSON array syntax, arrays must be comprised of strings only".into(),
            instruction.line.source_offset(at),
        )),
        ExecForm::Shell if command_start >= end => Ok(Vec::new()),
        ExecForm::Shell => Ok(vec![
            instruction.line.as_str()[command_start..end].to_owned()
        ]),
    }
}

fn healthcheck(instruction: &Instruction, kind: &str) -> Result<(), ParseError> {
    let fail = |message: String| error(message, instruction.keyword_span.start);
    if !kind.eq_ignore_ascii_case("cmd") {
        return Err(fail(format!(
            "Unknown type {:?} in HEALTHCHECK (try CMD)",
            kind.to_ascii_uppercase()
        )));
    }
    if healthcheck_command(instruction)?.is_empty() {
        return Err(fail("Missing command after HEALTHCHECK CMD".into()));
    }
    for flag in &instruction.flags {
        let value = flag.value.as_ref().map_or("", |v| v.as_str());
        let at = flag.span.start;
        match flag.name.as_str() {
            "retries" if !value.is_empty() => match value.parse::<i32>() {
                Ok(retries) if retries < 0 => {
                    return Err(error(
                        format!("--retries cannot be negative ({retries})"),
                        at,
                    ))
                }
                Ok(_) => {}
                Err(_) => {
                    return Err(error(
                        format!("strconv.ParseInt: parsing {value:?}: invalid syntax"),
                        at,
                    ))
                }
            },
            "interval" | "timeout" | "start-period" | "start-interval" if !value.is_empty() => {
                match go_duration_nanos(value) {
                    None => {
                        return Err(error(format!("time: invalid duration {value:?}"), at));
                    }
                    Some(ns) if ns != 0 && ns < 1_000_000 => {
                        return Err(error(
                            format!("Interval {:?} cannot be less than 1ms", flag.name),
                            at,
                        ));
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` or `0`, in
/// nanoseconds (saturated).
fn go_duration_nanos(text: &str) -> Option<i128> {
    let (negative, mut rest) = match text.strip_prefix(['-', '+']) {
        Some(rest) => (text.starts_with('-'), rest),
        None => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let (whole, after) = rest.split_at(digits);
        let (fraction, after) = match after.strip_prefix('.') {
            Some(after) => {
                let n = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
                after.split_at(n)
            }
            None => ("", after),
        };
        if whole.is_empty() && fraction.is_empty() {
            return None;
        }
        let unit_len = after
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_len);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let whole: i128 = whole.get(..30).unwrap_or(whole).parse().unwrap_or(0);
        let mut value = whole.saturating_mul(scale);
        let mut place = scale;
        for digit in fraction.bytes().take(30) {
            place /= 10;
            value += i128::from(digit - b'0') * place;
        }
        total = total.saturating_add(value);
        rest = after;
    }
    Some(if negative { -total } else { total })
}

/// `FROM image AS name`: the name as BuildKit allows it.
fn stage_name(instruction: &Instruction) -> Result<(), String> {
    let words = instruction.whitespace_words();
    let Some(name) = words.get(2) else {
        return Ok(());
    };
    let lower = name.as_str().to_ascii_lowercase();
    let valid = lower.starts_with(|c: char| c.is_ascii_lowercase())
        && lower
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
            name.as_str()
        ))
    }
}

/// BuildKit's `BFlags.Parse`.
fn check_flags(instruction: &Instruction, allowed: &[(&str, FlagType)]) -> Result<(), ParseError> {
    let mut used: Vec<&str> = Vec::new();
    for flag in &instruction.flags {
        let at = flag.span.start;
        let written = format!("--{}", flag.name);
        let Some(&(_, kind)) = allowed.iter().find(|(name, _)| *name == flag.name) else {
            let names = allowed.iter().map(|(name, _)| *name);
            let message = format!("unknown flag: {written}");
            return Err(error(with_suggestion(message, &flag.name, names, true), at));
        };
        if kind != Strings && used.contains(&flag.name.as_str()) {
            return Err(error(format!("duplicate flag specified: {written}"), at));
        }
        used.push(&flag.name);
        match (kind, flag.value.as_ref().map(|v| v.as_str())) {
            (Bool, Some("")) | (Str | Strings, None) => {
                return Err(error(format!("missing a value on flag: {written}"), at));
            }
            (Bool, Some(value))
                if !matches!(value.to_ascii_lowercase().as_str(), "true" | "false") =>
            {
                return Err(error(
                    format!("expecting boolean value for flag {written}, not: {value}"),
                    at,
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// BuildKit's `suggest.WrapError`: the closest option, fewer than three
/// edits away, as a hint (`unknown instruction: RUNN (did you mean RUN?)`).
pub(super) fn with_suggestion<'o>(
    message: String,
    value: &str,
    options: impl Iterator<Item = &'o str>,
    case_sensitive: bool,
) -> String {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_owned()
        } else {
            s.to_lowercase()
        }
    };
    let wanted: Vec<char> = fold(value).chars().collect();
    let mut best: Option<(usize, String)> = None;
    for option in options {
        let option = fold(option);
        let option: Vec<char> = option.chars().collect();
        // A distance under 3 needs lengths within 2 of each other; a long
        // word is never measured.
        if wanted.len().abs_diff(option.len()) > 2 {
            continue;
        }
        let distance = levenshtein(&wanted, &option);
        if distance == 0 {
            return message;
        }
        if distance < best.as_ref().map_or(3, |(d, _)| *d) {
            best = Some((distance, option.into_iter().collect::<String>()));
        }
    }
    match best {
        None => message,
        Some((_, option)) => {
            let option = if case_sensitive || value == value.to_lowercase() {
                option
            } else if value == value.to_uppercase() {
                option.to_uppercase()
            } else {
                option
            };
            format!("{message} (did you mean {option}?)")
        }
    }
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// A `<<NAME` word (BuildKit's `MustParseHeredoc`).
fn heredoc_word(word: &str) -> bool {
    matches!(super::heredoc_lex::heredoc(word), Ok(Some(_)))
}

fn error(message: String, offset: usize) -> ParseError {
    ParseError {
        message,
        offset,
        position: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::{go_duration_nanos, with_suggestion};

    #[test]
    fn suggestions_as_buildkit_makes_them() {
        let names = ["run", "copy", "from"];
        let suggest =
            |value: &str| with_suggestion("x".into(), value, names.iter().copied(), false);
        assert_eq!(suggest("RUNN"), "x (did you mean RUN?)");
        assert_eq!(suggest("cpy"), "x (did you mean copy?)");
        assert_eq!(suggest("Frm"), "x (did you mean from?)");
        assert_eq!(suggest("healthcheck"), "x");
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration_nanos("30s"), Some(30_000_000_000));
        assert_eq!(go_duration_nanos("1h2m0.5s"), Some(3_720_500_000_000));
        assert_eq!(go_duration_nanos("0"), Some(0));
        assert_eq!(go_duration_nanos("-1ms"), Some(-1_000_000));
        assert_eq!(go_duration_nanos(".5us"), Some(500));
        assert_eq!(go_duration_nanos("30"), None);
        assert_eq!(go_duration_nanos("s"), None);
        assert_eq!(go_duration_nanos("1d"), None);
        assert_eq!(go_duration_nanos(""), None);
    }
}
