#!/usr/bin/env python3
"""Regenerates kolla-core/data/standin-images.json from the reference
services.json (image names, API ports, command names, config files, owners).

    scripts/gen-standin-images.py /work/shared/reference/services.json

This file is not a second service catalog: keep it to image names and what
each stand-in does (commands, port, config files it checks) plus account
names. kolla-core's build::standin rejects any other key.
"""
import json
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/reference/services.json"
data = json.load(open(src))

# Services whose API stand-in insists on [database] connection in its
# main config file, as the real service does at start.
DB_API = re.compile(r"-api$|^keystone$|^neutron-server$")

# Command variables set outside the config.json template.
NOT_OSLO = {"rabbitmq", "libvirt", "keepalived", "haproxy", "fluentd", "td-agent", "mysql", "my.cnf.d",
            "httpd", "apache2", "nginx", "collectd", "chrony", "logrotate.d", "influxdb", "kibana",
            "elasticsearch", "grafana", "memcached", "openvswitch", "ganesha", "redis",
            "etcd", "tgt", "iscsi", "ssh", "sasl2", "rsyncd", "mongodb", "dnsmasq.d", "skydive",
            "sysconfig", "default", "kafka", "zookeeper", "storm", "qdrouterd", "ipa", "telegraf",
            "prometheus", "xinetd.d", "bind", "named", "designate-bind9", "vmtp"}
KNOWN = {
    "cron_cmd": ["cron", "crond"],
    "fluentd_cmd": ["/usr/sbin/td-agent", "fluentd"],
    "haproxy_cmd": ["/usr/sbin/haproxy-systemd-wrapper", "/usr/sbin/haproxy"],
}

images = {}
users = set()


def words(expr):
    """Command names a (possibly templated) command may start with."""
    m = re.match(r"\s*(\S*?\{\{\s*\w+\s*\}\}\S*|\S+)", expr or "")
    return m.group(1) if m else ""


for system in data["systems"]:
    ports = system.get("api_ports") or {}
    for c in system.get("containers", []):
        name = re.sub(r"\{\{.*?\}\}", "", c.get("image") or "").strip()
        if not name:
            continue
        img = images.setdefault(name, {"name": name, "port": None, "commands": set(),
                                       "ini": set(), "require": set()})
        key = name.replace("-", "_")
        for cand in (key + "_port", key.replace("nova_placement", "placement") + "_port",
                     key.replace("_api", "") + "_public_port" if name == "keystone" else "",
                     "keystone_public_port" if name == "keystone" else "",
                     "horizon_port" if name == "horizon" else "",
                     "mariadb_port" if name == "mariadb" else ""):
            v = ports.get(cand)
            ref = re.fullmatch(r"\{\{\s*(\w+)\s*\}\}", str(v or ""))
            if ref:
                v = ports.get(ref.group(1))
            if v and str(v).isdigit():
                img["port"] = int(v)
                break
        cmd = c.get("command") or ""
        sets = c.get("command_jinja_sets") or {}
        first = words(cmd)
        for m in re.findall(r"\{\{\s*(\w+)\s*\}\}", first):
            for alt in re.findall(r"'([\w.-]+)'", re.sub(r"\[.*?\]", "", sets.get(m, ""))) or KNOWN.get(m, ["apache2", "httpd"]):
                img["commands"].add(re.sub(r"\{\{.*?\}\}", alt, first))
        if first and "{" not in first and first not in ("sleep",):
            img["commands"].add(first)
        main_conf = None
        for f in c.get("config_json_config_files", []):
            dest = f.get("dest", "")
            owner = f.get("owner") or ""
            for part in owner.split(":"):
                if part and "{" not in part:
                    users.add(part)
            if "{" in dest:
                continue
            # Only files that are INI by format: `*.ini`, and OpenStack's own
            # `/etc/<project>/<name>.conf` oslo files. Other `.conf` files (logrotate,
            # rabbitmq, libvirt, keepalived, fluentd ...) have formats of their own.
            oslo = re.fullmatch(r"/etc/([\w-]+)/[\w-]+\.conf", dest) and dest.split("/")[2] not in NOT_OSLO
            if dest.endswith(".ini") or oslo:
                img["ini"].add(dest)
            proj = system.get("role") or ""
            if dest == f"/etc/{proj}/{proj}.conf":
                main_conf = dest
        for p in c.get("config_json_permissions", []):
            for part in (p.get("owner") or "").split(":"):
                if part and "{" not in part:
                    users.add(part)
        if DB_API.search(name) and main_conf and system.get("category") == "openstack":
            img["require"].add(f"{main_conf}:database:connection")

# Commands today's catalog runs that the 7.0.0 services.json did not: kolla-ansible 22.2.0's
# kolla-toolbox config.json runs `kolla_toolbox` (7.0.0 ran `sleep infinity`).
for name, cmds in {"kolla-toolbox": ["kolla_toolbox"]}.items():
    images[name]["commands"].update(cmds)

# Accounts today's catalog (kolla-ansible 22.2.0 layout) names as owners, e.g. fluentd.
import glob
import yaml  # noqa: E402 (PyYAML: only this generator needs it)
for path in sorted(glob.glob("kolla-core/catalog/services/*.yml")):
    for c in (yaml.safe_load(open(path)) or {}).get("containers", []):
        cj = c.get("config_json") or {}
        # ... and the commands it runs (first word; each quoted alternative of a Jinja choice).
        cmd = str(cj.get("command") or "")
        image = str(c.get("image") or "")
        if image in images and cmd:
            jinja_first = "{" in cmd.split()[0]
            alts = re.findall(r"'([^'{}]+)'", re.sub(r"\[.*?\]", "", cmd)) if jinja_first else [cmd]
            for alt in alts:
                first = alt.split()[0] if alt.split() else ""
                if first and not first.startswith(("/", "-")) and first not in ("sleep",) and re.fullmatch(r"[\w.-]+", first):
                    images[image]["commands"].add(first)
        for f in (cj.get("config_files") or []) + (cj.get("permissions") or []):
            for part in str(f.get("owner") or "").split(":"):
                if part and "{" not in part:
                    users.add(part)

users.discard("root")
out = {
    "_source": "generated by scripts/gen-standin-images.py from the reference services.json",
    "users": sorted(users),
    "images": [
        {"name": i["name"], "port": i["port"], "commands": sorted(i["commands"]),
         "ini": sorted(i["ini"]), "require": sorted(i["require"])}
        for i in sorted(images.values(), key=lambda i: i["name"])
    ],
}
json.dump(out, open("kolla-core/data/standin-images.json", "w"), indent=1)
print(len(out["images"]), "images,", len(out["users"]), "users")
