"""The container engine and kolla_container's actions, from Python.

>>> engine = ContainerEngine.memory()
>>> engine.add_image("kolla/keystone:1")
>>> engine.run_action("start_container", {"name": "keystone", "image": "kolla/keystone:1"})["changed"]
True
"""

from __future__ import annotations

import json
from typing import Any

from . import _native


class ContainerEngine:
    """A Docker engine (``docker()``) or an in-memory one (``memory()``).

    ``run_action`` returns exactly the dict the ``kolla_container`` Ansible
    module returns: ``changed``, ``result`` and, as upstream adds them,
    ``comparison_failures``, ``rc``/``stdout``/``stderr``; ``failed`` and
    ``msg`` when the action failed.
    """

    def __init__(self, native: _native.ContainerEngine) -> None:
        self._native = native

    @classmethod
    def docker(cls, host: str | None = None) -> "ContainerEngine":
        """Connect to ``host``, else ``$DOCKER_HOST``, else the local socket.

        Raises :class:`kolla_rs.EngineError` naming the endpoint when it does
        not answer.
        """
        return cls(_native.ContainerEngine.docker(host))

    @classmethod
    def memory(cls) -> "ContainerEngine":
        """A fresh in-memory engine (for plans, dry runs and tests)."""
        return cls(_native.ContainerEngine.memory())

    @property
    def endpoint(self) -> str:
        """The socket path or URL, or ``memory://``."""
        return self._native.endpoint

    def add_image(self, image: str) -> None:
        """In-memory engines only: make ``image`` exist."""
        self._native.add_image(image)

    def run_action(self, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one kolla_container action with the module's parameters."""
        args = dict(params or {})
        args["action"] = action
        text = self._native.run_action_json(json.dumps(args, default=str))
        result: dict[str, Any] = json.loads(text)
        return result

    def facts(
        self, action: str = "get_containers", names: list[str] | None = None, all: bool = False
    ) -> dict[str, Any]:
        """Run one kolla_container_facts query."""
        result: dict[str, Any] = json.loads(self._native.facts_json(action, list(names or []), all))
        return result

    def ps(self) -> list[dict[str, str]]:
        """The kolla containers: name, image, state and health."""
        rows: list[dict[str, str]] = json.loads(self._native.ps_json())
        return rows
