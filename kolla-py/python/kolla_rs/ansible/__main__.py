"""Print shell ``export`` lines that put the kolla_rs plugins on Ansible's path."""

from __future__ import annotations

import shlex

from . import plugin_paths

for name, path in plugin_paths().items():
    print(f"export {name}={shlex.quote(path)}")
