"""kolla_rs.genpwd / kolla_rs.mergepwd: upstream's bytes for the same inputs,
0600 files, reports without values, errors with path and line."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

import kolla_rs

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "kolla-cli" / "tests" / "inputs" / "passwords"


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_genpwd_keeps_set_values_as_upstream_writes_them(tmp_path: Path):
    p = tmp_path / "passwords.yml"
    shutil.copy(INPUTS / "prefilled.yml", p)
    report = kolla_rs.genpwd(p)
    assert report["filled"] == [] and report["kept"] == 153
    assert report["blank"] == ["docker_registry_password"]
    assert p.read_text() == (INPUTS / "upstream-genpwd.yml").read_text()
    assert _mode(p) == 0o600


def test_genpwd_fills_empty_values_and_reports_no_value(tmp_path: Path):
    p = tmp_path / "passwords.yml"
    p.write_text("b_password:\nrbd_secret_uuid:\nbarbican_crypto_key:\na_password: mine\n")
    report = kolla_rs.genpwd(str(p))
    assert report["filled"] == ["b_password", "rbd_secret_uuid", "barbican_crypto_key"]
    data = kolla_rs.load_yaml(p.read_text())
    assert data["a_password"] == "mine"
    assert len(data["b_password"]) == 40 and data["b_password"].isalnum()
    assert len(data["rbd_secret_uuid"]) == 36
    assert len(data["barbican_crypto_key"]) == 44
    assert data["b_password"] not in repr(report)


def test_genpwd_error_names_file_and_line(tmp_path: Path):
    p = tmp_path / "passwords.yml"
    p.write_text("a:\nnova_ssh_key: s3cret\n")
    with pytest.raises(kolla_rs.ConfigMergeError) as e:
        kolla_rs.genpwd(p)
    assert e.value.path == str(p) and e.value.line == 2
    assert "s3cret" not in str(e.value)
    p.write_text("a: [\n")
    with pytest.raises(kolla_rs.YamlError) as y:
        kolla_rs.genpwd(p)
    assert y.value.path == str(p)


@pytest.mark.parametrize("clean", [False, True])
def test_mergepwd_as_upstream(tmp_path: Path, clean: bool):
    golden = INPUTS / ("upstream-mergepwd-clean.yml" if clean else "upstream-mergepwd.yml")
    final = tmp_path / "final.yml"
    report = kolla_rs.mergepwd(INPUTS / "old.yml", None, final, clean=clean)
    assert final.read_text() == golden.read_text()
    assert _mode(final) == 0o600
    assert report["carried"] == 3 and report["clean"] is clean
    assert "keepme" not in repr(report)
    with pytest.raises(kolla_rs.IoError):
        kolla_rs.mergepwd(tmp_path / "missing.yml", None, final)
