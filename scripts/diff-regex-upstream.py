#!/usr/bin/env python3
"""Differential check of the regex filters and tests against real Ansible.

Random Python patterns (groups, alternation, look-around, backreferences,
`(?P=name)`, anchors, `\\Z`, braces, classes with `]` and ranges, lazy
quantifiers) go through regex_replace, regex_search, regex_findall and the
match/search/regex tests, both with ansible-core 2.19.14's templar and with
the built `kolla` binary; the outputs (or both failing) must agree. Run from
a scratch venv with Ansible:

    /tmp/up/bin/python -W ignore scripts/diff-regex-upstream.py SEED COUNT

Set KOLLA to the binary (default target/debug/kolla).
"""
import json, os, random, subprocess, sys, tempfile
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
TMP = tempfile.mkdtemp()
R = random.Random(int(sys.argv[1]))
ATOMS = ["a", "b", "ab", ".", "\\d", "\\w", "\\s", "[ab]", "[^a]", "[a-c]", "\\b", "^", "$", "\\Z", "\\A", "x", "-", "\\.", "\\-", "{", "}", "[]a]", "[+--]", "\\n", "é"]
def pat(d=0):
    parts = []
    for _ in range(R.randint(1, 4)):
        r = R.random()
        if r < 0.15 and d < 2: a = "(" + pat(d+1) + ")"
        elif r < 0.22 and d < 2: a = "(?:" + pat(d+1) + "|" + pat(d+1) + ")"
        elif r < 0.27 and d < 2: a = "(?=" + pat(d+1) + ")"
        elif r < 0.30 and d < 2: a = "(?<=" + R.choice(["a", "b", "\\d", "x"]) + ")"
        elif r < 0.33 and d < 2: a = "(?!" + pat(d+1) + ")"
        elif r < 0.36: a = "\\1"
        elif r < 0.38: a = "(?P<n>" + R.choice(["a","b","\\w"]) + ")(?P=n)"
        else: a = R.choice(ATOMS)
        q = R.random()
        if q < 0.15: a += "*"
        elif q < 0.25: a += "+"
        elif q < 0.3: a += "?"
        elif q < 0.33: a += "{1,2}"
        elif q < 0.35: a += "*?"
        parts.append(a)
    return "".join(parts)
TEXTS = ["ab ab\n", "aab-b1 x", "a\nb\n", "", "xxabba", "é1 a.b", "b-a-c\n\n", "12 ab{1}"]
REPLS = ["<\\g<0>>", "-", "\\1", "[\\g<0>]", ""]
t = Templar(loader=DataLoader(), variables={})
bad = 0; n = int(sys.argv[2]); skipped = 0
for i in range(n):
    p = pat(); text = R.choice(TEXTS)
    e = R.choice(["x | regex_replace(p, r)", "x | regex_findall(p)", "x is search(p)", "x is match(p)", "x | regex_search(p)", "x | regex_replace(p, r, multiline=true)", "x | regex_findall(p, ignorecase=true)", "x is regex(p, match_type='fullmatch')"])
    src = "<{{ " + e + " }}>"
    vars_ = {"x": text, "p": p, "r": R.choice(REPLS)}
    try:
        t.available_variables = vars_
        want = t.template(trust_as_template(src)); werr = None
        if not isinstance(want, str): want = str(want)
    except Exception as ex:
        want = None; werr = str(ex).splitlines()[0]
    json.dump(vars_, open(os.path.join(TMP, "v.json"), "w"))
    open(os.path.join(TMP, "t.j2"), "w").write(src)
    pr = subprocess.run([os.environ.get("KOLLA", "target/debug/kolla"), "render", os.path.join(TMP, "t.j2"), "--vars", os.path.join(TMP, "v.json")], capture_output=True, text=True)
    got = pr.stdout if pr.returncode == 0 else None
    if want != got and not (want is None and got is None):
        bad += 1
        if bad <= 15: print("DIFF", e, repr(p), repr(text), vars_["r"], "\n want", repr(want) if want is not None else "ERR " + werr[:150], "\n got ", repr(got) if got is not None else "ERR " + pr.stderr[:200])
print(f"{bad} of {n} differ")
