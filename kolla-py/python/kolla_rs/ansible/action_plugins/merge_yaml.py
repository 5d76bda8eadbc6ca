"""Drop-in ``merge_yaml`` action plugin backed by kolla_rs.

Same arguments as kolla-ansible's: ``sources`` (a path or a list), ``dest``,
``extend_lists``, ``yaml_width``, ``vars``, plus any argument of ``copy``
(``mode``, ``owner``, ``group``, ...). Each readable source is read on the
controller and rendered with Ansible's own templar (every variable, filter
and lookup works as before); kolla_rs merges and writes the YAML; Ansible's
``copy`` action delivers it, so changed, diff and check mode behave as
upstream.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from ansible import constants
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19

    def trust_as_template(template):  # type: ignore[no-redef]
        return template


import kolla_rs

DOCUMENTATION = """
---
module: merge_yaml
short_description: Merge YAML files (kolla-ansible's merge_yaml, on kolla_rs)
options:
  sources: {description: Files on the controller to merge, in order, required: true}
  dest: {description: Destination path on the target, required: true}
  extend_lists: {description: Extend earlier lists instead of replacing them, default: false, type: bool}
  yaml_width: {description: Line width of the output (PyYAML's default 80), type: int}
  vars: {description: Extra template variables, type: dict}
"""


class ActionModule(ActionBase):
    TRANSFERS_FILES = True

    def _render(self, source):
        """The rendered text of a readable source, or None to skip it."""
        if not source or not os.access(source, os.R_OK):
            return None
        with open(source, encoding="utf-8") as f:
            data = trust_as_template(f.read())
        basedir = self._loader._basedir
        searchpath = [basedir, os.path.join(basedir, "templates"), os.path.dirname(source)]
        templar = self._templar.copy_with_new_env(searchpath=searchpath)
        # kolla-ansible renders these sources with lstrip_blocks on.
        rendered = templar.template(data, overrides=dict(lstrip_blocks=True))
        return rendered if isinstance(rendered, str) else str(rendered)

    def run(self, tmp=None, task_vars=None):
        if task_vars is None:
            task_vars = {}
        result = super().run(tmp, task_vars)
        del tmp

        extra_vars = self._task.args.get("vars") or {}
        old_vars = self._templar.available_variables
        temp_vars = task_vars.copy()
        temp_vars.update(extra_vars)
        self._templar.available_variables = temp_vars

        sources = self._task.args.get("sources", None)
        extend_lists = self._task.args.get("extend_lists", False)
        yaml_width = self._task.args.get("yaml_width", None)
        if not isinstance(sources, list):
            sources = [sources]
        try:
            texts = []
            for source in sources:
                text = self._render(source)
                if text is not None:
                    texts.append((str(source), text))
        finally:
            self._templar.available_variables = old_vars

        try:
            content = kolla_rs.merge_yaml_texts(
                texts,
                extend_lists=bool(extend_lists),
                yaml_width=int(yaml_width) if yaml_width is not None else None,
            )
        except kolla_rs.KollaError as e:
            raise AnsibleActionFail(str(e)) from None

        local_tempdir = tempfile.mkdtemp(dir=constants.DEFAULT_LOCAL_TMP)
        try:
            result_file = os.path.join(local_tempdir, "source")
            with open(result_file, "w", encoding="utf-8") as f:
                f.write(content)

            new_task = self._task.copy()
            for arg in ("sources", "extend_lists", "yaml_width", "vars"):
                new_task.args.pop(arg, None)
            new_task.args.update({"src": result_file})
            copy_action = self._shared_loader_obj.action_loader.get(
                "copy",
                task=new_task,
                connection=self._connection,
                play_context=self._play_context,
                loader=self._loader,
                templar=self._templar,
                shared_loader_obj=self._shared_loader_obj,
            )
            copy_result = copy_action.run(task_vars=task_vars)
            copy_result.setdefault("invocation", {}).setdefault("module_args", {}).update(
                {"src": result_file, "sources": sources, "extend_lists": extend_lists}
            )
            result.update(copy_result)
        finally:
            shutil.rmtree(local_tempdir)
        return result
