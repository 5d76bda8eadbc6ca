//! Loading YAML the way Ansible (PyYAML's `safe_load`) reads it.
//!
//! Ansible resolves plain scalars with YAML 1.1 rules, and kolla's files rely
//! on that: `enable_cinder: yes` is a boolean, `mode: 0660` is the integer 432.
//! yaml-rust2 parses the syntax; the scalar resolution below is ours, because
//! its own resolver follows YAML 1.2 and would read those values differently.
//!
//! Raw U+0085, U+2028 and U+2029 characters are line breaks, as in YAML 1.1
//! (yaml-rust2 reads YAML 1.2, where they are not); the private `breaks`
//! module bridges the two.
//!
//! Values are [`serde_json::Value`]s (with key order kept). Mapping keys that
//! are not strings are turned into the text Python's `str()` gives them
//! (`True`, `None`, `8`), which is what Ansible does when it stores variables.
//!
//! For kolla-ansible's `merge_yaml`, which must write YAML back byte for
//! byte as PyYAML does, three submodules go further:
//!
//! - [`node`]: a node model with typed keys, shared (aliased) collections,
//!   timestamps and key lines, loaded as PyYAML's `safe_load` does;
//! - [`dump`]: a PyYAML-compatible emitter (`yaml.dump` and the options
//!   Ansible's `to_yaml` filters use);
//! - [`merge`]: the merge itself, from texts (files are read and rendered by
//!   [`crate::source`], which YAML does not depend on).

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::error::Location;

mod breaks;
pub mod dump;
pub mod merge;
pub mod node;

/// A YAML document could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not well-formed YAML.
    #[error("{location}: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// The parser's description of the problem.
        message: String,
    },
    /// An alias names an anchor that was never defined.
    #[error("{location}: found undefined alias")]
    UndefinedAlias {
        /// Where the alias is.
        location: Location,
    },
    /// A variables file (or `-e` value) is not a mapping.
    #[error("{origin}: variables must be a mapping, found {found}")]
    NotAMapping {
        /// The file or `-e`.
        origin: String,
        /// What was found instead.
        found: &'static str,
    },
    /// A `merge_yaml` source's top level is truthy but not a mapping
    /// (upstream crashes with `'list' object has no attribute 'items'`).
    #[error("{origin}: the top level of a YAML source to merge must be a mapping, found {found}")]
    NotMappingDocument {
        /// The source file.
        origin: String,
        /// Python's type name of what was found.
        found: &'static str,
    },
    /// A mapping was merged onto a key holding a non-mapping (upstream
    /// crashes with a Python `TypeError`).
    #[error("{location}: cannot merge a mapping into `{key_path}`, which holds a {found} in an earlier source")]
    MergeTypeClash {
        /// The key in the later source.
        location: Location,
        /// Dotted path of the key.
        key_path: String,
        /// Python's type name of the earlier value.
        found: &'static str,
    },
    /// With `extend_lists`, a list was to be extended with a non-list
    /// (upstream's exact message).
    #[error("{location}: {message}")]
    ExtendLists {
        /// The key in the later source.
        location: Location,
        /// Upstream's `Failure merging key ...` text.
        message: String,
    },
    /// An `-e` argument could not be parsed.
    #[error("-e {arg:?}: {message}")]
    BadExtraVars {
        /// The argument as given.
        arg: String,
        /// What is wrong with it.
        message: String,
    },
}

impl Error {
    /// Where in which file the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Syntax { location, .. }
            | Error::UndefinedAlias { location }
            | Error::MergeTypeClash { location, .. }
            | Error::ExtendLists { location, .. } => Some(location),
            Error::NotAMapping { .. }
            | Error::BadExtraVars { .. }
            | Error::NotMappingDocument { .. } => None,
        }
    }

    /// True for errors of the merge itself (not of loading a document):
    /// these reach Python as `ConfigMergeError`.
    pub fn is_merge(&self) -> bool {
        matches!(
            self,
            Error::NotMappingDocument { .. }
                | Error::MergeTypeClash { .. }
                | Error::ExtendLists { .. }
        )
    }

    /// The file the error is about, when known.
    pub fn origin(&self) -> Option<&str> {
        match self {
            Error::NotAMapping { origin, .. } | Error::NotMappingDocument { origin, .. } => {
                Some(origin)
            }
            _ => self.location().map(|l| l.path.as_str()),
        }
    }
}

/// Loads the first document of `text`; `origin` names it in errors.
///
/// An empty document (or one holding only comments) is `null`, as in PyYAML.
///
/// ```
/// let v = kolla_core::yaml::load("globals.yml", "enable_cinder: yes\nmode: 0660\n").unwrap();
/// assert_eq!(v["enable_cinder"], true);
/// assert_eq!(v["mode"], 432);
///
/// let err = kolla_core::yaml::load("globals.yml", "a: 1\nb: [\n").unwrap_err();
/// assert!(err.to_string().starts_with("globals.yml:3:"));
/// ```
///
/// # Errors
/// [`Error::Syntax`] for malformed text, with the line and column.
pub fn load(origin: &str, text: &str) -> Result<Value, Error> {
    let source = breaks::Source::new(text);
    let mut builder = Builder {
        origin,
        source: &source,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        error: None,
    };
    let mut parser = Parser::new_from_str(source.text());
    parser
        .load(&mut builder, false)
        .map_err(|e| Error::Syntax {
            location: marker_location(origin, e.marker()),
            message: e.info().to_string(),
        })?;
    if let Some(err) = builder.error {
        return Err(err);
    }
    Ok(builder.root.unwrap_or(Value::Null))
}

/// Ansible's `DataLoader` (also its `from_yaml` and `-e @file`): JSON first,
/// with JSON's typing (so `1e-07` is a float and `"\ud83d\ude00"` a surrogate
/// pair), then YAML 1.1.
///
/// ```
/// let v = kolla_core::yaml::load_data("v.json", r#"{"f": 1e-07}"#).unwrap();
/// assert_eq!(v["f"], 1e-07);
/// assert_eq!(kolla_core::yaml::load_data("v.yml", "a: yes").unwrap()["a"], true);
/// ```
///
/// # Errors
/// The YAML error when the text is neither JSON nor YAML.
pub fn load_data(origin: &str, text: &str) -> Result<serde_json::Value, Error> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Ok(v),
        Err(_) => load(origin, text),
    }
}

pub(super) fn marker_location(origin: &str, m: &Marker) -> Location {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Location::new(origin, m.line().max(1)).with_column(m.col() + 1)
}

enum Frame {
    Seq {
        anchor: usize,
        items: Vec<Value>,
    },
    Map {
        anchor: usize,
        map: Map<String, Value>,
        pending_key: Option<PendingKey>,
    },
}

enum PendingKey {
    Key(String),
    /// A `<<` merge key: the value is merged into the mapping.
    Merge,
}

struct Builder<'a> {
    origin: &'a str,
    source: &'a breaks::Source<'a>,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Value)>,
    root: Option<Value>,
    error: Option<Error>,
}

impl Builder<'_> {
    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor != 0 {
            self.anchors.push((anchor, value.clone()));
        }
    }

    /// Hands a finished node to its parent. `key_text` is set for scalars,
    /// which may be a `<<` merge key.
    fn push_value(&mut self, value: Value, merge_key: bool) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map {
                map, pending_key, ..
            }) => match pending_key.take() {
                None => {
                    *pending_key = Some(if merge_key {
                        PendingKey::Merge
                    } else {
                        PendingKey::Key(key_string(&value))
                    });
                }
                Some(PendingKey::Key(k)) => {
                    map.insert(k, value);
                }
                Some(PendingKey::Merge) => merge_into(map, value),
            },
        }
    }
}

/// `<<: *base` (or a list of them): keys already set in the mapping win.
fn merge_into(map: &mut Map<String, Value>, value: Value) {
    match value {
        Value::Object(src) => {
            for (k, v) in src {
                map.entry(k).or_insert(v);
            }
        }
        Value::Array(items) => {
            for item in items {
                merge_into(map, item);
            }
        }
        other => {
            map.insert("<<".to_string(), other);
        }
    }
}

/// The text Python's `str()` gives a scalar used as a key.
fn key_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let merge_key = style == TScalarStyle::Plain
                    && text == "<<"
                    && matches!(
                        self.stack.last(),
                        Some(Frame::Map {
                            pending_key: None,
                            ..
                        })
                    );
                let text = match self.source.scalar(text, style, &mark) {
                    Ok(text) => text,
                    Err(message) => {
                        self.error = Some(Error::Syntax {
                            location: marker_location(self.origin, &mark),
                            message,
                        });
                        return;
                    }
                };
                let value = resolve_scalar(text, style, tag.as_ref());
                self.remember(anchor, &value);
                self.push_value(value, merge_key);
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq {
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map {
                anchor,
                map: Map::new(),
                pending_key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, value) = match self.stack.pop() {
                    Some(Frame::Seq { anchor, items }) => (anchor, Value::Array(items)),
                    Some(Frame::Map { anchor, map, .. }) => (anchor, Value::Object(map)),
                    None => return,
                };
                self.remember(anchor, &value);
                self.push_value(value, false);
            }
            Event::Alias(id) => match self.anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, v)) => {
                    let v = v.clone();
                    self.push_value(v, false);
                }
                None => {
                    self.error = Some(Error::UndefinedAlias {
                        location: marker_location(self.origin, &mark),
                    })
                }
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Resolves one scalar to a typed value with PyYAML's YAML 1.1 rules.
///
/// Quoted and block scalars are always strings; plain ones are tried as null,
/// bool, int and float, in that order. An explicit `!!str` (or Ansible's
/// `!unsafe` / `!vault`) keeps the text.
pub fn resolve_scalar(text: String, style: TScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        match (tag.handle.as_str(), tag.suffix.as_str()) {
            ("!!", "str") | ("tag:yaml.org,2002:", "str") | ("!", "unsafe") | ("!", "vault") => {
                return Value::String(text)
            }
            ("!!", "int") | ("tag:yaml.org,2002:", "int") => {
                return parse_int(&text).map_or(Value::String(text), Value::Number)
            }
            ("!!", "float") | ("tag:yaml.org,2002:", "float") => {
                return parse_float(&text).unwrap_or(Value::String(text))
            }
            ("!!", "bool") | ("tag:yaml.org,2002:", "bool") => {
                return parse_bool(&text).map_or(Value::String(text), Value::Bool)
            }
            ("!!", "null") | ("tag:yaml.org,2002:", "null") => return Value::Null,
            _ => {}
        }
    }
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    resolve_plain(text)
}

/// Resolves a plain scalar's text (YAML 1.1, as PyYAML's SafeLoader does).
///
/// ```
/// use kolla_core::yaml::resolve_plain;
/// use serde_json::json;
/// assert_eq!(resolve_plain("off".into()), json!(false));
/// assert_eq!(resolve_plain("010".into()), json!(8));
/// assert_eq!(resolve_plain("1_000".into()), json!(1000));
/// assert_eq!(resolve_plain("12:30:00".into()), json!(45000));
/// assert_eq!(resolve_plain("1e3".into()), json!("1e3"));
/// assert_eq!(resolve_plain("1.0e+3".into()), json!(1000.0));
/// assert_eq!(resolve_plain("y".into()), json!("y"));
/// ```
pub fn resolve_plain(text: String) -> Value {
    match classify_plain(&text) {
        Plain::Null => Value::Null,
        Plain::Bool(b) => Value::Bool(b),
        Plain::Int(neg, Some(m)) => int_number(neg, m).map_or(Value::String(text), Value::Number),
        Plain::Int(_, None) | Plain::Str => Value::String(text),
        Plain::Float(f) => float_value(f).unwrap_or(Value::String(text)),
    }
}

/// What PyYAML's implicit resolvers (YAML 1.1) make of a plain scalar: the
/// one resolver of both loaders ([`load`] and [`node::load_node`]);
/// timestamps are left to the node loader.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Plain {
    /// `~`, `null`, empty.
    Null,
    /// `yes`, `Off`, `TRUE`, ...
    Bool(bool),
    /// An integer: negative, and the magnitude (`None` beyond 128 bits).
    Int(bool, Option<u128>),
    /// A float.
    Float(f64),
    /// Anything else.
    Str,
}

/// Resolves a plain scalar's text to its [`Plain`] type.
pub(crate) fn classify_plain(t: &str) -> Plain {
    if matches!(t, "" | "~" | "null" | "Null" | "NULL") {
        return Plain::Null;
    }
    if let Some(b) = parse_bool(t) {
        return Plain::Bool(b);
    }
    if let Some((neg, magnitude)) = int_parts(t) {
        return Plain::Int(neg, magnitude);
    }
    match float_of(t) {
        Some(f) => Plain::Float(f),
        None => Plain::Str,
    }
}

fn parse_bool(t: &str) -> Option<bool> {
    match t {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn split_sign(t: &str) -> (bool, &str) {
    match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    }
}

fn int_number(neg: bool, magnitude: u128) -> Option<Number> {
    if neg {
        let v = i64::try_from(magnitude).ok()?;
        Some(Number::from(-v))
    } else if let Ok(v) = u64::try_from(magnitude) {
        Some(Number::from(v))
    } else {
        None
    }
}

/// A YAML 1.1 integer (binary, octal with a leading 0, decimal, hex, base
/// 60): its sign and magnitude (`None` beyond 128 bits); `None` when the
/// text is not an integer's.
fn int_parts(t: &str) -> Option<(bool, Option<u128>)> {
    let (neg, body) = split_sign(t);
    if body.is_empty() {
        return None;
    }
    let digits = |s: &str, radix: u32| -> Option<u128> {
        let cleaned: String = s.chars().filter(|&c| c != '_').collect();
        if cleaned.is_empty() {
            // `0_` (octal, only underscores) is 0, as in PyYAML; `0b_` and
            // `0x_` are refused by the callers.
            return Some(0);
        }
        u128::from_str_radix(&cleaned, radix).ok()
    };
    let all = |s: &str, ok: fn(char) -> bool| !s.is_empty() && s.chars().all(|c| c == '_' || ok(c));
    let magnitude = if let Some(b) = body.strip_prefix("0b") {
        if !all(b, |c| c == '0' || c == '1') {
            return None;
        }
        // Python's int('', 2) fails: no digits at all is no value.
        digits(b, 2).filter(|_| b.contains(|c| c != '_'))
    } else if let Some(h) = body.strip_prefix("0x") {
        if !all(h, |c| c.is_ascii_hexdigit()) {
            return None;
        }
        digits(h, 16).filter(|_| h.contains(|c| c != '_'))
    } else if body.contains(':') {
        // Base 60: [1-9][0-9_]*(:[0-5]?[0-9])+
        let mut parts = body.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| ('1'..='9').contains(&c))
            || !all(first, |c| c.is_ascii_digit())
        {
            return None;
        }
        let mut acc = digits(first, 10);
        for p in parts {
            if !is_sexagesimal_part(p) {
                return None;
            }
            acc = acc.and_then(|a| a.checked_mul(60)?.checked_add(p.parse::<u128>().ok()?));
        }
        acc
    } else if body == "0" {
        Some(0)
    } else if let Some(o) = body.strip_prefix('0') {
        if !all(o, |c| ('0'..='7').contains(&c)) {
            return None;
        }
        digits(o, 8)
    } else {
        if !body.starts_with(|c: char| ('1'..='9').contains(&c))
            || !all(body, |c| c.is_ascii_digit())
        {
            return None;
        }
        digits(body, 10)
    };
    Some((neg, magnitude))
}

/// A YAML 1.1 integer as a JSON number (`None` beyond 64 bits).
fn parse_int(t: &str) -> Option<Number> {
    let (neg, magnitude) = int_parts(t)?;
    int_number(neg, magnitude?)
}

fn is_sexagesimal_part(p: &str) -> bool {
    let b = p.as_bytes();
    match b.len() {
        1 => b[0].is_ascii_digit(),
        2 => (b'0'..=b'5').contains(&b[0]) && b[1].is_ascii_digit(),
        _ => false,
    }
}

/// A YAML 1.1 float as a JSON value (`inf` and `nan` as the strings
/// Python prints).
fn parse_float(t: &str) -> Option<Value> {
    float_of(t).and_then(float_value)
}

/// YAML 1.1 floats as PyYAML resolves them: a dot is required, an exponent
/// needs a sign, plus `.inf`, `.nan` and base 60.
fn float_of(t: &str) -> Option<f64> {
    let (neg, body) = split_sign(t);
    let signed = |v: f64| if neg { -v } else { v };
    match body {
        ".inf" | ".Inf" | ".INF" => return Some(signed(f64::INFINITY)),
        ".nan" | ".NaN" | ".NAN" if t == body => return Some(f64::NAN),
        _ => {}
    }
    if body.contains(':') {
        let mut parts = body.split(':');
        let first = parts.next()?;
        if first.is_empty()
            || !first.starts_with(|c: char| c.is_ascii_digit())
            || !first.chars().all(|c| c.is_ascii_digit() || c == '_')
        {
            return None;
        }
        let mut acc: f64 = first.replace('_', "").parse().ok()?;
        let parts: Vec<&str> = parts.collect();
        let (last, middle) = parts.split_last()?;
        for p in middle {
            if !is_sexagesimal_part(p) {
                return None;
            }
            acc = acc * 60.0 + p.parse::<f64>().ok()?;
        }
        let (int_part, frac) = last.split_once('.')?;
        if !is_sexagesimal_part(int_part) || !frac.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return None;
        }
        let last_val: f64 = format!("{int_part}.{}0", frac.replace('_', ""))
            .parse()
            .ok()?;
        return Some(signed(acc * 60.0 + last_val));
    }
    // [0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?  or  \.[0-9][0-9_]*([eE][-+][0-9]+)?
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (ip, fp) = mantissa.split_once('.')?;
    let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    if ip.is_empty() {
        // Only the unsigned `.5` form is allowed without an integer part.
        if neg || t != body || !fp.starts_with(|c: char| c.is_ascii_digit()) || !digits_ok(fp) {
            return None;
        }
    } else if !ip.starts_with(|c: char| c.is_ascii_digit()) || !digits_ok(ip) || !digits_ok(fp) {
        return None;
    }
    if let Some(e) = exponent {
        let (_, rest) = e.split_at(e.len().min(1));
        if !(e.starts_with('+') || e.starts_with('-'))
            || rest.is_empty()
            || !rest.chars().all(|c| c.is_ascii_digit())
        {
            return None;
        }
    }
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    let cleaned = if cleaned.ends_with('.') || cleaned.contains(".e") || cleaned.contains(".E") {
        cleaned.replacen('.', ".0", 1)
    } else {
        cleaned
    };
    let v: f64 = cleaned.trim_start_matches(['+', '-']).parse().ok()?;
    Some(signed(v))
}

fn float_value(v: f64) -> Option<Value> {
    // JSON cannot hold inf/nan; keep them as the strings Python prints.
    Some(match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => Value::String("nan".into()),
        None if v > 0.0 => Value::String("inf".into()),
        None => Value::String("-inf".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_follow_yaml_1_1() {
        let v = load(
            "t.yml",
            "a: yes\nb: 'yes'\nc: 0x1F\nd: ~\ne: 1.5\nf: .inf\ng: 0o10\nh: 1:30\ni: -017\nj: 3.\nk: .5\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": true, "b": "yes", "c": 31, "d": null, "e": 1.5, "f": "inf",
                   "g": "0o10", "h": 90, "i": -15, "j": 3.0, "k": 0.5})
        );
    }

    #[test]
    fn keys_are_python_strings() {
        let v = load("t.yml", "yes: 1\n8: 2\n~: 3\n").unwrap();
        assert_eq!(v, json!({"True": 1, "8": 2, "None": 3}));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let v = load(
            "t.yml",
            "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\nlist: *b\n",
        )
        .unwrap();
        assert_eq!(v["other"], json!({"y": 3, "x": 1}));
        assert_eq!(v["list"], json!({"x": 1, "y": 2}));
    }

    #[test]
    fn syntax_errors_carry_file_line_and_column() {
        let err = load("inv/group_vars/all.yml", "a: 1\nb: \"open\n").unwrap_err();
        let loc = err.location().unwrap();
        assert_eq!(loc.path, "inv/group_vars/all.yml");
        assert!(loc.line >= 2, "{err}");
        assert!(err.to_string().starts_with("inv/group_vars/all.yml:"));
    }

    #[test]
    fn empty_document_is_null() {
        assert_eq!(load("t.yml", "# only a comment\n").unwrap(), Value::Null);
    }
}
