//! Ansible's filters and tests, with Ansible's semantics where they differ
//! from Jinja's or minijinja's built-ins.
//!
//! Registered here (others come from minijinja's built-ins: `default`/`d`,
//! `lower`, `upper`, `replace`, `select`, `reject`, `map`, `selectattr`,
//! `length`, `first`, `last`, `list`, `trim`, ...):
//!
//! | filter | behaviour |
//! |---|---|
//! | `bool` | Ansible's `to_bool`: `yes/on/true/1` (any case) are true, `no/off/false/0` false |
//! | `int` | Jinja's: `int(value, base)`, then `int(float(value))`, else the default (0) |
//! | `string` | Python's `str()` (`True`, `None`, reprs) |
//! | `join` | items joined with Python's `str()` |
//! | `unique` | first occurrence kept; case-insensitive unless `case_sensitive=true` (Jinja) |
//! | `union`, `difference`, `intersect`, `symmetric_difference` | CPython's set order for integers, booleans, floats and `None` (see [`crate::pycompat::set`]); first-occurrence order otherwise |
//! | `regex_replace`, `regex_search`, `regex_findall` | Python `re` patterns and `re.sub` templates (`\1`, `\g<name>`), see [`crate::pycompat::re`] |
//! | `ternary` | `value ? a : b`, with `none_val` |
//! | `combine` | `recursive`, `list_merge` as Ansible |
//! | `dict2items`, `items2dict` | with `key_name`, `value_name` |
//! | `to_json`, `to_nice_json` | Python's `json.dumps` text |
//! | `to_yaml`, `to_nice_yaml` | PyYAML's `yaml.dump` text (`allow_unicode`, flow style for leaves) |
//! | `b64encode`, `b64decode`, `basename`, `dirname`, `quote` | Python's `base64`, `os.path`, `shlex.quote` |
//!
//! Tests: `version` (`version_compare`), `match`, `search`, `regex`, besides
//! minijinja's `defined`, `undefined`, `none`, `string`, `mapping`, `in`, ...

use base64::Engine;
use std::collections::BTreeMap;

use minijinja::value::{ArgType, Kwargs, Rest, Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

use super::pyfmt::to_node;
use crate::pycompat::json::{py_json, JsonOptions};
use crate::pycompat::printf::{percent_format, Args};
use crate::pycompat::re::{self as pyre, Anchor};
use crate::pycompat::set::{Hashed, PySet};
use crate::pycompat::{as_int, py_str};
use crate::yaml::dump::{dump, DumpOptions};

/// Registers every filter and test on `env`.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("bool", bool_filter);
    env.add_filter("int", int_filter);
    env.add_filter("string", string_filter);
    env.add_filter(super::concat::STR_FILTER, string_filter);
    env.add_filter(super::concat::MOD_FILTER, percent);
    env.add_filter(super::concat::MOD_TUPLE_FILTER, percent_tuple);
    env.add_filter(super::concat::CHAIN_FILTER, chain_start);
    env.add_filter(super::concat::UNCHAIN_FILTER, chain_end);
    env.add_filter("format", format);
    env.add_filter("round", round_filter);
    env.add_filter("replace", replace);
    env.add_filter("lower", lower);
    env.add_filter("upper", upper);
    env.add_filter("join", join);
    env.add_filter("unique", unique);
    env.add_filter("union", union);
    env.add_filter("difference", difference);
    env.add_filter("intersect", intersect);
    env.add_filter("symmetric_difference", symmetric_difference);
    env.add_filter("regex_replace", regex_replace);
    env.add_filter("regex_search", regex_search);
    env.add_filter("regex_findall", regex_findall);
    env.add_filter("ternary", ternary);
    env.add_filter("combine", combine);
    env.add_filter("dict2items", dict2items);
    env.add_filter("items2dict", items2dict);
    env.add_filter("to_json", to_json);
    env.add_filter("to_nice_json", to_nice_json);
    env.add_filter("to_yaml", to_yaml);
    env.add_filter("to_nice_yaml", to_nice_yaml);
    env.add_filter("b64encode", b64encode);
    env.add_filter("b64decode", b64decode);
    env.add_filter("basename", basename);
    env.add_filter("dirname", dirname);
    env.add_filter("quote", quote);
    env.add_filter("to_uuid", super::uuid::to_uuid);
    env.add_filter("ipaddr", super::ipaddr::ipaddr);
    env.add_filter("random", super::random::random);
    env.add_test("version", version_test);
    env.add_test("version_compare", version_test);
    env.add_test("match", match_test);
    env.add_test("search", search_test);
    env.add_test("regex", regex_test);
    super::kolla::register(env);
}

/// A filter's (or test's) input, which must be defined: Ansible fails when
/// an undefined value reaches a filter, and so do we (strict undefined).
struct Def(Value);

impl<'a> ArgType<'a> for Def {
    type Output = Def;

    fn from_value(value: Option<&Value>) -> Result<Def, Error> {
        match value {
            Some(v) if !v.is_undefined() => Ok(Def(v.clone())),
            _ => Err(Error::from(ErrorKind::UndefinedError)),
        }
    }

    /// The value of an inline `if` without `else` whose test is false
    /// (Jinja's silent undefined, which minijinja's strict mode lets
    /// through where it coerces to a string) reaches a filter as the empty
    /// string, as in Ansible: `("a" if off) ~ "b"` is `b`, `| upper` is
    /// empty. Undefined variables still fail.
    fn from_state_and_value(
        state: Option<&'a minijinja::State>,
        value: Option<&'a Value>,
    ) -> Result<(Def, usize), Error> {
        match (state, value) {
            (Some(state), Some(v))
                if v.is_undefined() && minijinja::value::StringInput::new(state, v).is_ok() =>
            {
                Ok((Def(Value::from("")), 1))
            }
            _ => Ok((Self::from_value(value)?, 1)),
        }
    }
}

fn lower(Def(ref value): Def) -> String {
    py_str(value).to_lowercase()
}

fn upper(Def(ref value): Def) -> String {
    py_str(value).to_uppercase()
}

fn invalid(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn items(value: &Value) -> Result<Vec<Value>, Error> {
    Ok(value.try_iter()?.collect())
}

fn bool_filter(Def(ref value): Def) -> bool {
    ansible_bool(value)
}

/// Ansible's `bool` filter on a defined value.
pub(crate) fn ansible_bool(value: &Value) -> bool {
    let text = match value.kind() {
        ValueKind::String => value.as_str().unwrap_or_default().to_lowercase(),
        ValueKind::Bool => if value.is_true() { "true" } else { "false" }.to_string(),
        ValueKind::Number if value.is_integer() => value.to_string(),
        ValueKind::Number => {
            return f64::try_from(value.clone()).is_ok_and(|f| f == 1.0);
        }
        _ => return false,
    };
    matches!(text.as_str(), "yes" | "on" | "true" | "1")
}

fn int_filter(
    Def(ref value): Def,
    default: Option<Value>,
    base: Option<u32>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let default_kw: Option<Value> = kwargs.get("default")?;
    let base_kw: Option<u32> = kwargs.get("base")?;
    kwargs.assert_all_used()?;
    let default = default.or(default_kw).unwrap_or(Value::from(0));
    let base = base.or(base_kw).unwrap_or(10);
    Ok(int_value(value, default, base))
}

fn int_value(value: &Value, default: Value, base: u32) -> Value {
    match value.kind() {
        ValueKind::Bool => Value::from(i64::from(value.is_true())),
        ValueKind::Number if value.is_integer() => value.clone(),
        ValueKind::Number => match f64::try_from(value.clone()) {
            Ok(f) if f.is_finite() => Value::from(f.trunc() as i128),
            _ => default,
        },
        ValueKind::String => {
            let s = value.as_str().unwrap_or_default().trim();
            let cleaned = s.replace('_', "");
            let (neg, body) = match cleaned.strip_prefix('-') {
                Some(b) => (true, b.to_string()),
                None => (false, cleaned.trim_start_matches('+').to_string()),
            };
            let body = match base {
                16 => body
                    .trim_start_matches("0x")
                    .trim_start_matches("0X")
                    .to_string(),
                8 => body
                    .trim_start_matches("0o")
                    .trim_start_matches("0O")
                    .to_string(),
                2 => body
                    .trim_start_matches("0b")
                    .trim_start_matches("0B")
                    .to_string(),
                _ => body,
            };
            if !s.contains("__") && !s.starts_with('_') && !s.ends_with('_') {
                if let Ok(i) = i128::from_str_radix(&body, base) {
                    return Value::from(if neg { -i } else { i });
                }
            }
            match s.parse::<f64>() {
                Ok(f) if f.is_finite() => Value::from(f.trunc() as i128),
                _ => default,
            }
        }
        _ => default,
    }
}

/// Jinja's `round`: `common` rounds as Python's `round()` (half to even),
/// `ceil` and `floor` as named; the result is a float.
fn round_filter(
    Def(ref value): Def,
    precision: Option<i32>,
    method: Option<String>,
) -> Result<Value, Error> {
    let f = f64::try_from(value.clone()).map_err(|_| invalid("round needs a number"))?;
    let p = precision.unwrap_or(0);
    let scale = 10f64.powi(p);
    let x = f * scale;
    let r = match method.as_deref().unwrap_or("common") {
        "common" => {
            let r = x.round();
            if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
                r - x.signum()
            } else {
                r
            }
        }
        "ceil" => x.ceil(),
        "floor" => x.floor(),
        other => {
            return Err(invalid(format!(
                "method must be common, ceil or floor, not {other}"
            )))
        }
    };
    Ok(Value::from(r / scale))
}

/// Jinja's `replace(old, new, count)`, on Python's `str()` of the value.
fn replace(Def(ref value): Def, old: String, new: String, count: Option<i64>) -> Value {
    let s = py_str(value);
    let out = match count {
        Some(n) if n >= 0 => s.replacen(&old, &new, n as usize),
        _ => s.replace(&old, &new),
    };
    if value.is_safe() {
        Value::from_safe_string(out)
    } else {
        Value::from(out)
    }
}

/// Python's `left % right` with `right` the one operand (see
/// [`super::concat::python_percent`]).
fn percent(left: &Value, right: &Value) -> Result<Value, Error> {
    python_mod(left, right, false)
}

/// Python's `left % (a, b, ...)`: a tuple literal on the right.
fn percent_tuple(left: &Value, right: &Value) -> Result<Value, Error> {
    python_mod(left, right, true)
}

/// Jinja's `format`: `value % args` (or `% kwargs`), Python's formatting.
fn format(value: &Value, args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let fmt = py_str(value);
    let names: Vec<&str> = kwargs.args().collect();
    let out = if names.is_empty() {
        percent_format(&fmt, Args::Tuple(&args))
    } else {
        let map: BTreeMap<String, Value> = names
            .iter()
            .map(|k| Ok(((*k).to_string(), kwargs.get::<Value>(k)?)))
            .collect::<Result<_, Error>>()?;
        kwargs.assert_all_used()?;
        percent_format(&fmt, Args::One(&Value::from(map)))
    };
    out.map(Value::from).map_err(invalid)
}

fn python_mod(left: &Value, right: &Value, tuple: bool) -> Result<Value, Error> {
    if let Some(fmt) = left.as_str() {
        let items;
        let args = if tuple {
            items = self::items(right)?;
            Args::Tuple(&items)
        } else {
            Args::One(right)
        };
        return percent_format(fmt, args).map(Value::from).map_err(invalid);
    }
    let type_error = || {
        invalid(format!(
            "unsupported operand type(s) for %: '{}' and '{}'",
            py_type(left),
            py_type(right)
        ))
    };
    let int = |v: &Value| match v.kind() {
        ValueKind::Bool => Some(i128::from(v.is_true())),
        _ => as_int(v),
    };
    let float = |v: &Value| match v.kind() {
        ValueKind::Bool | ValueKind::Number => f64::try_from(v.clone()).ok(),
        _ => None,
    };
    if let (Some(a), Some(b)) = (int(left), int(right)) {
        if b == 0 {
            return Err(invalid("integer modulo by zero"));
        }
        // Python's result takes the divisor's sign.
        let r = a % b;
        return Ok(Value::from(if r != 0 && (r < 0) != (b < 0) {
            r + b
        } else {
            r
        }));
    }
    let (Some(a), Some(b)) = (float(left), float(right)) else {
        return Err(type_error());
    };
    if b == 0.0 {
        return Err(invalid("float modulo"));
    }
    let mut r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r += b;
    } else if r == 0.0 {
        r = 0.0f64.copysign(b);
    }
    Ok(Value::from(r))
}

/// Python's type name of a template value, for messages.
fn py_type(v: &Value) -> &'static str {
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => "NoneType",
        ValueKind::Bool => "bool",
        ValueKind::Number if v.is_integer() => "int",
        ValueKind::Number => "float",
        ValueKind::String => "str",
        ValueKind::Bytes => "bytes",
        ValueKind::Map => "dict",
        _ => "list",
    }
}

fn string_filter(Def(ref value): Def) -> Value {
    if value.kind() == ValueKind::String {
        return value.clone();
    }
    Value::from(py_str(value))
}

fn join(
    Def(ref value): Def,
    sep: Option<String>,
    attribute: Option<String>,
) -> Result<String, Error> {
    if value.kind() == ValueKind::String {
        return Ok(value
            .as_str()
            .unwrap_or_default()
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join(&sep.unwrap_or_default()));
    }
    let parts: Vec<String> = items(value)?
        .iter()
        .map(|v| match &attribute {
            Some(a) => py_str(&get_path(v, a)),
            None => py_str(v),
        })
        .collect();
    Ok(parts.join(&sep.unwrap_or_default()))
}

/// `a.b.0` lookups as Jinja's `attribute=` arguments do.
fn get_path(v: &Value, path: &str) -> Value {
    let mut cur = v.clone();
    for part in path.split('.') {
        cur = match part.parse::<i64>() {
            Ok(i) => cur.get_item(&Value::from(i)),
            Err(_) => cur.get_attr(part),
        }
        .unwrap_or_default();
    }
    cur
}

fn dedup(values: Vec<Value>, key: impl Fn(&Value) -> Value) -> Vec<Value> {
    let mut seen: Vec<Value> = Vec::new();
    let mut out = Vec::new();
    for v in values {
        let k = key(&v);
        if !seen.contains(&k) {
            seen.push(k);
            out.push(v);
        }
    }
    out
}

fn unique(Def(ref value): Def, kwargs: Kwargs) -> Result<Value, Error> {
    let case_sensitive: Option<bool> = kwargs.get("case_sensitive")?;
    let attribute: Option<String> = kwargs.get("attribute")?;
    kwargs.assert_all_used()?;
    let case_sensitive = case_sensitive.unwrap_or(false);
    let out = dedup(items(value)?, |v| {
        let v = match &attribute {
            Some(a) => get_path(v, a),
            None => v.clone(),
        };
        match v.as_str() {
            Some(s) if !case_sensitive => Value::from(s.to_lowercase()),
            _ => v,
        }
    });
    Ok(Value::from(out))
}

/// The items as keys of a CPython set, when every one of them hashes the
/// same in every Python process (see [`crate::pycompat::set`]).
fn hashed(values: &[Value]) -> Option<Vec<(Hashed, Value)>> {
    values
        .iter()
        .map(|v| {
            let h = match v.kind() {
                ValueKind::None => Hashed::None,
                ValueKind::Bool => Hashed::Int(i128::from(v.is_true())),
                ValueKind::Number => match as_int(v) {
                    Some(i) => Hashed::Int(i),
                    None => Hashed::Float(f64::try_from(v.clone()).ok().filter(|f| !f.is_nan())?),
                },
                _ => return None,
            };
            Some((h, v.clone()))
        })
        .collect()
}

/// Ansible's set filters: `list(set(a) OP set(b))` in CPython's order when
/// the items hash alike in every process; otherwise (strings, whose order
/// Python itself varies per process, and unhashable items, where Ansible
/// falls back to a list) `fallback`'s first-seen order.
fn set_filter(
    a: &Value,
    b: &Value,
    op: fn(&PySet<Value>, &PySet<Value>) -> PySet<Value>,
    fallback: fn(Vec<Value>, Vec<Value>) -> Vec<Value>,
) -> Result<Value, Error> {
    let (a, b) = (items(a)?, items(b)?);
    if let (Some(ha), Some(hb)) = (hashed(&a), hashed(&b)) {
        let out = op(&PySet::from_items(ha), &PySet::from_items(hb));
        return Ok(Value::from(out.items().cloned().collect::<Vec<_>>()));
    }
    Ok(Value::from(fallback(a, b)))
}

fn union_list(mut a: Vec<Value>, b: Vec<Value>) -> Vec<Value> {
    a.extend(b);
    dedup(a, Value::clone)
}

fn intersect_list(a: Vec<Value>, b: Vec<Value>) -> Vec<Value> {
    let keep = a.into_iter().filter(|x| b.contains(x)).collect();
    dedup(keep, Value::clone)
}

fn difference_list(a: Vec<Value>, b: Vec<Value>) -> Vec<Value> {
    let keep = a.into_iter().filter(|x| !b.contains(x)).collect();
    dedup(keep, Value::clone)
}

fn symmetric_difference_list(a: Vec<Value>, b: Vec<Value>) -> Vec<Value> {
    let both = intersect_list(a.clone(), b.clone());
    union_list(a, b)
        .into_iter()
        .filter(|x| !both.contains(x))
        .collect()
}

fn union(Def(ref a): Def, b: &Value) -> Result<Value, Error> {
    set_filter(a, b, PySet::union, union_list)
}

fn difference(Def(ref a): Def, b: &Value) -> Result<Value, Error> {
    set_filter(a, b, PySet::difference, difference_list)
}

fn intersect(Def(ref a): Def, b: &Value) -> Result<Value, Error> {
    set_filter(a, b, PySet::intersection, intersect_list)
}

fn symmetric_difference(Def(ref a): Def, b: &Value) -> Result<Value, Error> {
    set_filter(a, b, PySet::symmetric_difference, symmetric_difference_list)
}

/// Compiles a Python pattern for `text` (see [`crate::pycompat::re`]).
fn py_regex(
    pattern: &str,
    text: &str,
    ignorecase: bool,
    multiline: bool,
    anchor: Anchor,
) -> Result<std::rc::Rc<pyre::PyRegex>, Error> {
    pyre::compile(pattern, ignorecase, multiline, anchor, text.ends_with('\n')).map_err(invalid)
}

/// A pattern for searching, with the `ignorecase` and `multiline`
/// arguments as Jinja truthiness reads them.
fn search_regex(
    pattern: &str,
    text: &str,
    ignorecase: Option<Value>,
    multiline: Option<Value>,
) -> Result<std::rc::Rc<pyre::PyRegex>, Error> {
    let on = |v: Option<Value>| v.is_some_and(|v| v.is_true());
    py_regex(pattern, text, on(ignorecase), on(multiline), Anchor::Search)
}

fn regex_replace(
    Def(ref value): Def,
    pattern: Option<String>,
    replacement: Option<String>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let ignorecase: Option<bool> = kwargs.get("ignorecase")?;
    let multiline: Option<bool> = kwargs.get("multiline")?;
    let count: Option<usize> = kwargs.get("count")?;
    let mandatory: Option<usize> = kwargs.get("mandatory_count")?;
    kwargs.assert_all_used()?;
    let text = py_str(value);
    let pattern = pattern.unwrap_or_default();
    let re = py_regex(
        &pattern,
        &text,
        ignorecase.unwrap_or(false),
        multiline.unwrap_or(false),
        Anchor::Search,
    )?;
    let pieces = pyre::parse_template(&replacement.unwrap_or_default(), &re).map_err(invalid)?;
    let matches = re.find_all(&text, count.unwrap_or(0)).map_err(invalid)?;
    let subs = matches.len();
    if let Some(m) = mandatory.filter(|&m| m != 0) {
        if m != subs {
            return Err(invalid(format!(
                "'{pattern}' should match {m} times, but matches {subs} times in '{text}'"
            )));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for g in &matches {
        let (s, e) = g[0].unwrap_or((last, last));
        out.push_str(&text[last..s]);
        pyre::expand(&pieces, &text, g, &mut out);
        last = e;
    }
    out.push_str(&text[last..]);
    Ok(out)
}

/// The text of group `n` of a match, or none.
fn group_value(text: &str, groups: &pyre::Groups, n: usize) -> Value {
    match groups.get(n) {
        Some(Some((s, e))) => Value::from(&text[*s..*e]),
        _ => Value::from(()),
    }
}

/// Ansible's `regex_search`: the first match, or with `'\N'` / `'\g<name>'`
/// arguments the list of those groups; none when nothing matches.
fn regex_search(
    Def(ref value): Def,
    pattern: String,
    args: Rest<String>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let ignorecase: Option<Value> = kwargs.get("ignorecase")?;
    let multiline: Option<Value> = kwargs.get("multiline")?;
    kwargs.assert_all_used()?;
    let text = py_str(value);
    let re = search_regex(&pattern, &text, ignorecase, multiline)?;
    let no_group = || invalid("no such group");
    let mut wanted = Vec::new();
    for arg in args.iter() {
        let parsed = if let Some(rest) = arg.strip_prefix("\\g") {
            let name = rest
                .strip_prefix('<')
                .and_then(|r| r.split_once('>'))
                .map(|(n, _)| n)
                .filter(|n| !n.is_empty() && !n.contains(char::is_whitespace))
                .ok_or_else(|| invalid("'NoneType' object has no attribute 'group'"))?;
            re.group_index(name).ok_or_else(no_group)?
        } else if let Some(rest) = arg.strip_prefix('\\') {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return Err(invalid("'NoneType' object has no attribute 'group'"));
            }
            digits
                .parse::<usize>()
                .ok()
                .filter(|&n| n <= re.groups())
                .ok_or_else(no_group)?
        } else {
            return Err(invalid("Unknown argument"));
        };
        wanted.push(parsed);
    }
    let Some(groups) = re.search(&text).map_err(invalid)? else {
        return Ok(Value::from(()));
    };
    if wanted.is_empty() {
        return Ok(group_value(&text, &groups, 0));
    }
    Ok(Value::from(
        wanted
            .iter()
            .map(|&n| group_value(&text, &groups, n))
            .collect::<Vec<_>>(),
    ))
}

/// Ansible's `regex_findall` (`re.findall`): the matches; with one group
/// that group's text, with several a list of their texts per match.
fn regex_findall(
    Def(ref value): Def,
    pattern: String,
    multiline: Option<bool>,
    ignorecase: Option<bool>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let multiline = kwarg_or(&kwargs, "multiline", multiline.map(Value::from))?;
    let ignorecase = kwarg_or(&kwargs, "ignorecase", ignorecase.map(Value::from))?;
    kwargs.assert_all_used()?;
    let text = py_str(value);
    let re = search_regex(&pattern, &text, ignorecase, multiline)?;
    let text_of = |g: &pyre::Groups, n: usize| match g.get(n) {
        Some(Some((s, e))) => Value::from(&text[*s..*e]),
        _ => Value::from(""),
    };
    let out: Vec<Value> = re
        .find_all(&text, 0)
        .map_err(invalid)?
        .iter()
        .map(|g| match re.groups() {
            0 => text_of(g, 0),
            1 => text_of(g, 1),
            n => Value::from((1..=n).map(|i| text_of(g, i)).collect::<Vec<_>>()),
        })
        .collect();
    Ok(Value::from(out))
}

fn ternary(
    Def(ref value): Def,
    true_val: Value,
    false_val: Value,
    none_val: Option<Value>,
) -> Value {
    match none_val {
        Some(n) if value.is_none() && !n.is_none() => n,
        _ if value.is_true() => true_val,
        _ => false_val,
    }
}

fn map_pairs(value: &Value) -> Result<Vec<(Value, Value)>, Error> {
    if value.kind() != ValueKind::Map {
        return Err(invalid(format!(
            "expected a dictionary, got {}",
            value.kind()
        )));
    }
    items(value)?
        .into_iter()
        .map(|k| {
            let v = value.get_item(&k)?;
            Ok((k, v))
        })
        .collect()
}

fn merge_hash(x: &Value, y: &Value, recursive: bool, list_merge: &str) -> Result<Value, Error> {
    let mut out = map_pairs(x)?;
    for (k, yv) in map_pairs(y)? {
        let pos = out.iter().position(|(ok, _)| *ok == k);
        let Some(pos) = pos else {
            out.push((k, yv));
            continue;
        };
        let xv = out[pos].1.clone();
        let new = match (xv.kind(), yv.kind()) {
            (ValueKind::Map, ValueKind::Map) if recursive => {
                merge_hash(&xv, &yv, recursive, list_merge)?
            }
            (ValueKind::Seq, ValueKind::Seq) => {
                let (xs, ys) = (items(&xv)?, items(&yv)?);
                let rp = |a: &[Value], b: &[Value]| -> Vec<Value> {
                    a.iter().filter(|z| !b.contains(z)).cloned().collect()
                };
                match list_merge {
                    "keep" => xv,
                    "append" => Value::from([xs, ys].concat()),
                    "prepend" => Value::from([ys, xs].concat()),
                    "append_rp" => Value::from([rp(&xs, &ys), ys].concat()),
                    "prepend_rp" => Value::from([ys.clone(), rp(&xs, &ys)].concat()),
                    _ => yv,
                }
            }
            _ => yv,
        };
        out[pos].1 = new;
    }
    Ok(Value::from_iter(out))
}

fn combine(args: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let recursive: Option<bool> = kwargs.get("recursive")?;
    let list_merge: Option<String> = kwargs.get("list_merge")?;
    kwargs.assert_all_used()?;
    let list_merge = list_merge.unwrap_or_else(|| "replace".into());
    if ![
        "replace",
        "keep",
        "append",
        "prepend",
        "append_rp",
        "prepend_rp",
    ]
    .contains(&list_merge.as_str())
    {
        return Err(invalid(format!(
            "'{list_merge}' is not a valid list_merge value"
        )));
    }
    // `[d1, d2] | combine` flattens one level.
    let mut dicts = Vec::new();
    for a in args.iter() {
        if a.kind() == ValueKind::Seq {
            dicts.extend(items(a)?);
        } else {
            dicts.push(a.clone());
        }
    }
    let mut iter = dicts.into_iter();
    let Some(mut acc) = iter.next() else {
        return Ok(Value::from_iter(Vec::<(Value, Value)>::new()));
    };
    for d in iter {
        acc = merge_hash(&acc, &d, recursive.unwrap_or(false), &list_merge)?;
    }
    Ok(acc)
}

fn dict2items(Def(ref value): Def, kwargs: Kwargs) -> Result<Value, Error> {
    let key_name: Option<String> = kwargs.get("key_name")?;
    let value_name: Option<String> = kwargs.get("value_name")?;
    kwargs.assert_all_used()?;
    if value.kind() != ValueKind::Map {
        return Err(invalid(format!(
            "dict2items requires a dictionary, got {} instead.",
            value.kind()
        )));
    }
    let (kn, vn) = (
        key_name.unwrap_or_else(|| "key".into()),
        value_name.unwrap_or_else(|| "value".into()),
    );
    let out: Vec<Value> = map_pairs(value)?
        .into_iter()
        .map(|(k, v)| Value::from_iter([(kn.clone(), k), (vn.clone(), v)]))
        .collect();
    Ok(Value::from(out))
}

fn items2dict(Def(ref value): Def, kwargs: Kwargs) -> Result<Value, Error> {
    let key_name: Option<String> = kwargs.get("key_name")?;
    let value_name: Option<String> = kwargs.get("value_name")?;
    kwargs.assert_all_used()?;
    let (kn, vn) = (
        key_name.unwrap_or_else(|| "key".into()),
        value_name.unwrap_or_else(|| "value".into()),
    );
    if value.kind() != ValueKind::Seq {
        return Err(invalid(format!(
            "items2dict requires a list, got {} instead.",
            value.kind()
        )));
    }
    let mut out: Vec<(Value, Value)> = Vec::new();
    for item in items(value)? {
        let k = item.get_attr(&kn)?;
        let v = item.get_attr(&vn)?;
        if k.is_undefined() || v.is_undefined() {
            return Err(invalid(format!(
                "items2dict requires each dictionary in the list to contain the keys '{kn}' and '{vn}'"
            )));
        }
        match out.iter_mut().find(|(ok, _)| *ok == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    Ok(Value::from_iter(out))
}

fn json_opts(
    kwargs: &Kwargs,
    indent: Option<usize>,
    sort_keys: bool,
) -> Result<JsonOptions, Error> {
    let indent_kw: Option<usize> = kwargs.get("indent")?;
    let sort_kw: Option<bool> = kwargs.get("sort_keys")?;
    let ascii_kw: Option<bool> = kwargs.get("ensure_ascii")?;
    Ok(JsonOptions {
        indent: indent_kw.or(indent),
        sort_keys: sort_kw.unwrap_or(sort_keys),
        separators: None,
        ensure_ascii: ascii_kw.unwrap_or(true),
    })
}

fn to_json(Def(ref value): Def, kwargs: Kwargs) -> Result<String, Error> {
    let opts = json_opts(&kwargs, None, false)?;
    kwargs.assert_all_used()?;
    Ok(py_json(value, &opts))
}

fn to_nice_json(Def(ref value): Def, kwargs: Kwargs) -> Result<String, Error> {
    let mut opts = json_opts(&kwargs, Some(4), true)?;
    kwargs.assert_all_used()?;
    opts.separators = Some((",".into(), ": ".into()));
    Ok(py_json(value, &opts))
}

fn yaml_opts(kwargs: &Kwargs, indent: usize, flow: Option<bool>) -> Result<DumpOptions, Error> {
    let indent_kw: Option<usize> = kwargs.get("indent")?;
    let width: Option<usize> = kwargs.get("width")?;
    let sort: Option<bool> = kwargs.get("sort_keys")?;
    let flow_kw: Option<Value> = kwargs.get("default_flow_style")?;
    let flow = match flow_kw {
        Some(v) if v.is_none() => None,
        Some(v) => Some(v.is_true()),
        None => flow,
    };
    Ok(DumpOptions {
        width,
        indent: indent_kw.unwrap_or(indent),
        default_flow_style: flow,
        allow_unicode: true,
        sort_keys: sort.unwrap_or(true),
        astral_printable: false,
    })
}

fn to_yaml(Def(ref value): Def, kwargs: Kwargs) -> Result<String, Error> {
    let opts = yaml_opts(&kwargs, 2, None)?;
    kwargs.assert_all_used()?;
    Ok(dump(&to_node(value), &opts))
}

fn to_nice_yaml(Def(ref value): Def, kwargs: Kwargs) -> Result<String, Error> {
    let opts = yaml_opts(&kwargs, 4, Some(false))?;
    kwargs.assert_all_used()?;
    Ok(dump(&to_node(value), &opts))
}

fn b64encode(Def(ref value): Def) -> String {
    base64::engine::general_purpose::STANDARD.encode(py_str(value).as_bytes())
}

fn b64decode(Def(ref value): Def) -> Result<String, Error> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(py_str(value).trim().as_bytes())
        .map_err(|e| invalid(format!("invalid base64: {e}")))?;
    String::from_utf8(bytes).map_err(|e| invalid(format!("decoded base64 is not UTF-8: {e}")))
}

fn path_arg(value: &Value) -> Result<String, Error> {
    match value.as_str() {
        Some(s) => Ok(s.to_string()),
        None => Err(invalid(format!(
            "expected str, bytes or os.PathLike object, not {}",
            value.kind()
        ))),
    }
}

fn basename(Def(ref value): Def) -> Result<String, Error> {
    let p = path_arg(value)?;
    Ok(p.rsplit('/').next().unwrap_or_default().to_string())
}

fn dirname(Def(ref value): Def) -> Result<String, Error> {
    let p = path_arg(value)?;
    let head = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    Ok(if !head.is_empty() && head.chars().any(|c| c != '/') {
        head.trim_end_matches('/').to_string()
    } else {
        head.to_string()
    })
}

fn quote(Def(ref value): Def) -> String {
    let s = if value.is_none() {
        String::new()
    } else {
        py_str(value)
    };
    if s.is_empty() {
        return "''".into();
    }
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c))
    {
        return s;
    }
    format!("'{}'", s.replace('\'', "'\"'\"'"))
}

/// Ansible's `version` test: `value is version(other, operator='eq',
/// strict=None, version_type=None)` (see [`super::version`]).
fn version_test(
    Def(ref value): Def,
    other: &Value,
    args: Rest<Value>,
    kwargs: Kwargs,
) -> Result<bool, Error> {
    let mut args = args.iter().cloned();
    let op = args.next();
    let strict = args.next();
    let version_type = args.next();
    if args.next().is_some() {
        return Err(Error::from(ErrorKind::TooManyArguments));
    }
    let op = kwarg_or(&kwargs, "operator", op)?;
    let strict = kwarg_or(&kwargs, "strict", strict)?.filter(|v| !v.is_none());
    let version_type = kwarg_or(&kwargs, "version_type", version_type)?.filter(|v| !v.is_none());
    kwargs.assert_all_used()?;
    if strict.is_some() && version_type.is_some() {
        return Err(invalid("Cannot specify both 'strict' and 'version_type'"));
    }
    if !value.is_true() {
        return Err(invalid("Input version value cannot be empty"));
    }
    if !other.is_true() {
        return Err(invalid(
            "Version parameter to compare against cannot be empty",
        ));
    }
    let scheme = if strict.is_some_and(|s| s.is_true()) {
        "strict".to_string()
    } else {
        version_type.map_or_else(|| "loose".to_string(), |v| py_str(&v))
    };
    if !["loose", "strict", "semver", "semantic", "pep440"].contains(&scheme.as_str()) {
        return Err(invalid(format!(
            "Invalid version type ({scheme}). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'"
        )));
    }
    let op = op.map_or_else(|| "eq".to_string(), |v| py_str(&v));
    use std::cmp::Ordering::*;
    let test: fn(std::cmp::Ordering) -> bool = match op.as_str() {
        "==" | "=" | "eq" => |o| o == Equal,
        "!=" | "<>" | "ne" => |o| o != Equal,
        "<" | "lt" => |o| o == Less,
        "<=" | "le" => |o| o != Greater,
        ">" | "gt" => |o| o == Greater,
        ">=" | "ge" => |o| o != Less,
        other => {
            return Err(invalid(format!(
                "Invalid operator type ({other}). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'"
            )))
        }
    };
    let ord = super::version::compare(&py_str(value), &py_str(other), Some(&scheme))
        .map_err(|e| invalid(format!("Version comparison failed: {e}")))?;
    Ok(test(ord))
}

/// A keyword argument, or the positional one given for the same parameter.
fn kwarg_or(
    kwargs: &Kwargs,
    name: &str,
    positional: Option<Value>,
) -> Result<Option<Value>, Error> {
    let kw: Option<Value> = kwargs.get(name)?;
    match (positional, kw) {
        (Some(_), Some(_)) => Err(Error::new(
            ErrorKind::TooManyArguments,
            format!("got multiple values for argument '{name}'"),
        )),
        (p, k) => Ok(p.or(k)),
    }
}

fn regex_kw(kwargs: &Kwargs) -> Result<(bool, bool), Error> {
    let i: Option<Value> = kwargs.get("ignorecase")?;
    let m: Option<Value> = kwargs.get("multiline")?;
    Ok((
        i.is_some_and(|v| v.is_true()),
        m.is_some_and(|v| v.is_true()),
    ))
}

fn regex_is(value: &Value, pattern: &str, i: bool, m: bool, anchor: Anchor) -> Result<bool, Error> {
    let text = py_str(value);
    let re = py_regex(pattern, &text, i, m, anchor)?;
    Ok(re.search(&text).map_err(invalid)?.is_some())
}

fn match_test(Def(ref value): Def, pattern: String, kwargs: Kwargs) -> Result<bool, Error> {
    let (i, m) = regex_kw(&kwargs)?;
    kwargs.assert_all_used()?;
    regex_is(value, &pattern, i, m, Anchor::Match)
}

fn search_test(Def(ref value): Def, pattern: String, kwargs: Kwargs) -> Result<bool, Error> {
    let (i, m) = regex_kw(&kwargs)?;
    kwargs.assert_all_used()?;
    regex_is(value, &pattern, i, m, Anchor::Search)
}

fn regex_test(Def(ref value): Def, pattern: String, kwargs: Kwargs) -> Result<bool, Error> {
    let (i, m) = regex_kw(&kwargs)?;
    let match_type: Option<String> = kwargs.get("match_type")?;
    kwargs.assert_all_used()?;
    let anchor = match match_type.as_deref() {
        None | Some("search") => Anchor::Search,
        Some("match") => Anchor::Match,
        Some("fullmatch") => Anchor::Full,
        Some(_) => return Err(invalid("'str' object is not callable")),
    };
    regex_is(value, &pattern, i, m, anchor)
}

/// A value inside a lookup chain (see [`super::concat::lookup_chains`]):
/// `None` once a step was missing, so later lookups stay missing instead of
/// failing on an undefined value.
#[derive(Debug)]
struct Chain(Option<Value>);

impl minijinja::value::Object for Chain {
    fn get_value(self: &std::sync::Arc<Self>, key: &Value) -> Option<Value> {
        let next = self
            .0
            .as_ref()
            .and_then(|v| v.get_item(key).ok())
            .filter(|v| !v.is_undefined());
        Some(Value::from_object(Chain(next)))
    }
}

fn chain_start(value: Value) -> Value {
    Value::from_object(Chain((!value.is_undefined()).then_some(value)))
}

fn chain_end(value: Value) -> Value {
    match value.downcast_object_ref::<Chain>() {
        Some(Chain(Some(v))) => v.clone(),
        Some(Chain(None)) => Value::UNDEFINED,
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn r(src: &str) -> String {
        super::super::render(
            "t",
            src,
            &json!({"d": {"b": 1, "a": [1, 2]}, "l": ["a", "B", "a", "b"], "n": null}),
        )
        .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn ansible_semantics() {
        assert_eq!(
            r("{{ 'Yes' | bool }} {{ 'no' | bool }} {{ 1 | bool }} {{ 'x' | bool }}"),
            "True False True False"
        );
        assert_eq!(
            r("{{ '42' | int }} {{ '4.7' | int }} {{ 'x' | int }} {{ '0x1F' | int(0, 16) }}"),
            "42 4 0 31"
        );
        assert_eq!(r("{{ true | string }}-{{ [1] | string }}"), "True-[1]");
        assert_eq!(r("{{ [1, true, none] | join(',') }}"), "1,True,None");
        assert_eq!(r("{{ l | unique }}"), "['a', 'B']");
        assert_eq!(
            r("{{ l | unique(case_sensitive=true) }}"),
            "['a', 'B', 'b']"
        );
        assert_eq!(
            r("{{ [1, 2] | union([2, 3]) }} {{ [1, 2, 3] | difference([2]) }}"),
            "[1, 2, 3] [1, 3]"
        );
        assert_eq!(r(r"{{ 'a-b-c' | regex_replace('-(\w)', '_\1') }}"), "a_b_c");
        assert_eq!(
            r("{{ true | ternary('y', 'n') }} {{ n | ternary('y', 'n', 'z') }}"),
            "y z"
        );
        assert_eq!(
            r("{{ d | combine({'a': [3], 'c': 1}, list_merge='append') }}"),
            "{'b': 1, 'a': [1, 2, 3], 'c': 1}"
        );
        assert_eq!(
            r("{{ d | dict2items | items2dict }}"),
            "{'b': 1, 'a': [1, 2]}"
        );
        assert_eq!(r("{{ d | to_json }}"), "{\"b\": 1, \"a\": [1, 2]}");
        assert_eq!(
            r("{{ d | to_nice_json }}"),
            "{\n    \"a\": [\n        1,\n        2\n    ],\n    \"b\": 1\n}"
        );
        assert_eq!(r("{{ d | to_yaml }}"), "a: [1, 2]\nb: 1\n");
        assert_eq!(r("{{ d | to_nice_yaml }}"), "a:\n- 1\n- 2\nb: 1\n");
        assert_eq!(r("{{ 'abc' | b64encode }}"), "YWJj");
        assert_eq!(
            r("{{ '/a/b/c.conf' | basename }} {{ '/a/b/c.conf' | dirname }}"),
            "c.conf /a/b"
        );
        assert_eq!(
            r("{{ \"it's x\" | quote }} {{ 'ab' | quote }}"),
            "'it'\"'\"'s x' ab"
        );
        assert_eq!(r("{{ '2.10' is version('2.9', '>') }} {{ 'abc' is match('ab') }} {{ 'abc' is search('bc') }}"), "True True True");
    }
}
