//! The error of one input: a file that could not be read, parsed or
//! audited, named with the place when there is one. The other inputs are
//! still audited; the run exits 2.

use serde::Serialize;

use crate::source::span::Position;

/// A file that could not be audited or read: shown as
/// `path:line:column: message` (the position when there is one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{path}{}: {message}", match (line, column) {
    (Some(line), Some(column)) => format!(":{line}:{column}"),
    _ => String::new(),
})]
pub struct FileError {
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl FileError {
    pub fn io(path: &str, message: &str) -> FileError {
        FileError {
            path: path.to_owned(),
            message: message.to_owned(),
            line: None,
            column: None,
        }
    }

    /// A syntax error at a position.
    pub fn syntax(path: &str, message: String, position: Position) -> FileError {
        FileError {
            path: path.to_owned(),
            message,
            line: Some(position.line),
            column: Some(position.column),
        }
    }
}
