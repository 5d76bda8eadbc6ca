"""kolla_rs INI merge: every golden case byte-exact, errors with path and line, explain."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import kolla_rs
from kolla_rs._testing import ci_is_set
from kolla_rs.config import upstream_message

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "kolla-core" / "tests" / "inputs" / "ini"
BENCH = Path(os.environ.get("KOLLA_BENCH_DATA", ROOT.parent / "shared" / "bench-data")) / "merge"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _sources(case: Path) -> list[Path]:
    return sorted(case.glob("*.conf"))


def test_there_are_golden_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden_case_files_and_texts(case: Path):
    whitespace = not (case / "no-whitespace").exists()
    paths = _sources(case)
    # Texts are read as upstream reads files: text mode, universal newlines.
    texts = [(str(p), p.read_text()) for p in paths]
    expected = case / "expected.ini"
    if expected.exists():
        want = expected.read_bytes().decode()
        assert kolla_rs.merge_ini(paths, whitespace=whitespace) == want
        assert kolla_rs.merge_ini_texts(texts, whitespace=whitespace) == want
        return
    want_err = (case / "expected.err").read_text().rstrip("\n")
    for call in (
        lambda: kolla_rs.merge_ini(paths, whitespace=whitespace),
        lambda: kolla_rs.merge_ini_texts(texts, whitespace=whitespace),
    ):
        with pytest.raises(kolla_rs.ConfigMergeError) as info:
            call()
        err = info.value
        assert err.kind == "config"
        rel, line, column, _ = want_err.split(":", 3)
        assert err.path == str(case / rel)
        assert err.line == int(line)
        assert err.column == int(column)
        assert str(err) == f"{case}/{want_err}"
        assert upstream_message(err) == want_err.split(": ", 1)[1]


def test_plain_strings_are_named_by_position():
    with pytest.raises(kolla_rs.ConfigMergeError) as info:
        kolla_rs.merge_ini_texts(["[a]\nk=v\n", "[b]\nbad\n"])
    assert info.value.path == "<text 2>"
    assert info.value.line == 2
    assert upstream_message(info.value) == "at line 2, No ':' or '=' found in assignment: 'bad'"


def test_whitespace_is_python_truthiness():
    texts = ["[a]\nk = v\n"]
    assert kolla_rs.merge_ini_texts(texts, whitespace="false") == "[a]\nk = v\n\n"
    assert kolla_rs.merge_ini_texts(texts, whitespace=0) == "[a]\nk=v\n\n"
    assert kolla_rs.merge_ini_texts(texts, whitespace=[]) == "[a]\nk=v\n\n"


def test_sources_are_rendered_with_variables_and_missing_skipped(tmp_path: Path):
    a = tmp_path / "a.conf"
    a.write_text("[libvirt]\nvirt_type = {{ virt_type }}\n")
    missing = tmp_path / "missing.conf"
    out = kolla_rs.merge_ini([a, missing], variables={"virt_type": "qemu"})
    assert out == "[libvirt]\nvirt_type = qemu\n\n"
    with pytest.raises(kolla_rs.ConfigMergeError) as info:
        kolla_rs.merge_ini([a, missing], variables={"virt_type": "x"}, strict=True)
    assert info.value.path == str(missing)
    with pytest.raises(kolla_rs.TemplateError):
        kolla_rs.merge_ini([a])
    assert kolla_rs.merge_ini(missing) == ""


def test_a_directory_source_is_an_error(tmp_path: Path):
    with pytest.raises(kolla_rs.ConfigMergeError) as info:
        kolla_rs.merge_ini([tmp_path])
    assert str(info.value) == f"[Errno 21] Is a directory: '{tmp_path}'"


def test_explain_names_winner_and_replaced_and_redacts():
    texts = [
        ("base.conf", "[database]\nconnection = mysql://nova:pw@db/nova\n[a]\nk = 1\nk = 2\n"),
        ("over.conf", "[a]\nk = 3\n[keystone_authtoken]\npassword = hunter2\n"),
    ]
    ex = kolla_rs.explain_ini_texts(texts)
    assert ex["sources"] == ["base.conf", "over.conf"]
    by_key = {(k["section"], k["key"]): k for k in ex["keys"]}
    k = by_key[("a", "k")]
    assert k["value"] == [{"path": "over.conf", "line": 2, "lines": ["3"]}]
    assert [(o["path"], o["line"], o["lines"]) for o in k["overridden"]] == [
        ("base.conf", 4, ["1"]),
        ("base.conf", 5, ["2"]),
    ]
    assert "hunter2" not in repr(ex) and ":pw@" not in repr(ex)
    shown = kolla_rs.explain_ini_texts(texts, show_secrets=True)
    assert "hunter2" in repr(shown)


def test_explain_files(tmp_path: Path):
    a = tmp_path / "a.conf"
    a.write_text("o = 1\n[s]\nx = {{ v }}\n")
    ex = kolla_rs.explain_ini([a], variables={"v": "y"})
    assert ex["keys"][0]["section"] is None
    assert ex["keys"][1]["value"][0] == {"path": str(a), "line": 3, "lines": ["y"]}


def test_the_whole_fleet_matches_upstreams_checksum():
    """All 8,000 (host, service) chains of the bench data, concatenated, hash as upstream's."""
    if not BENCH.exists():
        # CI always has shared/ beside the checkout: there a missing copy is a failure.
        assert not ci_is_set(), f"CI is set but {BENCH} is missing"
        pytest.skip(f"no bench data at {BENCH}")
    hosts = (BENCH / "hosts.txt").read_text().split()
    services = (BENCH / "services.txt").read_text().split()
    custom = BENCH / "custom"
    common = [
        (str(p), p.read_text())
        for p in [BENCH / "base/nova.conf", custom / "global.conf", custom / "database.conf",
                  custom / "messaging.conf", custom / "nova.conf"]
    ]
    per_service = {s: (f"nova/{s}.conf", (custom / "nova" / f"{s}.conf").read_text()) for s in services}
    digest = hashlib.sha256()
    for host in hosts:
        per_host = (f"nova/{host}/nova.conf", (custom / "nova" / host / "nova.conf").read_text())
        for service in services:
            out = kolla_rs.merge_ini_texts([*common, per_service[service], per_host])
            digest.update(out.encode())
    assert digest.hexdigest() == "94862b7c02d24f8844371f22dd9accc7142a984ed0ebbc756971161b95a63593"
