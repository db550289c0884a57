# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness guide's operations checklists, ticked from a fleet report.

An item that names check patterns (``component/check``, shell-style wildcards)
is ``done`` when every matching check on every host passes, ``failed`` when any
fails or warns, and ``unknown`` when none ran or one could not measure.  An item
without patterns is ``manual``: a person ticks it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch

DONE, FAILED, UNKNOWN_STATE, MANUAL = 'done', 'failed', 'unknown', 'manual'

# (text, patterns); the special pattern ``@reachable`` means "every host answered".
CHECKLISTS = (
    ('Before deployment', (
        ('Every host is reachable', ('@reachable',)),
        ('Disk space below limits on every filesystem', ('system/disk_usage:*', 'system/inode_usage:*')),
        ('Memory and swap headroom', ('system/memory_available', 'system/swap_used')),
        ('CPU and load normal', ('system/load_per_core', 'system/cpu_utilisation', 'system/cpu_count')),
        ('Storage answers fast enough (fsync latency)', ('system/io_latency:*',)),
        ('Databases accept connections and answer fast', ('postgres/*',)),
        ('Cache healthy (memory, hit ratio, persistence)', ('redis/*',)),
        ('Services listen on the expected ports only', ('ports/*',)),
        ('Peers, DNS and firewall as expected', ('network/*',)),
        ('TLS certificates valid and not expiring soon', ('tls/*',)),
        ('Security posture without findings', ('security/*',)),
        ('Backups taken and a restore tested', ()),
        ('Rollback plan written and rehearsed', ()),
        ('Release notes and change ticket approved', ()),
        ('On-call engineer and stakeholders informed', ()),
    )),
    ('During deployment', (
        ('Health endpoints answer while rolling out', ('http/*',)),
        ('Containers running and healthy', ('docker/*',)),
        ('Load test within p95, error-rate and throughput limits', ('load/*',)),
        ('Dashboards and alerts watched by a person', ()),
    )),
    ('After deployment', (
        ('Every host is reachable', ('@reachable',)),
        ('Application endpoints answer within response-time limits', ('http/*',)),
        ('Databases and cache healthy', ('postgres/*', 'redis/*')),
        ('No host left with a failing check', ('*/*',)),
        ('Smoke tests of the main user journeys passed', ()),
        ('Monitoring shows no new alerts for 30 minutes', ()),
    )),
    # The guide's compliance list: audit logs, retention, least privilege, encryption (R16).
    # postgres/tls is judged only with tls.required (else skip); backup/encryption is backup_check's.
    ('Compliance', (
        ('Security audit (Lynis) without warnings, hardening index within limits', ('lynis/*',)),
        ('Audit logs kept: persistent journal with the required retention, auditd running',
         ('security/journald', 'security/auditd')),
        ('Least privilege: sudo grants and service accounts', ('security/sudoers', 'security/root_services')),
        ('Communication encrypted in transit (HTTPS only, database TLS, certificates)',
         ('http/https_only:*', 'postgres/tls', 'tls/*')),
        ('Backups encrypted', ('backup/encryption',)),
        ('Access to production reviewed and access logs kept', ()),
    )),
    ('Incident', (
        ('Failing checks identified with their hosts (see failing checks)', ('*/*',)),
        ('Incident commander named and status page updated', ()),
        ('Decision taken: fix forward or roll back', ()),
        ('Post-incident review scheduled', ()),
    )),
)


def check_index(report):
    """Map each distinct ``component/check`` to the statuses it has across the fleet.

    Patterns are matched against these few hundred keys, not against every check
    of every host.
    """
    index = {}
    for entry in (report.get('hosts') or {}).values():
        for check in entry.get('checks') or ():
            key = '%s/%s' % (check.get('component'), check.get('name'))
            index.setdefault(key, []).append(check.get('status'))
    return index


def _matching(index, patterns):
    """Statuses of the checks matching ``patterns``."""
    statuses = []
    for key, found in index.items():
        if any(fnmatch.fnmatchcase(key, p) for p in patterns):
            statuses.extend(found)
    return statuses


def item_state(report, patterns, index=None):
    """``(state, detail)`` of one checklist item (``index``: see :func:`check_index`)."""
    if not patterns:
        return MANUAL, 'for a person to tick'
    hosts = report.get('hosts') or {}
    if '@reachable' in patterns:
        down = sorted(h for h, e in hosts.items() if e.get('unreachable'))
        if not hosts:
            return UNKNOWN_STATE, 'no hosts in the report'
        if down:
            return FAILED, 'unreachable: %s' % ', '.join(down[:10])
        return DONE, '%d hosts answered' % len(hosts)
    if index is None:
        index = check_index(report)
    statuses = [s for s in _matching(index, patterns) if s != 'skip']
    if not statuses:
        return UNKNOWN_STATE, 'no check covers it in this run'
    bad = sum(1 for s in statuses if s in ('fail', 'warn'))
    if bad:
        return FAILED, '%d of %d checks fail or warn' % (bad, len(statuses))
    if 'unknown' in statuses:
        return UNKNOWN_STATE, '%d checks could not measure' % statuses.count('unknown')
    return DONE, '%d checks pass' % len(statuses)


def evaluate(report):
    """Every checklist with each item's state, from ``report``."""
    out = []
    index = check_index(report)
    for title, items in CHECKLISTS:
        rendered = []
        for text, patterns in items:
            state, detail = item_state(report, patterns, index)
            rendered.append(dict(text=text, state=state, detail=detail,
                                 checks=[p for p in patterns if not p.startswith('@')]))
        out.append(dict(name=title, items=rendered))
    return out
