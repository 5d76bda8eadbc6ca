//! The YAML 1.1 line breaks that YAML 1.2 dropped: NEL (U+0085), LS (U+2028)
//! and PS (U+2029).
//!
//! PyYAML reads all three as line breaks: they end comments, count as line
//! ends, separate tokens and fold inside scalars. NEL is a generic break, like
//! `\n`, and reads as `\n`; LS and PS are specific breaks: they stay in a
//! scalar's value as themselves and are never folded into a space.
//! yaml-rust2 follows YAML 1.2, where they are ordinary characters.
//!
//! [`Source`] bridges the two in two steps:
//!
//! 1. the parser is given a copy of the text in which each of the three is a
//!    `\n` (and a lone `\r` just before one of them is a `\n` too, so the two
//!    stay two breaks rather than becoming one `\r\n`). The copy has the same
//!    characters at the same places otherwise, so the parser's lines and
//!    columns still point into the original;
//! 2. NEL is then fully handled, because PyYAML treats it exactly like `\n`.
//!    LS and PS only change the *value* of a scalar that spans them, so for
//!    such a scalar [`Source::scalar`] reads its value again from the original
//!    text with YAML 1.1's folding rules (the parser has already decided where
//!    the scalar starts and what kind it is).
//!
//! Texts without any of the three characters are parsed as they are.

use std::borrow::Cow;
use std::cell::OnceCell;

use yaml_rust2::scanner::{Marker, TScalarStyle};

const NEL: char = '\u{85}';
const LS: char = '\u{2028}';
const PS: char = '\u{2029}';

/// A YAML text prepared for yaml-rust2, with what is needed to give scalars
/// the values PyYAML gives them.
pub(crate) struct Source<'a> {
    original: &'a str,
    parse_text: Cow<'a, str>,
    /// LS or PS occur: scalars that span them are read again.
    specific: bool,
    /// The text ends with a line break (else a block scalar may end at the
    /// end of the text, which yaml-rust2 reads as if a break followed).
    ends_with_break: bool,
    /// The original text by characters, made when first needed.
    index: OnceCell<Index>,
}

/// The original text as characters, with where each line starts.
struct Index {
    chars: Vec<char>,
    /// Character index of the start of each line (line 1 first).
    line_starts: Vec<usize>,
}

impl Index {
    fn new(chars: Vec<char>) -> Self {
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < chars.len() {
            if is_break(chars[i]) {
                i = read_break(&chars, i).1;
                line_starts.push(i);
            } else {
                i += 1;
            }
        }
        Index { chars, line_starts }
    }

    /// The character a parser mark points at. yaml-rust2's own index is
    /// not used: after a block scalar line it counts bytes, not characters.
    /// Its line (from 1) and column (from 0, in characters) are exact.
    fn position(&self, mark: &Marker) -> Option<usize> {
        let start = *self.line_starts.get(mark.line().checked_sub(1)?)?;
        let pos = start + mark.col();
        (pos < self.chars.len()).then_some(pos)
    }

    /// The characters of line `n` (from 0), without its break.
    fn line(&self, n: usize) -> &[char] {
        let start = self.line_starts[n];
        let mut end = self
            .line_starts
            .get(n + 1)
            .copied()
            .unwrap_or(self.chars.len());
        while end > start && is_break(self.chars[end - 1]) {
            end -= 1;
        }
        &self.chars[start..end]
    }

    /// True when line `n` holds nothing but blanks.
    fn is_blank_line(&self, n: usize) -> bool {
        self.line(n).iter().all(|&c| is_blank(c))
    }
}

impl<'a> Source<'a> {
    /// Prepares `text`; borrows it unchanged when it has none of the three
    /// characters.
    pub(crate) fn new(text: &'a str) -> Self {
        let ends_with_break = text.is_empty() || text.ends_with(is_break);
        if !text.contains([NEL, LS, PS]) {
            return Source {
                original: text,
                parse_text: Cow::Borrowed(text),
                specific: false,
                ends_with_break,
                index: OnceCell::new(),
            };
        }
        let mut chars = text.chars().peekable();
        let mut parse_text = String::with_capacity(text.len());
        while let Some(c) = chars.next() {
            parse_text.push(match c {
                NEL | LS | PS => '\n',
                '\r' if matches!(chars.peek(), Some(&(NEL | LS | PS))) => '\n',
                c => c,
            });
        }
        Source {
            original: text,
            parse_text: Cow::Owned(parse_text),
            specific: text.contains([LS, PS]),
            ends_with_break,
            index: OnceCell::new(),
        }
    }

    /// The text to hand to the parser.
    pub(crate) fn text(&self) -> &str {
        &self.parse_text
    }

    /// The value PyYAML gives the scalar the parser read as `value` with
    /// `style` at `mark`.
    ///
    /// # Errors
    /// The message PyYAML's scanner gives for a double-quoted escape it
    /// rejects, found while reading such a scalar again.
    pub(crate) fn scalar(
        &self,
        value: String,
        style: TScalarStyle,
        mark: &Marker,
    ) -> Result<String, String> {
        let is_block = matches!(style, TScalarStyle::Literal | TScalarStyle::Folded);
        // Block scalars are read again also where yaml-rust2 differs from
        // PyYAML without these characters: one that ends at the end of the
        // text without a line break, one with no content.
        let needed = self.specific
            || (is_block
                && (!self.ends_with_break
                    || (!value.is_empty() && !value.contains(|c| c != ' ' && c != '\n'))));
        if !needed {
            return Ok(value);
        }
        let index = self
            .index
            .get_or_init(|| Index::new(self.original.chars().collect()));
        let Some(pos) = index.position(mark) else {
            return Ok(value);
        };
        let chars = &index.chars;
        let again = match style {
            TScalarStyle::Plain => plain(chars, pos, &value),
            TScalarStyle::SingleQuoted if chars[pos] == '\'' => quoted(chars, pos, false)?,
            TScalarStyle::DoubleQuoted if chars[pos] == '"' => quoted(chars, pos, true)?,
            TScalarStyle::Literal => block(index, mark, pos, false, &value),
            TScalarStyle::Folded => block(index, mark, pos, true, &value),
            _ => None,
        };
        Ok(again.unwrap_or(value))
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | NEL | LS | PS)
}

fn is_specific(c: char) -> bool {
    c == LS || c == PS
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The break at `i` as it reads in a value (`\r\n`, `\r`, `\n` and NEL are
/// `\n`; LS and PS are themselves) and the index after it.
fn read_break(chars: &[char], i: usize) -> (char, usize) {
    match chars[i] {
        '\r' if chars.get(i + 1) == Some(&'\n') => ('\n', i + 2),
        '\r' | '\n' | NEL => ('\n', i + 1),
        c => (c, i + 1),
    }
}

/// Line folding in flow and plain scalars: a `\n` alone becomes a space, a
/// `\n` followed by empty lines gives way to their breaks; LS and PS are kept.
fn fold(out: &mut String, first: char, empty_lines: &[char]) {
    if first != '\n' {
        out.push(first);
    } else if empty_lines.is_empty() {
        out.push(' ');
    }
    out.extend(empty_lines);
}

/// Breaks of the empty (or blank) lines from `i` on, and the index after
/// them and the blanks that follow.
fn empty_lines(chars: &[char], mut i: usize, limit: usize) -> (Vec<char>, usize) {
    let mut breaks = Vec::new();
    loop {
        while i < limit && is_blank(chars[i]) {
            i += 1;
        }
        if i < limit && is_break(chars[i]) {
            let (b, next) = read_break(chars, i);
            breaks.push(b);
            i = next;
        } else {
            return (breaks, i);
        }
    }
}

/// A plain scalar. Its end is found by matching the parser's value, whose
/// non-blank characters are the source's in order (plain scalars have no
/// escapes); `None` when no LS or PS lies inside.
fn plain(chars: &[char], start: usize, value: &str) -> Option<String> {
    let mut i = start;
    let mut end = start;
    for c in value.chars().filter(|&c| !is_blank(c) && c != '\n') {
        while i < chars.len() && (is_blank(chars[i]) || is_break(chars[i])) {
            i += 1;
        }
        if chars.get(i) != Some(&c) {
            return None;
        }
        i += 1;
        end = i;
    }
    if !chars[start..end].iter().any(|&c| is_specific(c)) {
        return None;
    }
    let mut out = String::new();
    let mut i = start;
    loop {
        let line_start = i;
        while i < end && !is_break(chars[i]) {
            i += 1;
        }
        let mut line = &chars[line_start..i];
        if i < end {
            while let Some((&last, rest)) = line.split_last() {
                if !is_blank(last) {
                    break;
                }
                line = rest;
            }
        }
        out.extend(line);
        if i >= end {
            return Some(out);
        }
        let (first, next) = read_break(chars, i);
        let (breaks, next) = empty_lines(chars, next, end);
        fold(&mut out, first, &breaks);
        i = next;
    }
}

/// A single- or double-quoted scalar starting at its quote; `None` when no
/// LS or PS lies inside.
fn quoted(chars: &[char], start: usize, double: bool) -> Result<Option<String>, String> {
    let len = chars.len();
    let mut out = String::new();
    let mut specific = false;
    let mut i = start + 1;
    loop {
        let Some(&c) = chars.get(i) else {
            // Unterminated: the parser has reported it already.
            return Ok(None);
        };
        match c {
            '\'' if !double => {
                if chars.get(i + 1) == Some(&'\'') {
                    out.push('\'');
                    i += 2;
                } else {
                    break;
                }
            }
            '"' if double => break,
            '\\' if double => {
                let Some(&e) = chars.get(i + 1) else {
                    return Ok(None);
                };
                i += 1;
                if is_break(e) {
                    // An escaped line break: no space, blank lines kept.
                    let (b, next) = read_break(chars, i);
                    let (breaks, next) = empty_lines(chars, next, len);
                    specific |= is_specific(b) || breaks.iter().any(|&b| is_specific(b));
                    out.extend(breaks);
                    i = next;
                } else if let Some(r) = simple_escape(e) {
                    out.push(r);
                    i += 1;
                } else if let Some(n) = match e {
                    'x' => Some(2),
                    'u' => Some(4),
                    'U' => Some(8),
                    _ => None,
                } {
                    let digits: String = chars.iter().skip(i + 1).take(n).collect();
                    if digits.chars().count() != n || !digits.chars().all(|d| d.is_ascii_hexdigit())
                    {
                        return Err(format!(
                            "while scanning a double-quoted scalar: expected escape sequence of {n} hexadecimal numbers, but found {digits:?}"
                        ));
                    }
                    let code = u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX);
                    let Some(ch) = char::from_u32(code) else {
                        return Err(format!(
                            "while scanning a double-quoted scalar: escape \\{e}{digits} is not a character"
                        ));
                    };
                    out.push(ch);
                    i += 1 + n;
                } else {
                    return Err(format!(
                        "while scanning a double-quoted scalar: found unknown escape character {e:?}"
                    ));
                }
            }
            c if is_blank(c) || is_break(c) => {
                let blanks_start = i;
                while i < len && is_blank(chars[i]) {
                    i += 1;
                }
                if i < len && is_break(chars[i]) {
                    let (first, next) = read_break(chars, i);
                    let (breaks, next) = empty_lines(chars, next, len);
                    specific |= is_specific(first) || breaks.iter().any(|&b| is_specific(b));
                    fold(&mut out, first, &breaks);
                    i = next;
                } else {
                    out.extend(&chars[blanks_start..i]);
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(specific.then_some(out))
}

/// The one-character escapes of a YAML 1.1 double-quoted scalar.
fn simple_escape(e: char) -> Option<char> {
    Some(match e {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        't' | '\t' => '\t',
        'n' => '\n',
        'v' => '\x0b',
        'f' => '\x0c',
        'r' => '\r',
        'e' => '\x1b',
        ' ' => ' ',
        '"' => '"',
        '/' => '/',
        '\\' => '\\',
        'N' => NEL,
        '_' => '\u{a0}',
        'L' => LS,
        'P' => PS,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// A literal or folded block scalar, read as PyYAML reads it; `None` when
/// it cannot be placed.
///
/// yaml-rust2 marks a block scalar at its first content line, at the
/// content's indentation (or, when there is no content up to the end of the
/// text, at its indicator; or at the next token). The header is the nearest
/// line above that is not blank.
fn block(index: &Index, mark: &Marker, pos: usize, folded: bool, value: &str) -> Option<String> {
    let chars = &index.chars;
    let len = chars.len();
    let mark_line = mark.line() - 1;
    let has_content = value.contains(|c| c != ' ' && c != '\n');
    if !has_content
        && matches!(chars[pos], '|' | '>')
        && (mark_line + 1..index.line_starts.len()).all(|n| index.is_blank_line(n))
    {
        // Nothing but blank lines up to the end: no line break of content
        // to keep, only those of the blank lines (with `+`).
        let body = *index.line_starts.get(mark_line + 1)?;
        let keep = chars[pos + 1..]
            .iter()
            .take_while(|c| matches!(c, '+' | '-' | '1'..='9'))
            .any(|&c| c == '+');
        let (breaks, _) = empty_lines(chars, body, len);
        return Some(if keep {
            breaks.into_iter().collect()
        } else {
            String::new()
        });
    }
    let header = (0..mark_line).rev().find(|&n| !index.is_blank_line(n))?;
    let body = index.line_starts[header + 1];
    if !has_content {
        // Only blank lines, ended by the next token: nothing folds, and each
        // break of the value is the next break of the body.
        return literal_breaks(chars, body, value);
    }
    let indent = mark.col();
    // The chomping indicator, as the value's trailing breaks show it (a `+`
    // with no trailing empty lines gives what no indicator gives).
    let chomp = match value.len() - value.trim_end_matches('\n').len() {
        0 => Chomp::Strip,
        1 => Chomp::Clip,
        _ => Chomp::Keep,
    };

    let mut out = String::new();
    let (mut breaks, mut i, mut col) = block_breaks(chars, body, 0, indent);
    let mut line_break: Option<char> = None;
    while col == indent && i < len {
        out.extend(&breaks);
        let leading_non_space = !is_blank(chars[i]);
        let text_start = i;
        while i < len && !is_break(chars[i]) {
            i += 1;
        }
        out.extend(&chars[text_start..i]);
        line_break = None;
        if i < len {
            let (b, next) = read_break(chars, i);
            line_break = Some(b);
            i = next;
        }
        (breaks, i, col) = block_breaks(chars, i, 0, indent);
        if col != indent || i >= len {
            break;
        }
        if folded && line_break == Some('\n') && leading_non_space && !is_blank(chars[i]) {
            if breaks.is_empty() {
                out.push(' ');
            }
        } else {
            out.extend(line_break);
        }
    }
    match chomp {
        Chomp::Strip => {}
        Chomp::Clip => out.extend(line_break),
        Chomp::Keep => {
            out.extend(line_break);
            out.extend(&breaks);
        }
    }
    Some(out)
}

/// Skips the indentation of the lines from `i` (at column `col`) on and
/// collects the breaks of the empty ones; gives them with the index and
/// column reached.
fn block_breaks(
    chars: &[char],
    mut i: usize,
    mut col: usize,
    indent: usize,
) -> (Vec<char>, usize, usize) {
    let len = chars.len();
    let mut breaks = Vec::new();
    loop {
        while col < indent && i < len && chars[i] == ' ' {
            i += 1;
            col += 1;
        }
        if i < len && is_break(chars[i]) {
            let (b, next) = read_break(chars, i);
            breaks.push(b);
            i = next;
            col = 0;
        } else {
            return (breaks, i, col);
        }
    }
}

/// A block scalar without folding: the value's `n`-th `\n` is the body's
/// `n`-th break, as it reads.
fn literal_breaks(chars: &[char], mut i: usize, value: &str) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c != '\n' {
            out.push(c);
            continue;
        }
        while i < chars.len() && !is_break(chars[i]) {
            i += 1;
        }
        if i >= chars.len() {
            return None;
        }
        let (b, next) = read_break(chars, i);
        out.push(b);
        i = next;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::yaml::{load, node::load_node};
    use serde_json::json;

    #[test]
    fn the_three_are_line_breaks() {
        // NEL reads as `\n` and folds; LS and PS stay and do not fold.
        let v = load(
            "t.yml",
            "a: x\u{85}  y\u{2028}  z\u{2029}  w\nb: 1 # c\u{2028}c: 2\n",
        )
        .unwrap();
        assert_eq!(v, json!({"a": "x y\u{2028}z\u{2029}w", "b": 1, "c": 2}));
        let v = load("t.yml", "a: |\n  x\u{2028}  y\u{85}  z\n").unwrap();
        assert_eq!(v, json!({"a": "x\u{2028}y\nz\n"}));
        let v = load("t.yml", "a: 'x\r\u{2028} y'\n").unwrap();
        assert_eq!(v, json!({"a": "x\u{2028}y"}));
    }

    #[test]
    fn they_count_as_line_ends_in_errors() {
        let err = load_node("t.yml", "a: 1\u{2029}b: 2\u{85}c: [\n").unwrap_err();
        assert!(err.to_string().starts_with("t.yml:4:"), "{err}");
    }

    #[test]
    fn block_scalars_read_as_pyyaml_reads_them() {
        assert_eq!(
            load("t.yml", "k: |\n  a\n  b").unwrap(),
            json!({"k": "a\nb"})
        );
        assert_eq!(load("t.yml", "k: |+\n").unwrap(), json!({"k": ""}));
        assert_eq!(
            load("t.yml", "k: >\n\n\nj: 1\n").unwrap(),
            json!({"k": "", "j": 1})
        );
    }
}
