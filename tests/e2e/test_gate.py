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


def local_inventory(tmp_path, names):
    """Hosts that are this machine (local connection), in group ``web``."""
    path = tmp_path / 'hosts.ini'
    path.write_text('[web]\n' + ''.join(
        '%s ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n' % n
        for n in names))
    return str(path)


def test_gate_sees_the_results_recorded_before_it_and_its_verdict_reaches_the_report(report_dir, tmp_path):
    """R14.5: the gate (a forked worker) reads what the callback recorded before its task was
    queued, not after; its verdict reaches the report through set_stats (stats.custom), on
    no-go with fail_on_nogo too, and the task stopping the run is known by its marker."""
    inventory = local_inventory(tmp_path, ['early', 'late'])
    playbook = tmp_path / 'site.yml'
    playbook.write_text('''
- name: Measured before the gate
  hosts: early
  gather_facts: false
  tasks:
    - name: Disk limits that fail
      golive.readiness.system_check:
        cpu: {enabled: false}
        load: {warn: 1000, fail: 2000}
        disk: {paths: [/], warn: 0.001, fail: 0.002}
- name: Gate, the module default fail_on_nogo
  hosts: early
  gather_facts: false
  tasks:
    - name: Gate that fails the task on no-go
      golive.readiness.gate:
      ignore_errors: true
      register: gate
    - name: What the gate saw
      ansible.builtin.assert:
        that:
          - not gate.go
          - gate.counts.fail == 1
          - gate.counts.judged == gate_judged_expected | int
    - name: A stop task with a message of its own
      ansible.builtin.fail:
        msg: Release blocked by the readiness gate, see the report
      vars:
        golive_readiness_gate_stop: true
      ignore_errors: true
- name: Measured after the gate
  hosts: late
  gather_facts: false
  tasks:
    - name: Limits that pass
      golive.readiness.system_check:
        cpu: {enabled: false}
        load: {warn: 1000, fail: 2000}
''')
    # Checks system_check reports on this machine with cpu disabled, as the gate must count them.
    from conftest import run_module
    judged = sum(1 for c in run_module('system_check', {'cpu': {'enabled': False}})['readiness']['checks']
                 if c['status'] != 'skip')
    assert judged > 1
    proc = run_playbook(str(playbook), report_dir, '-i', inventory, '-e', 'gate_judged_expected=%d' % judged)
    assert 'FAILED! => {"assertion' not in proc.stdout, proc.stdout
    report = report_of(report_dir)
    assert sorted(report['hosts']) == ['early', 'late'], 'the gate saw only early; the report has both'
    gate = report['gate']
    assert gate['go'] is False
    assert gate['verdict'] == 'NO-GO: fleet: 1 failing check(s) (at most 0 allowed): early system/disk:/'
    assert report['hosts']['early']['errors'] == [], 'neither the gate nor the stop task is a host error'
    assert 'gate: %s' % gate['verdict'] in proc.stdout


def test_tags_that_select_no_area_count_the_play_hosts(report_dir, tmp_path):
    """R15.10: --tags selecting no area: 12 hosts not evaluated, and it says so (not `hosts: 1`)."""
    names = ['web%02d' % i for i in range(12)]
    proc = run_playbook('readiness.yml', report_dir, '-i', local_inventory(tmp_path, names),
                        '--tags', 'no_such_area', '-e', extra())
    assert proc.returncode == 2, proc.stdout + proc.stderr
    report = report_of(report_dir)
    assert sorted(report['hosts']) == names
    assert report['summary']['hosts'] == 12
    assert report['summary']['host_status']['not_evaluated'] == 12
    assert all(entry['errors'] == [] for entry in report['hosts'].values())
    assert 'FLEET READINESS: UNKNOWN  (12 hosts, 0 checks)' in proc.stdout
    assert 'no area was measured: no check ran on any of the 12 hosts' in proc.stdout
    assert report['gate']['verdict'].startswith('NO-GO: fleet: no host was measured')


FAKE_REDIS_MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(instance=dict(type='str'), up=dict(type='bool')))
    status = 'pass' if module.params['up'] else 'fail'
    readiness = dict(component='redis', status=status, summary={status: 1},
                     checks=[dict(name='ping', status=status, value=None, unit='ms', warn=None, fail=None,
                                  message='PING %s' % status, remediation=None, duration_ms=1.0)])
    if module.params['instance']:
        readiness['instance'] = module.params['instance']
    module.exit_json(changed=False, readiness=readiness)


main()
'''


def test_two_instances_and_a_repeated_check_are_all_kept(report_dir, tmp_path):
    """R15.2 (collector side): a down instance never vanishes behind a later call."""
    (tmp_path / 'library').mkdir()
    (tmp_path / 'library' / 'fake_redis_check.py').write_text(FAKE_REDIS_MODULE)
    playbook = tmp_path / 'site.yml'
    playbook.write_text('''
- name: Two Redis instances, then the same unnamed check twice
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Each instance
      fake_redis_check:
        instance: "127.0.0.1:{{ item.port }}"
        up: "{{ item.up }}"
      loop: [{port: 6380, up: false}, {port: 6381, up: true}]
    - name: Unnamed, down
      fake_redis_check:
        up: false
    - name: Unnamed, up
      fake_redis_check:
        up: true
- name: Gate
  ansible.builtin.import_playbook: %s
''' % os.path.join(REPO, 'playbooks', 'readiness.yml'))
    no_area = extra(readiness_system_enabled=False, readiness_tls_enabled=False)
    proc = run_playbook(str(playbook), report_dir, '-e', no_area)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    report = report_of(report_dir)
    checks = [(c['component'], c.get('instance'), c['name'], c['status'], c.get('occurrence'))
              for c in report['hosts']['localhost']['checks']]
    assert checks == [('redis', None, 'ping', 'fail', None), ('redis', None, 'ping', 'pass', 2),
                      ('redis', '127.0.0.1:6380', 'ping', 'fail', None),
                      ('redis', '127.0.0.1:6381', 'ping', 'pass', None)]
    assert report['warnings'] == ["localhost: redis/ping reported again by task 'Unnamed, up' "
                                  "(first by 'Unnamed, down'); both results are kept: give each call "
                                  "its own instance name"]
    assert '  WARNING %s' % report['warnings'][0] in proc.stdout
    assert '  FAIL    redis[127.0.0.1:6380]/ping: localhost' in proc.stdout
    assert 'localhost redis[127.0.0.1:6380]/ping' in report['gate']['blockers'][0]
    prom = (report_dir / 'readiness.prom').read_text()
    assert 'readiness_instance="127.0.0.1:6380"' in prom
    assert 'redis[127.0.0.1:6380]/ping' in (report_dir / 'readiness.md').read_text()
