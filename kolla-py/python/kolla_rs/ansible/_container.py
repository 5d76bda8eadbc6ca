"""The shared body of the ``kolla_container`` and ``kolla_docker`` modules.

Both modules take kolla-ansible's argument spec (names, types, choices,
``required_if``) from the core (``kolla_rs._native``), hand the parameters
to :meth:`kolla_rs.ContainerEngine.run_action`, and return its dict
unchanged. Parameters with built-in defaults are declared without one, so
that ``common_options`` can fill what a task did not give before the
default applies (see docs/deviations.md).
"""

from __future__ import annotations

import json
from typing import Any

from kolla_rs import _native


def argument_spec(legacy: bool = False) -> dict[str, Any]:
    """kolla_container's argument spec, from the core (no copy here).

    No parameter has a default but ``common_options``: kolla_rs applies the
    defaults after ``common_options`` (see docs/deviations.md). ``legacy``
    (kolla_docker) adds the two pre-2023 actions and ``restart_policy: never``.
    """
    spec: dict[str, Any] = json.loads(_native.container_argument_spec_json(legacy))
    return spec["argument_spec"]


def required_if(legacy: bool = False) -> list[list[Any]]:
    """Which parameters each action needs, from the core."""
    spec: dict[str, Any] = json.loads(_native.container_argument_spec_json(legacy))
    return spec["required_if"]


def main(ansible_module: Any, legacy: bool = False) -> None:
    """Run the module (``legacy``: the kolla_docker alias).

    ``ansible_module`` is ``AnsibleModule``, imported by the module file
    itself so that Ansible packs it as a new-style module.
    """
    module = ansible_module(
        argument_spec=argument_spec(legacy),
        required_if=required_if(legacy),
        bypass_checks=False,
    )
    try:
        import kolla_rs
    except ImportError as exc:
        module.fail_json(changed=False, msg=f"kolla_rs is not importable on this host: {exc}")
        return
    params = {k: v for k, v in module.params.items() if v is not None}
    action = params.pop("action")
    try:
        engine = kolla_rs.ContainerEngine.docker()
    except kolla_rs.KollaError as exc:
        module.fail_json(changed=True, msg=str(exc))
        return
    result = engine.run_action(action, params)
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)


def facts_main(ansible_module: Any) -> None:
    """The kolla_container_facts module (``ansible_module``: ``AnsibleModule``)."""
    spec = json.loads(_native.container_facts_argument_spec_json())
    module = ansible_module(
        argument_spec=spec["argument_spec"],
        required_if=spec["required_if"],
        bypass_checks=False,
    )
    try:
        import kolla_rs
    except ImportError as exc:
        module.fail_json(changed=False, msg=f"kolla_rs is not importable on this host: {exc}")
        return
    try:
        engine = kolla_rs.ContainerEngine.docker()
    except kolla_rs.KollaError as exc:
        module.fail_json(changed=True, msg=str(exc))
        return
    args = module.params.get("args") or {}
    result = engine.facts(
        module.params["action"],
        [str(n) for n in module.params.get("name") or []],
        bool(args.get("get_all_containers")),
    )
    if result.pop("failed", False):
        module.fail_json(**result)
    module.exit_json(**result)
