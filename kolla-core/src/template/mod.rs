//! Jinja templating configured the way Ansible renders kolla's templates.
//!
//! One environment, built once and shared: undefined variables are errors
//! that name the template, the line and the variable
//! (`nova.conf.j2:3:4: 'nova_api_port' is undefined`); `trim_blocks` is on
//! (also after `{# #}` comments) and the final newlines are kept (an
//! included template loses one), as in Ansible's templar. Output is
//! Python-compatible: `{{ true }}` prints `True`, `{{ none }}` prints
//! `None`, lists and dicts print as Python's `repr` does; so does `~`. The filters and tests kolla's templates use are registered
//! with Ansible's semantics (see [`filters`]).
//!
//! Parse once, render many: [`compile`] returns a [`Template`] that renders
//! with any number of variable sets, and a [`TemplateSet`] holds many
//! templates (embedded, or from an operator override directory) in one
//! environment, each parsed on first use.

use std::sync::OnceLock;

use minijinja::{Environment, UndefinedBehavior};

pub mod concat;
pub mod filters;
mod ipaddr;
pub mod kolla;
pub mod pyfmt;
mod random;
mod set;
mod uuid;
mod vars;
pub mod version;
pub use set::TemplateSet;
pub use vars::Vars;

use crate::error::Location;

/// A template failed to render.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Syntax error, undefined variable, or a failing filter.
    #[error("{location}: {message}")]
    Render {
        /// The template and line.
        location: Location,
        /// What went wrong (`'x' is undefined`, `syntax error: ...`).
        message: String,
        /// minijinja's own error. Not a `source`: `message` and `location`
        /// already say all it says, with the real culprit named.
        engine: minijinja::Error,
    },
}

impl Error {
    /// Where in which template the error is.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Render { location, .. } => Some(location),
        }
    }
}

/// Options that differ between Ansible's callers of the templar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// `lstrip_blocks`: strip spaces and tabs before a block tag on its line.
    /// kolla-ansible's `merge_yaml` (22.2.0) turns it on for its sources;
    /// Ansible's default, and `merge_configs`, leave it off.
    pub lstrip_blocks: bool,
    /// Directories `{% include %}`, `{% import %}` and `{% extends %}` look
    /// in, in order. Ansible's templar searches the playbook directory, its
    /// `templates/`, then the template's own directory; [`search_path_for`]
    /// builds such a list for a template file. Empty: no other templates
    /// can be loaded.
    pub search_path: Vec<std::path::PathBuf>,
}

/// The include search path of the template file `path`: the `extra`
/// directories in order, then the file's own directory (Ansible's order:
/// `[playbook dir, playbook dir/templates, dirname(source)]`).
///
/// ```
/// use std::path::{Path, PathBuf};
/// let dirs = kolla_core::template::search_path_for(Path::new("/etc/kolla/config/nova.conf"), &[PathBuf::from("/play")]);
/// assert_eq!(dirs, [PathBuf::from("/play"), PathBuf::from("/etc/kolla/config")]);
/// assert_eq!(kolla_core::template::search_path_for(Path::new("t.j2"), &[]), [PathBuf::from(".")]);
/// ```
pub fn search_path_for(
    path: &std::path::Path,
    extra: &[std::path::PathBuf],
) -> Vec<std::path::PathBuf> {
    let own = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut dirs = extra.to_vec();
    dirs.push(own);
    dirs
}

/// Where the loader looks for `name` under `dir`, as Jinja's file system
/// loader does: `/`-separated pieces, empty and `.` pieces dropped, and no
/// `..` (such a name is simply not found).
fn template_file(dir: &std::path::Path, name: &str) -> Option<std::path::PathBuf> {
    let mut path = dir.to_path_buf();
    for piece in name.split('/') {
        match piece {
            ".." => return None,
            "" | "." => {}
            p => path.push(p),
        }
    }
    Some(path)
}

/// Builds a fresh environment configured like Ansible's Jinja2 (default
/// [`RenderOptions`]).
///
/// Most callers want [`render`] or [`compile`], which share one environment
/// built once; this is for callers that add their own globals or templates.
///
/// ```
/// let mut env = kolla_core::template::environment();
/// env.add_template("t", "{{ x | bool }}").unwrap();
/// let out = env.get_template("t").unwrap().render(serde_json::json!({"x": "yes"})).unwrap();
/// assert_eq!(out, "True");
/// ```
pub fn environment() -> Environment<'static> {
    environment_with(&RenderOptions::default())
}

/// [`environment`] with explicit [`RenderOptions`].
pub fn environment_with(opts: &RenderOptions) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(opts.lstrip_blocks);
    // Jinja's default: a template loses one final newline; [`render`] and
    // [`Template::render`] add the top template's back as Ansible's templar
    // does, so only included templates lose theirs, as in Ansible.
    env.set_keep_trailing_newline(false);
    env.set_formatter(format_value);
    env.set_unknown_method_callback(minijinja_contrib::pycompat::unknown_method_callback);
    filters::register(&mut env);
    if !opts.search_path.is_empty() {
        let dirs = opts.search_path.clone();
        env.set_loader(move |name: &str| {
            for dir in &dirs {
                let Some(file) = template_file(dir, name) else {
                    return Ok(None);
                };
                match std::fs::read_to_string(file) {
                    Ok(text) => return Ok(Some(prepare(&text).into_owned())),
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                        ) =>
                    {
                        continue
                    }
                    Err(e) => {
                        return Err(minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read template {name}: {e}"),
                        ))
                    }
                }
            }
            Ok(None)
        });
    }
    env
}

/// Prints a value in `{{ }}`. An undefined variable never gets here: the
/// environment is strict and fails before calling the formatter. What does
/// is Jinja's silent undefined, the value of an inline `if` without `else`
/// whose test is false (`{{ "a" if flag }}`), which Ansible prints as
/// nothing.
fn format_value(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &minijinja::Value,
) -> Result<(), minijinja::Error> {
    if value.is_undefined() {
        return Ok(());
    }
    pyfmt::formatter(out, state, value)
}

fn shared(opts: &RenderOptions) -> &'static Environment<'static> {
    static PLAIN: OnceLock<Environment<'static>> = OnceLock::new();
    static LSTRIP: OnceLock<Environment<'static>> = OnceLock::new();
    if opts.lstrip_blocks {
        LSTRIP.get_or_init(|| environment_with(opts))
    } else {
        PLAIN.get_or_init(|| environment_with(opts))
    }
}

/// A parsed template, ready to render many times.
pub struct Template {
    env: Environment<'static>,
    name: String,
    source: String,
}

impl std::fmt::Debug for Template {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .finish()
    }
}

/// Parses `source` (named `name` in errors) once.
///
/// ```
/// let t = kolla_core::template::compile("t.j2", "port = {{ port }}\n", &Default::default()).unwrap();
/// for p in [1, 2] {
///     assert_eq!(t.render(&serde_json::json!({"port": p})).unwrap(), format!("port = {p}\n"));
/// }
/// ```
///
/// # Errors
/// [`Error::Render`] for a syntax error, with the template name and line.
pub fn compile(name: &str, source: &str, opts: &RenderOptions) -> Result<Template, Error> {
    // The template lives in its own environment (building one is a few map
    // inserts); one-off renders share a static one.
    let mut env = environment_with(opts);
    let lexed = prepare(source).into_owned();
    env.add_template_owned(name.to_string(), lexed.clone())
        .map_err(|e| wrap(name, &lexed, Some(source), e, None, None))?;
    Ok(Template {
        env,
        name: name.to_string(),
        source: lexed,
    })
}

impl Template {
    /// Renders with `vars` (any serializable value; usually a JSON object).
    ///
    /// # Errors
    /// [`Error::Render`] naming the template, the line and, for undefined
    /// variables, the variable.
    pub fn render<S: serde::Serialize>(&self, vars: &S) -> Result<String, Error> {
        let wrap_e = |e| {
            let ctx = serde_json::to_value(vars).ok();
            wrap(
                &self.name,
                &self.source,
                None,
                e,
                ctx.as_ref(),
                Some(&self.env),
            )
        };
        let out = self
            .env
            .get_template(&self.name)
            .map_err(wrap_e)?
            .render(vars)
            .map_err(wrap_e)?;
        Ok(keep_trailing_newlines(&self.source, out))
    }
}

/// The source as minijinja must see it to render like Ansible: string
/// literals as written ([`verbatim_string_literals`]), `%` as Python's
/// ([`concat::python_percent`]) and `~` with Python's `str()`
/// ([`concat::python_concat`]), and lookup chains under `is defined` /
/// `default` that stay undefined past a missing step
/// ([`concat::lookup_chains`]).
fn prepare(source: &str) -> std::borrow::Cow<'_, str> {
    prepare_with(source, true)
}

/// [`prepare`], with string literals kept as written (`verbatim`: templated
/// strings of variables and `merge_configs`/`merge_yaml` sources) or
/// unescaped as Jinja does (files of Ansible's `template` module, which
/// renders them with `escape_backslashes=False`).
fn prepare_with(source: &str, verbatim: bool) -> std::borrow::Cow<'_, str> {
    let short = short_filter_names(source);
    let verbatim = if !verbatim {
        short
    } else {
        match verbatim_string_literals(&short) {
            std::borrow::Cow::Borrowed(_) => short,
            std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
        }
    };
    let percent = match concat::python_percent(&verbatim) {
        std::borrow::Cow::Borrowed(_) => verbatim,
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
    };
    let concat = match concat::python_concat(&percent) {
        std::borrow::Cow::Borrowed(_) => percent,
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
    };
    match concat::lookup_chains(&concat) {
        std::borrow::Cow::Borrowed(_) => concat,
        std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s),
    }
}

/// The collection prefixes of filter names Ansible accepts in full
/// (`x | ansible.utils.ipaddr`), which minijinja would read as attribute
/// lookups: the filters are registered under their short names.
const FILTER_PREFIXES: [&str; 2] = ["ansible.builtin.", "ansible.utils."];

/// `source` with [`FILTER_PREFIXES`] dropped after a `|`.
fn short_filter_names(source: &str) -> std::borrow::Cow<'_, str> {
    if !FILTER_PREFIXES.iter().any(|p| source.contains(p)) {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    'outer: while !rest.is_empty() {
        for p in FILTER_PREFIXES {
            if rest.starts_with(p) && out.trim_end().ends_with('|') {
                rest = &rest[p.len()..];
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("non-empty");
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// Ansible 2.19 keeps backslashes in Jinja string literals as written
/// (`'\\1'` stays two characters, `'a\nb'` has no newline), where Jinja and
/// minijinja unescape them. Doubling every backslash inside a string literal
/// of a tag makes minijinja's unescaping give back the text as written.
/// Text outside tags, comments and `{% raw %}` blocks is untouched; no line
/// moves.
fn verbatim_string_literals(source: &str) -> std::borrow::Cow<'_, str> {
    if !source.contains('\\') {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut out = String::with_capacity(source.len() + 16);
    let mut rest = source;
    loop {
        // Next tag opening outside tags.
        let Some(open) = rest.find('{') else {
            out.push_str(rest);
            break;
        };
        let after = &rest[open..];
        let kind = after.as_bytes().get(1).copied();
        match kind {
            Some(b'{') | Some(b'%') => {
                out.push_str(&rest[..open]);
                let close = if kind == Some(b'{') { "}}" } else { "%}" };
                // Scan the tag, doubling backslashes inside quotes.
                let tag_body = &after[2..];
                let mut quote: Option<char> = None;
                let mut end = None;
                let mut buf = String::from(&after[..2]);
                let it = tag_body.char_indices();
                for (i, c) in it {
                    match quote {
                        Some(q) => {
                            if c == '\\' {
                                buf.push_str("\\\\");
                                continue;
                            }
                            if c == q {
                                quote = None;
                            }
                            buf.push(c);
                        }
                        None => {
                            if tag_body[i..].starts_with(close) {
                                buf.push_str(close);
                                end = Some(2 + i + close.len());
                                break;
                            }
                            if c == '\'' || c == '"' {
                                quote = Some(c);
                            }
                            buf.push(c);
                        }
                    }
                }
                let Some(end) = end else {
                    // Unclosed tag: leave the rest for minijinja to report.
                    out.push_str(after);
                    break;
                };
                let is_raw = kind == Some(b'%')
                    && buf[2..buf.len() - 2]
                        .trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace())
                        == "raw";
                out.push_str(&buf);
                rest = &after[end..];
                if is_raw {
                    // Copy verbatim up to the end of the raw block.
                    match rest.find("endraw") {
                        Some(p) => {
                            let upto = rest[..p].rfind("{%").unwrap_or(p);
                            out.push_str(&rest[..upto]);
                            rest = &rest[upto..];
                        }
                        None => {
                            out.push_str(rest);
                            break;
                        }
                    }
                }
            }
            Some(b'#') => {
                // A comment: copy through its end.
                let end = after.find("#}").map_or(after.len(), |p| p + 2);
                out.push_str(&rest[..open]);
                out.push_str(&after[..end]);
                rest = &after[end..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = &rest[open + 1..];
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Renders `source` (named `name` in errors) with `vars`.
///
/// ```
/// let vars = serde_json::json!({"virt_type": "qemu", "debug": true});
/// let out = kolla_core::template::render("nova.conf", "[libvirt]\nvirt_type = {{ virt_type }}\ndebug = {{ debug }}\n", &vars).unwrap();
/// assert_eq!(out, "[libvirt]\nvirt_type = qemu\ndebug = True\n");
///
/// let err = kolla_core::template::render("nova.conf.j2", "a\n\n{{ nova_api_port }}\n", &vars).unwrap_err();
/// assert_eq!(err.to_string(), "nova.conf.j2:3:4: 'nova_api_port' is undefined");
/// ```
///
/// # Errors
/// [`Error::Render`] with the template name and line.
pub fn render(name: &str, source: &str, vars: &serde_json::Value) -> Result<String, Error> {
    render_with(name, source, vars, &RenderOptions::default())
}

/// [`render`] with explicit [`RenderOptions`].
///
/// # Errors
/// As [`render`].
pub fn render_with(
    name: &str,
    source: &str,
    vars: &serde_json::Value,
    opts: &RenderOptions,
) -> Result<String, Error> {
    if !opts.search_path.is_empty() {
        return compile(name, source, opts)?.render(vars);
    }
    let original = source;
    let source = prepare(original);
    let out = shared(opts)
        .render_named_str(name, &source, vars)
        .map_err(|e| wrap(name, &source, Some(original), e, Some(vars), None))?;
    Ok(keep_trailing_newlines(&source, out))
}

/// [`render`] with any serializable context. A context holding
/// `minijinja::Value`s passes them through without copying (a large shared
/// value such as `groups` costs nothing per render); `names` is the same
/// context as JSON, used only to name an undefined variable in errors.
///
/// # Errors
/// As [`render`].
pub fn render_context<S: serde::Serialize>(
    name: &str,
    source: &str,
    ctx: &S,
    names: &serde_json::Value,
) -> Result<String, Error> {
    let original = source;
    let source = prepare(original);
    let out = shared(&RenderOptions::default())
        .render_named_str(name, &source, ctx)
        .map_err(|e| wrap(name, &source, Some(original), e, Some(names), None))?;
    Ok(keep_trailing_newlines(&source, out))
}

/// Ansible never lets a template lose its final newlines: when a block tag
/// at the end swallowed them (`trim_blocks`), they are added back.
fn keep_trailing_newlines(source: &str, mut out: String) -> String {
    let count = |s: &str| s.len() - s.trim_end_matches('\n').len();
    let (want, have) = (count(source), count(&out));
    if want > have {
        out.push_str(&"\n".repeat(want - have));
    }
    out
}

/// Turns a minijinja error into ours: `name:line: message`, with the name
/// of the undefined variable recovered from the failing expression (in an
/// included template, from that template's source in `env`).
fn wrap(
    name: &str,
    source: &str,
    original: Option<&str>,
    e: minijinja::Error,
    vars: Option<&serde_json::Value>,
    env: Option<&Environment<'static>>,
) -> Error {
    // An error inside an included template is wrapped; report the innermost.
    let mut inner = &e;
    while let Some(next) =
        std::error::Error::source(inner).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        inner = next;
    }
    let line = inner.line().unwrap_or(1);
    // An error inside an included template names that template, and its
    // own source holds the failing expression.
    let included;
    let (name, source, original) = match inner.name() {
        Some(n) if n != name => {
            included = env
                .and_then(|env| env.get_template(n).ok())
                .map(|t| t.source().to_string());
            (n.to_string(), included.as_deref(), None)
        }
        _ => (name.to_string(), Some(source), original),
    };
    let mut culprit = None;
    let message = match inner.kind() {
        minijinja::ErrorKind::UndefinedError => {
            culprit = inner
                .range()
                .zip(source)
                .and_then(|(r, source)| undefined_name(source, r, vars));
            match &culprit {
                Some(var) => format!("'{var}' is undefined"),
                None => "a variable is undefined".to_string(),
            }
        }
        // Ansible's words, naming the filter or test.
        kind @ (minijinja::ErrorKind::UnknownFilter | minijinja::ErrorKind::UnknownTest) => {
            let what = if kind == minijinja::ErrorKind::UnknownFilter {
                "filter"
            } else {
                "test"
            };
            match inner
                .detail()
                .and_then(|d| d.strip_prefix(what))
                .and_then(|d| d.strip_suffix(" is unknown"))
            {
                Some(n) => format!("No {what} named '{}'.", n.trim()),
                None => format!("unknown {what}"),
            }
        }
        kind => match inner.detail() {
            Some(d) => format!("{kind}: {d}"),
            None => kind.to_string(),
        },
    };
    let mut location = Location::new(name, line);
    let column = match (&culprit, inner.range().zip(source)) {
        // The column of the variable named, in the failing tag.
        (Some(var), Some((r, src))) => name_column(src, original, r.start, var),
        (None, Some((r, src))) => column_in_original(src, original, culprit_start(src, r.start)),
        _ => None,
    };
    if let Some(col) = column {
        location = location.with_column(col);
    }
    Error::Render {
        location,
        message,
        engine: e,
    }
}

/// The column of the first mention of `var` (its first dotted piece, as a
/// whole word) in the tag around byte `offset` of the prepared text.
fn name_column(prepared: &str, original: Option<&str>, offset: usize, var: &str) -> Option<usize> {
    let head = var.split('.').next()?;
    let before = prepared.get(..offset)?;
    let tag = before
        .rfind("{{")
        .into_iter()
        .chain(before.rfind("{%"))
        .max()?;
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = tag;
    while let Some(p) = prepared.get(from..).and_then(|t| t.find(head)) {
        let at = from + p;
        let end = at + head.len();
        let clear_before = !prepared[..at].ends_with(is_word) && !prepared[..at].ends_with('.');
        let clear_after = !prepared[end..].starts_with(is_word);
        if clear_before && clear_after {
            return column_in_original(prepared, original, at);
        }
        from = end;
    }
    None
}

/// The 1-based column (in characters), in the template as written, of byte
/// `offset` in its prepared text (see [`prepare`], which only inserts
/// characters and never moves a line). Without the text as written, only a
/// line [`prepare`] left alone gets a column.
fn column_in_original(prepared: &str, original: Option<&str>, offset: usize) -> Option<usize> {
    let before = prepared.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let line_no = before.matches('\n').count();
    let prepared_line = prepared[line_start..].split('\n').next()?;
    let prefix = &before[line_start..];
    let Some(original_line) = original.and_then(|o| o.split('\n').nth(line_no)) else {
        let touched = prepared_line.contains(concat::STR_FILTER)
            || prepared_line.contains(concat::CHAIN_FILTER)
            || prepared_line.contains('\\');
        return (!touched).then(|| prefix.chars().count() + 1);
    };
    // Walk the prepared prefix; characters the original lacks were inserted.
    let mut orig = original_line.chars().peekable();
    let mut col = 1;
    for c in prefix.chars() {
        if orig.peek() == Some(&c) {
            orig.next();
            col += 1;
        }
    }
    Some(col)
}

const KEYWORDS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "endfor",
    "in",
    "not",
    "and",
    "or",
    "is",
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "set",
    "endset",
    "with",
    "endwith",
    "macro",
    "endmacro",
    "call",
    "endcall",
    "filter",
    "endfilter",
    "block",
    "endblock",
    "include",
    "import",
    "from",
    "as",
    "recursive",
    "loop",
    "raw",
    "endraw",
    "extends",
    "ignore",
    "missing",
];

/// The variable Ansible would name for an undefined error at `range`: the
/// failing expression itself when it is a (dotted) name, otherwise the first
/// name in the enclosing tag that the variables do not define.
fn undefined_name(
    source: &str,
    range: std::ops::Range<usize>,
    vars: Option<&serde_json::Value>,
) -> Option<String> {
    let start = culprit_start(source, range.start);
    let text = source.get(start..range.end)?.trim();
    let before = source.get(..start)?.trim_end();
    let is_filter_or_test =
        before.ends_with('|') || before.ends_with(" is") || before.ends_with(" not");
    if let Some(path) = lookup_path(text) {
        if !is_filter_or_test && !KEYWORDS.contains(&path[0].as_str()) {
            return Some(first_missing(&path, vars));
        }
    }
    let defined = |n: &str| vars.and_then(|v| v.get(n)).is_some();
    // A failing filter call names what its arguments lack first
    // (`x | default(omit)` fails on `omit`, not on `x`).
    if is_filter_or_test {
        if let Some(args) = text.find('(').and_then(|p| text.get(p + 1..)) {
            if let Some(word) = first_undefined_word(args, &defined) {
                return Some(word);
            }
        }
    }
    // Search the enclosing tag for a name the variables lack.
    let open = before
        .rfind("{{")
        .into_iter()
        .chain(before.rfind("{%"))
        .max()?;
    let tag = source.get(open + 2..range.end)?;
    first_undefined_word(tag, &defined)
}

/// minijinja's span of an attribute lookup starts at the `.` or `[`: the
/// failing expression starts at the name before it (`d.c.nope`, not
/// `.c.nope`).
fn culprit_start(source: &str, start: usize) -> usize {
    match (source.get(..start), source.get(start..)) {
        (Some(head), Some(tail)) if tail.starts_with(['.', '[']) => head
            .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_')
            .len(),
        _ => start,
    }
}

/// `name.attr['key'].attr` as its pieces, or `None` for any other text.
fn lookup_path(text: &str) -> Option<Vec<String>> {
    let ident = |t: &str| -> usize {
        t.char_indices()
            .find(|&(i, c)| !(c.is_alphanumeric() || c == '_') || (i == 0 && c.is_numeric()))
            .map_or(t.len(), |(i, _)| i)
    };
    let n = ident(text);
    if n == 0 {
        return None;
    }
    let mut path = vec![text[..n].to_string()];
    let mut rest = &text[n..];
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let n = ident(r);
            if n == 0 {
                return None;
            }
            path.push(r[..n].to_string());
            rest = &r[n..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let q = r.chars().next()?;
            if q != '\'' && q != '"' {
                return None;
            }
            let end = r[1..].find(q)? + 1;
            path.push(r[1..end].to_string());
            rest = r[end + 1..].strip_prefix(']')?;
        } else {
            return None;
        }
    }
    Some(path)
}

/// The shortest prefix of `path` that the variables do not define, dotted
/// (`d.c.nope` when `d.c` exists); the whole path when its head is not a
/// variable at all (a loop or `set` variable).
fn first_missing(path: &[String], vars: Option<&serde_json::Value>) -> String {
    let mut cur = vars;
    for (i, piece) in path.iter().enumerate() {
        match cur.and_then(|v| v.get(piece.as_str())) {
            Some(next) => cur = Some(next),
            // Not a variable: a loop or `set` name, whose lookups cannot be
            // followed here; the whole expression is what failed.
            None if i == 0 => return path.join("."),
            None => return path[..=i].join("."),
        }
    }
    path.join(".")
}

/// The first name in `tag` that is not a keyword, an attribute, a filter or
/// test name, a string literal's content, or `defined`.
fn first_undefined_word(tag: &str, defined: &dyn Fn(&str) -> bool) -> Option<String> {
    let bytes = tag.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c == '\'' || c == '"' {
            // Skip string literals.
            let end = tag[i + 1..].find(c).map_or(bytes.len(), |p| i + 1 + p + 1);
            i = end;
            continue;
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < bytes.len()
                && ((bytes[i] as char).is_ascii_alphanumeric() || bytes[i] == b'_')
            {
                i += 1;
            }
            let word = &tag[start..i];
            let prev = tag[..start].trim_end();
            let attr_or_filter = prev.ends_with('.')
                || prev.ends_with('|')
                || prev.ends_with(" is")
                || prev.ends_with(" not");
            if !attr_or_filter && !KEYWORDS.contains(&word) && !defined(word) {
                return Some(word.to_string());
            }
            continue;
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(src: &str, vars: serde_json::Value) -> String {
        render("t.j2", src, &vars).unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn python_output_and_trim_blocks() {
        assert_eq!(r("{{ true }} {{ none }} {{ 1.0 }}", json!({})), "True  1.0");
        assert_eq!(
            r("{{ x }}", json!({"x": [1, "a", {"b": null, "c": false}]})),
            "[1, 'a', {'b': None, 'c': False}]"
        );
        assert_eq!(r("[a]\n# {# c #}\nj = 1\n", json!({})), "[a]\n# j = 1\n");
        assert_eq!(r("{% if true %}\nx\n{% endif %}\ny\n", json!({})), "x\ny\n");
        assert_eq!(
            r("{{ '{{' }} {% raw %}{{ x }}{% endraw %}", json!({})),
            "{{ {{ x }}"
        );
    }

    #[test]
    fn lookups_on_undefined_chain_only_for_defined_and_default() {
        let d = json!({"d": {"c": {"x": "y"}}});
        assert_eq!(
            r(
                "{{ d.nope.deeper is defined }} {{ d['nope'].x | d(1) }} {{ d.c.x | default(2) }}",
                d.clone()
            ),
            "False 1 y"
        );
        // Every other use still fails, naming the first missing piece
        // and its column in the template as written.
        assert_eq!(
            r(
                "{{ d.nope.deeper ~ (d.nope.deeper | default(1)) }}",
                d.clone()
            ),
            "ERR t.j2:1:4: 'd.nope' is undefined"
        );
        assert_eq!(
            r("{{ d.c.q.r | default(1) ~ nope }}", d.clone()),
            "ERR t.j2:1:27: 'nope' is undefined"
        );
        assert_eq!(
            r("{% for i in d.nope.deeper %}{% endfor %}", d.clone()),
            "ERR t.j2:1:13: 'd.nope' is undefined"
        );
        // `omit` is not defined in kolla-rs (see docs/deviations.md).
        assert_eq!(
            r("x\n{{ d.nope.deeper | default(omit) }}", d),
            "ERR t.j2:2:28: 'omit' is undefined"
        );
    }

    #[test]
    fn undefined_names_the_variable_and_line() {
        assert_eq!(
            r("a\n{{ nope }}\n", json!({})),
            "ERR t.j2:2:4: 'nope' is undefined"
        );
        assert_eq!(
            r("{{ nope | upper }}", json!({})),
            "ERR t.j2:1:4: 'nope' is undefined"
        );
        assert_eq!(
            r("{% if nope %}x{% endif %}", json!({})),
            "ERR t.j2:1:7: 'nope' is undefined"
        );
        assert_eq!(r("{{ nope | default('d') }}", json!({})), "d");
        for f in [
            "b64encode",
            "bool",
            "to_json",
            "quote",
            "lower",
            "string",
            "int",
        ] {
            assert_eq!(
                r(&format!("x\n{{{{ nope | {f} }}}}"), json!({})),
                "ERR t.j2:2:4: 'nope' is undefined",
                "{f}"
            );
        }
        assert_eq!(r("{{ nope is defined }}", json!({})), "False");
    }

    /// The real culprit, with its column: the missing piece of an
    /// attribute chain, the argument a filter lacks, the unknown filter.
    #[test]
    fn errors_name_the_real_culprit() {
        let vars = json!({"d": {"b": 1, "c": {"x": "y"}}, "s": "str"});
        let cases = [
            ("x{{ d.c.nope }}y", "t.j2:1:5: 'd.c.nope' is undefined"),
            ("x{{ d.nope.deeper }}y", "t.j2:1:5: 'd.nope' is undefined"),
            ("x{{ d['nope'] }}y", "t.j2:1:5: 'd.nope' is undefined"),
            ("a\n  {{ s.nope }}", "t.j2:2:6: 's.nope' is undefined"),
            (
                "x{{ nope | default(omit) }}y",
                "t.j2:1:20: 'omit' is undefined",
            ),
            (
                "a\n{{ s | nosuchfilter }}",
                "t.j2:2:8: No filter named 'nosuchfilter'.",
            ),
            (
                "{{ s is nosuchtest }}",
                "t.j2:1:9: No test named 'nosuchtest'.",
            ),
            (
                "{% for u in [d] %}{{ u.nope }}{% endfor %}",
                "t.j2:1:22: 'u.nope' is undefined",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(r(src, vars.clone()), format!("ERR {want}"), "{src}");
        }
    }

    /// An inline `if` without `else` whose test is false gives Jinja's
    /// Undefined, which Ansible prints as nothing and treats as the empty
    /// string in `~` and string filters (checked against ansible-core
    /// 2.19.14; the golden case `inline-if` holds Ansible's own output).
    #[test]
    fn inline_if_without_else_is_empty() {
        let vars = json!({"flag": "no"});
        let cases = [
            ("x{{ 'a' if flag | bool }}y", "xy"),
            ("x{{ 'a' if not flag | bool }}y", "xay"),
            ("x{{ ('a' if flag | bool) ~ 'b' }}y", "xby"),
            ("x{{ ('a' if flag | bool) | upper }}y", "xy"),
            ("x{{ ('a' if flag | bool) | string }}y", "xy"),
            ("x{{ ('a' if flag | bool) is defined }}y", "xFalsey"),
            (
                "x{% if ('a' if flag | bool) %}T{% else %}F{% endif %}y",
                "xFy",
            ),
            // upstream keystone.conf.j2's `connection =` line has this shape
            ("c = {{ 'a' if flag | bool }}{{ 'b' }}\n", "c = b\n"),
        ];
        for (src, want) in cases {
            assert_eq!(r(src, vars.clone()), want, "{src}");
        }
        // A variable that is really undefined still fails.
        assert_eq!(
            r("{{ ('a' if flag | bool) ~ nope }}", vars),
            "ERR t.j2:1:27: 'nope' is undefined"
        );
    }

    #[test]
    fn includes_come_from_the_search_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("part.j2"), "x = {{ x }}\n").unwrap();
        let opts = RenderOptions {
            search_path: vec![dir.path().join("nope"), dir.path().to_path_buf()],
            ..Default::default()
        };
        // As in Ansible, an included template loses its final newline.
        let out = render_with(
            "t",
            "[a]\n{% include 'part.j2' %}\n",
            &json!({"x": 1}),
            &opts,
        )
        .unwrap();
        assert_eq!(out, "[a]\nx = 1\n");
        let err = render("t", "{% include 'part.j2' %}", &json!({})).unwrap_err();
        assert!(err.to_string().starts_with("t:1:"), "{err}");
        let err = render_with("t", "a\n{% include 'part.j2' %}", &json!({}), &opts).unwrap_err();
        assert_eq!(err.to_string(), "part.j2:1:8: 'x' is undefined");
        let err = render_with("t", "{% include '../part.j2' %}", &json!({}), &opts).unwrap_err();
        assert!(
            err.to_string().starts_with("t:1:4: template not found"),
            "{err}"
        );
    }

    #[test]
    fn concatenation_prints_python_text() {
        let vars = json!({"t": true, "n": null, "l": [1, "a", false], "u": "é"});
        assert_eq!(
            r("{{ t ~ '/' ~ n ~ '/' ~ l ~ u }}", vars.clone()),
            "True/None/[1, 'a', False]é"
        );
        assert_eq!(
            r(
                "{% macro m(x='d' ~ t) %}{{ x ~ n }}{% endmacro %}{{ m() }} {% for i in [t] if (i ~ '') == 'True' %}{{ loop.index ~ i }}{% endfor %}",
                vars.clone()
            ),
            "dTrueNone 1True"
        );
        assert_eq!(
            r("a\n{{ n ~ nope }}", vars),
            "ERR t.j2:2:8: 'nope' is undefined"
        );
    }

    #[test]
    fn lstrip_blocks_is_an_option() {
        let src = "a:\n  {% if true %}\n  b: 1\n  {% endif %}\n";
        let plain = render_with("t", src, &json!({}), &RenderOptions::default()).unwrap();
        let strip = render_with(
            "t",
            src,
            &json!({}),
            &RenderOptions {
                lstrip_blocks: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(plain, "a:\n    b: 1\n  \n");
        assert_eq!(strip, "a:\n  b: 1\n");
    }
}
