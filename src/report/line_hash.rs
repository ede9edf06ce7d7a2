//! GitHub code scanning's `primaryLocationLineHash`: the fingerprint
//! `github/codeql-action` (`src/fingerprints.ts`) computes for a line when
//! a SARIF result comes without one, and the one GitHub matches alerts by
//! across runs. A result that carries a different value makes upload-sarif
//! warn ("found existing inconsistent fingerprint value"), so this follows
//! the published algorithm exactly: a rolling hash (base 37, 64-bit
//! wrapping) over the next 100 characters from the start of each line,
//! UTF-16 code units as JavaScript reads them, spaces and tabs skipped,
//! `\r\n` and `\r` read as `\n`, an end-of-file mark (65535) and zeros
//! after the last character; each hash is followed by `:n`, its n-th
//! occurrence in the file.

use std::collections::HashMap;

const BLOCK: usize = 100;
const BASE: u64 = 37;
const END_OF_FILE: u64 = 65535;

/// The hash of every line of `text`, line 1 first (a text ending with a
/// newline has one more, empty, line).
pub fn line_hashes(text: &str) -> Vec<String> {
    let mut hasher = Hasher {
        window: [0; BLOCK],
        line_at: [None; BLOCK],
        hash: 0,
        drop_factor: BASE.wrapping_pow(BLOCK as u32),
        index: 0,
        line: 0,
        at_line_start: true,
        after_cr: false,
        seen: HashMap::new(),
        hashes: Vec::new(),
    };
    for unit in text.encode_utf16() {
        hasher.take(u64::from(unit));
    }
    hasher.take(END_OF_FILE);
    for _ in 0..BLOCK {
        if hasher.line_at[hasher.index].is_some() {
            hasher.emit();
        }
        hasher.roll(0);
    }
    hasher.hashes
}

struct Hasher {
    /// The last `BLOCK` characters taken, as a ring.
    window: [u64; BLOCK],
    /// For each place of the ring: the line that starts there.
    line_at: [Option<usize>; BLOCK],
    hash: u64,
    /// `BASE` to the power `BLOCK`: the weight of the character leaving.
    drop_factor: u64,
    index: usize,
    line: usize,
    at_line_start: bool,
    after_cr: bool,
    seen: HashMap<u64, usize>,
    hashes: Vec<String>,
}

impl Hasher {
    fn take(&mut self, unit: u64) {
        const TAB: u64 = 9;
        const LF: u64 = 10;
        const CR: u64 = 13;
        const SPACE: u64 = 32;
        if unit == SPACE || unit == TAB || (self.after_cr && unit == LF) {
            self.after_cr = false;
            return;
        }
        self.after_cr = unit == CR;
        let unit = if unit == CR { LF } else { unit };
        // A full window since a line started: that line's hash is ready.
        if self.line_at[self.index].is_some() {
            self.emit();
        }
        if self.at_line_start {
            self.at_line_start = false;
            self.line += 1;
            self.line_at[self.index] = Some(self.line);
        }
        if unit == LF {
            self.at_line_start = true;
        }
        self.roll(unit);
    }

    fn roll(&mut self, unit: u64) {
        let leaving = self.window[self.index];
        self.window[self.index] = unit;
        self.hash = self
            .hash
            .wrapping_mul(BASE)
            .wrapping_add(unit)
            .wrapping_sub(self.drop_factor.wrapping_mul(leaving));
        self.index = (self.index + 1) % BLOCK;
    }

    fn emit(&mut self) {
        let count = self.seen.entry(self.hash).or_insert(0);
        *count += 1;
        self.hashes.push(format!("{:x}:{count}", self.hash));
        self.line_at[self.index] = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expected values are those of codeql-action's own tests
    /// (`src/fingerprints.test.ts`).
    #[test]
    fn codeql_actions_published_values() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(line_hashes(text), expected, "{text:?}");
        }
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1"
            ]
        );
        let repeated = line_hashes(&"Lorem ipsum dolor sit amet.\n".repeat(10));
        assert_eq!(
            repeated,
            [
                "a7f2ff13bc495cf2:1",
                "a7f2ff13bc495cf2:2",
                "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4",
                "a7f2ff13bc495cf2:5",
                "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1",
                "a9cf91f7bbf1862b:1",
                "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }
}
