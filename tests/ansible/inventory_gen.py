"""Random INI inventories for differential tests against the real Ansible.

Seeded, so a failure names an inventory that can be regenerated:
``python -c 'import inventory_gen as g; print(g.gen(17))'``.
Covers group names with invalid characters, children declared before use,
repeated sections, ranges (padded, alphabetic, stepped, nested), ports,
quoting, comments, typed values, ``ansible_group_priority`` and undefined
groups (which both sides must reject).
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
