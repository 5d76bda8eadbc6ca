//! The INI grammar of oslo.config's `iniparser.BaseParser`, as
//! kolla-ansible's `merge_configs` uses it (spec `ini-merge.md`, section A).
//!
//! We do not use rust-ini (or any INI crate): they collapse a repeated key to
//! one value, where this grammar keeps every occurrence in order; they attach
//! keys above the first header to a general section, where merge_configs
//! keeps a hidden orphan section that is written without a header; they
//! unquote, trim and continue lines by other rules (inline comments,
//! escapes); and their writers have their own layout, not upstream's
//! `key = first` plus `len(key)+3`-space continuation indent. Reproducing
//! upstream byte for byte needs the grammar below, and owning it lets the
//! parser hand out borrowed slices of the source (no per-line allocation).
//!
//! The parser is a push parser: it reports what it reads to a [`Sink`], so
//! the merge (and its provenance) is built while parsing, in one pass.

use crate::pytext;

/// Receives what the parser reads, in order. All text borrows the source.
pub(crate) trait Sink<'a> {
    /// A `[name]` header.
    fn section(&mut self, name: &'a str);
    /// The first line of an assignment, at 1-based `line`; `value` is already
    /// stripped and unquoted.
    fn assignment(&mut self, key: &'a str, value: &'a str, line: usize);
    /// A continuation line of the pending assignment, left-stripped.
    fn continuation(&mut self, text: &'a str);
    /// The pending assignment is complete.
    fn flush(&mut self);
}

/// The five error conditions of the grammar, with upstream's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    UnexpectedContinuation,
    SectionEnd,
    EmptySection,
    NoSeparator,
    EmptyKey,
}

impl Problem {
    /// Upstream's message text.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Problem::UnexpectedContinuation => "Unexpected continuation line",
            Problem::SectionEnd => "Invalid section (must end with ])",
            Problem::EmptySection => "Empty section name",
            Problem::NoSeparator => "No ':' or '=' found in assignment",
            Problem::EmptyKey => "Key cannot be empty",
        }
    }
}

/// A parse failure: the 1-based line in this source, what is wrong, and the
/// right-stripped line.
#[derive(Debug)]
pub(crate) struct Failure<'a> {
    pub line: usize,
    pub problem: Problem,
    pub text: &'a str,
}

impl Failure<'_> {
    /// Upstream's `ParseError` text: `at line N, MESSAGE: REPR`.
    pub(crate) fn upstream_message(&self) -> String {
        format!(
            "at line {}, {}: {}",
            self.line,
            self.problem.message(),
            pytext::repr(self.text)
        )
    }
}

/// Parses one source into `sink`.
///
/// Lines are split on `\n` only, as Python iterates a `StringIO`; a final
/// line without `\n` still counts. Line numbers start at 1 for each source.
pub(crate) fn parse<'a, S: Sink<'a>>(text: &'a str, sink: &mut S) -> Result<(), Failure<'a>> {
    if text.is_empty() {
        return Ok(());
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut pending = false;
    for (index, raw) in Lines::new(body).enumerate() {
        let line = pytext::rstrip(raw);
        let Some(&first) = line.as_bytes().first() else {
            // Blank line: ends a multi-line value.
            if pending {
                sink.flush();
                pending = false;
            }
            continue;
        };
        let fail = |problem| Failure {
            line: index + 1,
            problem,
            text: line,
        };
        if first == b' ' || first == b'\t' {
            if !pending {
                return Err(fail(Problem::UnexpectedContinuation));
            }
            sink.continuation(pytext::lstrip(line));
            continue;
        }
        if pending {
            sink.flush();
            pending = false;
        }
        match first {
            b'[' => {
                if !line.ends_with(']') {
                    return Err(fail(Problem::SectionEnd));
                }
                if line.len() <= 2 {
                    return Err(fail(Problem::EmptySection));
                }
                sink.section(&line[1..line.len() - 1]);
            }
            b'#' | b';' => {}
            _ => {
                let Some(sep) = line.bytes().position(|b| b == b'=' || b == b':') else {
                    return Err(fail(Problem::NoSeparator));
                };
                let key = pytext::strip(&line[..sep]);
                let value = unquote(pytext::strip(&line[sep + 1..]));
                if key.is_empty() {
                    return Err(fail(Problem::EmptyKey));
                }
                sink.assignment(key, value, index + 1);
                pending = true;
            }
        }
    }
    if pending {
        sink.flush();
    }
    Ok(())
}

/// The lines of a text split at `\n` (like `str::split('\n')`, but lines
/// here are short, where a plain byte scan beats `memchr`'s setup).
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text,
            pos: 0,
            done: false,
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let bytes = &self.text.as_bytes()[self.pos..];
        match find_newline(bytes) {
            Some(n) => {
                let line = &self.text[self.pos..self.pos + n];
                self.pos += n + 1;
                Some(line)
            }
            None => {
                self.done = true;
                Some(&self.text[self.pos..])
            }
        }
    }
}

/// The index of the first `\n`, eight bytes at a time (SWAR).
#[inline]
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const NL: u64 = LO * b'\n' as u64;
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes")) ^ NL;
        let found = w.wrapping_sub(LO) & !w & HI;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| b == b'\n').map(|n| i + n)
}

/// Drops one pair of matching `"` or `'` around a value (a lone quote
/// becomes empty), as upstream does for the first line of a value only.
#[inline]
fn unquote(value: &str) -> &str {
    let b = value.as_bytes();
    match (b.first(), b.last()) {
        (Some(&q @ (b'"' | b'\'')), Some(&l)) if q == l => value.get(1..b.len() - 1).unwrap_or(""),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Trace(Vec<String>);

    impl<'a> Sink<'a> for Trace {
        fn section(&mut self, name: &'a str) {
            self.0.push(format!("[{name}]"));
        }
        fn assignment(&mut self, key: &'a str, value: &'a str, line: usize) {
            self.0.push(format!("{line}:{key}={value:?}"));
        }
        fn continuation(&mut self, text: &'a str) {
            self.0.push(format!("+{text:?}"));
        }
        fn flush(&mut self) {
            self.0.push(".".into());
        }
    }

    fn trace(text: &str) -> Result<Vec<String>, String> {
        let mut t = Trace::default();
        parse(text, &mut t).map_err(|f| f.upstream_message())?;
        Ok(t.0)
    }

    #[test]
    fn grammar() {
        assert_eq!(
            trace("[ a ]\nk: v\na:b = c\n  # c\n\n;x\nq = \"v\"\nz = '\nw = ' x '\n").unwrap(),
            [
                "[ a ]",
                "2:k=\"v\"",
                ".",
                "3:a=\"b = c\"",
                "+\"# c\"",
                ".",
                "7:q=\"v\"",
                ".",
                "8:z=\"\"",
                ".",
                "9:w=\" x \"",
                "."
            ]
        );
        assert_eq!(trace("k = \"v3'").unwrap(), ["1:k=\"\\\"v3'\"", "."]);
    }

    #[test]
    fn newline_search() {
        for text in [
            "",
            "\n",
            "abc",
            "abcdefgh\n",
            "abcdefghijklmnop\nq",
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\n",
        ] {
            assert_eq!(find_newline(text.as_bytes()), text.find('\n'), "{text:?}");
        }
        let lines: Vec<_> = Lines::new("a\n\nbcdefghijk\nl").collect();
        assert_eq!(lines, ["a", "", "bcdefghijk", "l"]);
    }

    #[test]
    fn errors() {
        assert_eq!(
            trace("[a]\n  # c\n").unwrap_err(),
            "at line 2, Unexpected continuation line: '  # c'"
        );
        assert_eq!(
            trace("[a] # x\n").unwrap_err(),
            "at line 1, Invalid section (must end with ]): '[a] # x'"
        );
        assert_eq!(
            trace("[]").unwrap_err(),
            "at line 1, Empty section name: '[]'"
        );
        assert_eq!(
            trace("\n\nbad  \r\n").unwrap_err(),
            "at line 3, No ':' or '=' found in assignment: 'bad'"
        );
        assert_eq!(
            trace("[a]\n= v\n").unwrap_err(),
            "at line 2, Key cannot be empty: '= v'"
        );
    }
}
