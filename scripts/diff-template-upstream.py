#!/usr/bin/env python3
"""Differential check of `kolla render` filters against real Ansible.

Random data (strings with YAML-significant and non-ASCII characters,
numbers, nested lists and dicts) goes through one filter expression, both
with ansible-core 2.19.14's templar and with the built `kolla` binary; the
outputs (or both failing) must agree. Run from a scratch venv with Ansible:

    /tmp/up/bin/python scripts/diff-template-upstream.py SEED COUNT

Set KOLLA to the binary (default target/debug/kolla).
"""
import json, os, random, subprocess, sys, tempfile
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
TMP = tempfile.mkdtemp()
R = random.Random(int(sys.argv[1]))
CH = "abcxyz ABC:#-'\",[]{}&*!|>%@`?~.=<01789\n\té日😀_/$\\"
def s():
    r = R.random()
    if r < 0.3: return R.choice(["yes","no","on","off","null","true","1","0","1e3","0x1F","010","1.5","", "y", "a b", "Yes", "TRUE"])
    return "".join(R.choice(CH) for _ in range(R.randint(0,10)))
def leaf():
    r = R.random()
    if r < 0.5: return s()
    if r < 0.7: return R.randint(-1000, 1000)
    if r < 0.8: return R.choice([0.1, 1e20, -2.5, 1e-7, 3.0, 0.0])
    return R.choice([True, False, None])
def node(d=0):
    r = R.random()
    if d > 2 or r < 0.5: return leaf()
    if r < 0.75: return [node(d+1) for _ in range(R.randint(0,4))]
    return {R.choice(["a","b","c","B","k"+str(R.randint(0,5)), s()]): node(d+1) for _ in range(R.randint(0,4))}
EXPRS = ["x", "x | to_json", "x | to_nice_json", "x | to_yaml", "x | to_nice_yaml", "x | string", "x | bool", "x | int",
         "x | quote", "x | b64encode", "x | lower", "x | upper", "x | basename", "x | dirname", "x | default('d')",
         "x | ternary('t', 'f')", "x is string", "x is mapping", "x is none", "x ~ '|' ~ x", "(x ~ x) | length", "x | regex_replace('[a-c]', '<\\\\g<0>>')"]
LISTEXPRS = ["x | join(',')", "x | unique | list", "x | select | list", "x | reject | list", "x | map('string') | list", "x | length"]
DICTEXPRS = ["x | dict2items", "x | dict2items | items2dict", "x | combine({'a': 1, 'b': {'z': [1]}})", "x | combine({'a': {'q': 2}}, recursive=true)", "x | combine({'a': [9]}, list_merge='append')"]
t = Templar(loader=DataLoader(), variables={})
bad = 0; n = int(sys.argv[2])
for i in range(n):
    x = node()
    exprs = list(EXPRS)
    if isinstance(x, list): exprs += LISTEXPRS
    if isinstance(x, dict): exprs += DICTEXPRS
    e = R.choice(exprs)
    src = "<{{ " + e + " }}>\n"
    try:
        t.available_variables = {"x": x}
        want = t.template(trust_as_template(src)); werr = None
        if not isinstance(want, str): want = str(want)
    except Exception as ex:
        want = None; werr = str(ex).splitlines()[0]
    json.dump({"x": x}, open(os.path.join(TMP, "tv.json"), "w"))
    open(os.path.join(TMP, "t.j2"), "w").write(src)
    p = subprocess.run([os.environ.get("KOLLA", "target/debug/kolla"), "render", os.path.join(TMP, "t.j2"), "--vars", os.path.join(TMP, "tv.json")], capture_output=True, text=True)
    got = p.stdout if p.returncode == 0 else None
    if want != got and not (want is None and got is None):
        bad += 1
        if bad <= 12: print("DIFF", repr(e), "x=", repr(x)[:120], "\n want", repr(want)[:200] if want is not None else "ERR " + werr[:150], "\n got ", repr(got)[:200] if got is not None else "ERR " + p.stderr[:150])
print("bad", bad, "of", n)
