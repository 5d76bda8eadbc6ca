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

try:
    from kolla_rs.ansible._container import main
except ImportError as missing:  # kolla_rs is not in the target host's Python
    import json
    import sys

    print(json.dumps({
        "failed": True,
        "msg": (
            "kolla_docker runs on the target host and needs the kolla_rs Python package there, "
            f"but {sys.executable} cannot import it ({missing}). Install kolla_rs "
            "(pip install ./kolla-py) into the target's Python, or point Ansible at a "
            "Python that has it: ansible_python_interpreter=/path/to/venv/bin/python"
        ),
    }))
    sys.exit(1)

if __name__ == "__main__":
    main(AnsibleModule, legacy=True)
