# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet aggregation: every host's readiness checks into one report.

Shared by the ``fleet_report`` callback and the gate.  It knows nothing of
the callback API: callers hand it values (host names, ``readiness`` dicts,
messages) as a task result holds them, and get plain dicts back: the few values
it keeps are made plain JSON types (see :func:`plain`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

try:
    from ansible.utils.vars import transform_to_native_types as _to_native  # ansible-core 2.19+
except ImportError:  # older: results hold plain values, or str subclasses json writes as str
    def _to_native(value):
        return value

from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    STATUSES,
    UNKNOWN,
    WARN,
    status_rank,
    worst_status,
)

SCHEMA_VERSION = '1.1'
UNREACHABLE = 'unreachable'
NOT_EVALUATED = 'not_evaluated'
# Host statuses in the order a summary lists them.
HOST_STATUSES = (PASS, WARN, FAIL, UNKNOWN, UNREACHABLE, NOT_EVALUATED)
# Inventory groups every host is in; they say nothing in a roll-up.
IMPLICIT_GROUPS = ('all', 'ungrouped')

# The collector of the run in progress.  Set by the fleet_report callback in the
# controller process; the gate action runs in a worker forked from it (Ansible
# forks its workers) and so reads the results of every task that finished before it.
_ACTIVE = {'collector': None}


def active_collector():
    """The collector of the run in progress, or None when the callback is not enabled."""
    return _ACTIVE['collector']


def set_active_collector(collector):
    """Make ``collector`` the run's collector (called by the callback)."""
    _ACTIVE['collector'] = collector


# Only these keys of a check are kept: records stay small whatever a module returns.
CHECK_KEYS = ('name', 'status', 'value', 'unit', 'warn', 'fail', 'message', 'remediation',
              'duration_ms')
MESSAGE_LIMIT = 2000
_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


def plain(value):
    """``value`` as plain JSON types (str, int, float, bool, None, list, dict).

    A task result can hold Ansible's own types (tagged str/int/float, tagged or lazy
    containers, vaulted strings); Ansible's conversion makes them plain and redacts
    vaulted values.  Plain scalars, nearly every value, skip it.
    """
    return value if type(value) in _PLAIN_TYPES else _to_native(value)


def _is_plain_readiness(readiness):
    """True if the containers of ``readiness`` are exactly dict / list (a module's JSON).

    Exact types, not isinstance(): Ansible's tagged and lazy containers are subclasses.
    """
    checks = readiness.get('checks')
    return (type(readiness) in (dict,) and type(checks) in (list,)
            and {dict}.issuperset(map(type, checks)))


def _short(text, limit=MESSAGE_LIMIT):
    text = '' if text is None else str(plain(text))
    return text if len(text) <= limit else text[:limit - 3] + '...'


class FleetCollector:
    """Collects compact per-host records while a run goes on; no I/O."""

    def __init__(self):
        self.hosts = {}

    def _host(self, host):
        if host not in self.hosts:
            self.hosts[host] = dict(checks={}, components={}, errors=[], unreachable=None,
                                    groups=[])
        return self.hosts[host]

    def add_readiness(self, host, readiness, task=None):
        """Record a module's ``readiness`` result for ``host``.

        Checks are keyed by (component, check name): running a component
        again replaces its earlier measurement instead of duplicating it.
        """
        if not isinstance(readiness, dict):
            return
        if not _is_plain_readiness(readiness):
            readiness = plain(readiness)  # Ansible's containers: convert it all, it is rare
        component = str(plain(readiness.get('component')) or 'unknown')
        record = self._host(host)
        record['components'][component] = dict(task=plain(task))
        for check in readiness.get('checks') or ():
            if not isinstance(check, dict) or 'name' not in check:
                continue
            compact = dict((key, check.get(key)) for key in CHECK_KEYS)
            if not _PLAIN_TYPES.issuperset(map(type, compact.values())):
                # Before str() below: the conversion redacts a vaulted value, str() would not.
                compact = plain(compact)
            compact['status'] = compact['status'] if compact['status'] in STATUSES else UNKNOWN
            compact['message'] = _short(compact['message'])
            # Text fields as text, whatever a third-party module put there: one odd value must
            # not keep every renderer from writing the fleet's report.
            compact['name'] = str(compact['name'])
            for key in ('unit', 'remediation'):
                if compact[key] is not None and not isinstance(compact[key], str):
                    compact[key] = str(compact[key])
            compact['component'] = component
            record['checks'][(component, compact['name'])] = compact

    def add_unreachable(self, host, message):
        """Mark ``host`` unreachable; a later successful result does not undo it."""
        self._host(host)['unreachable'] = _short(message) or 'unreachable'

    def add_error(self, host, task, message, ignored=False):
        """Record a task that failed on ``host`` (bad input, missing library, ...)."""
        record = self._host(host)
        record['errors'].append(dict(task=plain(task), message=_short(message), ignored=bool(ignored)))

    def add_host(self, host, groups=None):
        """Register ``host`` (a play targets it) and the inventory groups it is in."""
        record = self._host(host)
        for group in groups or ():
            if group not in IMPLICIT_GROUPS and group not in record['groups']:
                record['groups'].append(group)

    def report(self, playbook=None, started=None, finished=None, extra=None):
        """Build the versioned fleet report (a JSON-serialisable dict)."""
        hosts = {}
        for name in sorted(self.hosts):
            hosts[name] = host_entry(self.hosts[name])
        summary = summarise(hosts)
        report = dict(
            schema_version=SCHEMA_VERSION,
            generated_at=_iso(finished or _now()),
            started_at=_iso(started) if started else None,
            playbook=playbook,
            status=fleet_status(summary),
            score=fleet_score(hosts),
            summary=summary,
            groups=group_rollups(hosts),
            failing_checks=failing_checks(hosts),
            hosts=hosts,
        )
        if extra:
            report.update(extra)
        return report


def host_entry(record):
    """Turn a collector record into the report's host entry."""
    checks = sorted(record['checks'].values(), key=lambda c: (c['component'], c['name']))
    components = {}
    for component in sorted(record['components']):
        statuses = [c['status'] for c in checks if c['component'] == component]
        components[component] = dict(status=worst_status(statuses), checks=len(statuses))
    if record['unreachable']:
        status = UNREACHABLE
    elif not checks and not record['errors'] and not record['components']:
        # In the play but never measured: a failed serial batch, an earlier task that
        # stopped the host, or tags that left it nothing to check.
        status = NOT_EVALUATED
    else:
        statuses = [c['status'] for c in checks]
        if record['errors']:
            statuses.append(FAIL)
        status = worst_status(statuses, empty=UNKNOWN)
    counts = dict((s, 0) for s in STATUSES)
    for check in checks:
        counts[check['status']] += 1
    entry = dict(status=status, unreachable=bool(record['unreachable']),
                 unreachable_message=record['unreachable'], errors=list(record['errors']),
                 groups=sorted(record['groups']), components=components, check_counts=counts,
                 checks=checks)
    entry['score'] = host_score(entry)
    return entry


def host_score(entry):
    """0-100: the share of a host's measured checks that pass, a warn counting half.

    Unreachable, unevaluated and erroring hosts score 0: nothing proves them ready.
    """
    if entry['status'] in (UNREACHABLE, NOT_EVALUATED) or entry['errors']:
        return 0.0
    counts = entry['check_counts']
    judged = counts[PASS] + counts[WARN] + counts[FAIL] + counts[UNKNOWN]
    if not judged:
        return 0.0
    return round(100.0 * (counts[PASS] + 0.5 * counts[WARN]) / judged, 1)


def fleet_score(hosts):
    """The mean host score, 0-100; None for an empty fleet."""
    if not hosts:
        return None
    return round(sum(e['score'] for e in hosts.values()) / len(hosts), 1)


def group_rollups(hosts):
    """Per inventory group: its hosts, their statuses, its score and worst status."""
    members = {}
    for host, entry in hosts.items():
        for group in entry['groups']:
            members.setdefault(group, []).append(host)
    rollups = {}
    for group in sorted(members):
        names = sorted(members[group])
        subset = dict((h, hosts[h]) for h in names)
        summary = summarise(subset)
        rollups[group] = dict(hosts=names, status=fleet_status(summary),
                              score=fleet_score(subset), host_status=summary['host_status'],
                              check_status=summary['check_status'])
    return rollups


def summarise(hosts):
    """Count hosts per status and checks per status."""
    host_counts = dict((s, 0) for s in HOST_STATUSES)
    check_counts = dict((s, 0) for s in STATUSES)
    for entry in hosts.values():
        host_counts[entry['status']] = host_counts.get(entry['status'], 0) + 1
        for status, count in entry['check_counts'].items():
            check_counts[status] += count
    return dict(hosts=len(hosts), host_status=host_counts, checks=sum(check_counts.values()),
                check_status=check_counts,
                hosts_with_errors=sum(1 for e in hosts.values() if e['errors']))


def fleet_status(summary):
    """The fleet's worst host status; an unreachable host counts as ``fail``,
    a host never evaluated as ``unknown``."""
    counts = summary['host_status']
    if not summary['hosts']:
        return UNKNOWN
    if counts.get(UNREACHABLE):
        return FAIL
    statuses = [s for s in STATUSES if counts.get(s)]
    if counts.get(NOT_EVALUATED):
        statuses.append(UNKNOWN)
    return worst_status(statuses)


def failing_checks(hosts):
    """Group the fail / warn / unknown checks by check name, with the hosts that have them."""
    grouped = {}
    for host, entry in hosts.items():
        for check in entry['checks']:
            if check['status'] not in (FAIL, WARN, UNKNOWN):
                continue
            key = '%s/%s' % (check['component'], check['name'])
            item = grouped.setdefault(key, dict(component=check['component'], name=check['name'],
                                                status=check['status'], hosts=[]))
            item['hosts'].append(host)
            if status_rank(check['status']) > status_rank(item['status']):
                item['status'] = check['status']
    ordered = sorted(grouped.values(),
                     key=lambda i: (-status_rank(i['status']), -len(i['hosts']), i['component'], i['name']))
    for item in ordered:
        item['hosts'].sort()
    return ordered


def summary_lines(report, max_hosts=10, max_lines=40):
    """The terminal summary of a report, as lines of text."""
    summary = report['summary']
    counts = summary['host_status']
    lines = ['FLEET READINESS: %s  (%d hosts, %d checks)' % (
        report['status'].upper(), summary['hosts'], summary['checks'])]
    lines[0] += '  score %s' % ('-' if report.get('score') is None else '%g/100' % report['score'])
    lines.append('hosts: ready %d, warn %d, fail %d, unknown %d, unreachable %d, not evaluated %d' % (
        counts[PASS], counts[WARN], counts[FAIL], counts[UNKNOWN], counts[UNREACHABLE],
        counts[NOT_EVALUATED]))
    gate = report.get('gate')
    if gate:
        lines.append('gate: %s' % gate.get('verdict'))
    checks = summary['check_status']
    lines.append('checks: ' + ', '.join('%s %d' % (s, checks[s]) for s in STATUSES[::-1]))
    failing = report['failing_checks']
    for item in failing[:max_lines]:
        hosts = item['hosts']
        more = len(hosts) - max_hosts
        shown = ', '.join(hosts[:max_hosts]) + (' (+%d more)' % more if more > 0 else '')
        lines.append('  %-7s %s/%s: %s' % (item['status'].upper(), item['component'],
                                           item['name'], shown))
    if len(failing) > max_lines:
        lines.append('  ... %d more failing checks in the report' % (len(failing) - max_lines))
    problems = 0
    for host, entry in report['hosts'].items():
        problems += bool(entry['status'] == NOT_EVALUATED or entry['unreachable'] or entry['errors'])
        if problems > max_lines:
            continue
        if entry['status'] == NOT_EVALUATED:
            lines.append('  NOT EVALUATED %s: no check ran on it' % host)
        if entry['unreachable']:
            lines.append('  UNREACHABLE %s: %s' % (host, _short(entry['unreachable_message'], 200)))
        for error in entry['errors']:
            lines.append('  ERROR   %s: task %r failed: %s'
                         % (host, error['task'], _short(error['message'], 200)))
    if problems > max_lines:
        lines.append('  ... %d more hosts unreachable, failed or not evaluated in the report'
                     % (problems - max_lines))
    return lines


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')
