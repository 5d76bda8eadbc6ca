"""genconfig: every config file and config.json of every container on every
host, as ``kolla genconfig`` writes them (kolla-core's genconfig)."""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from . import _native
from ._args import PathLike
from ._args import paths as _paths


def _opt(p: PathLike | None) -> str | None:
    return None if p is None else os.fspath(p)


def genconfig(
    inventory: PathLike | Iterable[PathLike],
    out: PathLike | None = None,
    *,
    globals: PathLike | None = None,
    passwords: PathLike | None = None,
    extra: str | Iterable[str] = (),
    facts: PathLike | None = None,
    catalog_dir: PathLike | None = None,
    config_dir: PathLike | None = None,
    templates: PathLike | None = None,
    limit: str | None = None,
    services: str | Iterable[str] = (),
    keep_going: bool = False,
    check: bool = False,
) -> dict[str, Any]:
    """Generate and write every config directory, as ``kolla genconfig``.

    Writes ``<out>/<host>/<key>/`` (without ``out``: ``node_config_directory``
    of each local host), atomically; unchanged files are not rewritten.
    Returns ``{"changes": [...], "missing": [...], "failed": [...]}``: per (host, key) the
    files ``created``, ``changed`` and ``removed`` and the count
    ``unchanged``; and the templates that were missing (with
    ``keep_going``, as are the files that failed, in ``failed``). Raises :class:`kolla_rs.KollaError` subclasses naming
    the file and line on errors.
    """
    text = _native.genconfig_json(
        _paths(inventory),
        out=_opt(out),
        globals=_opt(globals),
        passwords=_opt(passwords),
        extra=[extra] if isinstance(extra, str) else list(extra),
        facts=_opt(facts),
        catalog_dir=_opt(catalog_dir),
        config_dir=_opt(config_dir),
        templates=_opt(templates),
        limit=limit,
        services=[services] if isinstance(services, str) else list(services),
        keep_going=keep_going,
        check=check,
    )
    result: dict[str, Any] = json.loads(text)
    return result
