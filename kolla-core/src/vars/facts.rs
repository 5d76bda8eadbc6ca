//! Host facts: read from this machine, or from Ansible's JSON fact cache.

use std::path::Path;

use serde_json::{Map, Value};

use super::Error;

/// One host's facts, keyed as Ansible names them (`ansible_hostname`,
/// `ansible_eth0`, `ansible_processor_vcpus`, `ansible_memtotal_mb`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    map: Map<String, Value>,
}

impl Facts {
    /// Facts from a map (keys with or without the `ansible_` prefix).
    pub fn from_map(map: Map<String, Value>) -> Facts {
        let mut out = Map::new();
        for (k, v) in map {
            if k.starts_with("ansible_") {
                out.insert(k, v);
            } else {
                out.entry(format!("ansible_{k}")).or_insert(v.clone());
                out.insert(k, v);
            }
        }
        Facts { map: out }
    }

    /// The facts of `host` in a fact cache directory as the `jsonfile` cache
    /// plugin writes it (one JSON file per host, named after the host);
    /// `Ok(None)` when the directory has no file for the host.
    ///
    /// # Errors
    /// The file exists but is not a JSON object.
    pub fn from_cache(dir: &Path, host: &str) -> Result<Option<Facts>, Error> {
        let path = dir.join(host);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(None);
        };
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(m)) => {
                let m = match m.get("ansible_facts") {
                    Some(Value::Object(inner)) => inner.clone(),
                    _ => m,
                };
                Ok(Some(Facts::from_map(m)))
            }
            Ok(_) => Err(Error::FactFile {
                path: path.display().to_string(),
                message: "not a JSON object".into(),
            }),
            Err(e) => Err(Error::FactFile {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// One fact.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name)
    }

    /// Every fact.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The IPv4 address of interface `iface` (`ansible_<iface>.ipv4.address`).
    pub fn interface_address(&self, iface: &str) -> Option<String> {
        let v = self.map.get(&format!("ansible_{iface}"))?;
        v.get("ipv4")?.get("address")?.as_str().map(str::to_string)
    }
}

/// The facts kolla's variables use, read from this machine: hostname,
/// interface addresses (through `ip -j addr`), CPU count and memory.
pub fn local_facts() -> Facts {
    let mut m = Map::new();
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    m.insert(
        "ansible_hostname".into(),
        Value::String(hostname.split('.').next().unwrap_or(&hostname).to_string()),
    );
    m.insert("ansible_fqdn".into(), Value::String(hostname.clone()));
    m.insert("ansible_nodename".into(), Value::String(hostname));
    m.insert(
        "ansible_architecture".into(),
        Value::String(machine_arch().to_string()),
    );
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    m.insert("ansible_processor_vcpus".into(), Value::from(cpus));
    if let Some(mb) = meminfo_mb() {
        m.insert("ansible_memtotal_mb".into(), Value::from(mb));
    }
    let mut names = Vec::new();
    for (name, v4, v6) in interfaces() {
        let mut iface = Map::new();
        iface.insert("device".into(), Value::String(name.clone()));
        if let Some(a) = v4 {
            iface.insert("ipv4".into(), serde_json::json!({ "address": a }));
        }
        let v6: Vec<Value> = v6
            .into_iter()
            .map(|a| serde_json::json!({ "address": a }))
            .collect();
        iface.insert("ipv6".into(), Value::Array(v6));
        m.insert(
            format!("ansible_{}", name.replace('-', "_")),
            Value::Object(iface),
        );
        names.push(Value::String(name));
    }
    m.insert("ansible_interfaces".into(), Value::Array(names));
    Facts { map: m }
}

/// This machine's architecture as Ansible's `ansible_architecture` names it
/// (`uname -m`).
fn machine_arch() -> &'static str {
    match std::env::consts::ARCH {
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "x86" => "i386",
        a => a,
    }
}

fn meminfo_mb() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// (name, first IPv4 address, IPv6 addresses) per interface, from `ip -j addr`.
fn interfaces() -> Vec<(String, Option<String>, Vec<String>)> {
    let Ok(out) = std::process::Command::new("ip")
        .args(["-j", "addr"])
        .output()
    else {
        return Vec::new();
    };
    let Ok(Value::Array(list)) = serde_json::from_slice::<Value>(&out.stdout) else {
        return Vec::new();
    };
    let mut res = Vec::new();
    for iface in list {
        let Some(name) = iface.get("ifname").and_then(Value::as_str) else {
            continue;
        };
        let mut v4 = None;
        let mut v6 = Vec::new();
        for a in iface
            .get("addr_info")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let local = a.get("local").and_then(Value::as_str).map(str::to_string);
            match (a.get("family").and_then(Value::as_str), local) {
                (Some("inet"), Some(l)) if v4.is_none() => v4 = Some(l),
                (Some("inet6"), Some(l)) => v6.push(l),
                _ => {}
            }
        }
        res.push((name.to_string(), v4, v6));
    }
    res
}
