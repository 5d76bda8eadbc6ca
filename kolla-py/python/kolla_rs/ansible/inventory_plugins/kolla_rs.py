"""Ansible inventory plugin ``kolla_rs``: INI and YAML inventories parsed by kolla-rs.

Enable it in place of Ansible's own parsers and use the same inventory files::

    eval "$(python -m kolla_rs.ansible)"
    export ANSIBLE_INVENTORY_ENABLED=kolla_rs
    ansible-inventory -i multinode --list

The plugin replays kolla-rs's parse of each file (groups, children, hosts and
their own variables, in creation order) into Ansible's inventory, exactly as
Ansible's ``ini`` and ``yaml`` plugins would have built it; Ansible then
reconciles ``all``/``ungrouped`` and loads ``group_vars/`` and ``host_vars/``
itself, as for any source.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: kolla_rs
short_description: INI and YAML inventories parsed by kolla-rs
description:
  - Reads Ansible INI and YAML inventory files with kolla-rs, with the same
    results as Ansible's own C(ini) and C(yaml) plugins, and fails with the
    file and line on malformed input.
"""

import json
import os

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.template import trust_as_template


def _trusted(value):
    """Tag strings as Ansible's own parsers do, so they stay templatable."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, list):
        return [_trusted(v) for v in value]
    if isinstance(value, dict):
        return {k: _trusted(v) for k, v in value.items()}
    return value


class InventoryModule(BaseInventoryPlugin):
    NAME = "kolla_rs"

    def verify_file(self, path):
        return super().verify_file(path) and os.path.splitext(path)[1] != ".toml"

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path)
        try:
            from kolla_rs import _native

            model = json.loads(_native.inventory_source_model_json(path, list(inventory.groups)))
        except Exception as exc:  # KollaError, or kolla_rs missing
            raise AnsibleParserError(str(exc)) from exc

        for group in model["groups"]:
            inventory.add_group(group["name"])
        for host in model["hosts"]:
            inventory.add_host(host["name"])
            obj = inventory.get_host(host["name"])
            for key, value in host["vars"].items():
                obj.set_variable(key, _trusted(value))
        for group in model["groups"]:
            name = group["name"]
            obj = inventory.groups[name]
            for child in group["children"]:
                inventory.add_child(name, child)
            for host in group["hosts"]:
                obj.add_host(inventory.get_host(host))
            for key, value in group["vars"].items():
                obj.set_variable(key, _trusted(value))
            if group["priority"] != 1:
                obj.set_priority(group["priority"])
        for message in model["warnings"]:
            self.display.warning(message)
