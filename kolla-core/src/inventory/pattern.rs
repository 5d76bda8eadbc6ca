//! Host patterns (`InventoryManager.get_hosts`): `a:b`, `a:&b`, `a:!b`,
//! globs, `~regex` and subscripts.

use std::sync::OnceLock;

use regex::Regex;

use super::{hostrange, resolve, Error, Inventory};

fn split_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?:[^\s:\[\]]|\[[^\]]*\])+").expect("valid regex"))
}

fn subscript_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$").expect("valid regex")
    })
}

/// Splits `a:b,c` into its terms, as `split_host_pattern` does.
pub(crate) fn split(pattern: &str) -> Vec<String> {
    let terms: Vec<String> = if pattern.contains(',') {
        pattern.split(',').map(str::to_string).collect()
    } else if hostrange::parse_address(pattern).is_some() {
        vec![pattern.to_string()]
    } else {
        split_re()
            .find_iter(pattern)
            .map(|m| m.as_str().to_string())
            .collect()
    };
    terms
        .into_iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Python's `fnmatch.translate`, as a regex anchored at both ends.
fn glob_to_regex(pat: &str) -> String {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::from("^(?s:");
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' => {
                while i < chars.len() && chars[i] == '*' {
                    i += 1;
                }
                out.push_str(".*");
            }
            '?' => out.push('.'),
            '[' => {
                let mut j = i;
                if j < chars.len() && chars[j] == '!' {
                    j += 1;
                }
                if j < chars.len() && chars[j] == ']' {
                    j += 1;
                }
                while j < chars.len() && chars[j] != ']' {
                    j += 1;
                }
                if j >= chars.len() {
                    out.push_str("\\[");
                } else {
                    let mut body: String = chars[i..j].iter().collect();
                    i = j + 1;
                    body = body.replace('\\', "\\\\");
                    if let Some(rest) = body.strip_prefix('!') {
                        body = format!("^{rest}");
                    } else if body.starts_with('^') {
                        body = format!("\\{body}");
                    }
                    body = body.replace('[', "\\[");
                    out.push('[');
                    out.push_str(&body);
                    out.push(']');
                }
            }
            c => out.push_str(&regex::escape(&c.to_string())),
        }
    }
    out.push_str(")$");
    out
}

/// A compiled host pattern: a glob (translated as `fnmatch` does), or a
/// `~regex` in Python's syntax, matched as Ansible does with `re.match`.
enum Matcher {
    Glob(Regex),
    Python(std::rc::Rc<crate::pycompat::re::PyRegex>),
}

impl Matcher {
    fn is_match(&self, name: &str) -> Result<bool, String> {
        match self {
            Matcher::Glob(re) => Ok(re.is_match(name)),
            Matcher::Python(re) => Ok(re.search(name)?.is_some()),
        }
    }
}

fn compile(term: &str) -> Result<Matcher, Error> {
    let invalid = |e: String| Error::Pattern {
        pattern: term.to_string(),
        message: format!("Invalid host list pattern: {term}: {e}"),
    };
    match term.strip_prefix('~') {
        // Python's re.match anchors at the start only.
        Some(re) => crate::pycompat::re::compile(
            re,
            false,
            false,
            crate::pycompat::re::Anchor::Match,
            false,
        )
        .map(Matcher::Python)
        .map_err(invalid),
        None => Regex::new(&glob_to_regex(term))
            .map(Matcher::Glob)
            .map_err(|e| invalid(e.to_string())),
    }
}

/// The hosts `expr` names; when it names neither a group nor a host,
/// Ansible's warning goes to `warnings`.
fn enumerate(inv: &Inventory, expr: &str, warnings: &mut Vec<String>) -> Result<Vec<usize>, Error> {
    let d = &inv.data;
    let re = compile(expr)?;
    let is_match = |name: &str| {
        re.is_match(name).map_err(|e| Error::Pattern {
            pattern: expr.to_string(),
            message: e,
        })
    };
    let mut out = Vec::new();
    let mut groups = Vec::new();
    for g in 0..d.groups.len() {
        if is_match(&d.groups[g].name)? {
            groups.push(g);
        }
    }
    for &g in &groups {
        out.extend(resolve::group_hosts(d, g));
    }
    let special = expr.starts_with('~') || expr.contains(['.', '?', '*', '[']);
    if groups.is_empty() || special {
        for h in 0..d.hosts.len() {
            if is_match(&d.hosts[h].name)? {
                out.push(h);
            }
        }
    }
    if out.is_empty() && groups.is_empty() && expr != "all" {
        let msg = format!("Could not match supplied host pattern, ignoring: {expr}");
        if !warnings.contains(&msg) {
            warnings.push(msg);
        }
    }
    Ok(out)
}

fn one(inv: &Inventory, term: &str, warnings: &mut Vec<String>) -> Result<Vec<usize>, Error> {
    let body = term.trim_start_matches(['&', '!']);
    let (expr, sub) = if body.starts_with('~') {
        (body.to_string(), None)
    } else if let Some(m) = subscript_re().captures(body) {
        let expr = m[1].to_string();
        let bad = |_| Error::Pattern {
            pattern: term.to_string(),
            message: "subscript out of range".into(),
        };
        if let Some(idx) = m.get(2) {
            (
                expr,
                Some((idx.as_str().parse::<i64>().map_err(bad)?, None)),
            )
        } else {
            let start = m[3].parse::<i64>().map_err(bad)?;
            let end = match m.get(5).map(|e| e.as_str()).filter(|e| !e.is_empty()) {
                Some(e) => e.parse::<i64>().map_err(bad)?,
                None => -1,
            };
            (expr, Some((start, Some(end))))
        }
    } else {
        (body.to_string(), None)
    };
    let hosts = enumerate(inv, &expr, warnings)?;
    let Some((start, end)) = sub else {
        return Ok(hosts);
    };
    let n = hosts.len() as i64;
    let oob = || Error::Pattern {
        pattern: term.to_string(),
        message: format!("No hosts matched the subscripted pattern '{body}'"),
    };
    match end {
        Some(end) if end != 0 => {
            let end = if end == -1 { n - 1 } else { end };
            let s = start.clamp(0, n) as usize;
            let e = (end + 1).clamp(0, n) as usize;
            Ok(if s < e {
                hosts[s..e].to_vec()
            } else {
                Vec::new()
            })
        }
        _ => {
            let i = if start < 0 { n + start } else { start };
            if i < 0 || i >= n {
                return Err(oob());
            }
            Ok(vec![hosts[i as usize]])
        }
    }
}

/// Resolves a host pattern to host indices, in Ansible's order, with the
/// warnings Ansible prints for terms that match nothing.
pub(crate) fn hosts_in(
    inv: &Inventory,
    pattern: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<usize>, Error> {
    let terms = split(pattern);
    let mut regular: Vec<String> = Vec::new();
    let mut and: Vec<String> = Vec::new();
    let mut not: Vec<String> = Vec::new();
    for t in terms {
        if t.starts_with('&') {
            and.push(t);
        } else if t.starts_with('!') {
            not.push(t);
        } else {
            regular.push(t);
        }
    }
    if regular.is_empty() {
        regular.push("all".into());
    }
    let mut hosts: Vec<usize> = Vec::new();
    for t in regular.iter().chain(&and).chain(&not) {
        let that = match inv.data.hosts.get_index_of(t.as_str()) {
            Some(h) => vec![h],
            None => one(inv, t, warnings)?,
        };
        let mut mark = vec![false; inv.data.hosts.len()];
        for &h in &that {
            mark[h] = true;
        }
        if t.starts_with('!') {
            hosts.retain(|&h| !mark[h]);
        } else if t.starts_with('&') {
            hosts.retain(|&h| mark[h]);
        } else {
            let mut existing = vec![false; inv.data.hosts.len()];
            for &h in &hosts {
                existing[h] = true;
            }
            hosts.extend(that.into_iter().filter(|&h| !existing[h]));
        }
    }
    let mut seen = vec![false; inv.data.hosts.len()];
    hosts.retain(|&h| !std::mem::replace(&mut seen[h], true));
    Ok(hosts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        assert_eq!(split("a:b:&c:!d"), ["a", "b", "&c", "!d"]);
        assert_eq!(split("a,b"), ["a", "b"]);
        assert_eq!(split("web[1:2]"), ["web[1:2]"]);
        assert_eq!(glob_to_regex("a*b?"), "^(?s:a.*b.)$");
    }
}
