"""``passwords.yml`` the way kolla-ansible's ``kolla-genpwd`` and
``kolla-mergepwd`` handle it.

Both write the file atomically with mode 0600, as ``yaml.safe_dump`` lays it
out (sorted keys). The reports name keys and count them; they never hold a
value. Errors are :class:`kolla_rs.KollaError` subclasses with ``path`` and,
where known, ``line``.
"""

from __future__ import annotations

import json
import os
from typing import Any

from . import _native
from ._args import PathLike

__all__ = ["genpwd", "mergepwd"]


def genpwd(path: PathLike = "/etc/kolla/passwords.yml") -> dict[str, Any]:
    """Fill every empty value of ``path`` with a random value of its kind.

    Values already set are kept; ``docker_registry_password`` stays empty. A
    missing file is started from kolla-rs's own passwords.yml (every key of
    kolla-ansible 22.2.0's, plus the retired services'). Returns
    ``{"filled": [keys], "kept": n, "blank": [keys], "created": bool,
    "was_world_accessible": bool}``.
    """
    return dict(json.loads(_native.genpwd_json(os.fspath(path))))


def mergepwd(
    old: PathLike, new: PathLike | None, final: PathLike, clean: bool = False
) -> dict[str, Any]:
    """Write to ``final`` the keys of ``new`` with the values of ``old``.

    Keys only ``old`` has are kept, or dropped with ``clean``. ``new`` of
    ``None`` stands for kolla-rs's own passwords.yml. Returns
    ``{"carried": n, "added": [keys], "old_only": [keys], "clean": bool,
    "world_accessible": [files]}``.
    """
    return dict(
        json.loads(
            _native.mergepwd_json(
                os.fspath(old),
                None if new is None else os.fspath(new),
                os.fspath(final),
                clean,
            )
        )
    )
