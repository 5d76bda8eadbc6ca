"""Random INI inventories for differential tests against the real Ansible.

Seeded, so a failure names an inventory that can be regenerated:
``python -c 'import inventory_gen as g; print(g.gen(17))'``.
Covers group names with invalid characters, children declared before use,
repeated sections, ranges (padded, alphabetic, stepped, nested), ports,
quoting, comments, typed values, ``ansible_group_priority`` and undefined
groups (which both sides must reject); and YAML/JSON inventories with nested
children, ranges, ports and YAML 1.1 / JSON typed values.
"""

from __future__ import annotations

import random


def gen(seed):
    r = random.Random(seed)
    groups = [f"g{i}" if r.random() < .7 else f"grp-{i}.x" for i in range(r.randint(1, 8))]
    vals = ["1", "1.5", "True", "yes", "None", "'q'", '"dq"', "[1,2]", "{'a':1}", "0777", "0x1F", "abc", "a=b", "", "-3", "1e5", "(1,)", "x y", "1_0", "...", "'a' 'b'", "#c", "eth0"]
    hostnames = ["h1", "h2", "h3", "web01", "10.0.0.1", "db-a", "localhost", "x_y"]
    lines = []
    declared = set()
    for _ in range(r.randint(3, 14)):
        kind = r.choice(["hosts", "hosts", "children", "vars"])
        g = r.choice(groups)
        if kind == "hosts":
            lines.append(f"[{g}]" if r.random() < .8 else f"[{g}:hosts]")
            declared.add(g)
            for _ in range(r.randint(0, 3)):
                hn = r.choice(hostnames)
                if r.random() < .2:
                    hn = r.choice(["n[1:3]", "n[01:02]", "a[b:d]", "s[0:6:3]", "m[1:2]-[x:y]"])
                if r.random() < .15 and not hn.startswith("10."):
                    hn += ":22" + str(r.randint(0, 9))
                vs = []
                for _ in range(r.randint(0, 3)):
                    v = r.choice(vals)
                    if " " in v or "#" in v or "'" in v or '"' in v:
                        v = '"' + v.replace('"', '\\"') + '"' if r.random() < .5 else "'" + v.replace("'", "") + "'"
                    vs.append(f"{r.choice(['a','b','c','ansible_user','v'])}={v}")
                lines.append(" ".join([hn] + vs) + (" # cmt" if r.random() < .1 else ""))
        elif kind == "children":
            lines.append(f"[{g}:children]")
            declared.add(g)
            for _ in range(r.randint(0, 2)):
                c = r.choice(groups)
                if c != g:
                    lines.append(c)
        else:
            if g in declared or r.random() < .3:
                lines.append(f"[{g}:vars]")
                for _ in range(r.randint(1, 3)):
                    lines.append(f"{r.choice(['a','v','w','ansible_group_priority' if r.random()<.2 else 'z'])}={r.choice(vals) if True else ''}")
    if r.random() < .4:
        lines.append("[all:vars]")
        lines.append(f"v={r.choice(vals)}")
    # declare all referenced groups to limit error cases
    for g in groups:
        if r.random() < .8:
            lines.append(f"[{g}]")
    return "\n".join(lines) + "\n"


# --- YAML / JSON inventories -------------------------------------------------

def val(r, d=0):
    c = r.random()
    if c < .15: return r.choice([1, -2, 0, 3.5, 1e20])
    if c < .3: return r.choice([True, False, None])
    if c < .5: return r.choice(["yes", "no", "0660", "eth0", "a b", "ü", "1.0", "null", "~"])
    if c < .6 and d < 2: return [val(r, d+1) for _ in range(r.randint(0, 3))]
    if c < .7 and d < 2: return {r.choice("abcxyz"): val(r, d+1) for _ in range(r.randint(0, 3))}
    return "s%d" % r.randint(0, 9)
def group(r, depth, names):
    g = {}
    if r.random() < .6:
        g["hosts"] = {r.choice(["h1", "h2", "web[1:3]", "db-[a:b]", "x:2222", "h3"]): (None if r.random() < .4 else {r.choice(["a", "b", "v", "ansible_user"]): val(r) for _ in range(r.randint(1, 3))}) for _ in range(r.randint(1, 3))}
    if r.random() < .5:
        g["vars"] = {r.choice(["a", "b", "v", "w"]): val(r) for _ in range(r.randint(1, 3))}
        if r.random() < .2: g["vars"]["ansible_group_priority"] = r.randint(1, 20)
    if depth < 3 and r.random() < .5:
        g["children"] = {r.choice(names): (group(r, depth+1, names) if r.random() < .7 else None) for _ in range(r.randint(1, 3))}
    return g if g or r.random() < .5 else None


def gen_yaml_doc(seed: int) -> dict:
    """A random YAML-inventory document (dump it as JSON or as YAML)."""
    r = random.Random(seed)
    names = ["alpha", "beta", "gamma", "delta-x", "eps"]
    doc = {"all": group(r, 0, names)} if r.random() < 0.7 else {}
    for _ in range(r.randint(0, 2)):
        doc[r.choice(names)] = group(r, 1, names)
    return doc or {"all": {"hosts": {"h1": None}}}
