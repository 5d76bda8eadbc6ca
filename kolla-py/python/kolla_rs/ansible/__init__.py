"""Drop-in Ansible plugins backed by kolla_rs.

Point Ansible at them with the paths from :func:`plugin_paths`, or run
``python -m kolla_rs.ansible`` for ready ``export`` lines.
"""

from __future__ import annotations

import os

_HERE = os.path.dirname(os.path.abspath(__file__))


# Each variable Ansible reads, with the folder it would name (only folders
# that exist are exported).
_FOLDERS = {
    "ANSIBLE_ACTION_PLUGINS": "action_plugins",
    "ANSIBLE_LIBRARY": "modules",
    "ANSIBLE_INVENTORY_PLUGINS": "inventory_plugins",
    "ANSIBLE_FILTER_PLUGINS": "filter_plugins",
}


def plugin_paths() -> dict[str, str]:
    """The ANSIBLE_* environment variables that make the plugins visible,
    for the plugin folders this package ships."""
    paths = {name: os.path.join(_HERE, folder) for name, folder in _FOLDERS.items()}
    return {name: path for name, path in paths.items() if os.path.isdir(path)}
