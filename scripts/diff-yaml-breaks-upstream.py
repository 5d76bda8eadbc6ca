#!/usr/bin/env python3
"""Random differential check of raw U+0085/U+2028/U+2029 line breaks.

Builds random YAML-like texts from fragments, joined by every kind of line
break (LF, CRLF, CR, NEL, LS, PS), loads each with PyYAML's `safe_load` and
merges it with upstream kolla-ansible 22.2.0's merge_yaml logic, and compares
with the built `kolla merge-yaml` (same bytes, or both fail). Texts whose
top level is not a mapping are skipped. Needs a scratch venv with upstream:

    UPSTREAM_MERGE_YAML=/tmp/up/share/kolla-ansible/ansible/action_plugins/merge_yaml.py \
        /tmp/up/bin/python scripts/diff-yaml-breaks-upstream.py SEED COUNT

A difference that remains when each of the three characters is written as
LF is not about them: those are counted apart ("differ with LF too") and
shown with -v.
"""
import importlib.util
import os
import random
import subprocess
import sys

import yaml

spec = importlib.util.spec_from_file_location("m", os.environ["UPSTREAM_MERGE_YAML"])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)

args = [a for a in sys.argv[1:] if a != "-v"]
VERBOSE = "-v" in sys.argv
R = random.Random(int(args[0]) if args else 1)
N = int(args[1]) if len(args) > 1 else 2000
KOLLA = os.environ.get("KOLLA", "target/debug/kolla")
TMP = "/tmp/kolla-yaml-breaks-diff"
BREAKS = ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]
PIECES = ["k", "a b", "x", "- ", "? ", ": ", "'", '"', "\\", "|", ">", "|-", ">+", "|2", " #c", " ",
          "  ", "[", "]", "{", "}", ", ", "&a ", "*a", "!!str ", "\\L", "\\N", "\\x41", "---",
          "...", "yes", "1", "\u00e9"]


def text():
    lines = []
    for _ in range(R.randint(1, 6)):
        body = "".join(R.choice(PIECES) for _ in range(R.randint(0, 5)))
        if R.random() < 0.5:
            body = R.choice(["k: ", "j: ", "- ", "l: "]) + body
        lines.append(R.choice(["", "", " ", "  ", "    "]) + body + R.choice(BREAKS))
    return "".join(lines)


def upstream(t):
    """merge_yaml's bytes for the one source, or None when upstream fails."""
    try:
        data = yaml.safe_load(t)
    except yaml.YAMLError:
        return None, True
    if not isinstance(data, dict):
        return None, False
    out = {}
    m.Utils.update_nested_conf(out, data, False)
    return yaml.dump(out, default_flow_style=False), True


def ours(t, name):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(t)
    p = subprocess.run([KOLLA, "merge-yaml", path], capture_output=True, text=True)
    return (p.stdout if p.returncode == 0 else None), p.stderr


def same(t, name):
    want, relevant = upstream(t)
    if not relevant:
        return None, want, None
    got, err = ours(t, name)
    return want == got, want, (got, err)


os.makedirs(TMP, exist_ok=True)
bad = tested = with_lf = 0
for i in range(N):
    t = text()
    if not any(c in t for c in "\x85\u2028\u2029"):
        continue
    ok, want, got = same(t, f"{i}.yml")
    if ok is None or ok:
        tested += ok is not None
        continue
    tested += 1
    lf = t
    for c in "\x85\u2028\u2029":
        lf = lf.replace("\r" + c, "\n\n").replace(c, "\n")
    if same(lf, f"{i}.lf.yml")[0] is False:
        with_lf += 1
        if VERBOSE:
            print("DIFFERS WITH LF TOO", repr(lf), "\n want:", repr(want), "\n got: ", got)
        continue
    bad += 1
    if bad <= 8:
        print("MISMATCH", repr(t), "\n want:", repr(want), "\n got: ", got)
print(f"bad {bad} of {tested} (differ with LF too: {with_lf})")
