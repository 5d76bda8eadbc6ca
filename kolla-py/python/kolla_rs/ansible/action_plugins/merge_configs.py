"""Drop-in ``merge_configs`` action: kolla-ansible's INI merge on the kolla_rs core.

Same name and arguments as kolla-ansible's plugin: ``sources`` (a list, or one
value), ``dest``, ``whitespace`` (Python truthiness, default true) and any
argument of Ansible's ``copy`` module (``mode``, ``owner``, ``group``, ...).

Sources are read on the controller, in order; one that is missing or not
readable is skipped. Each is rendered with Ansible's own templar (task and
host variables, filters and lookups; the search path is the playbook
directory, its ``templates/`` and the source's directory), then kolla_rs
merges them byte-exactly as upstream does. The text is delivered by
Ansible's ``copy`` action, so ``changed``, ``--diff`` and ``--check`` behave
as upstream. A malformed source fails the task exactly as upstream's does
(the parse error is raised, so Ansible words ``msg`` the same way), except
that the line is counted in that source's own file (upstream counts across
all sources); a warning names the file and line.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from ansible import constants as C
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

try:  # ansible-core >= 2.19: file content must be trusted to be templated
    from ansible.template import trust_as_template
except ImportError:  # pragma: no cover - older ansible-core

    def trust_as_template(template):
        return template


import kolla_rs
from kolla_rs.config import upstream_message

display = Display()


class MergeConfigsParseError(Exception):
    """A source is not valid INI; its text is upstream's ParseError text."""

DOCUMENTATION = """
---
module: merge_configs
short_description: Merge ini-style configs (kolla_rs)
description:
  - Renders each source with Ansible's templar and merges them, the last
    source winning per key, exactly as kolla-ansible's merge_configs does.
options:
  sources:
    description: Files on the controller, lowest precedence first; missing ones are skipped.
    required: true
    type: list
  dest:
    description: The destination file on the target.
    required: true
    type: str
  whitespace:
    description: Spaces around C(=) (Python truthiness, so the string "false" is true).
    default: true
    type: raw
"""


class ActionModule(ActionBase):
    TRANSFERS_FILES = True

    def _render_source(self, path):
        """The rendered text of a readable source, or None to skip it."""
        if not os.access(path, os.R_OK):
            return None
        with open(path) as handle:  # text mode: universal newlines, as upstream
            raw = trust_as_template(handle.read())
        basedir = self._loader.get_basedir()
        templar = self._templar.copy_with_new_env(
            searchpath=[basedir, os.path.join(basedir, "templates"), os.path.dirname(path)]
        )
        return templar.template(raw, overrides=dict(lstrip_blocks=True))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp

        sources = self._task.args.get("sources", None)
        whitespace = self._task.args.get("whitespace", True)
        if not isinstance(sources, list):
            sources = [sources]

        texts = []
        for source in sources:
            rendered = self._render_source(source)
            if rendered is not None:
                texts.append((str(source), rendered))
        try:
            merged = kolla_rs.merge_ini_texts(texts, whitespace=whitespace)
        except kolla_rs.ConfigMergeError as err:
            where = ":".join(str(n) for n in (err.path, err.line, err.column) if n is not None)
            display.warning(f"merge_configs: {where}: not valid INI")
            raise MergeConfigsParseError(upstream_message(err)) from None

        workdir = tempfile.mkdtemp(dir=C.DEFAULT_LOCAL_TMP)
        try:
            staged = os.path.join(workdir, "source")
            with open(staged, "w") as handle:
                handle.write(merged)

            copy_task = self._task.copy()
            copy_task.args.pop("sources", None)
            copy_task.args.pop("whitespace", None)
            copy_task.args["src"] = staged
            copy = self._shared_loader_obj.action_loader.get(
                "ansible.legacy.copy",
                task=copy_task,
                connection=self._connection,
                play_context=self._play_context,
                loader=self._loader,
                templar=self._templar,
                shared_loader_obj=self._shared_loader_obj,
            )
            copied = copy.run(task_vars=task_vars)
            if "invocation" in copied:
                copied["invocation"]["module_args"].update(
                    {"src": staged, "sources": sources, "whitespace": whitespace}
                )
            result.update(copied)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return result
