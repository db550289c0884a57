"""The gate end to end: go, no-go, an unreachable host, group rules, and AWX's runtime."""

import glob
import json
import os

from conftest import REPO, run_playbook

CALM = {'readiness_system_cpu': {'enabled': False},
        'readiness_system_load': {'warn': 1000, 'fail': 2000}}


def extra(**kw):
    merged = dict(CALM)
    merged.update(kw)
    return json.dumps(merged)


def write_inventory(tmp_path, unreachable=False):
    """localhost in group db (and web1 alias in web); optionally a host on a closed loopback port."""
    lines = ['[db]', 'localhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"']
    if unreachable:
        # A real SSH attempt to a loopback port nothing listens on: refused, so unreachable.
        lines += ['[web]', 'ghost ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh '
                  'ansible_ssh_common_args="-o ConnectTimeout=3 -o StrictHostKeyChecking=no"']
    path = tmp_path / 'hosts.ini'
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


def report_of(report_dir):
    with open(str(report_dir / 'readiness.json')) as handle:
        return json.load(handle)


def test_go(report_dir):
    proc = run_playbook('readiness.yml', report_dir, '-e', extra())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    gate = report_of(report_dir)['gate']
    assert gate['go'] is True and gate['verdict'].startswith('GO: 1 hosts')
    assert 'gate: GO' in proc.stdout


def test_no_go_names_the_blocker_and_exits_non_zero(report_dir):
    proc = run_playbook('readiness.yml', report_dir,
                        '-e', extra(readiness_system_disk={'paths': ['/'], 'warn': 0.001, 'fail': 0.002}))
    assert proc.returncode == 2
    verdict = 'NO-GO: fleet: 1 failing check(s) (at most 0 allowed): localhost system/disk:/'
    assert verdict in proc.stdout
    report = report_of(report_dir)
    assert report['gate']['go'] is False and report['gate']['verdict'] == verdict
    assert report['hosts']['localhost']['errors'] == [], 'stopping on no-go is not a host error'


def test_ignore_with_reason_turns_it_into_go(report_dir):
    proc = run_playbook('readiness.yml', report_dir,
                        '-e', extra(readiness_system_disk={'paths': ['/'], 'warn': 0.001, 'fail': 0.002},
                                    readiness_gate_ignore=[{'check': 'system/disk:*',
                                                            'reason': 'known, ticket OPS-1'}]))
    assert proc.returncode == 0, proc.stdout
    gate = report_of(report_dir)['gate']
    assert gate['go'] is True
    assert gate['ignored'] == [{'check': 'system/disk:*', 'reason': 'known, ticket OPS-1',
                                'hosts': ['localhost']}]


def test_bad_policy_is_one_clear_error(report_dir):
    proc = run_playbook('readiness.yml', report_dir,
                        '-e', extra(readiness_gate_ignore=[{'check': 'system/*', 'reason': ' '}]))
    assert proc.returncode == 2
    assert 'ignore[0]: system/* needs a reason' in proc.stdout
    assert 'Traceback' not in proc.stdout + proc.stderr


def test_group_rule_and_unreachable_host(report_dir, tmp_path):
    inventory = write_inventory(tmp_path, unreachable=True)
    proc = run_playbook('readiness.yml', report_dir, '-i', inventory,
                        '-e', extra(readiness_system_disk={'paths': ['/'], 'warn': 0.001, 'fail': 100},
                                    readiness_gate_groups={'db': {'max_warn_percent': 0}}))
    assert proc.returncode != 0
    report = report_of(report_dir)
    assert report['hosts']['ghost']['status'] == 'unreachable'
    assert report['hosts']['ghost']['groups'] == ['web']
    assert report['groups']['web']['status'] == 'fail'
    blockers = report['gate']['blockers']
    assert 'fleet: 1 unreachable host(s) (at most 0 allowed): ghost' in blockers
    assert any(b.startswith('group db: ') and 'localhost system/disk:/' in b for b in blockers)
    assert report['gate']['groups']['db']['go'] is False


def test_gate_without_the_callback_says_how_to_enable_it(report_dir):
    proc = run_playbook('readiness.yml', report_dir, '-e', extra(),
                        env={'ANSIBLE_CALLBACKS_ENABLED': 'ansible.posix.profile_tasks'})
    assert proc.returncode == 2
    assert 'enable it (callbacks_enabled = golive.readiness.fleet_report' in proc.stdout


def test_under_ansible_runner_like_awx(tmp_path):
    import ansible_runner  # a test requirement: missing, the test fails rather than skips
    reports = tmp_path / 'reports'
    private = tmp_path / 'runner'
    private.mkdir()
    result = ansible_runner.run(
        private_data_dir=str(private), project_dir=REPO, playbook='playbooks/readiness.yml',
        inventory=os.path.join(REPO, 'inventories', 'local'),
        extravars=dict(CALM, readiness_system_disk={'paths': ['/'], 'warn': 0.001, 'fail': 0.002}),
        envvars={'ANSIBLE_CONFIG': os.path.join(REPO, 'ansible.cfg'),
                 'GOLIVE_REPORT_DIR': str(reports)},
        quiet=True, timeout=300)
    assert result.rc == 2 and result.status == 'failed'
    stdout = result.stdout.read()
    assert 'FLEET READINESS: FAIL' in stdout
    assert 'gate: NO-GO: fleet: 1 failing check(s)' in stdout
    stats = [e for e in result.events if e['event'] == 'playbook_on_stats']
    assert len(stats) == 1
    artifact = stats[0]['event_data']['artifact_data']['golive_readiness']
    assert artifact['go'] is False and artifact['fail'] == 1
    assert artifact['blockers'] == ['fleet: 1 failing check(s) (at most 0 allowed): localhost system/disk:/']
    assert glob.glob(str(private / 'artifacts' / '*' / 'job_events' / '*.json'))
    assert (reports / 'readiness.json').exists()


def test_hosts_of_a_set_up_play_are_not_counted(report_dir, tmp_path):
    """A play that measures nothing (set-up, converge) adds no 'never evaluated' host."""
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text('[all]\nlocalhost ansible_connection=local '
                         'ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
                         'builder ansible_connection=local '
                         'ansible_python_interpreter="{{ ansible_playbook_python }}"\n')
    playbook = tmp_path / 'site.yml'
    playbook.write_text(
        '- name: Set-up play that measures nothing\n'
        '  hosts: builder\n'
        '  gather_facts: false\n'
        '  tasks:\n'
        '    - name: Something unrelated\n'
        '      ansible.builtin.debug:\n'
        '        msg: set-up\n'
        '- name: Readiness\n'
        '  ansible.builtin.import_playbook: %s\n' % os.path.join(REPO, 'playbooks', 'readiness.yml'))
    proc = run_playbook(str(playbook), report_dir, '-i', str(inventory),
                        '-e', extra(readiness_hosts='localhost'))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = report_of(report_dir)
    assert list(report['hosts']) == ['localhost']
    assert report['gate']['go'] is True
