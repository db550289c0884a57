# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare a fleet report with the previous one: what broke, what recovered, what moved."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    WARN,
    status_rank,
)

BAD = (FAIL, WARN)
# A value "moved" only when it changed by MIN_RELATIVE of its previous value *and* by at least
# its unit's step below: a latency going from 0.02 ms to 0.09 ms is +350 % and means nothing.
MIN_RELATIVE = 0.10
MIN_ABSOLUTE = {'ms': 1.0, 's': 0.001, 'percent': 1.0, 'ratio': 0.01, 'count': 1, 'days': 1,
                'bits': 1, 'MiB': 1.0}
# Units not listed: the relative threshold alone.
DEFAULT_MIN_ABSOLUTE = 0.0


def previous_report(path):
    """The previous real JSON report at ``path`` to compare with, or None (absent, unreadable,
    not a report, a check-mode run's)."""
    try:
        with open(path) as handle:
            previous = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    if not isinstance(previous, dict) or 'hosts' not in previous or previous.get('check_mode'):
        return None
    return previous


def _index(report):
    """Map (host, component, instance, check, occurrence) to its check record."""
    checks = {}
    for host, entry in (report.get('hosts') or {}).items():
        for check in entry.get('checks') or ():
            checks[(host, check.get('component'), check.get('instance'), check.get('name'),
                    check.get('occurrence', 1))] = check
    return checks


def _order(item):
    return (-status_rank(item.get('status', PASS)), item['host'], item['component'],
            item.get('instance') or '', item['name'])


def moved_enough(old, new, unit):
    """True when ``old`` -> ``new`` is past both the relative and the unit's absolute threshold."""
    delta = abs(new - old)
    return (delta >= MIN_ABSOLUTE.get(unit, DEFAULT_MIN_ABSOLUTE)
            and delta >= MIN_RELATIVE * abs(old) and delta > 0)


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def compare(previous, current, moved_limit=10):
    """Return ``{previous_generated_at, newly_failing, recovered, moved, hosts_newly_unreachable}``.

    ``newly_failing``: checks now ``fail`` or ``warn`` that were better before (or absent).
    ``recovered``: checks ``fail`` / ``warn`` before and ``pass`` now.
    ``moved``: numeric values that changed most, relative to the previous value, among those
    past both thresholds (:func:`moved_enough`).
    """
    before, after = _index(previous), _index(current)
    newly_failing, recovered, moved = [], [], []
    for key, check in after.items():
        old = before.get(key)
        host, component, instance, name, _occurrence = key
        which = dict(host=host, component=component, name=name)
        if instance is not None:
            which['instance'] = instance
        old_status = old.get('status') if old else None
        if check['status'] in BAD and (old is None or status_rank(check['status']) > status_rank(old_status)):
            newly_failing.append(dict(which, status=check['status'], previous_status=old_status,
                                      value=check.get('value'), unit=check.get('unit')))
        elif old_status in BAD and check['status'] == PASS:
            recovered.append(dict(which, previous_status=old_status, value=check.get('value'),
                                  unit=check.get('unit')))
        new_value, old_value = _number(check.get('value')), _number(old.get('value') if old else None)
        if (new_value is not None and old_value is not None
                and moved_enough(old_value, new_value, check.get('unit'))):
            change = (new_value - old_value) / max(abs(old_value), 1e-9)
            moved.append(dict(which, previous=old_value, value=new_value, unit=check.get('unit'),
                              change_percent=round(100.0 * change, 1)))
    moved.sort(key=lambda m: -abs(m['change_percent']))
    previous_hosts = previous.get('hosts') or {}
    newly_unreachable = sorted(
        host for host, entry in (current.get('hosts') or {}).items()
        if entry.get('unreachable') and not (previous_hosts.get(host) or {}).get('unreachable'))
    return dict(
        previous_generated_at=previous.get('generated_at'),
        previous_status=previous.get('status'),
        previous_score=previous.get('score'),
        newly_failing=sorted(newly_failing, key=_order),
        recovered=sorted(recovered, key=_order),
        moved=moved[:moved_limit],
        hosts_newly_unreachable=newly_unreachable,
    )
