//! What the targets share: the options of a run with every rule on, on a
//! fixed day, so that a crash replays the same way.

use repro_audit::audit::Options;
use repro_audit::date::Date;
use repro_audit::rules::RULES;

#[allow(dead_code)]
pub fn options() -> Options {
    let as_of = Date {
        year: 2026,
        month: 11,
        day: 29,
    };
    Options::new(RULES.iter().collect(), as_of)
}
