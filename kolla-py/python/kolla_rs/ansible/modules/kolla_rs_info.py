#!/usr/bin/python
"""Report the kolla_rs version on the target host (a smoke test of the plugin path)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: kolla_rs_info
short_description: Report which kolla_rs the target host has
description:
  - Imports kolla_rs on the target and returns its version. Fails clearly when it is missing.
options: {}
author: kolla-rs
"""

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    try:
        import kolla_rs
    except ImportError as exc:
        module.fail_json(msg=f"kolla_rs is not importable on this host: {exc}")
        return
    module.exit_json(changed=False, version=kolla_rs.__version__)


if __name__ == "__main__":
    main()
