"""kolla_rs.genconfig: the files written or changed, on the small test
cloud of kolla-core/tests/fixtures/genconfig."""

from __future__ import annotations

from pathlib import Path

import pytest

import kolla_rs

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "kolla-core" / "tests" / "fixtures" / "genconfig"


def run(out: Path, config_dir: Path, **kw):
    return kolla_rs.genconfig(
        FIX / "inventory" / "hosts",
        out,
        passwords=FIX / "passwords.yml",
        extra=["kolla_internal_vip_address=192.0.2.250"],
        catalog_dir=FIX / "catalog",
        templates=FIX / "templates",
        config_dir=config_dir,
        services=["gctest"],
        **kw,
    )


def test_writes_then_changes_nothing(tmp_path: Path):
    out, cfg = tmp_path / "out", tmp_path / "config"
    cfg.mkdir()
    first = run(out, cfg)
    by = {(c["host"], c["key"]): c for c in first["changes"]}
    assert set(by) == {
        ("ctl1", "gctest-api"),
        ("ctl2", "gctest-api"),
        ("cmp1", "gctest-agent"),
        ("cmp2", "gctest-agent"),
    }
    assert "gctest.conf" in by[("ctl1", "gctest-api")]["created"]
    assert (out / "ctl1" / "gctest-api" / "config.json").is_file()
    second = run(out, cfg)
    assert all(
        not (c["created"] or c["changed"] or c["removed"]) for c in second["changes"]
    )
    (cfg / "gctest.conf").write_text("[DEFAULT]\ndebug = True\n")
    third = run(out, cfg, limit="ctl1")
    assert [(c["host"], c["changed"]) for c in third["changes"]] == [
        ("ctl1", ["gctest.conf"])
    ]


def test_errors_keep_their_kind_and_location(tmp_path: Path):
    cfg = tmp_path / "config"
    cfg.mkdir()
    (cfg / "global.conf").write_text("[DEFAULT]\n\nx = {{ nope }}\n")
    with pytest.raises(kolla_rs.TemplateError) as e:
        run(tmp_path / "out", cfg)
    assert "'nope' is undefined" in str(e.value)
    assert e.value.line == 3
