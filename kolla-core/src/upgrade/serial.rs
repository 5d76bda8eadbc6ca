//! Ansible's `serial` batches and `max_fail_percentage`, as ansible-core 2.19
//! computes them (`../shared/spec/upgrade.md`, sections B and C).
//!
//! ```
//! use kolla_core::upgrade::Serial;
//! let serial = Serial::parse("[1, '30%', '50%']").unwrap();
//! assert_eq!(serial.batch_sizes(10), vec![1, 3, 5, 1]);
//! assert_eq!(Serial::parse("0%").unwrap().batch_sizes(3), vec![1, 1, 1]);
//! assert_eq!(Serial::parse("0").unwrap().batch_sizes(3), vec![3]);
//! ```

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::Error;

/// One item of a `serial` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum SerialItem {
    /// A host count; `<= 0` means every host left, in one batch.
    Count(i64),
    /// A percentage of ALL the play's hosts (not of those left): truncated
    /// toward zero, and a result of exactly 0 becomes 1.
    Percent(i64),
}

impl SerialItem {
    /// Ansible's reading of one item: a string ending in `%` is a percentage
    /// (every `%` removed, then Python's `int()`), anything else `int(v)`.
    ///
    /// # Errors
    /// Python's messages: `invalid literal for int() with base 10: '12.5'`,
    /// or a type that `int()` refuses.
    pub fn from_value(v: &Value) -> Result<SerialItem, String> {
        match v {
            Value::String(s) if s.ends_with('%') => {
                crate::pycompat::int_str(&s.replace('%', "")).map(SerialItem::Percent)
            }
            Value::String(s) => crate::pycompat::int_str(s).map(SerialItem::Count),
            Value::Bool(b) => Ok(SerialItem::Count(i64::from(*b))),
            Value::Number(n) => n
                .as_i64()
                // Python's int(float) truncates toward zero.
                .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
                .map(SerialItem::Count)
                .ok_or_else(|| format!("int() cannot convert {n}")),
            Value::Null => Err(
                "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
                    .into(),
            ),
            Value::Array(_) => Err(
                "int() argument must be a string, a bytes-like object or a real number, not 'list'"
                    .into(),
            ),
            Value::Object(_) => Err(
                "int() argument must be a string, a bytes-like object or a real number, not 'dict'"
                    .into(),
            ),
        }
    }

    /// The batch size this item asks for when the play has `total` hosts
    /// (Ansible's `pct_to_int(item, total)`); `<= 0` means "all the rest".
    pub fn size_for(self, total: usize) -> i64 {
        match self {
            SerialItem::Count(n) => n,
            SerialItem::Percent(p) => {
                // int((pct / 100.0) * total) in Python floats, then `or 1`.
                let r = ((p as f64) / 100.0 * (total as f64)).trunc() as i64;
                if r == 0 {
                    1
                } else {
                    r
                }
            }
        }
    }
}

impl fmt::Display for SerialItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerialItem::Count(n) => write!(f, "{n}"),
            SerialItem::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A play's `serial`: a list whose last item repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Serial {
    items: Vec<SerialItem>,
}

impl Default for Serial {
    /// `serial: 0`, kolla-ansible's default: one batch of every host.
    fn default() -> Self {
        Serial {
            items: vec![SerialItem::Count(0)],
        }
    }
}

impl Serial {
    /// A serial of these items (an empty list behaves like `[-1]`).
    pub fn new(items: Vec<SerialItem>) -> Serial {
        if items.is_empty() {
            return Serial {
                items: vec![SerialItem::Count(-1)],
            };
        }
        Serial { items }
    }

    /// `serial: N`.
    pub fn count(n: i64) -> Serial {
        Serial::new(vec![SerialItem::Count(n)])
    }

    /// `serial: "P%"`.
    pub fn percent(p: i64) -> Serial {
        Serial::new(vec![SerialItem::Percent(p)])
    }

    /// The value as Ansible reads the attribute: a scalar is a one-item
    /// list, `null` and `[]` mean all hosts at once.
    ///
    /// # Errors
    /// [`Error::Serial`] naming `origin` (the variable or option the value
    /// came from) when an item is not something `int()` accepts.
    pub fn from_value(origin: &str, v: &Value) -> Result<Serial, Error> {
        let items: Vec<&Value> = match v {
            Value::Null => Vec::new(),
            Value::Array(a) => a.iter().collect(),
            other => vec![other],
        };
        let items = items
            .into_iter()
            .map(|i| {
                SerialItem::from_value(i).map_err(|message| Error::Serial {
                    origin: origin.to_string(),
                    value: v.to_string(),
                    message,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Serial::new(items))
    }

    /// Reads a command-line or variable text as YAML (`3`, `30%`,
    /// `[1, 30%, 50%]`), then as [`Serial::from_value`].
    ///
    /// # Errors
    /// [`Error::Serial`] for text that is not YAML or whose items `int()`
    /// refuses.
    pub fn parse(text: &str) -> Result<Serial, Error> {
        let v = crate::yaml::load("serial", text).map_err(|e| Error::Serial {
            origin: "serial".into(),
            value: text.to_string(),
            message: e.to_string(),
        })?;
        Serial::from_value("serial", &v)
    }

    /// The items, in order.
    pub fn items(&self) -> &[SerialItem] {
        &self.items
    }

    /// The item used for batch `i` (0-based): the last one repeats.
    pub fn item(&self, i: usize) -> SerialItem {
        self.items[i.min(self.items.len() - 1)]
    }

    /// The sizes of the batches of a play over `total` hosts, in order
    /// (Ansible's `_get_serialized_batches`). No hosts, no batches.
    pub fn batch_sizes(&self, total: usize) -> Vec<usize> {
        let mut sizes = Vec::new();
        let mut left = total;
        let mut i = 0;
        while left > 0 {
            let v = self.item(i).size_for(total);
            if v <= 0 {
                sizes.push(left);
                break;
            }
            let take = usize::try_from(v).unwrap_or(usize::MAX).min(left);
            sizes.push(take);
            left -= take;
            i += 1;
        }
        sizes
    }

    /// `hosts` cut into batches, in order.
    pub fn batches<T: Clone>(&self, hosts: &[T]) -> Vec<Vec<T>> {
        let mut rest = hosts;
        self.batch_sizes(hosts.len())
            .into_iter()
            .map(|n| {
                let (batch, tail) = rest.split_at(n);
                rest = tail;
                batch.to_vec()
            })
            .collect()
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [one] = self.items.as_slice() {
            return write!(f, "{one}");
        }
        f.write_str("[")?;
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        f.write_str("]")
    }
}

/// A play's `max_fail_percentage` (Ansible's `percent` attribute type).
///
/// ```
/// use kolla_core::upgrade::MaxFail;
/// let m = MaxFail::parse("20%").unwrap();
/// assert!(!m.exceeded(1, 5)); // 20% is not more than 20%
/// assert!(m.exceeded(2, 5));
/// assert!(MaxFail::new(0.0).exceeded(1, 10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MaxFail(f64);

impl Default for MaxFail {
    /// kolla-ansible's default, 100.
    fn default() -> Self {
        MaxFail(100.0)
    }
}

impl MaxFail {
    /// A limit of `percent` percent.
    pub fn new(percent: f64) -> MaxFail {
        MaxFail(percent)
    }

    /// The percentage.
    pub fn percent(self) -> f64 {
        self.0
    }

    /// Ansible's reading: a string loses every `%`, then Python's `float()`;
    /// a number is taken as it is.
    ///
    /// # Errors
    /// [`Error::MaxFail`] naming `origin` for text `float()` refuses.
    pub fn from_value(origin: &str, v: &Value) -> Result<MaxFail, Error> {
        let bad = |message: String| Error::MaxFail {
            origin: origin.to_string(),
            value: v.to_string(),
            message,
        };
        match v {
            Value::Number(n) => n
                .as_f64()
                .map(MaxFail)
                .ok_or_else(|| bad("not a number".into())),
            Value::Bool(b) => Ok(MaxFail(f64::from(u8::from(*b)))),
            Value::String(s) => py_float(&s.replace('%', "")).map(MaxFail).map_err(bad),
            other => Err(bad(format!(
                "float() argument must be a string or a real number, not '{}'",
                match other {
                    Value::Null => "NoneType",
                    Value::Array(_) => "list",
                    _ => "dict",
                }
            ))),
        }
    }

    /// [`MaxFail::from_value`] on a text.
    ///
    /// # Errors
    /// As [`MaxFail::from_value`].
    pub fn parse(text: &str) -> Result<MaxFail, Error> {
        MaxFail::from_value("max_fail_percentage", &Value::String(text.to_string()))
    }

    /// Ansible's check after a task: `failed / batch_size > pct / 100`,
    /// strictly greater.
    pub fn exceeded(self, failed: usize, batch_size: usize) -> bool {
        batch_size > 0 && (failed as f64 / batch_size as f64) > self.0 / 100.0
    }

    /// Whether a batch with `failed` of `batch_size` hosts failed stops the
    /// whole run, and why: over the limit, or (at any limit) every host of
    /// the batch failed.
    pub fn halts(self, failed: usize, batch_size: usize) -> Option<Halt> {
        if batch_size > 0 && failed >= batch_size {
            Some(Halt::WholeBatchFailed)
        } else if self.exceeded(failed, batch_size) {
            Some(Halt::MaxFailExceeded)
        } else {
            None
        }
    }
}

/// Why a rollout stopped after a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Halt {
    /// The batch's failures exceeded `max_fail_percentage`.
    MaxFailExceeded,
    /// Every host of the batch failed (Ansible stops then at any limit).
    WholeBatchFailed,
}

impl fmt::Display for Halt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Halt::MaxFailExceeded => "max_fail_percentage exceeded",
            Halt::WholeBatchFailed => "every host of the batch failed",
        })
    }
}

/// Python's `float()` on a string: whitespace around, underscores only
/// between digits, `inf`/`nan` spelled any case.
fn py_float(s: &str) -> Result<f64, String> {
    let err = || {
        format!(
            "could not convert string to float: {}",
            crate::pycompat::str_repr(s)
        )
    };
    let t = crate::pycompat::strip(s);
    let b = t.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'_'
            && !(i > 0 && b[i - 1].is_ascii_digit() && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            return Err(err());
        }
    }
    let t = t.replace('_', "");
    t.parse::<f64>().map_err(|_| err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sizes(serial: Value, n: usize) -> Vec<usize> {
        Serial::from_value("t", &serial).unwrap().batch_sizes(n)
    }

    #[test]
    fn the_spec_table_n10() {
        for s in [json!(0), json!(-1), json!("100%"), json!("150%")] {
            assert_eq!(sizes(s.clone(), 10), vec![10], "{s}");
        }
        for s in [json!(1), json!("10%"), json!("5%")] {
            assert_eq!(sizes(s.clone(), 10), vec![1; 10], "{s}");
        }
        for s in [json!(3), json!("30%"), json!("33%")] {
            assert_eq!(sizes(s.clone(), 10), vec![3, 3, 3, 1], "{s}");
        }
        assert_eq!(sizes(json!([1, "30%", "50%"]), 10), vec![1, 3, 5, 1]);
    }

    #[test]
    fn small_plays_and_edges() {
        assert_eq!(sizes(json!("30%"), 3), vec![1, 1, 1]);
        assert_eq!(sizes(json!("50%"), 4), vec![2, 2]);
        // 0% is not 0: the zero result becomes 1.
        assert_eq!(sizes(json!("0%"), 4), vec![1, 1, 1, 1]);
        assert_eq!(sizes(json!("0"), 4), vec![4]);
        // -10% of 10 is -1: all; -5% of 10 truncates to 0, then 1.
        assert_eq!(sizes(json!("-10%"), 10), vec![10]);
        assert_eq!(sizes(json!("-5%"), 10), vec![1; 10]);
        // An empty list and null behave like [-1].
        assert_eq!(sizes(json!([]), 5), vec![5]);
        assert_eq!(sizes(Value::Null, 5), vec![5]);
        // No hosts, no batches.
        assert!(sizes(json!(3), 0).is_empty());
        // Python float arithmetic: 0.29 * 100 is 28.999999999999996.
        assert_eq!(sizes(json!("29%"), 100)[0], 28);
        // A list item <= 0 takes the rest.
        assert_eq!(sizes(json!([2, 0]), 7), vec![2, 5]);
        // Python int() on strings and floats.
        assert_eq!(sizes(json!(" 2 "), 5), vec![2, 2, 1]);
        assert_eq!(sizes(json!(2.9), 5), vec![2, 2, 1]);
        assert_eq!(sizes(json!("1_0%"), 20), vec![2; 10]);
    }

    #[test]
    fn non_integer_percentages_fail_as_in_ansible() {
        let e = Serial::from_value("kolla_serial", &json!("12.5%")).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("kolla_serial"), "{text}");
        assert!(
            text.contains("invalid literal for int() with base 10: '12.5'"),
            "{text}"
        );
    }

    #[test]
    fn parse_and_display_round_trip() {
        let s = Serial::parse("[1, 30%, '50%']").unwrap();
        assert_eq!(s.to_string(), "[1, 30%, 50%]");
        assert_eq!(Serial::parse(&s.to_string()).unwrap(), s);
        assert_eq!(Serial::parse("30%").unwrap().to_string(), "30%");
    }

    #[test]
    fn max_fail_is_strictly_greater() {
        let m = MaxFail::parse("20%").unwrap();
        assert_eq!(m.halts(1, 5), None);
        assert_eq!(m.halts(2, 5), Some(Halt::MaxFailExceeded));
        // 100% never trips on the ratio, but a whole failed batch stops.
        let all = MaxFail::default();
        assert_eq!(all.halts(4, 5), None);
        assert_eq!(all.halts(5, 5), Some(Halt::WholeBatchFailed));
        assert_eq!(MaxFail::new(0.0).halts(1, 10), Some(Halt::MaxFailExceeded));
        assert_eq!(MaxFail::new(0.0).halts(0, 10), None);
        assert_eq!(MaxFail::parse(" 1_0 ").unwrap().percent(), 10.0);
        assert!(MaxFail::parse("ten").is_err());
        assert!(MaxFail::parse("1__0").is_err());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn item() -> impl Strategy<Value = SerialItem> {
            prop_oneof![
                (-3i64..40).prop_map(SerialItem::Count),
                (-30i64..200).prop_map(SerialItem::Percent),
            ]
        }

        proptest! {
            /// Batches partition the hosts, in order, and every batch but
            /// the last has the size its item asks for.
            #[test]
            fn batches_partition_hosts(items in prop::collection::vec(item(), 0..4), n in 0usize..120) {
                let serial = Serial::new(items);
                let hosts: Vec<usize> = (0..n).collect();
                let batches = serial.batches(&hosts);
                let flat: Vec<usize> = batches.iter().flatten().copied().collect();
                prop_assert_eq!(flat, hosts);
                prop_assert!(batches.iter().all(|b| !b.is_empty()));
                for (i, b) in batches.iter().enumerate().take(batches.len().saturating_sub(1)) {
                    let want = serial.item(i).size_for(n);
                    prop_assert!(want > 0);
                    prop_assert_eq!(b.len() as i64, want);
                }
            }

            /// A percentage is of the total: a single `P%` with 0 < P < 100
            /// gives batches of max(1, trunc(P*N/100)).
            #[test]
            fn percent_of_total(p in 1i64..100, n in 1usize..200) {
                let sizes = Serial::percent(p).batch_sizes(n);
                let want = (((p as f64) / 100.0 * n as f64) as usize).max(1);
                prop_assert!(sizes[..sizes.len() - 1].iter().all(|s| *s == want));
                prop_assert!(*sizes.last().unwrap() <= want);
            }
        }
    }
}
