"""What a new user meets first on the Python side: the exported plugin
paths and the message of a module whose target host lacks kolla_rs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import kolla_rs.ansible

MODULES = Path(kolla_rs.ansible.__file__).parent / "modules"


def test_exports_name_only_folders_that_exist() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kolla_rs.ansible"], check=True, capture_output=True, text=True
    ).stdout
    lines = out.splitlines()
    assert lines, out
    for line in lines:
        assert line.startswith("export ANSIBLE_"), line
        path = line.split("=", 1)[1].strip("'")
        assert os.path.isdir(path), line
    assert "ANSIBLE_FILTER_PLUGINS" not in out  # kolla_rs ships no filter plugins


def test_a_module_without_kolla_rs_on_the_target_says_what_to_do() -> None:
    # The target host's Python: Ansible's module_utils are there (AnsiballZ
    # ships them), kolla_rs is not.
    for module in ["kolla_container", "kolla_container_facts"]:
        code = (
            "import runpy, sys; sys.modules['kolla_rs'] = None; "
            f"runpy.run_path({str(MODULES / (module + '.py'))!r}, run_name='__main__')"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 1, proc
        result = json.loads(proc.stdout)
        assert result["failed"] is True
        assert "kolla_rs" in result["msg"] and "ansible_python_interpreter=" in result["msg"]
        assert module in result["msg"]


def test_a_real_playbook_on_a_target_without_kolla_rs_says_what_to_do(run_playbook, tmp_path: Path) -> None:
    # A target Python with neither kolla_rs nor anything else installed.
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    bare_python = bare / "bin" / "python"
    assert subprocess.run([str(bare_python), "-c", "import kolla_rs"], capture_output=True).returncode == 1
    run = run_playbook(
        "front_door_no_kolla_rs.yml",
        {"controller_python": sys.executable},
        "-e",
        f"ansible_python_interpreter={bare_python}",
    )
    assert run.returncode == 0, run
    results = json.loads((tmp_path / "results.json").read_text())
    for module, result in results.items():
        assert result["failed"] is True, (module, result)
        msg = result["msg"]
        assert msg.startswith(f"{module} runs on the target host and needs the kolla_rs Python package"), msg
        assert f"{bare_python} cannot import it" in msg, msg
        assert "ansible_python_interpreter=" in msg, msg
        assert "Traceback" not in json.dumps(result), result
