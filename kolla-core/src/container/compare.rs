//! The one comparison of a desired container with an observed one.
//!
//! [`differences`] implements kolla_container's `check_container_differs`
//! (spec `container-actions.md`, section D): every check runs, in upstream's
//! order, and each difference carries the `current` and `desired` payloads
//! upstream's `diff_*` functions report. `compare_container` and the planner
//! both call it. Values are normalised on the way in by
//! [`super::normalize`], the same functions creation uses, so creation and
//! comparison can never disagree.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::normalize::tmpfs_mounts;
use super::{ContainerInfo, ContainerSpec, Dimensions, ImageInfo, RestartPolicy};

/// One field where the running container differs from the desired one, in
/// the shape of upstream's `comparison_failures` entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// The check's name (`image`, `environment`, `dimensions`, ...).
    pub name: String,
    /// What the container has.
    pub current: Value,
    /// What was asked for.
    pub desired: Value,
}

impl Difference {
    fn new(name: &str, current: Value, desired: Value) -> Self {
        Difference {
            name: name.to_string(),
            current,
            desired,
        }
    }
}

/// docker-py's `parse_repository_tag`: the tag is `None` when absent.
fn parse_repository_tag(name: &str) -> (String, Option<String>) {
    if let Some((repo, digest)) = name.split_once('@') {
        return (repo.to_string(), Some(digest.to_string()));
    }
    match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), Some(tag.to_string())),
        _ => (name.to_string(), None),
    }
}

/// Upstream's `compare_image`: whether the container does not run the
/// desired image (or there is no container, or no local image).
pub fn image_differs(
    image: &str,
    observed: Option<&ContainerInfo>,
    local: Option<&ImageInfo>,
) -> bool {
    let (Some(info), Some(local)) = (observed, local) else {
        return true;
    };
    local.id != info.image_id || parse_repository_tag(&info.image) != parse_repository_tag(image)
}

fn set(v: &[String]) -> BTreeSet<&str> {
    v.iter().map(String::as_str).collect()
}

fn sorted(v: &[String]) -> Value {
    let mut v = v.to_vec();
    v.sort();
    json!(v)
}

/// The environment the container sees, `KEY -> value`, from `Config.Env`
/// (an entry without `=` maps to `""`).
pub fn env_map(env: &[String]) -> BTreeMap<String, String> {
    env.iter()
        .map(|e| match e.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (e.clone(), String::new()),
        })
        .collect()
}

/// Docker's names of the dimension fields, in upstream's order.
const DIMENSION_FIELDS: [(&str, &str); 10] = [
    ("mem_limit", "Memory"),
    ("mem_reservation", "MemoryReservation"),
    ("memswap_limit", "MemorySwap"),
    ("cpu_period", "CpuPeriod"),
    ("cpu_quota", "CpuQuota"),
    ("cpu_shares", "CpuShares"),
    ("cpuset_cpus", "CpusetCpus"),
    ("cpuset_mems", "CpusetMems"),
    ("blkio_weight", "BlkioWeight"),
    ("ulimits", "Ulimits"),
];

/// A dimension's value for a payload. `docker_zeros`: show unset values
/// the way Docker reports them (0, `""`), as upstream's `current` does.
fn dimension_values(d: &Dimensions, key: &str, docker_zeros: bool) -> Value {
    let v = dimension_value(d, key);
    if !docker_zeros || !v.is_null() {
        return v;
    }
    match key {
        "cpuset_cpus" | "cpuset_mems" => json!(""),
        "ulimits" => Value::Null,
        _ => json!(0),
    }
}

fn dimension_value(d: &Dimensions, key: &str) -> Value {
    match key {
        "mem_limit" => json!(d.memory),
        "mem_reservation" => json!(d.memory_reservation),
        "memswap_limit" => json!(d.memory_swap),
        "cpu_period" => json!(d.cpu_period),
        "cpu_quota" => json!(d.cpu_quota),
        "cpu_shares" => json!(d.cpu_shares),
        "cpuset_cpus" => json!(d.cpuset_cpus),
        "cpuset_mems" => json!(d.cpuset_mems),
        "blkio_weight" => json!(d.blkio_weight),
        _ => match &d.ulimits {
            None => Value::Null,
            Some(u) => json!(u
                .iter()
                .map(|u| json!({"Name": u.name, "Soft": u.soft, "Hard": u.hard}))
                .collect::<Vec<_>>()),
        },
    }
}

fn dimensions_differ(desired: &Dimensions, current: &Dimensions) -> bool {
    fn num(d: Option<i64>, c: Option<i64>) -> bool {
        match d {
            Some(d) => d != c.unwrap_or(0),
            None => c.unwrap_or(0) != 0,
        }
    }
    fn text(d: &Option<String>, c: &Option<String>) -> bool {
        let c = c.as_deref().unwrap_or("");
        match d {
            Some(d) => d != c,
            None => !c.is_empty(),
        }
    }
    // Docker fills MemorySwap with twice Memory when only Memory is given;
    // that is not a swap limit anyone asked for.
    let swap_current = match (desired.memory_swap, current.memory, current.memory_swap) {
        (None, Some(m), Some(s)) if s == 2 * m => None,
        _ => current.memory_swap,
    };
    let ulimits = {
        let mut d = desired.ulimits.clone().unwrap_or_default();
        let mut c = current.ulimits.clone().unwrap_or_default();
        d.sort();
        c.sort();
        d != c
    };
    num(desired.memory, current.memory)
        || num(desired.memory_reservation, current.memory_reservation)
        || num(desired.memory_swap, swap_current)
        || num(desired.cpu_period, current.cpu_period)
        || num(desired.cpu_quota, current.cpu_quota)
        || num(desired.cpu_shares, current.cpu_shares)
        || text(&desired.cpuset_cpus, &current.cpuset_cpus)
        || text(&desired.cpuset_mems, &current.cpuset_mems)
        || num(desired.blkio_weight, current.blkio_weight)
        || ulimits
}

/// A healthcheck the way Docker's `Config.Healthcheck` spells it.
fn healthcheck_payload(h: Option<&super::Healthcheck>) -> Value {
    match h {
        None => Value::Null,
        Some(h) => {
            let mut v = json!({"Test": h.test, "Interval": h.interval, "Timeout": h.timeout,
                "StartPeriod": h.start_period, "Retries": h.retries});
            if h.start_interval != 0 {
                v["StartInterval"] = json!(h.start_interval);
            }
            v
        }
    }
}

fn restart_policy_name(p: &RestartPolicy) -> &str {
    if p.name.is_empty() {
        "no"
    } else {
        &p.name
    }
}

/// Every difference between `spec` and the container `observed`, given the
/// local copy of the desired image (`None` when it is not present).
///
/// The checks and their order are upstream's (spec section D), with the
/// fixes listed under "Container actions" in `docs/deviations.md`:
/// environment values are compared as strings; labels are not compared
/// when the image is absent (the `image` difference already forces a
/// recreate); tmpfs options are compared; Docker's implicit `MemorySwap`
/// is not a difference; `restart_policy` and `network_mode` are compared
/// when given.
///
/// ```
/// use kolla_core::container::{compare::differences, ContainerInfo, ContainerSpec};
/// let spec = ContainerSpec { name: "c".into(), image: "busybox".into(), privileged: true, ..Default::default() };
/// let observed = ContainerInfo { status: "running".into(), image: "busybox".into(), ..Default::default() };
/// let names: Vec<String> = differences(&spec, &observed, None).into_iter().map(|d| d.name).collect();
/// assert_eq!(names, ["image", "privileged"]);
/// ```
pub fn differences(
    spec: &ContainerSpec,
    observed: &ContainerInfo,
    image: Option<&ImageInfo>,
) -> Vec<Difference> {
    let mut out = Vec::new();
    let host = &observed.host;

    // cap_add
    if set(&spec.cap_add) != set(&host.cap_add) {
        out.push(Difference::new(
            "cap_add",
            sorted(&host.cap_add),
            sorted(&spec.cap_add),
        ));
    }

    // security_opt: ignored when host namespaces or privileged make it moot.
    let skip_secopt = spec.ipc_mode.as_deref() == Some("host")
        || spec.pid_mode.as_deref() == Some("host")
        || spec.privileged;
    if !skip_secopt && set(&spec.security_opt) != set(&host.security_opt) {
        out.push(Difference::new(
            "security_opt",
            sorted(&host.security_opt),
            sorted(&spec.security_opt),
        ));
    }

    // image
    if image_differs(&spec.image, Some(observed), image) {
        let current = if observed.image_id.is_empty() {
            &observed.image
        } else {
            &observed.image_id
        };
        out.push(Difference::new("image", json!(current), json!(spec.image)));
    }

    // ipc_mode: only when asked for.
    if let Some(desired) = spec.ipc_mode.as_deref().filter(|s| !s.is_empty()) {
        let current = Some(host.ipc_mode.as_str()).filter(|s| !s.is_empty());
        if current != Some(desired) {
            out.push(Difference::new("ipc_mode", json!(current), json!(desired)));
        }
    }

    // labels: labels inherited from the image are not the container's own.
    if let Some(image) = image {
        let mut current = observed.labels.clone();
        let mut differs = false;
        for (k, v) in &image.labels {
            match spec.labels.get(k) {
                Some(d) => differs |= d != v,
                None => {
                    current.remove(k);
                }
            }
        }
        if differs || current != spec.labels {
            out.push(Difference::new(
                "labels",
                json!(current),
                json!(spec.labels),
            ));
        }
    }

    // privileged
    if spec.privileged != host.privileged {
        out.push(Difference::new(
            "privileged",
            json!(host.privileged),
            json!(spec.privileged),
        ));
    }

    // pid_mode: always compared; unset equals "".
    let desired_pid = spec.pid_mode.as_deref().filter(|s| !s.is_empty());
    let current_pid = Some(host.pid_mode.as_str()).filter(|s| !s.is_empty());
    if desired_pid != current_pid {
        out.push(Difference::new(
            "pid_mode",
            json!(current_pid),
            json!(desired_pid),
        ));
    }

    // cgroupns_mode: ignored when not asked for; an engine that does not
    // report it runs in the host namespace.
    if let Some(desired) = spec.cgroupns_mode.as_deref() {
        let current = host
            .cgroupns_mode
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or("host");
        if current != desired {
            out.push(Difference::new(
                "cgroupns_mode",
                json!(current),
                json!(desired),
            ));
        }
    }

    // tmpfs: path and options.
    let desired_tmpfs = tmpfs_mounts(&spec.tmpfs);
    if desired_tmpfs != host.tmpfs {
        let cur: Vec<String> = host.tmpfs.keys().cloned().collect();
        let des: Vec<String> = spec
            .tmpfs
            .iter()
            .filter(|t| !t.is_empty())
            .cloned()
            .collect();
        out.push(Difference::new("tmpfs", sorted(&cur), sorted(&des)));
    }

    // volumes: container paths and binds.
    let (paths, binds) = spec.volume_paths_and_binds();
    if set(&paths) != set(&observed.volumes) || set(&binds) != set(&host.binds) {
        out.push(Difference::new(
            "volumes",
            json!({"volumes": observed.volumes, "binds": sorted(&host.binds)}),
            json!({"volumes": paths, "binds": sorted(&binds)}),
        ));
    }

    // volumes_from
    if set(&spec.volumes_from) != set(&host.volumes_from) {
        out.push(Difference::new(
            "volumes_from",
            sorted(&host.volumes_from),
            sorted(&spec.volumes_from),
        ));
    }

    // environment: desired must be a subset, compared as strings.
    let current_env = env_map(&observed.env);
    if spec
        .environment
        .iter()
        .any(|(k, v)| current_env.get(k) != Some(v))
    {
        let cur: Vec<&String> = current_env.keys().collect();
        let des: Vec<&String> = spec.environment.keys().collect();
        out.push(Difference::new("environment", json!(cur), json!(des)));
    }

    // container_state
    let desired_state = match spec.state.as_deref() {
        None | Some("started") => "running",
        Some(s) => s,
    };
    if desired_state != observed.status {
        out.push(Difference::new(
            "container_state",
            json!(observed.status),
            json!(desired_state),
        ));
    }

    // dimensions
    if dimensions_differ(&spec.dimensions, &host.dimensions) {
        let mut cur = serde_json::Map::new();
        let mut des = serde_json::Map::new();
        for (key, docker) in DIMENSION_FIELDS {
            let d = dimension_values(&spec.dimensions, key, false);
            if !d.is_null() {
                cur.insert(docker.into(), dimension_values(&host.dimensions, key, true));
                des.insert(docker.into(), d);
            }
        }
        out.push(Difference::new(
            "dimensions",
            Value::Object(cur),
            Value::Object(des),
        ));
    }

    // command: compared with Path + Args when given.
    if let Some((first, rest)) = spec.command.split_first() {
        if *first != observed.path || rest != observed.args.as_slice() {
            let current = format!("{} {}", observed.path, observed.args.join(" "));
            out.push(Difference::new(
                "command",
                json!(current.trim()),
                json!(spec.command.join(" ")),
            ));
        }
    }

    // healthcheck: the five fields kolla sets; a start interval kolla never
    // sets counts as a difference too.
    let hc_differs = match (&spec.healthcheck, &observed.healthcheck) {
        (None, None) => false,
        (Some(d), Some(c)) => d != c,
        _ => true,
    };
    if hc_differs {
        out.push(Difference::new(
            "healthcheck",
            healthcheck_payload(observed.healthcheck.as_ref()),
            healthcheck_payload(spec.healthcheck.as_ref()),
        ));
    }

    // restart_policy (kolla-rs: Docker policies are the restart mechanism).
    if let Some(desired) = &spec.restart_policy {
        let cur = &host.restart_policy;
        let differs = restart_policy_name(desired) != restart_policy_name(cur)
            || (desired.name == "on-failure" && desired.max_retries != cur.max_retries);
        if differs {
            out.push(Difference::new(
                "restart_policy",
                json!({"name": restart_policy_name(cur), "max_retries": cur.max_retries}),
                json!({"name": restart_policy_name(desired), "max_retries": desired.max_retries}),
            ));
        }
    }

    // network_mode (kolla-rs: a parameter, default host).
    if !spec.network_mode.is_empty() && spec.network_mode != host.network_mode {
        out.push(Difference::new(
            "network_mode",
            json!(host.network_mode),
            json!(spec.network_mode),
        ));
    }

    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::normalize::{
        generate_volumes, named_volumes, parse_image, validate_volumes,
    };
    use crate::container::{HostSettings, Ulimit};

    fn matching(spec: &ContainerSpec) -> (ContainerInfo, ImageInfo) {
        let (paths, binds) = spec.volume_paths_and_binds();
        let info = ContainerInfo {
            name: spec.name.clone(),
            image: spec.image.clone(),
            image_id: "sha256:1".into(),
            status: "running".into(),
            labels: spec.labels.clone(),
            env: spec
                .environment
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .chain(["PATH=/bin".to_string()])
                .collect(),
            volumes: paths,
            host: HostSettings {
                network_mode: spec.network_mode.clone(),
                binds,
                ..Default::default()
            },
            ..Default::default()
        };
        let image = ImageInfo {
            id: "sha256:1".into(),
            repo_tags: vec![spec.image.clone()],
            labels: BTreeMap::new(),
        };
        (info, image)
    }

    fn names(d: Vec<Difference>) -> Vec<String> {
        d.into_iter().map(|d| d.name).collect()
    }

    fn base() -> ContainerSpec {
        ContainerSpec {
            name: "c".into(),
            image: "kolla/nova:1".into(),
            network_mode: "host".into(),
            environment: [("A".to_string(), "1".to_string())].into(),
            volumes: vec!["kolla_logs:/var/log/kolla/".into()],
            ..Default::default()
        }
    }

    #[test]
    fn identical_is_empty() {
        let spec = base();
        let (info, image) = matching(&spec);
        assert!(differences(&spec, &info, Some(&image)).is_empty());
    }

    #[test]
    fn image_labels_are_ignored_but_extra_container_labels_differ() {
        let spec = base();
        let (mut info, mut image) = matching(&spec);
        image.labels.insert("build".into(), "x".into());
        info.labels.insert("build".into(), "x".into());
        assert!(differences(&spec, &info, Some(&image)).is_empty());
        info.labels.insert("extra".into(), "y".into());
        assert_eq!(names(differences(&spec, &info, Some(&image))), ["labels"]);
        // The image missing: no crash, the image difference stands alone.
        assert_eq!(names(differences(&spec, &info, None)), ["image"]);
    }

    #[test]
    fn pid_mode_is_asymmetric_with_ipc_mode() {
        let spec = base();
        let (mut info, image) = matching(&spec);
        info.host.ipc_mode = "host".into();
        assert!(differences(&spec, &info, Some(&image)).is_empty());
        info.host.pid_mode = "host".into();
        assert_eq!(names(differences(&spec, &info, Some(&image))), ["pid_mode"]);
    }

    #[test]
    fn dimensions_removed_must_be_reset_and_swap_default_is_not_a_change() {
        let mut spec = base();
        let (mut info, image) = matching(&spec);
        info.host.dimensions.cpuset_cpus = Some("1".into());
        assert_eq!(
            names(differences(&spec, &info, Some(&image))),
            ["dimensions"]
        );
        info.host.dimensions.cpuset_cpus = Some(String::new());
        spec.dimensions.memory = Some(1 << 20);
        info.host.dimensions.memory = Some(1 << 20);
        info.host.dimensions.memory_swap = Some(2 << 20);
        assert!(differences(&spec, &info, Some(&image)).is_empty());
        spec.dimensions.ulimits = Some(vec![Ulimit {
            name: "nofile".into(),
            soft: Some(1),
            hard: None,
        }]);
        assert_eq!(
            names(differences(&spec, &info, Some(&image))),
            ["dimensions"]
        );
    }

    #[test]
    fn tmpfs_empty_entry_equals_none() {
        let mut spec = base();
        spec.tmpfs = vec!["".into()];
        let (info, image) = matching(&spec);
        assert!(differences(&spec, &info, Some(&image)).is_empty());
    }

    #[test]
    fn cgroupns_rules() {
        let mut spec = base();
        let (mut info, image) = matching(&spec);
        let check = |spec: &ContainerSpec, info: &ContainerInfo| {
            names(differences(spec, info, Some(&image))) == ["cgroupns_mode"]
        };
        spec.cgroupns_mode = Some("host".into());
        info.host.cgroupns_mode = Some("host".into());
        assert!(!check(&spec, &info));
        info.host.cgroupns_mode = Some(String::new());
        assert!(!check(&spec, &info), "'' counts as host");
        info.host.cgroupns_mode = None;
        assert!(!check(&spec, &info), "a missing key counts as host");
        info.host.cgroupns_mode = Some("private".into());
        assert!(check(&spec, &info), "host vs private");
        spec.cgroupns_mode = None;
        assert!(!check(&spec, &info), "not asked for: ignored");
        spec.cgroupns_mode = Some("private".into());
        info.host.cgroupns_mode = Some(String::new());
        assert!(check(&spec, &info), "private vs ''");
    }

    #[test]
    fn environment_subset_and_tz_change() {
        let mut spec = base();
        spec.environment.insert("TZ".into(), "UTC".into());
        let (info, image) = matching(&spec);
        spec.environment.remove("A");
        assert!(
            differences(&spec, &info, Some(&image)).is_empty(),
            "a subset"
        );
        spec.environment.insert("TZ".into(), "Europe/Paris".into());
        let d = differences(&spec, &info, Some(&image));
        assert_eq!(names(d.clone()), ["environment"]);
        assert_eq!(d[0].current, json!(["A", "PATH", "TZ"]));
        assert_eq!(d[0].desired, json!(["TZ"]));
    }

    #[test]
    fn dimension_table() {
        let cases: Vec<(Dimensions, Dimensions, bool)> = vec![
            // desired blkio 10 and memory 30 against zeros
            (
                Dimensions {
                    blkio_weight: Some(10),
                    memory: Some(30),
                    ..Default::default()
                },
                Dimensions::default(),
                true,
            ),
            (
                Dimensions {
                    blkio_weight: Some(10),
                    ..Default::default()
                },
                Dimensions {
                    blkio_weight: Some(10),
                    ..Default::default()
                },
                false,
            ),
            (
                Dimensions {
                    memory: Some(10 << 20),
                    ..Default::default()
                },
                Dimensions {
                    memory: Some(1024),
                    ..Default::default()
                },
                true,
            ),
            // only mem_reservation desired, Memory set on the container
            (
                Dimensions {
                    memory_reservation: Some(10),
                    ..Default::default()
                },
                Dimensions {
                    memory: Some(10),
                    memory_reservation: Some(10),
                    ..Default::default()
                },
                true,
            ),
            (
                Dimensions {
                    memory_reservation: Some(0),
                    ..Default::default()
                },
                Dimensions::default(),
                false,
            ),
            (
                Dimensions {
                    cpuset_mems: Some("0".into()),
                    ..Default::default()
                },
                Dimensions::default(),
                true,
            ),
            (
                Dimensions {
                    cpuset_cpus: Some("0-1".into()),
                    ..Default::default()
                },
                Dimensions {
                    cpuset_cpus: Some("0-1".into()),
                    ..Default::default()
                },
                false,
            ),
            (
                Dimensions {
                    cpuset_cpus: Some("0-1".into()),
                    ..Default::default()
                },
                Dimensions {
                    cpuset_cpus: Some("1".into()),
                    ..Default::default()
                },
                true,
            ),
            (
                Dimensions {
                    ulimits: Some(vec![Ulimit {
                        name: "nofile".into(),
                        soft: Some(1),
                        hard: Some(2),
                    }]),
                    ..Default::default()
                },
                Dimensions {
                    ulimits: Some(vec![]),
                    ..Default::default()
                },
                true,
            ),
            (
                Dimensions {
                    ulimits: Some(vec![Ulimit {
                        name: "nofile".into(),
                        soft: Some(1),
                        hard: Some(2),
                    }]),
                    ..Default::default()
                },
                Dimensions {
                    ulimits: Some(vec![Ulimit {
                        name: "nofile".into(),
                        soft: Some(1),
                        hard: Some(2),
                    }]),
                    ..Default::default()
                },
                false,
            ),
            // an explicit swap limit is compared even when it is twice memory
            (
                Dimensions {
                    memory: Some(1),
                    memory_swap: Some(4),
                    ..Default::default()
                },
                Dimensions {
                    memory: Some(1),
                    memory_swap: Some(2),
                    ..Default::default()
                },
                true,
            ),
        ];
        for (i, (desired, current, differs)) in cases.into_iter().enumerate() {
            assert_eq!(dimensions_differ(&desired, &current), differs, "case {i}");
        }
    }

    #[test]
    fn healthcheck_compare() {
        let hc = |interval: i64| crate::container::Healthcheck {
            test: vec!["CMD-SHELL".into(), "true".into()],
            interval,
            timeout: 30_000_000_000,
            start_period: 5_000_000_000,
            retries: 3,
            start_interval: 0,
        };
        let mut spec = base();
        let (mut info, image) = matching(&spec);
        info.healthcheck = Some(hc(30_000_000_000));
        assert_eq!(
            names(differences(&spec, &info, Some(&image))),
            ["healthcheck"]
        );
        spec.healthcheck = Some(hc(30_000_000_000));
        assert!(differences(&spec, &info, Some(&image)).is_empty());
        spec.healthcheck = Some(hc(0));
        assert_eq!(
            names(differences(&spec, &info, Some(&image))),
            ["healthcheck"]
        );
        info.healthcheck = None;
        assert_eq!(
            names(differences(&spec, &info, Some(&image))),
            ["healthcheck"]
        );
    }

    #[test]
    fn a_non_zero_start_interval_is_a_difference_and_a_zero_one_is_not() {
        // docs/deviations.md: the five kolla fields are compared, and a
        // StartInterval the engine reports must be 0 (kolla never sets it).
        let hc = crate::container::Healthcheck {
            test: vec!["CMD".into(), "true".into()],
            interval: 1_000_000_000,
            timeout: 1_000_000_000,
            start_period: 0,
            retries: 1,
            start_interval: 0,
        };
        let mut spec = base();
        spec.healthcheck = Some(hc.clone());
        let (mut info, image) = matching(&spec);
        info.healthcheck = Some(hc.clone());
        assert!(differences(&spec, &info, Some(&image)).is_empty());
        info.healthcheck = Some(crate::container::Healthcheck {
            start_interval: 5_000_000_000,
            ..hc
        });
        let d = differences(&spec, &info, Some(&image));
        assert_eq!(names(d.clone()), ["healthcheck"]);
        assert_eq!(d[0].current["StartInterval"], json!(5_000_000_000_i64));
        assert!(d[0].desired.get("StartInterval").is_none());
    }

    #[test]
    fn image_parsing_matches_upstream() {
        assert_eq!(
            parse_image("img@sha256:abc"),
            ("img@sha256".into(), "abc".into())
        );
        assert_eq!(parse_repository_tag("nova"), ("nova".into(), None));
        assert_ne!(
            parse_repository_tag("nova"),
            parse_repository_tag("nova:latest")
        );
        let (p, b) = generate_volumes(&["/a:/x".into(), "/a:/y".into(), "vol:ro".into()]);
        assert_eq!(p, ["/x", "/y", "ro"]);
        assert_eq!(b, ["/a:/y:rw", "vol:ro:rw"]);
        assert!(validate_volumes(&["/host:ro".into()]).is_err());
        assert_eq!(
            named_volumes(&["kolla_logs:/x".into(), "/etc:/etc".into()]),
            ["kolla_logs"]
        );
    }
}
