//! Operators the way Jinja2 (that is, Python) evaluates them, where
//! minijinja's differ:
//!
//! - `~`: each operand becomes text with Python's `str()` (`True`, `None`,
//!   `[1, 'a']`), where minijinja's own `~` prints its own forms (`true`,
//!   `none`, `[1, "a"]`) and no formatter reaches it. Every operand is
//!   rewritten in the source from `X` to `(X)|_kolla_str` (a filter doing
//!   Python's `str()`), so the concatenation only ever sees strings.
//! - `%`: Python's `%`: string formatting when the left side is a string
//!   (`'%s:%d' % (host, port)`; a tuple literal gives one argument per item,
//!   anything else, a list included, is the one argument), else Python's
//!   modulo. `L % R` is rewritten to `(L)|_kolla_mod(R)`, or
//!   `(L)|_kolla_mod_tuple(R)` when `R` is a tuple literal (minijinja has no
//!   tuples, so only the source can tell one from a list).
//!
//! The template is parsed with minijinja's parser. Only columns move: no
//! line changes, so errors keep their lines.

use std::borrow::Cow;

use minijinja::machinery::ast::{BinOpKind, CallArg, Expr, Stmt};
use minijinja::machinery::{parse, tokenize, Token, WhitespaceConfig};
use minijinja::syntax::SyntaxConfig;

/// The filter the rewritten operands go through.
pub const STR_FILTER: &str = "_kolla_str";

/// The filter `L % R` becomes (`R` is the one operand).
pub const MOD_FILTER: &str = "_kolla_mod";

/// The filter `L % R` becomes when `R` is a tuple literal.
pub const MOD_TUPLE_FILTER: &str = "_kolla_mod_tuple";

/// `source` with every `L % R` rewritten to call [`MOD_FILTER`] or
/// [`MOD_TUPLE_FILTER`]; unchanged when it has no `%` operator or does not
/// parse (minijinja then reports the error).
///
/// ```
/// use kolla_core::template::concat::python_percent;
/// assert_eq!(python_percent("{{ '%s:%d' % (h, p) }}"), "{{ ('%s:%d' )|_kolla_mod_tuple( (h, p)) }}");
/// assert_eq!(python_percent("{% if n % 2 %}x{% endif %}"), "{% if (n )|_kolla_mod( 2) %}x{% endif %}");
/// assert_eq!(python_percent("{{ '%s' % [1, 2] }}"), "{{ ('%s' )|_kolla_mod( [1, 2]) }}");
/// assert_eq!(python_percent("100% {{ x }}"), "100% {{ x }}");
/// ```
pub fn python_percent(source: &str) -> Cow<'_, str> {
    // A `%` that is not part of a `{%` / `%}` delimiter.
    let bytes = source.as_bytes();
    let operator = source
        .match_indices('%')
        .any(|(i, _)| !(i > 0 && bytes[i - 1] == b'{') && bytes.get(i + 1) != Some(&b'}'));
    if !operator {
        return Cow::Borrowed(source);
    }
    let Some(ast) = parsed(source) else {
        return Cow::Borrowed(source);
    };
    let mut ops = Vec::new();
    walk(&ast, &mut |e| {
        if let Expr::BinOp(b) = e {
            if matches!(b.op, BinOpKind::Rem) {
                let tuple = matches!(&b.right, Expr::List(_))
                    && source.as_bytes().get(b.right.span().start_offset as usize) == Some(&b'(');
                ops.push((extent(&b.left), extent(&b.right), tuple));
            }
        }
    });
    if ops.is_empty() {
        return Cow::Borrowed(source);
    }
    let Some(pairs) = bracket_pairs(source) else {
        return Cow::Borrowed(source);
    };
    let (call, call_tuple) = (format!(")|{MOD_FILTER}("), format!(")|{MOD_TUPLE_FILTER}("));
    // (offset, order at the same offset, bytes replaced, text): closers,
    // then the operator, then openers.
    let mut edits: Vec<(usize, u8, usize, &str)> = Vec::with_capacity(ops.len() * 3);
    for (left, right, tuple) in ops {
        let Some(op) = source
            .get(left.1..right.0)
            .and_then(|gap| gap.find('%'))
            .map(|i| left.1 + i)
        else {
            return Cow::Borrowed(source);
        };
        let start = balance(left, &pairs).0;
        let end = balance((op + 1, right.1), &pairs).1;
        let filter = if tuple { &call_tuple } else { &call };
        edits.push((start, 2, 0, "("));
        edits.push((op, 1, 1, filter.as_str()));
        edits.push((end, 0, 0, ")"));
    }
    apply(source, edits)
}

/// Applies `(offset, order at the same offset, bytes replaced, text)` edits;
/// `source` unchanged when an edit falls inside a character or the result
/// does not parse (a span that did not cover its expression would leave
/// broken syntax; then minijinja's own operator stays).
fn apply<'s>(source: &'s str, mut edits: Vec<(usize, u8, usize, &str)>) -> Cow<'s, str> {
    edits.sort_by_key(|&(at, order, _, _)| (at, order));
    let mut out = String::with_capacity(source.len() + edits.len() * 8);
    let mut last = 0;
    for (at, _, replaced, text) in edits {
        let Some(chunk) = source.get(last..at) else {
            return Cow::Borrowed(source);
        };
        out.push_str(chunk);
        out.push_str(text);
        last = at + replaced;
    }
    out.push_str(&source[last..]);
    match parsed(&out) {
        Some(_) => Cow::Owned(out),
        None => Cow::Borrowed(source),
    }
}

/// The template's syntax tree, when it parses.
fn parsed(source: &str) -> Option<Stmt<'_>> {
    parse(
        source,
        "<rewrite>",
        SyntaxConfig,
        WhitespaceConfig::default(),
    )
    .ok()
}

/// `source` with every operand of `~` wrapped in [`STR_FILTER`]; unchanged
/// when it has no `~` or does not parse (minijinja then reports the error).
///
/// ```
/// use kolla_core::template::concat::python_concat;
/// assert_eq!(python_concat("{{ a ~ b.c }}"), "{{ (a)|_kolla_str ~ (b.c)|_kolla_str }}");
/// assert_eq!(python_concat("a ~ b"), "a ~ b");
/// ```
pub fn python_concat(source: &str) -> Cow<'_, str> {
    if !source.contains('~') {
        return Cow::Borrowed(source);
    }
    let Some(ast) = parsed(source) else {
        return Cow::Borrowed(source);
    };
    let mut spans = Vec::new();
    walk(&ast, &mut |e| {
        if let Expr::BinOp(b) = e {
            if matches!(b.op, BinOpKind::Concat) {
                for side in [&b.left, &b.right] {
                    // A chain `a ~ b ~ c` wraps its leaves once.
                    if !is_concat(side) {
                        spans.push(extent(side));
                    }
                }
            }
        }
    });
    if spans.is_empty() {
        return Cow::Borrowed(source);
    }
    let Some(pairs) = bracket_pairs(source) else {
        return Cow::Borrowed(source);
    };
    // Closers sort before openers at the same offset.
    let close = format!(")|{STR_FILTER}");
    let mut edits = Vec::with_capacity(spans.len() * 2);
    for (start, end) in spans.into_iter().map(|r| balance(r, &pairs)) {
        edits.push((start, 1, 0, "("));
        edits.push((end, 0, 0, close.as_str()));
    }
    apply(source, edits)
}

/// Calls `f` with every expression of the statements, outermost first.
fn stmts(list: &[Stmt<'_>], out: &mut dyn FnMut(&Expr<'_>)) {
    for s in list {
        walk(s, out);
    }
}

/// Calls `f` with every expression of the statement, outermost first.
fn walk(s: &Stmt<'_>, out: &mut dyn FnMut(&Expr<'_>)) {
    match s {
        Stmt::Template(t) => stmts(&t.children, out),
        Stmt::EmitExpr(e) => visit(&e.expr, out),
        Stmt::EmitRaw(_) => {}
        Stmt::ForLoop(f) => {
            visit(&f.target, out);
            visit(&f.iter, out);
            if let Some(e) = &f.filter_expr {
                visit(e, out);
            }
            stmts(&f.body, out);
            stmts(&f.else_body, out);
        }
        Stmt::IfCond(i) => {
            visit(&i.expr, out);
            stmts(&i.true_body, out);
            stmts(&i.false_body, out);
        }
        Stmt::WithBlock(w) => {
            for (a, b) in &w.assignments {
                visit(a, out);
                visit(b, out);
            }
            stmts(&w.body, out);
        }
        Stmt::Set(s) => {
            visit(&s.target, out);
            visit(&s.expr, out);
        }
        Stmt::SetBlock(s) => {
            visit(&s.target, out);
            if let Some(f) = &s.filter {
                visit(f, out);
            }
            stmts(&s.body, out);
        }
        Stmt::AutoEscape(a) => {
            visit(&a.enabled, out);
            stmts(&a.body, out);
        }
        Stmt::FilterBlock(f) => {
            visit(&f.filter, out);
            stmts(&f.body, out);
        }
        Stmt::Block(b) => stmts(&b.body, out),
        Stmt::Import(i) => {
            visit(&i.expr, out);
            visit(&i.name, out);
        }
        Stmt::FromImport(f) => {
            visit(&f.expr, out);
            for (a, b) in &f.names {
                visit(a, out);
                if let Some(b) = b {
                    visit(b, out);
                }
            }
        }
        Stmt::Extends(e) => visit(&e.name, out),
        Stmt::Include(i) => visit(&i.name, out),
        Stmt::Macro(m) => {
            m.args.iter().for_each(|e| visit(e, out));
            m.defaults.iter().for_each(|e| visit(e, out));
            stmts(&m.body, out);
        }
        Stmt::CallBlock(c) => {
            visit(&c.call.expr, out);
            args(&c.call.args, out);
            c.macro_decl.args.iter().for_each(|e| visit(e, out));
            c.macro_decl.defaults.iter().for_each(|e| visit(e, out));
            stmts(&c.macro_decl.body, out);
        }
        Stmt::Continue(_) | Stmt::Break(_) => {}
        Stmt::Do(d) => {
            visit(&d.call.expr, out);
            args(&d.call.args, out);
        }
    }
}

fn is_concat(e: &Expr<'_>) -> bool {
    matches!(e, Expr::BinOp(b) if matches!(b.op, BinOpKind::Concat))
}

/// The direct sub-expressions of `e`.
fn children<'e, 'a>(e: &'e Expr<'a>) -> Vec<&'e Expr<'a>> {
    fn call_args<'e, 'a>(list: &'e [CallArg<'a>], out: &mut Vec<&'e Expr<'a>>) {
        for a in list {
            match a {
                CallArg::Pos(e)
                | CallArg::Kwarg(_, e)
                | CallArg::PosSplat(e)
                | CallArg::KwargSplat(e) => out.push(e),
            }
        }
    }
    let mut out = Vec::new();
    match e {
        Expr::Var(_) | Expr::Const(_) => {}
        Expr::Slice(s) => {
            out.push(&s.expr);
            out.extend([&s.start, &s.stop, &s.step].into_iter().flatten());
        }
        Expr::UnaryOp(u) => out.push(&u.expr),
        Expr::BinOp(b) => out.extend([&b.left, &b.right]),
        Expr::Compare(c) => {
            out.push(&c.expr);
            out.extend(c.ops.iter().map(|op| &op.expr));
        }
        Expr::IfExpr(i) => {
            out.extend([&i.test_expr, &i.true_expr]);
            out.extend(&i.false_expr);
        }
        Expr::Filter(f) => {
            out.extend(&f.expr);
            call_args(&f.args, &mut out);
        }
        Expr::Test(t) => {
            out.push(&t.expr);
            call_args(&t.args, &mut out);
        }
        Expr::GetAttr(g) => out.push(&g.expr),
        Expr::GetItem(g) => out.extend([&g.expr, &g.subscript_expr]),
        Expr::Call(c) => {
            out.push(&c.expr);
            call_args(&c.args, &mut out);
        }
        Expr::List(l) => out.extend(&l.items),
        Expr::Map(m) => {
            out.extend(&m.keys);
            out.extend(&m.values);
        }
    }
    out
}

/// The source range an expression covers: its own span (for a filter or
/// test only the name and arguments) joined with its sub-expressions'.
fn extent(e: &Expr<'_>) -> (usize, usize) {
    let span = e.span();
    let mut range = (span.start_offset as usize, span.end_offset as usize);
    for c in children(e) {
        let (s, end) = extent(c);
        range = (range.0.min(s), range.1.max(end));
    }
    range
}

fn visit(e: &Expr<'_>, out: &mut dyn FnMut(&Expr<'_>)) {
    out(e);
    for c in children(e) {
        visit(c, out);
    }
}

fn args(list: &[CallArg<'_>], out: &mut dyn FnMut(&Expr<'_>)) {
    for a in list {
        match a {
            CallArg::Pos(e)
            | CallArg::Kwarg(_, e)
            | CallArg::PosSplat(e)
            | CallArg::KwargSplat(e) => visit(e, out),
        }
    }
}

/// Widens `(start, end)` until it holds both brackets of every pair it
/// holds one of (spans leave out the parentheses around an expression).
fn balance(range: (usize, usize), pairs: &[(usize, usize, usize, usize)]) -> (usize, usize) {
    let (mut s, mut e) = range;
    loop {
        let mut changed = false;
        for &(os, oe, cs, ce) in pairs {
            let open_in = os >= s && oe <= e;
            let close_in = cs >= s && ce <= e;
            if open_in && !close_in {
                e = e.max(ce);
                changed = true;
            } else if close_in && !open_in {
                s = s.min(os);
                changed = true;
            }
        }
        if !changed {
            return (s, e);
        }
    }
}

/// The matching bracket pairs of `source`: (open start, open end, close
/// start, close end).
fn bracket_pairs(source: &str) -> Option<Vec<(usize, usize, usize, usize)>> {
    let mut stack = Vec::new();
    let mut pairs = Vec::new();
    for tok in tokenize(source, false, SyntaxConfig, WhitespaceConfig::default()) {
        let (tok, span) = tok.ok()?;
        let (s, e) = (span.start_offset as usize, span.end_offset as usize);
        match tok {
            Token::ParenOpen | Token::BracketOpen | Token::BraceOpen => stack.push((s, e)),
            Token::ParenClose | Token::BracketClose | Token::BraceClose => {
                let (os, oe) = stack.pop()?;
                pairs.push((os, oe, s, e));
            }
            _ => {}
        }
    }
    Some(pairs)
}

/// The filter that starts a lookup chain which stays undefined past a
/// missing step ([`lookup_chains`]).
pub const CHAIN_FILTER: &str = "_kolla_chain";

/// The filter that ends such a chain, giving back the value or Undefined.
pub const UNCHAIN_FILTER: &str = "_kolla_unchain";

/// Jinja's Undefined has attributes and items (themselves Undefined), so in
/// Ansible `d.nope.deeper is defined` is false and `d.nope.deeper |
/// default(x)` is `x`. Where a chain of two or more lookups is the operand
/// of the `defined` / `undefined` test or the `default` / `d` filter, its
/// root is rewritten to `((R)|_kolla_chain)` and the chain's end gets
/// `|_kolla_unchain`, so each lookup on a missing value stays missing.
/// Every other use of an undefined value stays an error. Only characters
/// are inserted; unchanged when nothing matches or the source does not parse.
///
/// ```
/// use kolla_core::template::concat::lookup_chains;
/// assert_eq!(
///     lookup_chains("{{ d.a.b is defined }}"),
///     "{{ ((d)|_kolla_chain).a.b|_kolla_unchain is defined }}"
/// );
/// assert_eq!(lookup_chains("{{ d.a.b }}"), "{{ d.a.b }}");
/// ```
pub fn lookup_chains(source: &str) -> Cow<'_, str> {
    if !source.contains('d') {
        return Cow::Borrowed(source);
    }
    let Some(ast) = parsed(source) else {
        return Cow::Borrowed(source);
    };
    let mut chains = Vec::new();
    walk(&ast, &mut |e| {
        let operand = match e {
            Expr::Test(t) if matches!(t.name, "defined" | "undefined") => Some(&t.expr),
            Expr::Filter(f) if matches!(f.name, "default" | "d") => f.expr.as_ref(),
            _ => None,
        };
        let Some(operand) = operand else { return };
        let mut root = operand;
        let mut depth = 0;
        loop {
            match root {
                Expr::GetAttr(a) => root = &a.expr,
                Expr::GetItem(i) => root = &i.expr,
                _ => break,
            }
            depth += 1;
        }
        if depth >= 2 {
            chains.push((extent(root), extent(operand)));
        }
    });
    if chains.is_empty() {
        return Cow::Borrowed(source);
    }
    let Some(pairs) = bracket_pairs(source) else {
        return Cow::Borrowed(source);
    };
    let open_end = format!(")|{CHAIN_FILTER})");
    let close = format!("|{UNCHAIN_FILTER}");
    let mut edits = Vec::with_capacity(chains.len() * 3);
    for (root, whole) in chains {
        let (start, end) = balance(root, &pairs);
        let whole_end = balance(whole, &pairs).1;
        edits.push((start, 2, 0, "(("));
        edits.push((end, 1, 0, open_end.as_str()));
        edits.push((whole_end, 0, 0, close.as_str()));
    }
    apply(source, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operands_are_wrapped() {
        assert_eq!(
            python_concat("{{ a ~ b ~ c }}"),
            "{{ (a)|_kolla_str ~ (b)|_kolla_str ~ (c)|_kolla_str }}"
        );
        assert_eq!(
            python_concat("{{ 1 + x ~ y | upper }}"),
            "{{ 1 + (x)|_kolla_str ~ (y | upper)|_kolla_str }}"
        );
        assert_eq!(
            python_concat("{% set s = (a ~ 'x') | upper %}"),
            "{% set s = ((a)|_kolla_str ~ ('x')|_kolla_str) | upper %}"
        );
        assert_eq!(
            python_concat("{{ (a ~ b) | upper ~ f(x)[0] ~ -n is odd }}"),
            "{{ (((a)|_kolla_str ~ (b)|_kolla_str) | upper)|_kolla_str ~ (f(x)[0])|_kolla_str ~ (-n is odd)|_kolla_str }}"
        );
        assert_eq!(
            python_concat("{{ [a ~ b] ~ {'k': c}.k ~ (d) }}"),
            "{{ ([(a)|_kolla_str ~ (b)|_kolla_str])|_kolla_str ~ ({'k': c}.k)|_kolla_str ~ ((d)|_kolla_str) }}"
        );
        assert_eq!(python_concat("{{ '~' }} ~"), "{{ '~' }} ~");
        assert_eq!(python_concat("{{ a ~ }}"), "{{ a ~ }}");
    }

    #[test]
    fn percent_renders_like_python() {
        let vars = serde_json::json!({"h": "db", "p": 3306, "l": [1, 2], "n": 7});
        let r = |src: &str| crate::template::render("t", src, &vars).unwrap();
        assert_eq!(r("{{ '%s:%d' % (h, p) }}"), "db:3306");
        assert_eq!(
            r("{{ '%s' % l }}|{{ '%s' % (l,) }}|{{ '%s' % (h) }}"),
            "[1, 2]|[1, 2]|db"
        );
        assert_eq!(r("{{ '<%s>' % ('%03d' % n) }}"), "<007>");
        assert_eq!(r("{{ 'a' ~ '%d' % n ~ 'b' }} {{ 1 + n % 4 }}"), "a7b 4");
        assert_eq!(
            r("{{ '%s%%' % 5 }} {{ ('%s' % h) | upper }} {{ -n % 3 }}"),
            "5% DB 2"
        );
        assert_eq!(r("{% set s = '%s-%s' % (h, p) %}{{ s }}"), "db-3306");
        let err = crate::template::render("t", "{{ '%s %s' % (h,) }}", &vars).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("not enough arguments for format string"),
            "{err}"
        );
    }
}
