//! Host names in inventories: the optional `:port` suffix (Ansible's
//! `parse_address`) and `[begin:end:step]` ranges (`expand_hostname_range`).

use std::sync::OnceLock;

use regex::Regex;

/// The most hosts one inventory may name: every host line (or YAML host
/// entry) counts each host it names, so that neither one range nor many
/// ranges in a small file can exhaust memory. Upstream has no limit (and
/// runs out of memory); see docs/deviations.md.
pub const MAX_EXPANSION: usize = 1_000_000;

/// The error for a pattern that would take the inventory past
/// [`MAX_EXPANSION`] hosts; `used` is what earlier lines already named.
fn too_many(used: usize) -> String {
    if used == 0 {
        format!("host range expands to more than {MAX_EXPANSION} hosts")
    } else {
        format!(
            "host range takes the inventory past {MAX_EXPANSION} hosts \
             ({used} named before this line; each host counts once per line that names it)"
        )
    }
}

fn hostport_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^((?:[^:\[\]]|\[[^\]]*\])*):([0-9]+)$").expect("valid regex"))
}

fn bracketed_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\[(.+)\]:([0-9]+)$").expect("valid regex"))
}

fn ipv6_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let c = r"(?:[0-9a-f]{1,4}|\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\])";
        let alts = [
            format!("(?:{c}:){{7}}{c}"),
            format!("(?:{c}:){{1,6}}:"),
            format!("(?:{c}:)(?::{c}){{1,6}}"),
            format!("(?:{c}:){{2}}(?::{c}){{1,5}}"),
            format!("(?:{c}:){{3}}(?::{c}){{1,4}}"),
            format!("(?:{c}:){{4}}(?::{c}){{1,3}}"),
            format!("(?:{c}:){{5}}(?::{c}){{1,2}}"),
            format!("(?:{c}:){{6}}(?::{c})"),
            format!(":(?::{c}){{1,6}}"),
            format!("{c}?::"),
            format!(r"(?:0:){{6}}(?:{c}\.){{3}}{c}"),
            format!(r"::(?:ffff:)?(?:{c}\.){{3}}{c}"),
            format!(r"(?:0:){{5}}ffff:(?:{c}\.){{3}}{c}"),
        ];
        Regex::new(&format!("(?i)^(?:{})$", alts.join("|"))).expect("valid regex")
    })
}

/// Length of an alphanumeric range `[a:z]` / `[1:9]` / `[..:..:step]` at the
/// start of `c`, if there is one.
fn alnum_range(c: &[char]) -> Option<usize> {
    if c.first() != Some(&'[') {
        return None;
    }
    let mut i = 1;
    let digits = |c: &[char], mut i: usize| -> Option<usize> {
        let s = i;
        while c.get(i).is_some_and(|d| d.is_ascii_digit()) {
            i += 1;
        }
        (i > s).then_some(i)
    };
    if c.get(1).is_some_and(|a| a.is_ascii_alphabetic())
        && c.get(2) == Some(&':')
        && c.get(3).is_some_and(|a| a.is_ascii_alphabetic())
    {
        i = 4;
    } else {
        i = digits(c, i)?;
        if c.get(i) != Some(&':') {
            return None;
        }
        i = digits(c, i + 1)?;
    }
    if c.get(i) == Some(&':') {
        i = digits(c, i + 1)?;
    }
    (c.get(i) == Some(&']')).then_some(i + 1)
}

fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// A DNS-like name whose labels may contain ranges (upstream's `hostname` pattern).
fn is_hostname(s: &str) -> bool {
    // Fast path: plain ASCII names without ranges.
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
    {
        return !s.is_empty()
            && s.split('.').all(|label| {
                let b = label.as_bytes();
                !b.is_empty() && b[0] != b'-' && !matches!(b[b.len() - 1], b'-' | b'_')
            });
    }
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    loop {
        // One label.
        let start = i;
        let mut last = None;
        while i < chars.len() && chars[i] != '.' {
            if let Some(n) = alnum_range(&chars[i..]) {
                i += n;
                last = Some(']');
            } else if is_word(chars[i]) || (chars[i] == '-' && i > start) {
                last = Some(chars[i]);
                i += 1;
            } else {
                return false;
            }
        }
        match last {
            None | Some('_') | Some('-') => return false,
            _ => {}
        }
        if i == chars.len() {
            return true;
        }
        i += 1; // the dot
    }
}

/// Ansible's `parse_address(pattern, allow_ranges=True)`: the host part and
/// the port, or `None` when the text is not a recognisable address.
pub(crate) fn parse_address(address: &str) -> Option<(String, Option<u64>)> {
    let mut addr = address.to_string();
    let mut port = None;
    for re in [bracketed_re(), hostport_re()] {
        if !addr.contains(':') {
            break;
        }
        if let Some(m) = re.captures(&addr) {
            let p = m[2].parse::<u64>().ok()?;
            let host = m[1].to_string();
            addr = host;
            port = Some(p);
        }
    }
    if is_hostname(&addr) || ipv6_re().is_match(&addr) {
        Some((addr, port))
    } else {
        None
    }
}

/// Python's `int()` on a range bound.
fn py_int(s: &str) -> Result<i64, String> {
    crate::pycompat::int_str(s)
}

const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Expands every `[begin:end(:step)]` in `line`, first range outermost,
/// into at most `MAX_EXPANSION - used` names.
pub(crate) fn expand(line: &str, out: &mut Vec<String>, used: usize) -> Result<(), String> {
    let limit = MAX_EXPANSION.saturating_sub(used);
    // Upstream turns the first `[` and then the first `]` into `|` and splits.
    let Some(open) = line.find('[') else {
        out.push(line.to_string());
        return Ok(());
    };
    let replaced = format!("{}|{}", &line[..open], &line[open + 1..]);
    let replaced = match replaced.find(']') {
        Some(close) => format!("{}|{}", &replaced[..close], &replaced[close + 1..]),
        None => replaced,
    };
    let parts: Vec<&str> = replaced.split('|').collect();
    if parts.len() != 3 {
        return Err(if parts.len() < 3 {
            format!(
                "not enough values to unpack (expected 3, got {})",
                parts.len()
            )
        } else {
            "too many values to unpack (expected 3)".to_string()
        });
    }
    let (head, nrange, tail) = (parts[0], parts[1], parts[2]);
    let bounds: Vec<&str> = nrange.split(':').collect();
    if bounds.len() != 2 && bounds.len() != 3 {
        return Err("host range must be begin:end or begin:end:step".into());
    }
    let beg = if bounds[0].is_empty() { "0" } else { bounds[0] };
    let end = bounds[1];
    let step = bounds.get(2).copied();
    if end.is_empty() {
        return Err("host range must specify end value".into());
    }
    let pad = if beg.starts_with('0') && beg.chars().count() > 1 {
        let rlen = beg.chars().count();
        if rlen != end.chars().count() {
            return Err("host range must specify equal-length begin and end formats".into());
        }
        Some(rlen)
    } else {
        None
    };
    let fill = |s: String| -> String {
        match pad {
            Some(n) => zfill(&s, n),
            None => s,
        }
    };
    let mut seq: Vec<String> = Vec::new();
    let alpha = match (LETTERS.find(beg), LETTERS.find(end)) {
        (Some(ib), Some(ie)) => {
            if ib > ie {
                return Err("host range must have begin <= end".into());
            }
            match step.map(py_int).transpose() {
                Ok(st) => {
                    let st = st.unwrap_or(1);
                    if st > 0 {
                        seq = LETTERS[ib..=ie]
                            .chars()
                            .step_by(st as usize)
                            .map(String::from)
                            .collect();
                        true
                    } else {
                        // A zero step is an error (falls back to numbers, which
                        // fail); a negative one gives nothing.
                        st < 0
                    }
                }
                Err(_) => false,
            }
        }
        _ => false,
    };
    if !alpha {
        let b = py_int(beg)?;
        let e = py_int(end)?;
        let st = match step {
            Some(s) => py_int(s)?,
            None => 1,
        };
        if st == 0 {
            return Err("range() arg 3 must not be zero".into());
        }
        let count = if st > 0 {
            if e + 1 > b {
                ((e + 1 - b) as u128).div_ceil(st as u128)
            } else {
                0
            }
        } else if b > e + 1 {
            ((b - e - 1) as u128).div_ceil((-st) as u128)
        } else {
            0
        };
        if count > limit as u128 || out.len() as u128 + count > limit as u128 {
            // A line that alone names too many gets the per-line message.
            let alone = out.len() as u128 + count > MAX_EXPANSION as u128;
            return Err(too_many(if alone { 0 } else { used }));
        }
        let mut v = b;
        for _ in 0..count {
            seq.push(v.to_string());
            v += st;
        }
    }
    for item in seq {
        let name = format!("{head}{}{tail}", fill(item));
        if name.contains('[') {
            expand(&name, out, used)?;
        } else {
            if out.len() >= limit {
                return Err(too_many(if out.len() >= MAX_EXPANSION { 0 } else { used }));
            }
            out.push(name);
        }
    }
    Ok(())
}

/// Python's `str.zfill`.
fn zfill(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        return s.to_string();
    }
    let (sign, body) = match s.chars().next() {
        Some(c @ ('-' | '+')) => (Some(c), &s[1..]),
        _ => (None, s),
    };
    let mut out = String::new();
    if let Some(c) = sign {
        out.push(c);
    }
    out.extend(std::iter::repeat_n('0', width - n));
    out.push_str(body);
    out
}

/// The hosts a host pattern names, and its port (the base plugin's
/// `_expand_hostpattern`), when the inventory has named `used` hosts
/// before (see [`MAX_EXPANSION`]).
pub(crate) fn expand_hostpattern(
    pattern: &str,
    used: usize,
) -> Result<(Vec<String>, Option<u64>), String> {
    let (host, port) = parse_address(pattern).unwrap_or_else(|| (pattern.to_string(), None));
    let mut out = Vec::new();
    if host.contains('[') {
        expand(&host, &mut out, used)?;
    } else if used >= MAX_EXPANSION {
        return Err(too_many(used));
    } else {
        out.push(host);
    }
    Ok((out, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(s: &str) -> Vec<String> {
        expand_hostpattern(s, 0).unwrap().0
    }

    #[test]
    fn spec_expansions() {
        assert_eq!(ex("web[01:03]"), ["web01", "web02", "web03"]);
        assert_eq!(ex("db-[a:c]-x"), ["db-a-x", "db-b-x", "db-c-x"]);
        assert_eq!(ex("step[1:10:3]"), ["step1", "step4", "step7", "step10"]);
        assert_eq!(ex("10.0.0.[1:2]"), ["10.0.0.1", "10.0.0.2"]);
        assert!(ex("h[5:1]").is_empty());
        assert_eq!(ex("h[:2]"), ["h0", "h1", "h2"]);
        assert_eq!(ex("h[x:B]"), ["hx", "hy", "hz", "hA", "hB"]);
        assert_eq!(ex("h[ab:cd]"), ["ha", "hb", "hc"]);
        assert_eq!(ex("h[1:2]-[a:b]"), ["h1-a", "h1-b", "h2-a", "h2-b"]);
        assert_eq!(
            expand_hostpattern("h[01:3]", 0).unwrap_err(),
            "host range must specify equal-length begin and end formats"
        );
        assert_eq!(
            expand_hostpattern("h[1:0:0]", 0).unwrap_err(),
            "range() arg 3 must not be zero"
        );
    }

    #[test]
    fn ports() {
        assert_eq!(
            parse_address("host:2222"),
            Some(("host".into(), Some(2222)))
        );
        assert_eq!(parse_address("[::1]:22"), Some(("::1".into(), Some(22))));
        assert_eq!(parse_address("::1"), Some(("::1".into(), None)));
        assert_eq!(parse_address("h:"), None);
        assert_eq!(parse_address("h_:22"), None);
        assert_eq!(
            parse_address("web[01:03]:22"),
            Some(("web[01:03]".into(), Some(22)))
        );
    }

    /// The cap holds for the whole inventory, not per line: chained ranges
    /// on many lines (the fuzzer's out-of-memory input had this shape) stop
    /// at the line that passes 1,000,000 hosts, in INI and YAML alike, with
    /// the memory of at most that many names ever held.
    #[test]
    fn the_cap_holds_for_the_whole_inventory() {
        use crate::inventory::Inventory;
        let mut ini = String::new();
        for g in 0..12 {
            ini.push_str(&format!("[g{g}]\nh[0:9][0:9][0:9][0:9][0:9]x[0:1]\n"));
        }
        let err = Inventory::from_ini("chained.ini", &ini).unwrap_err();
        assert_eq!(
            err.to_string(),
            "chained.ini:12:1: host range takes the inventory past 1000000 hosts \
             (1000000 named before this line; each host counts once per line that names it)"
        );
        // One line alone keeps its own message.
        let err = Inventory::from_ini("one.ini", "[g]\nh[0:9999999]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "one.ini:2:1: host range expands to more than 1000000 hosts"
        );
        // The same hosts named again still count.
        let mut yaml = String::from("all:\n  children:\n");
        for g in 0..3 {
            yaml.push_str(&format!("    g{g}:\n      hosts:\n        h[0:499999]:\n"));
        }
        let err = Inventory::from_yaml("many.yml", &yaml).unwrap_err();
        assert!(
            err.to_string()
                .contains("host range takes the inventory past 1000000 hosts"),
            "{err}"
        );
        // Up to the cap is fine.
        let ok = Inventory::from_ini("ok.ini", "[a]\nh[1:500000]\n[b]\nh[1:500000]\n").unwrap();
        assert_eq!(ok.hosts().len(), 500_000);
    }
}
