//! CPython's `set`, as far as its iteration order goes.
//!
//! Ansible's `union`, `intersect`, `difference` and `symmetric_difference`
//! filters return `list(set(a) OP set(b))`, so their order is the order of
//! CPython's hash table. For values whose hash does not change between
//! processes (integers, booleans, floats other than NaN, and `None` on
//! Python 3.12 and later) that order is fixed, and [`PySet`] reproduces it:
//! the same table sizes, growth points, linear probing with perturbation,
//! one-shot resizes on merges and dummy entries left by removals as
//! `Objects/setobject.c` (CPython 3.11 to 3.13) has them. Strings hash with
//! a per-process random seed, so Python's own order varies from run to run;
//! [`hash`] gives `None` for them and callers keep first-seen order.

/// Slots probed linearly before the perturbed jump.
const LINEAR_PROBES: usize = 9;
/// How far the perturbation shifts each round.
const PERTURB_SHIFT: u32 = 5;
/// The smallest table.
const MIN_SIZE: usize = 8;
/// Python's numeric hashes are taken modulo this prime (2**61 - 1).
const MODULUS: u64 = (1 << 61) - 1;
/// Bits of [`MODULUS`].
const HASH_BITS: i32 = 61;
/// `hash(None)` on CPython 3.12 and later (3.11 hashes the object's address).
pub const HASH_NONE: i64 = 0xFCA8_6420;

/// Python's `hash()` of an `int` (`hash(-1)` is `-2`).
pub fn hash_int(i: i128) -> i64 {
    let m = (i.unsigned_abs() % u128::from(MODULUS)) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `frexp`: `v == m * 2**e` with `0.5 <= |m| < 1`.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// Python's `hash()` of a `float`; `None` for NaN, whose hash is the
/// object's address.
pub fn hash_float(v: f64) -> Option<i64> {
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { 314_159 } else { -314_159 });
    }
    let (mut m, mut e) = frexp(v);
    let negative = m < 0.0;
    if negative {
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | x >> (HASH_BITS - 28);
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % HASH_BITS
    } else {
        HASH_BITS - 1 - ((-1 - e) % HASH_BITS)
    };
    x = ((x << e) & MODULUS) | x >> (HASH_BITS - e);
    let h = if negative { x.wrapping_neg() } else { x } as i64;
    Some(if h == -1 { -2 } else { h })
}

/// A value of a Python set: what equality and hashing need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hashed {
    /// `None`.
    None,
    /// An `int` (booleans are 0 and 1, as in Python).
    Int(i128),
    /// A `float` (not NaN).
    Float(f64),
}

impl Hashed {
    /// Python's `hash()`.
    pub fn hash(self) -> i64 {
        match self {
            Hashed::None => HASH_NONE,
            Hashed::Int(i) => hash_int(i),
            Hashed::Float(f) => hash_float(f).unwrap_or(0),
        }
    }

    /// Python's `==`.
    fn py_eq(self, other: Hashed) -> bool {
        match (self, other) {
            (Hashed::None, Hashed::None) => true,
            (Hashed::Int(a), Hashed::Int(b)) => a == b,
            (Hashed::Int(i), Hashed::Float(f)) | (Hashed::Float(f), Hashed::Int(i)) => {
                f.fract() == 0.0 && f.abs() < 1.7e38 && f as i128 == i
            }
            (Hashed::Float(a), Hashed::Float(b)) => a == b,
            _ => false,
        }
    }
}

/// The slots CPython visits for a hash, in order: up to
/// [`LINEAR_PROBES`] neighbours after each slot (when they fit before the
/// end of the table), then a jump perturbed by the hash's high bits.
struct Probe {
    mask: usize,
    perturb: u64,
    /// The start of the current run of neighbours.
    start: usize,
    /// The next slot to visit.
    next: usize,
    /// The last slot of the current run.
    last: usize,
}

impl Probe {
    fn new(hash: i64, mask: usize) -> Self {
        let start = (hash as u64 as usize) & mask;
        Probe {
            mask,
            perturb: hash as u64,
            start,
            next: start,
            last: Self::run_end(start, mask),
        }
    }

    fn run_end(start: usize, mask: usize) -> usize {
        if start + LINEAR_PROBES <= mask {
            start + LINEAR_PROBES
        } else {
            start
        }
    }
}

impl Iterator for Probe {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.next > self.last {
            self.perturb >>= PERTURB_SHIFT;
            self.start = (self
                .start
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(self.perturb as usize))
                & self.mask;
            self.next = self.start;
            self.last = Self::run_end(self.start, self.mask);
        }
        self.next += 1;
        Some(self.next - 1)
    }
}

#[derive(Debug, Clone)]
enum Slot<T> {
    Empty,
    Dummy,
    Active(i64, Hashed, T),
}

/// A CPython set of `T`s, each known by its [`Hashed`] form.
#[derive(Debug, Clone)]
pub struct PySet<T> {
    table: Vec<Slot<T>>,
    fill: usize,
    used: usize,
}

impl<T: Clone> Default for PySet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> PySet<T> {
    /// An empty set.
    pub fn new() -> Self {
        PySet {
            table: vec![Slot::Empty; MIN_SIZE],
            fill: 0,
            used: 0,
        }
    }

    /// `set(items)`.
    pub fn from_items(items: impl IntoIterator<Item = (Hashed, T)>) -> Self {
        let mut s = Self::new();
        for (k, v) in items {
            s.add(k.hash(), k, v);
        }
        s
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.used
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// The items in iteration order.
    pub fn items(&self) -> impl Iterator<Item = &T> {
        self.entries().map(|(_, _, v)| v)
    }

    fn entries(&self) -> impl Iterator<Item = (i64, Hashed, &T)> {
        self.table.iter().filter_map(|s| match s {
            Slot::Active(h, k, v) => Some((*h, *k, v)),
            _ => None,
        })
    }

    /// The slot holding a key equal to `key`.
    fn lookup(&self, hash: i64, key: Hashed) -> Option<usize> {
        for j in Probe::new(hash, self.mask()) {
            match &self.table[j] {
                Slot::Empty => return None,
                Slot::Active(h, k, _) if *h == hash && k.py_eq(key) => return Some(j),
                _ => {}
            }
        }
        unreachable!("the table always has an empty slot")
    }

    /// `key in set`.
    pub fn contains(&self, key: Hashed) -> bool {
        self.lookup(key.hash(), key).is_some()
    }

    /// `set_add_entry`: adds unless an equal key is there (the first one
    /// stays); a key lands in the last dummy slot its probe passed, if any.
    fn add(&mut self, hash: i64, key: Hashed, value: T) {
        let mask = self.mask();
        let mut freeslot = None;
        let mut empty = None;
        for j in Probe::new(hash, mask) {
            match &self.table[j] {
                Slot::Empty => {
                    empty = Some(j);
                    break;
                }
                Slot::Active(h, k, _) if *h == hash && k.py_eq(key) => return,
                // CPython reuses the last dummy on the probe path.
                Slot::Dummy => freeslot = Some(j),
                Slot::Active(..) => {}
            }
        }
        if let Some(j) = freeslot {
            self.table[j] = Slot::Active(hash, key, value);
            self.used += 1;
            return;
        }
        let empty = empty.expect("the table always has an empty slot");
        self.table[empty] = Slot::Active(hash, key, value);
        self.fill += 1;
        self.used += 1;
        if self.fill * 5 >= mask * 3 {
            let used = self.used;
            self.resize(if used > 50_000 { used * 2 } else { used * 4 });
        }
    }

    /// `set_insert_clean`: into a table known to have no equal key and no dummies.
    fn insert_clean(table: &mut [Slot<T>], hash: i64, key: Hashed, value: T) {
        for j in Probe::new(hash, table.len() - 1) {
            if matches!(table[j], Slot::Empty) {
                table[j] = Slot::Active(hash, key, value);
                return;
            }
        }
    }

    /// `set_table_resize`: the smallest power of two above `minused`.
    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.table, vec![Slot::Empty; size]);
        for slot in old {
            if let Slot::Active(h, k, v) = slot {
                Self::insert_clean(&mut self.table, h, k, v);
            }
        }
        self.fill = self.used;
    }

    /// `set_merge`: `self |= other`.
    fn merge(&mut self, other: &PySet<T>) {
        if other.used == 0 {
            return;
        }
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.mask() == other.mask() && other.fill == other.used {
            self.table = other.table.clone();
            self.fill = other.fill;
            self.used = other.used;
            return;
        }
        if self.fill == 0 {
            for (h, k, v) in other.entries() {
                Self::insert_clean(&mut self.table, h, k, v.clone());
            }
            self.fill = other.used;
            self.used = other.used;
            return;
        }
        for (h, k, v) in other.entries() {
            self.add(h, k, v.clone());
        }
    }

    /// `set_discard_entry`: leaves a dummy behind.
    fn discard(&mut self, hash: i64, key: Hashed) -> bool {
        match self.lookup(hash, key) {
            Some(j) => {
                self.table[j] = Slot::Dummy;
                self.used -= 1;
                true
            }
            None => false,
        }
    }

    /// `set(self)`: a copy as CPython makes it (a merge into an empty set).
    fn copy(&self) -> Self {
        let mut s = Self::new();
        s.merge(self);
        s
    }

    /// `self | other`.
    pub fn union(&self, other: &PySet<T>) -> Self {
        let mut s = self.copy();
        s.merge(other);
        s
    }

    /// `self & other`: the smaller set is walked (`other` when the sizes
    /// are equal) and its items kept.
    pub fn intersection(&self, other: &PySet<T>) -> Self {
        let (big, small) = if other.used > self.used {
            (other, self)
        } else {
            (self, other)
        };
        let mut s = Self::new();
        for (h, k, v) in small.entries() {
            if big.lookup(h, k).is_some() {
                s.add(h, k, v.clone());
            }
        }
        s
    }

    /// `self - other`.
    pub fn difference(&self, other: &PySet<T>) -> Self {
        if (self.used >> 2) > other.used {
            let mut s = self.copy();
            for (h, k, _) in other.entries() {
                s.discard(h, k);
            }
            if s.fill - s.used > s.mask() / 4 {
                let used = s.used;
                s.resize(if used > 50_000 { used * 2 } else { used * 4 });
            }
            return s;
        }
        let mut s = Self::new();
        for (h, k, v) in self.entries() {
            if other.lookup(h, k).is_none() {
                s.add(h, k, v.clone());
            }
        }
        s
    }

    /// `self ^ other`: a copy of `other`, then each item of `self` removed
    /// when there and added when not.
    pub fn symmetric_difference(&self, other: &PySet<T>) -> Self {
        let mut s = other.copy();
        for (h, k, v) in self.entries() {
            if !s.discard(h, k) {
                s.add(h, k, v.clone());
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[i128]) -> PySet<i128> {
        PySet::from_items(items.iter().map(|&i| (Hashed::Int(i), i)))
    }

    fn list(s: &PySet<i128>) -> Vec<i128> {
        s.items().copied().collect()
    }

    #[test]
    fn hashes_like_python() {
        assert_eq!(hash_int(-1), -2);
        assert_eq!(hash_int(1 << 61), 1);
        assert_eq!(hash_int(-(1 << 62)), -2);
        assert_eq!(hash_float(1.5), Some(1_152_921_504_606_846_977));
        assert_eq!(hash_float(-0.5), Some(-1_152_921_504_606_846_976));
        assert_eq!(hash_float(3.0), Some(3));
        assert_eq!(hash_float(f64::INFINITY), Some(314_159));
        assert_eq!(hash_float(1e-300), Some(hash_float(1e-300).unwrap()));
    }

    #[test]
    fn order_like_cpython() {
        // python3 -c 'print(list(set([5672, 5671, 5672]) | set([5671, 15672])))'
        assert_eq!(
            list(&set(&[5672, 5671, 5672]).union(&set(&[5671, 15672]))),
            [5672, 15672, 5671]
        );
        assert_eq!(list(&set(&[3, 1, 2])), [1, 2, 3]);
    }
}
