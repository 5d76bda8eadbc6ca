"""The inventory against the real Ansible, live.

* ``kolla inventory list``/``graph`` print the same bytes as
  ``ansible-inventory --list``/``--graph`` on every upstream, bench and
  edge-case inventory (plus the 10,000-host range inventory).
* The ``kolla_rs`` inventory plugin, enabled instead of Ansible's own
  parsers, makes ``ansible-inventory --list`` print exactly what Ansible's
  ``ini``/``yaml`` plugins make it print.
* A real ``ansible-playbook`` targets kolla groups through the plugin.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kolla_rs.ansible import plugin_paths

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "kolla-core" / "tests" / "inputs" / "inventory"
BIN = Path(sys.executable).parent
SOURCES = sorted(
    p for d in ("upstream", "bench", "cases", "large") for p in (INPUTS / d).iterdir()
)
UPSTREAM = sorted((INPUTS / "upstream").iterdir())


@pytest.fixture(scope="module")
def kolla() -> Path:
    subprocess.run(["cargo", "build", "-q", "-p", "kolla-cli"], cwd=ROOT, check=True)
    exe = ROOT / "target" / "debug" / "kolla"
    assert exe.exists()
    return exe


def ansible_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-local"),
        }
    )
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> str:
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{cmd}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.parametrize("src", SOURCES, ids=lambda p: p.name)
def test_kolla_inventory_equals_ansible_inventory_live(src: Path, kolla: Path, tmp_path: Path):
    env = ansible_env(tmp_path)
    theirs = run([str(BIN / "ansible-inventory"), "-i", str(src), "--list"], env, tmp_path)
    ours = run([str(kolla), "inventory", "-i", str(src), "list"], env, tmp_path)
    assert ours == theirs
    if src.parent.name != "large":
        theirs = run([str(BIN / "ansible-inventory"), "-i", str(src), "--graph"], env, tmp_path)
        ours = run([str(kolla), "inventory", "-i", str(src), "graph"], env, tmp_path)
        assert ours == theirs


@pytest.mark.parametrize("seed", range(25))
def test_random_inventories_equal_ansible_live(seed: int, kolla: Path, tmp_path: Path):
    sys.path.insert(0, str(Path(__file__).parent))
    import inventory_gen

    src = tmp_path / f"random-{seed}.ini"
    src.write_text(inventory_gen.gen(seed))
    assert_same_as_ansible(src, kolla, tmp_path)


def assert_same_as_ansible(src: Path, kolla: Path, tmp_path: Path) -> None:
    """The same --list bytes, or both reject the file (kolla-rs loudly)."""
    env = ansible_env(tmp_path)
    theirs = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(src), "--list"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    ours = subprocess.run(
        [str(kolla), "inventory", "-i", str(src), "list"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    if "Unable to parse" in theirs.stderr:
        # Ansible rejected the file (and only warns); kolla-rs must reject it too.
        assert ours.returncode == 1, src.read_text()
        assert str(src) in ours.stderr
    else:
        assert ours.returncode == 0, ours.stderr
        assert ours.stdout == theirs.stdout, src.read_text()


@pytest.mark.parametrize(
    "src",
    [INPUTS / "cases" / "d19_precedence.ini", INPUTS / "cases" / "g01_group_host_vars", INPUTS / "upstream" / "multinode-master"],
    ids=lambda p: p.name,
)
def test_kolla_inventory_host_equals_ansible_inventory_host_live(src: Path, kolla: Path, tmp_path: Path):
    env = ansible_env(tmp_path)
    hosts = run([str(kolla), "--format", "json", "inventory", "-i", str(src), "hosts", "all"], env, tmp_path)
    for host in json.loads(hosts):
        theirs = run([str(BIN / "ansible-inventory"), "-i", str(src), "--host", host], env, tmp_path)
        ours = run([str(kolla), "inventory", "-i", str(src), "host", host], env, tmp_path)
        assert ours == theirs, host


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_random_yaml_inventories_equal_ansible_live(seed: int, fmt: str, kolla: Path, tmp_path: Path):
    import json as _json

    import yaml

    sys.path.insert(0, str(Path(__file__).parent))
    import inventory_gen

    doc = inventory_gen.gen_yaml_doc(seed)
    src = tmp_path / f"random-{seed}.{'yml' if fmt == 'json' else 'yaml'}"
    text = _json.dumps(doc, indent=1) if fmt == "json" else yaml.safe_dump(doc, allow_unicode=True)
    src.write_text(text)
    assert_same_as_ansible(src, kolla, tmp_path)


PATTERNS = [
    "control:compute",
    "nova-api:!control02",
    "openvswitch:&compute",
    "control0*",
    "~(control|network)0[12]",
    r"~c(o)\w*?\1",
    r"~(?!control|compute)\w+0(?=2)",
    r"~(?P<h>[a-z]+)0(?P=h)?1$",
    "control[0:1]",
    "control[1:]",
    "keystone[-1]",
    "compute01,storage01",
    "baremetal",
    "nova-api:neutron-server:&network",
    "nosuchgroup",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_host_patterns_equal_ansible_list_hosts_live(pattern: str, kolla: Path, tmp_path: Path):
    # (`all` and `!x` are left out: below depth 1 Ansible's order follows
    # Python set order, see docs/deviations.md.)
    src = INPUTS / "upstream" / "multinode-master"
    env = ansible_env(tmp_path)
    proc = subprocess.run(
        [str(BIN / "ansible"), pattern, "-i", str(src), "--list-hosts"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=False,
    )
    theirs = [line.strip() for line in proc.stdout.splitlines()[1:] if line.strip()]
    ours = run([str(kolla), "inventory", "-i", str(src), "hosts", pattern], env, tmp_path).split()
    assert ours == theirs


def test_several_sources_at_once_live(kolla: Path, tmp_path: Path):
    d = INPUTS / "cases" / "g02_dir_of_sources"
    srcs = [d / "01-base.ini", d / "02-more.yml", d / "sub" / "03-sub.ini"]
    env = ansible_env(tmp_path)
    args = [a for s in srcs for a in ("-i", str(s))]
    theirs = run([str(BIN / "ansible-inventory"), *args, "--list"], env, tmp_path)
    ours = run([str(kolla), "inventory", *args, "list"], env, tmp_path)
    assert ours == theirs


@pytest.mark.parametrize(
    "src",
    [*UPSTREAM, *sorted((INPUTS / "cases").iterdir()), INPUTS / "bench" / "multinode-10-explicit.ini"],
    ids=lambda p: p.name,
)
def test_plugin_output_equals_ansibles_own_parsers(src: Path, tmp_path: Path):
    own = run(
        [str(BIN / "ansible-inventory"), "-i", str(src), "--list"], ansible_env(tmp_path), tmp_path
    )
    env = ansible_env(
        tmp_path,
        ANSIBLE_INVENTORY_PLUGINS=plugin_paths()["ANSIBLE_INVENTORY_PLUGINS"],
        ANSIBLE_INVENTORY_ENABLED="kolla_rs",
    )
    proc = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(src), "--list"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    # Only kolla_rs is enabled: had it failed, Ansible would say so and print
    # an empty inventory.
    assert "Unable to parse" not in proc.stderr, proc.stderr
    assert proc.stdout == own


def test_plugin_reports_file_and_line(tmp_path: Path):
    bad = INPUTS / "errors" / "range_unequal.ini"
    env = ansible_env(
        tmp_path,
        ANSIBLE_INVENTORY_PLUGINS=plugin_paths()["ANSIBLE_INVENTORY_PLUGINS"],
        ANSIBLE_INVENTORY_ENABLED="kolla_rs",
        ANSIBLE_INVENTORY_UNPARSED_FAILED="1",
    )
    proc = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(bad), "--list"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert f"{bad}:2:1: host range must specify equal-length begin and end formats" in proc.stderr


def test_plugin_reports_a_yaml_syntax_error_as_yaml(tmp_path: Path):
    bad = tmp_path / "inventory.yml"
    bad.write_text("all:\n  hosts:\n    h1:\n   bad: [\n")
    env = ansible_env(
        tmp_path,
        ANSIBLE_INVENTORY_PLUGINS=plugin_paths()["ANSIBLE_INVENTORY_PLUGINS"],
        ANSIBLE_INVENTORY_ENABLED="kolla_rs",
        ANSIBLE_INVENTORY_UNPARSED_FAILED="1",
    )
    proc = subprocess.run(
        [str(BIN / "ansible-inventory"), "-i", str(bad), "--list"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    # The YAML error with line and column, not the INI reader's "Invalid host pattern 'all:'" alone.
    assert f"{bad}:4:" in proc.stderr and "YAML parsing failed" in proc.stderr, proc.stderr


def test_playbook_targets_kolla_groups_through_the_plugin(tmp_path: Path):
    playbook = ROOT / "tests" / "ansible" / "playbooks" / "inventory_groups.yml"
    env = ansible_env(
        tmp_path,
        ANSIBLE_INVENTORY_PLUGINS=plugin_paths()["ANSIBLE_INVENTORY_PLUGINS"],
        ANSIBLE_INVENTORY_ENABLED="kolla_rs",
        ANSIBLE_RETRY_FILES_ENABLED="0",
    )
    out = run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            str(INPUTS / "upstream" / "multinode-master"),
            "-e",
            f"tmp={tmp_path}",
            str(playbook),
        ],
        env,
        tmp_path,
    )
    assert "ok=2" in out, out
    lines = (tmp_path / "nova-api.txt").read_text().splitlines()
    assert lines == [
        "control01 control01,control02,control03 compute01",
        "control02 control01,control02,control03 compute01",
        "control03 control01,control02,control03 compute01",
    ]
