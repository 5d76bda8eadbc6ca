//! Ansible's `version` test (`version_compare`): the four version schemes it
//! offers and its operator names.
//!
//! - `loose` (the default): numbers compared as numbers and lowercase words
//!   as text, everything else kept as text; a number and a text at the same
//!   place cannot be ordered (an error, as in Python);
//! - `strict` (or `strict=true`): `MAJOR.MINOR[.PATCH][{a|b}N]`;
//! - `semver` / `semantic`: Semantic Versioning 2.0.0 (build metadata
//!   ignored);
//! - `pep440`: Python packaging's versions (epoch, pre, post, dev, local).

use std::cmp::Ordering;

/// A non-negative integer of any size, compared by value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Nat(String);

impl Nat {
    fn new(digits: &str) -> Nat {
        let t = digits.trim_start_matches('0');
        Nat(if t.is_empty() { "0".into() } else { t.into() })
    }

    fn is_zero(&self) -> bool {
        self.0 == "0"
    }
}

impl Ord for Nat {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Nat {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two versions of `version_type` (`None`: loose).
///
/// ```
/// use kolla_core::template::version::compare;
/// use std::cmp::Ordering::*;
/// assert_eq!(compare("2.10", "2.9", None).unwrap(), Greater);
/// assert_eq!(compare("1.0", "1.0.0", Some("strict")).unwrap(), Equal);
/// assert_eq!(compare("1.0.0-rc.1", "1.0.0", Some("semver")).unwrap(), Less);
/// assert_eq!(compare("1.0.dev1", "1.0a1", Some("pep440")).unwrap(), Less);
/// assert!(compare("1.a", "1.1", None).is_err());
/// ```
///
/// # Errors
/// A version the scheme cannot parse, or (loose) a number and a word at
/// the same place: the message Python gives.
pub fn compare(a: &str, b: &str, version_type: Option<&str>) -> Result<Ordering, String> {
    match version_type.unwrap_or("loose") {
        "loose" => loose_cmp(&loose(a), &loose(b)),
        "strict" => Ok(strict_cmp(&strict(a)?, &strict(b)?)),
        "semver" | "semantic" => Ok(semver_cmp(&semver(a)?, &semver(b)?)),
        "pep440" => Ok(pep440(a)?.cmp(&pep440(b)?)),
        other => Err(format!(
            "Invalid version type ({other}). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'"
        )),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Num(Nat),
    Text(String),
}

/// LooseVersion's components: digit runs, lowercase ASCII letter runs and
/// the text between them; dots separate and are dropped.
fn loose(v: &str) -> Vec<Part> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Digit,
        Lower,
        Dot,
        Other,
    }
    let class = |c: char| match c {
        '0'..='9' => Class::Digit,
        'a'..='z' => Class::Lower,
        '.' => Class::Dot,
        _ => Class::Other,
    };
    let mut parts = Vec::new();
    let mut start = 0;
    let mut cur: Option<Class> = None;
    let flush = |parts: &mut Vec<Part>, text: &str, cl: Option<Class>| match cl {
        Some(Class::Digit) => parts.push(Part::Num(Nat::new(text))),
        Some(Class::Dot) | None => {}
        Some(_) => parts.push(Part::Text(text.to_string())),
    };
    for (i, c) in v.char_indices() {
        let cl = class(c);
        // Each dot stands alone; other runs extend while the class holds.
        if cur != Some(cl) || cl == Class::Dot {
            flush(&mut parts, &v[start..i], cur);
            start = i;
            cur = Some(cl);
        }
    }
    flush(&mut parts, &v[start..], cur);
    parts
}

fn loose_cmp(a: &[Part], b: &[Part]) -> Result<Ordering, String> {
    for (x, y) in a.iter().zip(b) {
        match (x, y) {
            (Part::Num(x), Part::Num(y)) if x != y => return Ok(x.cmp(y)),
            (Part::Text(x), Part::Text(y)) if x != y => return Ok(x.cmp(y)),
            (Part::Num(_), Part::Text(_)) => {
                return Err("'<' not supported between instances of 'int' and 'str'".into())
            }
            (Part::Text(_), Part::Num(_)) => {
                return Err("'<' not supported between instances of 'str' and 'int'".into())
            }
            _ => {}
        }
    }
    Ok(a.len().cmp(&b.len()))
}

/// Python's `$` without MULTILINE also matches before a final newline.
fn strip_final_newline(v: &str) -> &str {
    v.strip_suffix('\n').unwrap_or(v)
}

fn ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// StrictVersion: (major, minor, patch) then a pre-release (`a`/`b`, N);
/// a release without one sorts after its pre-releases.
fn strict(v: &str) -> Result<Strict, String> {
    let bad = || format!("invalid version number '{v}'");
    let s = strip_final_newline(v);
    let (nums, pre) = match s.find(['a', 'b']) {
        Some(i) => {
            let n = &s[i + 1..];
            if !ascii_digits(n) {
                return Err(bad());
            }
            (&s[..i], Some((s.as_bytes()[i] as char, Nat::new(n))))
        }
        None => (s, None),
    };
    let fields: Vec<&str> = nums.split('.').collect();
    if !(2..=3).contains(&fields.len()) || !fields.iter().all(|f| ascii_digits(f)) {
        return Err(bad());
    }
    let mut version: Vec<Nat> = fields.iter().map(|f| Nat::new(f)).collect();
    if version.len() == 2 {
        version.push(Nat::new("0"));
    }
    Ok((version, pre))
}

type Strict = (Vec<Nat>, Option<(char, Nat)>);

fn strict_cmp(a: &Strict, b: &Strict) -> Ordering {
    a.0.cmp(&b.0).then_with(|| match (&a.1, &b.1) {
        (None, None) => Ordering::Equal,
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ident {
    Num(Nat),
    Alpha(String),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Ident::Num(a), Ident::Num(b)) => a.cmp(b),
            (Ident::Alpha(a), Ident::Alpha(b)) => a.cmp(b),
            (Ident::Num(_), Ident::Alpha(_)) => Ordering::Less,
            (Ident::Alpha(_), Ident::Num(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

struct SemVer {
    core: [Nat; 3],
    pre: Vec<Ident>,
}

fn semver(v: &str) -> Result<SemVer, String> {
    let bad = || format!("invalid semantic version '{v}'");
    let s = strip_final_newline(v);
    let ident_char = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    if let Some(b) = build {
        if !b
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(ident_char))
        {
            return Err(bad());
        }
    }
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numeric = |p: &str| ascii_digits(p) && (p == "0" || !p.starts_with('0'));
    let fields: Vec<&str> = core.split('.').collect();
    if fields.len() != 3 || !fields.iter().all(|f| numeric(f)) {
        return Err(bad());
    }
    let mut idents = Vec::new();
    if let Some(p) = pre {
        for id in p.split('.') {
            if id.is_empty() || !id.chars().all(ident_char) {
                return Err(bad());
            }
            if ascii_digits(id) {
                if !numeric(id) {
                    return Err(bad());
                }
                idents.push(Ident::Num(Nat::new(id)));
            } else {
                idents.push(Ident::Alpha(id.to_string()));
            }
        }
    }
    Ok(SemVer {
        core: [
            Nat::new(fields[0]),
            Nat::new(fields[1]),
            Nat::new(fields[2]),
        ],
        pre: idents,
    })
}

fn semver_cmp(a: &SemVer, b: &SemVer) -> Ordering {
    a.core
        .cmp(&b.core)
        .then_with(|| match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (false, true) => Ordering::Less,
            (true, false) => Ordering::Greater,
            (false, false) => a.pre.cmp(&b.pre),
        })
}

/// A local version segment: words sort before numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Local {
    Word(String),
    Num(Nat),
}

/// PEP 440's sort key: epoch, release without trailing zeros, then
/// (pre rank, pre number, has post, post number, no dev, dev number), then
/// the local segments (none sorts first).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pep440Key {
    epoch: Nat,
    release: Vec<Nat>,
    suffix: (i8, Nat, bool, Nat, bool, Nat),
    local: Option<Vec<Local>>,
}

/// Takes the longest prefix of `s` whose characters satisfy `f`.
fn take_while(s: &str, f: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s.find(|c: char| !f(c)).unwrap_or(s.len());
    s.split_at(end)
}

/// Takes one of `words` (longest first as listed), ignoring case.
fn take_word<'a>(s: &'a str, words: &[&'static str]) -> Option<(&'static str, &'a str)> {
    words.iter().find_map(|w| {
        let head = s.get(..w.len())?;
        head.eq_ignore_ascii_case(w).then(|| (*w, &s[w.len()..]))
    })
}

fn take_sep(s: &str) -> &str {
    s.strip_prefix(['.', '_', '-']).unwrap_or(s)
}

fn pep440(v: &str) -> Result<Pep440Key, String> {
    let bad = || format!("Invalid version: {}", crate::pycompat::str_repr(v));
    let is_space = |c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c);
    let s = v.trim_matches(is_space);
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    // Epoch and release.
    let (first, mut rest) = take_while(s, |c| c.is_ascii_digit());
    if first.is_empty() {
        return Err(bad());
    }
    let mut epoch = Nat::new("0");
    let mut release = vec![Nat::new(first)];
    if let Some(r) = rest.strip_prefix('!') {
        epoch = Nat::new(first);
        let (n, r) = take_while(r, |c| c.is_ascii_digit());
        if n.is_empty() {
            return Err(bad());
        }
        release = vec![Nat::new(n)];
        rest = r;
    }
    while let Some(r) = rest.strip_prefix('.') {
        let (n, r) = take_while(r, |c| c.is_ascii_digit());
        if n.is_empty() {
            break;
        }
        release.push(Nat::new(n));
        rest = r;
    }
    // Optional parts, each after an optional separator. The number of a
    // part takes a separator before it even when no digits follow (the
    // upstream pattern's separators are possessive).
    let number = |s: &str| -> (Option<Nat>, usize) {
        let t = take_sep(s);
        let (n, _) = take_while(t, |c| c.is_ascii_digit());
        let used = s.len() - t.len() + n.len();
        ((!n.is_empty()).then(|| Nat::new(n)), used)
    };
    let mut pre = None;
    if let Some((word, r)) = take_word(
        take_sep(rest),
        &["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"],
    ) {
        let (n, used) = number(r);
        let rank = match word {
            "alpha" | "a" => 0,
            "beta" | "b" => 1,
            _ => 2,
        };
        pre = Some((rank, n.unwrap_or_else(|| Nat::new("0"))));
        rest = &r[used..];
    }
    let mut post = None;
    let (n, r) = match rest.strip_prefix('-') {
        Some(r) => take_while(r, |c| c.is_ascii_digit()),
        None => ("", rest),
    };
    if !n.is_empty() {
        post = Some(Nat::new(n));
        rest = r;
    } else if let Some((_, r)) = take_word(take_sep(rest), &["post", "rev", "r"]) {
        let (n, used) = number(r);
        post = Some(n.unwrap_or_else(|| Nat::new("0")));
        rest = &r[used..];
    }
    let mut dev = None;
    if let Some((_, r)) = take_word(take_sep(rest), &["dev"]) {
        let (n, used) = number(r);
        dev = Some(n.unwrap_or_else(|| Nat::new("0")));
        rest = &r[used..];
    }
    let mut local = None;
    if let Some(r) = rest.strip_prefix('+') {
        let (l, r) = take_while(r, |c| c.is_ascii_alphanumeric() || ".-_".contains(c));
        let segs: Vec<&str> = l.split(['.', '_', '-']).collect();
        if segs.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        local = Some(
            segs.iter()
                .map(|p| {
                    if ascii_digits(p) {
                        Local::Num(Nat::new(p))
                    } else {
                        Local::Word(p.to_ascii_lowercase())
                    }
                })
                .collect(),
        );
        rest = r;
    }
    if !rest.is_empty() {
        return Err(bad());
    }
    while release.last().is_some_and(Nat::is_zero) {
        release.pop();
    }
    let zero = || Nat::new("0");
    let (pre_rank, pre_n) = match (&pre, &post, &dev) {
        (None, None, Some(_)) => (-1, zero()),
        (None, _, _) => (3, zero()),
        (Some((r, n)), _, _) => (*r, n.clone()),
    };
    Ok(Pep440Key {
        epoch,
        release,
        suffix: (
            pre_rank,
            pre_n,
            post.is_some(),
            post.unwrap_or_else(zero),
            dev.is_none(),
            dev.unwrap_or_else(zero),
        ),
        local,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn loose_components() {
        assert_eq!(compare("1.10", "1.9", None), Ok(Greater));
        assert_eq!(compare("1.0", "1.0.0", None), Ok(Less));
        assert_eq!(compare("2.2beta29", "2.2beta3", None), Ok(Greater));
        assert_eq!(compare("1.0RC", "1.0RC", None), Ok(Equal));
        assert!(compare("1.0-1", "1.0.1", None).is_err());
        assert_eq!(compare("1.0-1", "1.0-2", None), Ok(Less));
        assert!(compare("1.0a", "1.0.1", None).is_err());
    }

    #[test]
    fn strict_semver_pep440() {
        assert_eq!(compare("0.4", "0.4.0", Some("strict")), Ok(Equal));
        assert_eq!(compare("1.0.4a3", "1.0.4", Some("strict")), Ok(Less));
        assert!(compare("1", "1.0", Some("strict")).is_err());
        assert!(compare("1.3pl1", "1.0", Some("strict")).is_err());
        assert_eq!(
            compare("1.0.0-alpha.1", "1.0.0-alpha.beta", Some("semver")),
            Ok(Less)
        );
        assert_eq!(compare("1.0.0+b1", "1.0.0+b2", Some("semver")), Ok(Equal));
        assert!(compare("1.0", "1.0.0", Some("semver")).is_err());
        assert!(compare("01.0.0", "1.0.0", Some("semver")).is_err());
        let order = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2.post345.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
            "1!0.1",
        ];
        for w in order.windows(2) {
            assert_eq!(compare(w[0], w[1], Some("pep440")), Ok(Less), "{w:?}");
        }
        assert_eq!(compare("1.0.0", "v1", Some("pep440")), Ok(Equal));
        assert_eq!(compare("1.0-1", "1.0.post1", Some("pep440")), Ok(Equal));
        assert_eq!(compare("1.0RC1", "1.0c1", Some("pep440")), Ok(Equal));
        assert_eq!(
            compare("x", "1", Some("pep440")),
            Err("Invalid version: 'x'".into())
        );
    }
}
