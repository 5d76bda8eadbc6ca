"""``python -m kolla_rs.ansible install`` inside a real kolla-ansible 22.2.0.

- install/uninstall swap kolla-ansible's merge_configs, merge_yaml,
  kolla_container and kolla_container_facts for kolla_rs's and back,
  idempotently, and refuse a directory that is not kolla-ansible;
- kolla-ansible's own ``genconfig`` (all-in-one, with INI and YAML operator
  overrides) writes byte-identical trees with and without kolla_rs;
- kolla-ansible's own ``deploy --tags memcached`` brings memcached up healthy
  on kolla_rs's kolla_container (a stand-in image under the name 22.2.0
  expects), and a second run changes nothing.

Slow (several minutes): scripts/test runs this tier once, on its own.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ka_venv import ROOT, KollaAnsible, cannot

import kolla_rs
from kolla_rs.ansible.install import MARKER, ORIGINAL_SUFFIX

SWAPPED = [
    "action_plugins/merge_configs.py",
    "action_plugins/merge_yaml.py",
    "library/kolla_container.py",
    "library/kolla_container_facts.py",
]

# The image kolla-ansible 22.2.0 runs for memcached with its defaults
# (docker_registry/docker_namespace/memcached:openstack_tag, rocky 10).
MEMCACHED_IMAGE_NAMESPACE = "quay.io/openstack.kolla"
MEMCACHED_IMAGE_TAG = "2026.1-rocky-10"

GLOBALS = """---
network_interface: lo
api_interface: lo
neutron_external_interface: kolla_rs_none
kolla_internal_vip_address: 127.0.0.1
enable_haproxy: "no"
# Services whose configs go through merge_yaml. (Not prometheus: 22.2.0's
# node-exporter config notifies a restart handler even under genconfig.)
enable_skyline: "yes"
enable_ceilometer: "yes"
"""

# Operator overrides: INI (global, per service, per host, templated) and YAML.
OVERRIDES = {
    "global.conf": "[DEFAULT]\ndebug = True\n",
    "nova.conf": (
        "[DEFAULT]\n# an operator comment\nmy_ip = {{ api_interface_address }}\n"
        "[libvirt]\ncpu_mode = host-passthrough\n"
        "[oslo_messaging_notifications]\ndriver = noop\n"
    ),
    "nova/nova-api.conf": "[api]\nauth_strategy = keystone\nmulti =\n  line one\n  line two\n",
    "nova/localhost/nova.conf": "[DEFAULT]\nhost = {{ inventory_hostname }}-override\n",
    "keystone.conf": "[token]\nexpiration = 7200\n[cache]\nenabled = {{ 'true' if enable_memcached | bool else 'false' }}\n",
    "skyline/skyline.yaml": (
        "skyline:\n  debug: true\n  extra_list: [\"{{ api_interface_address }}\", two]\n"
    ),
    "ceilometer/event_pipeline.yaml": (
        "sinks:\n  - name: event_sink\n    publishers:\n"
        "      - \"notifier://?topic=extra_{{ inventory_hostname }}\"\n"
    ),
}


# genconfig of every default service takes several minutes per run on a shared
# 2-core machine; the tier runs these roles (INI overrides on keystone and nova,
# merge_yaml on skyline and ceilometer). KOLLA_DROPIN_GENCONFIG_TAGS=all runs the lot.
GENCONFIG_TAGS = os.environ.get("KOLLA_DROPIN_GENCONFIG_TAGS", "keystone,nova,skyline,ceilometer,memcached")


def _inventory(ka: KollaAnsible, out: Path, custom: Path) -> str:
    """An all-in-one inventory: localhost in every top-level group, kolla's
    own ``:children`` groups, local connection, configs written under ``out``."""
    host = (
        f"localhost ansible_connection=local ansible_python_interpreter={ka.python} "
        f"node_config_directory={out} node_custom_config={custom}"
    )
    if shutil.which("sudo") is None:
        host += " ansible_become_method=su"  # root already; su needs no password
    lines = []
    for group in ("control", "network", "compute", "storage", "monitoring", "deployment"):
        lines += [f"[{group}]", host]
    multinode = (ka.playbooks / "inventory" / "multinode").read_text()
    children = multinode[multinode.index(next(re.finditer(r"^\[[a-z0-9_-]+:children\]", multinode, re.M)).group(0)) :]
    lines += [line for line in children.splitlines() if not line.startswith("#")]
    return "\n".join(lines) + "\n"


def _setup(ka: KollaAnsible, work: Path) -> tuple[Path, Path, Path]:
    """globals.yml, passwords.yml, overrides and the kolla_toolbox stub under ``work``."""
    etc, custom, stub = work / "etc", work / "custom", work / "stub"
    for d in (etc, custom, stub):
        d.mkdir(parents=True, exist_ok=True)
    (etc / "globals.yml").write_text(GLOBALS)
    shutil.copyfile(ka.share / "etc_examples" / "kolla" / "passwords.yml", etc / "passwords.yml")
    gen = subprocess.run(
        [str(ka.venv / "bin" / "kolla-genpwd"), "-p", str(etc / "passwords.yml")],
        capture_output=True, text=True, check=False,
    )
    assert gen.returncode == 0, gen.stderr
    for name, text in OVERRIDES.items():
        (custom / name).parent.mkdir(parents=True, exist_ok=True)
        (custom / name).write_text(text)
    # kolla_toolbox needs a running toolbox container; genconfig calls it once
    # (nova-cell "List all hypervisors"): answer as a fresh cloud would.
    (stub / "kolla_toolbox.py").write_text(KOLLA_TOOLBOX_STUB)
    return etc, custom, stub


KOLLA_TOOLBOX_STUB = '''
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Test stand-in for kolla_toolbox: no hypervisors registered yet."""

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        if self._task.args.get("module_name") == "openstack.cloud.resources":
            result.update(changed=False, resources=[])
        else:
            result.update(failed=True, msg="kolla_toolbox stub: %r" % self._task.args.get("module_name"))
        return result
'''


# Loaded through PYTHONPATH into every Python that kolla-ansible starts: records
# each import of one of kolla_rs's Ansible plugins or modules, which proves
# which implementation a run used.
TRACE_SITECUSTOMIZE = '''
import os, sys

class _KollaRsTrace:
    def find_spec(self, name, path=None, target=None):
        if name.startswith(("kolla_rs.ansible.action_plugins.", "kolla_rs.ansible._container")):
            with open(os.environ["KOLLA_RS_TRACE"], "a") as f:
                f.write(name + "\\n")
        return None

sys.meta_path.insert(0, _KollaRsTrace())
'''


def _kolla_ansible(ka: KollaAnsible, work: Path, out: Path, *args: str, log: str) -> tuple[str, set[str]]:
    """Runs ``kolla-ansible ARGS``; returns its output and the kolla_rs modules it imported."""
    etc, custom, stub = work / "etc", work / "custom", work / "stub"
    (work / "inventory").write_text(_inventory(ka, out, custom))
    trace_dir, trace = work / "trace", work / f"{log}.kolla_rs-imports"
    trace_dir.mkdir(exist_ok=True)
    (trace_dir / "sitecustomize.py").write_text(TRACE_SITECUSTOMIZE)
    trace.write_text("")
    cmd = [
        str(ka.venv / "bin" / "kolla-ansible"), *args,
        "-i", str(work / "inventory"), "--configdir", str(etc), "--passwords", str(etc / "passwords.yml"),
    ]
    env = ka.env(
        ANSIBLE_ACTION_PLUGINS=str(stub),
        ANSIBLE_LOCAL_TEMP=str(work / "ansible-tmp"),
        PYTHONPATH=str(trace_dir),
        KOLLA_RS_TRACE=str(trace),
    )
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, check=False)
    text = proc.stdout + proc.stderr
    (work / log).write_text(text)
    assert proc.returncode == 0, f"kolla-ansible {' '.join(args)} failed (log {work / log}):\n{text[-6000:]}"
    return text, set(trace.read_text().split())


def _tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root: its sha256 and mode, by relative path (directories by mode)."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_dir():
            out[rel + "/"] = ("dir", p.stat().st_mode & 0o7777)
        else:
            out[rel] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode & 0o7777)
    return out


def _recap_changed(log: str) -> int:
    m = re.search(r"^localhost\s+:\s+ok=\d+\s+changed=(\d+)", log, re.M)
    assert m, log[-3000:]
    return int(m.group(1))


# --- install / uninstall ---------------------------------------------------------


def _fake_share(ka: KollaAnsible, tmp_path: Path) -> Path:
    """A copy of the parts of kolla-ansible's share directory install touches."""
    share = tmp_path / "share" / "kolla-ansible"
    (share / "ansible").mkdir(parents=True)
    shutil.copyfile(ka.playbooks / "site.yml", share / "ansible" / "site.yml")
    for folder in ("action_plugins", "library"):
        shutil.copytree(ka.playbooks / folder, share / "ansible" / folder,
                        ignore=shutil.ignore_patterns("__pycache__", f"*{ORIGINAL_SUFFIX}"))
    return share


def test_install_and_uninstall_are_idempotent_and_keep_the_originals(kolla_ansible: KollaAnsible, tmp_path: Path):
    share = _fake_share(kolla_ansible, tmp_path)
    pb = share / "ansible"
    before = _tree(pb)

    r = kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    for rel in SWAPPED:
        assert f"installed {pb / rel}" in r.stdout, r.stdout
        assert MARKER in (pb / rel).read_text()
        kept = pb / (rel + ORIGINAL_SUFFIX)
        assert _tree(kept.parent)[kept.name][0] == before[rel][0], f"{kept} is not the original"
        assert (pb / rel).stat().st_mode & 0o7777 == before[rel][1]
    # The old name kolla_docker is gone from 22.2.0: nothing to swap, nothing written.
    assert not (pb / "library" / "kolla_docker.py").exists()
    installed = _tree(pb)

    r = kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("already installed") == len(SWAPPED), r.stdout
    assert _tree(pb) == installed

    r = kolla_ansible.kolla_rs_ansible("uninstall", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("restored") == len(SWAPPED), r.stdout
    assert _tree(pb) == before

    r = kolla_ansible.kolla_rs_ansible("uninstall", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert _tree(pb) == before


def test_a_kolla_ansible_reinstalled_over_kolla_rs_is_kept_on_install_and_uninstall(
    kolla_ansible: KollaAnsible, tmp_path: Path
):
    share = _fake_share(kolla_ansible, tmp_path)
    pb = share / "ansible"
    original = (pb / SWAPPED[0]).read_bytes()
    assert kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share)).returncode == 0
    # pip reinstalls kolla-ansible: its own file is back, ours and the kept one beside it.
    (pb / SWAPPED[0]).write_bytes(original + b"# newer\n")
    r = kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert (pb / (SWAPPED[0] + ORIGINAL_SUFFIX)).read_bytes() == original + b"# newer\n"
    assert MARKER in (pb / SWAPPED[0]).read_text()
    r = kolla_ansible.kolla_rs_ansible("uninstall", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert (pb / SWAPPED[0]).read_bytes() == original + b"# newer\n"
    assert not list(pb.rglob(f"*{ORIGINAL_SUFFIX}"))


def test_a_thin_file_removed_by_hand_is_written_again(kolla_ansible: KollaAnsible, tmp_path: Path):
    share = _fake_share(kolla_ansible, tmp_path)
    pb = share / "ansible"
    before = _tree(pb)
    assert kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share)).returncode == 0
    (pb / SWAPPED[2]).unlink()
    r = kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert MARKER in (pb / SWAPPED[2]).read_text()
    assert (pb / SWAPPED[2]).stat().st_mode & 0o7777 == before[SWAPPED[2]][1]
    assert kolla_ansible.kolla_rs_ansible("uninstall", "--kolla-ansible", str(share)).returncode == 0
    assert _tree(pb) == before


def test_a_release_with_kolla_docker_gets_it_swapped_too(kolla_ansible: KollaAnsible, tmp_path: Path):
    share = _fake_share(kolla_ansible, tmp_path)
    old = share / "ansible" / "library" / "kolla_docker.py"
    old.write_text("# kolla_docker of an older kolla-ansible\n")
    r = kolla_ansible.kolla_rs_ansible("install", "--kolla-ansible", str(share))
    assert r.returncode == 0, r.stderr
    assert f"installed {old}" in r.stdout
    text = old.read_text()
    assert MARKER in text and "legacy=True" in text, text
    assert kolla_ansible.kolla_rs_ansible("uninstall", "--kolla-ansible", str(share)).returncode == 0
    assert old.read_text() == "# kolla_docker of an older kolla-ansible\n"


@pytest.mark.parametrize("what", ["missing", "empty", "not-kolla"])
def test_install_refuses_a_directory_that_is_not_kolla_ansible(kolla_ansible: KollaAnsible, tmp_path: Path, what: str):
    target = tmp_path / "target"
    if what != "missing":
        target.mkdir()
    if what == "not-kolla":
        (target / "ansible" / "action_plugins").mkdir(parents=True)
        (target / "ansible" / "site.yml").write_text("---\n")
    for command in ("install", "uninstall"):
        r = kolla_ansible.kolla_rs_ansible(command, "--kolla-ansible", str(target))
        assert r.returncode == 1, r
        assert r.stdout == ""
        assert str(target) in r.stderr, r.stderr
        assert "kolla-ansible" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert not list(tmp_path.rglob("*.py")), "nothing was written"


def test_no_subcommand_still_prints_the_exports(kolla_ansible: KollaAnsible):
    r = kolla_ansible.kolla_rs_ansible()
    assert r.returncode == 0, r.stderr
    assert "export ANSIBLE_ACTION_PLUGINS=" in r.stdout
    assert "export ANSIBLE_LIBRARY=" in r.stdout


# --- kolla-ansible's own playbooks ---------------------------------------------------


def test_genconfig_trees_are_byte_identical_with_and_without_kolla_rs(kolla_ansible: KollaAnsible, tmp_path: Path):
    ka = kolla_ansible
    work = tmp_path / "work"
    _setup(ka, work)
    upstream, ours = tmp_path / "upstream", tmp_path / "kolla_rs"

    tags = [] if GENCONFIG_TAGS == "all" else ["--tags", GENCONFIG_TAGS]
    _, used = _kolla_ansible(ka, work, upstream, "genconfig", *tags, log="genconfig-upstream.log")
    assert not used, f"kolla_rs ran before install: {used}"
    # The default directory is the kolla-ansible beside this Python.
    r = ka.kolla_rs_ansible("install")
    assert r.returncode == 0, r.stderr
    try:
        for rel in SWAPPED:
            assert MARKER in (ka.playbooks / rel).read_text()
        _, used = _kolla_ansible(ka, work, ours, "genconfig", *tags, log="genconfig-kolla_rs.log")
        # kolla-ansible's own playbooks ran kolla_rs's merge_configs and merge_yaml.
        assert {
            "kolla_rs.ansible.action_plugins.merge_configs",
            "kolla_rs.ansible.action_plugins.merge_yaml",
        } <= used, used
    finally:
        assert ka.kolla_rs_ansible("uninstall").returncode == 0

    want, got = _tree(upstream), _tree(ours)
    # nova-compute's compute_id is a fresh random UUID on each run (no hypervisor yet).
    ids = [k for k in want if k.endswith("/compute_id")]
    for k in ids:
        assert k in got and want.pop(k)[1] == got.pop(k)[1]
    assert len(want) > 30, sorted(want)
    assert sorted(got) == sorted(want), "the same files"
    differ = [k for k in want if want[k] != got[k]]
    details = []
    for k in differ[:5]:
        if want[k][0] != "dir" and not filecmp.cmp(upstream / k, ours / k, shallow=False):
            import difflib

            a = (upstream / k).read_text(errors="replace").splitlines()
            b = (ours / k).read_text(errors="replace").splitlines()
            details.append(f"{k}:\n" + "\n".join(list(difflib.unified_diff(a, b, lineterm=""))[:30]))
        else:
            details.append(f"{k}: mode {want[k][1]:o} != {got[k][1]:o}")
    assert not differ, "\n".join(details)
    # The overrides took part (in both trees).
    nova_api = (ours / "nova-api" / "nova.conf").read_text()
    assert "cpu_mode = host-passthrough" in nova_api
    assert "host = localhost-override" in nova_api
    assert "multi = \n        line one\n        line two\n" in nova_api
    assert "- 127.0.0.1" in (ours / "skyline-apiserver" / "skyline.yaml").read_text()
    assert "topic=extra_localhost" in (ours / "ceilometer-notification" / "event_pipeline.yaml").read_text()


def _docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False)


def _standin_memcached() -> str:
    kolla = ROOT / "target" / "debug" / "kolla"
    if not kolla.exists():
        built = subprocess.run(["cargo", "build", "-q", "-p", "kolla-cli"], cwd=ROOT, capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
    r = subprocess.run(
        [str(kolla), "images", "standin", "--namespace", MEMCACHED_IMAGE_NAMESPACE,
         "--tag", MEMCACHED_IMAGE_TAG, "memcached"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_deploy_memcached_runs_on_kolla_rs_and_a_second_run_changes_nothing(kolla_ansible: KollaAnsible, tmp_path: Path):
    ka = kolla_ansible
    try:
        kolla_rs.ContainerEngine.docker()
    except kolla_rs.KollaError as err:
        cannot(f"no Docker engine: {err}")
    if _docker("inspect", "memcached").returncode == 0:
        cannot("a container named memcached exists on this machine; not touching it")
    image = _standin_memcached()
    assert image == f"{MEMCACHED_IMAGE_NAMESPACE}/memcached:{MEMCACHED_IMAGE_TAG}"
    had_logs_volume = _docker("volume", "inspect", "kolla_logs").returncode == 0

    work = tmp_path / "work"
    _setup(ka, work)
    # Docker's own open-files limit here is below kolla's default nofile ulimit
    # (1048576), which runc then cannot set; upstream fails the same way.
    with open(work / "etc" / "globals.yml", "a") as f:
        f.write("default_container_dimensions: {}\n")
    out = tmp_path / "etc-kolla"
    assert ka.kolla_rs_ansible("install").returncode == 0
    try:
        first, used = _kolla_ansible(ka, work, out, "deploy", "--tags", "memcached", log="deploy-1.log")
        assert "kolla_rs.ansible._container" in used, used
        assert _recap_changed(first) > 0
        state = json.loads(_docker("inspect", "memcached").stdout)[0]
        assert state["Config"]["Image"] == image
        deadline = time.monotonic() + 60
        while state["State"].get("Health", {}).get("Status") != "healthy" and time.monotonic() < deadline:
            time.sleep(1)
            state = json.loads(_docker("inspect", "memcached").stdout)[0]
        assert state["State"]["Status"] == "running", state["State"]
        assert state["State"]["Health"]["Status"] == "healthy", state["State"]["Health"]
        started = state["State"]["StartedAt"]

        second, _ = _kolla_ansible(ka, work, out, "deploy", "--tags", "memcached", log="deploy-2.log")
        assert _recap_changed(second) == 0, second[-6000:]
        again = json.loads(_docker("inspect", "memcached").stdout)[0]
        assert again["State"]["StartedAt"] == started, "the container was not restarted"
    finally:
        ka.kolla_rs_ansible("uninstall")
        _docker("rm", "-f", "memcached")
        if not had_logs_volume:
            _docker("volume", "rm", "kolla_logs")


# --- every argument the 22.2.0 roles pass ------------------------------------------------


def _upstream_spec(module: Path) -> set[str]:
    """The parameter names of an upstream module's ``argument_spec = dict(...)``."""
    import ast

    for node in ast.walk(ast.parse(module.read_text())):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "argument_spec" for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            return {kw.arg for kw in node.value.keywords if kw.arg}
    raise AssertionError(f"no argument_spec in {module}")


def _role_calls(playbooks: Path, module: str) -> list[tuple[Path, dict]]:
    """Every task of kolla-ansible's roles and playbooks that calls ``module``, with its arguments."""
    import yaml

    calls: list[tuple[Path, dict]] = []

    def walk(node, path: Path) -> None:
        if isinstance(node, dict):
            for key in (module, f"ansible.legacy.{module}"):
                if isinstance(node.get(key), dict):
                    calls.append((path, node[key]))
            for v in node.values():
                walk(v, path)
        elif isinstance(node, list):
            for v in node:
                walk(v, path)

    for path in sorted(playbooks.rglob("*.yml")):
        try:
            walk(yaml.safe_load(path.read_text()), path)
        except yaml.YAMLError:
            continue
    return calls


class _Captured(Exception):
    pass


def _spec_of(main) -> dict:
    """The argument spec a module's ``main`` hands to ``AnsibleModule`` (captured, not run)."""
    got: dict = {}

    def fake_module(**kwargs):
        got.update(kwargs)
        raise _Captured

    with pytest.raises(_Captured):
        main(fake_module)
    return got["argument_spec"]


def test_every_argument_the_roles_pass_is_accepted(kolla_ansible: KollaAnsible):
    """Static half of the check (the deploy test is the running half): each
    parameter name and each literal choice any 22.2.0 task gives kolla_container
    or kolla_container_facts is in kolla_rs's argument spec, wherever upstream's
    own module accepts it."""
    from kolla_rs.ansible import _container

    pb = kolla_ansible.playbooks
    library = {
        name: (pb / "library" / f"{name}.py{ORIGINAL_SUFFIX}")
        if (pb / "library" / f"{name}.py{ORIGINAL_SUFFIX}").exists()
        else pb / "library" / f"{name}.py"
        for name in ("kolla_container", "kolla_container_facts")
    }
    ours = _spec_of(_container.main)
    upstream = _upstream_spec(library["kolla_container"])
    assert upstream <= set(ours), f"upstream parameters kolla_rs lacks: {sorted(upstream - set(ours))}"
    calls = _role_calls(pb, "kolla_container")
    assert len(calls) > 200, len(calls)
    problems = []
    for path, args in calls:
        for key, value in args.items():
            if key not in ours:
                # Upstream lacks it too; only fine when it is always left out.
                if key in upstream or "default(omit)" not in str(value):
                    problems.append(f"{path}: {key}: {value!r}")
                continue
            choices = ours[key].get("choices")
            if choices and isinstance(value, str) and "{{" not in value and value not in choices:
                problems.append(f"{path}: {key}: {value!r} not in {choices}")
    facts_calls = _role_calls(pb, "kolla_container_facts")
    assert facts_calls
    facts_ours = _spec_of(_container.facts_main)
    assert _upstream_spec(library["kolla_container_facts"]) <= set(facts_ours)
    for path, args in facts_calls:
        for key, value in args.items():
            if key not in facts_ours:
                problems.append(f"{path}: kolla_container_facts {key}: {value!r}")
                continue
            choices = facts_ours[key].get("choices")
            if choices and isinstance(value, str) and "{{" not in value and value not in choices:
                problems.append(f"{path}: kolla_container_facts {key}: {value!r} not in {choices}")
    assert not problems, "\n".join(problems)
