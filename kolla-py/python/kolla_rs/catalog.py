"""The service catalog, the service graph and one host's variables.

The same data and rules as ``kolla catalog``, ``kolla graph`` and the per-host
Context of kolla-core. Values from ``passwords.yml`` are secret: an
explanation shows them as ``"<secret>"``, and no error message carries them.
"""

from __future__ import annotations

import builtins
import json
import os
from typing import Any, Iterable

from . import _native
from ._args import PathLike
from ._args import paths as _paths


def _opt_path(p: PathLike | None) -> str | None:
    return None if p is None else os.fspath(p)


def _strs(items: str | Iterable[str]) -> list[str]:
    """One string or several, as a list (a lone string is not split into characters)."""
    return [items] if isinstance(items, str) else list(items)


class Catalog:
    """The services kolla-rs knows: the embedded catalog, with the service
    files of ``override_dir`` replacing or adding to it.

    >>> cat = Catalog()
    >>> cat.get("nova")["service"]
    'nova'

    Raises :class:`kolla_rs.CatalogError` (with ``path`` and ``line``) when
    an override file is invalid.
    """

    __slots__ = ("_inner",)

    def __init__(self, override_dir: PathLike | None = None) -> None:
        self._inner = _native.Catalog.load(_opt_path(override_dir))

    def names(self) -> list[str]:
        """Every service name, sorted."""
        return self._inner.names()

    def services(self) -> list[str]:
        """Every service name, sorted (the same as :meth:`names`)."""
        return self._inner.names()

    def canonical(self, name: str) -> str | None:
        """The service a name or alias stands for, or None."""
        return self._inner.canonical(name)

    def get(self, name: str) -> dict[str, Any]:
        """One service in full, by name or alias: what
        ``kolla catalog show NAME --format json`` prints.

        Raises :class:`kolla_rs.CatalogError` naming the closest known
        service for an unknown name.
        """
        result: dict[str, Any] = json.loads(self._inner.get_json(name))
        return result

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._inner.canonical(name) is not None

    def __len__(self) -> int:
        return len(self._inner.names())

    def __repr__(self) -> str:
        return f"<Catalog {len(self)} services>"

    # Last in the class: below it, ``list`` names this method.
    def list(self) -> builtins.list[dict[str, Any]]:
        """Every service's summary: what ``kolla catalog list --format json`` prints."""
        result: builtins.list[dict[str, Any]] = json.loads(self._inner.list_json())
        return result


class Graph:
    """The enabled services of an inventory, placed on their hosts and
    ordered in deploy waves, as ``kolla graph`` builds them.

    Arguments mirror ``kolla graph``: ``inventory`` (``-i``, one or several),
    ``globals`` (``--globals``), ``passwords`` (``--passwords``),
    ``extra_vars`` (``-e``, one string or several, later wins), ``facts``
    (``--facts DIR``), ``catalog_dir`` (``--catalog-dir``), ``services``
    (``--services``: only these, one name or several, and what they depend on).

    Raises :class:`kolla_rs.GraphError` (a cycle, a hard dependency
    disabled, a group without hosts), :class:`kolla_rs.VarsError` (a
    variable needs a fact nobody gave), :class:`kolla_rs.CatalogError` (an
    unknown service) or :class:`kolla_rs.InventoryError`.
    """

    __slots__ = ("_inner",)

    def __init__(
        self,
        inventory: PathLike | Iterable[PathLike],
        *,
        globals: PathLike | None = None,
        passwords: PathLike | None = None,
        extra_vars: str | Iterable[str] = (),
        facts: PathLike | None = None,
        catalog_dir: PathLike | None = None,
        services: str | Iterable[str] = (),
    ) -> None:
        self._inner = _native.Graph.build(
            _paths(inventory),
            _opt_path(globals),
            _opt_path(passwords),
            _strs(extra_vars),
            _opt_path(facts),
            _opt_path(catalog_dir),
            _strs(services),
        )

    @property
    def waves(self) -> list[list[str]]:
        """Deploy waves: each service only depends on services of earlier waves."""
        return self._inner.waves

    @property
    def placement(self) -> dict[str, list[str]]:
        """Service name to the hosts its containers run on."""
        result: dict[str, list[str]] = json.loads(self._inner.placement_json())
        return result

    def to_json(self) -> dict[str, Any]:
        """What ``kolla graph --format json`` prints, decoded."""
        result: dict[str, Any] = json.loads(self._inner.to_json())
        return result

    def to_dot(self) -> str:
        """What ``kolla graph --format dot`` prints (graphviz)."""
        return self._inner.to_dot()

    def to_text(self) -> str:
        """What ``kolla graph`` prints."""
        return self._inner.to_text()

    def __repr__(self) -> str:
        waves = self._inner.waves
        return f"<Graph {sum(len(w) for w in waves)} services in {len(waves)} waves>"


class Context:
    """One inventory host's variables, layered the way kolla-ansible's are:
    Kolla's defaults, inventory group and host vars, host facts,
    ``globals.yml``, ``passwords.yml``, ``-e`` extra vars.

    Arguments as :class:`Graph`, plus the ``host``. Raises
    :class:`kolla_rs.InventoryError` for a host the inventory lacks.
    """

    __slots__ = ("_inner",)

    def __init__(
        self,
        inventory: PathLike | Iterable[PathLike],
        host: str,
        *,
        globals: PathLike | None = None,
        passwords: PathLike | None = None,
        extra_vars: str | Iterable[str] = (),
        facts: PathLike | None = None,
    ) -> None:
        self._inner = _native.Context.build(
            _paths(inventory),
            host,
            _opt_path(globals),
            _opt_path(passwords),
            _strs(extra_vars),
            _opt_path(facts),
        )

    @property
    def host(self) -> str:
        """The inventory host name."""
        return self._inner.host

    @property
    def group_names(self) -> list[str]:
        """The host's ``group_names``."""
        return self._inner.group_names

    def is_secret(self, name: str) -> bool:
        """Whether ``name`` comes from ``passwords.yml``."""
        return self._inner.is_secret(name)

    def get(self, name: str) -> Any:
        """The rendered value of ``name`` (a secret's real value: the caller
        asked for it by name).

        Raises :class:`kolla_rs.VarsError` for a variable that needs a fact
        nobody gave (naming the host and the fact), refers to itself or fails
        to render, or :class:`kolla_rs.TemplateError` for an undefined one.
        """
        return json.loads(self._inner.get_json(name))

    def eval(self, expr: str) -> Any:
        """A Jinja expression (``"{{ enable_nova | bool }}"``) rendered for this host."""
        return json.loads(self._inner.eval_json(expr))

    def explain(self, name: str) -> dict[str, Any] | None:
        """Where ``name`` comes from: ``{"layer": ..., "value": ...}`` with the
        raw (unrendered) value, ``"<secret>"`` for a secret; None when unknown.
        Layers: ``defaults``, ``inventory``, ``facts``, ``globals``,
        ``passwords``, ``extra``, ``magic``."""
        text = self._inner.explain_json(name)
        if text is None:
            return None
        result: dict[str, Any] = json.loads(text)
        return result

    def __repr__(self) -> str:
        return f"<Context host={self.host!r} groups={len(self.group_names)}>"
