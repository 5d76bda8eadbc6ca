//! The bits of Python string behaviour that upstream's output depends on:
//! `str.isspace` (for `strip`, `lstrip`, `rstrip`), `len()` in code points,
//! and `repr()` (upstream's error messages quote values with it). Every
//! module that mimics a Python message uses this one `repr`.

/// Whether Python's `str.isspace()` is true for `c`.
///
/// Python counts the ASCII separators `\x1c`..`\x1f` as whitespace, which
/// Rust's `char::is_whitespace` does not; everything else agrees.
#[inline]
pub(crate) fn is_space(c: char) -> bool {
    match c {
        '\t'..='\r' | '\x1c'..='\x1f' | ' ' => true,
        c if c.is_ascii() => false,
        c => c.is_whitespace(),
    }
}

/// Python's `s.rstrip()`.
#[inline(always)]
pub(crate) fn rstrip(s: &str) -> &str {
    let b = s.as_bytes();
    let mut end = b.len();
    // ASCII whitespace bytewise; anything non-ASCII at the end goes the slow way.
    while end > 0 && is_ascii_space(b[end - 1]) {
        end -= 1;
    }
    if end > 0 && b[end - 1] >= 0x80 {
        return s[..end].trim_end_matches(is_space);
    }
    &s[..end]
}

/// Python's `s.lstrip()`.
#[inline(always)]
pub(crate) fn lstrip(s: &str) -> &str {
    let b = s.as_bytes();
    let mut start = 0;
    // Continuation lines are often indented by dozens of spaces.
    while start + 8 <= b.len()
        && u64::from_le_bytes(b[start..start + 8].try_into().expect("8 bytes"))
            == u64::from_le_bytes([b' '; 8])
    {
        start += 8;
    }
    while start < b.len() && is_ascii_space(b[start]) {
        start += 1;
    }
    if start < b.len() && b[start] >= 0x80 {
        return s[start..].trim_start_matches(is_space);
    }
    &s[start..]
}

#[inline(always)]
fn is_ascii_space(b: u8) -> bool {
    // `\t`..`\r`, `\x1c`..`\x1f` and ` ` as one bit mask.
    const MASK: u64 = 0x3e00 | 0xf000_0000 | 1 << 32;
    b <= b' ' && MASK >> b & 1 == 1
}

/// Python's `s.strip()`.
#[inline(always)]
pub(crate) fn strip(s: &str) -> &str {
    lstrip(rstrip(s))
}

/// Python's `len(s)`: the number of code points.
#[inline]
pub(crate) fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Python's `repr(s)` for a `str`.
///
/// Quotes with `'` unless the text holds a `'` and no `"`; escapes the quote,
/// backslashes, `\t` `\n` `\r`, and characters Python does not consider
/// printable as `\xhh`, `\uhhhh` or `\Uhhhhhhhh`. Printability of non-ASCII
/// characters follows Unicode's general categories for the control, format,
/// separator, private-use and noncharacter ranges; code points that are
/// merely unassigned in Python's Unicode database are printed as they are
/// (Python would escape them).
pub fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character (see [`repr`] for the
/// one known gap: unassigned code points).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x7f {
        return u >= 0x20;
    }
    !matches!(u,
        0x7f..=0xa0 | 0xad
        // Format characters (Cf).
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f
        | 0xfeff | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        // Separators other than the ASCII space (Zs, Zl, Zp).
        | 0x1680 | 0x2000..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000
        // Private use (Co) and noncharacters (Cn).
        | 0xe000..=0xf8ff | 0xf0000..=0x10ffff | 0xfdd0..=0xfdef)
        && (u & 0xfffe) != 0xfffe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python() {
        assert_eq!(repr("bad"), "'bad'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("it's \"x\""), "'it\\'s \"x\"'");
        assert_eq!(repr("a\\b\tc"), "'a\\\\b\\tc'");
        assert_eq!(repr("\x00\x1b\x7f\u{85}é"), "'\\x00\\x1b\\x7f\\x85é'");
        assert_eq!(repr("\u{200b}\u{2028}\u{e000}"), "'\\u200b\\u2028\\ue000'");
        assert_eq!(repr("\u{10ffff}😀"), "'\\U0010ffff😀'");
    }

    #[test]
    fn whitespace_matches_python() {
        assert_eq!(rstrip("a \t\r\x0b\x0c\x1c\x1f\u{85}\u{a0}\u{3000}"), "a");
        assert_eq!(strip("\u{2003} k \u{2003}"), "k");
        assert_eq!(rstrip("a\u{200b}"), "a\u{200b}"); // ZWSP is not whitespace
        assert_eq!(char_len("ключ"), 4);
        // Every ASCII byte against Python's str.isspace().
        for b in 0..=0x7fu8 {
            let python = matches!(b, 0x09..=0x0d | 0x1c..=0x1f | 0x20);
            assert_eq!(is_ascii_space(b), python, "{b:#x}");
            assert_eq!(is_space(char::from(b)), python, "{b:#x}");
        }
        assert!(!is_ascii_space(0xa0) && !is_ascii_space(0xff));
    }
}
