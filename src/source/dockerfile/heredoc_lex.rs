//! The part of BuildKit's shell lexer (`frontend/dockerfile/shell/lex.go`)
//! that its parser uses to find heredocs: how a line splits into words with
//! quotes and escapes kept raw, which lines it cannot read (then BuildKit
//! looks for no heredoc at all), and how a `<<NAME` word is read.
//!
//! Ported case by case, quirks included: `<<` swallows the white space
//! after it (`<< EOF` is one word, since Dockerfile 1.16), unset variables
//! stay as written, and a nested `${…}` word starts the word buffer afresh.

/// A word of a line, with where it starts and ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexWord {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A heredoc as BuildKit's `ParseHeredoc` reads a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocWord {
    pub name: String,
    pub chomp: bool,
    pub expand: bool,
    pub file_descriptor: Option<u32>,
}

/// `${a:-${b:-…}}` nested deeper than this is taken as a line the lexer
/// cannot read (BuildKit's Go stack would follow it; ours must not).
const MAX_DEPTH: usize = 64;

/// The words of `text` as BuildKit's heredoc search splits it (raw quotes,
/// raw escapes, unset variables kept), or the lexer's error.
pub fn raw_words(text: &str) -> Result<Vec<LexWord>, String> {
    Lexer::new(text, true, true).words()
}

/// BuildKit's `ParseHeredoc`: `^(\d*)<<(-?)\s*([^<]*)$` and a name that
/// lexes to exactly one word. `Err` when the name cannot be lexed (BuildKit
/// then rejects the file).
pub fn heredoc(word: &str) -> Result<Option<HeredocWord>, String> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let Some(rest) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let rest = rest.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let words = Lexer::new(rest, false, false).words()?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    let raw = Lexer::new(rest, true, false).words()?;
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    let expand = raw.len() == 1 && quotes(&name.text) == quotes(&raw[0].text);
    Ok(Some(HeredocWord {
        name: name.text.clone(),
        chomp,
        expand,
        file_descriptor: word[..digits].parse().ok(),
    }))
}

struct Lexer {
    chars: Vec<(usize, char)>,
    len: usize,
    pos: usize,
    raw_quotes: bool,
    raw_escapes: bool,
    /// One buffer for every level, as in BuildKit: a nested `${…}` word
    /// clears what the enclosing word had gathered.
    buffer: String,
    buffer_start: usize,
    depth: usize,
}

/// The words one `processStopOn` call gathers.
struct Words {
    found: Vec<LexWord>,
    in_word: bool,
}

impl Lexer {
    fn new(text: &str, raw_quotes: bool, raw_escapes: bool) -> Lexer {
        Lexer {
            chars: text.char_indices().collect(),
            len: text.len(),
            pos: 0,
            raw_quotes,
            raw_escapes,
            buffer: String::new(),
            buffer_start: 0,
            depth: 0,
        }
    }

    fn words(mut self) -> Result<Vec<LexWord>, String> {
        let (_, words) = self.stop_on(None, self.raw_escapes)?;
        Ok(words)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += usize::from(c.is_some());
        c
    }

    /// The byte offset of the next character.
    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.len, |&(at, _)| at)
    }

    fn add_char(&mut self, words: &mut Words, c: char, at: usize) {
        if c.is_whitespace() {
            if words.in_word && !self.buffer.is_empty() {
                let text = std::mem::take(&mut self.buffer);
                words.found.push(LexWord {
                    text,
                    start: self.buffer_start,
                    end: at,
                });
                words.in_word = false;
            }
        } else {
            self.add_raw_char(words, c, at);
        }
    }

    fn add_raw_char(&mut self, words: &mut Words, c: char, at: usize) {
        if self.buffer.is_empty() {
            self.buffer_start = at;
        }
        self.buffer.push(c);
        words.in_word = true;
    }

    fn add_raw_string(&mut self, words: &mut Words, text: &str, at: usize) {
        if self.buffer.is_empty() {
            self.buffer_start = at;
        }
        self.buffer.push_str(text);
        words.in_word = true;
    }

    fn finish(&mut self, mut words: Words, end: usize) -> Vec<LexWord> {
        if !self.buffer.is_empty() {
            let text = std::mem::take(&mut self.buffer);
            words.found.push(LexWord {
                text,
                start: self.buffer_start,
                end,
            });
        }
        words.found
    }

    /// `processStopOn`: up to `stop` (consumed) or the end.
    fn stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<LexWord>), String> {
        if self.depth >= MAX_DEPTH {
            return Err("nesting too deep".into());
        }
        self.depth += 1;
        let saved_escapes = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let result = self.stop_on_inner(stop);
        self.raw_escapes = saved_escapes;
        self.depth -= 1;
        result
    }

    fn stop_on_inner(&mut self, stop: Option<char>) -> Result<(String, Vec<LexWord>), String> {
        let mut result = String::new();
        self.buffer.clear();
        let mut words = Words {
            found: Vec::new(),
            in_word: false,
        };
        while let Some(c) = self.peek() {
            let at = self.offset();
            if stop == Some(c) {
                self.next();
                let end = self.offset();
                return Ok((result, self.finish(words, end)));
            }
            match c {
                '$' => {
                    let value = self.dollar()?;
                    result.push_str(&value);
                    for c in value.chars() {
                        self.add_char(&mut words, c, at);
                    }
                }
                '<' | '\'' | '"' => {
                    let value = match c {
                        '<' => self.possible_heredoc(),
                        '\'' => self.single_quote()?,
                        _ => self.double_quote()?,
                    };
                    result.push_str(&value);
                    self.add_raw_string(&mut words, &value, at);
                }
                _ => {
                    self.next();
                    let mut c = c;
                    if c == '\\' {
                        if self.raw_escapes {
                            self.add_raw_char(&mut words, c, at);
                            result.push(c);
                        }
                        let escaped_at = self.offset();
                        match self.next() {
                            Some(next) => c = next,
                            None => break,
                        }
                        self.add_raw_char(&mut words, c, escaped_at);
                    } else {
                        self.add_char(&mut words, c, at);
                    }
                    result.push(c);
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        let end = self.offset();
        Ok((result, self.finish(words, end)))
    }

    fn single_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let quote = self.next();
        if self.raw_quotes {
            result.extend(quote);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => {
                    if self.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn double_quote(&mut self) -> Result<String, String> {
        let mut result = String::new();
        let quote = self.next();
        if self.raw_quotes {
            result.extend(quote);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.next();
                    if self.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => result.push_str(&self.dollar()?),
                Some(_) => {
                    let mut c = self.next().unwrap_or_default();
                    if c == '\\' {
                        if self.raw_escapes {
                            result.push(c);
                        }
                        match self.peek() {
                            None => continue,
                            Some('"' | '$' | '\\') => c = self.next().unwrap_or_default(),
                            Some(_) => {}
                        }
                    }
                    result.push(c);
                }
            }
        }
    }

    /// `processDollar`, with no variable set: names stay as written.
    fn dollar(&mut self) -> Result<String, String> {
        self.next();
        if self.peek() != Some('{') {
            let name = self.name();
            return Ok(format!("${name}"));
        }
        self.next();
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.name();
        let Some(c) = self.next() else {
            return Err("unsupported modifier () in substitution".into());
        };
        let mut modifier = c.to_string();
        match c {
            '}' => Ok(format!("${{{name}}}")),
            ':' | '+' | '-' | '?' | '#' | '%' => {
                let mut operator = c;
                let null_is_unset = c == ':';
                if null_is_unset {
                    // Go's `fallthrough`: whatever follows the colon is
                    // the operator, unchecked, when the variable is unset.
                    operator = self.next().unwrap_or_default();
                    modifier.push(operator);
                }
                let raw = matches!(operator, '#' | '%');
                if null_is_unset && raw {
                    return Err(format!("unsupported modifier ({modifier}) in substitution"));
                }
                let (word, _) = self.stop_on(Some('}'), raw).map_err(|error| {
                    if self.peek().is_none() {
                        "syntax error: missing '}'".to_owned()
                    } else {
                        error
                    }
                })?;
                Ok(format!("${{{name}{modifier}{word}}}"))
            }
            '/' => {
                if self.peek() == Some('/') {
                    self.next();
                }
                let (pattern, _) = self.stop_on(Some('/'), true).map_err(|error| {
                    if self.peek().is_none() {
                        "syntax error: missing '/' in ${}".to_owned()
                    } else {
                        error
                    }
                })?;
                let (replacement, _) = self.stop_on(Some('}'), true).map_err(|error| {
                    if self.peek().is_none() {
                        "syntax error: missing '}'".to_owned()
                    } else {
                        error
                    }
                })?;
                Ok(format!("${{{name}/{pattern}/{replacement}}}"))
            }
            _ => Err(format!("unsupported modifier ({modifier}) in substitution")),
        }
    }

    /// `processName`: digits, one special parameter, or a name.
    fn name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if name.is_empty() && c.is_numeric() {
                while let Some(d) = self.peek().filter(|d| d.is_numeric()) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return c.to_string();
            }
            if !c.is_alphanumeric() && c != '_' {
                break;
            }
            self.next();
            name.push(c);
        }
        name
    }

    /// `<` alone, or `<<` and the white space after it.
    fn possible_heredoc(&mut self) -> String {
        self.next();
        if self.peek() != Some('<') {
            return "<".into();
        }
        self.next();
        let mut result = String::from("<<");
        while let Some(c) = self.peek().filter(|c| matches!(c, '\t' | '\r' | ' ')) {
            self.next();
            result.push(c);
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Option<Vec<String>> {
        raw_words(line)
            .ok()
            .map(|words| words.into_iter().map(|w| w.text).collect())
    }

    #[test]
    fn words_keep_quotes_and_escapes() {
        assert_eq!(
            texts(r#"RUN cat <<'EOF' > "a b" \x"#).unwrap(),
            ["RUN", "cat", "<<'EOF'", ">", "\"a b\"", "\\x"]
        );
        assert_eq!(texts("RUN cat << EOF").unwrap(), ["RUN", "cat", "<< EOF"]);
        assert_eq!(
            texts("RUN echo $HOME ${A:-b c}").unwrap(),
            ["RUN", "echo", "$HOME", "${A:-b", "c}"]
        );
    }

    #[test]
    fn lines_the_lexer_cannot_read() {
        assert_eq!(texts("RUN <<'"), None);
        assert_eq!(texts(r#"RUN echo "${" <<EOF"#), None);
        assert_eq!(texts("RUN echo ${x"), None);
        assert_eq!(texts("RUN echo ${x!y}"), None);
        assert_eq!(texts(&format!("RUN {}", "${a:-".repeat(100))), None);
    }

    #[test]
    fn heredoc_words() {
        let h = heredoc("<<EOF").unwrap().unwrap();
        assert_eq!((h.name.as_str(), h.chomp, h.expand), ("EOF", false, true));
        let h = heredoc("3<<-'E O'").unwrap().unwrap();
        assert_eq!(
            (h.name.as_str(), h.chomp, h.expand, h.file_descriptor),
            ("E O", true, false, Some(3))
        );
        assert_eq!(heredoc("<< EOF").unwrap().unwrap().name, "EOF");
        assert_eq!(heredoc("<<").unwrap(), None);
        assert_eq!(heredoc("<<a<b").unwrap(), None);
        assert_eq!(heredoc("x<<EOF").unwrap(), None);
    }
}
