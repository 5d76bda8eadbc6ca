"""kolla_rs.Inventory: the Python face of the inventory core."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kolla_rs

INPUTS = Path(__file__).resolve().parents[2] / "kolla-core" / "tests" / "inputs" / "inventory"
MULTINODE = INPUTS / "upstream" / "multinode-master"


def test_load_groups_hosts_and_patterns():
    inv = kolla_rs.Inventory.load([MULTINODE])
    assert inv.groups[:3] == ["all", "ungrouped", "control"]
    assert inv.hosts[:3] == ["control01", "control02", "control03"]
    assert inv.hosts_in("nova-api:!control03") == ["control01", "control02"]
    assert inv.hosts_of("openvswitch") == ["network01", "network02", "compute01"]
    assert inv.group_names("localhost") == ["bifrost", "deployment"]
    assert inv.host_vars("localhost") == {"ansible_connection": "local"}
    assert inv.warnings == [
        "Invalid characters were found in group names but not replaced, use -vvvv to see details"
    ]


def test_a_single_path_is_accepted_too():
    assert kolla_rs.Inventory.load(MULTINODE).hosts == kolla_rs.Inventory.load([str(MULTINODE)]).hosts


def test_to_ansible_json_is_the_golden_text():
    inv = kolla_rs.Inventory.load([MULTINODE])
    golden = (INPUTS / "golden" / "multinode-master.list.json").read_text()
    assert inv.to_ansible_json() == golden
    assert inv.graph() == (INPUTS / "golden" / "multinode-master.graph.txt").read_text()
    assert json.loads(inv.to_ansible_json())["nova-api"] == {"children": ["nova"]}


def test_host_vars_have_python_types():
    inv = kolla_rs.Inventory.load([INPUTS / "cases" / "d16_typing_host_line.ini"])
    v = inv.host_vars("h1")
    assert v["a"] == 1 and v["b"] == 1.5 and v["c"] is True and v["i"] is None
    assert v["d"] == "yes" and v["j"] == "0777" and v["g"] == [1, 2]


def test_model_and_check():
    inv = kolla_rs.Inventory.load([MULTINODE])
    model = inv.model()
    assert [g["name"] for g in model["groups"]][:3] == ["all", "ungrouped", "control"]
    assert inv.check() == []


def test_parse_error_carries_path_and_line():
    bad = INPUTS / "errors" / "range_unequal.ini"
    with pytest.raises(kolla_rs.InventoryError) as info:
        kolla_rs.Inventory.load([bad])
    err = info.value
    assert err.kind == "inventory"
    assert err.path == str(bad)
    assert err.line == 2
    assert "equal-length" in str(err)


def test_unknown_host_and_bad_pattern_raise_inventory_error():
    inv = kolla_rs.Inventory.load([MULTINODE])
    with pytest.raises(kolla_rs.InventoryError):
        inv.host_vars("nope")
    with pytest.raises(kolla_rs.InventoryError):
        inv.hosts_in("~(")


def test_missing_source_names_the_path():
    with pytest.raises(kolla_rs.InventoryError) as info:
        kolla_rs.Inventory.load(["/nonexistent/inventory"])
    assert info.value.path == "/nonexistent/inventory"
    assert info.value.line is None
