"""kolla-ansible's ``merge_yaml`` and Ansible-compatible template rendering."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from . import _native
from ._args import PathLike, paths, vars_json


def merge_yaml(
    sources: PathLike | Iterable[PathLike] | None,
    *,
    extend_lists: bool = False,
    yaml_width: int | None = None,
    variables: Mapping[str, Any] | None = None,
    strict: bool = False,
    search_path: Iterable[PathLike] | None = None,
) -> str:
    """Merge YAML files as kolla-ansible's ``merge_yaml`` does; return the text.

    Each readable source is rendered as a Jinja template with ``variables``
    first. A missing source is skipped (as upstream) unless ``strict``.
    ``{% include %}``, ``import`` and ``extends`` search the ``search_path``
    directories in order, then the source's own directory (kolla-ansible:
    the playbook directory, then its ``templates/``).

    Raises :class:`TemplateError`, :class:`YamlError` or
    :class:`ConfigMergeError` with ``path`` and ``line``.
    """
    return _native.merge_yaml_files(
        [p for p in paths(sources) if p],
        extend_lists,
        yaml_width,
        vars_json(variables),
        strict,
        paths(search_path),
    )


def merge_yaml_texts(
    texts: Iterable[str | tuple[str, str]],
    *,
    extend_lists: bool = False,
    yaml_width: int | None = None,
) -> str:
    """Merge YAML texts (no templating); items are text or ``(origin, text)``."""
    pairs: list[tuple[str, str]] = []
    for i, t in enumerate(texts):
        if isinstance(t, tuple):
            pairs.append((str(t[0]), t[1]))
        else:
            pairs.append((f"<text {i + 1}>", t))
    return _native.merge_yaml_texts(pairs, extend_lists, yaml_width)


def render_template(
    source_or_path: PathLike,
    variables: Mapping[str, Any] | None = None,
    *,
    name: str | None = None,
    search_path: Iterable[PathLike] | None = None,
) -> str:
    """Render a Jinja template the way Ansible does (strict undefined, Python output).

    ``source_or_path`` is read as a file when it is an ``os.PathLike``, or a
    one-line ``str`` naming an existing file; otherwise it is the template text.
    ``name`` names it in errors (default: the path, or ``<template>``).
    ``{% include %}``, ``import`` and ``extends`` search the ``search_path``
    directories in order, then (for a file) the template's own directory, as
    Ansible searches the playbook directory, its ``templates/``, then the
    template's directory.
    """
    is_path = isinstance(source_or_path, os.PathLike) or (
        "\n" not in source_or_path and "{" not in source_or_path and os.path.isfile(source_or_path)
    )
    if is_path:
        path = os.fspath(source_or_path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            from ._errors import IoError

            raise IoError(f"{path}: {e.strerror}", path=path) from e
        return _native.render_template(
            name or path, text, vars_json(variables), paths(search_path), path
        )
    return _native.render_template(
        name or "<template>", str(source_or_path), vars_json(variables), paths(search_path)
    )
