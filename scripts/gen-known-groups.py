#!/usr/bin/env python3
"""Regenerates kolla-core/src/inventory/groups/<release>.txt: the group
names kolla-ansible knows at each release, the names `kolla inventory check
--release R` judges an inventory against.

Facts only, from /work/shared/reference (or REFERENCE=DIR): every group the
release's own multinode and all-in-one inventories declare, every group a
play of its site.yml targets (deploy-order.txt), and every container group
of its services file (services-<release>.json). One name per line, sorted.

    python3 scripts/gen-known-groups.py
"""
import json
import os
import pathlib
import re

REF = pathlib.Path(os.environ.get("REFERENCE", "/work/shared/reference"))
OUT = pathlib.Path(__file__).resolve().parent.parent / "kolla-core/src/inventory/groups"
RELEASES = ["4.0.0", "7.0.0", "22.2.0", "master"]


def inventory_groups(path):
    names = set()
    for line in path.read_text().splitlines():
        m = re.match(r"^\[([^\]:]+)(?::(?:children|vars))?\]", line.strip())
        if m:
            names.add(m.group(1))
    return names


def play_groups(release):
    names, current = set(), None
    for line in (REF / "deploy-order.txt").read_text().splitlines():
        m = re.match(r"^## tag/branch (\S+)", line)
        if m:
            current = m.group(1)
            continue
        if current != release or "| hosts:" not in line:
            continue
        hosts = line.split("| hosts:", 1)[1].split("|", 1)[0]
        for h in hosts.split(","):
            h = h.strip()
            if h and h != "all" and "{" not in h:
                names.add(h)
    return names


def service_groups(release):
    path = REF / f"services-{release}.json"
    if not path.exists():
        return set()
    names = set()
    for role in json.loads(path.read_text())["roles"].values():
        for c in (role.get("containers") or {}).values():
            if isinstance(c, dict) and isinstance(c.get("group"), str) and "{" not in c["group"]:
                names.add(c["group"])
    return names


OUT.mkdir(parents=True, exist_ok=True)
for r in RELEASES:
    names = set()
    for kind in ("multinode", "all-in-one"):
        names |= inventory_groups(REF / "inventories" / f"{kind}-{r}")
    names |= play_groups(r) | service_groups(r)
    names -= {"all", "ungrouped"}
    (OUT / f"{r}.txt").write_text("".join(f"{n}\n" for n in sorted(names)))
    print(r, len(names))
