//! POSIX shell-like word splitting: Python's `shlex.split(line, comments)`.
//! The ini inventory plugin splits host lines with `comments=True`; the
//! `KEY=VALUE` form of `-e` is split here too, without comments.

use std::borrow::Cow;

/// Splits `line` into words; with `comments`, a `#` starts a comment that
/// runs to the end of the line. Errors carry Python's message
/// (`No closing quotation`, `No escaped character`).
pub(crate) fn split(line: &str, comments: bool) -> Result<Vec<Cow<'_, str>>, &'static str> {
    // Fast path: no quoting or escapes, so words are whitespace-separated
    // and (with comments) a `#` anywhere ends the line.
    if !line.contains(['\'', '"', '\\']) {
        let text = match line.find('#') {
            Some(i) if comments => &line[..i],
            _ => line,
        };
        return Ok(text
            .split([' ', '\t', '\r', '\n'])
            .filter(|w| !w.is_empty())
            .map(Cow::Borrowed)
            .collect());
    }
    #[derive(PartialEq, Clone, Copy)]
    enum St {
        Space,
        Word,
        Quote(char),
        Escape(Option<char>),
    }
    let mut out = Vec::new();
    let mut tok = String::new();
    let mut quoted = false;
    let mut st = St::Space;
    let mut chars = line.chars();
    let is_ws = |c: char| matches!(c, ' ' | '\t' | '\r' | '\n');
    loop {
        let Some(c) = chars.next() else {
            return match st {
                St::Quote(_) => Err("No closing quotation"),
                St::Escape(_) => Err("No escaped character"),
                _ => {
                    if !tok.is_empty() || quoted {
                        out.push(Cow::Owned(tok));
                    }
                    Ok(out)
                }
            };
        };
        match st {
            St::Space | St::Word => {
                if is_ws(c) {
                    if st == St::Word {
                        out.push(Cow::Owned(std::mem::take(&mut tok)));
                        quoted = false;
                    }
                    st = St::Space;
                } else if c == '#' && comments {
                    // The rest of the line is a comment, even mid-word.
                    if !tok.is_empty() || quoted {
                        out.push(Cow::Owned(tok));
                    }
                    return Ok(out);
                } else if c == '\\' {
                    st = St::Escape(None);
                } else if c == '\'' || c == '"' {
                    quoted = true;
                    st = St::Quote(c);
                } else {
                    tok.push(c);
                    st = St::Word;
                }
            }
            St::Quote(q) => {
                if c == q {
                    st = St::Word;
                } else if c == '\\' && q == '"' {
                    st = St::Escape(Some(q));
                } else {
                    tok.push(c);
                }
            }
            St::Escape(inside) => {
                if let Some(q) = inside {
                    // Inside double quotes only `\\` and `\"` are escapes.
                    if c != '\\' && c != q {
                        tok.push('\\');
                    }
                    tok.push(c);
                    st = St::Quote(q);
                } else {
                    tok.push(c);
                    st = St::Word;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split;
    use std::borrow::Cow;

    fn split_c(line: &str) -> Result<Vec<Cow<'_, str>>, &'static str> {
        split(line, true)
    }

    #[test]
    fn like_python_shlex() {
        assert_eq!(split_c("h1 a=b#c d=1").unwrap(), ["h1", "a=b"]);
        assert_eq!(split_c("h pw=\"a#b\"").unwrap(), ["h", "pw=a#b"]);
        assert_eq!(
            split_c("h e=\"quoted str\" x=''").unwrap(),
            ["h", "e=quoted str", "x="]
        );
        assert_eq!(
            split_c("a\\ b 'c\\d' \"e\\\"f\\g\"").unwrap(),
            ["a b", "c\\d", "e\"f\\g"]
        );
        assert_eq!(split_c("h x='").unwrap_err(), "No closing quotation");
        assert_eq!(split_c("h x\\").unwrap_err(), "No escaped character");
        assert_eq!(split_c("'' #").unwrap(), [""]);
    }

    #[test]
    fn without_comments_a_hash_is_a_letter() {
        assert_eq!(split("a=b#c 'd e'", false).unwrap(), ["a=b#c", "d e"]);
        assert_eq!(split("a=1 b", false).unwrap(), ["a=1", "b"]);
    }
}
