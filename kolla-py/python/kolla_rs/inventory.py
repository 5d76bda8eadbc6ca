"""Ansible inventories read by kolla-core, exactly as Ansible reads them."""

from __future__ import annotations

import json
from typing import Any, Iterable

from . import _native
from ._args import PathLike
from ._args import paths as _paths


class Inventory:
    """A loaded inventory: groups, hosts, merged host variables, patterns.

    >>> inv = Inventory.load(["multinode"])          # doctest: +SKIP
    >>> inv.hosts_in("nova-api:!control03")          # doctest: +SKIP
    ['control01', 'control02']
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: _native.Inventory) -> None:
        self._inner = inner

    @classmethod
    def load(cls, paths: PathLike | Iterable[PathLike]) -> "Inventory":
        """Load inventory sources like ``ansible-inventory -i A -i B``.

        Each source is an INI or YAML file, a directory of them, or a
        ``host1,host2,`` list; ``group_vars/`` and ``host_vars/`` beside each
        are loaded too. Raises :class:`kolla_rs.InventoryError` (with
        ``path`` and ``line``) on malformed input.
        """
        return cls(_native.Inventory.load(_paths(paths)))

    @property
    def groups(self) -> list[str]:
        """Every group name, in creation order (``all``, ``ungrouped`` first)."""
        return self._inner.groups

    @property
    def hosts(self) -> list[str]:
        """Every host name, in the order first met."""
        return self._inner.hosts

    @property
    def warnings(self) -> list[str]:
        """The warnings Ansible would print while reading these sources."""
        return self._inner.warnings

    def hosts_in(self, pattern: str) -> list[str]:
        """Hosts a pattern names: ``a:b``, ``a:&b``, ``a:!b``, ``web*``, ``~re``, ``g[0]``."""
        return self._inner.hosts_in(pattern)

    def hosts_of(self, group: str) -> list[str]:
        """``groups[group]``: the group's hosts and its descendants' hosts."""
        return self._inner.hosts_of(group)

    def group_names(self, host: str) -> list[str]:
        """``group_names`` of a host (sorted, without ``all``)."""
        return self._inner.group_names(host)

    def host_vars(self, host: str) -> dict[str, Any]:
        """A host's variables merged with Ansible's inventory precedence."""
        result: dict[str, Any] = json.loads(self._inner.host_vars_json(host))
        return result

    def to_ansible_json(self) -> str:
        """The exact text ``ansible-inventory --list`` prints."""
        return self._inner.to_ansible_json()

    def graph(self, group: str = "all", vars: bool = False) -> str:
        """The exact text ``ansible-inventory --graph [group] [--vars]`` prints."""
        return self._inner.graph(group, vars)

    def model(self) -> dict[str, Any]:
        """Groups and hosts with their own variables, in creation order."""
        result: dict[str, Any] = json.loads(self._inner.model_json())
        return result

    def check(self) -> list[dict[str, str]]:
        """``kolla inventory check`` findings (``kind``, ``subject``, ``message``)."""
        result: list[dict[str, str]] = json.loads(self._inner.check_json())
        return result

    def __repr__(self) -> str:
        return f"<Inventory {len(self.groups)} groups, {len(self.hosts)} hosts>"
