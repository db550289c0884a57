"""The main job end to end: readiness.yml on the local inventory through the real callback."""

import json
import os

import jsonschema
import pytest

from conftest import REPO, run_playbook

SCHEMA = json.load(open(os.path.join(REPO, 'docs', 'report.schema.json')))
# CI machines are shared and busy: CPU and load limits no sample can reach keep the
# gate's verdict about what each test sets (the checks still run and are asserted).
CALM = {'readiness_system_cpu': {'enabled': False},
        'readiness_system_load': {'warn': 1000, 'fail': 2000}}


def calm(**extra):
    """Extra vars: CALM plus ``extra``, as a JSON argument for -e."""
    merged = dict(CALM)
    merged.update(extra)
    return json.dumps(merged)


def load_report(report_dir):
    path = report_dir / 'readiness.json'
    report = json.loads(path.read_text())
    jsonschema.validate(report, SCHEMA)
    return report


def test_local_run_reports_every_check(report_dir):
    proc = run_playbook('readiness.yml', report_dir, '-e', calm())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'FLEET READINESS:' in proc.stdout
    report = load_report(report_dir)
    assert list(report['hosts']) == ['localhost']
    host = report['hosts']['localhost']
    names = {c['name'] for c in host['checks']}
    assert {'cpu_count', 'load', 'memory', 'open_files',
            'cpu'} <= names
    assert any(n.startswith('disk:') for n in names)
    assert any(n.startswith('io_latency:') for n in names)
    for check in host['checks']:
        assert check['status'] in ('pass', 'warn', 'fail', 'unknown', 'skip')
        assert check['component'] == 'system'
    assert report['playbook'] == 'readiness.yml'
    assert sorted(os.listdir(str(report_dir))) == [
        'readiness.html', 'readiness.json', 'readiness.junit.xml', 'readiness.md', 'readiness.prom']


def test_limits_make_a_check_warn_and_another_fail(report_dir):
    # Limits the measurement cannot stay below: the root filesystem is always in use,
    # and more than 0 % of memory is always available.
    limits = calm(readiness_system_disk={'paths': ['/'], 'warn': 0.001, 'fail': 100},
                  readiness_system_memory={'warn': 100, 'fail': 0})
    proc = run_playbook('readiness.yml', report_dir, '-e', limits)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = load_report(report_dir)
    checks = {c['name']: c for c in report['hosts']['localhost']['checks']}
    assert checks['disk:/']['status'] == 'warn'
    assert checks['memory']['status'] == 'warn'

    limits = calm(readiness_system_disk={'paths': ['/'], 'warn': 0.001, 'fail': 0.002})
    proc = run_playbook('readiness.yml', report_dir, '-e', limits)
    assert proc.returncode == 2, 'the gate stops the run on a failing check'
    report = load_report(report_dir)
    checks = {c['name']: c for c in report['hosts']['localhost']['checks']}
    assert checks['disk:/']['status'] == 'fail'
    assert report['status'] == 'fail'
    assert report['hosts']['localhost']['status'] == 'fail'
    assert {'component': 'system', 'name': 'disk:/', 'status': 'fail', 'hosts': ['localhost'],
            'by_status': {'fail': ['localhost']}} in report['failing_checks']
    assert 'FAIL    system/disk:/: localhost' in proc.stdout


def test_bad_limits_fail_the_task_with_one_line_and_are_reported(report_dir):
    limits = {'readiness_system_disk': {'warn': 95, 'fail': 90}}
    proc = run_playbook('readiness.yml', report_dir, '-e', json.dumps(limits))
    assert proc.returncode != 0
    assert 'Traceback' not in proc.stdout + proc.stderr
    assert 'disk: warn limit 95 is above the fail limit 90' in proc.stdout
    report = load_report(report_dir)
    host = report['hosts']['localhost']
    assert host['status'] == 'fail'
    assert 'disk: warn limit 95' in host['errors'][0]['message']


def test_missing_psutil_is_an_unknown_check_and_no_go(report_dir, tmp_path):
    """Issue R15.1: nothing measured on the host (no psutil) is NO-GO, unless the policy allows it."""
    venv = tmp_path / 'venv'
    assert os.system('python3 -m venv --without-pip %s' % venv) == 0
    interpreter = '-e', 'ansible_python_interpreter=%s' % (venv / 'bin' / 'python')
    proc = run_playbook('readiness.yml', report_dir, '-e', calm(), *interpreter)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert 'Traceback' not in proc.stdout + proc.stderr
    verdict = 'NO-GO: fleet: 1 host(s) with no measured check (only unknown or skipped): localhost'
    assert 'gate: %s' % verdict in proc.stdout
    report = load_report(report_dir)
    host = report['hosts']['localhost']
    assert host['status'] == 'unknown' and host['errors'] == []
    [check] = host['checks']
    assert check['name'] == 'python_library:psutil' and check['status'] == 'unknown'
    assert report['gate']['go'] is False and report['gate']['verdict'] == verdict

    proc = run_playbook('readiness.yml', report_dir, '-e', calm(readiness_gate_require_measured=False),
                        *interpreter)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert load_report(report_dir)['gate']['go'] is True


def test_unwritable_report_dir_warns_and_still_prints_summary(tmp_path):
    blocked = tmp_path / 'file-not-dir'
    blocked.write_text('')
    proc = run_playbook('readiness.yml', blocked / 'reports', '-e', calm())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'cannot write the report' in proc.stdout + proc.stderr
    assert 'FLEET READINESS:' in proc.stdout
    assert os.listdir(str(tmp_path)) == ['file-not-dir']


def test_a_role_variable_that_does_not_fit_the_role_spec_is_named(report_dir):
    """readiness.yml turns ansible-core's validation task off: the measuring task validates instead."""
    proc = run_playbook('readiness.yml', report_dir, '-e',
                        calm(readiness_redis_port='six', readiness_component_timeout='soon'))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "argument 'readiness_redis_port' is of type str" in out
    assert "argument 'readiness_component_timeout' is of type str" in out
    assert 'Traceback' not in out
    host = load_report(report_dir)['hosts']['localhost']
    assert host['status'] == 'fail' and host['checks'] == []
    [error] = host['errors']
    assert 'readiness_redis_port' in error['message'] and 'argument spec' in error['message']


@pytest.mark.parametrize('args,fragment', [
    ({'bogus': 1}, 'Unsupported parameters for (golive.readiness.system_check) module: bogus'),
    ({'disk': {'warn': 'lots'}}, "argument 'warn' is of type str found in 'disk'"),
    ({'io_latency': {'path': '/no/such/dir'}}, 'io_latency.path: /no/such/dir does not exist'),
    ({'memory': {'warn': 5, 'fail': 10}}, 'memory: warn limit 5 is below the fail limit 10'),
])
def test_module_bad_input(args, fragment):
    from conftest import run_module
    result = run_module('system_check', args)
    assert result.get('failed') is True
    assert fragment in result['msg']
    assert '\n' not in result['msg']


def test_check_mode_measures_too():
    from conftest import checks_by_name, run_module
    result = run_module('system_check', {'swap': {'enabled': False}}, check_mode=True)
    assert result['changed'] is False
    checks = checks_by_name(result)
    assert checks['swap']['status'] == 'skip'
    assert checks['cpu_count']['value'] >= 1


def test_a_playbook_that_measures_nothing_keeps_the_last_report(report_dir, tmp_path):
    previous = report_dir / 'readiness.json'
    previous.write_text('{"kept": true}\n')
    playbook = tmp_path / 'setup.yml'
    playbook.write_text('- name: Set-up only\n  hosts: localhost\n  gather_facts: false\n'
                        '  tasks:\n    - name: Nothing to measure\n      ansible.builtin.debug:\n'
                        '        msg: hello\n')
    proc = run_playbook(str(playbook), report_dir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'FLEET READINESS' not in proc.stdout
    assert previous.read_text() == '{"kept": true}\n'
    assert os.listdir(str(report_dir)) == ['readiness.json']


def test_keep_history_keeps_every_run(report_dir):
    for _run in range(2):
        proc = run_playbook('readiness.yml', report_dir, '-e', calm(),
                            env={'GOLIVE_REPORT_KEEP_HISTORY': 'true'})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        latest = (report_dir / 'readiness.json').read_text()
        history = sorted(report_dir.glob('readiness-*T*Z.json'))
        assert history and history[-1].read_text() == latest
    # Two runs, two copies (unless both finished within the same second), and the first run's
    # copy still holds the first run: the second report replaced readiness.json, not the copy.
    if len(history) == 2:
        assert json.loads(history[0].read_text())['generated_at'] < json.loads(latest)['generated_at']


def task_output(stdout, name):
    """What the default callback printed under the task named ``name``."""
    start = stdout.index(' : %s]' % name)
    ends = [i for i in (stdout.find('\nTASK [', start), stdout.find('\nPLAY ', start)) if i >= 0]
    return stdout[start:min(ends) if ends else len(stdout)]


@pytest.mark.parametrize('with_venv', [False, True], ids=['has-all', 'has-none'])
def test_dependency_probe_checks_each_library(report_dir, tmp_path, with_venv):
    """Three libraries needed: a host with all of them installs nothing, one without names each."""
    # The local inventory turns installing off (the controller's libraries come from pip).
    extra = ['-e', calm(readiness_postgres_enabled=True, readiness_redis_enabled=True,
                        readiness_install_dependencies=True), '--tags', 'system', '-v']
    if with_venv:
        venv = tmp_path / 'venv'
        assert os.system('python3 -m venv --without-pip %s' % venv) == 0
        extra += ['-e', 'ansible_python_interpreter=%s' % (venv / 'bin' / 'python'),
                  # Nothing is measured without psutil: about the probe, not the gate.
                  '-e', '{"readiness_gate_require_measured": false}']
    proc = run_playbook('readiness.yml', report_dir, *extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    probe = task_output(proc.stdout, 'Find which libraries the interpreter cannot import and which programs are missing')
    install = task_output(proc.stdout, 'Install the missing libraries')
    if with_venv:
        assert '"stdout_lines": ["psutil psycopg2 redis"]' in probe, probe
        assert 'included: ' in install, install
    else:
        assert '"stdout_lines": [""]' in probe, probe
        assert 'skipping: [localhost]' in install, install


def test_check_mode_report_is_marked_and_keeps_the_real_one(report_dir):
    """Issue R15.9: --check writes readiness.check.*, says CHECK MODE, and leaves the baseline."""
    proc = run_playbook('readiness.yml', report_dir, '-e', calm())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    real = dict((p.name, p.read_bytes()) for p in report_dir.iterdir())
    proc = run_playbook('readiness.yml', report_dir, '--check', '-e', calm())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'FLEET READINESS (CHECK MODE): ' in proc.stdout
    assert 'report: %s' % (report_dir / 'readiness.check.json') in proc.stdout
    for name, data in real.items():
        assert (report_dir / name).read_bytes() == data, '%s was replaced by a check-mode run' % name
    assert sorted(p.name for p in report_dir.iterdir()) == sorted(list(real) + [
        'readiness.check.html', 'readiness.check.json', 'readiness.check.junit.xml', 'readiness.check.md'])
    report = json.loads((report_dir / 'readiness.check.json').read_text())
    jsonschema.validate(report, SCHEMA)
    assert report['check_mode'] is True
    assert report['comparison']['previous_generated_at'] == json.loads(real['readiness.json'])['generated_at']
    assert '<title>Fleet readiness (CHECK MODE): ' in (report_dir / 'readiness.check.html').read_text()
    # The next real run compares with the last real report, not with the check-mode one.
    proc = run_playbook('readiness.yml', report_dir, '-e', calm())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert load_report(report_dir)['check_mode'] is False


def test_a_plain_host_is_inspected_not_changed_by_default(report_dir, tmp_path):
    """R15.11: with the role's defaults (no inventory switch), --check changes nothing and a
    missing library is an unknown check whose remediation names the package and the switch."""
    venv = tmp_path / 'venv'
    assert os.system('python3 -m venv --without-pip %s' % venv) == 0
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text('all:\n  hosts:\n    plain:\n      ansible_connection: local\n'
                         '      ansible_python_interpreter: %s\n' % (venv / 'bin' / 'python'))
    proc = run_playbook('readiness.yml', report_dir, '-i', str(inventory), '--check', '-e', calm(),
                        '-e', 'readiness_postgres_enabled=true readiness_redis_enabled=true')
    assert 'plain' in proc.stdout, proc.stdout + proc.stderr
    recap = [line for line in proc.stdout.splitlines() if line.startswith('plain ')]
    assert recap and 'changed=0' in recap[-1], recap
    assert 'Install the missing libraries' not in proc.stdout
    report = json.loads((report_dir / 'readiness.check.json').read_text())
    checks = dict((c['name'], c) for c in report['hosts']['plain']['checks'])
    remediation = checks['python_library:psutil']['remediation']
    assert 'python3-psutil' in remediation and 'readiness_install_dependencies' in remediation
