# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of golive.readiness.prometheus_textfile: without ``content``, the host's
readiness metrics from the fleet_report callback's results; the module writes them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible.plugins.action import ActionBase
from ansible_collections.golive.readiness.plugins.modules.prometheus_textfile import ARGUMENT_SPEC
from ansible_collections.golive.readiness.plugins.plugin_utils.active_run import (
    active_collector,
    no_collector_message,
    report_settings,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.textfile import host_textfile


class ActionModule(ActionBase):
    """Reads the callback's collector (see plugin_utils/active_run.py for what of it a worker
    sees), renders the host's share and runs the module on the host."""

    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        if args['content'] is None:
            collector = active_collector()
            if collector is None:
                result.update(failed=True, msg=no_collector_message('golive.readiness.prometheus_textfile'))
                return result
            host = task_vars.get('inventory_hostname')
            play_hosts = list(task_vars.get('ansible_play_hosts') or [host])
            fleet_host = args['fleet_host'] or play_hosts[0]
            extra = {'gate': {'go': args['gate_go']}} if args['gate_go'] is not None else None
            sliced = bool((report_settings() or {}).get('slice'))
            args['content'] = host_textfile(collector.report(extra=extra), host, fleet_host, play_hosts, time.time(),
                                            sliced=sliced)
            if fleet_host not in play_hosts and host == play_hosts[0]:
                result.setdefault('warnings', []).append(
                    'fleet_host %s is not among the hosts this play still runs on: no host exports the '
                    "fleet's series nor those of the hosts without a file" % fleet_host)
        warnings = result.get('warnings', [])
        result.update(self._execute_module(module_name='golive.readiness.prometheus_textfile',
                                           module_args=args, task_vars=task_vars))
        if warnings:
            result['warnings'] = warnings + result.get('warnings', [])
        return result
