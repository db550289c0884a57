# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness result model shared by every check module.

A check measures one value and judges it against ``warn`` / ``fail`` limits.
A component (``system``, ``http``, ...) is the list of its checks and the worst
status among them.  Everything here runs on the managed host, so it must stay
free of controller imports and work on Python 3.8+.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import time

PASS = 'pass'
WARN = 'warn'
FAIL = 'fail'
UNKNOWN = 'unknown'
SKIP = 'skip'

# Rank used to compute "the worst status".  ``unknown`` ranks above ``pass``
# so a component that could not be measured is never reported as passing,
# and below ``warn`` because a measured problem is more certain than none.
STATUS_RANK = {SKIP: 0, PASS: 1, UNKNOWN: 2, WARN: 3, FAIL: 4}
STATUSES = tuple(sorted(STATUS_RANK, key=STATUS_RANK.get))

HIGHER_IS_WORSE = 'higher'
LOWER_IS_WORSE = 'lower'


def merge_options(given, defaults):
    """Overlay the options ``given`` on their ``defaults``; a None value keeps the default."""
    out = dict(defaults)
    for key, value in (given or {}).items():
        if value is not None:
            out[key] = value
    return out


def percentile(values, pct):
    """Nearest-rank percentile of ``values`` (a p95 of 10 samples is their maximum); None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = int(math.ceil(pct / 100.0 * len(ordered)))
    return ordered[min(max(rank, 1), len(ordered)) - 1]


def status_rank(status):
    """Return the rank of ``status``; unknown words rank as ``unknown``."""
    return STATUS_RANK.get(status, STATUS_RANK[UNKNOWN])


def worst_status(statuses, empty=SKIP):
    """Return the worst of ``statuses``, or ``empty`` when there are none."""
    worst = None
    for status in statuses:
        if worst is None or status_rank(status) > status_rank(worst):
            worst = status
    return empty if worst is None else worst


def validate_limits(option, warn, fail, direction=HIGHER_IS_WORSE):
    """Return an error message when the limits of ``option`` are out of order, else None.

    With higher-is-worse the warn limit must not exceed the fail limit; with
    lower-is-worse it must not be below it.
    """
    if warn is None or fail is None:
        return None
    if direction == HIGHER_IS_WORSE and warn > fail:
        return ('%s: warn limit %s is above the fail limit %s; with higher values being '
                'worse, warn must be <= fail' % (option, fmt_number(warn), fmt_number(fail)))
    if direction == LOWER_IS_WORSE and warn < fail:
        return ('%s: warn limit %s is below the fail limit %s; with lower values being '
                'worse, warn must be >= fail' % (option, fmt_number(warn), fmt_number(fail)))
    return None


def evaluate(value, warn=None, fail=None, direction=HIGHER_IS_WORSE):
    """Judge ``value`` against its limits and return ``pass``, ``warn`` or ``fail``.

    The readiness guide's boundary rule, for both directions: reaching the warn limit
    warns, only going *beyond* the fail limit fails.  With warn 80 / fail 90 (higher is
    worse), 79.9 passes, 80 and 90 warn, 90.1 fails; with warn 20 / fail 10 (lower is
    worse), 20.1 passes, 20 and 10 warn, 9.9 fails.  ``None`` as a value means nothing
    was measured: ``unknown``.
    """
    if value is None:
        return UNKNOWN
    if direction == HIGHER_IS_WORSE:
        if fail is not None and value > fail:
            return FAIL
        if warn is not None and value >= warn:
            return WARN
        return PASS
    if fail is not None and value < fail:
        return FAIL
    if warn is not None and value <= warn:
        return WARN
    return PASS


def fmt_number(number):
    """Format a number for a message: no trailing ``.0``, at most 3 decimals."""
    if isinstance(number, float):
        text = ('%.3f' % number).rstrip('0').rstrip('.')
        return text if text not in ('', '-0') else '0'
    return str(number)


def describe_limits(warn, fail, unit='', direction=HIGHER_IS_WORSE):
    """Return ``"warn at 80%, fail at 90%"`` style text, or '' without limits."""
    sep = '' if unit in ('%', '') else ' '
    parts = []
    higher = direction == HIGHER_IS_WORSE
    if warn is not None:
        parts.append('warn %s %s%s%s' % ('at' if higher else 'at or below', fmt_number(warn), sep, unit))
    if fail is not None:
        parts.append('fail %s %s%s%s' % ('above' if higher else 'below', fmt_number(fail), sep, unit))
    return ', '.join(parts)


UNIT_SYMBOLS = {'percent': '%', 'ms': 'ms', 's': 's', 'h': 'h', 'days': 'days', 'count': '',
                'ratio': '', 'MiB': 'MiB', 'KiB': 'KiB', 'req/s': 'req/s', 'score': ''}


def check_result(name, status, value=None, unit=None, warn=None, fail=None,
                 message='', remediation=None, duration_ms=None, details=None, links=None):
    """Build one check record as the report expects it; every key is always present.

    ``links``: artifacts a person opens next to the report (a Lighthouse page, a log), each
    ``{'title': ..., 'href': ...}`` with ``href`` relative to the fleet report's directory;
    the key is present only when there are links.
    """
    if status not in STATUS_RANK:
        raise ValueError('unknown status %r' % (status,))
    record = dict(
        name=name,
        status=status,
        value=value,
        unit=unit,
        warn=warn,
        fail=fail,
        message=message,
        remediation=remediation if status in (WARN, FAIL, UNKNOWN) else None,
        duration_ms=None if duration_ms is None else round(duration_ms, 3),
    )
    if details:
        record['details'] = details
    if links:
        record['links'] = [dict(title=str(link['title']), href=str(link['href'])) for link in links]
    return record


def measured(name, value, unit, warn=None, fail=None, direction=HIGHER_IS_WORSE,
             subject=None, remediation=None, duration_ms=None, details=None, links=None):
    """Judge a measured ``value`` and build its record with a readable message.

    ``subject`` is the text the message starts with, e.g. ``"/ use"``.
    """
    status = evaluate(value, warn, fail, direction)
    symbol = UNIT_SYMBOLS.get(unit, unit or '')
    sep = '' if symbol in ('%', '') else ' '
    limits = describe_limits(warn, fail, symbol, direction)
    message = '%s is %s%s%s' % (subject or name, fmt_number(value), sep, symbol)
    if limits:
        message += ' (%s)' % limits
    return check_result(name, status, value=value, unit=unit, warn=warn, fail=fail,
                        message=message, remediation=remediation,
                        duration_ms=duration_ms, details=details, links=links)


def unknown(name, message, unit=None, warn=None, fail=None, remediation=None,
            duration_ms=None):
    """Build the record of a check that could not measure."""
    return check_result(name, UNKNOWN, unit=unit, warn=warn, fail=fail, message=message,
                        remediation=remediation, duration_ms=duration_ms)


def skipped(name, message):
    """Build the record of a check that was switched off or does not apply."""
    return check_result(name, SKIP, message=message)


class Component:
    """Collects the checks of one component and renders the ``readiness`` result."""

    def __init__(self, component, clock=time.monotonic):
        self.component = component
        self.checks = []
        self._clock = clock

    def add(self, record):
        """Add one check record (see :func:`check_result`)."""
        self.checks.append(record)
        return record

    def run(self, name, measure, unit=None, warn=None, fail=None):
        """Run ``measure()`` and add what it returns, timing it.

        ``measure`` returns a record or a list of records.  If it raises, the
        check is ``unknown`` with the error in its message: one broken probe
        must not hide the others.
        """
        start = self._clock()
        try:
            records = measure()
        except Exception as exc:  # pylint: disable=broad-except
            elapsed = (self._clock() - start) * 1000.0
            message = 'could not measure: %s: %s' % (type(exc).__name__, exc)
            return [self.add(unknown(name, message, unit=unit, warn=warn, fail=fail,
                                     duration_ms=elapsed,
                                     remediation='See the error; the check itself failed.'))]
        elapsed = (self._clock() - start) * 1000.0
        if isinstance(records, dict):
            records = [records]
        for record in records:
            if record.get('duration_ms') is None:
                record['duration_ms'] = round(elapsed / max(len(records), 1), 3)
            self.add(record)
        return records

    @property
    def status(self):
        """The worst status of the checks that ran; ``skip`` when none did."""
        return worst_status(c['status'] for c in self.checks)

    def summary(self):
        """Count the checks by status."""
        counts = dict((status, 0) for status in STATUSES)
        for check in self.checks:
            counts[check['status']] = counts.get(check['status'], 0) + 1
        return counts

    def result(self):
        """Return the ``readiness`` value a module puts in its result."""
        return dict(component=self.component, status=self.status,
                    summary=self.summary(), checks=self.checks)


def in_range(errors, option, value, low, high, low_open=False):
    """Add ``"<option>: <value> is out of range ..."`` to ``errors`` when ``value`` is outside.

    ``[low, high]``, or ``(low, high]`` with ``low_open``; None is left to the caller.
    """
    if value is None:
        return
    if (value <= low if low_open else value < low) or value > high:
        span = ('(%s, %s]' if low_open else '%s to %s') % (fmt_number(low), fmt_number(high))
        errors.append('%s: %s is out of range %s' % (option, fmt_number(value), span))


def fail_missing_library(module, component, library, import_error):
    """Fail the task the standard way for a missing Python library.

    The result still carries ``readiness`` (an ``unknown`` check naming the library),
    so the fleet report shows which checks could not run and why.
    """
    # Imported here: the model itself stays importable without Ansible (probes run as
    # other users in tests, and benchmarks import it directly).
    from ansible.module_utils.basic import missing_required_lib

    module.fail_json(msg=missing_required_lib(library), exception=import_error,
                     readiness=missing_library_result(component, library))


def fail_on_input_errors(module, errors):
    """Fail the task with every input problem on one line, each naming its option."""
    if errors:
        module.fail_json(msg='; '.join(errors))


def missing_library_result(component, library):
    """The ``readiness`` value of a module whose Python library is missing on the host.

    The module still fails the task (``missing_required_lib``); this result
    lets the fleet report show *which* checks could not run and why.
    """
    report = Component(component)
    report.add(unknown('python_library:%s' % library,
                       'the Python library %s is not installed for the interpreter '
                       'Ansible uses on this host' % library,
                       remediation='Install the package python3-%s (Debian; pip: %s) on the host, or '
                                   'let the golive.readiness.readiness role install it: '
                                   'readiness_install_dependencies: true.' % (library, library)))
    return report.result()
