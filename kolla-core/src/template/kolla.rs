//! kolla-ansible's own filters (`ansible/filter_plugins` and the role
//! filter plugins of kolla-ansible 22.2.0), with upstream's behaviour and
//! error messages:
//!
//! - addresses: `kolla_address`, `kolla_url`, `put_address_in_context`;
//! - services: `service_enabled`, `service_mapped_to_host`,
//!   `service_enabled_and_mapped_to_host`,
//!   `select_services_enabled_and_mapped_to_host`, `extract_haproxy_services`;
//! - `database_shards_info`, `customise_fluentd`, `namespace_haproxy_for_cell`.
//!
//! Filters that read other hosts' variables (`kolla_address`,
//! `database_shards_info`) look them up in `hostvars` (host name to its
//! variables), as upstream does; genconfig provides it.
//!
//! `bcrypt_hash` is not provided (see `docs/deviations.md`).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv6Addr};

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State};

/// Registers the filters on an environment.
pub fn register(env: &mut Environment<'_>) {
    env.add_filter("put_address_in_context", put_address_in_context_filter);
    env.add_filter("kolla_url", kolla_url);
    env.add_filter("kolla_address", kolla_address);
    env.add_filter("service_enabled", service_enabled);
    env.add_filter("service_mapped_to_host", service_mapped_to_host);
    env.add_filter(
        "service_enabled_and_mapped_to_host",
        service_enabled_and_mapped_to_host,
    );
    env.add_filter(
        "select_services_enabled_and_mapped_to_host",
        select_services_enabled_and_mapped_to_host,
    );
    env.add_filter("extract_haproxy_services", extract_haproxy_services);
    env.add_filter("database_shards_info", database_shards_info);
    env.add_filter("customise_fluentd", customise_fluentd);
    env.add_filter("namespace_haproxy_for_cell", namespace_haproxy_for_cell);
}

/// The variables kolla's filters read from the template's context rather
/// than from their arguments, for the filters `source` uses: `hostvars`
/// and `inventory_hostname` (`kolla_address`, `database_shards_info`),
/// `group_names` (`*mapped_to_host`).
pub fn implicit_variables(source: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if source.contains("kolla_address") || source.contains("database_shards_info") {
        out.extend(["hostvars", "inventory_hostname"]);
    }
    if source.contains("mapped_to_host") {
        out.push("group_names");
    }
    out
}

/// kolla-ansible's `FilterError`.
fn filter_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn str_of(v: &Value) -> String {
    crate::pycompat::py_str(v)
}

/// `put_address_in_context(address, context)`: an IPv6 address in brackets
/// for `url`, `inet6:[...]` for `memcache`, Erlang's tuple syntax for
/// `rabbitmq`; anything else as is.
///
/// ```
/// use kolla_core::template::kolla::put_address_in_context;
/// assert_eq!(put_address_in_context("fd00::1", "url").unwrap(), "[fd00::1]");
/// assert_eq!(put_address_in_context("fd00::1", "memcache").unwrap(), "inet6:[fd00::1]");
/// assert_eq!(put_address_in_context("10.0.0.1", "rabbitmq").unwrap(), "10,0,0,1");
/// assert_eq!(put_address_in_context("10.0.0.1", "url").unwrap(), "10.0.0.1");
/// ```
///
/// # Errors
/// An unknown context (upstream's message), or a `rabbitmq` address that
/// is not an IP address (upstream raises Python's `ValueError`).
pub fn put_address_in_context(address: &str, context: &str) -> Result<String, String> {
    if !matches!(context, "url" | "memcache" | "rabbitmq") {
        return Err(format!("Unknown context '{context}'"));
    }
    if !address.contains(':') && context != "rabbitmq" {
        return Ok(address.to_string());
    }
    match context {
        "url" => Ok(format!("[{address}]")),
        "memcache" => Ok(format!("inet6:[{address}]")),
        _ => match parse_ip(address) {
            Some(IpAddr::V6(v6)) => Ok(v6
                .segments()
                .iter()
                .map(|s| format!("16#{s:x}"))
                .collect::<Vec<_>>()
                .join(",")),
            Some(IpAddr::V4(_)) => Ok(address.replace('.', ",")),
            None => Err(format!(
                "'{address}' does not appear to be an IPv4 or IPv6 address"
            )),
        },
    }
}

/// Python's `ipaddress.ip_address` on a string (no zone ids, no leading
/// zeros in IPv4 octets).
fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(v4) = s.parse::<std::net::Ipv4Addr>() {
        let canonical = s.split('.').all(|o| o == "0" || !o.starts_with('0'));
        return canonical.then_some(IpAddr::V4(v4));
    }
    s.parse::<Ipv6Addr>().ok().map(IpAddr::V6)
}

fn put_address_in_context_filter(address: Value, context: Value) -> Result<String, Error> {
    put_address_in_context(&str_of(&address), &str_of(&context)).map_err(filter_error)
}

/// `kolla_url(fqdn, protocol, port, path='', context='url')`.
fn kolla_url(
    fqdn: Value,
    protocol: Value,
    port: Value,
    path: Option<Value>,
    context: Option<Value>,
) -> Result<String, Error> {
    let context = context.map(|c| str_of(&c)).unwrap_or_else(|| "url".into());
    let fqdn = put_address_in_context(&str_of(&fqdn), &context).map_err(filter_error)?;
    let port = py_int(&port)?;
    let protocol = str_of(&protocol);
    let path = path.map(|p| str_of(&p)).unwrap_or_default();
    let default_port = matches!(
        (protocol.as_str(), port),
        ("http", 80) | ("https", 443) | ("ws", 80) | ("wss", 443)
    );
    Ok(if default_port {
        format!("{protocol}://{fqdn}{path}")
    } else {
        format!("{protocol}://{fqdn}:{port}{path}")
    })
}

/// Python's `int()` of a value.
fn py_int(v: &Value) -> Result<i128, Error> {
    if let Some(i) = crate::pycompat::as_int(v) {
        return Ok(i);
    }
    match v.kind() {
        ValueKind::Number => f64::try_from(v.clone())
            .map(|f| f.trunc() as i128)
            .map_err(|_| filter_error(format!("invalid literal for int(): {v}"))),
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            let t = s.trim().replace('_', "");
            t.parse::<i128>().map_err(|_| {
                filter_error(format!(
                    "invalid literal for int() with base 10: {}",
                    crate::pycompat::str_repr(s)
                ))
            })
        }
        _ => Err(filter_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            v.kind()
        ))),
    }
}

/// Ansible's `bool` filter, as kolla's `_call_bool_filter` calls it.
fn ansible_bool(v: &Value) -> bool {
    super::filters::ansible_bool(v)
}

/// `service.get(key)`, `None` for a missing key or a `None` value.
fn get(service: &Value, key: &str) -> Option<Value> {
    service
        .get_attr(key)
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_none())
}

fn container_name(service: &Value) -> String {
    get(service, "container_name")
        .map(|v| str_of(&v))
        .unwrap_or_else(|| "<unknown>".into())
}

fn is_enabled(_state: &State, service: &Value) -> Result<bool, Error> {
    let Some(enabled) = get(service, "enabled") else {
        return Err(filter_error(format!(
            "Service definition for '{}' does not have an 'enabled' attribute",
            container_name(service)
        )));
    };
    Ok(ansible_bool(&enabled))
}

fn is_mapped(state: &State, service: &Value) -> Result<bool, Error> {
    if let Some(h) = get(service, "host_in_groups") {
        return Ok(ansible_bool(&h));
    }
    if let Some(group) = get(service, "group") {
        let group = str_of(&group);
        if group == "all" {
            return Ok(true);
        }
        let names = state.lookup("group_names").unwrap_or_default();
        let found = names
            .try_iter()
            .map(|mut it| it.any(|g| g.as_str() == Some(group.as_str())))
            .unwrap_or(false);
        return Ok(found);
    }
    Err(filter_error(format!(
        "Service definition for '{}' does not have a 'group' or 'host_in_groups' attribute",
        container_name(service)
    )))
}

fn service_enabled(state: &State, service: Value) -> Result<bool, Error> {
    is_enabled(state, &service)
}

fn service_mapped_to_host(state: &State, service: Value) -> Result<bool, Error> {
    is_mapped(state, &service)
}

fn service_enabled_and_mapped_to_host(state: &State, service: Value) -> Result<bool, Error> {
    Ok(is_enabled(state, &service)? && is_mapped(state, &service)?)
}

fn select_services_enabled_and_mapped_to_host(
    state: &State,
    services: Value,
) -> Result<Value, Error> {
    let mut out = indexmap::IndexMap::new();
    for name in services.try_iter()? {
        let service = services.get_item(&name)?;
        if is_enabled(state, &service)? && is_mapped(state, &service)? {
            out.insert(name, service);
        }
    }
    Ok(Value::from_iter(out))
}

fn extract_haproxy_services(state: &State, services: Value) -> Result<Value, Error> {
    let mut out = indexmap::IndexMap::new();
    for name in services.try_iter()? {
        let service = services.get_item(&name)?;
        if !is_enabled(state, &service)? {
            continue;
        }
        let Some(haproxy) = get(&service, "haproxy") else {
            continue;
        };
        if !haproxy.is_true() {
            continue;
        }
        let keys: Vec<Value> = haproxy.try_iter()?.collect();
        if keys.iter().any(|k| out.contains_key(k)) {
            return Err(filter_error("haproxy service names should be unique"));
        }
        for k in keys {
            let v = haproxy.get_item(&k)?;
            out.insert(k, v);
        }
    }
    Ok(Value::from_iter(out))
}

/// `hostvars[hostname]`, or upstream's error.
fn host_vars(state: &State, hostname: &str) -> Result<Value, Error> {
    let hostvars = state
        .lookup("hostvars")
        .filter(|v| !v.is_undefined() && !v.is_none())
        .ok_or_else(|| filter_error("'hostvars' variable is unavailable"))?;
    let host = hostvars
        .get_attr(hostname)
        .ok()
        .filter(|v| !v.is_undefined());
    host.ok_or_else(|| filter_error(format!("'{hostname}' not in 'hostvars'")))
}

fn kolla_address(
    state: &State,
    network_name: Value,
    hostname: Option<Value>,
    override_var: Option<Value>,
) -> Result<String, Error> {
    let network = str_of(&network_name);
    let hostname = match hostname.filter(|h| !h.is_none()) {
        Some(h) => str_of(&h),
        None => match state.lookup("inventory_hostname") {
            Some(h) if !h.is_undefined() => str_of(&h),
            _ => return Err(filter_error("'inventory_hostname' variable is unavailable")),
        },
    };
    let host = host_vars(state, &hostname)?;
    if let Some(var) = override_var.filter(|v| !v.is_none()) {
        let var = str_of(&var);
        if let Some(v) = get(&host, &var) {
            let text = str_of(&v);
            return match parse_ip(&text) {
                Some(ip) => Ok(ip.to_string()),
                None => Err(filter_error(format!(
                    "variable '{var}' for host '{hostname}' is set to '{text}', which is not a valid IPv4 or IPv6 address"
                ))),
            };
        }
    }
    let interface_name = get(&host, &format!("{network}_interface")).ok_or_else(|| {
        filter_error(format!(
            "Interface name undefined for network '{network}' (set '{network}_interface')"
        ))
    })?;
    let interface_name = str_of(&interface_name);
    let family = get(&host, &format!("{network}_address_family")).ok_or_else(|| {
        filter_error(format!(
            "Address family undefined for network '{network}' (set '{network}_address_family')"
        ))
    })?;
    let family = str_of(&family).to_lowercase();
    if family != "ipv4" && family != "ipv6" {
        return Err(filter_error(format!(
            "Unknown address family '{family}' for network '{network}'"
        )));
    }
    let facts = get(&host, "ansible_facts").unwrap_or_default();
    let interface = get(&facts, &interface_name.replace('-', "_")).ok_or_else(|| {
        filter_error(format!(
            "Interface '{interface_name}' not present on host '{hostname}'"
        ))
    })?;
    let af = get(&interface, &family).ok_or_else(|| {
        filter_error(format!(
            "Address family '{family}' undefined on interface '{interface_name}' for host: '{hostname}'"
        ))
    })?;
    let is_loopback = |a: &str| parse_ip(a).is_some_and(|ip| ip.is_loopback());
    let address = if family == "ipv4" {
        let mut address = get(&af, "address").map(|a| str_of(&a));
        if address.as_deref().is_some_and(is_loopback) {
            let secondaries = get(&interface, "ipv4_secondaries").unwrap_or_default();
            if let Ok(it) = secondaries.try_iter() {
                for sec in it {
                    let a = get(&sec, "address").map(|a| str_of(&a)).unwrap_or_default();
                    if !is_loopback(&a) {
                        address = Some(a);
                        break;
                    }
                }
            }
        }
        address
    } else {
        let haproxy = get(&host, "enable_haproxy")
            .ok_or_else(|| filter_error("'enable_haproxy' variable is unavailable"))?;
        let vips: Vec<Option<String>> = if ansible_bool(&haproxy) {
            vec![
                get(&host, "kolla_internal_vip_address").map(|v| str_of(&v)),
                get(&host, "kolla_external_vip_address").map(|v| str_of(&v)),
            ]
        } else {
            Vec::new()
        };
        let mut found = None;
        for a in af.try_iter()? {
            let scope = get(&a, "scope").map(|s| str_of(&s));
            let addr = get(&a, "address").map(|s| str_of(&s));
            if scope.as_deref() == Some("global") && !vips.contains(&addr) {
                found = addr;
                break;
            }
        }
        found
    };
    address.ok_or_else(|| {
        filter_error(format!(
            "{family} address missing on interface '{interface_name}' for host '{hostname}'"
        ))
    })
}

fn database_shards_info(state: &State, hostnames: Value) -> Result<Value, Error> {
    let mut shards: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
    let mut users: Vec<Value> = Vec::new();
    for hostname in hostnames.try_iter()? {
        let hostname = str_of(&hostname);
        let host = host_vars(state, &hostname)?;
        let shard_id = get(&host, "mariadb_shard_id").ok_or_else(|| {
            filter_error(format!(
                "'mariadb_shard_id' is undefined for host '{hostname}'"
            ))
        })?;
        let shard_id = str_of(&shard_id);
        if let Some(hosts) = shards.get_mut(&shard_id) {
            hosts.push(hostname);
            continue;
        }
        shards.insert(shard_id.clone(), vec![hostname.clone()]);
        let backup = get(&host, "enable_mariabackup")
            .ok_or_else(|| filter_error("'enable_mariabackup' variable is unavailable"))?;
        let backup = ansible_bool(&backup);
        let password = get(&host, "database_password")
            .ok_or_else(|| filter_error("'database_password' variable is unavailable"))?;
        let root_prefix = get(&host, "mariadb_shard_root_user_prefix").ok_or_else(|| {
            filter_error("'mariadb_shard_root_user_prefix' variable is unavailable")
        })?;
        users.push(user(
            password,
            format!("{}{shard_id}", str_of(&root_prefix)),
            &shard_id,
        ));
        if backup {
            let prefix = get(&host, "mariadb_shard_backup_user_prefix").ok_or_else(|| {
                filter_error("'mariadb_shard_backup_user_prefix' variable is unavailable")
            })?;
            let password = get(&host, "mariadb_backup_database_password").unwrap_or_default();
            users.push(user(
                password,
                format!("{}{shard_id}", str_of(&prefix)),
                &shard_id,
            ));
        }
    }
    let shards = shards
        .into_iter()
        .map(|(k, hosts)| {
            let inner: indexmap::IndexMap<&str, Value> =
                [("hosts", Value::from(hosts))].into_iter().collect();
            (k, Value::from_iter(inner))
        })
        .collect::<indexmap::IndexMap<_, _>>();
    let out: indexmap::IndexMap<&str, Value> = [
        ("shards", Value::from_iter(shards)),
        ("users", Value::from(users)),
    ]
    .into_iter()
    .collect();
    Ok(Value::from_iter(out))
}

fn user(password: Value, user: String, shard_id: &str) -> Value {
    let m: indexmap::IndexMap<&str, Value> = [
        ("password", password),
        ("user", Value::from(user)),
        ("shard_id", Value::from(shard_id)),
    ]
    .into_iter()
    .collect();
    Value::from_iter(m)
}

/// `customise_fluentd(default_paths, customised_paths)`: the defaults not
/// overridden by a customised file of the same name (ignoring `.j2`),
/// plus the customised ones, sorted by base name.
fn customise_fluentd(default_paths: Value, customised_paths: Value) -> Result<Value, Error> {
    let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let stem = |p: &str| {
        let b = base(p);
        match b.rfind('.') {
            Some(i) if i > 0 => b[..i].to_string(),
            _ => b,
        }
    };
    let custom: Vec<String> = customised_paths.try_iter()?.map(|v| str_of(&v)).collect();
    let custom_names: BTreeSet<String> = custom.iter().map(|p| base(p)).collect();
    let mut result: BTreeSet<String> = default_paths
        .try_iter()?
        .map(|v| str_of(&v))
        .filter(|p| !custom_names.contains(&stem(p)))
        .collect();
    result.extend(custom);
    let mut out: Vec<String> = result.into_iter().collect();
    // Python's sorted() is stable; ties keep set order, here the path order.
    out.sort_by_key(|p| base(p));
    Ok(Value::from(out))
}

/// `namespace_haproxy_for_cell(services, cell_name)`.
fn namespace_haproxy_for_cell(services: Value, cell_name: Value) -> Result<Value, Error> {
    let cell = if cell_name.is_true() {
        str_of(&cell_name)
    } else {
        String::new()
    };
    let ns = |n: &str| {
        if cell.is_empty() {
            n.to_string()
        } else {
            format!("{n}_{cell}")
        }
    };
    let mut out = indexmap::IndexMap::new();
    for name in services.try_iter()? {
        let service = services.get_item(&name)?;
        let mut svc: indexmap::IndexMap<Value, Value> = indexmap::IndexMap::new();
        for k in service.try_iter()? {
            svc.insert(k.clone(), service.get_item(&k)?);
        }
        if let Some(h) = get(&service, "haproxy").filter(Value::is_true) {
            let mut ns_h = indexmap::IndexMap::new();
            for k in h.try_iter()? {
                ns_h.insert(ns(&str_of(&k)), h.get_item(&k)?);
            }
            svc.insert(Value::from("haproxy"), Value::from_iter(ns_h));
        }
        out.insert(ns(&str_of(&name)), Value::from_iter(svc));
    }
    Ok(Value::from_iter(out))
}

#[cfg(test)]
mod tests;
