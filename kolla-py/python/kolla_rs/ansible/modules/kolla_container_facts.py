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

from kolla_rs.ansible._container import facts_main

if __name__ == "__main__":
    facts_main(AnsibleModule)
