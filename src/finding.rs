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
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>, help: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            help: help.into(),
            severity: None,
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}
