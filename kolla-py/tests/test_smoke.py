"""Smoke tests: the extension imports, and errors cross from Rust intact."""

import pytest

import kolla_rs


def test_version_matches_the_crate():
    assert kolla_rs.__version__ == "0.1.0"


def test_yaml_loads_with_ansible_typing():
    data = kolla_rs.load_yaml("enable_cinder: yes\nmode: 0660\nname: 'no'\n")
    assert data == {"enable_cinder": True, "mode": 432, "name": "no"}


def test_error_from_rust_carries_kind_path_and_line():
    with pytest.raises(kolla_rs.YamlError) as info:
        kolla_rs.load_yaml("a: 1\nb: 2\nc: [1, 2\n", origin="/etc/kolla/globals.yml")
    err = info.value
    assert isinstance(err, kolla_rs.KollaError)
    assert err.kind == "yaml"
    assert err.path == "/etc/kolla/globals.yml"
    assert err.line == 4
    assert str(err).startswith("/etc/kolla/globals.yml:4:")
