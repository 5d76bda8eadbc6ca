"""The merge_yaml action plugin under a real ansible-playbook.

Expected bytes under golden/merge_yaml/ were written by upstream
kolla-ansible 22.2.0's merge_yaml plugin running the same playbook
(data/merge_yaml/cases.yml) under ansible-core 2.19.14.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "merge_yaml"
DATA = HERE / "data" / "merge_yaml"


def test_cases_match_upstream_bytes(run_playbook, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    r = run_playbook("merge_yaml_cases.yml", {"out": str(out)})
    assert r.returncode == 0, r
    expected = sorted(p.name for p in GOLDEN.glob("*.yml"))
    assert len(expected) >= 14
    for name in expected:
        got = (out / name).read_bytes()
        assert got == (GOLDEN / name).read_bytes(), f"{name} differs:\n{got.decode()}"
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o660

    # Idempotent: a second run changes nothing.
    r2 = run_playbook("merge_yaml_cases.yml", {"out": str(out)})
    assert r2.returncode == 0, r2
    assert "changed=0" in r2.stdout, r2


def _one(run_playbook, tmp_path: Path, srcs: list[str], *args: str, **extra: str):
    dest = tmp_path / "dest.yml"
    ev = {"srcs": json.dumps(srcs, separators=(",", ":")), "dest": str(dest), **extra}
    return dest, run_playbook("merge_yaml_one.yml", ev, *args)


def test_check_mode_and_diff(run_playbook, tmp_path: Path) -> None:
    src = DATA / "nested" / "1.yml"
    dest, r = _one(run_playbook, tmp_path, [str(src)], "--check", "--diff")
    assert r.returncode == 0, r
    assert "changed=1" in r.stdout, r
    assert not dest.exists()
    dest, r = _one(run_playbook, tmp_path, [str(src)])
    assert r.returncode == 0 and "changed=1" in r.stdout, r
    dest, r = _one(run_playbook, tmp_path, [str(src), str(DATA / "nested" / "2.yml")], "--check", "--diff")
    assert "changed=1" in r.stdout, r
    assert "+  z:" in r.stdout, r
    assert dest.read_text() == "a:\n  x: 1\n  y:\n  - 1\n  - 2\nb: s\n"


def test_extend_lists_error_fails_the_task(run_playbook, tmp_path: Path) -> None:
    a = tmp_path / "a.yml"
    b = tmp_path / "b.yml"
    a.write_text("y: [1, 2]\n")
    b.write_text("y: three\n")
    dest, r = _one(run_playbook, tmp_path, [str(a), str(b)], extend="true")
    assert r.returncode != 0, r
    assert (
        "Failure merging key `y` in dictionary `{'y': [1, 2]}`. Expecting a list, "
        "but received: `three`, which is of type: `<class 'str'>`"
    ) in r.stdout, r
    assert f"{b}:1:" in r.stdout, r
    assert not dest.exists()


def test_undefined_variable_names_it(run_playbook, tmp_path: Path) -> None:
    a = tmp_path / "a.yml"
    a.write_text("a: 1\nb: {{ nope }}\n")
    dest, r = _one(run_playbook, tmp_path, [str(a)])
    assert r.returncode != 0, r
    assert "'nope' is undefined" in r.stdout, r
    assert not dest.exists()


def test_module_vars_argument_is_honoured(run_playbook, tmp_path: Path) -> None:
    a = tmp_path / "a.yml"
    a.write_text("a: {{ from_module }}\n")
    dest, r = _one(run_playbook, tmp_path, [str(a)], module_vars=json.dumps({"from_module": "v"}, separators=(",", ":")))
    assert r.returncode == 0, r
    assert dest.read_text() == "a: v\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
