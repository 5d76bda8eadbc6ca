//! Templates parsed once and rendered many times: [`TemplateSet`].
//!
//! genconfig renders thousands of files from a few hundred templates. A
//! set holds one environment (filters, tests and settings registered once)
//! and loads each template the first time it is named, from the operator's
//! override directory if it has the file, else from the templates embedded
//! in the program; the parsed template is kept and every later render
//! (and every `{% include %}` of it) reuses it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use minijinja::Environment;

use super::{environment_with, keep_trailing_newlines, template_file, wrap};
use super::{Error, RenderOptions};

/// Where a set's templates come from, shared with its loader.
#[derive(Default)]
struct Sources {
    embedded: RwLock<HashMap<String, String>>,
    override_dir: RwLock<Option<PathBuf>>,
    parsed: AtomicUsize,
}

/// A set of templates: one environment configured like Ansible's, embedded
/// templates, and an operator override directory searched first.
///
/// ```
/// use kolla_core::template::TemplateSet;
/// let mut set = TemplateSet::new();
/// set.add_embedded("memcached.json.j2", "{\"command\": \"memcached -p {{ port }}\"}\n");
/// set.add_embedded("port.j2", "{% include 'memcached.json.j2' %}");
/// for port in [11211, 11212] {
///     let out = set.render("memcached.json.j2", &serde_json::json!({"port": port}))?;
///     assert_eq!(out, format!("{{\"command\": \"memcached -p {port}\"}}\n"));
/// }
/// set.render("port.j2", &serde_json::json!({"port": 1}))?;
/// assert_eq!(set.parsed(), 2); // each template parsed once
///
/// // An operator's file of the same name wins over the embedded one.
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("memcached.json.j2"), "custom {{ port }}\n")?;
/// let mut set = TemplateSet::new();
/// set.add_embedded("memcached.json.j2", "embedded\n");
/// set.set_override_dir(dir.path());
/// assert_eq!(set.render("memcached.json.j2", &serde_json::json!({"port": 7}))?, "custom 7\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TemplateSet {
    env: Environment<'static>,
    sources: Arc<Sources>,
}

impl std::fmt::Debug for TemplateSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TemplateSet")
            .field("parsed", &self.parsed())
            .finish()
    }
}

impl Default for TemplateSet {
    fn default() -> Self {
        Self::new()
    }
}

impl TemplateSet {
    /// An empty set rendering as Ansible's `template` module does
    /// (`lstrip_blocks` off).
    pub fn new() -> Self {
        Self::with_options(false)
    }

    /// An empty set; `lstrip_blocks` as [`RenderOptions::lstrip_blocks`].
    pub fn with_options(lstrip_blocks: bool) -> Self {
        Self::with_escapes(lstrip_blocks, true)
    }

    /// An empty set; `lstrip_blocks` as [`RenderOptions::lstrip_blocks`];
    /// `verbatim`: string literals keep their backslashes as written (how
    /// Ansible templates variables and `merge_configs`/`merge_yaml`
    /// sources), else Jinja unescapes them (the `template` module).
    pub fn with_escapes(lstrip_blocks: bool, verbatim: bool) -> Self {
        let mut env = environment_with(&RenderOptions {
            lstrip_blocks,
            search_path: Vec::new(),
        });
        let sources = Arc::new(Sources::default());
        let shared = Arc::clone(&sources);
        env.set_loader(move |name: &str| {
            let text = match load(&shared, name)? {
                Some(text) => text,
                None => return Ok(None),
            };
            shared.parsed.fetch_add(1, Ordering::Relaxed);
            Ok(Some(super::prepare_with(&text, verbatim).into_owned()))
        });
        TemplateSet { env, sources }
    }

    /// Adds (or replaces) an embedded template.
    pub fn add_embedded(&mut self, name: impl Into<String>, source: impl Into<String>) {
        let name = name.into();
        self.env.remove_template(&name);
        self.sources
            .embedded
            .write()
            .expect("template set lock")
            .insert(name, source.into());
    }

    /// Sets the operator override directory: a template found there (by
    /// its name, `/`-separated, no `..`) wins over the embedded one.
    pub fn set_override_dir(&mut self, dir: impl Into<PathBuf>) {
        self.env.clear_templates();
        *self
            .sources
            .override_dir
            .write()
            .expect("template set lock") = Some(dir.into());
    }

    /// How many templates have been parsed so far (each at most once).
    pub fn parsed(&self) -> usize {
        self.sources.parsed.load(Ordering::Relaxed)
    }

    /// Whether a template called `name` exists (in the override directory
    /// or embedded).
    pub fn contains(&self, name: &str) -> bool {
        matches!(load(&self.sources, name), Ok(Some(_)))
    }

    /// The names of the embedded templates, sorted.
    pub fn embedded_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .sources
            .embedded
            .read()
            .expect("template set lock")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    /// The top-level variables the template `name` reads (its undeclared
    /// variables, and those of the templates it includes, imports or
    /// extends by a literal name), sorted.
    ///
    /// ```
    /// let mut set = kolla_core::template::TemplateSet::new();
    /// set.add_embedded("a.j2", "{% set x = 1 %}{{ x }}{{ b.c }}{% include 'i.j2' %}");
    /// set.add_embedded("i.j2", "{% for k in ks %}{{ k }}{{ d }}{% endfor %}");
    /// assert_eq!(set.variables("a.j2")?, ["b", "d", "ks"]);
    /// # Ok::<(), kolla_core::template::Error>(())
    /// ```
    ///
    /// # Errors
    /// The template (or an included one) is missing or does not parse.
    pub fn variables(&self, name: &str) -> Result<Vec<String>, Error> {
        let mut seen = std::collections::HashSet::new();
        let mut out = std::collections::BTreeSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(n) = todo.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            let t = self
                .env
                .get_template(&n)
                .map_err(|e| wrap(&n, "", None, e, None, Some(&self.env)))?;
            out.extend(t.undeclared_variables(false));
            out.extend(
                super::kolla::implicit_variables(t.source())
                    .iter()
                    .map(|s| s.to_string()),
            );
            todo.extend(literal_includes(t.source()));
        }
        Ok(out.into_iter().collect())
    }

    /// Renders the template `name` with `ctx` (any serializable value;
    /// usually a JSON object).
    ///
    /// # Errors
    /// [`Error::Render`] naming the template and line: the template does
    /// not exist, does not parse, or fails to render (e.g. an undefined
    /// variable, named in the message).
    pub fn render<S: serde::Serialize>(&self, name: &str, ctx: &S) -> Result<String, Error> {
        let wrap_e = |source: &str, e| {
            let vars = serde_json::to_value(ctx).ok();
            wrap(name, source, None, e, vars.as_ref(), Some(&self.env))
        };
        let template = self.env.get_template(name).map_err(|e| wrap_e("", e))?;
        let out = template
            .render(ctx)
            .map_err(|e| wrap_e(template.source(), e))?;
        Ok(keep_trailing_newlines(template.source(), out))
    }
}

/// The template names a source includes, imports or extends literally
/// (`{% include 'x.j2' %}`, `{% from "m.j2" import y %}`).
fn literal_includes(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(p) = rest.find("{%") {
        rest = &rest[p + 2..];
        let end = rest.find("%}").unwrap_or(rest.len());
        let tag = rest[..end].trim_start_matches(['-', '+']).trim_start();
        let word = tag.split_whitespace().next().unwrap_or("");
        if matches!(word, "include" | "import" | "from" | "extends") {
            let body = &tag[word.len()..];
            if let Some(q) = body.find(['\'', '"']) {
                let quote = &body[q..q + 1];
                if let Some(len) = body[q + 1..].find(quote) {
                    out.push(body[q + 1..q + 1 + len].to_string());
                }
            }
        }
        rest = &rest[end..];
    }
    out
}

/// The text of `name`: the override directory's file, else the embedded one.
fn load(sources: &Sources, name: &str) -> Result<Option<String>, minijinja::Error> {
    let dir = sources
        .override_dir
        .read()
        .expect("template set lock")
        .clone();
    if let Some(file) = dir.and_then(|d| template_file(&d, name)) {
        match std::fs::read_to_string(&file) {
            Ok(text) => return Ok(Some(text)),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                ) => {}
            Err(e) => {
                return Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!("cannot read template {}: {e}", file.display()),
                ))
            }
        }
    }
    Ok(sources
        .embedded
        .read()
        .expect("template set lock")
        .get(name)
        .cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_template_is_parsed_once() {
        let mut set = TemplateSet::new();
        set.add_embedded("a.j2", "{% include 'b.j2' %}|{{ x }}\n");
        set.add_embedded("b.j2", "b{{ x }}");
        set.add_embedded("never.j2", "{{ x }}");
        for x in 0..100 {
            assert_eq!(
                set.render("a.j2", &json!({"x": x})).unwrap(),
                format!("b{x}|{x}\n")
            );
            assert_eq!(
                set.render("b.j2", &json!({"x": x})).unwrap(),
                format!("b{x}")
            );
        }
        // 200 renders and 100 includes: two parses, and none for a template
        // never rendered.
        assert_eq!(set.parsed(), 2);
        // Replacing a template parses the new text once.
        set.add_embedded("b.j2", "B{{ x }}");
        assert_eq!(set.render("a.j2", &json!({"x": 1})).unwrap(), "B1|1\n");
        assert_eq!(set.render("a.j2", &json!({"x": 2})).unwrap(), "B2|2\n");
        assert_eq!(set.parsed(), 3);
    }

    /// Ansible's `template` module unescapes Jinja string literals; its
    /// variables and merge_configs/merge_yaml sources keep them as written.
    #[test]
    fn string_literal_escapes_per_mode() {
        let src = "{{ 'a\\nb' }}|{{ '\\\\d' }}";
        let mut plain = TemplateSet::with_escapes(false, false);
        plain.add_embedded("t", src);
        assert_eq!(plain.render("t", &json!({})).unwrap(), "a\nb|\\d");
        let mut verbatim = TemplateSet::new();
        verbatim.add_embedded("t", src);
        assert_eq!(verbatim.render("t", &json!({})).unwrap(), "a\\nb|\\\\d");
    }

    #[test]
    fn overrides_win_and_errors_name_the_template() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("nova")).unwrap();
        std::fs::write(
            dir.path().join("nova/nova.conf.j2"),
            "[DEFAULT]\n{{ nope }}\n",
        )
        .unwrap();
        let mut set = TemplateSet::new();
        set.add_embedded("nova/nova.conf.j2", "[DEFAULT]\n");
        set.add_embedded("keystone.conf.j2", "{{ true }}\n");
        set.set_override_dir(dir.path());
        let err = set.render("nova/nova.conf.j2", &json!({})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "nova/nova.conf.j2:2:4: 'nope' is undefined"
        );
        assert_eq!(
            set.render("keystone.conf.j2", &json!({})).unwrap(),
            "True\n"
        );
        assert!(set.render("missing.j2", &json!({})).is_err());
    }
}
