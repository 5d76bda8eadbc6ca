use super::*;
use crate::catalog::Flag;

fn multinode() -> Inventory {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../inventory/multinode");
    Inventory::load(&[path]).unwrap()
}

/// `-e` that turns on every service of the catalog.
pub(crate) fn enable_everything(catalog: &Catalog) -> String {
    let mut out = Vec::new();
    for s in catalog.services() {
        if let Flag::Expr(e) = &s.enable {
            let var = e.trim_start_matches("{{").trim_end_matches("}}").trim();
            let var = var.strip_suffix("| bool").unwrap_or(var).trim();
            out.push(format!("{var}=yes"));
        }
    }
    out.join(" ")
}

#[test]
fn multinode_everything_enabled_orders_and_places() {
    let catalog = Catalog::embedded().unwrap();
    let inv = multinode();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra(&enable_everything(&catalog)).unwrap();
    let graph = Graph::build(&catalog, &inv, &inputs, &Options::default()).unwrap();
    // Every service is in exactly one wave, after its hard dependencies.
    let wave_of: HashMap<&str, usize> = graph
        .waves()
        .iter()
        .enumerate()
        .flat_map(|(i, w)| w.iter().map(move |s| (s.as_str(), i)))
        .collect();
    assert_eq!(
        wave_of.len(),
        catalog.services().len(),
        "{:?}",
        graph.waves()
    );
    for s in catalog.services() {
        for d in s.depends_on.hard.iter().chain(&s.depends_on.soft) {
            let d = catalog.canonical(d).unwrap();
            assert!(
                wave_of[d] < wave_of[s.service.as_str()],
                "{d} must come before {}",
                s.service
            );
        }
    }
    assert_eq!(graph.waves()[0], ["cron", "fluentd", "kolla-toolbox"]);
    // Every container on exactly the hosts of its group(s).
    let mut placed = 0;
    for p in graph.containers() {
        let mut want: Vec<&str> = Vec::new();
        for g in &p.groups {
            want.extend(inv.hosts_of(g).unwrap());
        }
        want.sort_unstable();
        want.dedup();
        let mut got: Vec<&str> = p.hosts.iter().map(String::as_str).collect();
        got.sort_unstable();
        let c = catalog
            .get(&p.service)
            .unwrap()
            .container(&p.container)
            .unwrap();
        if c.enabled == Flag::Bool(true) {
            assert_eq!(got, want, "{}", p.container);
        } else {
            // A host-dependent flag (iscsid: compute hosts, or ironic's) picks among them.
            assert!(
                got.iter().all(|h| want.contains(h)),
                "{}: {got:?} not within {want:?}",
                p.container
            );
        }
        placed += 1;
    }
    assert!(placed > 120, "{placed}");
    let nova = catalog.get("nova").unwrap();
    let compute = graph
        .containers()
        .iter()
        .find(|p| p.container == "nova_compute")
        .unwrap();
    assert_eq!(
        compute.hosts,
        ["compute01", "compute02", "compute03", "compute04"]
    );
    assert!(nova.containers.len() > 5);
    assert_eq!(
        graph.placement()["zaqar"],
        ["control01", "control02", "control03"]
    );
}

#[test]
fn defaults_on_all_in_one() {
    let catalog = Catalog::embedded().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../inventory/all-in-one");
    let inv = Inventory::load(&[path]).unwrap();
    let inputs = Inputs::new().unwrap();
    let graph = Graph::build(&catalog, &inv, &inputs, &Options::default()).unwrap();
    let placed: Vec<&str> = graph.placement().keys().map(String::as_str).collect();
    for s in [
        "keystone",
        "nova",
        "neutron",
        "glance",
        "mariadb",
        "rabbitmq",
        "placement",
        "horizon",
    ] {
        assert!(placed.contains(&s), "{s} not in {placed:?}");
    }
    assert!(!placed.contains(&"zaqar"));
    let w = |s: &str| {
        graph
            .waves()
            .iter()
            .position(|w| w.iter().any(|x| x == s))
            .unwrap()
    };
    assert!(
        w("mariadb") < w("keystone")
            && w("keystone") < w("placement")
            && w("placement") < w("nova")
    );
}

#[test]
fn hard_dependency_disabled_is_an_error_unless_external() {
    let catalog = Catalog::embedded().unwrap();
    let inv = multinode();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra("enable_keystone=no").unwrap();
    let err = Graph::build(&catalog, &inv, &inputs, &Options::default()).unwrap_err();
    assert_eq!(err.kind(), "graph");
    let msg = err.to_string();
    assert!(
        msg.contains("hard dependency `keystone` is disabled"),
        "{msg}"
    );
    inputs.add_extra("keystone_external=yes").unwrap();
    let graph = Graph::build(&catalog, &inv, &inputs, &Options::default()).unwrap();
    assert!(graph.placement().contains_key("nova"));
    assert!(!graph.placement().contains_key("keystone"));
}

#[test]
fn group_without_hosts_is_an_error() {
    let catalog = Catalog::embedded().unwrap();
    let inv = Inventory::from_ini("inv", "[control]\nctl1\n[memcached:children]\ncontrol\n[cron:children]\ncontrol\n[kolla_toolbox:children]\ncontrol\n[zaqar-api]\n").unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra("enable_openstack_core=no enable_fluentd=no enable_mariadb=no enable_haproxy=no enable_zaqar=yes keystone_external=yes").unwrap();
    let err = Graph::build(&catalog, &inv, &inputs, &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`mongodb`") && err.contains("no hosts"),
        "{err}"
    );
}

#[test]
fn cycle_names_its_members() {
    let dir = tempfile::tempdir().unwrap();
    for (a, b) in [("alpha", "beta"), ("beta", "gamma"), ("gamma", "alpha")] {
        std::fs::write(
            dir.path().join(format!("{a}.yml")),
            format!("service: {a}\ndepends_on: {{soft: [{b}]}}\ncontainers:\n  - {{name: {a}, key: {a}, group: control, image: {a}}}\n"),
        )
        .unwrap();
    }
    let catalog = Catalog::load(Some(dir.path())).unwrap();
    let inv = Inventory::from_ini(
        "inv",
        "[control]\nctl1\n[cron:children]\ncontrol\n[kolla_toolbox:children]\ncontrol\n",
    )
    .unwrap();
    let mut inputs = Inputs::new().unwrap();
    inputs.add_extra("enable_openstack_core=no enable_fluentd=no enable_mariadb=no enable_haproxy=no enable_memcached=no enable_rabbitmq=no").unwrap();
    let err = Graph::build(&catalog, &inv, &inputs, &Options::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "dependency cycle between services: alpha -> gamma -> beta -> alpha"
    );
}

#[test]
fn unknown_service_suggests_closest() {
    let catalog = Catalog::embedded().unwrap();
    let inv = multinode();
    let inputs = Inputs::new().unwrap();
    let opts = Options {
        services: vec!["nuetron".into()],
    };
    let err = Graph::build(&catalog, &inv, &inputs, &opts)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "unknown service `nuetron`; did you mean `neutron`?");
    let opts = Options {
        services: vec!["nova".into()],
    };
    let graph = Graph::build(&catalog, &inv, &inputs, &opts).unwrap();
    assert!(graph.placement().contains_key("keystone"));
    assert!(!graph.placement().contains_key("horizon"));
}

#[test]
fn dot_output_has_edges() {
    let catalog = Catalog::embedded().unwrap();
    let inputs = Inputs::new().unwrap();
    let graph = Graph::build(&catalog, &multinode(), &inputs, &Options::default()).unwrap();
    let dot = graph.to_dot();
    assert!(dot.starts_with("digraph kolla {"));
    assert!(dot.contains("\"keystone\" -> \"nova\";"), "{dot}");
    assert!(dot.contains("\"memcached\" -> \"nova\" [style=dashed];"));
}
