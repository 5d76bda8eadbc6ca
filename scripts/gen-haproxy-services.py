#!/usr/bin/env python3
"""Regenerate haproxy_services_d and haproxy_entries_<key> in kolla-core/catalog/defaults.yml
from the catalog services' `haproxy:` lists (one services.d/<key>.cfg per container key).

    scripts/gen-haproxy-services.py

An entry goes to the container its `container:` names, else the container whose name matches
the entry's (without _external/_redirect), else the service's first container.
"""
import glob
import os
import yaml

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kolla-core", "catalog")
DEFAULTS = os.path.join(ROOT, "defaults.yml")
BEGIN = "\nhaproxy_services_d:"
END = "# Variables of the default services' haproxy entries"


def expr(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    s = str(v).strip()
    if s.startswith("{{") and s.endswith("}}") and s.count("{{") == 1:
        return "(" + s[2:-2].strip() + ")"
    return repr(s)


def pick(h, containers):
    if "container" in h:
        return next(c for c in containers if c["name"] == h["container"])
    n = h["name"]
    for suffix in ("_external_redirect", "_external", "_redirect"):
        if n.endswith(suffix):
            n = n[: -len(suffix)]
            break
    for c in containers:
        if c["name"] == n:
            return c
    cands = [c for c in containers if n.startswith(c["name"]) or c["name"].startswith(n)]
    return max(cands, key=lambda c: len(c["name"])) if cands else containers[0]


def main():
    index, entries = {}, {}
    for f in sorted(glob.glob(os.path.join(ROOT, "services", "*.yml"))):
        d = yaml.safe_load(open(f))
        for h in d.get("haproxy") or []:
            c = pick(h, d["containers"])
            key = c["key"]
            var = "haproxy_entries_" + key.replace("-", "_")
            enabled = "{{ %s | bool and %s | bool }}" % (expr(d.get("enable", True)), expr(c.get("enabled", True)))
            if key == "mariadb":
                # upstream removes services.d/mariadb.cfg when proxysql fronts the database
                enabled = "{{ enable_mariadb | bool and not enable_proxysql | bool }}"
            index.setdefault(key, {"enabled": enabled, "group": c["group"], "entries": var})
            entries.setdefault(var, {})[h["name"]] = {k: v for k, v in h.items() if k not in ("name", "container")}
    text = open(DEFAULTS).read()
    start, end = text.index(BEGIN), text.index(END)
    block = "\n" + yaml.dump({"haproxy_services_d": index}, sort_keys=False, default_flow_style=False, width=10000)
    block += yaml.dump(entries, sort_keys=False, default_flow_style=False, width=10000)
    open(DEFAULTS, "w").write(text[:start] + block + text[end:])


if __name__ == "__main__":
    main()
