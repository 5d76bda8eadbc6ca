//! `kolla_container`'s parameters: the argument spec, the `common_options`
//! merge, and the one conversion to a [`ContainerSpec`].
//!
//! The merge follows upstream's `generate_module` (spec section A.3) with
//! its bugs fixed (see `docs/deviations.md`): a parameter that was not
//! given takes the common option before the built-in default, and digit
//! strings become integers only for integer parameters.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::normalize;
use super::{ContainerSpec, Dimensions, Error, Healthcheck, RegistryAuth, RestartPolicy, Ulimit};

/// The type of a parameter, as Ansible's argument spec names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Bool,
    Int,
    List,
    Dict,
}

/// `(name, type, default, choices)` for every parameter `kolla_container`
/// accepts, plus kolla-rs's `network_mode`.
const SPEC: &[(&str, Kind, Option<&str>, &[&str])] = &[
    ("action", Kind::Str, None, ACTIONS),
    ("common_options", Kind::Dict, None, &[]),
    ("api_version", Kind::Str, Some("auto"), &[]),
    ("auth_email", Kind::Str, None, &[]),
    ("auth_password", Kind::Str, None, &[]),
    ("auth_registry", Kind::Str, None, &[]),
    ("auth_username", Kind::Str, None, &[]),
    ("command", Kind::Str, None, &[]),
    ("container_engine", Kind::Str, Some("docker"), &[]),
    ("detach", Kind::Bool, Some("true"), &[]),
    ("labels", Kind::Dict, None, &[]),
    ("name", Kind::Str, None, &[]),
    ("environment", Kind::Dict, None, &[]),
    ("healthcheck", Kind::Dict, None, &[]),
    ("image", Kind::Str, None, &[]),
    (
        "ipc_mode",
        Kind::Str,
        None,
        &["", "host", "private", "shareable"],
    ),
    ("cap_add", Kind::List, None, &[]),
    ("security_opt", Kind::List, None, &[]),
    ("pid_mode", Kind::Str, None, &["", "host", "private"]),
    ("cgroupns_mode", Kind::Str, None, &["private", "host"]),
    ("privileged", Kind::Bool, Some("false"), &[]),
    ("graceful_timeout", Kind::Int, Some("10"), &[]),
    ("remove_on_exit", Kind::Bool, Some("true"), &[]),
    (
        "restart_policy",
        Kind::Str,
        None,
        // `never`: the seed-era kolla_docker's spelling of `no`.
        &[
            "no",
            "on-failure",
            "oneshot",
            "always",
            "unless-stopped",
            "never",
        ],
    ),
    ("restart_retries", Kind::Int, Some("10"), &[]),
    (
        "state",
        Kind::Str,
        Some("running"),
        &["running", "exited", "paused"],
    ),
    ("tls_verify", Kind::Bool, Some("false"), &[]),
    ("tls_cert", Kind::Str, None, &[]),
    ("tls_key", Kind::Str, None, &[]),
    ("tls_cacert", Kind::Str, None, &[]),
    ("tmpfs", Kind::List, None, &[]),
    ("volumes", Kind::List, None, &[]),
    ("volumes_from", Kind::List, None, &[]),
    ("dimensions", Kind::Dict, None, &[]),
    ("tty", Kind::Bool, Some("false"), &[]),
    ("client_timeout", Kind::Int, Some("120"), &[]),
    ("ignore_missing", Kind::Bool, Some("false"), &[]),
    ("network_mode", Kind::Str, Some("host"), &[]),
];

/// Every action, including the two the `kolla_docker` alias keeps from
/// the pre-2023 module.
pub const ACTIONS: &[&str] = &[
    "compare_container",
    "compare_image",
    "create_volume",
    "ensure_image",
    "pull_image",
    "recreate_or_restart_container",
    "remove_container",
    "remove_image",
    "remove_volume",
    "restart_container",
    "start_container",
    "stop_container",
    "stop_and_remove_container",
    "get_container_env",
    "get_container_state",
];

/// `kolla_container_facts`' actions.
pub const FACTS_ACTIONS: &[&str] = &[
    "get_containers",
    "get_containers_env",
    "get_containers_state",
    "get_containers_names",
    "get_volumes",
];

/// The actions only the `kolla_docker` alias answers (the pre-2023 module).
pub const LEGACY_ACTIONS: &[&str] = &["get_container_env", "get_container_state"];

impl Kind {
    fn ansible_type(self) -> &'static str {
        match self {
            Kind::Str => "str",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::List => "list",
            Kind::Dict => "dict",
        }
    }
}

/// `kolla_container`'s argument spec in Ansible's `AnsibleModule` shape,
/// the one copy the Ansible modules use: `{"argument_spec": {name: {type,
/// required, choices, no_log}}, "required_if": [["action", a, [names]]]}`.
///
/// No parameter carries a default besides `common_options` (`{}`): the
/// defaults are applied by [`Params::from_args`] after `common_options`,
/// so that a common option fills what a task did not give (see
/// `docs/deviations.md`). `legacy` is the `kolla_docker` alias: it also
/// answers [`LEGACY_ACTIONS`] and the seed-era `restart_policy: never`.
///
/// ```
/// let spec = kolla_core::container::params::ansible_argument_spec(false);
/// assert_eq!(spec["argument_spec"]["action"]["required"], true);
/// assert_eq!(spec["argument_spec"]["auth_password"]["no_log"], true);
/// assert!(spec["argument_spec"]["privileged"].get("default").is_none());
/// assert_eq!(spec["required_if"][0], serde_json::json!(["action", "compare_container", ["name"]]));
/// ```
pub fn ansible_argument_spec(legacy: bool) -> Value {
    let actions: Vec<&str> = ACTIONS
        .iter()
        .copied()
        .filter(|a| legacy || !LEGACY_ACTIONS.contains(a))
        .collect();
    let mut spec = Map::new();
    for (key, kind, _default, choices) in SPEC {
        let mut p = Map::new();
        p.insert("type".into(), json!(kind.ansible_type()));
        p.insert("required".into(), json!(*key == "action"));
        let choices: Vec<&str> = match *key {
            "action" => actions.clone(),
            "restart_policy" if !legacy => {
                choices.iter().copied().filter(|c| *c != "never").collect()
            }
            _ => choices.to_vec(),
        };
        if !choices.is_empty() {
            p.insert("choices".into(), json!(choices));
        }
        if *key == "common_options" {
            p.insert("default".into(), json!({}));
        }
        if *key == "auth_password" {
            p.insert("no_log".into(), json!(true));
        }
        spec.insert(key.to_string(), Value::Object(p));
    }
    let required_if: Vec<Value> = actions
        .iter()
        .map(|a| json!(["action", a, required(a)]))
        .collect();
    json!({"argument_spec": spec, "required_if": required_if})
}

/// `kolla_container_facts`' argument spec, in the same shape as
/// [`ansible_argument_spec`].
///
/// ```
/// let spec = kolla_core::container::params::ansible_facts_argument_spec();
/// assert_eq!(spec["argument_spec"]["container_engine"]["required"], true);
/// assert_eq!(spec["required_if"].as_array().unwrap().len(), 2);
/// ```
pub fn ansible_facts_argument_spec() -> Value {
    json!({
        "argument_spec": {
            "name": {"required": false, "type": "list", "default": []},
            "api_version": {"required": false, "type": "str", "default": "auto"},
            "container_engine": {"required": true, "type": "str"},
            "action": {"required": true, "type": "str", "choices": FACTS_ACTIONS},
            "args": {"required": false, "type": "dict", "default": {}, "options": {
                "get_all_containers": {"required": false, "type": "bool", "default": false},
            }},
        },
        "required_if": [
            ["action", "get_containers_env", ["name"]],
            ["action", "get_containers_state", ["name"]],
        ],
    })
}

/// Which parameters each action requires (`required_if`).
fn required(action: &str) -> &'static [&'static str] {
    match action {
        "pull_image" | "ensure_image" | "remove_image" => &["image"],
        "start_container" => &["image", "name"],
        _ => &["name"],
    }
}

/// The merged parameters of one `kolla_container` call (upstream's
/// `module.params` after `generate_module`).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    values: Map<String, Value>,
}

fn type_error(key: &str, value: &Value, kind: &str) -> Error {
    Error::action(format!(
        "argument '{key}' is of type {} and we were unable to convert to {kind}",
        py_type(value)
    ))
}

fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// A JSON value as docker-py turns it into a string for environment
/// values and labels. Not Python's `str()` (that is
/// [`crate::pycompat::docker_str`]): `None` gives the empty string, and lists
/// and dicts give JSON.
pub fn docker_str(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

fn coerce(key: &str, kind: Kind, value: &Value) -> Result<Value, Error> {
    Ok(match kind {
        Kind::Str => match value {
            Value::String(_) => value.clone(),
            Value::Number(_) | Value::Bool(_) => json!(docker_str(value)),
            _ => return Err(type_error(key, value, "str")),
        },
        Kind::Bool => match value {
            Value::Bool(_) => value.clone(),
            Value::Number(n) if n.as_i64() == Some(0) || n.as_i64() == Some(1) => {
                json!(n.as_i64() == Some(1))
            }
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "yes" | "on" | "true" | "1" | "y" | "t" => json!(true),
                "no" | "off" | "false" | "0" | "n" | "f" => json!(false),
                _ => return Err(type_error(key, value, "bool")),
            },
            _ => return Err(type_error(key, value, "bool")),
        },
        Kind::Int => match value {
            Value::Number(n) if n.is_i64() => value.clone(),
            Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                json!(n.as_f64().unwrap_or(0.0) as i64)
            }
            Value::String(s) => match s.trim().parse::<i64>() {
                Ok(i) => json!(i),
                Err(_) => return Err(type_error(key, value, "int")),
            },
            _ => return Err(type_error(key, value, "int")),
        },
        Kind::List => match value {
            Value::Array(_) => value.clone(),
            Value::String(s) => json!(s.split(',').map(str::trim).collect::<Vec<_>>()),
            Value::Number(_) | Value::Bool(_) => json!([docker_str(value)]),
            _ => return Err(type_error(key, value, "list")),
        },
        Kind::Dict => match value {
            Value::Object(_) => value.clone(),
            _ => return Err(type_error(key, value, "dict")),
        },
    })
}

impl Params {
    /// Merges a module argument dict (which may hold `common_options`)
    /// into the final parameters, validating types, choices and the
    /// parameters each action requires.
    ///
    /// # Errors
    /// [`Error::Action`] with Ansible's wording for unknown parameters,
    /// wrong types, values outside the choices and missing required ones.
    ///
    /// ```
    /// use kolla_core::container::params::Params;
    /// let args = serde_json::json!({
    ///     "action": "compare_container", "name": "nova_api",
    ///     "common_options": {"restart_retries": "10", "privileged": true,
    ///                        "environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"}},
    ///     "environment": {"OWN": 1},
    /// });
    /// let p = Params::from_args(args.as_object().unwrap()).unwrap();
    /// assert_eq!(p.int("restart_retries"), 10);
    /// assert_eq!(p.int("graceful_timeout"), 10);
    /// assert!(p.bool("privileged"));
    /// assert_eq!(p.environment().len(), 2);
    /// ```
    pub fn from_args(args: &Map<String, Value>) -> Result<Self, Error> {
        let unknown: Vec<&str> = args
            .keys()
            .map(String::as_str)
            .filter(|k| !SPEC.iter().any(|s| s.0 == *k))
            .collect();
        if !unknown.is_empty() {
            let mut supported: Vec<&str> = SPEC.iter().map(|s| s.0).collect();
            supported.sort();
            return Err(Error::action(format!(
                "Unsupported parameters for (kolla_container) module: {}. Supported parameters include: {}.",
                unknown.join(", "),
                supported.join(", ")
            )));
        }
        let common = match args.get("common_options") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(v) => return Err(type_error("common_options", v, "dict")),
        };
        // Unknown common options are kept, untouched.
        let mut values: Map<String, Value> = common
            .iter()
            .filter(|(k, _)| !SPEC.iter().any(|s| s.0 == k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (key, kind, default, choices) in SPEC {
            if *key == "common_options" || *key == "environment" {
                continue;
            }
            let given = args.get(*key).filter(|v| !v.is_null());
            let from_common = common.get(*key).filter(|v| !v.is_null());
            let raw = match given.or(from_common) {
                Some(v) => Some(coerce(key, *kind, v)?),
                None => default.map(|d| match kind {
                    Kind::Bool => json!(d == "true"),
                    Kind::Int => json!(d.parse::<i64>().unwrap_or(0)),
                    _ => json!(d),
                }),
            };
            let Some(v) = raw else { continue };
            if !choices.is_empty() {
                let s = v.as_str().unwrap_or_default();
                if !choices.contains(&s) {
                    return Err(Error::action(format!(
                        "value of {key} must be one of: {}, got: {s}",
                        choices.join(", ")
                    )));
                }
            }
            values.insert(key.to_string(), v);
        }
        let Some(action) = values
            .get("action")
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            return Err(Error::action("missing required arguments: action"));
        };
        let missing: Vec<&str> = required(&action)
            .iter()
            .copied()
            .filter(|k| !values.contains_key(*k))
            .collect();
        if !missing.is_empty() {
            return Err(Error::action(format!(
                "action is {action} but all of the following are missing: {}",
                missing.join(", ")
            )));
        }
        // environment: common options, updated per key by the module's.
        let mut env = Map::new();
        for src in [common.get("environment"), args.get("environment")] {
            match src {
                None | Some(Value::Null) => {}
                Some(Value::Object(m)) => env.extend(m.clone()),
                Some(v) => return Err(type_error("environment", v, "dict")),
            }
        }
        values.insert("environment".into(), Value::Object(env));
        for key in ["pid_mode", "ipc_mode"] {
            if values.get(key).and_then(Value::as_str) == Some("") {
                values.remove(key);
            }
        }
        Ok(Params { values })
    }

    /// The merged parameters as a dict (what upstream's `module.params` holds).
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.values
    }

    /// A parameter, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// A string parameter, if set.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(Value::as_str)
    }

    /// A boolean parameter (false when unset).
    pub fn bool(&self, key: &str) -> bool {
        self.values
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// An integer parameter (0 when unset).
    pub fn int(&self, key: &str) -> i64 {
        self.values.get(key).and_then(Value::as_i64).unwrap_or(0)
    }

    /// The action.
    pub fn action(&self) -> &str {
        self.str("action").unwrap_or_default()
    }

    /// The container (or volume) name, `""` when not given.
    pub fn name(&self) -> &str {
        self.str("name").unwrap_or_default()
    }

    /// The merged environment as given (values not yet stringified).
    pub fn environment(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.values
            .get("environment")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// `KOLLA_CONFIG_STRATEGY` from the environment.
    pub fn config_strategy(&self) -> Option<String> {
        self.environment()
            .get("KOLLA_CONFIG_STRATEGY")
            .map(docker_str)
    }

    /// `graceful_timeout`, with upstream's fallback of 10 s for 0.
    pub fn graceful_timeout(&self) -> i64 {
        match self.int("graceful_timeout") {
            0 => 10,
            t => t,
        }
    }

    /// Registry credentials, when `auth_username` is set and not empty
    /// (kolla passes `""` when no registry login is configured).
    pub fn auth(&self) -> Option<RegistryAuth> {
        let username = self
            .str("auth_username")
            .filter(|u| !u.is_empty())?
            .to_string();
        Some(RegistryAuth {
            username,
            password: self.str("auth_password").unwrap_or_default().to_string(),
            registry: self
                .str("auth_registry")
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            email: self
                .str("auth_email")
                .filter(|e| !e.is_empty())
                .map(str::to_string),
        })
    }

    fn list(&self, key: &str) -> Vec<String> {
        match self.values.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter(|v| !v.is_null())
                .map(docker_str)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The [`ContainerSpec`] these parameters describe, with the
    /// environment injection of rule 28 (`KOLLA_SERVICE_NAME`, and `TZ`
    /// from `timezone` unless given).
    ///
    /// # Errors
    /// [`Error::Action`] for unsupported dimensions, bad units, healthcheck
    /// options, an empty command or a malformed volume.
    ///
    /// ```
    /// use kolla_core::container::params::Params;
    /// let args = serde_json::json!({"action": "start_container", "name": "nova_api",
    ///     "image": "kolla/nova-api:1", "dimensions": {"mem_limit": "1g"}});
    /// let spec = Params::from_args(args.as_object().unwrap()).unwrap().to_spec("UTC").unwrap();
    /// assert_eq!(spec.dimensions.memory, Some(1 << 30));
    /// assert_eq!(spec.environment["KOLLA_SERVICE_NAME"], "nova-api");
    /// assert_eq!(spec.network_mode, "host");
    /// ```
    pub fn to_spec(&self, timezone: &str) -> Result<ContainerSpec, Error> {
        let name = self.name().to_string();
        let mut environment: BTreeMap<String, String> = self
            .environment()
            .iter()
            .map(|(k, v)| (k.clone(), docker_str(v)))
            .collect();
        environment.insert("KOLLA_SERVICE_NAME".into(), name.replace('_', "-"));
        if !self.environment().contains_key("TZ") {
            environment.insert("TZ".into(), timezone.to_string());
        }
        let command = match self.str("command") {
            None => Vec::new(),
            Some(c) => match shlex::split(c) {
                Some(words) if !words.is_empty() => words,
                _ => {
                    return Err(Error::InvalidParameter {
                        parameter: "command".into(),
                        message: format!("cannot split {c:?} into words like a shell would"),
                    })
                }
            },
        };
        let volumes: Vec<String> = self.list("volumes");
        normalize::validate_volumes(&volumes)?;
        let labels = match self.values.get("labels") {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), docker_str(v))).collect(),
            _ => BTreeMap::new(),
        };
        let restart_policy = self.str("restart_policy").map(|p| match p {
            "oneshot" | "never" => RestartPolicy {
                name: "no".into(),
                max_retries: 0,
            },
            "on-failure" => RestartPolicy {
                name: p.into(),
                max_retries: self.int("restart_retries"),
            },
            _ => RestartPolicy {
                name: p.into(),
                max_retries: 0,
            },
        });
        Ok(ContainerSpec {
            name,
            image: self.str("image").unwrap_or_default().to_string(),
            command,
            environment,
            labels,
            volumes,
            network_mode: self.str("network_mode").unwrap_or("host").to_string(),
            privileged: self.bool("privileged"),
            cap_add: self.list("cap_add"),
            security_opt: self.list("security_opt"),
            ipc_mode: self.str("ipc_mode").map(str::to_string),
            pid_mode: self.str("pid_mode").map(str::to_string),
            cgroupns_mode: self.str("cgroupns_mode").map(str::to_string),
            tmpfs: self
                .list("tmpfs")
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect(),
            volumes_from: self.list("volumes_from"),
            dimensions: parse_dimensions(self.values.get("dimensions"))?,
            healthcheck: parse_healthcheck(self.values.get("healthcheck"))?,
            restart_policy,
            tty: self.bool("tty"),
            state: self.str("state").map(str::to_string),
        })
    }
}

/// The host's timezone as upstream reads it: `/etc/timezone`, else the
/// `/etc/localtime` link target after `zoneinfo/`, else `UTC`.
pub fn host_timezone() -> String {
    if let Ok(s) = std::fs::read_to_string("/etc/timezone") {
        let s = s.trim();
        if !s.is_empty() {
            return s.to_string();
        }
    }
    if let Ok(target) = std::fs::read_link("/etc/localtime") {
        let t = target.display().to_string();
        if let Some((_, zone)) = t.split_once("zoneinfo/") {
            return zone.to_string();
        }
    }
    "UTC".to_string()
}

const UNIT_ERROR_TAIL: &str = "The currently supported units are ['b', 'k', 'm', 'g'].";

/// Parses a dimension value with an optional `b`/`k`/`m`/`g` unit into a
/// number, as upstream's `dimensions_differ` does.
///
/// ```
/// use kolla_core::container::params::parse_size;
/// assert_eq!(parse_size("mem_limit", &serde_json::json!("1G")).unwrap(), 1 << 30);
/// assert_eq!(parse_size("mem_limit", &serde_json::json!("3k")).unwrap(), 3072);
/// let err = parse_size("mem_limit", &serde_json::json!("2E")).unwrap_err();
/// assert!(err.to_string().starts_with("The docker dimension unit [e] is not supported"));
/// ```
///
/// # Errors
/// Upstream's message for an unknown unit; a clear one for a value that is
/// not a number (where upstream crashes).
pub fn parse_size(key: &str, value: &Value) -> Result<i64, Error> {
    let text = docker_str(value);
    let bad_number = || Error::InvalidParameter {
        parameter: format!("dimensions.{key}"),
        message: format!(
            "{text:?} is not an integer (a whole number with an optional unit b, k, m or g)"
        ),
    };
    let Some(last) = text.chars().last() else {
        return Err(bad_number());
    };
    if last.is_ascii_digit() {
        return text.parse::<i64>().map_err(|_| bad_number());
    }
    // Not a number before the unit (`abc`, `1.5g`): name the value, not
    // its last letter as a unit.
    let number = &text[..text.len() - last.len_utf8()];
    if number.parse::<i64>().is_err() {
        return Err(bad_number());
    }
    let unit = last.to_ascii_lowercase();
    let mult: i64 = match unit {
        'b' => 1,
        'k' => 1 << 10,
        'm' => 1 << 20,
        'g' => 1 << 30,
        _ => {
            return Err(Error::action(format!(
                "The docker dimension unit [{unit}] is not supported for the dimension [{text}]. {UNIT_ERROR_TAIL}"
            )))
        }
    };
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(bad_number)
}

fn gone_dimension(key: &str) -> Error {
    Error::action(format!(
        "The dimension [{key}] is no more supported by Docker, please remove it from yours configs or change to the new one."
    ))
}

/// Parses the `dimensions` dict into [`Dimensions`].
///
/// # Errors
/// `'Unsupported dimensions'` with `unsupported_dimensions` for keys
/// Docker does not take (including `kernel_memory`), and the unit errors of
/// [`parse_size`].
pub fn parse_dimensions(value: Option<&Value>) -> Result<Dimensions, Error> {
    let map = match value {
        None | Some(Value::Null) => return Ok(Dimensions::default()),
        Some(Value::Object(m)) => m,
        Some(v) => return Err(type_error("dimensions", v, "dict")),
    };
    const KNOWN: [&str; 10] = [
        "mem_limit",
        "mem_reservation",
        "memswap_limit",
        "cpu_period",
        "cpu_quota",
        "cpu_shares",
        "cpuset_cpus",
        "cpuset_mems",
        "blkio_weight",
        "ulimits",
    ];
    let unsupported: Vec<&String> = map
        .keys()
        .filter(|k| !KNOWN.contains(&k.as_str()))
        .collect();
    if !unsupported.is_empty() {
        let mut details = Map::new();
        details.insert("unsupported_dimensions".into(), json!(unsupported));
        return Err(Error::Action {
            message: "'Unsupported dimensions'".into(),
            details,
        });
    }
    let mut d = Dimensions::default();
    for (key, value) in map {
        if value.is_null() && !key.starts_with("cpuset") {
            return Err(gone_dimension(key));
        }
        match key.as_str() {
            "cpuset_cpus" => d.cpuset_cpus = Some(docker_str(value)),
            "cpuset_mems" => d.cpuset_mems = Some(docker_str(value)),
            "ulimits" => d.ulimits = Some(parse_ulimits(value)?),
            k => {
                let n = parse_size(k, value)?;
                let slot = match k {
                    "mem_limit" => &mut d.memory,
                    "mem_reservation" => &mut d.memory_reservation,
                    "memswap_limit" => &mut d.memory_swap,
                    "cpu_period" => &mut d.cpu_period,
                    "cpu_quota" => &mut d.cpu_quota,
                    "cpu_shares" => &mut d.cpu_shares,
                    _ => &mut d.blkio_weight,
                };
                *slot = Some(n);
            }
        }
    }
    Ok(d)
}

fn parse_ulimits(value: &Value) -> Result<Vec<Ulimit>, Error> {
    let Value::Object(map) = value else {
        return Err(type_error("dimensions.ulimits", value, "dict"));
    };
    let mut out = Vec::new();
    for (name, limits) in map {
        let get = |k: &str| -> Result<Option<i64>, Error> {
            match limits.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => parse_size(&format!("ulimits.{name}.{k}"), v).map(Some),
            }
        };
        out.push(Ulimit {
            name: name.clone(),
            soft: get("soft")?,
            hard: get("hard")?,
        });
    }
    out.sort();
    Ok(out)
}

fn healthcheck_seconds(value: &Value) -> Result<i64, Error> {
    let err = |kind: &str| {
        Error::action(format!(
            "Cannot parse healthcheck \"{}\". Expected an integer, got \"{kind}\".",
            docker_str(value)
        ))
    };
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
            .ok_or_else(|| err("float")),
        Value::Bool(b) => Ok(*b as i64),
        Value::String(s) => s.trim().parse::<i64>().map_err(|_| err("str")),
        other => Err(err(py_type(other))),
    }
}

/// Parses the `healthcheck` dict (rule 25) into Docker's units; `None`
/// when absent, empty, or disabled with `test: NONE`.
///
/// # Errors
/// `'Unsupported healthcheck options'` / `'Missing healthcheck option'`
/// with the offending keys, and upstream's message for a value that is not
/// an integer.
pub fn parse_healthcheck(value: Option<&Value>) -> Result<Option<Healthcheck>, Error> {
    let map = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(m)) if m.is_empty() => return Ok(None),
        Some(Value::Object(m)) => m,
        Some(v) => return Err(type_error("healthcheck", v, "dict")),
    };
    const KEYS: [&str; 5] = ["test", "interval", "timeout", "start_period", "retries"];
    let unsupported: Vec<&String> = map.keys().filter(|k| !KEYS.contains(&k.as_str())).collect();
    if !unsupported.is_empty() {
        let mut details = Map::new();
        details.insert("unsupported_healthcheck".into(), json!(unsupported));
        return Err(Error::Action {
            message: "'Unsupported healthcheck options'".into(),
            details,
        });
    }
    let missing: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| !map.contains_key(*k))
        .collect();
    if !missing.is_empty() {
        let mut details = Map::new();
        details.insert("missing_healthcheck".into(), json!(missing));
        return Err(Error::Action {
            message: "'Missing healthcheck option'".into(),
            details,
        });
    }
    let test: Vec<String> = match &map["test"] {
        Value::String(s) if s == "NONE" => return Ok(None),
        Value::Array(a) if a.len() == 1 && a[0] == "NONE" => return Ok(None),
        Value::String(s) => vec!["CMD-SHELL".into(), s.clone()],
        Value::Array(a) => a.iter().map(docker_str).collect(),
        other => vec!["CMD-SHELL".into(), docker_str(other)],
    };
    const NS: i64 = 1_000_000_000;
    Ok(Some(Healthcheck {
        test,
        interval: healthcheck_seconds(&map["interval"])? * NS,
        timeout: healthcheck_seconds(&map["timeout"])? * NS,
        start_period: healthcheck_seconds(&map["start_period"])? * NS,
        retries: healthcheck_seconds(&map["retries"])?,
        start_interval: 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: Value) -> Result<Params, Error> {
        Params::from_args(v.as_object().unwrap())
    }

    #[test]
    fn common_options_merge_like_upstream_with_fixes() {
        let params = p(json!({
            "action": "compare_container", "name": "x",
            "common_options": {"restart_retries": "10", "graceful_timeout": "60",
                "client_timeout": "120", "privileged": true, "custom_key": "kept",
                "auth_password": "12345",
                "environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS", "SHARED": "c"}},
            "environment": {"SHARED": "m", "OWN": null},
            "graceful_timeout": 5, "pid_mode": "", "ipc_mode": "host",
        }))
        .unwrap();
        assert_eq!(params.int("restart_retries"), 10);
        assert_eq!(params.int("graceful_timeout"), 5);
        assert_eq!(params.int("client_timeout"), 120);
        assert_eq!(
            Value::Object(params.environment().clone()),
            json!({"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS", "SHARED": "m", "OWN": null})
        );
        // Fixed: a common option beats a built-in default.
        assert!(params.bool("privileged"));
        // Fixed: a digit string stays a string where the parameter is one.
        assert_eq!(params.str("auth_password"), Some("12345"));
        assert_eq!(params.str("custom_key"), Some("kept"));
        assert_eq!(params.str("ipc_mode"), Some("host"));
        assert!(params.get("pid_mode").is_none());
    }

    #[test]
    fn defaults_and_explicit_values() {
        let params = p(json!({"action": "stop_container", "name": "x"})).unwrap();
        assert_eq!(params.str("api_version"), Some("auto"));
        assert_eq!(params.int("restart_retries"), 10);
        assert_eq!(params.int("graceful_timeout"), 10);
        assert_eq!(params.int("client_timeout"), 120);
        assert!(params.environment().is_empty());
        assert!(params.get("auth_username").is_none());
        assert!(params.get("restart_policy").is_none());
        let params = p(json!({"action": "stop_container", "name": "x",
            "common_options": {"restart_retries": 20, "graceful_timeout": 60, "client_timeout": 150},
            "restart_retries": 50, "graceful_timeout": 100, "auth_email": "e"}))
        .unwrap();
        assert_eq!(params.int("restart_retries"), 50);
        assert_eq!(params.int("graceful_timeout"), 100);
        assert_eq!(params.int("client_timeout"), 150);
        assert_eq!(params.str("auth_email"), Some("e"));
        assert!(params.auth().is_none(), "no username, no login");
        let params = p(json!({"action": "pull_image", "image": "i",
            "common_options": {"auth_username": "", "auth_password": "", "auth_registry": ""}}))
        .unwrap();
        assert!(
            params.auth().is_none(),
            "kolla's empty credentials mean no login"
        );
        let params = p(json!({"action": "pull_image", "image": "i",
            "common_options": {"auth_username": "u", "auth_password": "12345", "auth_registry": "r:5000"}}))
        .unwrap();
        let auth = params.auth().unwrap();
        assert_eq!(
            (auth.password.as_str(), auth.registry.as_deref()),
            ("12345", Some("r:5000"))
        );
        assert!(
            !format!("{auth:?}").contains("12345"),
            "the password is never printed"
        );
    }

    #[test]
    fn validation_errors_read_like_ansible() {
        let e = p(json!({"action": "start_container", "name": "x"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "action is start_container but all of the following are missing: image"
        );
        let e = p(json!({"action": "stop_container", "name": "x", "pid_mode": "bad"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "value of pid_mode must be one of: , host, private, got: bad"
        );
        let e = p(json!({"action": "stop_container", "name": "x", "bogus": 1})).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("Unsupported parameters for (kolla_container) module: bogus."));
        let e = p(json!({"action": "frobnicate", "name": "x"})).unwrap_err();
        assert!(e.to_string().starts_with("value of action must be one of:"));
    }

    #[test]
    fn env_values_become_strings_and_tz_is_injected() {
        let spec = p(
            json!({"action": "start_container", "name": "nova_api", "image": "i",
            "environment": {"N": 1, "B": true, "E": null}}),
        )
        .unwrap()
        .to_spec("Europe/Paris")
        .unwrap();
        assert_eq!(spec.environment["N"], "1");
        assert_eq!(spec.environment["B"], "True");
        assert_eq!(spec.environment["E"], "");
        assert_eq!(spec.environment["TZ"], "Europe/Paris");
        assert_eq!(spec.environment["KOLLA_SERVICE_NAME"], "nova-api");
    }

    #[test]
    fn dimensions_units_and_errors() {
        let d = parse_dimensions(Some(&json!({"mem_limit": "2g", "cpu_shares": 1024,
            "mem_reservation": "3M", "blkio_weight": "10",
            "ulimits": {"nofile": {"soft": 65536, "hard": "65536"}}})))
        .unwrap();
        assert_eq!(d.memory, Some(2 << 30));
        assert_eq!(d.memory_reservation, Some(3 << 20));
        assert_eq!(d.cpu_shares, Some(1024));
        assert_eq!(d.blkio_weight, Some(10));
        assert_eq!(d.ulimits.unwrap()[0].hard, Some(65536));
        let e = parse_dimensions(Some(&json!({"kernel_memory": "1g"}))).unwrap_err();
        assert_eq!(e.to_string(), "'Unsupported dimensions'");
        let e = parse_dimensions(Some(&json!({"blki_weight": 1}))).unwrap_err();
        let Error::Action { details, .. } = e else {
            panic!()
        };
        assert_eq!(details["unsupported_dimensions"], json!(["blki_weight"]));
        let e = parse_dimensions(Some(&json!({"mem_limit": "2E"}))).unwrap_err();
        assert_eq!(e.to_string(), "The docker dimension unit [e] is not supported for the dimension [2E]. The currently supported units are ['b', 'k', 'm', 'g'].");
        assert!(parse_dimensions(Some(&json!({"mem_limit": "1.5g"}))).is_err());
        assert!(parse_dimensions(Some(&json!({"mem_limit": ""}))).is_err());
        // Not a number before the "unit": the value is named as not an
        // integer (upstream blames the last letter as a unit, `[c]`, `[e]`).
        for bad in [json!("abc"), json!(true), json!("1.5g")] {
            let e = parse_dimensions(Some(&json!({"cpu_shares": bad}))).unwrap_err();
            assert!(
                e.to_string()
                    .starts_with("invalid parameter dimensions.cpu_shares: ")
                    && e.to_string().contains("is not an integer"),
                "{e}"
            );
        }
    }

    #[test]
    fn healthcheck_parsing() {
        let full = json!({"test": "true", "interval": 30, "timeout": 1.9, "start_period": "5", "retries": false});
        let h = parse_healthcheck(Some(&full)).unwrap().unwrap();
        assert_eq!(h.test, ["CMD-SHELL", "true"]);
        assert_eq!(h.interval, 30_000_000_000);
        assert_eq!(h.timeout, 1_000_000_000);
        assert_eq!(h.start_period, 5_000_000_000);
        assert_eq!(h.retries, 0);
        assert!(parse_healthcheck(Some(&json!({}))).unwrap().is_none());
        let none =
            json!({"test": ["NONE"], "interval": 1, "timeout": 1, "start_period": 1, "retries": 1});
        assert!(parse_healthcheck(Some(&none)).unwrap().is_none());
        let e = parse_healthcheck(Some(&json!({"test": "NONE"}))).unwrap_err();
        assert_eq!(e.to_string(), "'Missing healthcheck option'");
        let e = parse_healthcheck(Some(&json!({"test": "x", "extra_option": 1}))).unwrap_err();
        assert_eq!(e.to_string(), "'Unsupported healthcheck options'");
        let bad =
            json!({"test": "x", "interval": "1.5", "timeout": 1, "start_period": 1, "retries": 1});
        assert_eq!(
            parse_healthcheck(Some(&bad)).unwrap_err().to_string(),
            "Cannot parse healthcheck \"1.5\". Expected an integer, got \"str\"."
        );
        let bad =
            json!({"test": "x", "interval": {}, "timeout": 1, "start_period": 1, "retries": 1});
        assert!(parse_healthcheck(Some(&bad))
            .unwrap_err()
            .to_string()
            .contains("got \"dict\""));
    }

    #[test]
    fn restart_policy_oneshot_and_zero_retries() {
        let spec = p(
            json!({"action": "start_container", "name": "x", "image": "i",
            "restart_policy": "on-failure", "restart_retries": 0}),
        )
        .unwrap()
        .to_spec("UTC")
        .unwrap();
        assert_eq!(spec.restart_policy.unwrap().max_retries, 0);
        let spec = p(
            json!({"action": "start_container", "name": "x", "image": "i",
            "restart_policy": "oneshot"}),
        )
        .unwrap()
        .to_spec("UTC")
        .unwrap();
        assert_eq!(spec.restart_policy.unwrap().name, "no");
        let spec = p(
            json!({"action": "start_container", "name": "x", "image": "i",
            "restart_policy": "never"}),
        )
        .unwrap()
        .to_spec("UTC")
        .unwrap();
        assert_eq!(spec.restart_policy.unwrap().name, "no");
    }
}
