"""kolla_rs.ContainerEngine: the kolla_container actions from Python."""

from __future__ import annotations


import pytest

import kolla_rs
from kolla_rs._testing import docker_required


@pytest.fixture
def memory() -> kolla_rs.ContainerEngine:
    engine = kolla_rs.ContainerEngine.memory()
    engine.add_image("kolla/keystone:1")
    return engine


PARAMS = {
    "name": "keystone",
    "image": "kolla/keystone:1",
    "common_options": {"environment": {"KOLLA_CONFIG_STRATEGY": "COPY_ALWAYS"}, "restart_retries": "10"},
    "environment": {"WORKERS": 4, "DEBUG": False},
    "dimensions": {"mem_limit": "1g"},
}


def test_start_is_idempotent_and_compare_reports_fields(memory):
    assert memory.endpoint == "memory://"
    assert memory.run_action("start_container", PARAMS) == {"changed": True, "result": False}
    assert memory.run_action("start_container", PARAMS) == {"changed": False, "result": False}
    assert memory.run_action("compare_container", PARAMS) == {"changed": False, "result": False}
    changed = {**PARAMS, "privileged": True, "environment": {"WORKERS": 5}}
    r = memory.run_action("compare_container", changed)
    assert r["changed"] is True
    assert [f["name"] for f in r["comparison_failures"]] == ["privileged", "environment"]
    assert r["comparison_failures"][0] == {"name": "privileged", "current": False, "desired": True}


def test_failures_come_back_as_the_module_would_return_them(memory):
    r = memory.run_action("start_container", {**PARAMS, "dimensions": {"mem_limit": "3x"}})
    assert r == {
        "changed": False,
        "failed": True,
        "msg": "The docker dimension unit [x] is not supported for the dimension [3x]. "
        "The currently supported units are ['b', 'k', 'm', 'g'].",
    }
    r = memory.run_action("stop_container", {"name": "absent"})
    assert r["msg"] == "No such container: absent to stop"
    assert memory.run_action("stop_container", {"name": "absent", "ignore_missing": True}) == {
        "changed": False,
        "result": False,
    }
    r = memory.run_action("stop_container", {"name": "x", "common_options": {"container_engine": "podman"}})
    assert r["msg"] == "container_engine podman is not supported: kolla-rs drives Docker"
    r = memory.run_action("start_container", {"name": "x"})
    assert r["msg"] == "action is start_container but all of the following are missing: image"


def test_facts_and_ps(memory):
    memory.run_action("start_container", PARAMS)
    facts = memory.facts("get_containers_env", ["keystone"])
    assert facts["envs"]["keystone"]["WORKERS"] == "4"
    assert facts["envs"]["keystone"]["DEBUG"] == "False"
    assert memory.facts("get_containers_names")["container_names"] == ["keystone"]
    assert memory.ps() == [{"name": "keystone", "image": "kolla/keystone:1", "state": "running", "health": ""}]
    memory.run_action("stop_and_remove_container", {"name": "keystone"})
    assert memory.ps() == []


def test_add_image_is_only_for_memory():
    try:
        docker = kolla_rs.ContainerEngine.docker()
    except kolla_rs.EngineError:
        if docker_required():
            raise
        pytest.skip("no Docker engine")
    with pytest.raises(ValueError):
        docker.add_image("x")


def test_unreachable_engine_raises_engine_error_naming_it():
    with pytest.raises(kolla_rs.EngineError) as info:
        kolla_rs.ContainerEngine.docker("unix:///nonexistent/docker.sock")
    assert info.value.kind == "engine"
    assert "unix:///nonexistent/docker.sock" in str(info.value)


def test_docker_pull_without_registry_fails_clearly():
    try:
        docker = kolla_rs.ContainerEngine.docker()
    except kolla_rs.EngineError:
        if docker_required():
            raise
        pytest.skip("no Docker engine")
    r = docker.run_action("pull_image", {"image": "kolla-rs-test/absent:1"})
    assert r["failed"] is True
    assert r["msg"].startswith(("Unknown error message: ", "The requested image does not exist: "))
    assert r["endpoint"] == docker.endpoint


def test_ansible_argument_spec_comes_from_the_core():
    from kolla_rs.ansible import _container

    spec = _container.argument_spec()
    assert spec["action"]["choices"] == [
        a for a in kolla_rs._native.CONTAINER_ACTIONS if a not in ("get_container_env", "get_container_state")
    ]
    assert spec["pid_mode"]["choices"] == ["", "host", "private"]
    assert "never" not in spec["restart_policy"]["choices"]
    assert "never" in _container.argument_spec(legacy=True)["restart_policy"]["choices"]
    assert spec["auth_password"]["no_log"] is True
    assert all("default" not in v for k, v in spec.items() if k != "common_options")
    assert ["action", "start_container", ["image", "name"]] in _container.required_if()
