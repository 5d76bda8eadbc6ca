"""Argument conversions the public functions share before calling ``_native``."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import Any, Union

PathLike = Union[str, "os.PathLike[str]"]


def paths(items: PathLike | Iterable[PathLike] | None) -> list[str]:
    """One path, several, or none, as a list of strings."""
    if items is None:
        return []
    if isinstance(items, (str, os.PathLike)):
        items = [items]
    return [os.fspath(p) for p in items]


def vars_json(variables: Mapping[str, Any] | None) -> str | None:
    """Template variables as JSON text; values JSON cannot hold (dates,
    sets...) are passed as their ``str()``."""
    if variables is None:
        return None
    return json.dumps(dict(variables), default=str)
