//! Python's `int()` on a string, base 10.

/// Python's `int(s)` for a `str`: surrounding whitespace, an optional sign,
/// digits with single underscores between them.
///
/// ```
/// use kolla_core::pycompat::int_str;
/// assert_eq!(int_str(" -1_0 "), Ok(-10));
/// assert!(int_str("12.5").unwrap_err().contains("'12.5'"));
/// ```
///
/// # Errors
/// Python's message, `invalid literal for int() with base 10: '...'`.
pub fn int_str(s: &str) -> Result<i64, String> {
    let err = || {
        format!(
            "invalid literal for int() with base 10: {}",
            super::str_repr(s)
        )
    };
    let t = super::strip(s);
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return Err(err());
    }
    let digits: String = body.chars().filter(|c| *c != '_').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(err());
    }
    let v: i64 = digits.parse().map_err(|_| err())?;
    Ok(if neg { -v } else { v })
}
