# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup and restore-drill measurements for ``backup_check``.

Reads what pgBackRest says about its repository (``info --output=json`` once, ``check`` once),
the record ``playbooks/dr_drill.yml`` leaves on the host, the Redis archive directory and the
backup timers.  Nothing is assumed: the cipher is the one ``info`` reports, an age is the
time since the backup's own stop timestamp.  The ``check_*`` functions take parsed data and
a clock reading, so they are unit-tested without pgBackRest.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Catalogue, Check, Option, Runner
from ansible_collections.golive.readiness.plugins.module_utils.host_tools import find_tool, run_tool
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    Component,
    check_result,
    measured,
    skipped,
    unknown,
)

HOUR = 3600.0
DAY = 86400.0
# Where backup_role and dr_drill.yml write; the module's defaults point at the same places.
DRILL_RECORD = '/var/lib/golive-readiness/dr_drill.json'
REDIS_ARCHIVE_DIR = '/var/backups/golive-redis'
TIMERS = ['golive-backup-full.timer', 'golive-backup-diff.timer']


class Session:
    """pgBackRest's answers for one stanza, each asked at most once."""

    def __init__(self, params, clock=time.time):
        self.params = params
        self.now = clock()
        self.tool = find_tool('pgbackrest')
        self._info = None
        self._check = None

    def argv(self, *command):
        """pgbackrest's command line, as the repository's owner when run as root."""
        argv = [self.tool, '--stanza=%s' % self.params['stanza']]
        if self.params.get('config'):
            argv.append('--config=%s' % self.params['config'])
        argv.extend(command)
        user = self.params.get('become_user')
        if user and os.geteuid() == 0:
            runuser = find_tool('runuser')
            if runuser:
                argv = [runuser, '-u', user, '--'] + argv
        return argv

    def unavailable(self):
        """Why pgBackRest cannot be asked at all, or None."""
        if self.tool is None:
            return 'pgbackrest is not installed on this host (no pgbackrest on PATH)'
        config = self.params.get('config')
        if config and not os.path.exists(config):
            return 'the pgBackRest configuration %s does not exist' % config
        return None

    def info(self):
        """``(stanza dict or None, reason)`` from ``pgbackrest info --output=json``."""
        if self._info is None:
            self._info = parse_info(*run_tool(self.argv('--output=json', 'info'), self.params['timeout']))
        return self._info

    def check(self):
        """``(rc, last line of output)`` of ``pgbackrest check``."""
        if self._check is None:
            rc, out, err = run_tool(self.argv('check'), self.params['timeout'])
            self._check = (rc, last_line(err) or last_line(out))
        return self._check


def last_line(text):
    """The last non-empty line of a tool's output, for a message."""
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    return lines[-1] if lines else ''


def parse_info(rc, out, err):
    """``(stanza, None)`` or ``(None, reason)`` from the output of ``info --output=json``.

    A repository that is missing or cannot be read is a reason, not a stanza: pgBackRest
    says so in the stanza's ``status`` (code 1 missing stanza path, 99 other errors, such as a
    wrong cipher passphrase) and the repository's own status.
    """
    if rc is None or rc < 0:
        return None, 'pgbackrest info did not run: %s' % (err.strip() or 'no output')
    try:
        data = json.loads(out)
    except ValueError:
        return None, 'pgbackrest info failed (rc %s): %s' % (rc, last_line(err) or last_line(out))
    if not isinstance(data, list) or not data:
        return None, 'pgbackrest info listed no stanza'
    stanza = data[0]
    status = stanza.get('status') or {}
    if status.get('code') not in (0, 2):
        # 2: "no valid backups": the repository is there, the age checks say what is missing.
        repos = [repo.get('status', {}).get('message') for repo in stanza.get('repo') or ()]
        detail = '; '.join(m.splitlines()[0] for m in repos if m) or status.get('message') or 'unknown error'
        return None, 'the repository of stanza %s cannot be read: %s' % (stanza.get('name'), detail)
    return stanza, None


def backups(stanza, types):
    """The stanza's finished backups of ``types``, oldest first."""
    found = [b for b in stanza.get('backup') or () if b.get('type') in types and not b.get('error')]
    return sorted(found, key=lambda b: (b.get('timestamp') or {}).get('stop') or 0)


def check_backup_age(name, stanza, types, now, opts, what):
    """Hours since the newest backup of ``types`` stopped; none at all is a ``fail``."""
    found = backups(stanza, types)
    if not found:
        return check_result(name, FAIL, unit='h', warn=opts['warn'], fail=opts['fail'],
                            message='no %s backup in the repository of stanza %s' % (what, stanza.get('name')),
                            remediation='Take one (pgbackrest --stanza=%s --type=full backup) and check the '
                                        'backup timers.' % stanza.get('name'))
    newest = found[-1]
    stop = newest['timestamp']['stop']
    age = round(max(0.0, now - stop) / HOUR, 2)
    return measured(name, age, 'h', opts['warn'], opts['fail'],
                    subject='age of the last %s backup %s' % (what, newest.get('label')),
                    remediation='Backups have stopped: check the timers (systemctl list-timers '
                                "'golive-backup-*'), the service's journal and the repository's free space.",
                    details={'label': newest.get('label'), 'type': newest.get('type'),
                             'stopped_at': stop, 'backups': len(found)})


def check_verified(session, stanza):
    """``pgbackrest check`` passes: the cluster archives WAL into a repository it can read."""
    rc, line = session.check()
    details = {'status': (stanza.get('status') or {}).get('message')}
    if rc == 0:
        return check_result('verified', PASS, value=True, details=details,
                            message='pgbackrest check passed: WAL is archived to a repository that reads back')
    if rc is None or rc < 0:
        return unknown('verified', 'pgbackrest check did not run: %s' % line)
    return check_result('verified', FAIL, value=False, details=details,
                        message='pgbackrest check failed (rc %s): %s' % (rc, line),
                        remediation='Read the error: the cluster is down, archive_command is wrong, '
                                    'or the repository is unreachable or full.')


def check_encryption(stanza, opts):
    """The repository's cipher as ``info`` reports it; ``none`` fails."""
    ciphers = sorted(set(repo.get('cipher') or 'none' for repo in stanza.get('repo') or ())) or [
        stanza.get('cipher') or 'none']
    plain = [c for c in ciphers if c == 'none']
    if plain:
        return check_result('encryption', FAIL, value=', '.join(ciphers),
                            message='the backup repository is not encrypted (cipher %s)' % ', '.join(ciphers),
                            remediation='Set repo1-cipher-type=aes-256-cbc with a passphrase from a vault '
                                        '(golive.readiness.backup role) in a new repository.')
    if opts['expected'] and any(c != opts['expected'] for c in ciphers):
        return check_result('encryption', FAIL, value=', '.join(ciphers),
                            message='the repository cipher is %s, expected %s' % (', '.join(ciphers), opts['expected']),
                            remediation='Recreate the repository with the expected cipher.')
    return check_result('encryption', PASS, value=', '.join(ciphers),
                        message='the backup repository is encrypted (%s, read from pgbackrest info)' % ', '.join(ciphers))


def check_wal_archive(stanza):
    """WAL archive continuity: every backup's WAL range lies inside the archived range.

    A restore needs the WAL from the start of the backup it uses to the end; an archive whose
    oldest segment is newer than the oldest backup's start, or whose newest is older than the
    newest backup's stop, has a hole that point-in-time recovery falls into.
    """
    found = backups(stanza, ('full', 'diff', 'incr'))
    archives = stanza.get('archive') or []
    if not found:
        return skipped('wal_archive', 'no backup yet: no WAL range to hold to the archive')
    if not archives or not archives[-1].get('max'):
        return check_result('wal_archive', FAIL, message='no WAL is archived for stanza %s' % stanza.get('name'),
                            remediation="Set archive_mode = on and archive_command = 'pgbackrest "
                                        "--stanza=%s archive-push %%p', then restart." % stanza.get('name'))
    current = archives[-1]
    low, high = current.get('min') or '', current.get('max') or ''
    # WAL segment names sort in the order they were written (timeline, log, segment).
    holes = ['%s needs %s..%s' % (b.get('label'), b['archive']['start'], b['archive']['stop'])
             for b in found if (b.get('archive') or {}).get('start')
             and (b['archive']['start'][8:] < low[8:] or b['archive']['stop'][8:] > high[8:])]
    details = {'archive_id': current.get('id'), 'min': low, 'max': high}
    if holes:
        return check_result('wal_archive', FAIL, value=False, details=details,
                            message='the WAL archive (%s..%s) misses what backups need: %s' % (low, high, '; '.join(holes)),
                            remediation='Take a new full backup, then find why WAL went missing (archive_command errors '
                                        'in the PostgreSQL log).')
    return check_result('wal_archive', PASS, value=True, details=details,
                        message='WAL archived from %s to %s covers all %d backups' % (low, high, len(found)))


def check_size_change(stanza, opts):
    """Change of the database size between the last two backups, in percent of the earlier."""
    found = backups(stanza, ('full', 'diff', 'incr'))
    if len(found) < 2:
        return skipped('size_change', 'fewer than two backups: nothing to compare')
    before, after = (b.get('info', {}).get('size') for b in found[-2:])
    if not before:
        return unknown('size_change', 'the previous backup records no size', unit='percent',
                       warn=opts['warn'], fail=opts['fail'])
    change = round(100.0 * abs(after - before) / before, 2)
    return measured('size_change', change, 'percent', opts['warn'], opts['fail'],
                    subject='database size change from backup %s to %s (%s to %s bytes)' % (
                        found[-2].get('label'), found[-1].get('label'), before, after),
                    remediation='A large jump or drop between backups: make sure data was not lost or '
                                'bulk-loaded by mistake before the release.',
                    details={'previous_bytes': before, 'latest_bytes': after})


def read_drill_record(path):
    """The drill record as a dict, or ``(None, reason)``."""
    try:
        with open(path) as handle:
            record = json.load(handle)
    except (IOError, OSError) as exc:
        return None, 'no restore drill recorded (%s: %s)' % (path, exc.strerror)
    except ValueError:
        return None, 'the drill record %s is not JSON' % path
    if not isinstance(record, dict):
        return None, 'the drill record %s is not a JSON object' % path
    return record, None


def check_restore_drill(now, opts):
    """Days since the last restore drill that passed (``last_passed`` in the drill record)."""
    record, reason = read_drill_record(opts['record'])
    remediation = ('Run playbooks/dr_drill.yml against staging (a restore never tested is a hope, not a '
                   'backup).')
    if record is None:
        return check_result('restore_drill', FAIL, unit='days', warn=opts['warn'], fail=opts['fail'],
                            message=reason, remediation=remediation)
    passed = record.get('last_passed')
    details = dict((k, record.get(k)) for k in ('last_run', 'last_status', 'rto_s', 'rpo_s', 'drill')
                   if record.get(k) is not None)
    if not isinstance(passed, (int, float)):
        return check_result('restore_drill', FAIL, unit='days', warn=opts['warn'], fail=opts['fail'],
                            message='no restore drill has passed yet (last run: %s)' % record.get('last_status'),
                            remediation=remediation, details=details)
    age = round(max(0.0, now - passed) / DAY, 2)
    return measured('restore_drill', age, 'days', opts['warn'], opts['fail'],
                    subject='time since the last passed restore drill', remediation=remediation,
                    details=details)


def check_redis_archive(now, opts):
    """Hours since the newest encrypted Redis archive in ``path`` was written."""
    path = opts['path']
    try:
        names = [n for n in os.listdir(path) if n.endswith(opts['suffix'])]
    except OSError as exc:
        return unknown('redis_archive', 'no Redis archive directory %s (%s)' % (path, exc.strerror),
                       unit='h', warn=opts['warn'], fail=opts['fail'],
                       remediation='Set up the Redis backup (golive.readiness.backup, backup_redis_enabled) '
                                   'or switch this check off on hosts without Redis.')
    if not names:
        return check_result('redis_archive', FAIL, unit='h', warn=opts['warn'], fail=opts['fail'],
                            message='no Redis archive (*%s) in %s' % (opts['suffix'], path),
                            remediation='Run golive-backup-redis.service and read its journal.')
    newest = max(names, key=lambda n: os.stat(os.path.join(path, n)).st_mtime)
    stat = os.stat(os.path.join(path, newest))
    age = round(max(0.0, now - stat.st_mtime) / HOUR, 2)
    return measured('redis_archive', age, 'h', opts['warn'], opts['fail'],
                    subject='age of the newest Redis archive %s' % newest,
                    remediation="Redis archives have stopped: check golive-backup-redis.timer and its journal.",
                    details={'archives': len(names), 'bytes': stat.st_size})


def check_schedule(opts, timeout):
    """Each backup timer is enabled and active (systemd)."""
    systemctl = find_tool('systemctl')
    if systemctl is None:
        return unknown('schedule', 'systemctl is not available: cannot read the backup timers')
    states = {}
    for timer in opts['timers']:
        rc, out, dummy = run_tool([systemctl, 'is-active', timer], timeout)
        states[timer] = out.strip() or 'unknown'
    inactive = sorted(t for t, s in states.items() if s != 'active')
    if inactive:
        return check_result('schedule', FAIL, value=len(states) - len(inactive), details=states,
                            message='backup timers not active: %s' % ', '.join(
                                '%s (%s)' % (t, states[t]) for t in inactive),
                            remediation='Run the golive.readiness.backup role, or systemctl enable --now the timer.')
    return check_result('schedule', PASS, value=len(states), details=states,
                        message='backup timers active: %s' % ', '.join(sorted(states)))


def repository_check(name, probe, unit=None, **kwargs):
    """A check of the pgBackRest repository: ``probe(stanza, session, opts)`` runs on the stanza
    ``info`` read; without pgBackRest or a readable repository the check is ``unknown`` with why."""
    def run(session, opts):
        reason = session.unavailable()
        stanza = None
        if reason is None:
            stanza, reason = session.info()
        if stanza is None:
            return unknown(name, reason, unit=unit, warn=opts.get('warn'), fail=opts.get('fail'),
                           remediation='Install and configure pgBackRest (golive.readiness.backup role), fix '
                                       'the repository, or switch the PostgreSQL backup checks off on this host.')
        return probe(stanza, session, opts)
    return Check(name, run, unit=unit, **kwargs)


# Guide: a full backup at least weekly, a differential daily, a restore tested at least monthly.
CATALOGUE = Catalogue('backup', options=dict(
    stanza=Option('str', 'main'),
    config=Option('path'),
    become_user=Option('str', 'postgres'),
    timeout=Option('float', 120, low=1, high=3600),
), checks=[
    repository_check('full_backup_age', lambda st, s, o: check_backup_age(
        'full_backup_age', st, ('full',), s.now, o, 'full'), unit='h', warn=192, fail=216),
    repository_check('diff_backup_age', lambda st, s, o: check_backup_age(
        'diff_backup_age', st, ('full', 'diff', 'incr'), s.now, o, 'full or differential'),
        unit='h', warn=26, fail=50),
    repository_check('verified', lambda st, s, o: check_verified(s, st), limits=False),
    repository_check('encryption', lambda st, s, o: check_encryption(st, o), limits=False,
                     options=dict(expected=Option('str', 'aes-256-cbc'))),
    repository_check('wal_archive', lambda st, s, o: check_wal_archive(st), limits=False),
    repository_check('size_change', lambda st, s, o: check_size_change(st, o), unit='percent',
                     warn=25, fail=50),
    Check('restore_drill', lambda s, o: check_restore_drill(s.now, o), unit='days', warn=30, fail=90,
          options=dict(record=Option('path', DRILL_RECORD))),
    Check('redis_archive', lambda s, o: check_redis_archive(s.now, o), unit='h', warn=26, fail=50,
          options=dict(path=Option('path', REDIS_ARCHIVE_DIR), suffix=Option('str', '.rdb.enc'))),
    Check('schedule', lambda s, o: check_schedule(o, s.params['timeout']), limits=False,
          options=dict(timers=Option('list', TIMERS, elements='str'))),
])


def input_errors(params, opts):
    """Problems the catalogue cannot see."""
    errors = []
    if not (params.get('stanza') or '').strip():
        errors.append('stanza: must not be empty')
    if opts['schedule']['enabled'] and not opts['schedule']['timers']:
        errors.append('schedule.timers: list at least one timer, or switch schedule off')
    return errors


def measure(params, opts, clock=time.time):
    """Run every switched-on check and return the ``readiness`` result."""
    return CATALOGUE.run(Component('backup'), Session(params, clock), opts).result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs the standard library and pgBackRest's command line only.
    """
    return Runner(CATALOGUE, measure, input_errors)
