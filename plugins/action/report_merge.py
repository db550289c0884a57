# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of golive.readiness.report_merge: slice reports into one fleet report and its gate."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os

from ansible.plugins.action import ActionBase
from ansible_collections.golive.readiness.plugins.plugin_utils import checklists
from ansible_collections.golive.readiness.plugins.plugin_utils.compare import compare, previous_report
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import summary_lines
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
    decide,
    policy_spec,
    stats_data,
    validate_policy,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.report_formats import (
    EXTENSIONS,
    FORMATS,
    write_reports,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.slices import find, load, merge

# One definition: the policy's options come from gate_policy (as the gate's), these are the merge's.
MERGE_OPTIONS = dict(
    src=dict(type='list', elements='path', required=True),
    slices=dict(type='int'),
    run_id=dict(type='str'),
    inventory=dict(type='str'),
    max_age=dict(type='int', default=86400),
    dest=dict(type='path'),
    report_name=dict(type='str', default='readiness'),
    formats=dict(type='list', elements='str', choices=list(FORMATS), default=list(FORMATS)),
    checklists=dict(type='bool', default=True),
)
ARGUMENT_SPEC = dict(policy_spec(), **MERGE_OPTIONS)


def input_errors(args):
    """Problems with the merge's own options, each naming its option."""
    errors = []
    if args['slices'] is not None and args['slices'] < 1:
        errors.append('slices: must be a whole number >= 1, got %r' % args['slices'])
    if args['max_age'] < 0:
        errors.append('max_age: must be seconds >= 0 (0: no age limit), got %r' % args['max_age'])
    name = args['report_name']
    if not name or os.path.basename(name) != name:
        errors.append('report_name: %r must be a plain file name' % name)
    for source in args['src']:
        if not os.path.exists(source):
            errors.append('src: %s does not exist' % source)
    if not args['dest'] and len([s for s in args['src'] if os.path.isdir(s)]) != 1:
        errors.append('dest: give the directory for the merged report (src names no single directory)')
    return errors


class ActionModule(ActionBase):
    """Reads the slice reports on the controller, merges them, judges the fleet, writes the report."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result['changed'] = False
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        errors = input_errors(args) + validate_policy(args)
        if errors:
            result.update(failed=True, msg='; '.join(errors))
            return result
        dest = args['dest'] or [s for s in args['src'] if os.path.isdir(s)][0]
        files = find(args['src'], args['report_name'])
        loaded, problems = [], []
        for path in files:
            report, problem = load(path)
            if problem:
                problems.append(problem)
            else:
                loaded.append((path, report))
        if not files:
            problems.append('no slice report found in %s (%s.slice-*.json)' % (', '.join(args['src']), args['report_name']))
        now = datetime.datetime.now(datetime.timezone.utc)
        report, found = merge(loaded, expected=args['slices'], run_id=args['run_id'], inventory=args['inventory'],
                              max_age=args['max_age'] or None, now=now)
        problems = found + problems
        decision = decide(report, args, ['slices: %s' % p for p in problems])
        data = stats_data(decision)
        report['gate'] = dict((k, v) for k, v in data.items() if k != 'source')
        if args['checklists']:
            report['checklists'] = checklists.evaluate(report)
        formats = ['json'] + [f for f in args['formats'] if f != 'json']
        paths = [os.path.join(dest, args['report_name'] + EXTENSIONS[f]) for f in formats]
        if not self._task.check_mode:
            previous = previous_report(paths[0])
            report['comparison'] = compare(previous, report) if previous else None
            try:
                if not os.path.isdir(dest):
                    os.makedirs(dest)
                write_reports(report, dest, args['report_name'], formats, timestamp=now.timestamp())
            except OSError as exc:
                result.update(failed=True, msg='dest: cannot write the merged report to %s: %s'
                              % (dest, exc.strerror or exc))
                return result
            result['changed'] = True
        result.update(
            go=decision['go'], verdict=decision['verdict'], blockers=decision['blockers'],
            ignored=decision['ignored'], counts=decision['counts'], groups=decision['groups'],
            slices=report['slices'], stale_slices=report['stale_slices'], problems=problems,
            report=paths[0], files=paths, summary=summary_lines(report),
            msg=decision['verdict'],
            # As the gate's: AWX workflows branch on it (see the gate's docs on fail_on_nogo).
            ansible_stats=dict(data={args['stats_key']: data}, per_host=False, aggregate=True),
        )
        if not decision['go'] and args['fail_on_nogo']:
            result['failed'] = True
        return result
