#!/usr/bin/env python3
"""Differential check of `kolla merge-yaml` against upstream on random cases.

Generates random YAML sources (through PyYAML's own dumper with random
styles), merges them with upstream kolla-ansible 22.2.0's
`Utils.update_nested_conf` + `yaml.dump`, and with the built `kolla` binary,
and compares bytes (or that both fail). Needs a scratch venv with upstream:

    /tmp/up/bin/python scripts/diff-yaml-upstream.py SEED COUNT

Set UPSTREAM_MERGE_YAML to upstream's merge_yaml.py and KOLLA to the binary.
"""
import importlib.util, random, subprocess, sys, yaml, os, datetime
spec = importlib.util.spec_from_file_location("m", os.environ.get("UPSTREAM_MERGE_YAML", "/tmp/up-yamltpl/share/kolla-ansible/ansible/action_plugins/merge_yaml.py"))
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
R = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
CH = "abcxyz ABC:#-'\"\\,[]{}&*!|>%@`?~.=<01789\n\té日\x85\xa0\u2028😀_/"
WORDS = ["yes","no","on","off","null","~","true","1e3","0x1F","010","1_000","12:30:00","1.5",".inf","2020-01-01","<<","=","", "y","n","0o10","-","--- x","... y","a: b","#c","- x"]
def s():
    r = R.random()
    if r < 0.3: return R.choice(WORDS)
    if r < 0.4: return " ".join(R.choice(["word","w","longerword","x"]) for _ in range(R.randint(1,30)))
    return "".join(R.choice(CH) for _ in range(R.randint(0,12)))
def key():
    r = R.random()
    if r < 0.6: return R.choice(["a","b","c","B","_x","k"+str(R.randint(0,9))])
    if r < 0.75: return R.randint(-5, 20)
    if r < 0.85: return s()
    return R.choice([True, None, 1.5, datetime.date(2020,1,R.randint(1,28))])
def leaf():
    r = R.random()
    if r < 0.4: return s()
    if r < 0.55: return R.randint(-10**6, 10**6)
    if r < 0.65: return R.choice([0.1, 1e20, -2.5, 1e-7, 3.0, float("inf")])
    if r < 0.75: return R.choice([True, False, None])
    return datetime.datetime(2020,1,2,3,4,R.randint(0,59))
def node(d=0):
    r = R.random()
    if d > 3 or r < 0.5: return leaf()
    if r < 0.75: return [node(d+1) for _ in range(R.randint(0,4))]
    return {key(): node(d+1) for _ in range(R.randint(0,4))}
def doc():
    d = {key(): node() for _ in range(R.randint(0,5))}
    if R.random() < 0.2:
        shared = [1, 2]; d["sh1"] = shared; d["sh2"] = shared
    return d
bad = 0
N = int(sys.argv[2]) if len(sys.argv) > 2 else 300
for i in range(N):
    srcs = [yaml.dump(doc(), default_flow_style=R.choice([False, None, True]), width=R.choice([None, 20, 1000]), allow_unicode=R.choice([True, False]), sort_keys=R.choice([True, False])) for _ in range(R.randint(1,3))]
    ext = R.random() < 0.5
    width = R.choice([None, None, 10, 30, 131072])
    paths = []
    for j, t in enumerate(srcs):
        p = f"/tmp/kolla-yaml-diff/{i}_{j}.yml"; os.makedirs("/tmp/kolla-yaml-diff", exist_ok=True); open(p, "w", encoding="utf-8").write(t); paths.append(p)
    try:
        out = {}
        for t in srcs: m.Utils.update_nested_conf(out, yaml.safe_load(t) or {}, ext)
        want = yaml.dump(out, default_flow_style=False, width=width); werr = None
    except Exception as e:
        want = None; werr = str(e)
    cmd = [os.environ.get("KOLLA", "target/debug/kolla"), "merge-yaml"] + (["--extend-lists"] if ext else []) + (["--yaml-width", str(width)] if width else []) + paths
    # Sources must not be templated: escape nothing, but skip cases containing Jinja markers.
    if any(("{{" in t or "{%" in t or "{#" in t) for t in srcs): continue
    p = subprocess.run(cmd, capture_output=True, text=True)
    if want is not None:
        if p.returncode != 0 or p.stdout != want:
            bad += 1
            k = next((x for x in range(min(len(want), len(p.stdout))) if want[x] != p.stdout[x]), min(len(want), len(p.stdout)))
            if bad <= 6: print("MISMATCH", i, paths, "\nwant:", repr(want[max(0,k-150):k+100]), "\ngot: ", repr(p.stdout[max(0,k-150):k+100]), p.stderr[:300])
    else:
        if p.returncode == 0:
            bad += 1
            if bad <= 5: print("SHOULD FAIL", i, paths, werr)
print("bad", bad, "of", N)
