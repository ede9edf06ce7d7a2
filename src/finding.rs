//! What a rule reports, as plain data.

use std::fmt;

use serde::Serialize;

use crate::source::span::{Position, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A finding in a file, located both as bytes and as line:column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub path: String,
    #[serde(skip)]
    pub span: Span,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub help: String,
    /// How `--fix` repairs it, when it can.
    #[serde(skip)]
    pub fix: Option<Fix>,
}

/// A finding as a rule produces it, before it is placed in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub help: String,
    /// Set when this case is less severe than the rule's default (a
    /// `[severity]` entry of the config still wins).
    pub severity: Option<Severity>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            help: help.into(),
            severity: None,
            fix: None,
        }
    }

    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

/// Whether `--fix` applies a fix, or only `--unsafe-fixes` does (ruff's
/// applicability): an unsafe fix may change what the build does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Safe,
    Unsafe,
}

/// A repair for a finding, as data: what to write where, or what to look
/// up first (a digest, a checksum, a commit) and then write.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub applicability: Applicability,
    pub action: FixAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FixAction {
    /// Replace text: each edit's span must still read `old`.
    Edits(Vec<Edit>),
    /// Pin image `reference`, written at `span` (possibly inside quotes or
    /// after `docker://`), to the digest its registry gives for it now.
    PinImage { span: Span, reference: String },
    /// Download `url`, written at `span` as the `ADD` source, and add
    /// `--checksum=sha256:<hex>` before it.
    Checksum { span: Span, url: String },
    /// Pin action `name@reference`, written at `span`, to the commit the
    /// reference names in the action's repository: `name@<sha> # reference`.
    PinAction {
        span: Span,
        name: String,
        reference: String,
    },
    /// Add `inputs.<path…>.follows = "<target>";` to the flake.nix beside
    /// the finding's flake.lock, in the file's own style.
    Follows { path: Vec<String>, target: String },
}

/// One replacement in a file's text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    /// What the span reads now; the edit is refused if it reads otherwise.
    pub old: String,
    pub new: String,
}

impl Fix {
    pub fn safe(action: FixAction) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            action,
        }
    }

    pub fn unsafe_(action: FixAction) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            action,
        }
    }

    /// Whether it needs the network to be made.
    pub fn needs_network(&self) -> bool {
        !matches!(self.action, FixAction::Edits(_) | FixAction::Follows { .. })
    }

    /// The file it changes, when it is not the finding's own: a sibling
    /// of it (flake.nix for a finding in flake.lock).
    pub fn file(&self) -> Option<&'static str> {
        match self.action {
            FixAction::Follows { .. } => Some("flake.nix"),
            _ => None,
        }
    }
}
