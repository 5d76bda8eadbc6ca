"""The one rule for "CI is set": kolla_rs._testing agrees with scripts/lib.sh on every value."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from kolla_rs._testing import ci_is_set

ROOT = Path(__file__).resolve().parents[2]

VALUES = [
    ("", False), ("0", False), ("false", False), ("False", False), ("FALSE", False),
    ("1", True), ("true", True), ("True", True), ("yes", True), ("no", True), ("github-actions", True),
]


def shell_says(value: str) -> bool:
    env = dict(os.environ, CI=value)
    proc = subprocess.run(["bash", "-c", ". scripts/lib.sh && ci_is_set"], cwd=ROOT, env=env, check=False)
    return proc.returncode == 0


@pytest.mark.parametrize(("value", "expected"), VALUES)
def test_ci_value(value: str, expected: bool) -> None:
    assert ci_is_set(value) is expected
    assert shell_says(value) is expected


def test_ci_1_counts_as_set_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "1")
    assert ci_is_set()
    monkeypatch.delenv("CI")
    assert not ci_is_set()
