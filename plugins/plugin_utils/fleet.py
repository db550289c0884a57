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

SCHEMA_VERSION = '1.2'
UNREACHABLE = 'unreachable'
NOT_EVALUATED = 'not_evaluated'
# Host statuses in the order a summary lists them.
HOST_STATUSES = (PASS, WARN, FAIL, UNKNOWN, UNREACHABLE, NOT_EVALUATED)
# Inventory groups every host is in; they say nothing in a roll-up.
IMPLICIT_GROUPS = ('all', 'ungrouped')

# Only these keys of a check are kept: records stay small whatever a module returns.
CHECK_KEYS = ('name', 'status', 'value', 'unit', 'warn', 'fail', 'message', 'remediation',
              'duration_ms')
MESSAGE_LIMIT = 2000
# Messages (their beginnings) of a failed task that say nothing of the reason; the reason is
# then in stderr.  "Module result deserialization failed" is ansible-core 2.19's message for
# a module that printed no JSON, a stopped container over the docker connection for one.
GENERIC_FAILURE_MESSAGES = ('non-zero return code', 'module failure',
                            'see stdout/stderr for the exact error',
                            'module result deserialization failed', 'task failed')
# stderr lines that are transport noise, not the reason.
_NOISE_PREFIXES = ('shared connection to ', 'warning: permanently added', 'connection to ')
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


LINKS_LIMIT = 10


def check_links(links):
    """A check record's ``links`` as the report keeps them: at most LINKS_LIMIT
    ``{'title', 'href'}`` dicts of text; anything else is dropped."""
    if not isinstance(links, (list, tuple)):
        return []
    kept = []
    for link in links:
        if isinstance(link, dict) and link.get('href') and len(kept) < LINKS_LIMIT:
            href = str(plain(link['href']))
            kept.append(dict(title=_short(link.get('title') or href, 200), href=_short(href, 1000)))
    return kept


def check_label(check):
    """``component/name``, or ``component[instance]/name`` for a check of a named instance."""
    instance = check.get('instance')
    if instance is None:
        return '%s/%s' % (check.get('component'), check.get('name'))
    return '%s[%s]/%s' % (check.get('component'), instance, check.get('name'))


def _component_label(component, instance):
    return component if instance is None else '%s[%s]' % (component, instance)


def failure_message(data):
    """The reason a task failed, from its result ``data``.

    ``msg`` as is, unless it is generic ("non-zero return code", "MODULE FAILURE", ...):
    then ``msg: <first meaningful line of stderr / module_stderr>`` (the last line of a
    Python traceback, the exception itself).
    """
    msg = plain(data.get('msg'))
    lines = [l.strip() for l in ('' if msg is None else str(msg)).splitlines() if l.strip()]
    if any(not l.lower().startswith(GENERIC_FAILURE_MESSAGES) for l in lines):
        return str(msg).strip()
    msg = lines[0] if lines else ''  # "MODULE FAILURE\nSee stdout/stderr ...": the first says it
    for key in ('stderr', 'module_stderr', 'module_stdout', 'stdout'):
        line = _meaningful_line(plain(data.get(key)))
        if line:
            return '%s: %s' % (msg.rstrip('.'), line) if msg else line
    return msg or 'task failed'


def _meaningful_line(text):
    if not isinstance(text, str):
        return None
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    lines = [l for l in lines if not l.lower().startswith(_NOISE_PREFIXES)]
    if not lines:
        return None
    if any(l.startswith('Traceback (most recent call last)') for l in lines):
        return lines[-1]
    return lines[0]


class FleetCollector:
    """Collects compact per-host records while a run goes on; no I/O."""

    def __init__(self):
        self.hosts = {}
        self.warnings = []
        self.check_mode = False

    def _host(self, host):
        if host not in self.hosts:
            self.hosts[host] = dict(checks={}, components={}, errors=[], unreachable=None,
                                    groups=[])
        return self.hosts[host]

    def add_readiness(self, host, readiness, task=None):
        """Record a module's ``readiness`` result for ``host``.

        Checks are keyed by (component, instance, check name).  A key seen before on the
        host (the same check run twice) is kept as a record of its own, with
        ``occurrence`` 2, 3, ... and a warning in the report: a later result never hides
        an earlier one.  ``readiness['hosts']`` (a module run once for many hosts, such as
        prometheus_check) maps other hosts to their own results, filed under those hosts.
        """
        if not isinstance(readiness, dict):
            return
        if not _is_plain_readiness(readiness):
            readiness = plain(readiness)  # Ansible's containers: convert it all, it is rare
        component = str(plain(readiness.get('component')) or 'unknown')
        others = readiness.get('hosts')
        if isinstance(others, dict):
            for other, result in others.items():
                if isinstance(result, dict):
                    self.add_readiness(str(other), dict(result, component=component, hosts=None), task)
        instance = plain(readiness.get('instance'))
        instance = None if instance is None or instance == '' else str(instance)
        record = self._host(host)
        label = _component_label(component, instance)
        # The task that reported this component before, named if a check is repeated.
        earlier = record['components'].get(label)
        earlier_task = earlier['task'] if earlier else plain(task)
        record['components'][label] = dict(task=plain(task))
        checks = record['checks']
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
            if instance is not None:
                compact['instance'] = instance
            formerly = check.get('formerly')
            if formerly is not None:  # a renamed check's old name (ignore lists still match it)
                compact['formerly'] = str(plain(formerly))
            links = check_links(check.get('links'))
            if links:  # artifacts beside the report (a Lighthouse page): present only when given
                compact['links'] = links
            key = (component, instance, compact['name'], 1)
            if key in checks:
                self._repeated(host, checks, key, compact, task, earlier_task)
            else:
                checks[key] = compact

    def _repeated(self, host, checks, key, compact, task, earlier_task):
        """Keep a check reported again under ``key`` as one more record, with a warning."""
        occurrence = 2
        while key[:3] + (occurrence,) in checks:
            occurrence += 1
        compact['occurrence'] = occurrence
        checks[key[:3] + (occurrence,)] = compact
        self.warnings.append('%s: %s reported again by task %r (first by %r); both results are kept: '
                             'give each call its own instance name'
                             % (host, check_label(compact), plain(task), earlier_task))

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
        report = fleet_report(hosts, generated_at=_iso(finished or _now()),
                              started_at=_iso(started) if started else None, playbook=playbook,
                              warnings=self.warnings, check_mode=self.check_mode)
        if extra:
            report.update(extra)
        return report


def fleet_report(hosts, generated_at, started_at=None, playbook=None, warnings=(), check_mode=False):
    """The versioned fleet report of ``hosts`` (name -> host entry, sorted by name): the one way
    a report is built, from one run's collector or from merged slice reports."""
    summary = summarise(hosts)
    return dict(
        schema_version=SCHEMA_VERSION,
        generated_at=generated_at,
        started_at=started_at,
        playbook=playbook,
        status=fleet_status(summary),
        score=fleet_score(hosts),
        summary=summary,
        groups=group_rollups(hosts),
        failing_checks=failing_checks(hosts),
        hosts=hosts,
        warnings=list(warnings),
        check_mode=bool(check_mode),
    )


def host_entry(record):
    """Turn a collector record into the report's host entry."""
    checks = sorted(record['checks'].values(), key=_check_order)
    components = {}
    for component in sorted(record['components']):
        statuses = [c['status'] for c in checks
                    if _component_label(c['component'], c.get('instance')) == component]
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


def _check_order(check):
    instance = check.get('instance')
    return (check['component'], instance is not None, instance or '', check['name'],
            check.get('occurrence', 1))


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
    """Group the fail / warn / unknown checks by check (and instance), with the hosts that have them.

    ``status`` is the worst status among those hosts; ``by_status`` says which host has which,
    so a host that only warns is never listed as failing.
    """
    grouped = {}
    for host, entry in hosts.items():
        for check in entry['checks']:
            if check['status'] not in (FAIL, WARN, UNKNOWN):
                continue
            key = (check['component'], check.get('instance'), check['name'])
            item = grouped.get(key)
            if item is None:
                item = grouped[key] = dict(component=check['component'], name=check['name'],
                                           status=check['status'], hosts=[], by_status={})
                if check.get('instance') is not None:
                    item['instance'] = check['instance']
            if not item['hosts'] or item['hosts'][-1] != host:  # a repeated check: the host once
                item['hosts'].append(host)
            item['by_status'].setdefault(check['status'], []).append(host)
            if status_rank(check['status']) > status_rank(item['status']):
                item['status'] = check['status']
    ordered = sorted(grouped.values(),
                     key=lambda i: (-status_rank(i['status']), -len(i['hosts']), i['component'],
                                    i.get('instance') or '', i['name']))
    for item in ordered:
        item['hosts'].sort()
        for names in item['by_status'].values():
            names[:] = sorted(set(names))
    return ordered


def report_title(report, title='FLEET READINESS'):
    """``title``, followed by `` (CHECK MODE)`` for the report of a check-mode run."""
    return title + ' (CHECK MODE)' if report.get('check_mode') else title


def measured_nothing(report):
    """True when no check ran on any host and no host failed or was unreachable.

    The usual cause: ``--tags`` or ``--limit`` that select no area of the role.
    """
    summary = report['summary']
    counts = summary['host_status']
    return (summary['checks'] == 0 and not summary.get('hosts_with_errors')
            and not counts.get(UNREACHABLE))


def summary_lines(report, max_hosts=10, max_lines=40):
    """The terminal summary of a report, as lines of text."""
    summary = report['summary']
    counts = summary['host_status']
    lines = ['%s: %s  (%d hosts, %d checks)' % (
        report_title(report), report['status'].upper(), summary['hosts'], summary['checks'])]
    lines[0] += '  score %s' % ('-' if report.get('score') is None else '%g/100' % report['score'])
    lines.append('hosts: ready %d, warn %d, fail %d, unknown %d, unreachable %d, not evaluated %d' % (
        counts[PASS], counts[WARN], counts[FAIL], counts[UNKNOWN], counts[UNREACHABLE],
        counts[NOT_EVALUATED]))
    if measured_nothing(report):
        lines.append('no area was measured: no check ran on any of the %d hosts '
                     '(do --tags / --limit select an area?)' % summary['hosts'])
    gate = report.get('gate')
    if gate:
        lines.append('gate: %s' % gate.get('verdict'))
    checks = summary['check_status']
    lines.append('checks: ' + ', '.join('%s %d' % (s, checks[s]) for s in STATUSES[::-1]))
    failing = []  # (item, status, hosts): a line per status, naming only the hosts at it
    for item in report['failing_checks']:
        by_status = item.get('by_status') or {item['status']: item['hosts']}
        failing.extend((item, status, by_status[status]) for status in (FAIL, WARN, UNKNOWN)
                       if by_status.get(status))
    failing.sort(key=lambda f: -status_rank(f[1]))  # stable: the report's order within a status
    for item, status, hosts in failing[:max_lines]:
        more = len(hosts) - max_hosts
        shown = ', '.join(hosts[:max_hosts]) + (' (+%d more)' % more if more > 0 else '')
        lines.append('  %-7s %s: %s' % (status.upper(), check_label(item), shown))
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
    for warning in (report.get('warnings') or ())[:max_lines]:
        lines.append('  WARNING %s' % _short(warning, 300))
    return lines


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')
