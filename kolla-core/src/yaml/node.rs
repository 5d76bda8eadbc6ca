//! A YAML node model that keeps what PyYAML keeps where it changes output.
//!
//! [`yaml::load`](super::load) gives plain JSON values, which is all most
//! callers need. Merging and re-emitting YAML the way kolla-ansible's
//! `merge_yaml` does needs more:
//!
//! - typed mapping keys (`8`, `true`, `null`, dates), because the emitter sorts
//!   keys with Python's ordering and keeps insertion order when they cannot be
//!   compared;
//! - shared collections: an alias is the *same* object as its anchor, so the
//!   emitter writes `&id001` / `*id001` and an in-place list extension shows
//!   through every alias;
//! - timestamps, which PyYAML turns into dates and writes back in ISO form;
//! - the line of every key, so merge errors can point into the source.

use super::{classify_plain, Plain};
use std::cell::RefCell;
use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::OnceLock;

use indexmap::IndexMap;
use regex::Regex;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::{marker_location, Error};

/// A shared, mutable sequence (a Python list).
pub type Seq = Rc<RefCell<Vec<Node>>>;
/// A shared, mutable mapping (a Python dict).
pub type Map = Rc<RefCell<Mapping>>;

/// A loaded YAML value, typed as PyYAML's `safe_load` types it.
///
/// Collections are reference-counted: cloning a `Node::Seq` or `Node::Map`
/// shares the collection, exactly like assigning a Python list or dict.
#[derive(Debug, Clone)]
pub enum Node {
    /// `null`, `~` or an empty value.
    Null,
    /// A YAML 1.1 boolean (`yes`, `on`, `true`, ...).
    Bool(bool),
    /// An integer (YAML 1.1 forms: octal `010`, hex, base 60, `1_000`).
    Int(i128),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A date or a date-time.
    Timestamp(Timestamp),
    /// A list.
    Seq(Seq),
    /// A dict.
    Map(Map),
}

/// A YAML timestamp as PyYAML constructs it (`datetime.date` or
/// `datetime.datetime`), kept as the text Python's `isoformat(' ')` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    /// `2020-01-01`, `2020-01-01 10:00:00`, `2020-01-01 10:00:00.500000+00:00`.
    pub iso: String,
    /// Which Python class it would be.
    pub kind: TimestampKind,
    /// The fields (year, month, day, hour, minute, second, microsecond).
    pub fields: [u32; 7],
    /// The UTC offset in minutes, for aware date-times.
    pub offset_minutes: Option<i32>,
}

impl Timestamp {
    /// Python's `repr()` of the `datetime.date` / `datetime.datetime`.
    pub fn py_repr(&self) -> String {
        let [y, mo, d, h, mi, s, us] = self.fields;
        if self.kind == TimestampKind::Date {
            return format!("datetime.date({y}, {mo}, {d})");
        }
        let mut out = format!("datetime.datetime({y}, {mo}, {d}, {h}, {mi}");
        if s != 0 || us != 0 {
            out.push_str(&format!(", {s}"));
        }
        if us != 0 {
            out.push_str(&format!(", {us}"));
        }
        match self.offset_minutes {
            Some(0) => out.push_str(", tzinfo=datetime.timezone.utc"),
            Some(m) => {
                let secs = i64::from(m) * 60;
                let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
                if days != 0 {
                    out.push_str(&format!(
                        ", tzinfo=datetime.timezone(datetime.timedelta(days={days}, seconds={rem})))"
                    ));
                    return out;
                }
                out.push_str(&format!(
                    ", tzinfo=datetime.timezone(datetime.timedelta(seconds={rem}))"
                ));
            }
            None => {}
        }
        out.push(')');
        out
    }
}

/// The Python class of a [`Timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampKind {
    /// `datetime.date`.
    Date,
    /// `datetime.datetime` without a time zone.
    Naive,
    /// `datetime.datetime` with a time zone.
    Aware,
}

/// One key/value pair of a [`Mapping`], with the line of its key.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The key as loaded (kept when a later value replaces the value).
    pub key: Node,
    /// The value.
    pub value: Node,
    /// 1-based line of the key in its source (0 when not from a source).
    pub line: usize,
    /// 1-based column of the key in its source (0 when not known).
    pub column: usize,
}

/// A dict: insertion-ordered, keyed with Python's equality (`1 == True`).
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    entries: IndexMap<HKey, Entry>,
}

/// A hashable key with Python's equality: `True == 1 == 1.0`.
#[derive(Debug, Clone)]
enum HKey {
    Null,
    Int(i128),
    Float(u64),
    Str(String),
    Time(String),
}

impl PartialEq for HKey {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (HKey::Null, HKey::Null) => true,
            (HKey::Int(a), HKey::Int(b)) => a == b,
            (HKey::Float(a), HKey::Float(b)) => a == b,
            (HKey::Str(a), HKey::Str(b)) | (HKey::Time(a), HKey::Time(b)) => a == b,
            _ => false,
        }
    }
}
impl Eq for HKey {}
impl Hash for HKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            HKey::Null => {}
            HKey::Int(i) => i.hash(state),
            HKey::Float(f) => f.hash(state),
            HKey::Str(s) | HKey::Time(s) => s.hash(state),
        }
    }
}

impl HKey {
    fn of(node: &Node) -> Option<HKey> {
        Some(match node {
            Node::Null => HKey::Null,
            Node::Bool(b) => HKey::Int(i128::from(*b)),
            Node::Int(i) => HKey::Int(*i),
            Node::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 1e30 {
                    HKey::Int(*f as i128)
                } else {
                    HKey::Float(f.to_bits())
                }
            }
            Node::Str(s) => HKey::Str(s.clone()),
            Node::Timestamp(t) => HKey::Time(t.iso.clone()),
            Node::Seq(_) | Node::Map(_) => return None,
        })
    }
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value for `key`, if present. Unhashable keys are never present.
    pub fn get(&self, key: &Node) -> Option<&Node> {
        self.entries.get(&HKey::of(key)?).map(|e| &e.value)
    }

    /// Sets `key` to `value`. An existing key keeps its place and its
    /// original key object, as a Python dict does.
    ///
    /// # Panics
    /// Never for scalar keys; a collection key is ignored (callers reject
    /// unhashable keys before).
    pub fn insert(&mut self, key: Node, value: Node, line: usize) {
        self.insert_at(key, value, line, 0);
    }

    /// [`Mapping::insert`] with the key's 1-based line and column in its
    /// source (kept for a new key only, as the key object is).
    pub fn insert_at(&mut self, key: Node, value: Node, line: usize, column: usize) {
        let Some(h) = HKey::of(&key) else { return };
        match self.entries.get_mut(&h) {
            Some(e) => e.value = value,
            None => {
                self.entries.insert(
                    h,
                    Entry {
                        key,
                        value,
                        line,
                        column,
                    },
                );
            }
        }
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }
}

impl Node {
    /// A fresh empty mapping node.
    pub fn new_map() -> Node {
        Node::Map(Rc::new(RefCell::new(Mapping::new())))
    }

    /// A fresh sequence node.
    pub fn new_seq(items: Vec<Node>) -> Node {
        Node::Seq(Rc::new(RefCell::new(items)))
    }

    /// Python truthiness: `None`, `False`, `0`, `0.0`, `""`, `[]`, `{}` are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Node::Null => false,
            Node::Bool(b) => *b,
            Node::Int(i) => *i != 0,
            Node::Float(f) => *f != 0.0,
            Node::Str(s) => !s.is_empty(),
            Node::Timestamp(_) => true,
            Node::Seq(s) => !s.borrow().is_empty(),
            Node::Map(m) => !m.borrow().is_empty(),
        }
    }

    /// Python's type name (`str`, `int`, `dict`, `datetime.date`, ...).
    pub fn py_type(&self) -> &'static str {
        match self {
            Node::Null => "NoneType",
            Node::Bool(_) => "bool",
            Node::Int(_) => "int",
            Node::Float(_) => "float",
            Node::Str(_) => "str",
            Node::Timestamp(t) if t.kind == TimestampKind::Date => "datetime.date",
            Node::Timestamp(_) => "datetime.datetime",
            Node::Seq(_) => "list",
            Node::Map(_) => "dict",
        }
    }

    /// Compares two keys with Python's `<`; `None` when Python raises
    /// `TypeError` (the caller then keeps insertion order, as PyYAML does).
    pub fn py_cmp(&self, other: &Node) -> Option<Ordering> {
        fn num(n: &Node) -> Option<f64> {
            match n {
                Node::Bool(b) => Some(f64::from(u8::from(*b))),
                Node::Int(i) => Some(*i as f64),
                Node::Float(f) => Some(*f),
                _ => None,
            }
        }
        fn int(n: &Node) -> Option<i128> {
            match n {
                Node::Bool(b) => Some(i128::from(*b)),
                Node::Int(i) => Some(*i),
                _ => None,
            }
        }
        match (self, other) {
            (Node::Str(a), Node::Str(b)) => Some(a.cmp(b)),
            (Node::Timestamp(a), Node::Timestamp(b)) if a.kind == b.kind => Some(a.iso.cmp(&b.iso)),
            _ => {
                if let (Some(a), Some(b)) = (int(self), int(other)) {
                    return Some(a.cmp(&b));
                }
                let (a, b) = (num(self)?, num(other)?);
                Some(a.partial_cmp(&b).unwrap_or(Ordering::Equal))
            }
        }
    }

    /// Deep structural equality (what `==` on the loaded Python data says).
    pub fn deep_eq(&self, other: &Node) -> bool {
        match (self, other) {
            (Node::Seq(a), Node::Seq(b)) => {
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.deep_eq(y))
            }
            (Node::Map(a), Node::Map(b)) => {
                let (a, b) = (a.borrow(), b.borrow());
                a.len() == b.len()
                    && a.iter().all(|e| {
                        b.get(&e.key)
                            .is_some_and(|v| v.deep_eq(&e.value) && key_same_type(&e.key, &b, v))
                    })
            }
            (Node::Float(a), Node::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Node::Null, Node::Null) => true,
            (Node::Bool(a), Node::Bool(b)) => a == b,
            (Node::Int(a), Node::Int(b)) => a == b,
            (Node::Str(a), Node::Str(b)) => a == b,
            (Node::Timestamp(a), Node::Timestamp(b)) => a == b,
            _ => false,
        }
    }

    /// Converts to a JSON value (keys become Python `str()` text, timestamps
    /// their ISO text, non-finite floats `"inf"`/`"nan"`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => i64::try_from(*i)
                .map(Value::from)
                .or_else(|_| u64::try_from(*i).map(Value::from))
                .unwrap_or_else(|_| Value::String(i.to_string())),
            Node::Float(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(crate::pycompat::float_repr(*f).to_lowercase())),
            Node::Str(s) => Value::String(s.clone()),
            Node::Timestamp(t) => Value::String(t.iso.clone()),
            Node::Seq(s) => Value::Array(s.borrow().iter().map(Node::to_json).collect()),
            Node::Map(m) => Value::Object(
                m.borrow()
                    .iter()
                    .map(|e| (crate::pycompat::py_str(&e.key), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Builds a node tree from a JSON value (no sharing).
    pub fn from_json(value: &serde_json::Value) -> Node {
        use serde_json::Value;
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Node::Int(i128::from(i)),
                (_, Some(u)) => Node::Int(i128::from(u)),
                _ => Node::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Node::Str(s.clone()),
            Value::Array(a) => Node::new_seq(a.iter().map(Node::from_json).collect()),
            Value::Object(o) => {
                let mut m = Mapping::new();
                for (k, v) in o {
                    m.insert(Node::Str(k.clone()), Node::from_json(v), 0);
                }
                Node::Map(Rc::new(RefCell::new(m)))
            }
        }
    }
}

fn key_same_type(key: &Node, other: &Mapping, _v: &Node) -> bool {
    // `{1: x}` and `{True: x}` are equal dicts in Python, but they print
    // differently; compare the stored key's type too.
    other
        .iter()
        .find(|e| HKey::of(&e.key) == HKey::of(key))
        .is_some_and(|e| std::mem::discriminant(&e.key) == std::mem::discriminant(key))
}

// ---------------------------------------------------------------------------
impl crate::pycompat::PyValue for Node {
    fn py_kind(&self) -> crate::pycompat::PyKind<'_> {
        use crate::pycompat::PyKind;
        match self {
            Node::Null => PyKind::None,
            Node::Bool(b) => PyKind::Bool(*b),
            Node::Int(i) => PyKind::Int(*i),
            Node::Float(f) => PyKind::Float(*f),
            Node::Str(s) => PyKind::Str(std::borrow::Cow::Borrowed(s)),
            Node::Timestamp(t) => PyKind::Other {
                repr: t.py_repr(),
                str: t.iso.clone(),
            },
            Node::Seq(_) => PyKind::List,
            Node::Map(_) => PyKind::Dict,
        }
    }

    fn py_items(&self, f: &mut dyn FnMut(&Self)) {
        if let Node::Seq(s) = self {
            s.borrow().iter().for_each(f);
        }
    }

    fn py_entries(&self, f: &mut dyn FnMut(&Self, &Self)) {
        if let Node::Map(m) = self {
            for e in m.borrow().iter() {
                f(&e.key, &e.value);
            }
        }
    }
}

// Scalar resolution: PyYAML's implicit resolvers (YAML 1.1), through the
// one resolver the JSON loader uses too ([`super::classify_plain`]), plus
// timestamps, which only nodes carry.

fn timestamp_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        // Python's `$` also matches before a final newline: `\n?\z`.
        Regex::new(
            r"^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)\n?\z",
        )
        .expect("static regex")
    })
}

/// Would PyYAML's resolver read this text, written plain, as something other
/// than a string? (Then the emitter must quote a string with this text.)
pub fn plain_is_not_str(text: &str) -> bool {
    // Fast path: only numbers, timestamps and a few short words resolve to
    // something else.
    match text.as_bytes().first() {
        None => return true,
        Some(b'-' | b'+' | b'0'..=b'9' | b'.') => {}
        Some(_) if text.len() > 5 => return false,
        Some(_) => {}
    }
    // Python's `$` in the resolvers also matches before a final newline.
    let t = text.strip_suffix('\n').unwrap_or(text);
    text == "<<" || text == "=" || classify_plain(t) != Plain::Str || timestamp_re().is_match(text)
}

/// Resolves a plain scalar to a typed node with PyYAML's YAML 1.1 rules.
///
/// ```
/// use kolla_core::yaml::node::{resolve_plain_node, Node};
/// assert!(matches!(resolve_plain_node("0x1F").unwrap(), Node::Int(31)));
/// assert!(matches!(resolve_plain_node("1e3").unwrap(), Node::Str(_)));
/// assert!(matches!(resolve_plain_node("on").unwrap(), Node::Bool(true)));
/// ```
///
/// # Errors
/// A message for values Python would reject (an impossible date, an
/// integer beyond 128 bits).
pub fn resolve_plain_node(text: &str) -> Result<Node, String> {
    if text.len() > 5 && !matches!(text.as_bytes()[0], b'-' | b'+' | b'0'..=b'9' | b'.') {
        return Ok(Node::Str(text.to_string()));
    }
    Ok(match classify_plain(text) {
        Plain::Null => Node::Null,
        Plain::Bool(b) => Node::Bool(b),
        Plain::Int(neg, magnitude) => Node::Int(int_value(text, neg, magnitude)?),
        Plain::Float(f) => Node::Float(f),
        Plain::Str => match timestamp_re().captures(text) {
            Some(c) => Node::Timestamp(construct_timestamp(&c)?),
            None => Node::Str(text.to_string()),
        },
    })
}

/// An integer's value, or Python's refusal beyond 128 bits.
fn int_value(text: &str, neg: bool, magnitude: Option<u128>) -> Result<i128, String> {
    magnitude
        .and_then(|m| i128::try_from(m).ok())
        .map(|v| if neg { -v } else { v })
        .ok_or_else(|| format!("invalid integer {text:?} (no digits, or beyond 128 bits)"))
}

fn construct_float(text: &str) -> f64 {
    let t: String = text.trim_end_matches('\n').replace('_', "").to_lowercase();
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => (-1.0, &t[1..]),
        Some(b'+') => (1.0, &t[1..]),
        _ => (1.0, &t[..]),
    };
    if body == ".inf" {
        return sign * f64::INFINITY;
    }
    if body == ".nan" {
        return f64::NAN;
    }
    if body.contains(':') {
        let mut acc = 0.0;
        for part in body.split(':') {
            acc = acc * 60.0 + part.parse::<f64>().unwrap_or(0.0);
        }
        return sign * acc;
    }
    // Rust's parser wants a digit around the dot: "1." and ".5" are fine, "1.e+3" is not.
    let fixed = body.replacen(".e", ".0e", 1);
    sign * fixed.parse::<f64>().unwrap_or(0.0)
}

fn construct_timestamp(c: &regex::Captures<'_>) -> Result<Timestamp, String> {
    let num = |i: usize| {
        c.get(i)
            .map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(0))
    };
    if c.get(1).is_some() {
        let (y, m, d) = (num(1), num(2), num(3));
        check_date(y, m, d)?;
        return Ok(Timestamp {
            iso: format!("{y:04}-{m:02}-{d:02}"),
            kind: TimestampKind::Date,
            fields: [y, m, d, 0, 0, 0, 0],
            offset_minutes: None,
        });
    }
    let (y, mo, d, h, mi, s) = (num(4), num(5), num(6), num(7), num(8), num(9));
    check_date(y, mo, d)?;
    if h > 23 || mi > 59 || s > 59 {
        return Err("hour, minute or second out of range".into());
    }
    let micro = c.get(10).map_or(0, |f| {
        let mut digits: String = f.as_str().chars().take(6).collect();
        while digits.len() < 6 {
            digits.push('0');
        }
        digits.parse().unwrap_or(0)
    });
    let mut iso = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
    if micro != 0 {
        iso.push_str(&format!(".{micro:06}"));
    }
    let offset = match c.get(11) {
        None => None,
        Some(z) if z.as_str() == "Z" => Some(0),
        Some(_) => {
            let oh = num(13) as i32;
            let om = num(14) as i32;
            let total = oh * 60 + om;
            Some(if c.get(12).is_some_and(|m| m.as_str() == "-") {
                -total
            } else {
                total
            })
        }
    };
    if let Some(off) = offset {
        let sign = if off < 0 { '-' } else { '+' };
        let a = off.abs();
        iso.push_str(&format!("{sign}{:02}:{:02}", a / 60, a % 60));
    }
    Ok(Timestamp {
        iso,
        kind: if offset.is_some() {
            TimestampKind::Aware
        } else {
            TimestampKind::Naive
        },
        fields: [y, mo, d, h, mi, s, micro],
        offset_minutes: offset,
    })
}

fn check_date(y: u32, m: u32, d: u32) -> Result<(), String> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("month must be in 1..12".into()),
    };
    if y == 0 || d == 0 || d > days {
        return Err("day is out of range for month".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Loading.

/// Loads one YAML document into a [`Node`] tree, as PyYAML's `safe_load`
/// does. An empty document is [`Node::Null`].
///
/// ```
/// use kolla_core::yaml::node::{load_node, Node};
/// let n = load_node("t.yml", "a: &x [1, 2]\nb: *x\n9: x\n10: y\n").unwrap();
/// let Node::Map(m) = n else { panic!() };
/// let m = m.borrow();
/// let (Node::Seq(a), Node::Seq(b)) = (m.get(&Node::Str("a".into())).unwrap(), m.get(&Node::Str("b".into())).unwrap()) else { panic!() };
/// assert!(std::rc::Rc::ptr_eq(a, b)); // the alias is the same list
/// assert!(m.get(&Node::Int(9)).is_some());
/// ```
///
/// # Errors
/// [`Error::Syntax`] for malformed text and for what PyYAML's constructor
/// rejects (unhashable keys, unknown tags, more than one document), with the
/// line.
pub fn load_node(origin: &str, text: &str) -> Result<Node, Error> {
    let source = super::breaks::Source::new(text);
    let mut b = NodeBuilder {
        origin,
        source: &source,
        stack: Vec::new(),
        anchors: Vec::new(),
        root: None,
        error: None,
        documents: 0,
    };
    let mut parser = Parser::new_from_str(source.text());
    parser.load(&mut b, true).map_err(|e| Error::Syntax {
        location: marker_location(origin, e.marker()),
        message: e.info().to_string(),
    })?;
    if let Some(err) = b.error {
        return Err(err);
    }
    Ok(b.root.unwrap_or(Node::Null))
}

/// A key, its value and the key's 1-based line and column.
type Pair = (Node, Node, (usize, usize));

enum Frame {
    Seq {
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        /// Pairs from `<<` merge keys, each with its line and column.
        merged: Vec<Vec<Pair>>,
        own: Vec<Pair>,
        key: Option<(Node, (usize, usize), bool)>,
    },
}

struct NodeBuilder<'a> {
    origin: &'a str,
    source: &'a super::breaks::Source<'a>,
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
    error: Option<Error>,
    documents: usize,
}

impl NodeBuilder<'_> {
    fn fail(&mut self, mark: &Marker, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(Error::Syntax {
                location: marker_location(self.origin, mark),
                message: message.into(),
            });
        }
    }

    fn push(&mut self, node: Node, mark: &Marker, merge_key: bool) {
        let line = (mark.line().max(1), mark.col() + 1);
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                merged, own, key, ..
            }) => match key.take() {
                None => {
                    if matches!(node, Node::Seq(_) | Node::Map(_)) {
                        self.fail(mark, "found unhashable key");
                        return;
                    }
                    *key = Some((node, line, merge_key));
                }
                Some((_, _, true)) => {
                    let collect = |m: &Map| {
                        m.borrow()
                            .iter()
                            .map(|e| (e.key.clone(), e.value.clone(), (e.line, e.column)))
                            .collect::<Vec<_>>()
                    };
                    match &node {
                        Node::Map(m) => merged.push(collect(m)),
                        Node::Seq(s) => {
                            let mut subs = Vec::new();
                            for item in s.borrow().iter() {
                                match item {
                                    Node::Map(m) => subs.push(collect(m)),
                                    _ => {
                                        self.fail(
                                            mark,
                                            "expected a mapping for merging, but found a scalar or list",
                                        );
                                        return;
                                    }
                                }
                            }
                            // Earlier mappings in the list win: they go last.
                            subs.reverse();
                            merged.extend(subs);
                        }
                        _ => {
                            self.fail(mark, "expected a mapping or list of mappings for merging");
                        }
                    }
                }
                Some((k, kline, false)) => own.push((k, node, kline)),
            },
        }
    }
}

/// PyYAML's message for a tag no constructor handles.
fn unknown_tag(tag: &Tag) -> String {
    format!(
        "could not determine a constructor for the tag '{}{}'",
        tag.handle, tag.suffix
    )
}

fn is_core_tag(tag: &Tag, name: &str) -> bool {
    (tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:") && tag.suffix == name
}

impl MarkedEventReceiver for NodeBuilder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(&mark, "expected a single document in the stream");
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let text = match self.source.scalar(text, style, &mark) {
                    Ok(text) => text,
                    Err(message) => return self.fail(&mark, message),
                };
                let merge_key = style == TScalarStyle::Plain
                    && text == "<<"
                    && tag.is_none()
                    && matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
                let node = match &tag {
                    Some(t) if is_core_tag(t, "str") => Ok(Node::Str(text)),
                    Some(t) if is_core_tag(t, "int") => construct_tagged(&text, "int"),
                    Some(t) if is_core_tag(t, "float") => construct_tagged(&text, "float"),
                    Some(t) if is_core_tag(t, "bool") => construct_tagged(&text, "bool"),
                    Some(t) if is_core_tag(t, "null") => Ok(Node::Null),
                    Some(t) if is_core_tag(t, "timestamp") => construct_tagged(&text, "timestamp"),
                    // A non-specific `!` tag on a quoted scalar is a string.
                    Some(t) if t.handle == "!" && t.suffix.is_empty() => Ok(Node::Str(text)),
                    Some(t) => Err(unknown_tag(t)),
                    None if style != TScalarStyle::Plain => Ok(Node::Str(text)),
                    None => resolve_plain_node(&text),
                };
                match node {
                    Ok(node) => {
                        if anchor != 0 {
                            self.anchors.push((anchor, node.clone()));
                        }
                        self.push(node, &mark, merge_key);
                    }
                    Err(msg) => self.fail(&mark, msg),
                }
            }
            Event::SequenceStart(anchor, tag) => {
                if let Some(t) = tag.filter(|t| !is_core_tag(t, "seq")) {
                    self.fail(&mark, unknown_tag(&t));
                    return;
                }
                self.stack.push(Frame::Seq {
                    anchor,
                    items: Vec::new(),
                })
            }
            Event::MappingStart(anchor, tag) => {
                if let Some(t) = tag.filter(|t| !is_core_tag(t, "map")) {
                    self.fail(&mark, unknown_tag(&t));
                    return;
                }
                self.stack.push(Frame::Map {
                    anchor,
                    merged: Vec::new(),
                    own: Vec::new(),
                    key: None,
                })
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (anchor, node) = match self.stack.pop() {
                    Some(Frame::Seq { anchor, items }) => (anchor, Node::new_seq(items)),
                    Some(Frame::Map {
                        anchor,
                        merged,
                        own,
                        ..
                    }) => {
                        let mut m = Mapping::new();
                        for (k, v, (line, column)) in merged.into_iter().flatten().chain(own) {
                            m.insert_at(k, v, line, column);
                        }
                        (anchor, Node::Map(Rc::new(RefCell::new(m))))
                    }
                    None => return,
                };
                if anchor != 0 {
                    self.anchors.push((anchor, node.clone()));
                }
                self.push(node, &mark, false);
            }
            Event::Alias(id) => match self.anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, n)) => {
                    let n = n.clone();
                    self.push(n, &mark, false);
                }
                None => self.fail(&mark, "found undefined alias"),
            },
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

fn construct_tagged(text: &str, what: &str) -> Result<Node, String> {
    let bad = || format!("invalid {what} value {text:?}");
    match (what, classify_plain(text)) {
        ("int", Plain::Int(neg, magnitude)) => int_value(text, neg, magnitude).map(Node::Int),
        ("float", Plain::Float(f)) => Ok(Node::Float(f)),
        // PyYAML's float constructor reads an integer's text as a float.
        ("float", Plain::Int(..)) => Ok(Node::Float(construct_float(text))),
        ("bool", Plain::Bool(b)) => Ok(Node::Bool(b)),
        ("timestamp", _) => match timestamp_re().captures(text) {
            Some(c) => construct_timestamp(&c).map(Node::Timestamp),
            None => Err(bad()),
        },
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(n: &Node, k: &str) -> Node {
        let Node::Map(m) = n else { panic!("not a map") };
        let v = m.borrow().get(&Node::Str(k.into())).cloned();
        v.unwrap()
    }

    #[test]
    fn typing_follows_yaml_1_1() {
        let n = load_node(
            "t",
            "a: 010\nb: 0x1F\nc: 1_000\nd: 12:30:00\ne: 1e3\nf: 1.0e+3\ng: \"yes\"\nh: 2020-01-01\ni: 2020-01-01 10:00:00\nj: 2020-01-01T10:00:00.5Z\n",
        )
        .unwrap();
        assert!(matches!(get(&n, "a"), Node::Int(8)));
        assert!(matches!(get(&n, "b"), Node::Int(31)));
        assert!(matches!(get(&n, "c"), Node::Int(1000)));
        assert!(matches!(get(&n, "d"), Node::Int(45000)));
        assert!(matches!(get(&n, "e"), Node::Str(s) if s == "1e3"));
        assert!(matches!(get(&n, "f"), Node::Float(f) if f == 1000.0));
        assert!(matches!(get(&n, "g"), Node::Str(s) if s == "yes"));
        assert!(matches!(get(&n, "h"), Node::Timestamp(t) if t.iso == "2020-01-01"));
        assert!(matches!(get(&n, "i"), Node::Timestamp(t) if t.iso == "2020-01-01 10:00:00"));
        assert!(
            matches!(get(&n, "j"), Node::Timestamp(t) if t.iso == "2020-01-01 10:00:00.500000+00:00")
        );
    }

    #[test]
    fn keys_keep_their_types_and_python_equality() {
        let n = load_node("t", "1: a\ntrue: b\nyes: c\n~: d\n").unwrap();
        let Node::Map(m) = n else { panic!() };
        let m = m.borrow();
        // `true` == 1 in Python: one key, the first one kept, the last value.
        assert_eq!(m.len(), 2);
        let first = m.iter().next().unwrap();
        assert!(matches!(first.key, Node::Int(1)));
        assert!(matches!(&first.value, Node::Str(s) if s == "c"));
    }

    #[test]
    fn merge_keys_and_errors() {
        let n = load_node("t", "b: &b {x: 1, y: 2}\no:\n  <<: *b\n  y: 3\n").unwrap();
        let o = get(&n, "o");
        assert!(matches!(get(&o, "x"), Node::Int(1)));
        assert!(matches!(get(&o, "y"), Node::Int(3)));
        let err = load_node("f.yml", "a: 1\n? [x]\n: 2\n").unwrap_err();
        assert!(err.to_string().contains("unhashable"), "{err}");
        let err = load_node("f.yml", "a: !foo 1\n").unwrap_err();
        assert!(err.to_string().starts_with("f.yml:1:"), "{err}");
        let err = load_node("f.yml", "a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.to_string().contains("single document"), "{err}");
        assert!(load_node("f.yml", "d: 2020-13-01\n").is_err());
    }

    #[test]
    fn plain_resolution_for_quoting() {
        for s in [
            "yes",
            "123",
            "null",
            "",
            "~",
            "0x1",
            "1.5",
            "<<",
            "=",
            "2020-01-01",
            "1:20",
        ] {
            assert!(plain_is_not_str(s), "{s}");
        }
        for s in ["y", "1e3", "0o10", "abc", "1.2.3", "0b"] {
            assert!(!plain_is_not_str(s), "{s}");
        }
    }

    #[test]
    fn both_loaders_resolve_scalars_alike() {
        // One resolver (super::classify_plain) behind both loaders.
        for t in [
            "yes", "Off", "~", "", "null", "0b101", "0x1F", "017", "08", "1_000", "1:30", "1:30.5",
            "-1:30", "1.", "-.5", ".5", "+.5", "1e3", "1.0e+3", "1.e+3", "-.inf", ".NaN", "-.nan",
            "0_", "y", "0o17", "abc",
        ] {
            let node = resolve_plain_node(t).unwrap().to_json();
            assert_eq!(super::super::resolve_plain(t.to_string()), node, "{t:?}");
        }
        assert!(resolve_plain_node("0b_").is_err());
        assert!(matches!(
            resolve_plain_node("2020-01-02").unwrap(),
            Node::Timestamp(_)
        ));
    }
}
