"""Runs playbooks under a real ansible-playbook with the kolla_rs plugins."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kolla_rs.ansible import plugin_paths

PLAYBOOKS = Path(__file__).parent / "playbooks"


class PlaybookRun:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def __repr__(self) -> str:
        return f"rc={self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture
def run_playbook(tmp_path: Path):
    """Run a playbook from tests/ansible/playbooks with extra vars, locally."""

    def run(name: str, extra_vars: dict[str, str] | None = None, *args: str) -> PlaybookRun:
        env = dict(os.environ)
        env.update(plugin_paths())
        env.update(
            {
                "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
                "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
                "ANSIBLE_REMOTE_TEMP": str(tmp_path / "ansible-remote"),
                "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
            }
        )
        cmd = [
            str(Path(sys.executable).with_name("ansible-playbook")),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
            "-e",
            f"tmp={tmp_path}",
        ]
        for k, v in (extra_vars or {}).items():
            cmd += ["-e", f"{k}={v}"]
        cmd += [*args, str(PLAYBOOKS / name)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        return PlaybookRun(proc)

    return run
