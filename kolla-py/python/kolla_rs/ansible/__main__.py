"""``python -m kolla_rs.ansible [install|uninstall] [--kolla-ansible DIR]``.

Without a subcommand: print shell ``export`` lines that put the kolla_rs
plugins on Ansible's path (for your own playbooks). ``install`` swaps an
installed kolla-ansible's own merge_configs, merge_yaml, kolla_container and
kolla_container_facts for kolla_rs's (Ansible prefers the folders beside a
playbook to those paths); ``uninstall`` restores kolla-ansible's originals.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from . import plugin_paths
from .install import NotKollaAnsible, default_share_dir, install, uninstall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kolla_rs.ansible",
        description="Without a subcommand: print the ANSIBLE_* exports for your own playbooks. "
        "install swaps an installed kolla-ansible's own plugins and modules for kolla_rs's; "
        "uninstall restores them.",
    )
    sub = parser.add_subparsers(dest="command")
    for name, what in (
        ("install", "swap kolla-ansible's plugins and modules for kolla_rs's (originals kept)"),
        ("uninstall", "put kolla-ansible's original plugins and modules back"),
    ):
        p = sub.add_parser(name, help=what, description=what)
        p.add_argument(
            "--kolla-ansible",
            metavar="DIR",
            default=None,
            help=f"kolla-ansible's share directory (default: {default_share_dir()})",
        )
    args = parser.parse_args(argv)
    if args.command is None:
        for name, path in plugin_paths().items():
            print(f"export {name}={shlex.quote(path)}")
        return 0
    action = install if args.command == "install" else uninstall
    try:
        for line in action(args.kolla_ansible):
            print(line)
    except (NotKollaAnsible, OSError) as err:
        print(f"python -m kolla_rs.ansible {args.command}: {err}", file=sys.stderr)
        return 1
    return 0


sys.exit(main())
