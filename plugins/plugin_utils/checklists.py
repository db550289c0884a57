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
# A pattern is ``component/record``: the record names of the catalogues (0.2.0 and later),
# ``name`` or ``name:<qualifier>``; tests/unit/plugins/plugin_utils/test_checklists.py holds
# every pattern to a check of the current catalogues, so a renamed check fails a test.
CHECKLISTS = (
    ('Before deployment', (
        ('Every host is reachable', ('@reachable',)),
        ('Disk space below limits on every filesystem', ('system/disk:*', 'system/inodes:*')),
        ('Memory and swap headroom', ('system/memory', 'system/swap')),
        ('CPU and load normal', ('system/load', 'system/cpu', 'system/cpu_count')),
        ('Storage answers fast enough (fsync latency)', ('system/io_latency:*',)),
        ('Databases accept connections and answer fast', ('postgres/*',)),
        ('Cache healthy (memory, hit ratio, persistence)', ('redis/*',)),
        ('Services listen on the expected ports only', ('ports/*',)),
        ('Peers, DNS and firewall as expected', ('network/*',)),
        ('TLS certificates valid and not expiring soon', ('tls/*',)),
        ('Security posture without findings', ('security/*',)),
        ('Backups taken and a restore tested', ('backup/full_backup_age*', 'backup/restore_drill')),
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
        ('Application endpoints answer within response-time limits', ('http/response_time:*',)),
        ('Databases and cache healthy', ('postgres/*', 'redis/*')),
        ('No host left with a failing check', ('*/*',)),
        ('Smoke tests of the main user journeys passed', ()),
        ('Monitoring shows no new alerts for 30 minutes', ()),
    )),
    # The guide's compliance list: audit logs, retention, least privilege, encryption (R16).
    # postgres/tls, redis/encryption and postgres/logging are judged only when required (else
    # skip, which ticks nothing); backup/encryption is backup_check's.
    ('Compliance', (
        ('Security audit (Lynis) without warnings, hardening index within limits', ('lynis/*',)),
        ('Audit logs kept: persistent journal with the required retention, auditd running',
         ('security/journald', 'security/auditd')),
        ('Logs forwarded off the host and database activity logged',
         ('security/log_forwarding', 'postgres/logging')),
        ('Least privilege: sudo grants, service accounts, database and cache roles',
         ('security/sudoers', 'security/root_services', 'postgres/privileges', 'redis/default_user')),
        ('Strong authentication: protected endpoints refuse anonymous requests, failed logins lock out',
         ('http/auth:*', 'http/lockout:*')),
        ('Communication encrypted in transit (HTTPS only, database and cache TLS, certificates)',
         ('http/https_only:*', 'postgres/tls', 'redis/encryption', 'tls/*')),
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
