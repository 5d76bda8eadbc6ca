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

use crate::pycompat;

/// Receives what the parser reads, in order. All text borrows the source.
pub(crate) trait Sink<'a> {
    /// A `[name]` header.
    fn section(&mut self, name: &'a str);
    /// The first line of an assignment.
    fn assignment(&mut self, assignment: Assignment<'a>);
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
            pycompat::str_repr(self.text)
        )
    }

    /// The 1-based column (in characters) of the offending character: the
    /// last character of an unclosed section header, the `]` of an empty
    /// one, the separator of an empty key; 1 for a whole-line problem (a
    /// continuation with nothing to continue, no separator at all).
    pub(crate) fn column(&self) -> usize {
        match self.problem {
            Problem::UnexpectedContinuation | Problem::NoSeparator => 1,
            Problem::SectionEnd => self.text.chars().count().max(1),
            Problem::EmptySection => 2,
            Problem::EmptyKey => self
                .text
                .find(['=', ':'])
                .map_or(1, |sep| self.text[..sep].chars().count() + 1),
        }
    }
}

/// How an assignment's first line is laid out, so the writer can copy it
/// whole when it already reads the way it would be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// `key = value`: what the writer prints with `whitespace` on.
    Spaced,
    /// `key=value`: what the writer prints with `whitespace` off.
    Tight,
    /// Anything else (other spacing, `:`, quotes, an empty value).
    Other,
}

/// One assignment's first line, as the parser hands it to the [`Sink`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Assignment<'a> {
    /// The stripped key.
    pub key: &'a str,
    /// The right-stripped line; `value` is `line[value_at..]` when the
    /// value was not unquoted.
    pub line: &'a str,
    /// Where the stripped, unquoted value starts in `line`.
    pub value_at: u32,
    /// Its length.
    pub value_len: u32,
    /// The layout of `line`.
    pub form: Form,
    /// 1-based line number in this source.
    pub number: u32,
}

impl<'a> Assignment<'a> {
    /// The value, stripped and unquoted.
    #[inline]
    pub(crate) fn value(&self) -> &'a str {
        let at = self.value_at as usize;
        &self.line[at..at + self.value_len as usize]
    }
}

/// Parses one source into `sink`.
///
/// Lines are split on `\n` only, as Python iterates a `StringIO`; a final
/// line without `\n` still counts. Line numbers start at 1 for each source.
///
/// One pass: an assignment line is scanned once up to its separator (which
/// also finds a line that has none) and from there to its end, eight bytes
/// at a time.
pub(crate) fn parse<'a, S: Sink<'a>>(text: &'a str, sink: &mut S) -> Result<(), Failure<'a>> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut number = 0u32;
    let mut pending = false;
    while pos < bytes.len() {
        number += 1;
        let start = pos;
        let first = bytes[start];
        if first == b'\n' {
            // Blank line: ends a multi-line value.
            if pending {
                sink.flush();
                pending = false;
            }
            pos += 1;
            continue;
        }
        // Assignments are scanned to their separator first (a line without
        // one ends the scan at its end); other lines straight to their end.
        let stop = match first {
            b' ' | b'\t' | b'[' | b'#' | b';' => find_newline(bytes, start + 1),
            _ => find_separator(bytes, start),
        };
        let (end, sep) = if stop < bytes.len() && bytes[stop] != b'\n' {
            (find_newline(bytes, stop + 1), Some(stop - start))
        } else {
            (stop, None)
        };
        pos = end + 1;
        let line = pycompat::rstrip(&text[start..end]);
        if line.is_empty() {
            if pending {
                sink.flush();
                pending = false;
            }
            continue;
        }
        let fail = |problem| Failure {
            line: number as usize,
            problem,
            text: line,
        };
        if first == b' ' || first == b'\t' {
            if !pending {
                return Err(fail(Problem::UnexpectedContinuation));
            }
            sink.continuation(pycompat::lstrip(line));
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
                // The separator is never stripped away: it is not whitespace.
                let Some(sep) = sep else {
                    return Err(fail(Problem::NoSeparator));
                };
                let key = strip_key(line, sep);
                if key.is_empty() {
                    return Err(fail(Problem::EmptyKey));
                }
                sink.assignment(assignment(line, key, sep, number));
                pending = true;
            }
        }
    }
    if pending {
        sink.flush();
    }
    Ok(())
}

/// Builds an [`Assignment`] from a right-stripped line, its stripped key and
/// the separator's index.
#[inline]
fn assignment<'a>(line: &'a str, key: &'a str, sep: usize, number: u32) -> Assignment<'a> {
    let offset = |part: &str| part.as_ptr() as usize - line.as_ptr() as usize;
    let b = line.as_bytes();
    // `= value` and `=value` need no general strip.
    let rest = match (b.get(sep + 1), b.get(sep + 2)) {
        (Some(b' '), Some(&c)) if visible(c) => &line[sep + 2..],
        (Some(&c), _) if visible(c) => &line[sep + 1..],
        _ => pycompat::lstrip(&line[sep + 1..]),
    };
    let value = unquote(rest);
    // An empty value may be a literal, not a slice of `line`.
    let value_at = if value.is_empty() { 0 } else { offset(value) };
    let whole = !value.is_empty() && value_at + value.len() == line.len();
    let equals = line.as_bytes()[sep] == b'=';
    let form = if !whole || !equals || offset(key) != 0 {
        Form::Other
    } else if sep == key.len() && value_at == sep + 1 {
        Form::Tight
    } else if sep == key.len() + 1
        && value_at == sep + 2
        && line.as_bytes()[sep - 1] == b' '
        && line.as_bytes()[sep + 1] == b' '
    {
        Form::Spaced
    } else {
        Form::Other
    };
    Assignment {
        key,
        line,
        value_at: value_at as u32,
        value_len: value.len() as u32,
        form,
        number,
    }
}

/// An ASCII byte that is not whitespace: no strip goes past it.
#[inline(always)]
fn visible(c: u8) -> bool {
    c > b' ' && c < 0x80
}

/// The stripped key before the separator at `sep`; `key = ` and `key=`
/// (after a visible first byte) need no general strip.
#[inline]
fn strip_key(line: &str, sep: usize) -> &str {
    let b = line.as_bytes();
    if sep >= 2 && visible(b[0]) {
        if b[sep - 1] == b' ' && visible(b[sep - 2]) {
            return &line[..sep - 1];
        }
        if visible(b[sep - 1]) {
            return &line[..sep];
        }
    }
    pycompat::strip(&line[..sep])
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of every byte of `w` that is zero (exact for the lowest
/// such byte, which is all the scans below use).
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(LO) & !w & HI
}

/// The eight bytes at `i`, as one little-endian word (a fixed-size load).
#[inline(always)]
pub(super) fn word(bytes: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"))
}

/// The index of the first `\n` at or after `from`, or `bytes.len()`, eight
/// bytes at a time (SWAR).
#[inline]
fn find_newline(bytes: &[u8], from: usize) -> usize {
    const NL: u64 = LO * b'\n' as u64;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let found = zero_bytes(word(bytes, i) ^ NL);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

/// The index of the first `=`, `:` or `\n` at or after `from`, or
/// `bytes.len()`, eight bytes at a time. The lowest flagged byte of the
/// three masks is exact, since each mask's false hits lie above a true one.
#[inline]
fn find_separator(bytes: &[u8], from: usize) -> usize {
    const NL: u64 = LO * b'\n' as u64;
    const EQ: u64 = LO * b'=' as u64;
    const COLON: u64 = LO * b':' as u64;
    let mut i = from;
    while i + 8 <= bytes.len() {
        let w = word(bytes, i);
        let found = zero_bytes(w ^ EQ) | zero_bytes(w ^ COLON) | zero_bytes(w ^ NL);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], b'=' | b':' | b'\n') {
        i += 1;
    }
    i
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

    /// Every parse error points at the offending character (1-based,
    /// counted in characters), or at column 1 for a whole-line problem.
    #[test]
    fn failures_carry_the_column_of_the_offending_character() {
        struct Nothing;
        impl<'a> Sink<'a> for Nothing {
            fn section(&mut self, _: &'a str) {}
            fn assignment(&mut self, _: Assignment<'a>) {}
            fn continuation(&mut self, _: &'a str) {}
            fn flush(&mut self) {}
        }
        for (text, line, column) in [
            ("  k = v\n", 1, 1),
            ("[a]\nno separator\n", 2, 1),
            ("[a] # x\n", 1, 7),
            ("[é] x\n", 1, 5),
            ("[a]\n[]\n", 2, 2),
            ("[a]\n= v\n", 2, 1),
            ("[a]\n \x0c= v\n", 2, 1),
            ("[a]\n\x0c : v\n", 2, 3),
        ] {
            let f = parse(text, &mut Nothing).unwrap_err();
            assert_eq!((f.line, f.column()), (line, column), "{text:?}");
        }
    }
    use super::*;

    #[derive(Default)]
    struct Trace(Vec<String>);

    impl<'a> Sink<'a> for Trace {
        fn section(&mut self, name: &'a str) {
            self.0.push(format!("[{name}]"));
        }
        fn assignment(&mut self, a: Assignment<'a>) {
            self.0
                .push(format!("{}:{}={:?}", a.number, a.key, a.value()));
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
    fn scans() {
        for text in [
            "",
            "\n",
            "abc",
            "abcdefgh\n",
            "abcdefghijklmnop\nq",
            "abcdefghijklmnop:q",
            "abcdefghijklmnop=q",
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\n",
            "a\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}=:\n",
        ] {
            for from in 0..=text.len() {
                let b = text.as_bytes();
                let nl = b[from..].iter().position(|&c| c == b'\n');
                assert_eq!(find_newline(b, from), nl.map_or(b.len(), |n| from + n));
                let sep = b[from..]
                    .iter()
                    .position(|&c| matches!(c, b'=' | b':' | b'\n'));
                assert_eq!(find_separator(b, from), sep.map_or(b.len(), |n| from + n));
            }
        }
    }

    #[test]
    fn forms() {
        let form = |text: &str| {
            #[derive(Default)]
            struct F(Vec<(Form, String)>);
            impl<'a> Sink<'a> for F {
                fn section(&mut self, _: &'a str) {}
                fn assignment(&mut self, a: Assignment<'a>) {
                    self.0.push((a.form, a.value().to_owned()));
                }
                fn continuation(&mut self, _: &'a str) {}
                fn flush(&mut self) {}
            }
            let mut f = F::default();
            parse(text, &mut f).unwrap();
            f.0.remove(0)
        };
        assert_eq!(form("k = v w  \n"), (Form::Spaced, "v w".into()));
        assert_eq!(form("k=v"), (Form::Tight, "v".into()));
        for other in [
            "k  = v",
            "k =  v",
            "k: v",
            "k:v",
            "k = 'v'",
            "k = \"v\"",
            "k =",
            "k = ''",
            "k\t= v",
            "k =\tv",
            "\x0ck = v",
            "k= v",
            "k =v",
        ] {
            assert_eq!(form(other).0, Form::Other, "{other:?}");
        }
    }

    /// The grammar written the plain way (split, strip, search), which the
    /// fused scanner must agree with on every input.
    fn reference(text: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        if text.is_empty() {
            return Ok(out);
        }
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut pending = false;
        for (index, raw) in body.split('\n').enumerate() {
            let line = pycompat::rstrip(raw);
            let fail = |p: Problem| {
                Err(Failure {
                    line: index + 1,
                    problem: p,
                    text: line,
                }
                .upstream_message())
            };
            let Some(&first) = line.as_bytes().first() else {
                if pending {
                    out.push(".".to_owned());
                    pending = false;
                }
                continue;
            };
            if first == b' ' || first == b'\t' {
                if !pending {
                    return fail(Problem::UnexpectedContinuation);
                }
                out.push(format!("+{:?}", pycompat::lstrip(line)));
                continue;
            }
            if pending {
                out.push(".".to_owned());
                pending = false;
            }
            match first {
                b'[' if !line.ends_with(']') => return fail(Problem::SectionEnd),
                b'[' if line.len() <= 2 => return fail(Problem::EmptySection),
                b'[' => out.push(format!("[{}]", &line[1..line.len() - 1])),
                b'#' | b';' => {}
                _ => {
                    let Some(sep) = line.find(['=', ':']) else {
                        return fail(Problem::NoSeparator);
                    };
                    let key = pycompat::strip(&line[..sep]);
                    if key.is_empty() {
                        return fail(Problem::EmptyKey);
                    }
                    let value = unquote(pycompat::strip(&line[sep + 1..]));
                    out.push(format!("{}:{key}={value:?}", index + 1));
                    pending = true;
                }
            }
        }
        if pending {
            out.push(".".to_owned());
        }
        Ok(out)
    }

    proptest::proptest! {
        #[test]
        fn fused_scanner_matches_reference(
            lines in proptest::collection::vec(
                "[ \t\r\x0c\x1ckv=:#;\\[\\]'\"\u{a0}\u{e9}]{0,12}", 0..12),
            trailing in proptest::bool::ANY,
        ) {
            let mut text = lines.join("\n");
            if trailing {
                text.push('\n');
            }
            proptest::prop_assert_eq!(trace(&text), reference(&text));
        }
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
