#!/usr/bin/env python3
"""Differential check of `serial` batch sizes against real ansible-playbook.

Random plays (1..60 hosts; serial as an int, a float, an integer string, a
percentage string from -20% to 160%, or a list of those whose last item
repeats) run in ONE ansible-playbook over a local-connection inventory; a
run_once debug task prints the size of every batch. The built `kolla`
binary answers the same cases with `kolla upgrade --plan-batches N
--serial S`; every case's batch sizes must agree. Run with any ansible-core
2.19 (the oracle venv works, read only):

    PATH=~/.cache/kolla-oracle/venv/bin:$PATH scripts/diff-serial-upstream.py SEED COUNT

Set KOLLA to the binary (default target/debug/kolla).
"""
import json, os, random, re, subprocess, sys, tempfile

R = random.Random(int(sys.argv[1]))
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 60
KOLLA = os.environ.get("KOLLA", "target/debug/kolla")
MAXH = 60


def item(n):
    r = R.random()
    if r < 0.3:
        return R.randint(-2, n + 2)
    if r < 0.4:
        return str(R.randint(-1, n + 1))
    if r < 0.45:
        return R.randint(0, n * 10) / 4.0
    return "%d%%" % R.choice([R.randint(-20, 160), 0, 100, 29, 33, 57, 10, 30])


def spec(n):
    if R.random() < 0.3:
        return [item(n) for _ in range(R.randint(1, 3))]
    return item(n)


cases = [(R.randint(1, MAXH), None) for _ in range(COUNT)]
cases = [(n, spec(n)) for n, _ in cases]
tmp = tempfile.mkdtemp(prefix="ops-serial-")
inv = ["[all:vars]", "ansible_connection=local", "ansible_python_interpreter=" + sys.executable]
for i, (n, _) in enumerate(cases):
    inv.append("[c%d]" % i)
    inv.extend("h%03d" % h for h in range(n))
open(os.path.join(tmp, "inv"), "w").write("\n".join(inv) + "\n")
plays = []
for i, (n, s) in enumerate(cases):
    plays.append({
        "hosts": "c%d" % i, "gather_facts": False, "serial": s,
        "tasks": [{"debug": {"msg": "SERIALCASE %d {{ ansible_play_batch | length }}" % i}, "run_once": True}],
    })
open(os.path.join(tmp, "play.yml"), "w").write(json.dumps(plays))
env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_RETRY_FILES_ENABLED="0")
p = subprocess.run(["ansible-playbook", "-i", os.path.join(tmp, "inv"), os.path.join(tmp, "play.yml")],
                   capture_output=True, text=True, env=env)
if p.returncode != 0:
    sys.exit("ansible-playbook failed:\n" + p.stdout[-3000:] + p.stderr[-3000:])
want = {i: [] for i in range(len(cases))}
for m in re.finditer(r'"msg": "SERIALCASE (\d+) (\d+)"', p.stdout):
    want[int(m.group(1))].append(int(m.group(2)))
bad = 0
for i, (n, s) in enumerate(cases):
    k = subprocess.run([KOLLA, "upgrade", "--plan-batches", str(n), "--serial=" + json.dumps(s)],
                       capture_output=True, text=True)
    got = json.loads(k.stdout) if k.returncode == 0 else k.stderr.strip()
    if got != want[i]:
        bad += 1
        print("MISMATCH n=%d serial=%s ansible=%s kolla=%s" % (n, json.dumps(s), want[i], got))
print("%d cases, %d mismatches" % (len(cases), bad))
sys.exit(1 if bad else 0)
