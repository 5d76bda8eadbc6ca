//! Rendering for genconfig: the template sets, the per-host variables a
//! template reads, and the caches that make each rendering happen once per
//! distinct input.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::inventory::Inventory;
use crate::template::TemplateSet;
use crate::vars::Context;

/// The embedded config templates, `(name, text)`, named
/// `<service>/<file>` as below `kolla-core/templates/`.
pub fn embedded_templates() -> &'static [(&'static str, &'static str)] {
    super::embedded()
}

/// A [`TemplateSet`] of the embedded config templates, with an operator
/// template directory (same `<service>/<file>` layout) searched first.
///
/// ```
/// let set = kolla_core::genconfig::templates(None);
/// for (name, _) in kolla_core::genconfig::embedded_templates() {
///     assert!(set.contains(name));
/// }
/// ```
pub fn templates(template_dir: Option<&Path>) -> TemplateSet {
    template_set(template_dir, true)
}

/// [`templates`], string literals verbatim or unescaped
/// ([`TemplateSet::with_escapes`]).
fn template_set(template_dir: Option<&Path>, verbatim: bool) -> TemplateSet {
    let mut set = TemplateSet::with_escapes(false, verbatim);
    for (name, text) in super::embedded() {
        set.add_embedded(*name, *text);
    }
    if let Some(dir) = template_dir {
        set.set_override_dir(dir);
    }
    set
}

/// Looks up variable `name` of another inventory host (`hostvars`):
/// `Ok(None)` when it is undefined there.
pub(crate) type HostVarResolver<'c> = dyn Fn(&str, &str) -> crate::Result<Option<Value>> + 'c;

/// One host's variables for one container: the overlay (`item`,
/// `service_name`, `project_name`) over the host's Context.
pub(crate) struct HostEnv<'c> {
    ctx: &'c Context<'c>,
    overlay: Map<String, Value>,
    hostvars: &'c HostVarResolver<'c>,
}

impl<'c> HostEnv<'c> {
    pub(crate) fn new(
        ctx: &'c Context<'c>,
        overlay: Map<String, Value>,
        hostvars: &'c HostVarResolver<'c>,
    ) -> Self {
        HostEnv {
            ctx,
            overlay,
            hostvars,
        }
    }

    /// The same host with `key` set to `value` (a loop's `item`).
    pub(crate) fn with(&self, vars: &[(&str, Value)]) -> HostEnv<'c> {
        let mut overlay = self.overlay.clone();
        for (k, v) in vars {
            overlay.insert((*k).to_string(), v.clone());
        }
        HostEnv {
            ctx: self.ctx,
            overlay,
            hostvars: self.hostvars,
        }
    }

    /// The value of `name`: `Ok(None)` when it is undefined.
    fn get(&self, name: &str) -> crate::Result<Option<Value>> {
        if let Some(v) = self.overlay.get(name) {
            return Ok(Some(v.clone()));
        }
        match self.ctx.get(name) {
            Ok(v) => Ok(Some(v)),
            Err(crate::Error::Vars(crate::vars::Error::Render {
                message, name: n, ..
            })) if n == name && message == "is undefined" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A variable as a string (its Python `str()` for other values).
    pub(crate) fn get_str(&self, name: &str) -> Option<String> {
        match self.get(name).ok()?? {
            Value::String(s) => Some(s),
            v => Some(crate::pycompat::py_str(&v)),
        }
    }
}

/// Which template set a name belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Set {
    /// The config templates.
    Templates,
    /// The config templates rendered as the `template` module does
    /// (string literals unescaped).
    TemplatesPlain,
    /// Inline strings (paths, expressions, config.json fields).
    Inline,
    /// Operator files merged through merge_configs / merge_yaml (`lstrip_blocks`).
    FilesLstrip,
    /// Operator files used whole.
    FilesPlain,
}

/// A 128-bit hash key.
type Hash128 = (u64, u64);

/// The variables each template reads, by set and name.
type VarsCache = HashMap<(Set, String), Arc<[String]>>;

/// Template sets and caches of one genconfig run.
pub(crate) struct Renderer {
    templates: TemplateSet,
    templates_plain: TemplateSet,
    template_dir: Option<PathBuf>,
    inline: RefCell<TemplateSet>,
    files_lstrip: RefCell<TemplateSet>,
    files_plain: RefCell<TemplateSet>,
    groups: minijinja::Value,
    containers: minijinja::Value,
    hostvars: Arc<crate::vars::hostvars::HostVarsData>,
    vars: RefCell<VarsCache>,
    renders_cache: RefCell<HashMap<(u64, u64), Arc<str>>>,
    merged_cache: RefCell<HashMap<Hash128, Arc<[u8]>>>,
    files: RefCell<HashMap<String, Option<Arc<str>>>>,
    names: RefCell<HashMap<(String, String), Option<String>>>,
    renders: Cell<usize>,
    buf: RefCell<Vec<u8>>,
}

/// A template set, borrowed.
enum SetRef<'a> {
    Plain(&'a TemplateSet),
    Cell(std::cell::Ref<'a, TemplateSet>),
}

impl std::ops::Deref for SetRef<'_> {
    type Target = TemplateSet;

    fn deref(&self) -> &TemplateSet {
        match self {
            SetRef::Plain(s) => s,
            SetRef::Cell(s) => s,
        }
    }
}

/// Two independent 64-bit hashes, one 128-bit key.
struct Key {
    a: std::collections::hash_map::DefaultHasher,
    b: foldhash::quality::FoldHasher<'static>,
}

impl Key {
    fn new() -> Key {
        Key {
            a: std::collections::hash_map::DefaultHasher::new(),
            b: foldhash::quality::FixedState::with_seed(0x6b6f6c6c61).build_hasher(),
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        b.hash(&mut self.a);
        b.hash(&mut self.b);
    }

    fn finish(&self) -> (u64, u64) {
        (self.a.finish(), self.b.finish())
    }
}

impl Renderer {
    pub(crate) fn new(
        template_dir: Option<&Path>,
        inventory: &Inventory,
        containers: Value,
    ) -> Renderer {
        let mut groups = serde_json::Map::new();
        for g in inventory.groups() {
            let hosts = inventory.hosts_of(g).unwrap_or_default();
            groups.insert(
                g.to_string(),
                Value::Array(hosts.iter().map(|h| Value::String(h.to_string())).collect()),
            );
        }
        Renderer {
            templates: templates(template_dir),
            templates_plain: template_set(template_dir, false),
            template_dir: template_dir.map(Path::to_path_buf),
            inline: RefCell::new(TemplateSet::new()),
            files_lstrip: RefCell::new(TemplateSet::with_options(true)),
            files_plain: RefCell::new(TemplateSet::with_escapes(false, false)),
            groups: minijinja::Value::from_serialize(Value::Object(groups)),
            containers: minijinja::Value::from_serialize(containers),
            hostvars: Arc::new(crate::vars::hostvars::HostVarsData::new(
                inventory.hosts().into_iter().map(str::to_string).collect(),
            )),
            vars: RefCell::default(),
            renders_cache: RefCell::default(),
            merged_cache: RefCell::default(),
            files: RefCell::default(),
            names: RefCell::default(),
            renders: Cell::new(0),
            buf: RefCell::default(),
        }
    }

    /// How many config template renderings were done (cache misses).
    pub(crate) fn renders(&self) -> usize {
        self.renders.get()
    }

    /// The full name of template `name` of `service`: `<service>/<name>`,
    /// else `name` itself, if such a template exists.
    pub(crate) fn template_name(&self, service: &str, name: &str) -> Option<String> {
        let key = (service.to_string(), name.to_string());
        if let Some(v) = self.names.borrow().get(&key) {
            return v.clone();
        }
        let full = format!("{service}/{name}");
        let found = if self.templates.contains(&full) {
            Some(full)
        } else if !name.starts_with('/') && self.templates.contains(name) {
            Some(name.to_string())
        } else {
            None
        };
        self.names.borrow_mut().insert(key, found.clone());
        found
    }

    /// A template's text as written (for `copy` entries).
    pub(crate) fn template_text(&self, full: &str) -> crate::Result<Arc<str>> {
        if let Some(dir) = &self.template_dir {
            let path = dir.join(full);
            if let Some(text) = self.read_file(&path.display().to_string())? {
                return Ok(text);
            }
        }
        Ok(super::embedded()
            .iter()
            .find(|(n, _)| *n == full)
            .map(|(_, t)| Arc::from(*t))
            .unwrap_or_else(|| Arc::from("")))
    }

    /// Renders config template `full` for the host.
    /// `plain`: as Ansible's `template` module renders it (string literals
    /// unescaped), else as `merge_configs` / `merge_yaml` do.
    pub(crate) fn render_template(
        &self,
        env: &HostEnv<'_>,
        full: &str,
        plain: bool,
    ) -> crate::Result<Arc<str>> {
        let which = if plain {
            Set::TemplatesPlain
        } else {
            Set::Templates
        };
        self.render(which, full, env)
    }

    /// Renders a string of the catalog (a path, an expression); a string
    /// without Jinja is itself.
    /// Renders an expression of the catalog to a typed value (as Ansible's
    /// native types read a rendering: lists, mappings, numbers, booleans).
    pub(crate) fn render_value(&self, env: &HostEnv<'_>, s: &str) -> crate::Result<Value> {
        let text = self.render_str(env, s)?;
        Ok(crate::pycompat::literal::parse_value(&text))
    }

    pub(crate) fn render_str(&self, env: &HostEnv<'_>, s: &str) -> crate::Result<Arc<str>> {
        if !s.contains("{{") && !s.contains("{%") {
            return Ok(Arc::from(s));
        }
        {
            let mut inline = self.inline.borrow_mut();
            if !inline.contains(s) {
                inline.add_embedded(s, s);
            }
        }
        self.render(Set::Inline, s, env)
    }

    /// Renders an operator file (its text already read) for the host.
    pub(crate) fn render_file(
        &self,
        env: &HostEnv<'_>,
        path: &str,
        text: &Arc<str>,
        lstrip: bool,
    ) -> crate::Result<Arc<str>> {
        if !has_template_syntax(text) {
            return Ok(Arc::clone(text));
        }
        let (set, which) = if lstrip {
            (&self.files_lstrip, Set::FilesLstrip)
        } else {
            (&self.files_plain, Set::FilesPlain)
        };
        {
            let mut set = set.borrow_mut();
            if !set.contains(path) {
                set.add_embedded(path, &**text);
            }
        }
        self.render(which, path, env)
    }

    /// An operator file's text (universal newlines), read once; `None`
    /// when it cannot be opened (missing or unreadable: skipped, as
    /// upstream's plugins do).
    ///
    /// Errors: a directory (upstream fails the same way), a file that is
    /// not UTF-8.
    pub(crate) fn read_file(&self, path: &str) -> crate::Result<Option<Arc<str>>> {
        if let Some(v) = self.files.borrow().get(path) {
            return Ok(v.clone());
        }
        let v = match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| {
                    crate::IoError::new(
                        path,
                        std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
                    )
                })?;
                Some(Arc::from(crate::source::universal_newlines(&text).as_ref()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::IsADirectory => {
                return Err(crate::source::Error::Directory {
                    path: path.to_string(),
                }
                .into())
            }
            Err(_) => None,
        };
        self.files.borrow_mut().insert(path.to_string(), v.clone());
        Ok(v)
    }

    /// The merge of `sources`, computed once per distinct list of sources.
    pub(crate) fn merged(
        &self,
        sources: &[(&str, &Arc<str>)],
        merge: impl FnOnce() -> crate::Result<Vec<u8>>,
    ) -> crate::Result<Arc<[u8]>> {
        let mut key = Key::new();
        for (n, t) in sources {
            key.bytes(n.as_bytes());
            key.bytes(t.as_bytes());
        }
        let key = key.finish();
        if let Some(v) = self.merged_cache.borrow().get(&key) {
            return Ok(Arc::clone(v));
        }
        let out: Arc<[u8]> = Arc::from(merge()?);
        self.merged_cache.borrow_mut().insert(key, Arc::clone(&out));
        Ok(out)
    }

    fn set(&self, which: Set) -> SetRef<'_> {
        match which {
            Set::Templates => SetRef::Plain(&self.templates),
            Set::TemplatesPlain => SetRef::Plain(&self.templates_plain),
            Set::Inline => SetRef::Cell(self.inline.borrow()),
            Set::FilesLstrip => SetRef::Cell(self.files_lstrip.borrow()),
            Set::FilesPlain => SetRef::Cell(self.files_plain.borrow()),
        }
    }

    fn variables(&self, which: Set, name: &str) -> crate::Result<Arc<[String]>> {
        let key = (which, name.to_string());
        if let Some(v) = self.vars.borrow().get(&key) {
            return Ok(Arc::clone(v));
        }
        let v: Arc<[String]> = Arc::from(self.set(which).variables(name)?);
        self.vars.borrow_mut().insert(key, Arc::clone(&v));
        Ok(v)
    }

    /// Renders `name` of set `which` with the variables it reads, once per
    /// distinct set of their values.
    fn render(&self, which: Set, name: &str, env: &HostEnv<'_>) -> crate::Result<Arc<str>> {
        let names = self.variables(which, name)?;
        let mut key = Key::new();
        key.bytes(&[which as u8]);
        key.bytes(name.as_bytes());
        let mut values: Vec<(&str, Option<Value>)> = Vec::with_capacity(names.len());
        let mut first_err = None;
        {
            let mut buf = self.buf.borrow_mut();
            for n in names.iter() {
                key.bytes(n.as_bytes());
                if matches!(n.as_str(), "groups" | "hostvars" | "genconfig_containers")
                    && !env.overlay.contains_key(n.as_str())
                {
                    // The same for every host of the run.
                    values.push((n, None));
                    key.bytes(b"\x01");
                    continue;
                }
                match env.get(n) {
                    Ok(Some(v)) => {
                        buf.clear();
                        serde_json::to_writer(&mut *buf, &v).expect("JSON values serialise");
                        key.bytes(&buf);
                        values.push((n, Some(v)));
                    }
                    Ok(None) => key.bytes(b"\x00"),
                    Err(e) => {
                        key.bytes(b"\x00");
                        first_err.get_or_insert(e);
                    }
                }
            }
        }
        let key = key.finish();
        if let Some(v) = self.renders_cache.borrow().get(&key) {
            return Ok(Arc::clone(v));
        }
        let mut ctx: indexmap::IndexMap<&str, minijinja::Value> =
            indexmap::IndexMap::with_capacity(values.len());
        for (n, v) in &values {
            match v {
                Some(v) => {
                    ctx.insert(n, minijinja::Value::from_serialize(v));
                }
                None if *n == "groups" => {
                    ctx.insert(n, self.groups.clone());
                }
                None if *n == "genconfig_containers" => {
                    ctx.insert(n, self.containers.clone());
                }
                None if *n == "hostvars" => {
                    ctx.insert(n, crate::vars::hostvars::value(&self.hostvars));
                }
                None => {}
            }
        }
        let mut out = self.set(which).render(name, &ctx);
        if matches!(which, Set::Templates | Set::TemplatesPlain) {
            self.renders.set(self.renders.get() + 1);
        }
        // Other hosts' variables read for the first time: resolve, render again.
        for _ in 0..64 {
            let misses = self.hostvars.take_misses();
            if misses.is_empty() {
                break;
            }
            for (host, var) in misses {
                let v = (env.hostvars)(&host, &var)?;
                self.hostvars.insert(host, var, v);
            }
            out = self.set(which).render(name, &ctx);
        }
        let out: Arc<str> = match (out, first_err) {
            (Ok(s), _) => Arc::from(s),
            (Err(_), Some(e)) => return Err(e),
            (Err(e), None) => return Err(e.into()),
        };
        self.renders_cache
            .borrow_mut()
            .insert(key, Arc::clone(&out));
        Ok(out)
    }
}

fn has_template_syntax(text: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices('{')
        .any(|(i, _)| matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')))
}
