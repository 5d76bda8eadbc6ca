"""Fixtures of the kolla-ansible drop-in tier (see ka_venv.py)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from ka_venv import REQUIREMENTS, ROOT, STAMP, VENV, KollaAnsible, _run, _venv_is_current, cannot


@pytest.fixture(scope="session")
def kolla_ansible() -> KollaAnsible:
    if os.geteuid() != 0:
        cannot("kolla-ansible's tasks become root: this tier runs as root")
    if not _venv_is_current():
        shutil.rmtree(VENV, ignore_errors=True)
        made = _run([sys.executable, "-m", "venv", str(VENV)])
        if made.returncode != 0:
            cannot(f"cannot create {VENV}: {made.stderr}")
        pip = _run([str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)])
        if pip.returncode != 0:
            shutil.rmtree(VENV, ignore_errors=True)
            cannot(f"cannot install {REQUIREMENTS.name} into {VENV}:\n{pip.stderr[-2000:]}")
        shutil.copyfile(REQUIREMENTS, STAMP)
    maturin = shutil.which("maturin")
    if maturin is None:
        pytest.fail("maturin is not on PATH (scripts/test installs it into .venv)")
    env = dict(os.environ, VIRTUAL_ENV=str(VENV))
    env["PATH"] = f"{VENV / 'bin'}:{env.get('PATH', '')}"
    built = _run([maturin, "develop", "-q"], cwd=ROOT / "kolla-py", env=env)
    assert built.returncode == 0, f"maturin develop into {VENV} failed:\n{built.stderr[-4000:]}"
    ka = KollaAnsible(VENV)
    # A previous run that died half-way may have left kolla_rs installed.
    ka.kolla_rs_ansible("uninstall")
    return ka
