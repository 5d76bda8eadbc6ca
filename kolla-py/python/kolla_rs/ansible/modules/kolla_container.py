#!/usr/bin/python
"""kolla-ansible's kolla_container module, on the kolla_rs core."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kolla_container
short_description: Manage Kolla containers (kolla-ansible's module, on kolla_rs)
description:
  - Drop-in for kolla-ansible's kolla_container, with its argument spec and result shape
    (changed, result, comparison_failures). Restart policies are Docker's own.
options:
  action:
    description: What to do.
    required: true
    type: str
    choices: [compare_container, compare_image, create_volume, ensure_image, pull_image,
              recreate_or_restart_container, remove_container, remove_image, remove_volume,
              restart_container, start_container, stop_container, stop_and_remove_container]
  common_options:
    description: Defaults for any parameter the task does not give.
    type: dict
  name:
    description: Container (or volume) name.
    type: str
  image:
    description: Image reference.
    type: str
  network_mode:
    description: Network mode (kolla-rs addition).
    type: str
    default: host
author: kolla-rs
"""

from ansible.module_utils.basic import AnsibleModule

try:
    from kolla_rs.ansible._container import main
except ImportError as missing:  # kolla_rs is not in the target host's Python
    import json
    import sys

    print(json.dumps({
        "failed": True,
        "msg": (
            "kolla_container runs on the target host and needs the kolla_rs Python package there, "
            f"but {sys.executable} cannot import it ({missing}). Install kolla_rs "
            "(pip install ./kolla-py) into the target's Python, or point Ansible at a "
            "Python that has it: ansible_python_interpreter=/path/to/venv/bin/python"
        ),
    }))
    sys.exit(1)

if __name__ == "__main__":
    main(AnsibleModule)
