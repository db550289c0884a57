# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of golive.readiness.gate: go / no-go from the fleet's results (see the module's docs)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase
from ansible_collections.golive.readiness.plugins.plugin_utils.active_run import (
    active_collector,
    no_collector_message,
    report_preflight,
    report_settings,
    section_report,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
    FORMER_NAMES_UNTIL,
    argument_spec,
    decide,
    regression_blockers,
    regressions,
    stats_data,
    validate_policy,
)

ARGUMENT_SPEC = argument_spec()


class ActionModule(ActionBase):
    """Applies the policy to the results the fleet_report callback collected so far.

    Runs in a worker forked from the controller's main process: see
    plugin_utils/active_run.py for what of the callback's collector it sees.
    """

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
            result.update(failed=True, msg=no_collector_message('golive.readiness.gate'))
            return result
        # report_required: a report set that cannot be written blocks now, not after the verdict.
        preflight = report_preflight() if (report_settings() or {}).get('required') else []
        report = collector.report()
        found = []
        if args['baseline']:
            baseline = section_report(args['baseline'])
            if baseline is None:
                result.update(failed=True, msg=(
                    'baseline: no section %r was closed earlier in this run (a gate with section=%s '
                    'must run first)' % (args['baseline'], args['baseline'])))
                return result
            found = regressions(baseline, report, args['ignore'])
            preflight = regression_blockers(found, args['max_regressions']) + preflight
        decision = decide(report, args, preflight)
        data = stats_data(decision)
        if args['section']:
            data.update(section=args['section'], baseline=args['baseline'], regressions=found[:20])
        result.update(
            go=decision['go'],
            verdict=decision['verdict'],
            blockers=decision['blockers'],
            ignored=decision['ignored'],
            counts=decision['counts'],
            groups=decision['groups'],
            section=args['section'],
            baseline=args['baseline'],
            regressions=found,
            msg=decision['verdict'],
            # The verdict reaches AWX and the fleet_report callback (stats.custom) this way.
            # Ansible applies it only from a task that succeeds: on no-go with fail_on_nogo
            # the callback reads it from this failed result instead (see fleet_report).
            ansible_stats=dict(data={args['stats_key']: data},
                               per_host=False, aggregate=True),
        )
        if decision['deprecations']:
            result['deprecations'] = [dict(msg=msg, version=FORMER_NAMES_UNTIL,
                                           collection_name='golive.readiness')
                                      for msg in decision['deprecations']]
        if not decision['go'] and args['fail_on_nogo']:
            result['failed'] = True
        return result
