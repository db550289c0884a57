# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judging a disaster-recovery drill's measured figures for ``drill_check``.

``playbooks/dr_drill.yml`` measures (time to detect the outage, to restore, RTO, RPO, lost
transactions, whether the data and the service came back, whether the network block is gone)
and hands the figures to this module, which judges each against its limits so the drill is a
``drill`` component in the fleet report like any other.  A figure the drill did not reach
(it stopped at a step) is a ``fail`` naming the step; one that does not apply to the drill
(RPO of a network drill) is a ``skip``.  Pure: unit-tested on figures.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Catalogue, Check, Option, Runner
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    Component,
    check_result,
    measured,
    skipped,
    unknown,
)

DRILLS = ('database', 'network')
# Which figure each check judges, and which drills measure it.
FIGURES = {
    'detection': ('detection_s', DRILLS),
    'rto': ('rto_s', DRILLS),
    'rpo': ('rpo_s', ('database',)),
    'lost_transactions': ('lost_transactions', ('database',)),
    'backup_time': ('backup_s', ('database',)),
    'restore_time': ('restore_s', ('database',)),
    'data_verified': ('data_verified', ('database',)),
    'service_recovered': ('service_recovered', DRILLS),
    'block_removed': ('block_removed', ('network',)),
}
SUBJECTS = {
    'detection': 'time from the outage to readiness reporting it',
    'rto': 'time from the outage to the service verified back (RTO, MTTR)',
    'rpo': 'data lost: time between the newest restored write and the outage (RPO)',
    'lost_transactions': 'drill writes lost by the restore',
    'backup_time': 'duration of the backup taken before the outage',
    'restore_time': 'duration of the restore',
}
REMEDIATIONS = {
    'detection': 'Outages are noticed late: run readiness (or alerting) more often, or shorten its timeouts.',
    'rto': 'Recovery is slow: shorten the restore (parallel processes, delta restore, a standby to fail over to) '
           'and script the runbook.',
    'rpo': 'Too much data is lost: back up more often and keep WAL archiving close to the primary '
           '(archive_timeout, a replica).',
    'lost_transactions': 'Writes were lost: see rpo.',
    'backup_time': 'Backups take long: use differential / incremental backups and more processes.',
    'restore_time': 'Restores take long: use --delta, more processes, a faster repository.',
}


def judge(name, figures, drill, aborted, opts, unit=None):
    """The record of check ``name`` for the measured ``figures``."""
    key, drills = FIGURES[name]
    if drill not in drills:
        return skipped(name, 'not measured by a %s drill' % drill)
    value = figures.get(key)
    if value is None:
        if aborted:
            return check_result(name, FAIL, unit=unit, warn=opts.get('warn'), fail=opts.get('fail'),
                                message='not measured: the %s drill stopped at: %s' % (drill, aborted),
                                remediation='Read the drill\'s failed task; fix it and run the drill again.')
        return unknown(name, 'the %s drill gave no %s' % (drill, key), unit=unit,
                       warn=opts.get('warn'), fail=opts.get('fail'))
    note = figures.get(key + '_detail') or ''
    if isinstance(value, bool):
        status = PASS if value else FAIL
        return check_result(name, status, value=value, message=note or ('%s: %s' % (name, 'yes' if value else 'no')),
                            remediation='The drill did not get this back; see the message and the drill\'s log.')
    record = measured(name, round(float(value), 3), unit, opts.get('warn'), opts.get('fail'),
                      subject=SUBJECTS.get(name, name), remediation=REMEDIATIONS.get(name))
    if note:
        record['message'] += '; ' + note
    return record


def _check(name, unit=None, **kwargs):
    """A check judging one figure."""
    return Check(name, lambda ctx, o: judge(name, ctx[0], ctx[1], ctx[2], o, unit), unit=unit, **kwargs)


# The guide: MTTR at most 5 minutes; detection within 2; RPO 15 minutes.
CATALOGUE = Catalogue('drill', instance=lambda params: params['drill'], options=dict(
    drill=Option('str', required=True, choices=list(DRILLS)),
    figures=Option('dict', {}),
    aborted=Option('str'),
), checks=[
    _check('detection', 's', warn=60, fail=120),
    _check('rto', 's', warn=240, fail=300),
    _check('rpo', 's', warn=300, fail=900),
    _check('lost_transactions', 'count'),
    _check('backup_time', 's'),
    _check('restore_time', 's'),
    _check('data_verified', limits=False),
    _check('service_recovered', limits=False),
    _check('block_removed', limits=False),
])


def input_errors(params, _opts):
    """Figures that are not numbers or booleans, or unknown names."""
    known = set(key for key, dummy in FIGURES.values())
    errors = []
    for key, value in sorted((params.get('figures') or {}).items()):
        if key.endswith('_detail'):
            continue
        if key not in known:
            errors.append('figures.%s: no such figure (known: %s)' % (key, ', '.join(sorted(known))))
        elif value is not None and not isinstance(value, (bool, int, float)):
            errors.append('figures.%s: must be a number or a boolean, got %r' % (key, value))
    return errors


def measure(params, opts):
    """Judge every switched-on check and return the ``readiness`` result."""
    context = (params.get('figures') or {}, params['drill'], params.get('aborted'))
    return CATALOGUE.run(Component('drill'), context, opts).result()


def runner():
    """How drill_check judges: the catalogue, no library beyond the standard one."""
    return Runner(CATALOGUE, measure, input_errors)
