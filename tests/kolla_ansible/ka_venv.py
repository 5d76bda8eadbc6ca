"""The scratch venv of the kolla-ansible tier: a real kolla-ansible 22.2.0, with kolla_rs built into it.

The venv lives in the worktree (``.venv-kolla-ansible``, ignored by git) and is
rebuilt when ``requirements.txt`` beside this file changes. It holds upstream's
tools only; kolla_rs is built into it with ``maturin develop`` on every run
(cheap when the build is cached). Whatever this tier cannot set up (no root, no
Docker engine, no network for pip) skips loudly, and fails under CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kolla_rs._testing import ci_is_set

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("KOLLA_ANSIBLE_VENV", ROOT / ".venv-kolla-ansible"))
REQUIREMENTS = HERE / "requirements.txt"
STAMP = VENV / ".requirements.txt"


def cannot(reason: str) -> None:
    """Skip the test loudly, or fail it under CI (where every skip is a failure)."""
    if ci_is_set():
        pytest.fail(f"CI is set, so this may not skip: {reason}")
    pytest.skip(reason)


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


@dataclass
class KollaAnsible:
    """The scratch venv: its Python, its ``kolla-ansible`` and the share directory."""

    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def share(self) -> Path:
        return self.venv / "share" / "kolla-ansible"

    @property
    def playbooks(self) -> Path:
        return self.share / "ansible"

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("VIRTUAL_ENV", None)
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '')}"
        env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0", PYTHONDONTWRITEBYTECODE="1")
        env.update(extra)
        return env

    def kolla_rs_ansible(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``python -m kolla_rs.ansible ARGS`` with the venv's Python."""
        return _run([str(self.python), "-m", "kolla_rs.ansible", *args], env=self.env())


def _venv_is_current() -> bool:
    return (
        (VENV / "bin" / "kolla-ansible").exists()
        and STAMP.exists()
        and STAMP.read_bytes() == REQUIREMENTS.read_bytes()
    )
