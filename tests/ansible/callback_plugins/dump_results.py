"""Test helper: writes every task result as the action returned it (including
``invocation``, which Ansible strips from registered variables) to the JSON
file named by $KOLLA_TEST_RESULT_DUMP, keyed by task name."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "dump_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._results = {}

    def _record(self, result):
        self._results[result.task_name] = json.loads(json.dumps(result._result, default=str))

    v2_runner_on_ok = _record
    v2_runner_on_failed = lambda self, result, ignore_errors=False: self._record(result)  # noqa: E731

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get("KOLLA_TEST_RESULT_DUMP")
        if path:
            with open(path, "w") as handle:
                json.dump(self._results, handle)
