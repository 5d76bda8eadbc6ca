//! Writing a [`Node`] tree byte-for-byte as PyYAML's `yaml.dump` writes it.
//!
//! kolla-ansible writes merged YAML with
//! `yaml.dump(data, default_flow_style=False, width=W)`, and Ansible's
//! `to_yaml` / `to_nice_yaml` filters use other options of the same emitter.
//! Operators diff those files, so the layout matters: sorted keys, sequences
//! not indented under their key, PyYAML's choice between plain, single- and
//! double-quoted scalars, folding at the line width, `&id001` anchors for
//! shared collections. This is our own emitter, written against PyYAML's
//! observable behaviour.

use std::collections::HashMap;

use super::node::{plain_is_not_str, Map, Mapping, Node, Seq};
use crate::pycompat::float_repr;

/// How to lay out the YAML (the `yaml.dump` keyword arguments we support).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DumpOptions {
    /// Line width for folding (`width`); PyYAML ignores values of
    /// `2 * indent` or less and uses 80.
    pub width: Option<usize>,
    /// Indentation step (`indent`, 2 by default; PyYAML accepts 2..=9).
    pub indent: usize,
    /// `default_flow_style`: `Some(false)` block everywhere (kolla-ansible),
    /// `None` flow style for collections of plain scalars (Ansible's
    /// `to_yaml`), `Some(true)` flow everywhere.
    pub default_flow_style: Option<bool>,
    /// `allow_unicode`: write non-ASCII text as is instead of escaping it.
    pub allow_unicode: bool,
    /// `sort_keys`.
    pub sort_keys: bool,
    /// Whether characters beyond U+FFFF count as printable with
    /// `allow_unicode`: true for PyYAML's Python emitter, false for libyaml's
    /// C emitter (which Ansible's `to_yaml` filters use), which quotes and
    /// escapes them.
    pub astral_printable: bool,
}

impl Default for DumpOptions {
    /// kolla-ansible's `merge_yaml` settings.
    fn default() -> Self {
        DumpOptions {
            width: None,
            indent: 2,
            default_flow_style: Some(false),
            allow_unicode: false,
            sort_keys: true,
            astral_printable: true,
        }
    }
}

/// Writes `node` as PyYAML's `yaml.dump` would with `opts`.
///
/// ```
/// use kolla_core::yaml::{dump::{dump, DumpOptions}, node::load_node};
/// let n = load_node("t", "b: [1, 2]\na: {x: 'yes', y: café}\ne: {}\n").unwrap();
/// assert_eq!(
///     dump(&n, &DumpOptions::default()),
///     "a:\n  x: 'yes'\n  y: \"caf\\xE9\"\nb:\n- 1\n- 2\ne: {}\n"
/// );
/// ```
pub fn dump(node: &Node, opts: &DumpOptions) -> String {
    let mut anchors = Anchors::default();
    anchors.scan(node, opts.sort_keys);
    let indent = if (2..10).contains(&opts.indent) {
        opts.indent
    } else {
        2
    };
    let width = match opts.width {
        Some(w) if w > indent * 2 => w,
        _ => 80,
    };
    let mut e = Emitter {
        out: String::new(),
        opts: *opts,
        best_indent: indent,
        best_width: width,
        column: 0,
        whitespace: true,
        indention: true,
        indent: None,
        indents: Vec::new(),
        flow_level: 0,
        ctx: Ctx::default(),
        anchors,
    };
    e.node(node, Ctx::default());
    // Document end: break the last line.
    e.indent = None;
    e.write_indent();
    e.out
}

/// The text PyYAML's representer gives a scalar, and whether it is a `str`.
fn scalar_text(node: &Node) -> (String, bool, usize) {
    // (text, is_str, length of the tag shorthand, which counts towards the
    // 128-character simple-key limit)
    match node {
        Node::Null => ("null".into(), false, 6),
        Node::Bool(b) => (if *b { "true" } else { "false" }.into(), false, 6),
        Node::Int(i) => (i.to_string(), false, 5),
        Node::Float(f) => {
            let v = if f.is_nan() {
                ".nan".to_string()
            } else if f.is_infinite() {
                if *f > 0.0 { ".inf" } else { "-.inf" }.to_string()
            } else {
                let r = float_repr(*f).to_lowercase();
                if !r.contains('.') && r.contains('e') {
                    r.replacen('e', ".0e", 1)
                } else {
                    r
                }
            };
            (v, false, 7)
        }
        Node::Str(s) => (s.clone(), true, 5),
        Node::Timestamp(t) => (t.iso.clone(), false, 11),
        Node::Seq(_) | Node::Map(_) => (String::new(), false, 0),
    }
}

fn ptr_of(node: &Node) -> Option<usize> {
    match node {
        Node::Seq(s) => Some(std::rc::Rc::as_ptr(s) as *const () as usize),
        Node::Map(m) => Some(std::rc::Rc::as_ptr(m) as *const () as usize),
        _ => None,
    }
}

/// Anchors for collections reached more than once, numbered in the order
/// PyYAML's serializer meets them the second time.
#[derive(Default)]
struct Anchors {
    seen: HashMap<usize, Option<String>>,
    next: usize,
    emitted: HashMap<usize, bool>,
}

impl Anchors {
    fn scan(&mut self, node: &Node, sort: bool) {
        let Some(p) = ptr_of(node) else { return };
        if let Some(slot) = self.seen.get_mut(&p) {
            if slot.is_none() {
                self.next += 1;
                *slot = Some(format!("id{:03}", self.next));
            }
            return;
        }
        self.seen.insert(p, None);
        match node {
            Node::Seq(s) => {
                for item in s.borrow().iter() {
                    self.scan(item, sort);
                }
            }
            Node::Map(m) => {
                let mb = m.borrow();
                for (k, v) in sorted_pairs(&mb, sort) {
                    self.scan(k, sort);
                    self.scan(v, sort);
                }
            }
            _ => {}
        }
    }

    fn anchor(&self, node: &Node) -> Option<&str> {
        self.seen.get(&ptr_of(node)?)?.as_deref()
    }
}

/// The pairs of a mapping in the order PyYAML writes them: sorted when every
/// pair of keys can be compared, otherwise insertion order.
fn sorted_pairs(m: &Mapping, sort: bool) -> Vec<(&Node, &Node)> {
    let mut pairs: Vec<(&Node, &Node)> = m.iter().map(|e| (&e.key, &e.value)).collect();
    if sort && pairs.len() > 1 {
        let comparable = pairs.windows(2).all(|w| w[0].0.py_cmp(w[1].0).is_some())
            && pairs.iter().all(|(k, _)| pairs[0].0.py_cmp(k).is_some());
        if comparable {
            pairs.sort_by(|a, b| a.0.py_cmp(b.0).unwrap_or(std::cmp::Ordering::Equal));
        }
    }
    pairs
}

#[derive(Default, Clone, Copy)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

struct Analysis {
    empty: bool,
    multiline: bool,
    allow_flow_plain: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

const BREAKS: &[char] = &['\n', '\u{85}', '\u{2028}', '\u{2029}'];

fn is_ws(c: Option<char>) -> bool {
    matches!(
        c,
        None | Some('\0' | ' ' | '\t' | '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
    )
}

fn analyze(text: &[char], allow_unicode: bool, astral: bool) -> Analysis {
    if text.is_empty() {
        return Analysis {
            empty: true,
            multiline: false,
            allow_flow_plain: false,
            allow_block_plain: true,
            allow_single_quoted: true,
        };
    }
    let mut block_ind = false;
    let mut flow_ind = false;
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let starts = |p: &str| text.iter().take(3).copied().eq(p.chars());
    if starts("---") || starts("...") {
        block_ind = true;
        flow_ind = true;
    }
    let mut preceded_ws = true;
    let mut followed_ws = text.len() == 1 || is_ws(text.get(1).copied());
    let (mut prev_space, mut prev_break) = (false, false);
    let n = text.len();
    for (i, &ch) in text.iter().enumerate() {
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(ch) {
                flow_ind = true;
                block_ind = true;
            }
            if ch == '?' || ch == ':' {
                flow_ind = true;
                if followed_ws {
                    block_ind = true;
                }
            }
            if ch == '-' && followed_ws {
                flow_ind = true;
                block_ind = true;
            }
        } else {
            if ",?[]{}".contains(ch) {
                flow_ind = true;
            }
            if ch == ':' {
                flow_ind = true;
                if followed_ws {
                    block_ind = true;
                }
            }
            if ch == '#' && preceded_ws {
                flow_ind = true;
                block_ind = true;
            }
        }
        if BREAKS.contains(&ch) {
            line_breaks = true;
        }
        if !(ch == '\n' || (' '..='~').contains(&ch)) {
            let printable_unicode = (ch == '\u{85}'
                || ('\u{A0}'..='\u{D7FF}').contains(&ch)
                || ('\u{E000}'..='\u{FFFD}').contains(&ch)
                || (astral && ('\u{10000}'..'\u{10FFFF}').contains(&ch)))
                && ch != '\u{FEFF}';
            if !printable_unicode || !allow_unicode {
                special = true;
            }
        }
        if ch == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == n - 1 {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if BREAKS.contains(&ch) {
            if i == 0 {
                leading_break = true;
            }
            if i == n - 1 {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_ws(Some(ch));
        followed_ws = i + 2 >= n || is_ws(text.get(i + 2).copied());
    }
    let mut a = Analysis {
        empty: false,
        multiline: line_breaks,
        allow_flow_plain: true,
        allow_block_plain: true,
        allow_single_quoted: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.allow_flow_plain = false;
        a.allow_block_plain = false;
    }
    if break_space {
        a.allow_flow_plain = false;
        a.allow_block_plain = false;
        a.allow_single_quoted = false;
    }
    if space_break || special {
        a.allow_flow_plain = false;
        a.allow_block_plain = false;
        a.allow_single_quoted = false;
    }
    if line_breaks {
        a.allow_flow_plain = false;
        a.allow_block_plain = false;
    }
    if flow_ind {
        a.allow_flow_plain = false;
    }
    if block_ind {
        a.allow_block_plain = false;
    }
    a
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
}

struct Emitter {
    out: String,
    opts: DumpOptions,
    best_indent: usize,
    best_width: usize,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: Option<usize>,
    indents: Vec<Option<usize>>,
    flow_level: usize,
    ctx: Ctx,
    anchors: Anchors,
}

impl Emitter {
    fn write(&mut self, s: &str) {
        self.column += s.chars().count();
        self.out.push_str(s);
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, whitespace: bool, indention: bool) {
        if !self.whitespace && need_ws {
            self.out.push(' ');
            self.column += 1;
        }
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.write(ind);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.write_line_break(None);
        }
        if self.column < indent {
            self.whitespace = true;
            let pad = " ".repeat(indent - self.column);
            self.out.push_str(&pad);
            self.column = indent;
        }
    }

    fn write_line_break(&mut self, br: Option<char>) {
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
        self.out.push(br.unwrap_or('\n'));
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        self.indent = match self.indent {
            None => Some(if flow { self.best_indent } else { 0 }),
            Some(i) if !indentless => Some(i + self.best_indent),
            same => same,
        };
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().flatten();
    }

    fn node(&mut self, node: &Node, ctx: Ctx) {
        self.ctx = ctx;
        if let Some(p) = ptr_of(node) {
            if let Some(anchor) = self.anchors.anchor(node).map(str::to_string) {
                if self.anchors.emitted.insert(p, true).is_some() {
                    self.write_indicator(&format!("*{anchor}"), true, false, false);
                    return;
                }
                self.write_indicator(&format!("&{anchor}"), true, false, false);
            }
        }
        match node {
            Node::Seq(s) => self.seq(s),
            Node::Map(m) => self.map(m),
            _ => {
                self.increase_indent(true, false);
                self.scalar(node);
                self.pop_indent();
            }
        }
    }

    fn flow_style_for(&self, node: &Node) -> bool {
        match self.opts.default_flow_style {
            Some(f) => f,
            None => match node {
                Node::Seq(s) => s
                    .borrow()
                    .iter()
                    .all(|i| !matches!(i, Node::Seq(_) | Node::Map(_))),
                Node::Map(m) => m
                    .borrow()
                    .iter()
                    .all(|e| !matches!(e.value, Node::Seq(_) | Node::Map(_))),
                _ => false,
            },
        }
    }

    fn seq(&mut self, s: &Seq) {
        let sb = s.borrow();
        let items: &[Node] = &sb;
        let flow =
            self.flow_level > 0 || items.is_empty() || self.flow_style_for(&Node::Seq(s.clone()));
        if flow {
            self.write_indicator("[", true, true, false);
            self.flow_level += 1;
            self.increase_indent(true, false);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.write_indicator(",", false, false, false);
                }
                if self.column > self.best_width {
                    self.write_indent();
                }
                self.node(item, Ctx::default());
            }
            self.pop_indent();
            self.flow_level -= 1;
            self.write_indicator("]", false, false, false);
        } else {
            let indentless = self.ctx.mapping && !self.indention;
            self.increase_indent(false, indentless);
            for item in items {
                self.write_indent();
                self.write_indicator("-", true, false, true);
                self.node(item, Ctx::default());
            }
            self.pop_indent();
        }
    }

    fn check_simple_key(&self, key: &Node) -> bool {
        if self.anchors.anchor(key).is_some() && ptr_of(key).is_some() {
            // An alias (or anchored collection) as a key: not produced by
            // our loader, which rejects unhashable keys.
            return false;
        }
        let (text, _, tag_len) = scalar_text(key);
        let chars: Vec<char> = text.chars().collect();
        let a = analyze(&chars, self.opts.allow_unicode, self.opts.astral_printable);
        chars.len() + tag_len < 128 && !a.empty && !a.multiline
    }

    fn map(&mut self, m: &Map) {
        let mb = m.borrow();
        let pairs = sorted_pairs(&mb, self.opts.sort_keys);
        let flow =
            self.flow_level > 0 || pairs.is_empty() || self.flow_style_for(&Node::Map(m.clone()));
        let key_ctx = |simple| Ctx {
            mapping: true,
            simple_key: simple,
        };
        if flow {
            self.write_indicator("{", true, true, false);
            self.flow_level += 1;
            self.increase_indent(true, false);
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    self.write_indicator(",", false, false, false);
                }
                if self.column > self.best_width {
                    self.write_indent();
                }
                if self.check_simple_key(k) {
                    self.node(k, key_ctx(true));
                    self.write_indicator(":", false, false, false);
                } else {
                    self.write_indicator("?", true, false, false);
                    self.node(k, key_ctx(false));
                    if self.column > self.best_width {
                        self.write_indent();
                    }
                    self.write_indicator(":", true, false, false);
                }
                self.node(v, key_ctx(false));
            }
            self.pop_indent();
            self.flow_level -= 1;
            self.write_indicator("}", false, false, false);
        } else {
            self.increase_indent(false, false);
            for (k, v) in &pairs {
                self.write_indent();
                if self.check_simple_key(k) {
                    self.node(k, key_ctx(true));
                    self.write_indicator(":", false, false, false);
                } else {
                    self.write_indicator("?", true, false, true);
                    self.node(k, key_ctx(false));
                    self.write_indent();
                    self.write_indicator(":", true, false, true);
                }
                self.node(v, key_ctx(false));
            }
            self.pop_indent();
        }
    }

    fn scalar(&mut self, node: &Node) {
        let (text, is_str, _) = scalar_text(node);
        let chars: Vec<char> = text.chars().collect();
        let a = analyze(&chars, self.opts.allow_unicode, self.opts.astral_printable);
        let implicit_plain = !is_str || !plain_is_not_str(&text);
        let ctx = self.ctx;
        let style = if implicit_plain
            && !(ctx.simple_key && (a.empty || a.multiline))
            && ((self.flow_level > 0 && a.allow_flow_plain)
                || (self.flow_level == 0 && a.allow_block_plain))
        {
            Style::Plain
        } else if a.allow_single_quoted && !(ctx.simple_key && a.multiline) {
            Style::Single
        } else {
            Style::Double
        };
        let split = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(&chars, split),
            Style::Single => self.write_single_quoted(&chars, split),
            Style::Double => self.write_double_quoted(&chars, split),
        }
    }

    fn write_str(&mut self, chars: &[char]) {
        let s: String = chars.iter().collect();
        self.write(&s);
    }

    fn write_breaks(&mut self, chars: &[char]) {
        if chars.first() == Some(&'\n') {
            self.write_line_break(None);
        }
        for &br in chars {
            self.write_line_break(Some(br));
        }
        self.write_indent();
    }

    fn write_plain(&mut self, text: &[char], split: bool) {
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.write(" ");
        }
        self.whitespace = false;
        self.indention = false;
        let (mut spaces, mut breaks) = (false, false);
        let (mut start, mut end) = (0, 0);
        while end <= text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > self.best_width && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write_str(&text[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(|c| BREAKS.contains(&c)) {
                    self.write_breaks(&text[start..end]);
                    self.whitespace = false;
                    self.indention = false;
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || BREAKS.contains(&c)) {
                self.write_str(&text[start..end]);
                start = end;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = BREAKS.contains(&c);
            }
            end += 1;
        }
    }

    fn write_single_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let (mut start, mut end) = (0, 0);
        while end <= text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end
                        && self.column > self.best_width
                        && split
                        && start != 0
                        && end != text.len()
                    {
                        self.write_indent();
                    } else {
                        self.write_str(&text[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(|c| BREAKS.contains(&c)) {
                    self.write_breaks(&text[start..end]);
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || BREAKS.contains(&c)) && start < end
            {
                self.write_str(&text[start..end]);
                start = end;
            }
            if ch == Some('\'') {
                self.write("''");
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = BREAKS.contains(&c);
            }
            end += 1;
        }
        self.write_indicator("'", false, false, false);
    }

    fn write_double_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("\"", true, false, false);
        let (mut start, mut end) = (0, 0);
        let n = text.len();
        while end <= n {
            let ch = text.get(end).copied();
            let needs_escape = |c: char| {
                "\"\\\u{85}\u{2028}\u{2029}\u{FEFF}".contains(c)
                    || !((' '..='~').contains(&c)
                        || (self.opts.allow_unicode
                            && (('\u{A0}'..='\u{D7FF}').contains(&c)
                                || ('\u{E000}'..='\u{FFFD}').contains(&c))))
            };
            if ch.is_none_or(needs_escape) {
                if start < end {
                    self.write_str(&text[start..end]);
                    start = end;
                }
                if let Some(c) = ch {
                    let esc = match c {
                        '\0' => "\\0".to_string(),
                        '\u{07}' => "\\a".into(),
                        '\u{08}' => "\\b".into(),
                        '\t' => "\\t".into(),
                        '\n' => "\\n".into(),
                        '\u{0B}' => "\\v".into(),
                        '\u{0C}' => "\\f".into(),
                        '\r' => "\\r".into(),
                        '\u{1B}' => "\\e".into(),
                        '"' => "\\\"".into(),
                        '\\' => "\\\\".into(),
                        '\u{85}' => "\\N".into(),
                        '\u{A0}' => "\\_".into(),
                        '\u{2028}' => "\\L".into(),
                        '\u{2029}' => "\\P".into(),
                        c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                        c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                        c => format!("\\U{:08X}", c as u32),
                    };
                    self.write(&esc);
                    start = end + 1;
                }
            }
            if 0 < end
                && end + 1 < n
                && (ch == Some(' ') || start >= end)
                && (self.column + end) as isize - start as isize > self.best_width as isize
                && split
            {
                let mut data: String = text[start.min(end)..end].iter().collect();
                data.push('\\');
                if start < end {
                    start = end;
                }
                self.write(&data);
                self.write_indent();
                self.whitespace = false;
                self.indention = false;
                if text.get(start) == Some(&' ') {
                    self.write("\\");
                }
            }
            end += 1;
        }
        self.write_indicator("\"", false, false, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::node::load_node;

    fn d(src: &str) -> String {
        dump(&load_node("t", src).unwrap(), &DumpOptions::default())
    }

    #[test]
    fn spec_layouts() {
        assert_eq!(d("a: [1, 2]\n"), "a:\n- 1\n- 2\n");
        assert_eq!(d("- {x: 1, y: 2}\n"), "- x: 1\n  y: 2\n");
        assert_eq!(d("- [1, 2]\n"), "- - 1\n  - 2\n");
        assert_eq!(d("e: {}\nf: []\n"), "e: {}\nf: []\n");
        assert_eq!(d("{}"), "{}\n");
        assert_eq!(
            d("a: &x [1, 2]\nb: *x\n"),
            "a: &id001\n- 1\n- 2\nb: *id001\n"
        );
        assert_eq!(d("1: a\nb: 2\n"), "1: a\nb: 2\n");
        assert_eq!(d("10: a\n9: b\n"), "9: b\n10: a\n");
        assert_eq!(d("b: 1\na: 2\nC: 3\n_: 4\n"), "C: 3\n_: 4\na: 2\nb: 1\n");
    }

    #[test]
    fn quoting_choices() {
        for (v, want) in [
            ("'yes'", "'yes'"),
            ("'123'", "'123'"),
            ("'null'", "'null'"),
            ("''", "''"),
            ("'~'", "'~'"),
            ("' x'", "' x'"),
            ("'a: b'", "'a: b'"),
            ("'*x'", "'*x'"),
            ("'%x'", "'%x'"),
            ("'@x'", "'@x'"),
            ("café", "\"caf\\xE9\""),
            ("1e3", "1e3"),
            ("1.0e+3", "1000.0"),
            (".inf", ".inf"),
            ("2020-01-01", "2020-01-01"),
            ("\"a\\nb\"", "'a\n\n  b'"),
            ("\"tab\\there\"", "\"tab\\there\""),
            ("\"it's\"", "it's"),
            ("\"'q'\"", "'''q'''"),
        ] {
            assert_eq!(d(&format!("k: {v}\n")), format!("k: {want}\n"), "{v}");
        }
    }

    #[test]
    fn folding_at_width() {
        let n = load_node("t", &format!("a: {}\n", "word ".repeat(10))).unwrap();
        let out = dump(
            &n,
            &DumpOptions {
                width: Some(20),
                ..DumpOptions::default()
            },
        );
        assert_eq!(
            out,
            "a: word word word word\n  word word word word\n  word word\n"
        );
    }
}
