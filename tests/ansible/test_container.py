"""kolla_container, kolla_docker and kolla_container_facts under a real
ansible-playbook, against the real Docker engine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import kolla_rs
from kolla_rs._testing import docker_required

IMAGE = "kolla-rs-test/kolla-busybox:ansible"
SET_CONFIGS = "#!/bin/sh\n[ -f /tmp/drift ] && { echo drift; exit 1; }\nexit 0\n"


def _docker_available() -> bool:
    try:
        kolla_rs.ContainerEngine.docker()
        return True
    except kolla_rs.KollaError:
        return False


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not _docker_available():
        if docker_required():
            pytest.fail("the Docker engine is required (CI is set)")
        pytest.skip("no Docker engine")
    ctx = tmp_path_factory.mktemp("image")
    shutil.copy(os.environ.get("KOLLA_BUSYBOX", "/bin/busybox"), ctx / "busybox")
    (ctx / "kolla_set_configs").write_text(SET_CONFIGS)
    (ctx / "kolla_set_configs").chmod(0o755)
    (ctx / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (ctx / "Dockerfile").write_text(
        "FROM scratch\nCOPY busybox /bin/busybox\n"
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]\n'
        'RUN ["/bin/mkdir", "-p", "/tmp", "/etc"]\n'
        "COPY passwd /etc/passwd\n"
        "COPY kolla_set_configs /usr/local/bin/kolla_set_configs\n"
        'LABEL kolla_version="test"\nCMD ["/bin/sh"]\n'
    )
    subprocess.run(["docker", "build", "-q", "-t", IMAGE, str(ctx)], check=True, capture_output=True)
    return IMAGE


@pytest.fixture
def cname():
    name = f"kolla_rs_ansible_{os.getpid()}"
    yield name
    subprocess.run(["docker", "rm", "-f", name, f"bootstrap_{name}"], capture_output=True, check=False)
    subprocess.run(["docker", "volume", "rm", f"{name}_logs"], capture_output=True, check=False)


def test_modules_drive_the_real_engine(run_playbook, tmp_path: Path, image: str, cname: str):
    run = run_playbook("container_lifecycle.yml", {"cname": cname, "image": image})
    assert run.returncode == 0, run
    r = json.loads((tmp_path / "results.json").read_text())
    assert r["started"]["changed"] is True
    assert r["again"]["changed"] is False
    assert r["same"]["changed"] is False
    assert "comparison_failures" not in r["same"]
    assert r["differs"]["changed"] is True
    failures = {f["name"]: f for f in r["differs"]["comparison_failures"]}
    assert sorted(failures) == ["dimensions", "labels"]
    assert failures["dimensions"]["desired"] == {"Memory": 128 * 1024 * 1024}
    assert failures["labels"]["desired"] == {"service": "changed"}
    assert r["state"]["Status"] == "running"
    assert r["facts"]["states"] == {cname: "running"}
    assert r["facts"]["changed"] is False
    assert r["restarted"]["changed"] is True
    assert r["bad"]["failed"] is True
    assert r["bad"]["msg"] == "'Unsupported dimensions'"
    assert r["bad"]["unsupported_dimensions"] == ["kernel_memory"]
    assert r["removed"]["changed"] is True
    assert r["ignored"]["changed"] is False
    assert r["volume"]["changed"] is True
    assert r["bootstrap"]["rc"] == 0
    assert r["bootstrap"]["stdout"] == "bootstrapped\n"
    assert r["bootstrap"]["changed"] is True


def test_module_result_equals_run_action(run_playbook, tmp_path: Path, image: str, cname: str):
    """The module returns exactly what kolla_rs.ContainerEngine.run_action returns."""
    engine = kolla_rs.ContainerEngine.docker()
    params = {
        "name": cname,
        "image": image,
        "command": "sh -c 'trap \"exit 0\" TERM; sleep 3600 & wait'",
        "labels": {"service": "python"},
        "graceful_timeout": 5,
    }
    assert engine.run_action("start_container", params)["changed"] is True
    direct = engine.run_action("compare_container", {**params, "labels": {"service": "x"}})
    run = run_playbook(
        "container_compare.yml",
        {"cname": cname, "image": image},
    )
    assert run.returncode == 0, run
    via_ansible = json.loads((tmp_path / "compare.json").read_text())
    for key in ("invocation", "failed"):
        via_ansible.pop(key, None)
    assert via_ansible == direct
    assert engine.run_action("stop_and_remove_container", params)["changed"] is True
    assert engine.ps() == [] or all(row["name"] != cname for row in engine.ps())
