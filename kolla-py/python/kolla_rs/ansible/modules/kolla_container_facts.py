#!/usr/bin/python
"""kolla-ansible's kolla_container_facts module, on the kolla_rs core."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kolla_container_facts
short_description: Facts about Kolla containers and volumes
description:
  - Drop-in for kolla-ansible's kolla_container_facts.
options:
  action:
    description: get_containers, get_containers_env, get_containers_state, get_containers_names or get_volumes.
    required: true
    type: str
  container_engine:
    description: The engine (docker).
    required: true
    type: str
  name:
    description: Containers (or volumes) to report.
    type: list
author: kolla-rs
"""

from ansible.module_utils.basic import AnsibleModule

try:
    from kolla_rs.ansible._container import facts_main
except ImportError as missing:  # kolla_rs is not in the target host's Python
    import json
    import sys

    print(json.dumps({
        "failed": True,
        "msg": (
            "kolla_container_facts runs on the target host and needs the kolla_rs Python package there, "
            f"but {sys.executable} cannot import it ({missing}). Install kolla_rs "
            "(pip install ./kolla-py) into the target's Python, or point Ansible at a "
            "Python that has it: ansible_python_interpreter=/path/to/venv/bin/python"
        ),
    }))
    sys.exit(1)

if __name__ == "__main__":
    facts_main(AnsibleModule)
