"""Put an installed kolla-ansible's own playbooks on the kolla_rs core.

Ansible looks for plugins and modules in the folders beside a playbook
(``action_plugins/``, ``library/``) before ``ANSIBLE_ACTION_PLUGINS`` and
``ANSIBLE_LIBRARY``, so exporting those paths cannot override kolla-ansible's
own ``merge_configs``, ``merge_yaml``, ``kolla_container`` and
``kolla_container_facts``. :func:`install` swaps exactly those files (and
``kolla_docker`` where a kolla-ansible still has it) for thin files that call
kolla_rs, keeping each original beside it as ``NAME.py{ORIGINAL_SUFFIX}``;
:func:`uninstall` puts the originals back. Both are idempotent.

The thin action plugins import kolla_rs on the controller; the thin modules
import it on each target host, so kolla_rs must be installed in the Python
that ``ansible_python_interpreter`` names there.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import _HERE

#: The suffix an original file gets while kolla_rs's thin file stands in for it.
#: Ansible only loads ``NAME.py`` (or ``NAME``), so the kept original is never picked up.
ORIGINAL_SUFFIX = ".kolla-ansible-original"

#: The first line after the shebang of every thin file: how install and uninstall recognise their own.
MARKER = "# kolla_rs drop-in, written by `python -m kolla_rs.ansible install`; the original is beside it"


@dataclass(frozen=True)
class _Swap:
    folder: str  # relative to the playbook directory
    name: str  # file name
    optional: bool  # absent from some releases (kolla_docker was renamed in 2023)


_SWAPS = (
    _Swap("action_plugins", "merge_configs.py", False),
    _Swap("action_plugins", "merge_yaml.py", False),
    _Swap("library", "kolla_container.py", False),
    _Swap("library", "kolla_container_facts.py", False),
    _Swap("library", "kolla_docker.py", True),
)


class NotKollaAnsible(Exception):
    """The directory given is not a kolla-ansible share directory."""


def default_share_dir() -> Path:
    """The kolla-ansible installed beside the running Python.

    Where that kolla-ansible's own CLI finds its playbooks (its
    ``KOLLA_ANSIBLE_DATA_FILES_PATH``, an editable checkout, or
    ``<prefix>/share/kolla-ansible``); without kolla-ansible in this Python,
    ``<sys.prefix>/share/kolla-ansible``.
    """
    try:
        from kolla_ansible import utils  # type: ignore[import-not-found,import-untyped,unused-ignore]

        return Path(utils.get_data_files_path())
    except Exception:  # not installed here, or a release without that helper
        return Path(sys.prefix) / "share" / "kolla-ansible"


def playbook_dir(share_dir: str | os.PathLike[str]) -> Path:
    """The folder holding kolla-ansible's playbooks (``DIR/ansible``, or DIR itself).

    Raises :class:`NotKollaAnsible` naming what is missing when DIR is not a
    kolla-ansible share directory (or a kolla-ansible checkout).
    """
    root = Path(share_dir)
    if not root.is_dir():
        raise NotKollaAnsible(f"{root}: no such directory (give --kolla-ansible <venv>/share/kolla-ansible)")
    for candidate in (root / "ansible", root):
        wanted = [candidate / "site.yml"] + [candidate / s.folder / s.name for s in _SWAPS if not s.optional]
        if all(p.exists() or _kept(p).exists() for p in wanted):
            return candidate
    missing = root / "ansible" / "action_plugins" / "merge_configs.py"
    raise NotKollaAnsible(
        f"{root} is not a kolla-ansible share directory: {missing} and {root / 'ansible' / 'site.yml'} "
        "are not both there (give --kolla-ansible <venv>/share/kolla-ansible)"
    )


def _kept(path: Path) -> Path:
    return path.with_name(path.name + ORIGINAL_SUFFIX)


def _is_ours(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            return MARKER in (f.readline().rstrip("\n"), f.readline().rstrip("\n"))
    except (OSError, UnicodeDecodeError):
        return False


def _thin_text(swap: _Swap) -> str:
    """The thin file standing in for ``swap``: an import of kolla_rs's own plugin or module."""
    stem = swap.name[: -len(".py")]
    if swap.folder == "action_plugins":
        return (
            f"{MARKER}\n"
            f'"""kolla-ansible\'s {stem} action on the kolla_rs core (original: {swap.name}{ORIGINAL_SUFFIX})."""\n\n'
            f"from kolla_rs.ansible.action_plugins.{stem} import ActionModule  # noqa: F401\n"
        )
    # A module travels to the target alone (AnsiballZ): the thin file is kolla_rs's
    # module source itself, which imports kolla_rs there.
    source = (Path(_HERE) / "modules" / swap.name).read_text(encoding="utf-8")
    shebang, _, rest = source.partition("\n")
    return f"{shebang}\n{MARKER}\n{rest}"


def _write(path: Path, text: str, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.kolla_rs-tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def install(share_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Swap kolla-ansible's plugins and modules for kolla_rs's; returns one line per file."""
    base = playbook_dir(share_dir if share_dir is not None else default_share_dir())
    report = []
    for swap in _SWAPS:
        path = base / swap.folder / swap.name
        kept = _kept(path)
        thin = _thin_text(swap)
        if _is_ours(path):
            if path.read_text(encoding="utf-8") != thin:
                _write(path, thin, path.stat().st_mode & 0o7777)
                report.append(f"refreshed {path}")
            else:
                report.append(f"already installed {path}")
            continue
        if not path.exists():
            if kept.exists():  # ours was removed by hand: the original is still kept
                _write(path, thin, kept.stat().st_mode & 0o7777)
                report.append(f"installed {path} (original already kept as {kept.name})")
                continue
            if swap.optional:
                continue
            raise NotKollaAnsible(f"{path}: missing, and not kept as {kept.name} either")
        # An original (first install, or a kolla-ansible reinstalled over ours): keep it.
        mode = path.stat().st_mode & 0o7777
        os.replace(path, kept)
        _write(path, thin, mode)
        report.append(f"installed {path} (original kept as {kept.name})")
    return report


def uninstall(share_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Put kolla-ansible's own plugins and modules back; returns one line per file."""
    base = playbook_dir(share_dir if share_dir is not None else default_share_dir())
    report = []
    for swap in _SWAPS:
        path = base / swap.folder / swap.name
        kept = _kept(path)
        if kept.exists():
            if path.exists() and not _is_ours(path):
                # kolla-ansible was reinstalled over ours: its file is current, the kept one stale.
                kept.unlink()
                report.append(f"removed stale {kept} ({path} is kolla-ansible's own)")
            else:
                os.replace(kept, path)
                report.append(f"restored {path}")
        elif _is_ours(path):
            raise NotKollaAnsible(f"{path} is kolla_rs's, but the original {kept.name} is gone: reinstall kolla-ansible")
        elif path.exists():
            report.append(f"not installed {path}")
    return report
