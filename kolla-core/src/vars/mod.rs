//! Kolla's variable model: one [`Context`] per host.
//!
//! Layers, lowest first, as Ansible orders them for a kolla-ansible run:
//!
//! 1. defaults: what kolla-ansible keeps in `group_vars/all` and role
//!    defaults, for the variables the catalog uses (`catalog/defaults.yml`);
//! 2. the inventory's group and host variables (`group_vars/`, `host_vars/`);
//! 3. host facts (`ansible_*`): read from this machine for a local host,
//!    else from Ansible's JSON fact cache (`--facts DIR`);
//! 4. `globals.yml`, 5. `passwords.yml` (secret), 6. `-e` extra vars.
//!
//! Values are Jinja strings as Ansible keeps them; [`Context::get`] renders
//! them lazily, following references, through the crate's template engine.
//!
//! ```
//! use kolla_core::{inventory::Inventory, vars::Inputs};
//! let inv = Inventory::from_ini("inv", "[control]\nctl1\n").unwrap();
//! let mut inputs = Inputs::new().unwrap();
//! inputs.add_extra("enable_openstack_core=no").unwrap();
//! let hosts = inventory_hosts(&inv);
//! # fn inventory_hosts(inv: &Inventory) -> Vec<kolla_core::inventory::ResolvedHost<'_>> { inv.resolve_all() }
//! let ctx = inputs.context(&hosts[0]);
//! assert!(!ctx.get_bool("enable_keystone").unwrap());
//! assert!(ctx.get_bool("enable_memcached").unwrap());
//! # Ok::<(), kolla_core::Error>(())
//! ```

mod facts;
pub(crate) mod hostvars;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::inventory::ResolvedHost;
use crate::template::Vars;

pub use facts::{local_facts, Facts};

/// How deep variable references may nest before it counts as a loop.
const MAX_DEPTH: usize = 64;

/// Errors of the variable model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A host fact a variable needs was not given.
    #[error("host {host}: fact `{fact}` is needed{} but no facts were given for it (pass --facts DIR with Ansible's fact cache, or set the variable in the inventory)", needed_for(.variable))]
    MissingFact {
        /// The inventory host.
        host: String,
        /// The fact (`ansible_eth0.ipv4.address`).
        fact: String,
        /// The variable that needs it.
        variable: Option<String>,
    },
    /// A variable refers to itself through its references.
    #[error("host {host}: variable `{name}` refers to itself ({chain})")]
    Loop {
        /// The inventory host.
        host: String,
        /// The variable.
        name: String,
        /// The reference chain.
        chain: String,
    },
    /// A variable's template failed to render.
    #[error("host {host}: variable `{name}`: {message}")]
    Render {
        /// The inventory host.
        host: String,
        /// The variable (or expression) being rendered.
        name: String,
        /// The template error, secrets redacted.
        message: String,
    },
    /// A fact cache file is not valid JSON.
    #[error("{path}: invalid fact cache file: {message}")]
    FactFile {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn needed_for(v: &Option<String>) -> String {
    v.as_ref()
        .map(|v| format!(" for `{v}`"))
        .unwrap_or_default()
}

/// The cloud-wide inputs: defaults, globals, passwords, extra vars, facts.
#[derive(Debug, Clone)]
pub struct Inputs {
    defaults: Map<String, Value>,
    globals: Map<String, Value>,
    passwords: Map<String, Value>,
    extra: Map<String, Value>,
    facts_dir: Option<PathBuf>,
    groups: Option<Value>,
    /// `groups` as the template engine holds it, converted once on first
    /// use and shared by every render (it is as large as the inventory).
    groups_jinja: std::sync::OnceLock<minijinja::Value>,
    /// Renderings of variable strings, shared by every host's Context:
    /// (string, variables) to value.
    render_cache: std::sync::Arc<std::sync::Mutex<HashMap<(u64, u64), Value>>>,
}

/// Which layer a variable's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// Kolla's defaults.
    Defaults,
    /// Inventory group or host variables.
    Inventory,
    /// Host facts.
    Facts,
    /// `globals.yml`.
    Globals,
    /// `passwords.yml` (secret).
    Passwords,
    /// `-e` extra vars.
    Extra,
    /// Magic variables (`inventory_hostname`, `group_names`).
    Magic,
}

impl Inputs {
    /// Kolla's defaults only.
    ///
    /// # Errors
    /// The embedded defaults are invalid (a build defect).
    pub fn new() -> crate::Result<Inputs> {
        let defaults =
            match crate::yaml::load("catalog/defaults.yml", crate::catalog::DEFAULTS_YML)? {
                Value::Object(m) => m,
                _ => Map::new(),
            };
        Ok(Inputs {
            defaults,
            globals: Map::new(),
            passwords: Map::new(),
            extra: Map::new(),
            facts_dir: None,
            groups: None,
            groups_jinja: std::sync::OnceLock::new(),
            render_cache: Default::default(),
        })
    }

    /// Adds a `globals.yml`.
    ///
    /// # Errors
    /// Unreadable or invalid YAML (with its line), or not a mapping.
    pub fn add_globals(&mut self, path: &Path) -> crate::Result<()> {
        self.globals.extend(load_map(path)?);
        Ok(())
    }

    /// Adds a `passwords.yml`; its values are secret.
    ///
    /// # Errors
    /// As [`Inputs::add_globals`].
    pub fn add_passwords(&mut self, path: &Path) -> crate::Result<()> {
        self.passwords.extend(load_map(path)?);
        Ok(())
    }

    /// Adds one `-e` argument (`K=V ...`, `@FILE`, or a YAML/JSON mapping).
    ///
    /// # Errors
    /// A malformed argument.
    pub fn add_extra(&mut self, arg: &str) -> crate::Result<()> {
        let mut v = Vars::new();
        v.add_extra(arg)?;
        if let Value::Object(m) = v.into_value() {
            self.extra.extend(m);
        }
        Ok(())
    }

    /// Sets one variable in the extra-vars layer (highest precedence), as
    /// `-e` would, without parsing.
    pub fn set_extra(&mut self, key: &str, value: Value) {
        self.extra.insert(key.to_string(), value);
    }

    /// The secret values (every non-empty string of `passwords.yml`,
    /// and the strings nested in its mappings), for redaction.
    pub fn secret_values(&self) -> Vec<&str> {
        fn walk<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
            match v {
                Value::String(s) if !s.is_empty() => out.push(s),
                Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                Value::Object(m) => m.values().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        self.passwords.values().for_each(|v| walk(v, &mut out));
        // Longest first, so a secret containing another is replaced whole.
        out.sort_by_key(|s| std::cmp::Reverse(s.len()));
        out
    }

    /// Sets one variable in the defaults layer (lowest precedence).
    pub fn set_default(&mut self, key: &str, value: Value) {
        self.defaults.insert(key.to_string(), value);
    }

    /// Reads facts of non-local hosts from Ansible's JSON fact cache in `dir`.
    pub fn set_facts_dir(&mut self, dir: &Path) {
        self.facts_dir = Some(dir.to_path_buf());
    }

    /// Makes the inventory's `groups` (group to hosts) visible to templates.
    pub fn set_inventory(&mut self, inventory: &crate::inventory::Inventory) {
        let mut m = Map::new();
        for g in inventory.groups() {
            let hosts = inventory.hosts_of(g).unwrap_or_default();
            m.insert(
                g.to_string(),
                Value::Array(
                    hosts
                        .into_iter()
                        .map(|h| Value::String(h.to_string()))
                        .collect(),
                ),
            );
        }
        self.groups = Some(Value::Object(m));
        self.groups_jinja = std::sync::OnceLock::new();
        self.render_cache = Default::default();
    }

    /// Whether [`Inputs::set_inventory`] was called.
    pub fn has_inventory(&self) -> bool {
        self.groups.is_some()
    }

    /// Whether `name` is a secret (it comes from `passwords.yml`).
    pub fn is_secret(&self, name: &str) -> bool {
        self.passwords.contains_key(name)
    }

    /// The defaults layer (every variable kolla-rs knows a default for).
    pub fn defaults(&self) -> &Map<String, Value> {
        &self.defaults
    }

    /// The per-host Context of one inventory host.
    pub fn context<'a>(&'a self, host: &'a ResolvedHost<'a>) -> Context<'a> {
        Context {
            inputs: self,
            host,
            facts: RefCell::new(None),
            cache: RefCell::new(HashMap::new()),
            peers: None,
            hostvars: std::sync::OnceLock::new(),
        }
    }

    /// A value from the cloud-wide layers only (no inventory, no facts), in
    /// precedence order.
    fn cloud(&self, name: &str) -> Option<(&Value, Layer)> {
        self.extra
            .get(name)
            .map(|v| (v, Layer::Extra))
            .or_else(|| self.passwords.get(name).map(|v| (v, Layer::Passwords)))
            .or_else(|| self.globals.get(name).map(|v| (v, Layer::Globals)))
    }
}

fn load_map(path: &Path) -> crate::Result<Map<String, Value>> {
    let mut v = Vars::new();
    v.add_file(path)?;
    match v.into_value() {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// One host's variables, layered and resolved lazily.
#[derive(Debug)]
pub struct Context<'a> {
    inputs: &'a Inputs,
    host: &'a ResolvedHost<'a>,
    facts: RefCell<Option<Option<Facts>>>,
    cache: RefCell<HashMap<String, Value>>,
    /// Every inventory host, for `hostvars` ([`Context::with_peers`]).
    peers: Option<&'a [ResolvedHost<'a>]>,
    /// `hostvars` as this host's renderings see it: each (host, variable)
    /// is resolved once per Context.
    hostvars: std::sync::OnceLock<std::sync::Arc<hostvars::HostVarsData>>,
}

/// Most Contexts nested through `hostvars` at once on this thread (a
/// variable reading itself through another host).
const MAX_PEER_DEPTH: usize = 16;

thread_local! {
    static PEER_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'a> Context<'a> {
    /// The inventory host name.
    pub fn host(&self) -> &str {
        self.host.name
    }

    /// The same Context with `hostvars` available to its variables: the
    /// variables of every host of `peers` (the inventory's resolved hosts),
    /// each resolved on first use through that host's own Context.
    pub fn with_peers(mut self, peers: &'a [ResolvedHost<'a>]) -> Self {
        self.peers = Some(peers);
        self
    }

    /// Variable `var` of inventory host `host` (`hostvars[host][var]`):
    /// `Ok(None)` when it is undefined there.
    fn peer_var(
        &self,
        host: &str,
        var: &str,
        stack: &mut Vec<String>,
    ) -> crate::Result<Option<Value>> {
        let defined = |r: crate::Result<Value>| match r {
            Ok(v) => Ok(Some(v)),
            Err(crate::Error::Vars(Error::Render { message, .. })) if message == "is undefined" => {
                Ok(None)
            }
            Err(e) => Err(e),
        };
        if host == self.host.name {
            if var == "ansible_facts" {
                return Ok(self.ansible_facts());
            }
            return defined(self.resolve(var, stack));
        }
        let Some(peers) = self.peers else {
            return Ok(None);
        };
        let Some(peer) = peers.iter().find(|h| h.name == host) else {
            return Ok(None);
        };
        // A Context of its own (kept out of `self` so Context stays
        // covariant); repeated lookups hit `self.hostvars` and the shared
        // render cache.
        let ctx = self.inputs.context(peer).with_peers(peers);
        let depth = PEER_DEPTH.with(|d| d.get());
        if depth >= MAX_PEER_DEPTH {
            let mut chain = stack.clone();
            chain.push(format!("hostvars['{host}'].{var}"));
            return Err(Error::Loop {
                host: self.host.name.to_string(),
                name: var.to_string(),
                chain: chain.join(" -> "),
            }
            .into());
        }
        PEER_DEPTH.with(|d| d.set(depth + 1));
        let out = if var == "ansible_facts" {
            Ok(ctx.ansible_facts())
        } else {
            defined(ctx.get(var))
        };
        PEER_DEPTH.with(|d| d.set(depth));
        out
    }

    /// The host's groups.
    pub fn group_names(&self) -> &[&'a str] {
        &self.host.group_names
    }

    /// Whether `name` is a secret.
    pub fn is_secret(&self, name: &str) -> bool {
        self.inputs.is_secret(name)
    }

    /// The raw (unrendered) value of `name` and its layer.
    pub fn raw(&self, name: &str) -> Option<(Value, Layer)> {
        if let Some((v, l)) = self.inputs.cloud(name) {
            return Some((v.clone(), l));
        }
        if name.starts_with("ansible_") && !self.host.vars.contains_key(name) {
            if let Some(v) = self.fact_value(name) {
                return Some((v, Layer::Facts));
            }
        }
        if let Some(v) = self.host.vars.get(name) {
            return Some(((*v).clone(), Layer::Inventory));
        }
        match name {
            "inventory_hostname" | "inventory_hostname_short" => {
                let h = self.host.name;
                let v = if name == "inventory_hostname" {
                    h
                } else {
                    h.split('.').next().unwrap_or(h)
                };
                return Some((Value::String(v.to_string()), Layer::Magic));
            }
            "groups" => {
                if let Some(g) = &self.inputs.groups {
                    return Some((g.clone(), Layer::Magic));
                }
            }
            "ansible_facts" => {
                if let Some(m) = self.fact_map() {
                    return Some((m, Layer::Facts));
                }
            }
            "group_names" => {
                let g = self
                    .host
                    .group_names
                    .iter()
                    .map(|g| Value::String(g.to_string()));
                return Some((Value::Array(g.collect()), Layer::Magic));
            }
            _ => {}
        }
        if let Some(v) = self.derived(name) {
            return Some((v, Layer::Facts));
        }
        self.inputs
            .defaults
            .get(name)
            .map(|v| (v.clone(), Layer::Defaults))
    }

    /// The inventory's `groups` as the template engine holds it, when no
    /// higher layer defines a variable of that name.
    fn magic_groups(&self) -> Option<&'a minijinja::Value> {
        let groups = self.inputs.groups.as_ref()?;
        if self.inputs.cloud("groups").is_some() || self.host.vars.contains_key("groups") {
            return None;
        }
        Some(
            self.inputs
                .groups_jinja
                .get_or_init(|| minijinja::Value::from_serialize(groups)),
        )
    }

    /// Whether the host is reached locally (`ansible_connection=local`, or localhost).
    pub fn is_local(&self) -> bool {
        let conn = self
            .host
            .vars
            .get("ansible_connection")
            .and_then(|v| v.as_str());
        conn == Some("local") || matches!(self.host.name, "localhost" | "127.0.0.1" | "::1")
    }

    fn facts(&self) -> std::cell::Ref<'_, Option<Option<Facts>>> {
        if self.facts.borrow().is_none() {
            let f = if self.is_local() {
                Some(local_facts())
            } else {
                self.inputs
                    .facts_dir
                    .as_deref()
                    .and_then(|d| Facts::from_cache(d, self.host.name).ok().flatten())
            };
            *self.facts.borrow_mut() = Some(f);
        }
        self.facts.borrow()
    }

    /// `ansible_facts`: the host's facts without their `ansible_` prefix
    /// (`None` when no facts were given for it).
    pub fn ansible_facts(&self) -> Option<Value> {
        self.fact_map()
    }

    /// `ansible_facts`: the facts without their `ansible_` prefix.
    fn fact_map(&self) -> Option<Value> {
        let f = self.facts();
        let facts = f.as_ref()?.as_ref()?;
        let mut m = Map::new();
        for (k, v) in facts.as_map() {
            if let Some(short) = k.strip_prefix("ansible_") {
                m.insert(short.to_string(), v.clone());
            }
        }
        Some(Value::Object(m))
    }

    fn fact_value(&self, name: &str) -> Option<Value> {
        let f = self.facts();
        f.as_ref()?.as_ref()?.get(name).cloned()
    }

    /// Variables Kolla derives from facts: `api_interface_address` and its
    /// siblings are the IPv4 address of the named interface.
    fn derived(&self, name: &str) -> Option<Value> {
        let iface_var = match name {
            "api_interface_address" => "api_interface",
            "tunnel_interface_address" => "tunnel_interface",
            "dns_interface_address" => "dns_interface",
            "migration_interface_address" => "migration_interface",
            _ => return None,
        };
        let iface = self.get(iface_var).ok()?;
        let iface = iface.as_str()?.replace('-', "_");
        let facts = self.facts();
        let addr = facts.as_ref()?.as_ref()?.interface_address(&iface)?;
        Some(Value::String(addr))
    }

    /// The fact `name`, or an error naming the host and the fact.
    ///
    /// # Errors
    /// [`Error::MissingFact`].
    pub fn fact(&self, name: &str) -> Result<Value, Error> {
        self.fact_value(name).ok_or_else(|| Error::MissingFact {
            host: self.host.name.to_string(),
            fact: name.to_string(),
            variable: None,
        })
    }

    /// The rendered value of `name`.
    ///
    /// # Errors
    /// The variable is undefined, needs a fact nobody gave, loops, or fails to render.
    pub fn get(&self, name: &str) -> crate::Result<Value> {
        self.resolve(name, &mut Vec::new())
    }

    /// The value of `name` read with Ansible's `bool` rules.
    ///
    /// # Errors
    /// As [`Context::get`].
    pub fn get_bool(&self, name: &str) -> crate::Result<bool> {
        Ok(truthy(&self.get(name)?))
    }

    /// Evaluates a catalog flag (a bool or a Jinja expression).
    ///
    /// # Errors
    /// As [`Context::eval`].
    pub fn flag(&self, flag: &crate::catalog::Flag) -> crate::Result<bool> {
        match flag {
            crate::catalog::Flag::Bool(b) => Ok(*b),
            crate::catalog::Flag::Expr(e) => Ok(truthy(&self.eval(e)?)),
        }
    }

    /// Renders a Jinja string against this host's variables.
    ///
    /// # Errors
    /// A referenced variable fails, or the template does not render.
    pub fn eval(&self, expr: &str) -> crate::Result<Value> {
        self.render_str(expr, expr, &mut Vec::new())
    }

    /// Where `name`'s value comes from and its raw value, secrets as `<secret>`.
    pub fn explain(&self, name: &str) -> Option<(Layer, Value)> {
        self.raw(name).map(|(v, l)| {
            if self.is_secret(name) {
                (l, Value::String("<secret>".into()))
            } else {
                (l, v)
            }
        })
    }

    fn resolve(&self, name: &str, stack: &mut Vec<String>) -> crate::Result<Value> {
        if let Some(v) = self.cache.borrow().get(name) {
            return Ok(v.clone());
        }
        if stack.iter().any(|s| s == name) || stack.len() > MAX_DEPTH {
            let mut chain = stack.clone();
            chain.push(name.to_string());
            return Err(Error::Loop {
                host: self.host.name.to_string(),
                name: name.to_string(),
                chain: chain.join(" -> "),
            }
            .into());
        }
        let Some((raw, _)) = self.raw(name) else {
            if name.starts_with("ansible_") && name != "ansible_host" {
                return Err(Error::MissingFact {
                    host: self.host.name.to_string(),
                    fact: name.to_string(),
                    variable: stack.last().cloned(),
                }
                .into());
            }
            if let Some(iface_var) = name.strip_suffix("_address").filter(|_| {
                matches!(
                    name,
                    "api_interface_address"
                        | "tunnel_interface_address"
                        | "dns_interface_address"
                        | "migration_interface_address"
                )
            }) {
                let iface = self.get(iface_var).ok();
                let iface = iface.as_ref().and_then(|v| v.as_str()).unwrap_or("?");
                return Err(Error::MissingFact {
                    host: self.host.name.to_string(),
                    fact: format!("ansible_{}.ipv4.address", iface.replace('-', "_")),
                    variable: Some(name.to_string()),
                }
                .into());
            }
            return Err(Error::Render {
                host: self.host.name.to_string(),
                name: name.to_string(),
                message: "is undefined".into(),
            }
            .into());
        };
        stack.push(name.to_string());
        let out = self.render_value(name, raw, stack);
        stack.pop();
        let out = out?;
        self.cache
            .borrow_mut()
            .insert(name.to_string(), out.clone());
        Ok(out)
    }

    fn render_value(&self, name: &str, v: Value, stack: &mut Vec<String>) -> crate::Result<Value> {
        match v {
            Value::String(s) if is_template(&s) => self.render_str(name, &s, stack),
            Value::Array(a) => a
                .into_iter()
                .map(|x| self.render_value(name, x, stack))
                .collect::<crate::Result<Vec<_>>>()
                .map(Value::Array),
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, x) in m {
                    out.insert(k, self.render_value(name, x, stack)?);
                }
                Ok(Value::Object(out))
            }
            v => Ok(v),
        }
    }

    fn render_str(&self, name: &str, s: &str, stack: &mut Vec<String>) -> crate::Result<Value> {
        let mut vars = Map::new();
        // A reference that fails stays undefined: the template may not need
        // it (`a and b` short-circuits, `is defined`, `default()`); if the
        // template fails, the reference's own error is the better message.
        let mut first_err = None;
        let mut groups = None;
        let mut idents = identifiers(s);
        idents.extend(crate::template::kolla::implicit_variables(s));
        let wants_facts = idents.contains("ansible_facts");
        let hostvars = match self.peers {
            Some(peers) if idents.contains("hostvars") && self.raw("hostvars").is_none() => {
                Some(self.hostvars.get_or_init(|| {
                    std::sync::Arc::new(hostvars::HostVarsData::new(
                        peers.iter().map(|h| h.name.to_string()).collect(),
                    ))
                }))
            }
            _ => None,
        };
        for ident in idents {
            if vars.contains_key(ident) || (ident == "hostvars" && hostvars.is_some()) {
                continue;
            }
            if ident == "groups" {
                if let Some(g) = self.magic_groups() {
                    groups = Some(g);
                    continue;
                }
            }
            match self.resolve(ident, stack) {
                Ok(v) => {
                    vars.insert(ident.to_string(), v);
                }
                Err(e) => {
                    if matches!(&e, crate::Error::Vars(Error::Loop { .. })) {
                        return Err(e);
                    }
                    if self.raw(ident).is_some() || ident.starts_with("ansible_") {
                        first_err.get_or_insert(e);
                    }
                }
            }
        }
        if wants_facts {
            if let Some(v) = self.fact_map() {
                vars.entry("ansible_facts").or_insert(v);
            }
        }
        let vars = Value::Object(vars);
        // The same string with the same inputs renders the same on every
        // host: once per run.
        // With `hostvars` the result depends on other hosts: not shared.
        let key = if first_err.is_none() && hostvars.is_none() {
            let key = render_key(s, &vars, groups.is_some());
            if let Some(v) = self
                .inputs
                .render_cache
                .lock()
                .expect("render cache")
                .get(&key)
            {
                return Ok(v.clone());
            }
            Some(key)
        } else {
            None
        };
        let render_once = || match (groups, hostvars) {
            (None, None) => crate::template::render(name, s, &vars),
            // The shared `groups` beside the other variables, not copied.
            (g, hv) => {
                let mut ctx: indexmap::IndexMap<&str, minijinja::Value> = vars
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.as_str(), minijinja::Value::from_serialize(v)))
                    .collect();
                if let Some(g) = g {
                    ctx.insert("groups", g.clone());
                }
                if let Some(hv) = hv {
                    ctx.insert("hostvars", hostvars::value(hv));
                }
                crate::template::render_context(name, s, &ctx, &vars).or_else(|e| {
                    if hv.is_some() {
                        return Err(e);
                    }
                    // The error exactly as the plain path words it.
                    let mut full = vars.clone();
                    if let (Value::Object(m), Some(g)) = (&mut full, &self.inputs.groups) {
                        m.insert("groups".into(), g.clone());
                    }
                    crate::template::render(name, s, &full)
                })
            }
        };
        let mut rendered = render_once();
        if let Some(hv) = hostvars {
            // Other hosts' variables read for the first time: resolve, render again.
            for _ in 0..64 {
                let misses = hv.take_misses();
                if misses.is_empty() {
                    break;
                }
                for (host, var) in misses {
                    let v = self.peer_var(&host, &var, stack)?;
                    hv.insert(host, var, v);
                }
                rendered = render_once();
            }
        }
        if let (Err(_), Some(e)) = (&rendered, first_err) {
            return Err(e);
        }
        let out = rendered.map_err(|e| {
            let mut message = e.to_string();
            for (k, v) in &self.inputs.passwords {
                if let Some(v) = v.as_str().filter(|v| !v.is_empty()) {
                    message = message.replace(v, "<secret>");
                }
                let _ = k;
            }
            Error::Render {
                host: self.host.name.to_string(),
                name: name.to_string(),
                message,
            }
        })?;
        let out = typed(&out);
        if let Some(key) = key {
            self.inputs
                .render_cache
                .lock()
                .expect("render cache")
                .insert(key, out.clone());
        }
        Ok(out)
    }
}

/// A 128-bit key of a rendering: the string and its variables.
fn render_key(s: &str, vars: &Value, groups: bool) -> (u64, u64) {
    use std::hash::{BuildHasher, Hash, Hasher};
    let text = serde_json::to_string(vars).unwrap_or_default();
    let mut a = std::collections::hash_map::DefaultHasher::new();
    let mut b = foldhash::quality::FixedState::with_seed(0x766172).build_hasher();
    for h in [&mut a as &mut dyn Hasher, &mut b] {
        s.hash(&mut HashInto(h));
        text.hash(&mut HashInto(h));
        groups.hash(&mut HashInto(h));
    }
    (a.finish(), b.finish())
}

/// Feeds a `dyn Hasher` through `Hash::hash`'s generic parameter.
struct HashInto<'h>(&'h mut dyn std::hash::Hasher);

impl std::hash::Hasher for HashInto<'_> {
    fn finish(&self) -> u64 {
        self.0.finish()
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }
}

/// Names a Jinja string may refer to.
fn identifiers(s: &str) -> HashSet<&str> {
    let mut out = HashSet::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' || c == b'"' {
            // skip string literals
            let q = c;
            i += 1;
            while i < b.len() && b[i] != q {
                i += 1;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let prev = s[..start].trim_end().chars().last();
            if prev != Some('.') && prev != Some('|') {
                out.insert(&s[start..i]);
            }
            continue;
        }
        i += 1;
    }
    out
}

fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%")
}

/// A rendered string as Ansible's native types would read it: booleans,
/// numbers, lists and mappings come back typed; anything else stays a string.
fn typed(s: &str) -> Value {
    let t = s.trim();
    match t {
        "True" | "true" => return Value::Bool(true),
        "False" | "false" => return Value::Bool(false),
        "None" => return Value::Null,
        _ => {}
    }
    if let Ok(i) = t.parse::<i64>() {
        if t == s {
            return Value::from(i);
        }
    }
    if (t.starts_with('[') && t.ends_with(']')) || (t.starts_with('{') && t.ends_with('}')) {
        if let Ok(v) = serde_json::from_str::<Value>(t) {
            return v;
        }
        // A list or dict printed as Python prints it (`[{'name': 'file'}]`):
        // Ansible reads it back with literal_eval.
        if let v @ (Value::Array(_) | Value::Object(_)) = crate::pycompat::literal::parse_value(t) {
            return v;
        }
    }
    Value::String(s.to_string())
}

/// Ansible's `bool` filter: true for `true`, `yes`, `on`, `1`, `y`, `t` (any case) and non-zero numbers.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f == 1.0),
        Value::String(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "1" | "y" | "t" | "1.0"
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
