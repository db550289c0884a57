# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An auditor's view of the host for ``security_audit``: one bounded Lynis run, judged.

Lynis (CISOfy, GPL) runs ``audit system --quick`` non-interactively, with its report and log
in a private temporary directory (nothing under /var/log is touched), inside a time budget:
past it the whole process group is stopped (TERM, then KILL) and every check says so.  Its
report becomes the checks:

- ``hardening_index``: Lynis's hardening index (0 to 100, lower is worse).
- ``warnings:<TEST-ID>``: each Lynis warning, ``fail``, with Lynis's own remediation (the
  warning's solution, else the suggestions of the same test) and the log lines behind it.
- ``suggestions``: how many suggestions Lynis made (a ``warn`` limit).
- ``tests_skipped``: how many tests Lynis skipped, with the reasons from its log.
- ``previous_audit``: the index moved and the warnings new or resolved since the host's previous
  audit, which is kept on the host (``state_dir``; not written in check mode).

Parsers are pure functions, unit-tested on Lynis's real report format.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Catalogue, Check, Option, Runner
from ansible_collections.golive.readiness.plugins.module_utils.host_tools import find_tool
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    LOWER_IS_WORSE,
    PASS,
    WARN,
    Component,
    check_result,
    evaluate,
    measured,
    skipped,
    unknown,
    worst_status,
)

DEFAULT_STATE_DIR = '/var/lib/golive-readiness'
STATE_FILE = 'lynis-audit.json'
MAX_BUDGET = 3600.0
# Seconds Lynis has to clean up after TERM before the group is killed.
GRACE_S = 5.0
TEST_ID = re.compile(r'^[A-Z]+-[0-9]{4}$')
CONTROL_URL = 'https://cisofy.com/lynis/controls/%s/'
INSTALL_HINT = ('Install Debian\'s package lynis (apt-get install lynis) on the host, or let the '
                'golive.readiness.readiness role install it: readiness_install_dependencies: true.')
LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.*)$')


# ---------------------------------------------------------------- parsers


def parse_report(text):
    """Lynis's ``report.dat`` as a dict: ``key=value``; ``key[]=`` keys collect lists."""
    report = {}
    for line in text.splitlines():
        if '=' not in line or line.startswith('#'):
            continue
        key, value = line.split('=', 1)
        if key.endswith('[]'):
            report.setdefault(key[:-2], []).append(value)
        else:
            report[key] = value
    return report


def parse_finding(value):
    """``TEST-ID|text|details|solution|`` as a dict; ``-`` fields are None."""
    parts = (value.split('|') + ['', '', '', ''])[:4]
    fields = [None if part.strip() in ('', '-') else part.strip() for part in parts]
    return dict(test=fields[0] or 'UNKNOWN', text=fields[1] or '', details=fields[2], solution=fields[3])


def report_list(report, key):
    """A ``|``-separated value of the report (``tests_skipped``) as a list."""
    return [item for item in (report.get(key) or '').split('|') if item]


def parse_log(text, evidence_lines=8):
    """What Lynis's log adds to its report.

    Returns ``(titles, evidence, skip_reasons)``: each test's title, the log lines that led to
    each warning (by test id) and how many tests were skipped for each reason.
    """
    titles, evidence, reasons = {}, {}, {}
    current, lines = None, []
    for raw in text.splitlines():
        match = LOG_LINE.match(raw)
        line = match.group(1) if match else raw
        test = re.match(r'Performing test ID (\S+) \((.*)\)$', line)
        if test:
            current, lines = test.group(1), []
            titles[current] = test.group(2)
            continue
        skip = re.match(r'Reason to skip: (.*)$', line)
        if skip:
            reasons[skip.group(1)] = reasons.get(skip.group(1), 0) + 1
            continue
        warning = re.match(r'Warning: .*\[test:([^\]]+)\]', line)
        if warning:
            evidence.setdefault(warning.group(1), []).extend(lines[-evidence_lines:])
            continue
        if current and line != '====':
            lines.append(line)
    return titles, evidence, reasons


class Audit:
    """One finished Lynis run, parsed; or why there is none (``failure``, ``remediation``)."""

    def __init__(self, report=None, log='', failure=None, remediation=None, seconds=None,
                 partial=False, privileged=True):
        self.failure = failure
        self.remediation = remediation
        self.seconds = seconds
        self.partial = partial
        self.privileged = privileged
        # Set by measure: with store off (and in check mode) nothing is written.
        self.check_mode = False
        self.report = report or {}
        self.titles, self.evidence, self.skip_reasons = parse_log(log or '')
        self.warnings = [parse_finding(v) for v in self.report.get('warning', [])]
        self.suggestions = [parse_finding(v) for v in self.report.get('suggestion', [])]
        try:
            self.index = int(self.report['hardening_index'])
        except (KeyError, ValueError):
            self.index = None

    def summary(self):
        """What the state file keeps of this audit, for the next one to compare with."""
        warnings = {}
        for finding in self.warnings:
            warnings.setdefault(finding['test'], finding['text'])
        return dict(time=self.report.get('report_datetime_end'), lynis_version=self.report.get('lynis_version'),
                    hardening_index=self.index, warnings=warnings, suggestions=len(self.suggestions),
                    partial=self.partial)


# ---------------------------------------------------------------- running Lynis


def lynis_running(pid_files=('/var/run/lynis.pid', '/run/lynis.pid')):
    """The pid of a Lynis audit already running (its PID file and a live process), else None."""
    for path in pid_files:
        try:
            with open(path) as stream:
                pid = int(stream.read().strip())
            with open('/proc/%d/cmdline' % pid, 'rb') as stream:
                if b'lynis' in stream.read():
                    return pid
        except (IOError, OSError, ValueError):
            continue
    return None


def stop_group(proc, grace_s=GRACE_S):
    """Stop ``proc`` and everything it started: TERM (Lynis cleans up), then KILL."""
    for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, grace_s)):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            return
        try:
            proc.wait(timeout=wait)
            # The shell may be gone while commands it started still run in the group.
            os.killpg(proc.pid, 0)
        except subprocess.TimeoutExpired:
            continue
        except OSError:
            return


def remove_own_pid_file(pid, pid_files=('/var/run/lynis.pid', '/run/lynis.pid')):
    """Remove the PID file a stopped Lynis left, only when it is the one we started."""
    for path in pid_files:
        try:
            with open(path) as stream:
                if stream.read().strip() == str(pid):
                    os.unlink(path)
        except (IOError, OSError):
            continue


def lynis_argv(lynis, workdir, params):
    """The command line of a quick, non-interactive audit writing only into ``workdir``."""
    argv = [lynis, 'audit', 'system', '--quick', '--no-colors',
            '--report-file', os.path.join(workdir, 'report.dat'),
            '--log-file', os.path.join(workdir, 'lynis.log')]
    if params.get('profile'):
        argv += ['--profile', params['profile']]
    if params.get('tests'):
        argv += ['--tests', ' '.join(params['tests'])]
    return argv


def tail(text, lines=3):
    """The last lines of a command's output, on one line."""
    return ' | '.join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def run_lynis(params, clock=time.monotonic):
    """Run one audit within ``params['budget_s']`` and return its :class:`Audit`."""
    partial = bool(params.get('tests'))
    lynis = params.get('lynis_path') or find_tool('lynis')
    if not lynis or not os.access(lynis, os.X_OK):
        where = params.get('lynis_path') or 'on PATH or in /usr/sbin, /usr/bin'
        return Audit(failure='Lynis is not installed (not found %s): no audit' % where,
                     remediation=INSTALL_HINT, partial=partial)
    other = lynis_running()
    if other:
        return Audit(failure='another Lynis audit is running (pid %d): not started a second one' % other,
                     remediation='Run the readiness check after that audit finished.', partial=partial)
    budget = params['budget_s']
    workdir = tempfile.mkdtemp(prefix='golive-lynis-')
    try:
        output = open(os.path.join(workdir, 'output.txt'), 'w+')
        env = dict(os.environ, LANG='C', LC_ALL='C',
                   PATH=os.environ.get('PATH', '/usr/bin:/bin') + ':/usr/sbin:/sbin:/usr/local/sbin')
        start = clock()
        try:
            # Its own session: on the budget the whole group (Lynis is a shell script) is stopped.
            proc = subprocess.Popen(lynis_argv(lynis, workdir, params), stdin=subprocess.DEVNULL,
                                    stdout=output, stderr=subprocess.STDOUT, cwd=workdir, env=env,
                                    start_new_session=True)
        except OSError as exc:
            return Audit(failure='cannot start %s: %s' % (lynis, exc.strerror or exc),
                         remediation=INSTALL_HINT, partial=partial)
        try:
            rc = proc.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            stop_group(proc)
            remove_own_pid_file(proc.pid)
            done = 0
            try:
                with open(os.path.join(workdir, 'lynis.log'), errors='replace') as stream:
                    done = stream.read().count('Performing test ID')
            except (IOError, OSError):
                pass
            return Audit(failure='the Lynis audit did not finish within its budget (budget_s %g s): '
                                 'stopped after %.1f s, %d tests done' % (budget, clock() - start, done),
                         remediation='Raise budget_s (a full audit takes tens of seconds, minutes on a '
                                     'busy host), or audit fewer tests (tests, or a profile with skip-test).',
                         seconds=clock() - start, partial=partial)
        seconds = clock() - start
        output.seek(0)
        out = output.read()
        output.close()
        try:
            with open(os.path.join(workdir, 'report.dat'), errors='replace') as stream:
                report = parse_report(stream.read())
        except (IOError, OSError):
            report = {}
        if rc != 0 or 'hardening_index' not in report and not partial:
            return Audit(failure='Lynis exited with code %s without a complete report: %s'
                                 % (rc, tail(out) or 'no output'),
                         remediation='Run "lynis audit system --quick" on the host to see why.',
                         seconds=seconds, partial=partial)
        try:
            with open(os.path.join(workdir, 'lynis.log'), errors='replace') as stream:
                log = stream.read()
        except (IOError, OSError):
            log = ''
        audit = Audit(report, log, seconds=seconds, partial=partial, privileged=os.geteuid() == 0)
        if params.get('keep_report') and params.get('store', True):
            with open(os.path.join(workdir, 'report.dat'), 'rb') as stream:
                write_private(params['keep_report'], stream.read())
        return audit
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- the checks


def not_audited(name, audit, unit=None, opts=None):
    """The record of a check that has no audit to judge."""
    opts = opts or {}
    return unknown(name, audit.failure, unit=unit, warn=opts.get('warn'), fail=opts.get('fail'),
                   remediation=audit.remediation)


def check_index(audit, opts):
    """``hardening_index``: Lynis's hardening index against its limits."""
    name = 'hardening_index'
    if audit.failure:
        return not_audited(name, audit, opts=opts)
    if audit.partial:
        return skipped(name, 'not judged: only the tests in "tests" ran, so the index covers them only')
    details = dict(lynis_version=audit.report.get('lynis_version'), tests_done=audit.report.get('lynis_tests_done'),
                   seconds=round(audit.seconds or 0, 1), privileged=audit.privileged,
                   report_time=audit.report.get('report_datetime_end'))
    record = measured(name, audit.index, None, opts['warn'], opts['fail'], LOWER_IS_WORSE,
                      subject='the Lynis hardening index', details=details,
                      remediation='Act on the Lynis warnings and suggestions of this host (the '
                                  'golive.readiness.hardening role covers most), then audit again.')
    record['message'] += ' after %s tests in %.0f s' % (details['tests_done'], audit.seconds or 0)
    if not audit.privileged:
        record['message'] += '; Lynis ran unprivileged (run as root for the full audit)'
    return record


def warning_remediation(test, findings, suggestions):
    """Lynis's own advice for a warning: its solution, else the same test's suggestions."""
    advice = [f['solution'] for f in findings if f['solution']]
    if not advice:
        advice = [' '.join(part for part in (s['text'], s['details'] and '(%s)' % s['details']) if part)
                  for s in suggestions if s['test'] == test]
    advice = [a.rstrip('.') + '.' for a in advice if a]
    return ' '.join(advice + ['Lynis control %s: %s' % (test, CONTROL_URL % test)])


def check_warnings(audit, _opts):
    """``warnings:<TEST-ID>``: every Lynis warning, ``fail``; ``warnings`` passes with none."""
    if audit.failure:
        return not_audited('warnings', audit, unit='count')
    if not audit.warnings:
        return check_result('warnings', PASS, value=0, unit='count', message='Lynis found no warning')
    by_test = {}
    for finding in audit.warnings:
        by_test.setdefault(finding['test'], []).append(finding)
    records = []
    for test, findings in sorted(by_test.items()):
        texts = '; '.join(f['text'] + (' (%s)' % f['details'] if f['details'] else '') for f in findings)
        title = audit.titles.get(test)
        records.append(check_result(
            'warnings:%s' % test, FAIL, value=len(findings), unit='count',
            message='Lynis warning %s%s: %s' % (test, ' (%s)' % title if title else '', texts),
            remediation=warning_remediation(test, findings, audit.suggestions),
            details=dict(test=test, title=title, evidence=audit.evidence.get(test, []))))
    return records


def check_suggestions(audit, opts):
    """``suggestions``: the number of Lynis suggestions against a warn limit."""
    name = 'suggestions'
    if audit.failure:
        return not_audited(name, audit, 'count', opts)
    items = ['%s: %s%s' % (s['test'], s['text'], ' (%s)' % s['details'] if s['details'] else '')
             for s in audit.suggestions]
    return measured(name, len(items), 'count', opts['warn'], opts['fail'], subject='Lynis suggestions',
                    details=dict(suggestions=items[:100]),
                    remediation='Work through the suggestions (details list them), or skip the '
                                'ones that do not apply in a Lynis profile (skip-test=TEST-ID).')


def check_skipped(audit, opts):
    """``tests_skipped``: how many tests Lynis skipped, and why."""
    name = 'tests_skipped'
    if audit.failure:
        return not_audited(name, audit, 'count', opts)
    skipped_tests = report_list(audit.report, 'tests_skipped')
    reasons = sorted(audit.skip_reasons.items(), key=lambda item: -item[1])
    record = measured(name, len(skipped_tests), 'count', opts['warn'], opts['fail'], subject='tests skipped by Lynis',
                      details=dict(reasons=dict(reasons), tests=skipped_tests[:50]),
                      remediation='Install what the skipped tests need (details give the reasons), '
                                  'or run the audit as root.')
    if reasons:
        record['message'] += '; most often: %s' % ', '.join('%s (%d)' % item for item in reasons[:3])
    return record


def load_state(path):
    """The previous audit's summary, or None when there is none (or it does not parse)."""
    try:
        with open(path) as stream:
            state = json.load(stream)
    except (IOError, OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def write_private(path, data):
    """Write ``data`` (bytes) to ``path``, mode 0600, replaced atomically: a reader never sees half."""
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o700)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.%s.' % os.path.basename(path))
    try:
        with os.fdopen(fd, 'wb') as stream:
            stream.write(data)
        os.rename(tmp, path)
    except Exception:
        os.unlink(tmp)
        raise


def store_state(path, summary):
    """Keep this audit's summary for the next run."""
    write_private(path, json.dumps(summary, indent=1, sort_keys=True).encode('utf-8'))


def compare(previous, current, opts):
    """The ``previous_audit`` record of ``current`` against ``previous`` (two summaries)."""
    name = 'previous_audit'
    new = sorted(set(current['warnings']) - set(previous.get('warnings') or {}))
    resolved = sorted(set(previous.get('warnings') or {}) - set(current['warnings']))
    details = dict(previous_time=previous.get('time'), previous_index=previous.get('hardening_index'),
                   index=current['hardening_index'], new_warnings=new, resolved_warnings=resolved,
                   previous_suggestions=previous.get('suggestions'), suggestions=current['suggestions'])
    both_full = not current['partial'] and not previous.get('partial') and isinstance(
        previous.get('hardening_index'), int) and current['hardening_index'] is not None
    moved = current['hardening_index'] - previous['hardening_index'] if both_full else None
    if moved is None:
        status = PASS
        text = 'the index is not compared (an audit of some tests only)'
    else:
        status = evaluate(moved, opts['warn'], opts['fail'], LOWER_IS_WORSE)
        text = 'the hardening index moved %+d (%d -> %d)' % (
            moved, previous['hardening_index'], current['hardening_index'])
    if new:
        status = worst_status([status, WARN])
    message = 'since the audit of %s: %s; new warnings: %s; resolved: %s' % (
        previous.get('time') or 'an unknown time', text, ', '.join(new) or 'none', ', '.join(resolved) or 'none')
    return check_result(name, status, value=moved, unit='points', warn=opts['warn'], fail=opts['fail'],
                        message=message, details=details,
                        remediation='See what changed on the host since the previous audit: the new '
                                    'warnings are failing checks of their own.')


def check_previous(audit, opts):
    """``previous_audit``: compare with the host's previous audit, then keep this one (not in check mode)."""
    name = 'previous_audit'
    if audit.failure:
        return not_audited(name, audit, 'points', opts)
    path = os.path.join(opts['state_dir'], STATE_FILE)
    previous = load_state(path)
    current = audit.summary()
    note = ''
    if not audit.check_mode:
        try:
            store_state(path, current)
        except (IOError, OSError) as exc:
            note = '; this audit was not kept (%s: %s)' % (path, exc.strerror or exc)
    else:
        note = '; check mode: this audit was not kept'
    if previous is None:
        record = skipped(name, 'no previous audit on this host to compare with (%s)%s'
                         % (path, note or '; this one is kept for the next run'))
        return record
    record = compare(previous, current, opts)
    record['message'] += note
    return record


# The probes take the audit: it runs once, before any of them (see measure).
CATALOGUE = Catalogue('lynis', checks=[
    Check('hardening_index', check_index, direction=LOWER_IS_WORSE, warn=75, fail=60,
          domain=(0, 100, False)),
    Check('warnings', check_warnings, limits=False),
    Check('suggestions', check_suggestions, unit='count', warn=20),
    Check('tests_skipped', check_skipped, unit='count'),
    Check('previous_audit', check_previous, unit='points', direction=LOWER_IS_WORSE, warn=-1,
          domain=(-100, 100, False), options=dict(state_dir=Option('path', DEFAULT_STATE_DIR))),
], options=dict(
    lynis_path=Option('path'),
    budget_s=Option('float', 600, low=0, high=MAX_BUDGET, low_open=True),
    profile=Option('path'),
    tests=Option('list', [], elements='str'),
    keep_report=Option('path'),
    store=Option('bool', True),
))


def input_errors(params, opts):
    """Problems the catalogue cannot see: test ids, the profile, where to keep the report and state."""
    errors = ['tests: %r is not a Lynis test id (like AUTH-9283)' % test
              for test in params.get('tests') or () if not TEST_ID.match(test)]
    if params.get('profile') and not os.path.isfile(params['profile']):
        errors.append('profile: %s is not a file' % params['profile'])
    for key, path in (('keep_report', params.get('keep_report')),
                      ('previous_audit.state_dir', opts['previous_audit']['state_dir'])):
        if path and not os.path.isabs(path):
            errors.append('%s: %s is not an absolute path' % (key, path))
    keep = params.get('keep_report')
    if keep and os.path.isabs(keep) and not os.path.isdir(os.path.dirname(keep)):
        errors.append('keep_report: the directory %s does not exist' % os.path.dirname(keep))
    return errors


def measure(params, opts, run=run_lynis):
    """Run Lynis once (when any check is on), judge its report and return the ``readiness`` result."""
    audit = None
    if any(opts[check.name].get('enabled', True) for check in CATALOGUE.checks):
        audit = run(params)
        audit.check_mode = not params.get('store', True)
    return CATALOGUE.run(Component('lynis'), audit, opts).result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs the standard library and Lynis's command line only.
    """
    return Runner(CATALOGUE, measure, input_errors)
