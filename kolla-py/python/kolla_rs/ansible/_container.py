"""The shared body of the ``kolla_container`` and ``kolla_docker`` modules.

Both modules keep kolla-ansible's argument spec (names, types and choices),
hand the parameters to :meth:`kolla_rs.ContainerEngine.run_action`, and
return its dict unchanged. Parameters with built-in defaults are declared
without one here, so that ``common_options`` can fill what a task did not
give before the default applies (see docs/deviations.md).
"""

from __future__ import annotations

from typing import Any

from kolla_rs import _native

# The pre-2023 kolla_docker also answered these two.
LEGACY_ACTIONS = ["get_container_env", "get_container_state"]

# Every action the core implements (kolla_core::container::params::ACTIONS), less the legacy two.
ACTIONS = [a for a in _native.CONTAINER_ACTIONS if a not in LEGACY_ACTIONS]


def argument_spec(actions: list[str], legacy: bool = False) -> dict[str, Any]:
    """kolla_container's argument spec (defaults applied by kolla_rs).

    ``legacy`` (kolla_docker) also accepts the seed-era ``restart_policy: never``.
    """
    policies = ["no", "on-failure", "oneshot", "always", "unless-stopped"]
    if legacy:
        policies.append("never")
    return dict(
        common_options=dict(required=False, type="dict", default=dict()),
        action=dict(required=True, type="str", choices=actions),
        api_version=dict(required=False, type="str"),
        auth_email=dict(required=False, type="str"),
        auth_password=dict(required=False, type="str", no_log=True),
        auth_registry=dict(required=False, type="str"),
        auth_username=dict(required=False, type="str"),
        command=dict(required=False, type="str"),
        container_engine=dict(required=False, type="str"),
        detach=dict(required=False, type="bool"),
        labels=dict(required=False, type="dict"),
        name=dict(required=False, type="str"),
        environment=dict(required=False, type="dict"),
        healthcheck=dict(required=False, type="dict"),
        image=dict(required=False, type="str"),
        ipc_mode=dict(required=False, type="str", choices=["", "host", "private", "shareable"]),
        cap_add=dict(required=False, type="list"),
        security_opt=dict(required=False, type="list"),
        pid_mode=dict(required=False, type="str", choices=["", "host", "private"]),
        cgroupns_mode=dict(required=False, type="str", choices=["private", "host"]),
        privileged=dict(required=False, type="bool"),
        graceful_timeout=dict(required=False, type="int"),
        remove_on_exit=dict(required=False, type="bool"),
        restart_policy=dict(required=False, type="str", choices=policies),
        restart_retries=dict(required=False, type="int"),
        state=dict(required=False, type="str", choices=["running", "exited", "paused"]),
        tls_verify=dict(required=False, type="bool"),
        tls_cert=dict(required=False, type="str"),
        tls_key=dict(required=False, type="str"),
        tls_cacert=dict(required=False, type="str"),
        tmpfs=dict(required=False, type="list"),
        volumes=dict(required=False, type="list"),
        volumes_from=dict(required=False, type="list"),
        dimensions=dict(required=False, type="dict"),
        tty=dict(required=False, type="bool"),
        client_timeout=dict(required=False, type="int"),
        ignore_missing=dict(required=False, type="bool"),
        network_mode=dict(required=False, type="str"),
    )


def required_if(actions: list[str]) -> list[list[Any]]:
    """Which parameters each action needs."""
    needs = {"pull_image": ["image"], "ensure_image": ["image"], "remove_image": ["image"]}
    needs["start_container"] = ["image", "name"]
    return [["action", a, needs.get(a, ["name"])] for a in actions]


def main(ansible_module: Any, legacy: bool = False) -> None:
    """Run the module (``legacy``: the kolla_docker alias).

    ``ansible_module`` is ``AnsibleModule``, imported by the module file
    itself so that Ansible packs it as a new-style module.
    """
    actions = ACTIONS + (LEGACY_ACTIONS if legacy else [])
    module = ansible_module(
        argument_spec=argument_spec(actions, legacy),
        required_if=required_if(actions),
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
    module = ansible_module(
        argument_spec=dict(
            name=dict(required=False, type="list", default=[]),
            api_version=dict(required=False, type="str", default="auto"),
            container_engine=dict(required=True, type="str"),
            action=dict(
                required=True,
                type="str",
                choices=[
                    "get_containers",
                    "get_containers_env",
                    "get_volumes",
                    "get_containers_names",
                    "get_containers_state",
                ],
            ),
            args=dict(
                type="dict",
                required=False,
                default={},
                options=dict(get_all_containers=dict(required=False, type="bool", default=False)),
            ),
        ),
        required_if=[
            ["action", "get_containers_env", ["name"]],
            ["action", "get_containers_state", ["name"]],
        ],
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
