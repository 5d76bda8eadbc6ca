"""INI merge the way kolla-ansible's ``merge_configs`` does it, byte for byte.

Errors are :class:`kolla_rs.ConfigMergeError` with ``path`` and ``line``
(the line in that source's own file), and ``upstream_message`` holding
upstream's ``at line N, MESSAGE: 'line'`` text.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence, Union

from . import _native
from ._args import PathLike, paths, vars_json
from ._errors import KollaError

Text = Union[str, "tuple[str, str]"]

__all__ = ["explain_ini", "explain_ini_texts", "merge_ini", "merge_ini_texts", "upstream_message"]


def _texts(texts: Iterable[Text]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, item in enumerate(texts, 1):
        if isinstance(item, str):
            out.append((f"<text {i}>", item))
        else:
            name, text = item
            out.append((str(name), text))
    return out


def merge_ini(
    sources: PathLike | Sequence[PathLike],
    *,
    whitespace: Any = True,
    variables: Mapping[str, Any] | None = None,
    strict: bool = False,
    search_path: PathLike | Sequence[PathLike] | None = None,
) -> str:
    """Read, render (with ``variables``) and merge INI files, lowest precedence first.

    Missing or unreadable files are skipped unless ``strict``. ``whitespace``
    is taken by Python truthiness, as upstream does (``"false"`` is true).
    ``{% include %}``, ``import`` and ``extends`` search the ``search_path``
    directories in order, then the source's own directory (kolla-ansible:
    the playbook directory, then its ``templates/``).
    """
    return _native.merge_ini_files(
        paths(sources), bool(whitespace), strict, vars_json(variables), paths(search_path)
    )


def merge_ini_texts(texts: Iterable[Text], *, whitespace: Any = True) -> str:
    """Merge INI texts; each is a string or a ``(name, text)`` pair (the name is used in errors)."""
    return _native.merge_ini_texts(_texts(texts), bool(whitespace))


def explain_ini(
    sources: PathLike | Sequence[PathLike],
    *,
    variables: Mapping[str, Any] | None = None,
    strict: bool = False,
    show_secrets: bool = False,
    search_path: PathLike | Sequence[PathLike] | None = None,
) -> dict[str, Any]:
    """Provenance of merging files: for each key, the winning source and line and what it replaced.

    Values of secret-looking keys (and URL passwords) are redacted unless ``show_secrets``.
    ``search_path`` is as for :func:`merge_ini`.
    """
    result: dict[str, Any] = json.loads(
        _native.explain_ini_files(
            paths(sources), strict, vars_json(variables), show_secrets, paths(search_path)
        )
    )
    return result


def explain_ini_texts(texts: Iterable[Text], *, show_secrets: bool = False) -> dict[str, Any]:
    """Provenance of merging texts (see :func:`explain_ini`)."""
    result: dict[str, Any] = json.loads(_native.explain_ini_texts(_texts(texts), show_secrets))
    return result


def upstream_message(err: KollaError) -> str:
    """The error text as upstream's merge_configs reports it (without our ``path:line:col: ``)."""
    where = [str(n) for n in (err.path, err.line, err.column) if n is not None]
    prefix = ":".join(where) + ": " if err.line is not None else ""
    msg = err.message
    return msg[len(prefix):] if prefix and msg.startswith(prefix) else msg
