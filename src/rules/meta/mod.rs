//! Rules about the pragmas themselves: what a file's suppression comments
//! get wrong (RA001) and what they no longer do (RA002).

pub mod ra001_invalid_suppression;
pub mod ra002_unused_suppression;

use super::Rule;
use crate::suppress::Pragmas;

/// What a pragma rule reads: a file's pragmas, after every other rule's
/// findings went through them, and the rules that ran on the file.
pub struct Context<'a> {
    pub pragmas: &'a Pragmas,
    pub enabled: &'a [&'static Rule],
}
