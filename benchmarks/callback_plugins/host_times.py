"""Benchmark helper callback: how long each task took on each host, written as JSON at the end.

Enabled by benchmarks/speed_bench.py (ANSIBLE_CALLBACK_PLUGINS=benchmarks/callback_plugins,
callbacks_enabled host_times); the file is $GOLIVE_HOST_TIMES: {host: {task: seconds}}.
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: host_times
type: aggregate
short_description: seconds each task took on each host (benchmarks only)
description: "Writes {host: {task: seconds}} to the file named by GOLIVE_HOST_TIMES."
'''


class CallbackModule(CallbackBase):
    """Start and end of every (host, task), from the controller's side."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'host_times'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super().__init__(display)
        self.started, self.times = {}, {}

    def v2_runner_on_start(self, host, task):
        self.started[(host.get_name(), task._uuid)] = time.monotonic()

    def _done(self, result, *_args, **_kwargs):
        key = (result._host.get_name(), result._task._uuid)
        if key in self.started:
            self.times.setdefault(key[0], {})[result._task.get_name()] = time.monotonic() - self.started.pop(key)

    v2_runner_on_ok = v2_runner_on_failed = v2_runner_on_unreachable = v2_runner_on_skipped = _done

    def v2_playbook_on_stats(self, stats):
        path = os.environ.get('GOLIVE_HOST_TIMES')
        if path:
            with open(path, 'w') as handle:
                json.dump(self.times, handle)
