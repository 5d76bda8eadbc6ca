//! `hostvars`: every inventory host's variables, looked up lazily. A
//! lookup of a (host, variable) not known yet is recorded as a miss and is
//! undefined; the caller resolves the misses (through that host's Context),
//! [`HostVarsData::insert`]s them and renders again.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// `hostvars` as templates see it: host name to a view of that host's
/// variables. Values are filled in on demand: a lookup of a variable not
/// known yet is recorded as a miss (and is undefined); the renderer then
/// resolves the misses through the hosts' Contexts and renders again.
/// Values are kept for the whole run, so each (host, variable) is resolved
/// once.
#[derive(Debug, Default)]
pub(crate) struct HostVarsData {
    hosts: std::collections::HashSet<String>,
    values: std::sync::Mutex<HashMap<(String, String), Option<minijinja::Value>>>,
    misses: std::sync::Mutex<Vec<(String, String)>>,
}

#[derive(Debug)]
struct HostVars(Arc<HostVarsData>);

impl minijinja::value::Object for HostVars {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let host = key.as_str()?;
        if !self.0.hosts.contains(host) {
            return None;
        }
        Some(minijinja::Value::from_object(HostView {
            data: Arc::clone(&self.0),
            host: host.to_string(),
        }))
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        let mut hosts: Vec<minijinja::Value> = self
            .0
            .hosts
            .iter()
            .map(|h| minijinja::Value::from(h.as_str()))
            .collect();
        hosts.sort();
        minijinja::value::Enumerator::Values(hosts)
    }
}

#[derive(Debug)]
struct HostView {
    data: Arc<HostVarsData>,
    host: String,
}

impl minijinja::value::Object for HostView {
    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let name = key.as_str()?;
        let k = (self.host.clone(), name.to_string());
        let values = self.data.values.lock().expect("hostvars lock");
        match values.get(&k) {
            Some(v) => v.clone(),
            None => {
                drop(values);
                self.data.misses.lock().expect("hostvars lock").push(k);
                None
            }
        }
    }

    fn enumerate(self: &Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::NonEnumerable
    }
}

impl HostVarsData {
    /// Lookups for `hosts` (the inventory's host names).
    pub(crate) fn new(hosts: std::collections::HashSet<String>) -> Self {
        HostVarsData {
            hosts,
            ..Default::default()
        }
    }

    /// The (host, variable) lookups that missed since the last call.
    pub(crate) fn take_misses(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.misses.lock().expect("hostvars lock"))
    }

    /// Records the value (`None`: undefined) of `var` on `host`.
    pub(crate) fn insert(&self, host: String, var: String, v: Option<Value>) {
        self.values
            .lock()
            .expect("hostvars lock")
            .insert((host, var), v.map(minijinja::Value::from_serialize));
    }
}

/// `hostvars` as a template value.
pub(crate) fn value(data: &Arc<HostVarsData>) -> minijinja::Value {
    minijinja::Value::from_object(HostVars(Arc::clone(data)))
}
