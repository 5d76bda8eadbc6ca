#!/usr/bin/python
"""kolla_docker: the pre-2023 name of kolla_container, kept as an alias."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kolla_docker
short_description: Alias of kolla_container (its pre-2023 name)
description:
  - Same code and arguments as kolla_container, plus the old get_container_env and
    get_container_state actions.
options: {}
author: kolla-rs
"""

from ansible.module_utils.basic import AnsibleModule

from kolla_rs.ansible._container import main

if __name__ == "__main__":
    main(AnsibleModule, legacy=True)
