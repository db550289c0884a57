"""security_audit's parsers and judgements on Lynis 3.0.8's real report and log format.

The audit itself runs for real in tests/e2e/test_security_audit.py and the hardening scenario.
"""

import json
import os

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.probes import security_audit as p
from catalogue_params import all_errors, module_params

# Lines of a real report (Debian 12 container, Lynis 3.0.8), shortened.
REPORT = """report_version_major=1
lynis_version=3.0.8
report_datetime_end=2026-11-27 13:57:03
suggestion[]=LYNIS|This release is more than 4 months old.|-|-|
warning[]=PKGS-7392|Found one or more vulnerable packages.|-|-|
suggestion[]=PKGS-7392|Update your system with apt-get update, apt-get upgrade, apt-get dist-upgrade and/or unattended-upgrades|-|-|
warning[]=AUTH-9283|Found accounts without password|-|-|
suggestion[]=SSH-7408|Consider hardening SSH configuration|MaxAuthTries (set 6 to 3)|-|
lynis_tests_done=240
hardening_index=58
tests_executed=HRDN-7231|AUTH-9283|
tests_skipped=MALW-3288|MALW-3286|TOOL-5104|
"""

LOG = """2026-11-27 13:58:10 Performing test ID AUTH-9283 (Checking accounts without password)
2026-11-27 13:58:10 Test: Checking passwordless accounts
2026-11-27 13:58:10 Result: found one or more accounts without password
2026-11-27 13:58:10 Account without password: sec-nopw
2026-11-27 13:58:10 Warning: Found accounts without password [test:AUTH-9283] [details:-] [solution:-]
2026-11-27 13:58:10 ====
2026-11-27 13:58:10 Skipped test AUTH-9284 (Check locked user accounts in /etc/passwd)
2026-11-27 13:58:10 Reason to skip: Test not in list of tests to perform
2026-11-27 13:58:10 ====
2026-11-27 13:58:11 Skipped test MALW-3288 (Check for ClamAV)
2026-11-27 13:58:11 Reason to skip: Prerequisites not met (ie missing tool, other type of Linux distribution)
"""


def audit(report=REPORT, log=LOG, **kwargs):
    return p.Audit(p.parse_report(report), log, seconds=12.5, **kwargs)


def opts(**overrides):
    return p.CATALOGUE.merged(module_params(p.CATALOGUE, **overrides))


def test_report_and_log_parse():
    parsed = audit()
    assert parsed.index == 58 and len(parsed.warnings) == 2 and len(parsed.suggestions) == 3
    assert parsed.warnings[0] == dict(test='PKGS-7392', text='Found one or more vulnerable packages.',
                                      details=None, solution=None)
    assert parsed.titles['AUTH-9283'] == 'Checking accounts without password'
    assert 'Account without password: sec-nopw' in parsed.evidence['AUTH-9283']
    assert parsed.skip_reasons == {'Test not in list of tests to perform': 1,
                                   'Prerequisites not met (ie missing tool, other type of Linux distribution)': 1}
    assert p.report_list(parsed.report, 'tests_skipped') == ['MALW-3288', 'MALW-3286', 'TOOL-5104']


def test_every_warning_fails_with_its_test_id_and_lynis_advice():
    records = p.check_warnings(audit(), {})
    assert [r['name'] for r in records] == ['warnings:AUTH-9283', 'warnings:PKGS-7392']
    assert all(r['status'] == 'fail' for r in records)
    auth, pkgs = records
    assert 'Checking accounts without password' in auth['message']
    assert auth['remediation'].endswith('https://cisofy.com/lynis/controls/AUTH-9283/')
    # No solution with the warning: the suggestion of the same test is Lynis's advice.
    assert pkgs['remediation'].startswith('Update your system with apt-get update')
    none = p.check_warnings(audit(REPORT.replace('warning[]', 'x')), {})
    assert none['status'] == 'pass' and none['value'] == 0


@pytest.mark.parametrize('index, status', [(76, 'pass'), (75, 'warn'), (60, 'warn'), (59, 'fail')])
def test_index_limits_follow_the_boundary_rule(index, status):
    record = p.check_index(audit(REPORT.replace('hardening_index=58', 'hardening_index=%d' % index)),
                           opts()['hardening_index'])
    assert record['status'] == status and record['value'] == index


def test_partial_audit_and_failure():
    assert p.check_index(audit(partial=True), opts()['hardening_index'])['status'] == 'skip'
    failed = p.Audit(failure='Lynis is not installed', remediation=p.INSTALL_HINT)
    for check in p.CATALOGUE.checks:
        record = check.probe(failed, opts()[check.name])
        assert record['status'] == 'unknown' and 'readiness_install_dependencies' in record['remediation']


def test_suggestions_and_skipped_counts():
    record = p.check_suggestions(audit(), dict(warn=3, fail=None))
    assert record['status'] == 'warn' and record['value'] == 3
    assert 'SSH-7408: Consider hardening SSH configuration (MaxAuthTries (set 6 to 3))' in record['details']['suggestions']
    record = p.check_skipped(audit(), dict(warn=None, fail=None))
    assert record['status'] == 'pass' and record['value'] == 3 and 'Prerequisites not met' in record['message']


def test_previous_audit_is_compared_then_kept(tmp_path):
    settings = dict(opts()['previous_audit'], state_dir=str(tmp_path / 'state'))
    first = p.check_previous(audit(), settings)
    assert first['status'] == 'skip' and 'no previous audit' in first['message']
    kept = json.loads((tmp_path / 'state' / p.STATE_FILE).read_text())
    assert kept['hardening_index'] == 58 and sorted(kept['warnings']) == ['AUTH-9283', 'PKGS-7392']
    assert oct(os.stat(str(tmp_path / 'state' / p.STATE_FILE)).st_mode & 0o777) == '0o600'
    better = REPORT.replace('hardening_index=58', 'hardening_index=61').replace('warning[]=PKGS', 'x=')
    record = p.check_previous(audit(better), settings)
    assert record['status'] == 'pass' and record['value'] == 3
    assert record['details']['resolved_warnings'] == ['PKGS-7392'] and record['details']['new_warnings'] == []
    worse = REPORT.replace('hardening_index=58', 'hardening_index=55')
    record = p.check_previous(audit(worse), settings)
    assert record['status'] == 'warn' and record['value'] == -6 and 'new warnings: PKGS-7392' in record['message']


def test_check_mode_keeps_nothing(tmp_path):
    settings = dict(opts()['previous_audit'], state_dir=str(tmp_path))
    run = audit()
    run.check_mode = True
    assert 'check mode' in p.check_previous(run, settings)['message']
    assert not os.listdir(str(tmp_path))


def test_measure_runs_lynis_once_and_not_at_all_when_everything_is_off():
    calls = []

    def fake_run(params):
        calls.append(params)
        return audit()
    all_off = dict((c.name, {'enabled': False}) for c in p.CATALOGUE.checks)
    result = p.measure({}, opts(**all_off), run=fake_run)
    assert calls == [] and result['status'] == 'skip'
    result = p.measure({'store': False}, opts(previous_audit={'enabled': False}), run=fake_run)
    assert len(calls) == 1 and calls[0]['store'] is False
    assert result['status'] == 'fail'


@pytest.mark.parametrize('overrides, error', [
    (dict(tests=['AUTH-9283', 'auth 1']), "tests: 'auth 1' is not a Lynis test id (like AUTH-9283)"),
    (dict(profile='/nonexistent/custom.prf'), 'profile: /nonexistent/custom.prf is not a file'),
    (dict(keep_report='report.dat'), 'keep_report: report.dat is not an absolute path'),
    (dict(keep_report='/nonexistent/report.dat'), 'keep_report: the directory /nonexistent does not exist'),
    (dict(budget_s=0), 'budget_s: 0 is out of range (0, 3600]'),
    (dict(hardening_index={'warn': 50, 'fail': 60}), 'hardening_index: warn limit 50 is below the fail limit 60; '
                                                     'with lower values being worse, warn must be >= fail'),
    (dict(hardening_index={'warn': 120}), 'hardening_index.warn: 120 is out of range 0 to 100'),
    (dict(suggestions={'warn': -1}), 'suggestions.warn: -1 must be at least 0'),
])
def test_bad_input_is_one_line_naming_the_option(overrides, error):
    assert all_errors(p.CATALOGUE, p.input_errors, **overrides) == [error]
