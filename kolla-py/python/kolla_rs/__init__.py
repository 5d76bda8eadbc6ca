"""kolla_rs: Kolla deployment logic in Rust, for Python and Ansible.

The native extension is private (``kolla_rs._native``); import from here.
"""

from __future__ import annotations

import json
from typing import Any

from . import _native
from .engine import ContainerEngine
from .config import explain_ini, explain_ini_texts, merge_ini, merge_ini_texts
from ._errors import (
    CatalogError,
    ConfigMergeError,
    EngineError,
    GenconfigError,
    GraphError,
    InventoryError,
    IoError,
    KollaError,
    SetConfigsError,
    TemplateError,
    VarsError,
    YamlError,
)
from .catalog import Catalog, Context, Graph
from .genconfig import genconfig
from .inventory import Inventory
from .passwords import genpwd, mergepwd
from .templating import merge_yaml, merge_yaml_texts, render_template

__version__: str = _native.__version__

__all__ = [
    "__version__",
    "Catalog",
    "CatalogError",
    "ConfigMergeError",
    "Context",
    "ContainerEngine",
    "EngineError",
    "GenconfigError",
    "Graph",
    "GraphError",
    "Inventory",
    "InventoryError",
    "IoError",
    "KollaError",
    "SetConfigsError",
    "TemplateError",
    "VarsError",
    "YamlError",
    "explain_ini",
    "explain_ini_texts",
    "genconfig",
    "genpwd",
    "mergepwd",
    "merge_ini",
    "merge_ini_texts",
    "load_yaml",
    "merge_yaml",
    "merge_yaml_texts",
    "render_template",
]


def load_yaml(text: str, *, origin: str = "<string>") -> Any:
    """Load YAML the way Ansible does (YAML 1.1: ``yes`` is True, ``010`` is 8).

    Raises :class:`YamlError` with ``path`` and ``line`` on malformed input.
    """
    return json.loads(_native.load_yaml_json(text, origin))
