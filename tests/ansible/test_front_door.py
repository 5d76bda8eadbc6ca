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
