"""kolla_rs.Catalog, kolla_rs.Graph, kolla_rs.Context: the Python face of
the catalog, the service graph and the per-host variables."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import kolla_rs

ROOT = Path(__file__).resolve().parents[2]
MULTINODE = ROOT / "inventory" / "multinode"
SERVICES = ROOT / "kolla-core" / "catalog" / "services"
SECRET = "Zq8-very-secret-value-41x"


def enable_everything(catalog: kolla_rs.Catalog) -> list[str]:
    """``-e`` arguments turning on every service, from each one's enable flag."""
    out = []
    for name in catalog.names():
        expr = catalog.get(name)["enable"]
        if isinstance(expr, str):
            v = expr.strip().removeprefix("{{").removesuffix("}}").strip()
            v = v.removesuffix("| bool").strip()
            out.append(f"{v}=yes")
    return out


# --- Catalog -------------------------------------------------------------------------


def test_names_and_list_cover_the_catalog_files():
    cat = kolla_rs.Catalog()
    files = sorted(p.stem for p in SERVICES.glob("*.yml"))
    assert cat.names() == cat.services() == files
    assert len(cat) == len(files)
    listed = cat.list()
    assert [e["service"] for e in listed] == files
    nova = next(e for e in listed if e["service"] == "nova")
    assert set(nova) == {
        "service",
        "aliases",
        "description",
        "containers",
        "depends_on",
        "hard_depends_on",
    }
    assert {"keystone", "mariadb", "rabbitmq"} <= set(nova["hard_depends_on"])
    assert set(nova["hard_depends_on"]) <= set(nova["depends_on"])
    assert any(c["name"] == "nova_api" and c["group"] == "nova-api" for c in nova["containers"])


def test_get_is_the_service_file_in_full():
    cat = kolla_rs.Catalog()
    nova = cat.get("nova")
    assert nova["service"] == "nova"
    assert nova["origin"]
    for key in ("enable", "depends_on", "ports", "containers"):
        assert key in nova
    api = next(c for c in nova["containers"] if c["name"] == "nova_api")
    assert api["group"] == "nova-api"
    assert api["volumes"]
    assert api["config_files"]


def test_an_alias_gets_its_service():
    cat = kolla_rs.Catalog()
    haproxy = cat.get("haproxy")
    assert "loadbalancer" in haproxy["aliases"]
    assert cat.get("loadbalancer") == haproxy
    assert cat.canonical("loadbalancer") == "haproxy"
    assert "loadbalancer" in cat and "no-such" not in cat


def test_an_unknown_name_raises_catalog_error_with_a_suggestion():
    cat = kolla_rs.Catalog()
    with pytest.raises(kolla_rs.CatalogError) as e:
        cat.get("neutorn")
    assert e.value.kind == "catalog"
    assert isinstance(e.value, kolla_rs.KollaError)
    assert "neutorn" in str(e.value)
    assert "did you mean `neutron`" in str(e.value)
    assert cat.canonical("neutorn") is None


def test_an_override_dir_replaces_a_service(tmp_path):
    text = (SERVICES / "memcached.yml").read_text()
    (tmp_path / "memcached.yml").write_text(
        text.replace("description: memcached", "description: site memcached")
    )
    cat = kolla_rs.Catalog(override_dir=tmp_path)
    assert cat.get("memcached")["description"] == "site memcached"
    assert kolla_rs.Catalog().get("memcached")["description"] == "memcached"


def test_an_invalid_override_file_raises_with_its_path(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("service: bad\nno_such_field: 1\n")
    with pytest.raises(kolla_rs.KollaError) as e:
        kolla_rs.Catalog(tmp_path)
    assert e.value.kind == "catalog"
    assert isinstance(e.value, kolla_rs.CatalogError)
    assert e.value.path == str(bad)
    assert "no_such_field" in str(e.value)


# --- Graph ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_graph() -> kolla_rs.Graph:
    return kolla_rs.Graph(MULTINODE, extra_vars=enable_everything(kolla_rs.Catalog()))


def test_every_service_enabled_waves_respect_hard_dependencies(full_graph):
    cat = kolla_rs.Catalog()
    waves = full_graph.waves
    wave_of = {s: i for i, w in enumerate(waves) for s in w}
    assert sorted(wave_of) == cat.names(), "every service is enabled and in one wave"
    assert sum(len(w) for w in waves) == len(wave_of), "no service twice"
    for name, i in wave_of.items():
        for dep in cat.get(name)["depends_on"]["hard"]:
            assert wave_of[dep] < i, f"{name} (wave {i}) before its hard dependency {dep}"
    assert len(waves) > 2
    assert set(waves[0]).isdisjoint({"nova", "keystone", "mariadb"})
    assert wave_of["mariadb"] < wave_of["keystone"] < wave_of["nova"]


def test_placement_puts_each_service_on_the_hosts_of_its_groups(full_graph):
    inv = kolla_rs.Inventory.load(MULTINODE)
    cat = kolla_rs.Catalog()
    placement = full_graph.placement
    assert set(placement) == set(cat.names())
    for name, hosts in placement.items():
        group_hosts: set[str] = set()
        for c in cat.get(name)["containers"]:
            group_hosts |= set(inv.hosts_of(c["group"]))
        assert hosts, name
        assert set(hosts) <= group_hosts, name
    assert placement["nova"] and set(inv.hosts_of("compute")) <= set(placement["nova"])
    assert placement["mariadb"] == inv.hosts_of("mariadb")


def test_to_json_and_to_dot(full_graph):
    doc = full_graph.to_json()
    assert doc["waves"] == full_graph.waves
    assert doc["placement"] == full_graph.placement
    assert any(e == {"from": "keystone", "to": "nova", "hard": True} for e in doc["edges"])
    dot = full_graph.to_dot()
    assert dot.startswith("digraph")
    assert '"keystone" -> "nova"' in dot
    assert full_graph.to_text()
    assert "services in" in repr(full_graph)


def test_services_narrows_the_graph_to_them_and_their_dependencies():
    g = kolla_rs.Graph([MULTINODE], services=["memcached"])
    names = {s for w in g.waves for s in w}
    assert "memcached" in names
    assert "nova" not in names
    assert kolla_rs.Graph(MULTINODE, services="memcached").waves == g.waves


def test_a_disabled_hard_dependency_raises_graph_error():
    with pytest.raises(kolla_rs.GraphError) as e:
        kolla_rs.Graph(MULTINODE, extra_vars="enable_keystone=no")
    assert e.value.kind == "graph"
    assert "keystone" in str(e.value)


def test_an_unknown_service_in_services_raises_catalog_error():
    with pytest.raises(kolla_rs.CatalogError, match="did you mean `memcached`"):
        kolla_rs.Graph(MULTINODE, services=["memcache"])


def test_a_missing_inventory_raises_a_kolla_error(tmp_path):
    with pytest.raises(kolla_rs.KollaError):
        kolla_rs.Graph(tmp_path / "nope")


# --- Context -------------------------------------------------------------------------


@pytest.fixture()
def passwords(tmp_path) -> Path:
    p = tmp_path / "passwords.yml"
    # An unbalanced "(": used as a regex, the value lands in the engine's
    # error message, which kolla-core must redact.
    p.write_text(f"keystone_admin_password: '({SECRET}'\ndatabase_password: {SECRET}2\n")
    return p


def test_context_layers_and_explain(tmp_path):
    globals_yml = tmp_path / "globals.yml"
    globals_yml.write_text("kolla_internal_vip_address: 10.1.2.3\nenable_nova: 'no'\n")
    ctx = kolla_rs.Context(MULTINODE, "control01", globals=globals_yml, extra_vars=["enable_nova=yes"])
    assert ctx.host == "control01"
    assert "control" in ctx.group_names
    assert ctx.get("kolla_internal_vip_address") == "10.1.2.3"
    assert ctx.explain("kolla_internal_vip_address") == {"layer": "globals", "value": "10.1.2.3"}
    assert ctx.explain("enable_nova") == {"layer": "extra", "value": "yes"}
    assert ctx.get("inventory_hostname") == "control01"
    assert ctx.explain("no_such_variable") is None
    assert ctx.eval("{{ inventory_hostname ~ '-x' }}") == "control01-x"


def test_an_unknown_host_raises_inventory_error():
    with pytest.raises(kolla_rs.InventoryError):
        kolla_rs.Context(MULTINODE, "no-such-host")


def test_a_missing_fact_raises_vars_error_naming_host_and_fact():
    ctx = kolla_rs.Context(MULTINODE, "compute02")
    with pytest.raises(kolla_rs.VarsError) as e:
        ctx.get("api_interface_address")
    assert e.value.kind == "vars"
    assert "compute02" in str(e.value)
    assert "ansible_" in str(e.value)


def test_facts_from_the_cache_dir(tmp_path):
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "compute02").write_text(
        json.dumps({"ansible_eth0": {"ipv4": {"address": "192.0.2.7"}}, "ansible_processor_vcpus": 8})
    )
    ctx = kolla_rs.Context(MULTINODE, "compute02", facts=facts)
    assert ctx.get("api_interface_address") == "192.0.2.7"
    assert ctx.explain("ansible_processor_vcpus") == {"layer": "facts", "value": 8}


def test_a_password_never_shows_in_repr_explain_or_errors(passwords):
    ctx = kolla_rs.Context(
        MULTINODE,
        "control01",
        passwords=passwords,
        extra_vars=[
            json.dumps({"broken": "{{ keystone_admin_password | int + undefined_thing }}"}),
            json.dumps({"regex": "{{ 'x' | regex_search(keystone_admin_password) }}"}),
        ],
    )
    assert ctx.is_secret("keystone_admin_password")
    assert not ctx.is_secret("enable_nova")
    assert SECRET not in repr(ctx)
    assert ctx.explain("keystone_admin_password") == {"layer": "passwords", "value": "<secret>"}
    assert SECRET not in repr(ctx.explain("database_password"))
    # get is asking for the value by name: it gets it.
    assert ctx.get("keystone_admin_password") == f"({SECRET}"
    for name in ("broken", "regex"):
        with pytest.raises(kolla_rs.KollaError) as e:
            ctx.get(name)
        text = " ".join(map(str, (e.value, e.value.message, e.value.path, repr(e.value))))
        assert SECRET not in text, f"{name}: {text}"
    with pytest.raises(kolla_rs.VarsError, match="<secret>"):
        ctx.get("regex")
    with pytest.raises(kolla_rs.KollaError) as e:
        ctx.eval("{{ keystone_admin_password | no_such_filter }}")
    assert SECRET not in str(e.value)


def test_a_password_never_shows_in_graph_errors(passwords):
    with pytest.raises(kolla_rs.KollaError) as e:
        kolla_rs.Graph(
            MULTINODE,
            passwords=passwords,
            extra_vars=[json.dumps({"enable_keystone": "{{ 'x' | regex_search(keystone_admin_password) }}"})],
        )
    assert "<secret>" in str(e.value)
    assert SECRET not in str(e.value)
    g = kolla_rs.Graph(MULTINODE, passwords=passwords)
    assert SECRET not in json.dumps(g.to_json()) + g.to_dot() + g.to_text() + repr(g)


def test_the_catalog_error_kinds_are_exported():
    for name, kind in (("CatalogError", "catalog"), ("VarsError", "vars"), ("GraphError", "graph")):
        cls = getattr(kolla_rs, name)
        assert name in kolla_rs.__all__
        assert issubclass(cls, kolla_rs.KollaError) and cls.kind == kind
    assert os.fspath(MULTINODE).endswith("multinode")
