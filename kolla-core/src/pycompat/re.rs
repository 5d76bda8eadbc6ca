//! Python `re` patterns and `re.sub` templates, run by fancy-regex.
//!
//! Ansible's regex filters and tests hand their patterns to Python's `re`.
//! fancy-regex (the `regex` crate plus a backtracking engine) has the same
//! leftmost-first semantics and the features `re` adds over `regex`
//! (backreferences, look-around, atomic groups); the few places where the
//! syntax differs are translated first:
//!
//! | Python | here |
//! |---|---|
//! | `$` without MULTILINE: end, or before a final `\n` | `(?=\n?\z)` (`\z` when the text has no final newline) |
//! | `\Z`: the very end | `\z` |
//! | `(?P=name)`, `\1`..`\99` | `\k<name>`, `\k<N>` |
//! | `\x41`, `\u00e9`, `\U0001F600`, octal `\0`, `\101` | `\x{...}` |
//! | `\a`, `\f`, `\v`; `[\b]` (backspace) | `\x{7}`, `\x{C}`, `\x{B}`; `\x{8}` |
//! | `\<`, `\-` and other escaped punctuation: the character | `\x{...}` |
//! | `a{`, `{x}`: a literal brace; `{,3}` | `\{`; `{0,3}` |
//! | `[` `&` `~` `-` inside a class: literal | escaped |
//! | `(?#comment)` | removed |
//!
//! An unknown escape of an ASCII letter (`\q`) is an error, as in Python.
//! Matches are found as `re.finditer` finds them: an empty match may follow
//! a non-empty one, and after an empty match the next one must move on.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use fancy_regex::{Regex, RegexBuilder, RegexInput};

/// How a pattern is applied: `re.search`, `re.match` or `re.fullmatch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Anywhere in the text.
    Search,
    /// At the start of the text.
    Match,
    /// The whole text.
    Full,
}

/// A compiled Python pattern.
pub struct PyRegex {
    pattern: String,
    re: Regex,
    /// The same pattern that refuses empty matches (compiled on demand).
    nonempty: RefCell<Option<Option<Regex>>>,
    ignorecase: bool,
    multiline: bool,
    translated: String,
}

impl std::fmt::Debug for PyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PyRegex")
            .field("pattern", &self.pattern)
            .field("translated", &self.translated)
            .finish()
    }
}

/// The spans of a match's groups (0: the whole match); `None` for a group
/// that did not take part.
pub type Groups = Vec<Option<(usize, usize)>>;

/// Compiles `pattern` (Python syntax) for `anchor`, with `re.I` / `re.M`.
/// `text_ends_newline` says whether the text it will run on ends with
/// `\n` (Python's `$` is then more than the end of the text).
///
/// ```
/// use kolla_core::pycompat::re::{compile, Anchor};
/// let re = compile(r"(\w)\1(?=!)", false, false, Anchor::Search, false).unwrap();
/// let m = re.search("ab cc!").unwrap().unwrap();
/// assert_eq!(m[0], Some((3, 5)));
/// assert!(compile(r"\q", false, false, Anchor::Search, false).is_err());
/// ```
///
/// # Errors
/// A pattern Python or fancy-regex rejects, with the pattern in the message.
pub fn compile(
    pattern: &str,
    ignorecase: bool,
    multiline: bool,
    anchor: Anchor,
    text_ends_newline: bool,
) -> Result<Rc<PyRegex>, String> {
    type Key = (String, bool, bool, Anchor, bool);
    thread_local! {
        // Templates apply the same few patterns over and over (`map('regex_replace', ...)`).
        static CACHE: RefCell<HashMap<Key, Rc<PyRegex>>> = RefCell::new(HashMap::new());
    }
    let key = (
        pattern.to_string(),
        ignorecase,
        multiline,
        anchor,
        text_ends_newline,
    );
    if let Some(re) = CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return Ok(re);
    }
    let bad = |e: String| {
        format!(
            "invalid regular expression {}: {e}",
            crate::pycompat::str_repr(pattern)
        )
    };
    let body = translate(pattern, multiline, !text_ends_newline).map_err(bad)?;
    let translated = match anchor {
        Anchor::Search => body,
        Anchor::Match => format!(r"\A(?:{body})"),
        Anchor::Full => format!(r"\A(?:{body})\z"),
    };
    let re = builder(&translated, ignorecase, multiline)
        .build()
        .map_err(|e| bad(e.to_string()))?;
    let compiled = Rc::new(PyRegex {
        pattern: pattern.to_string(),
        re,
        nonempty: RefCell::new(None),
        ignorecase,
        multiline,
        translated,
    });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        c.insert(key, compiled.clone());
    });
    Ok(compiled)
}

fn builder(pattern: &str, ignorecase: bool, multiline: bool) -> RegexBuilder {
    let mut b = RegexBuilder::new(pattern);
    b.case_insensitive(ignorecase).multi_line(multiline);
    b
}

fn groups_of(c: &fancy_regex::Captures<'_, str>) -> Groups {
    (0..c.len())
        .map(|i| c.get(i).map(|m| (m.start(), m.end())))
        .collect()
}

impl PyRegex {
    fn run_err(&self, e: fancy_regex::Error) -> String {
        format!(
            "regular expression {} failed: {e}",
            crate::pycompat::str_repr(&self.pattern)
        )
    }

    /// The number of capturing groups (not counting the whole match).
    pub fn groups(&self) -> usize {
        self.re.captures_len() - 1
    }

    /// The index of the group named `name`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        self.re.capture_names().position(|n| n == Some(name))
    }

    /// The first match at or after `pos`.
    ///
    /// # Errors
    /// The backtracking limit was hit.
    pub fn search_from(&self, text: &str, pos: usize) -> Result<Option<Groups>, String> {
        self.re
            .captures_from_pos(text, pos)
            .map(|c| c.as_ref().map(groups_of))
            .map_err(|e| self.run_err(e))
    }

    /// The first match (`re.search`, or `re.match`/`fullmatch` for an
    /// anchored pattern).
    ///
    /// # Errors
    /// As [`PyRegex::search_from`].
    pub fn search(&self, text: &str) -> Result<Option<Groups>, String> {
        self.search_from(text, 0)
    }

    /// A non-empty match starting exactly at `pos`.
    fn nonempty_at(&self, text: &str, pos: usize) -> Result<Option<Groups>, String> {
        let mut slot = self.nonempty.borrow_mut();
        let re = slot.get_or_insert_with(|| {
            let mut b = builder(&self.translated, self.ignorecase, self.multiline);
            b.find_not_empty(true);
            // A pattern that only ever matches empty text cannot build.
            b.build().ok()
        });
        let Some(re) = re else { return Ok(None) };
        re.captures_input(RegexInput::new(text).from_pos(pos).anchored(true))
            .map(|c| c.as_ref().map(groups_of))
            .map_err(|e| self.run_err(e))
    }

    /// Every match, left to right, as `re.finditer` finds them; at most
    /// `limit` of them when it is not 0.
    ///
    /// # Errors
    /// As [`PyRegex::search_from`].
    pub fn find_all(&self, text: &str, limit: usize) -> Result<Vec<Groups>, String> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut must_advance = false;
        while pos <= text.len() && (limit == 0 || out.len() < limit) {
            let found = if must_advance {
                match self.nonempty_at(text, pos)? {
                    Some(g) => Some(g),
                    None => match text[pos..].chars().next() {
                        Some(c) => self.search_from(text, pos + c.len_utf8())?,
                        None => None,
                    },
                }
            } else {
                self.search_from(text, pos)?
            };
            let Some(g) = found else { break };
            let (start, end) = g[0].unwrap_or((pos, pos));
            must_advance = start == end;
            pos = end;
            out.push(g);
        }
        Ok(out)
    }
}

/// The groups seen so far while translating, for Python's checks of
/// backreferences.
#[derive(Default)]
struct GroupState {
    /// Capturing groups opened so far.
    opened: usize,
    /// Capturing groups closed so far.
    closed: Vec<usize>,
    /// Named groups and their numbers.
    names: HashMap<String, usize>,
}

impl GroupState {
    fn check(&self, n: usize, at: usize) -> Result<(), String> {
        if n == 0 || n > self.opened {
            return Err(format!("invalid group reference {n} at position {at}"));
        }
        if !self.closed.contains(&n) {
            return Err(format!("cannot refer to an open group at position {at}"));
        }
        Ok(())
    }
}

/// An open parenthesis: where it starts in the output, its group number
/// if it captures, and whether it is a look-around.
struct Open {
    out_pos: usize,
    group: Option<usize>,
    lookaround: bool,
}

/// Whether a quantifier starts at `j`.
fn quantifier_at(chars: &[char], j: usize) -> bool {
    match chars.get(j) {
        Some('*' | '+' | '?') => true,
        Some('{') => quantifier(chars, j).is_some(),
        _ => false,
    }
}

/// The quantifier at `j`: its minimum, whether it is lazy, and where it
/// ends (after a lazy `?` or possessive `+`).
fn repeat(chars: &[char], j: usize) -> Option<(usize, bool, usize)> {
    let (min, end) = match chars.get(j)? {
        '*' | '?' => (0, j + 1),
        '+' => (1, j + 1),
        '{' => {
            let (text, end) = quantifier(chars, j)?;
            let lo: String = text[1..].chars().take_while(char::is_ascii_digit).collect();
            (lo.parse().unwrap_or(0), end)
        }
        _ => return None,
    };
    match chars.get(end) {
        Some('?') => Some((min, true, end + 1)),
        Some('+') => Some((min, false, end + 1)),
        _ => Some((min, false, end)),
    }
}

/// Python's pattern syntax to fancy-regex's (see the module docs).
fn translate(p: &str, multiline: bool, dollar_is_end: bool) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let flags = leading_flags(p);
    let multiline = multiline || flags.contains('m');
    let verbose = flags.contains('x');
    let mut out = String::with_capacity(p.len() + 8);
    let mut groups = GroupState::default();
    let mut stack: Vec<Open> = Vec::new();
    // Python cannot repeat an assertion (`$*`, `\b+`).
    let assertion = |next: usize| {
        if quantifier_at(&chars, next) {
            Err(format!("nothing to repeat at position {next}"))
        } else {
            Ok(())
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let (next, _) = escape(&chars, i, Some(&groups), &mut out)?;
                if matches!(chars.get(i + 1), Some('A' | 'Z' | 'b' | 'B')) {
                    assertion(next)?;
                }
                i = next;
            }
            '[' => i = class(&chars, i, &mut out)?,
            '(' if starts_with(&chars, i, "(?P=") => {
                let end = find(&chars, i + 4, ')')
                    .ok_or_else(|| format!("missing ), unterminated name at position {}", i + 4))?;
                let name: String = chars[i + 4..end].iter().collect();
                let n = *groups
                    .names
                    .get(&name)
                    .ok_or_else(|| format!("unknown group name '{name}' at position {}", i + 4))?;
                groups.check(n, i + 4)?;
                out.push_str(&format!(r"\k<{name}>"));
                i = end + 1;
            }
            '(' if starts_with(&chars, i, "(?#") => {
                let end = find(&chars, i + 3, ')')
                    .ok_or_else(|| format!("missing ), unterminated comment at position {i}"))?;
                i = end + 1;
            }
            '(' => {
                let lookaround = ["(?=", "(?!", "(?<=", "(?<!"]
                    .iter()
                    .any(|l| starts_with(&chars, i, l));
                let named = starts_with(&chars, i, "(?P<");
                let group = if chars.get(i + 1) != Some(&'?') || named {
                    groups.opened += 1;
                    if named {
                        if let Some(end) = find(&chars, i + 4, '>') {
                            let name: String = chars[i + 4..end].iter().collect();
                            groups.names.insert(name, groups.opened);
                        }
                    }
                    Some(groups.opened)
                } else {
                    None
                };
                stack.push(Open {
                    out_pos: out.len(),
                    group,
                    lookaround,
                });
                out.push('(');
                i += 1;
            }
            ')' => {
                out.push(')');
                if let Some(open) = stack.pop() {
                    if let Some(n) = open.group {
                        groups.closed.push(n);
                    }
                    // Python repeats a look-around, fancy-regex does not: a
                    // repeat of something empty is once or optional.
                    if open.lookaround {
                        if let Some((min, lazy, end)) = repeat(&chars, i + 1) {
                            if min == 0 {
                                let (before, after) =
                                    if lazy { ("(?:|", ")") } else { ("(?:", "|)") };
                                out.insert_str(open.out_pos, before);
                                out.push_str(after);
                            }
                            i = end;
                            continue;
                        }
                    }
                }
                i += 1;
            }
            '{' => match quantifier(&chars, i) {
                Some((text, next)) => {
                    out.push_str(&text);
                    i = next;
                }
                None => {
                    out.push_str(r"\{");
                    i += 1;
                }
            },
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            '$' | '^' => {
                assertion(i + 1)?;
                if c == '$' && !multiline {
                    out.push_str(if dollar_is_end { r"\z" } else { r"(?=\n?\z)" });
                } else {
                    out.push(c);
                }
                i += 1;
            }
            '#' if verbose => {
                // A comment runs to the end of the line, taken as it is.
                let end = find(&chars, i, '\n').unwrap_or(chars.len());
                out.extend(&chars[i..end]);
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The global flags of `(?imsx)` groups at the start of a pattern.
fn leading_flags(p: &str) -> String {
    let mut flags = String::new();
    let mut rest = p;
    while let Some(r) = rest.strip_prefix("(?") {
        let end = r.find(|c: char| !"aiLmsux".contains(c)).unwrap_or(r.len());
        if end == 0 || !r[end..].starts_with(')') {
            break;
        }
        flags.push_str(&r[..end]);
        rest = &r[end + 1..];
    }
    flags
}

fn starts_with(chars: &[char], i: usize, s: &str) -> bool {
    let n = s.chars().count();
    chars.len() >= i + n && chars[i..i + n].iter().copied().eq(s.chars())
}

fn find(chars: &[char], from: usize, c: char) -> Option<usize> {
    chars[from.min(chars.len())..]
        .iter()
        .position(|&x| x == c)
        .map(|p| from + p)
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` at `i`, as fancy-regex writes them; `None`
/// when Python would take the brace literally.
fn quantifier(chars: &[char], i: usize) -> Option<(String, usize)> {
    let mut j = i + 1;
    let digits = |j: &mut usize| {
        let s = *j;
        while *j < chars.len() && chars[*j].is_ascii_digit() {
            *j += 1;
        }
        chars[s..*j].iter().collect::<String>()
    };
    if chars.get(j) == Some(&'}') {
        return None;
    }
    let lo = digits(&mut j);
    let hi = if chars.get(j) == Some(&',') {
        j += 1;
        Some(digits(&mut j))
    } else {
        None
    };
    if chars.get(j) != Some(&'}') {
        return None;
    }
    let lo = if lo.is_empty() { "0".to_string() } else { lo };
    let text = match hi {
        None => format!("{{{lo}}}"),
        Some(hi) => format!("{{{lo},{hi}}}"),
    };
    Some((text, j + 1))
}

/// A literal character, written so fancy-regex takes it as one.
fn literal(c: char, out: &mut String) {
    if c.is_alphanumeric() || c == '_' || !c.is_ascii() {
        out.push(c);
    } else {
        out.push_str(&format!(r"\x{{{:X}}}", c as u32));
    }
}

fn hex_escape(chars: &[char], i: usize, n: usize) -> Result<(char, usize), String> {
    let digits: String = chars.iter().skip(i + 2).take(n).collect();
    let esc: String = chars[i..(i + 2 + n).min(chars.len())].iter().collect();
    if digits.chars().count() != n || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(format!("incomplete escape {esc} at position {i}"));
    }
    let v = u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX);
    let c = char::from_u32(v).ok_or_else(|| format!("bad escape {esc} at position {i}"))?;
    Ok((c, i + 2 + n))
}

/// An octal escape of up to three digits starting at `start`.
fn octal(chars: &[char], i: usize, start: usize, max: usize) -> Result<(char, usize), String> {
    let mut j = start;
    while j < chars.len() && j < start + max && ('0'..='7').contains(&chars[j]) {
        j += 1;
    }
    let digits: String = chars[start..j].iter().collect();
    let v = u32::from_str_radix(&digits, 8).unwrap_or(0);
    if v > 0o377 {
        let esc: String = chars[i..j].iter().collect();
        return Err(format!(
            "octal escape value {esc} outside of range 0-0o377 at position {i}"
        ));
    }
    Ok((char::from_u32(v).unwrap_or('\0'), j))
}

/// The escape at `i` (a backslash). Returns the next index and whether it
/// stood for one character (not a class like `\d` or an assertion).
fn escape(
    chars: &[char],
    i: usize,
    groups: Option<&GroupState>,
    out: &mut String,
) -> Result<(usize, bool), String> {
    // Inside a class there are no groups to refer to.
    let in_class = groups.is_none();
    let Some(&c) = chars.get(i + 1) else {
        return Err(format!("bad escape (end of pattern) at position {i}"));
    };
    let next = i + 2;
    let one = |c: char, out: &mut String, next: usize| {
        literal(c, out);
        Ok((next, true))
    };
    match c {
        'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
            out.push('\\');
            out.push(c);
            Ok((next, false))
        }
        'A' | 'b' | 'B' if !in_class => {
            out.push('\\');
            out.push(c);
            Ok((next, false))
        }
        'Z' if !in_class => {
            out.push_str(r"\z");
            Ok((next, false))
        }
        'b' => one('\x08', out, next),
        'a' => one('\x07', out, next),
        'f' => one('\x0c', out, next),
        'v' => one('\x0b', out, next),
        'n' => one('\n', out, next),
        'r' => one('\r', out, next),
        't' => one('\t', out, next),
        'x' => {
            let (c, n) = hex_escape(chars, i, 2)?;
            one(c, out, n)
        }
        'u' => {
            let (c, n) = hex_escape(chars, i, 4)?;
            one(c, out, n)
        }
        'U' => {
            let (c, n) = hex_escape(chars, i, 8)?;
            one(c, out, n)
        }
        '0' => {
            let (c, n) = octal(chars, i, i + 1, 3)?;
            one(c, out, n)
        }
        '1'..='7' if in_class => {
            let (c, n) = octal(chars, i, i + 1, 3)?;
            one(c, out, n)
        }
        '1'..='9' if !in_class => {
            // Three octal digits are a character; otherwise a group number
            // of one or two digits.
            let d2 = chars.get(i + 2).copied();
            let d3 = chars.get(i + 3).copied();
            let oct = |c: Option<char>| c.is_some_and(|c| ('0'..='7').contains(&c));
            if oct(Some(c)) && oct(d2) && oct(d3) {
                let (c, n) = octal(chars, i, i + 1, 3)?;
                return one(c, out, n);
            }
            let (num, n) = match d2 {
                Some(d) if d.is_ascii_digit() => (format!("{c}{d}"), i + 3),
                _ => (c.to_string(), i + 2),
            };
            if let Some(g) = groups {
                g.check(num.parse().unwrap_or(usize::MAX), i + 1)?;
            }
            out.push_str(&format!(r"\k<{num}>"));
            Ok((n, false))
        }
        c if c.is_ascii_alphanumeric() => Err(format!("bad escape \\{c} at position {i}")),
        c => one(c, out, next),
    }
}

/// A character class at `i` (`[`), Python's rules: `]` first is literal,
/// `-` at either end is literal, no nested classes or set operations.
fn class(chars: &[char], i: usize, out: &mut String) -> Result<usize, String> {
    let unterminated = || format!("unterminated character set at position {i}");
    let mut j = i + 1;
    out.push('[');
    if chars.get(j) == Some(&'^') {
        out.push('^');
        j += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(j) else {
            return Err(unterminated());
        };
        if c == ']' && !first {
            out.push(']');
            return Ok(j + 1);
        }
        first = false;
        let mut lo = String::new();
        let (after, is_char) = atom(chars, j, &mut lo)?;
        j = after;
        let range = chars.get(j) == Some(&'-') && chars.get(j + 1).is_some_and(|&c| c != ']');
        if range {
            let mut hi = String::new();
            let (after, hi_char) = atom(chars, j + 1, &mut hi)?;
            if !is_char || !hi_char {
                let text: String = chars[j - 1..after.min(chars.len())].iter().collect();
                return Err(format!("bad character range {text} at position {j}"));
            }
            out.push_str(&lo);
            out.push('-');
            out.push_str(&hi);
            j = after;
        } else {
            out.push_str(&lo);
        }
    }
}

/// One member of a class: an escape or a literal character.
fn atom(chars: &[char], j: usize, out: &mut String) -> Result<(usize, bool), String> {
    match chars.get(j) {
        Some('\\') => escape(chars, j, None, out),
        Some(&c) => {
            literal(c, out);
            Ok((j + 1, true))
        }
        None => Err(format!("unterminated character set at position {j}")),
    }
}

/// One piece of a `re.sub` replacement template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text copied as is.
    Text(String),
    /// The text of a group (empty when it did not take part).
    Group(usize),
}

/// Parses a Python `re.sub` replacement: `\1`..`\99`, `\g<N>`,
/// `\g<name>`, octal escapes, `\n` and the other character escapes; `\`
/// before anything else that is not an ASCII letter stays as written.
///
/// ```
/// use kolla_core::pycompat::re::{compile, parse_template, Anchor, Piece};
/// let re = compile(r"(?P<k>\w)=(\w)", false, false, Anchor::Search, false).unwrap();
/// assert_eq!(
///     parse_template(r"\2\g<k>\-", &re).unwrap(),
///     vec![Piece::Group(2), Piece::Group(1), Piece::Text("\\-".into())]
/// );
/// assert!(parse_template(r"\3", &re).is_err());
/// ```
///
/// # Errors
/// A reference to a group the pattern lacks, or an unknown letter escape.
pub fn parse_template(repl: &str, re: &PyRegex) -> Result<Vec<Piece>, String> {
    let chars: Vec<char> = repl.chars().collect();
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let group = |n: usize, at: usize, text: &mut String, pieces: &mut Vec<Piece>| {
        if n > re.groups() {
            return Err(format!(
                "invalid group reference {n} at position {}",
                at + 1
            ));
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(text)));
        }
        pieces.push(Piece::Group(n));
        Ok(())
    };
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' {
            text.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = chars.get(i + 1) else {
            return Err(format!("bad escape (end of pattern) at position {i}"));
        };
        match e {
            'g' => {
                if chars.get(i + 2) != Some(&'<') {
                    return Err(format!("missing < at position {}", i + 2));
                }
                let end = find(&chars, i + 3, '>')
                    .ok_or_else(|| format!("missing >, unterminated name at position {}", i + 3))?;
                let name: String = chars[i + 3..end].iter().collect();
                if name.is_empty() {
                    return Err(format!("missing group name at position {}", i + 3));
                }
                let n = if name.chars().all(|c| c.is_ascii_digit()) {
                    name.parse::<usize>().unwrap_or(usize::MAX)
                } else {
                    re.group_index(&name)
                        .ok_or_else(|| format!("unknown group name '{name}'"))?
                };
                group(n, i, &mut text, &mut pieces)?;
                i = end + 1;
            }
            '0' => {
                let (c, n) = octal(&chars, i, i + 1, 3)?;
                text.push(char::from_u32(c as u32 & 0xff).unwrap_or('\0'));
                i = n;
            }
            '1'..='9' => {
                let d2 = chars.get(i + 2).copied();
                let d3 = chars.get(i + 3).copied();
                let oct = |c: Option<char>| c.is_some_and(|c| ('0'..='7').contains(&c));
                if oct(Some(e)) && oct(d2) && oct(d3) {
                    let (c, n) = octal(&chars, i, i + 1, 3)?;
                    text.push(c);
                    i = n;
                } else {
                    let (num, n) = match d2 {
                        Some(d) if d.is_ascii_digit() => (format!("{e}{d}"), i + 3),
                        _ => (e.to_string(), i + 2),
                    };
                    group(num.parse().unwrap_or(usize::MAX), i, &mut text, &mut pieces)?;
                    i = n;
                }
            }
            _ => {
                match e {
                    'a' => text.push('\x07'),
                    'b' => text.push('\x08'),
                    'f' => text.push('\x0c'),
                    'n' => text.push('\n'),
                    'r' => text.push('\r'),
                    't' => text.push('\t'),
                    'v' => text.push('\x0b'),
                    '\\' => text.push('\\'),
                    e if e.is_ascii_alphabetic() => {
                        return Err(format!("bad escape \\{e} at position {i}"))
                    }
                    e => {
                        text.push('\\');
                        text.push(e);
                    }
                }
                i += 2;
            }
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// Writes the replacement for one match.
pub fn expand(pieces: &[Piece], text: &str, groups: &Groups, out: &mut String) {
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Group(n) => {
                if let Some(Some((s, e))) = groups.get(*n) {
                    out.push_str(&text[*s..*e]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> String {
        translate(p, false, false).unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn translation() {
        assert_eq!(t(r"a$"), r"a(?=\n?\z)");
        assert_eq!(t(r"(?m)a$"), r"(?m)a$");
        assert_eq!(t(r"a\Z"), r"a\z");
        assert_eq!(t(r"(?P<x>a)(?P=x)\1"), r"(?P<x>a)\k<x>\k<1>");
        assert_eq!(t(r"\<\-\x41\101"), r"\x{3C}\x{2D}AA");
        assert_eq!(t(r"a{ {x} {,2}"), r"a\{ \{x\} {0,2}");
        assert_eq!(t(r"[]a[&&~-]"), r"[\x{5D}a\x{5B}\x{26}\x{26}\x{7E}\x{2D}]");
        assert_eq!(t(r"[+--]"), r"[\x{2B}-\x{2D}]");
        assert_eq!(t(r"[\b\d]"), r"[\x{8}\d]");
        assert_eq!(t(r"a(?#note)b"), "ab");
        assert!(t(r"\q").starts_with("ERR bad escape \\q"));
        assert!(t(r"[a").starts_with("ERR unterminated character set"));
        assert!(t(r"[\d-z]").starts_with("ERR bad character range"));
        assert_eq!(t(r"a(?=b)*(?<!c)+(?!d)??"), r"a(?:(?=b)|)(?<!c)(?:|(?!d))");
        assert_eq!(t(r"a$*"), "ERR nothing to repeat at position 2");
        assert_eq!(t(r"\b+"), "ERR nothing to repeat at position 2");
        assert_eq!(t(r"\1(a)"), "ERR invalid group reference 1 at position 1");
        assert_eq!(
            t(r"(a\1)"),
            "ERR cannot refer to an open group at position 3"
        );
        assert_eq!(t(r"(?P=x)"), "ERR unknown group name 'x' at position 4");
    }

    fn sub(p: &str, repl: &str, text: &str) -> String {
        let re = compile(p, false, false, Anchor::Search, text.ends_with('\n')).unwrap();
        let pieces = parse_template(repl, &re).unwrap();
        let mut out = String::new();
        let mut last = 0;
        for g in re.find_all(text, 0).unwrap() {
            let (s, e) = g[0].unwrap();
            out.push_str(&text[last..s]);
            expand(&pieces, text, &g, &mut out);
            last = e;
        }
        out.push_str(&text[last..]);
        out
    }

    #[test]
    fn sub_like_python() {
        assert_eq!(sub("x*", "-", "abxd"), "-a-b--d-");
        assert_eq!(sub("|a", "-", "a"), "---");
        assert_eq!(sub(r"(\w)\1", r"<\1>", "aabcc"), "<a>b<c>");
        assert_eq!(sub(r"(?<=a)b", "X", "abcb"), "aXcb");
        assert_eq!(sub(r"b(?!c)", "X", "bcbd"), "bcXd");
        assert_eq!(sub("$", "!", "a\n"), "a!\n!");
        assert_eq!(sub(r"(a)|b", r"[\1]", "ab"), "[a][]");
    }
}
