# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of golive.readiness.gate: go / no-go from the fleet's results (see the module's docs)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import active_collector
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
    DEFAULT_RULE,
    decide,
    stats_data,
    validate_policy,
)

ARGUMENT_SPEC = dict(
    max_fail=dict(type='int', default=DEFAULT_RULE['max_fail']),
    max_warn_percent=dict(type='float', default=DEFAULT_RULE['max_warn_percent']),
    max_unreachable=dict(type='int', default=DEFAULT_RULE['max_unreachable']),
    unknown=dict(type='str', default=DEFAULT_RULE['unknown'], choices=['fail', 'warn', 'ignore']),
    require_evaluated=dict(type='bool', default=DEFAULT_RULE['require_evaluated']),
    groups=dict(type='dict', default={}),
    ignore=dict(type='list', elements='dict', default=[], options=dict(
        check=dict(type='str', required=True),
        hosts=dict(type='str', default='*'),
        reason=dict(type='str', required=True),
    )),
    fail_on_nogo=dict(type='bool', default=True),
    stats_key=dict(type='str', default='golive_readiness'),
)


class ActionModule(ActionBase):
    """Applies the policy to the results the fleet_report callback collected so far."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result['changed'] = False
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        errors = validate_policy(args)
        if errors:
            result.update(failed=True, msg='; '.join(errors))
            return result
        collector = active_collector()
        if collector is None:
            result.update(failed=True, msg=(
                'golive.readiness.gate reads the results the golive.readiness.fleet_report callback '
                'collects: enable it (callbacks_enabled = golive.readiness.fleet_report in ansible.cfg '
                'or ANSIBLE_CALLBACKS_ENABLED)'))
            return result
        decision = decide(collector.report(), args)
        result.update(
            go=decision['go'],
            verdict=decision['verdict'],
            blockers=decision['blockers'],
            ignored=decision['ignored'],
            counts=decision['counts'],
            groups=decision['groups'],
            msg=decision['verdict'],
            # The callback puts the verdict in the report.
            golive_gate=dict(go=decision['go'], verdict=decision['verdict'],
                             blockers=decision['blockers'], ignored=decision['ignored'],
                             groups=decision['groups']),
        )
        if decision['go'] or not args['fail_on_nogo']:
            # Ansible applies ansible_stats only from a task that succeeds.
            result['ansible_stats'] = dict(data={args['stats_key']: stats_data(decision)},
                                           per_host=False, aggregate=True)
        else:
            result['failed'] = True
        return result
