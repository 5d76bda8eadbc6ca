//! Typing of INI inventory values the way Ansible's ini plugin does it:
//! Python's `ast.literal_eval`, falling back to the raw string.
//!
//! Only the literal subset of Python's expression grammar matters: anything
//! that is not a well-formed literal (a name, a call, bad syntax) keeps the
//! raw text, exactly as upstream's `except (ValueError, SyntaxError)` does.
//! The result is converted the way the plugin converts it: tuples and sets
//! become lists, `...` becomes `"..."`, complex numbers become their Python
//! `str()`, and bytes are decoded to text.

use serde_json::{Map, Number, Value};

use super::float::{complex_str, float_repr};

/// Types one INI value: the Python literal it spells, or the text itself.
pub(crate) fn parse_value(text: &str) -> Value {
    if cannot_be_literal(text) {
        return Value::String(text.to_string());
    }
    match eval(text) {
        Some(v) => v,
        None => Value::String(text.to_string()),
    }
}

/// A cheap test for the common values (`eth0`, `/usr/bin/python3`, `kolla`)
/// that no Python literal can spell: a first character no literal starts
/// with, or a plain word other than `True`, `False`, `None`.
fn cannot_be_literal(text: &str) -> bool {
    let t = text.trim_start_matches([' ', '\t']);
    let Some(first) = t.bytes().next() else {
        return true;
    };
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if first.is_ascii_alphabetic() || first == b'_' {
        if t.bytes().all(word) {
            return !matches!(t, "True" | "False" | "None");
        }
        // A word followed by other characters: only a string prefix (`b'x'`)
        // or a leading `True`/`False`/`None`/`set` (`True, 1`) can still be
        // a literal.
        let end = t.bytes().position(|b| !word(b)).unwrap_or(t.len());
        let next = t.as_bytes()[end];
        return !(next == b'\''
            || next == b'"'
            || matches!(&t[..end], "True" | "False" | "None" | "set"));
    }
    !matches!(
        first,
        b'0'..=b'9' | b'.' | b'+' | b'-' | b'(' | b'[' | b'{' | b'\'' | b'"'
    )
}

fn eval(text: &str) -> Option<Value> {
    // literal_eval strips leading spaces and tabs before parsing.
    let text = text.trim_start_matches([' ', '\t']);
    let toks = tokenize(text)?;
    let mut p = Parser { toks, pos: 0 };
    let lit = p.top()?;
    if p.pos != p.toks.len() {
        return None;
    }
    Some(lit.into_value())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(IntVal),
    Float(f64),
    Imag(f64),
    Str(String),
    Bytes(String),
    Name(String),
    Ellipsis,
    Op(char),
}

#[derive(Debug, Clone, PartialEq)]
enum IntVal {
    Small(i128),
    /// Too large for 64 bits: kept as its source text.
    Big(String),
}

/// Splits Python source into tokens; `None` on anything that is not valid
/// in a literal (Python would raise SyntaxError or ValueError).
fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\x0c' => i += 1,
            '#' => break,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > 190 {
                    return None;
                }
                out.push(Tok::Op(c));
                i += 1;
            }
            ')' | ']' | '}' => {
                depth = depth.checked_sub(1)?;
                out.push(Tok::Op(c));
                i += 1;
            }
            ',' | ':' | '+' | '-' => {
                out.push(Tok::Op(c));
                i += 1;
            }
            '.' => {
                if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') {
                    out.push(Tok::Ellipsis);
                    i += 3;
                } else if chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) {
                    let (tok, n) = number(&chars[i..])?;
                    out.push(tok);
                    i += n;
                } else {
                    return None;
                }
            }
            '0'..='9' => {
                let (tok, n) = number(&chars[i..])?;
                out.push(tok);
                i += n;
            }
            '\'' | '"' => {
                let (tok, n) = string(&chars[i..], false, false)?;
                push_string(&mut out, tok)?;
                i += n;
            }
            c if c == '_' || c.is_alphabetic() => {
                let start = i;
                while i < chars.len() && (chars[i] == '_' || chars[i].is_alphanumeric()) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if i < chars.len() && (chars[i] == '\'' || chars[i] == '"') {
                    let lower = word.to_ascii_lowercase();
                    let (raw, bytes) = match lower.as_str() {
                        "r" => (true, false),
                        "u" => (false, false),
                        "b" => (false, true),
                        "br" | "rb" => (true, true),
                        // f-strings and unknown prefixes are not literals.
                        _ => return None,
                    };
                    let (tok, n) = string(&chars[i..], raw, bytes)?;
                    push_string(&mut out, tok)?;
                    i += n;
                } else {
                    out.push(Tok::Name(word));
                }
            }
            _ => return None,
        }
    }
    if depth != 0 {
        return None;
    }
    Some(out)
}

/// Adjacent string literals concatenate; str and bytes do not mix.
fn push_string(out: &mut Vec<Tok>, tok: Tok) -> Option<()> {
    match (out.last_mut(), tok) {
        (Some(Tok::Str(a)), Tok::Str(b)) => a.push_str(&b),
        (Some(Tok::Bytes(a)), Tok::Bytes(b)) => a.push_str(&b),
        (Some(Tok::Str(_)), Tok::Bytes(_)) | (Some(Tok::Bytes(_)), Tok::Str(_)) => return None,
        (_, tok) => out.push(tok),
    }
    Some(())
}

/// Digits with single underscores between them; returns the digits and the length.
fn digitpart(c: &[char], radix: u32) -> Option<(String, usize)> {
    let mut i = 0;
    let mut s = String::new();
    while i < c.len() {
        if c[i].is_digit(radix) {
            s.push(c[i]);
            i += 1;
        } else if c[i] == '_' && !s.is_empty() && c.get(i + 1).is_some_and(|d| d.is_digit(radix)) {
            i += 1;
        } else {
            break;
        }
    }
    if s.is_empty() {
        None
    } else {
        Some((s, i))
    }
}

fn number(c: &[char]) -> Option<(Tok, usize)> {
    let end_ok = |i: usize| -> bool {
        // A number followed directly by a letter, digit or `.` is a syntax error.
        c.get(i)
            .is_none_or(|ch| !(ch.is_alphanumeric() || *ch == '_' || *ch == '.'))
    };
    // 0x / 0o / 0b
    if c[0] == '0' && c.len() > 1 {
        let radix = match c[1] {
            'x' | 'X' => Some(16),
            'o' | 'O' => Some(8),
            'b' | 'B' => Some(2),
            _ => None,
        };
        if let Some(radix) = radix {
            let mut i = 2;
            if c.get(i) == Some(&'_') {
                i += 1;
            }
            let (digits, n) = digitpart(&c[i..], radix)?;
            i += n;
            if !end_ok(i) {
                return None;
            }
            let tok = match i128::from_str_radix(&digits, radix) {
                Ok(v) if i64::try_from(v).is_ok() || u64::try_from(v).is_ok() => {
                    Tok::Int(IntVal::Small(v))
                }
                _ => Tok::Int(IntVal::Big(c[..i].iter().collect())),
            };
            return Some((tok, i));
        }
    }
    let mut i = 0;
    let mut int_part = String::new();
    if c[0] != '.' {
        let (d, n) = digitpart(c, 10)?;
        int_part = d;
        i = n;
    }
    let mut is_float = false;
    let mut text = int_part.clone();
    if c.get(i) == Some(&'.') {
        is_float = true;
        i += 1;
        text.push('.');
        if let Some((d, n)) = c.get(i..).and_then(|r| digitpart(r, 10)) {
            text.push_str(&d);
            i += n;
        } else if int_part.is_empty() {
            return None;
        }
    }
    if matches!(c.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        let mut exp = String::from("e");
        if let Some(sign @ ('+' | '-')) = c.get(j) {
            exp.push(*sign);
            j += 1;
        }
        let (d, n) = c.get(j..).and_then(|r| digitpart(r, 10))?;
        exp.push_str(&d);
        text.push_str(&exp);
        i = j + n;
        is_float = true;
    }
    if matches!(c.get(i), Some('j' | 'J')) {
        i += 1;
        if !end_ok(i) {
            return None;
        }
        return Some((Tok::Imag(text.parse().ok()?), i));
    }
    if !end_ok(i) {
        return None;
    }
    if is_float {
        return Some((Tok::Float(text.parse().ok()?), i));
    }
    // Decimal integers: no leading zeros unless the value is zero.
    if int_part.len() > 1 && int_part.starts_with('0') && int_part.chars().any(|d| d != '0') {
        return None;
    }
    let tok = match int_part.parse::<i128>() {
        Ok(v) if u64::try_from(v).is_ok() => Tok::Int(IntVal::Small(v)),
        _ => Tok::Int(IntVal::Big(int_part)),
    };
    Some((tok, i))
}

/// A quoted string starting at `c[0]`; returns the token and its length.
fn string(c: &[char], raw: bool, bytes: bool) -> Option<(Tok, usize)> {
    let q = c[0];
    let triple = c.get(1) == Some(&q) && c.get(2) == Some(&q);
    let mut i = if triple { 3 } else { 1 };
    let mut s = String::new();
    loop {
        let ch = *c.get(i)?;
        if ch == q {
            if !triple {
                i += 1;
                break;
            }
            if c.get(i + 1) == Some(&q) && c.get(i + 2) == Some(&q) {
                i += 3;
                break;
            }
            s.push(ch);
            i += 1;
            continue;
        }
        if bytes && !ch.is_ascii() {
            return None;
        }
        if ch != '\\' {
            s.push(ch);
            i += 1;
            continue;
        }
        let next = *c.get(i + 1)?;
        if raw {
            s.push('\\');
            s.push(next);
            i += 2;
            continue;
        }
        i += 2;
        match next {
            '\\' => s.push('\\'),
            '\'' => s.push('\''),
            '"' => s.push('"'),
            'a' => s.push('\x07'),
            'b' => s.push('\x08'),
            'f' => s.push('\x0c'),
            'n' => s.push('\n'),
            'r' => s.push('\r'),
            't' => s.push('\t'),
            'v' => s.push('\x0b'),
            '0'..='7' => {
                let mut v = next.to_digit(8)?;
                let mut n = 1;
                while n < 3 {
                    match c.get(i).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            i += 1;
                            n += 1;
                        }
                        None => break,
                    }
                }
                if bytes && v > 0xff {
                    return None;
                }
                s.push(char::from_u32(v)?);
            }
            'x' => {
                let h: String = c.get(i..i + 2)?.iter().collect();
                if h.len() != 2 || !h.chars().all(|d| d.is_ascii_hexdigit()) {
                    return None;
                }
                s.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
                i += 2;
            }
            'u' | 'U' if !bytes => {
                let n = if next == 'u' { 4 } else { 8 };
                let h: String = c.get(i..i + n)?.iter().collect();
                if !h.chars().all(|d| d.is_ascii_hexdigit()) {
                    return None;
                }
                // Lone surrogates cannot be represented: keep the raw text.
                s.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
                i += n;
            }
            // \N{NAME} needs the Unicode name table: treated as not a literal.
            'N' if !bytes => return None,
            other => {
                s.push('\\');
                s.push(other);
            }
        }
    }
    let tok = if bytes {
        // Bytes are decoded as UTF-8 text; invalid UTF-8 is not representable.
        let raw: Vec<u8> = s.chars().map(|ch| ch as u32 as u8).collect();
        Tok::Bytes(String::from_utf8(raw).ok()?)
    } else {
        Tok::Str(s)
    };
    Some((tok, i))
}

#[derive(Debug, Clone)]
enum Lit {
    Int(IntVal),
    Float(f64),
    Complex(f64, f64),
    Str(String),
    Bool(bool),
    None,
    Ellipsis,
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

impl Lit {
    fn into_value(self) -> Value {
        match self {
            Lit::Int(IntVal::Small(v)) => {
                if let Ok(v) = i64::try_from(v) {
                    Value::Number(v.into())
                } else if let Ok(v) = u64::try_from(v) {
                    Value::Number(v.into())
                } else {
                    Value::String(v.to_string())
                }
            }
            Lit::Int(IntVal::Big(text)) => Value::String(text),
            Lit::Float(f) => match Number::from_f64(f) {
                Some(n) => Value::Number(n),
                None => Value::String(float_repr(f)),
            },
            Lit::Complex(re, im) => Value::String(complex_str(re, im)),
            Lit::Str(s) => Value::String(s),
            Lit::Bool(b) => Value::Bool(b),
            Lit::None => Value::Null,
            Lit::Ellipsis => Value::String("...".into()),
            Lit::List(items) => Value::Array(items.into_iter().map(Lit::into_value).collect()),
            Lit::Dict(items) => {
                let mut m = Map::new();
                for (k, v) in items {
                    m.insert(k.key_text(), v.into_value());
                }
                Value::Object(m)
            }
        }
    }

    /// The text Python's json module writes for a non-string key.
    fn key_text(&self) -> String {
        match self {
            Lit::Str(s) => s.clone(),
            Lit::Int(IntVal::Small(v)) => v.to_string(),
            Lit::Int(IntVal::Big(t)) => t.clone(),
            Lit::Float(f) => float_repr(*f),
            Lit::Bool(true) => "true".into(),
            Lit::Bool(false) => "false".into(),
            Lit::None => "null".into(),
            other => other.clone().into_value().to_string(),
        }
    }

    fn hashable(&self) -> bool {
        !matches!(self, Lit::List(_) | Lit::Dict(_))
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Op(c)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// The whole input: an expression, or a bare tuple `1, 2`.
    fn top(&mut self) -> Option<Lit> {
        let first = self.expr()?;
        if !self.eat(',') {
            return Some(first);
        }
        let mut items = vec![first];
        while self.pos < self.toks.len() {
            items.push(self.expr()?);
            if !self.eat(',') {
                break;
            }
        }
        Some(Lit::List(items))
    }

    /// A signed number, optionally `+`/`-` a complex number, or any other atom.
    fn expr(&mut self) -> Option<Lit> {
        let left = self.signed()?;
        if let Some(Tok::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            let left_num = match left {
                Lit::Int(IntVal::Small(v)) => v as f64,
                Lit::Float(f) => f,
                _ => return None,
            };
            self.pos += 1;
            let Some(Tok::Imag(im)) = self.peek().cloned() else {
                return None;
            };
            self.pos += 1;
            return Some(if op == '+' {
                Lit::Complex(left_num + 0.0, 0.0 + im)
            } else {
                Lit::Complex(left_num - 0.0, 0.0 - im)
            });
        }
        Some(left)
    }

    fn signed(&mut self) -> Option<Lit> {
        if let Some(Tok::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.pos += 1;
            let tok = self.peek()?.clone();
            self.pos += 1;
            let neg = op == '-';
            return Some(match tok {
                Tok::Int(IntVal::Small(v)) => Lit::Int(IntVal::Small(if neg { -v } else { v })),
                Tok::Int(IntVal::Big(t)) => {
                    Lit::Int(IntVal::Big(if neg { format!("-{t}") } else { t }))
                }
                Tok::Float(f) => Lit::Float(if neg { -f } else { f }),
                Tok::Imag(im) => {
                    if neg {
                        Lit::Complex(-0.0, -im)
                    } else {
                        Lit::Complex(0.0, im)
                    }
                }
                _ => return None,
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Option<Lit> {
        let tok = self.peek()?.clone();
        self.pos += 1;
        Some(match tok {
            Tok::Int(v) => Lit::Int(v),
            Tok::Float(f) => Lit::Float(f),
            Tok::Imag(im) => Lit::Complex(0.0, im),
            Tok::Str(s) | Tok::Bytes(s) => Lit::Str(s),
            Tok::Ellipsis => Lit::Ellipsis,
            Tok::Name(n) => match n.as_str() {
                "True" => Lit::Bool(true),
                "False" => Lit::Bool(false),
                "None" => Lit::None,
                "set" if self.eat('(') && self.eat(')') => Lit::List(Vec::new()),
                _ => return None,
            },
            Tok::Op('[') => Lit::List(self.seq(']')?.0),
            Tok::Op('(') => {
                let (items, comma) = self.seq(')')?;
                if items.len() == 1 && !comma {
                    items.into_iter().next()?
                } else {
                    Lit::List(items)
                }
            }
            Tok::Op('{') => self.brace()?,
            _ => return None,
        })
    }

    /// Items up to `close`; also says whether a comma was seen.
    fn seq(&mut self, close: char) -> Option<(Vec<Lit>, bool)> {
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            if self.eat(close) {
                return Some((items, comma));
            }
            items.push(self.expr()?);
            if self.eat(',') {
                comma = true;
            } else if self.eat(close) {
                return Some((items, comma));
            } else {
                return None;
            }
        }
    }

    /// `{}` (dict), `{k: v, ...}` or `{a, b}` (a set).
    fn brace(&mut self) -> Option<Lit> {
        if self.eat('}') {
            return Some(Lit::Dict(Vec::new()));
        }
        let first = self.expr()?;
        if self.eat(':') {
            let mut items: Vec<(Lit, Lit)> = Vec::new();
            let v = self.expr()?;
            items.push((first, v));
            loop {
                if self.eat('}') {
                    break;
                }
                if !self.eat(',') {
                    return None;
                }
                if self.eat('}') {
                    break;
                }
                let k = self.expr()?;
                if !self.eat(':') {
                    return None;
                }
                let v = self.expr()?;
                items.push((k, v));
            }
            if !items.iter().all(|(k, _)| k.hashable()) {
                return None;
            }
            return Some(Lit::Dict(items));
        }
        let mut items = vec![first];
        loop {
            if self.eat('}') {
                break;
            }
            if !self.eat(',') {
                return None;
            }
            if self.eat('}') {
                break;
            }
            items.push(self.expr()?);
        }
        if !items.iter().all(Lit::hashable) {
            return None;
        }
        // A set: duplicates collapse. Python iterates a set in hash order; we
        // keep the first-seen order (see docs/deviations.md).
        let mut seen: Vec<Value> = Vec::new();
        let mut out = Vec::new();
        for it in items {
            let v = it.clone().into_value();
            if !seen.contains(&v) {
                seen.push(v);
                out.push(it);
            }
        }
        Some(Lit::List(out))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_value;
    use serde_json::json;

    #[test]
    fn spec_table() {
        let cases = [
            ("1", json!(1)),
            ("1.5", json!(1.5)),
            ("1e3", json!(1000.0)),
            ("True", json!(true)),
            ("yes", json!("yes")),
            ("true", json!("true")),
            ("None", json!(null)),
            ("0777", json!("0777")),
            ("0o777", json!(511)),
            ("1_000", json!(1000)),
            ("'0x10'", json!("0x10")),
            ("0x10", json!(16)),
            ("[1,2]", json!([1, 2])),
            ("(1,2)", json!([1, 2])),
            ("{'k':'v'}", json!({"k": "v"})),
            ("{k:v}", json!("{k:v}")),
            ("\"quoted\"", json!("quoted")),
            ("foo=bar", json!("foo=bar")),
            ("10.0.0.1", json!("10.0.0.1")),
            ("", json!("")),
            ("1j", json!("1j")),
            ("-1j", json!("(-0-1j)")),
            ("1-0j", json!("(1+0j)")),
            ("...", json!("...")),
            ("5 # c", json!(5)),
            ("abc # c", json!("abc # c")),
            (" 1", json!(1)),
            ("00", json!(0)),
            ("'a' 'b'", json!("ab")),
            ("b'ab'", json!("ab")),
            ("set()", json!([])),
            ("--1", json!("--1")),
            ("1,2", json!([1, 2])),
            ("{1:2}", json!({"1": 2})),
            ("'\\q'", json!("\\q")),
            ("r'\\d'", json!("\\d")),
            ("True,False", json!([true, false])),
            ("None # c", json!(null)),
            ("eth0", json!("eth0")),
            ("/usr/bin/python3", json!("/usr/bin/python3")),
        ];
        for (src, want) in cases {
            assert_eq!(parse_value(src), want, "{src:?}");
        }
    }
}
