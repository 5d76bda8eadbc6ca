"""Drop-in Ansible plugins backed by kolla_rs.

Point Ansible at them with the paths from :func:`plugin_paths`, or run
``python -m kolla_rs.ansible`` for ready ``export`` lines.
"""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def plugin_paths() -> dict[str, str]:
    """The ANSIBLE_* environment variables that make the plugins visible."""
    return {
        "ANSIBLE_ACTION_PLUGINS": os.path.join(_HERE, "action_plugins"),
        "ANSIBLE_LIBRARY": os.path.join(_HERE, "modules"),
        "ANSIBLE_INVENTORY_PLUGINS": os.path.join(_HERE, "inventory_plugins"),
        "ANSIBLE_FILTER_PLUGINS": os.path.join(_HERE, "filter_plugins"),
    }
