"""Fleet aggregation: host status, failing checks, summary, atomic writes."""

import json

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.plugin_utils import fleet


def readiness(component, *checks):
    comp = r.Component(component)
    for name, status in checks:
        comp.add(r.check_result(name, status, message='%s is %s' % (name, status)))
    return comp.result()


def build():
    c = fleet.FleetCollector()
    c.add_readiness('web1', readiness('system', ('disk_usage:/', 'pass'), ('load_per_core', 'warn')))
    c.add_readiness('web2', readiness('system', ('disk_usage:/', 'fail'), ('load_per_core', 'warn')))
    c.add_readiness('db1', readiness('system', ('disk_usage:/', 'pass')))
    c.add_unreachable('app1', 'Failed to connect to the host via ssh')
    c.add_readiness('cache1', readiness('system', ('disk_usage:/', 'pass')))
    c.add_error('cache1', 'redis_check', 'port: must be an int')
    c.add_host('quiet1')
    return c


def test_host_statuses():
    hosts = build().report()['hosts']
    assert hosts['web1']['status'] == 'warn'
    assert hosts['web2']['status'] == 'fail'
    assert hosts['db1']['status'] == 'pass'
    assert hosts['app1']['status'] == 'unreachable' and hosts['app1']['unreachable'] is True
    assert hosts['cache1']['status'] == 'fail' and hosts['cache1']['errors'][0]['task'] == 'redis_check'
    assert hosts['quiet1']['status'] == 'not_evaluated', 'a host with no checks is never pass'


def test_summary_and_fleet_status():
    report = build().report(playbook='readiness.yml')
    assert report['schema_version'] == fleet.SCHEMA_VERSION
    assert report['summary']['hosts'] == 6
    assert report['summary']['host_status'] == {'pass': 1, 'warn': 1, 'fail': 2, 'unknown': 0,
                                                'unreachable': 1, 'not_evaluated': 1}
    assert report['summary']['check_status']['warn'] == 2
    assert report['status'] == 'fail'
    json.dumps(report)


def test_unreachable_alone_makes_the_fleet_fail():
    c = fleet.FleetCollector()
    c.add_readiness('a', readiness('system', ('x', 'pass')))
    c.add_unreachable('b', 'down')
    assert c.report()['status'] == 'fail'


def test_empty_fleet_is_unknown():
    assert fleet.FleetCollector().report()['status'] == 'unknown'


def test_failing_checks_grouped_worst_first():
    groups = build().report()['failing_checks']
    assert groups[0]['name'] == 'disk_usage:/' and groups[0]['status'] == 'fail'
    assert groups[0]['hosts'] == ['web2']
    assert groups[1]['name'] == 'load_per_core' and groups[1]['hosts'] == ['web1', 'web2']


def test_a_repeated_check_is_kept_with_a_warning_never_replaced():
    """Issue R15.2: a second call of the same check must not hide the first (a Redis down)."""
    c = fleet.FleetCollector()
    c.add_readiness('a', readiness('redis', ('ping', 'fail')), task='redis 1')
    c.add_readiness('a', readiness('redis', ('ping', 'pass')), task='redis 2')
    report = c.report()
    host = report['hosts']['a']
    assert [(ch['status'], ch.get('occurrence')) for ch in host['checks']] == [('fail', None), ('pass', 2)]
    assert host['status'] == 'fail'
    assert report['warnings'] == ["a: redis/ping reported again by task 'redis 2' (first by 'redis 1'); "
                                  "both results are kept: give each call its own instance name"]
    assert any(line == '  WARNING ' + report['warnings'][0] for line in fleet.summary_lines(report))


def redis_instance(port, status):
    result = readiness('redis', ('ping', status), ('memory', 'pass'))
    result['instance'] = '127.0.0.1:%d' % port
    return result


def test_instances_are_kept_apart_and_named():
    c = fleet.FleetCollector()
    c.add_readiness('cache1', redis_instance(6379, 'pass'))
    c.add_readiness('cache1', redis_instance(6380, 'fail'))
    c.add_readiness('cache1', readiness('system', ('ping', 'pass')))
    report = c.report()
    host = report['hosts']['cache1']
    assert [(ch['component'], ch.get('instance'), ch['name'], ch['status']) for ch in host['checks']] == [
        ('redis', '127.0.0.1:6379', 'memory', 'pass'), ('redis', '127.0.0.1:6379', 'ping', 'pass'),
        ('redis', '127.0.0.1:6380', 'memory', 'pass'), ('redis', '127.0.0.1:6380', 'ping', 'fail'),
        ('system', None, 'ping', 'pass')]
    assert 'instance' not in host['checks'][-1], 'a result without instance is recorded as before'
    assert host['components'] == {'redis[127.0.0.1:6379]': {'status': 'pass', 'checks': 2},
                                  'redis[127.0.0.1:6380]': {'status': 'fail', 'checks': 2},
                                  'system': {'status': 'pass', 'checks': 1}}
    assert report['warnings'] == []
    assert report['failing_checks'] == [dict(component='redis', instance='127.0.0.1:6380', name='ping',
                                             status='fail', hosts=['cache1'], by_status={'fail': ['cache1']})]
    assert '  FAIL    redis[127.0.0.1:6380]/ping: cache1' in fleet.summary_lines(report)


def test_summary_lists_a_host_under_the_status_it_has():
    """Issue R15.10: db2 at warn is not listed under FAIL because db1 fails the same check."""
    c = fleet.FleetCollector()
    c.add_readiness('db1', readiness('system', ('disk_usage:/data', 'fail')))
    c.add_readiness('db2', readiness('system', ('disk_usage:/data', 'warn')))
    c.add_readiness('db3', readiness('system', ('disk_usage:/data', 'fail')))
    report = c.report()
    lines = fleet.summary_lines(report)
    assert '  FAIL    system/disk_usage:/data: db1, db3' in lines
    assert '  WARN    system/disk_usage:/data: db2' in lines
    [item] = report['failing_checks']
    assert item['hosts'] == ['db1', 'db2', 'db3'] and item['status'] == 'fail'
    assert item['by_status'] == {'fail': ['db1', 'db3'], 'warn': ['db2']}


def test_a_run_that_measured_nothing_says_so():
    c = fleet.FleetCollector()
    for index in range(12):
        c.add_host('h%02d' % index, groups=['web'])
    report = c.report()
    lines = fleet.summary_lines(report)
    assert lines[0].startswith('FLEET READINESS: UNKNOWN  (12 hosts, 0 checks)')
    assert lines[2] == ('no area was measured: no check ran on any of the 12 hosts '
                        '(do --tags / --limit select an area?)')
    assert not any('no area' in l for l in fleet.summary_lines(build().report()))


def test_check_mode_is_in_the_report_and_its_title():
    c = build()
    assert c.report()['check_mode'] is False
    c.check_mode = True
    report = c.report()
    assert report['check_mode'] is True
    assert fleet.summary_lines(report)[0].startswith('FLEET READINESS (CHECK MODE): FAIL')


@pytest.mark.parametrize('data,message', [
    ({'msg': 'non-zero return code', 'rc': 1, 'stdout': '',
      'stderr': 'Error response from daemon: Container 0fe5 is not running\n'},
     'non-zero return code: Error response from daemon: Container 0fe5 is not running'),
    ({'msg': 'MODULE FAILURE\nSee stdout/stderr for the exact error', 'module_stdout': '',
      'module_stderr': 'Traceback (most recent call last):\n  File "x", line 1\nImportError: No module named psutil\n'},
     'MODULE FAILURE: ImportError: No module named psutil'),
    ({'msg': 'MODULE FAILURE', 'module_stderr': 'Shared connection to db1 closed.\r\n\n/bin/sh: 1: python3: not found\n'},
     'MODULE FAILURE: /bin/sh: 1: python3: not found'),
    ({'msg': 'disk: warn limit 95 is above the fail limit 90', 'stderr': 'unrelated'},
     'disk: warn limit 95 is above the fail limit 90'),
    ({'msg': 'non-zero return code', 'stderr': '  \n'}, 'non-zero return code'),
    ({'stderr': 'only stderr\nsecond line'}, 'only stderr'),
    ({}, 'task failed'),
    ({'msg': 'Module result deserialization failed: No start of json char found', 'module_stdout': '',
      'module_stderr': 'Error response from daemon: container 9c1e is not running\n'},
     'Module result deserialization failed: No start of json char found: '
     'Error response from daemon: container 9c1e is not running'),
    ({'msg': 'Non-zero return code.', 'stderr': 'boom'}, 'Non-zero return code: boom'),
])
def test_failure_message_carries_the_reason_from_stderr(data, message):
    """Issue R15.8: a generic msg gets the first meaningful line of stderr / module_stderr."""
    assert fleet.failure_message(data) == message


def test_same_check_name_in_two_components_kept_apart():
    c = fleet.FleetCollector()
    c.add_readiness('a', readiness('system', ('latency', 'pass')))
    c.add_readiness('a', readiness('redis', ('latency', 'fail')))
    host = c.report()['hosts']['a']
    assert len(host['checks']) == 2
    assert host['components'] == {'redis': {'status': 'fail', 'checks': 1},
                                  'system': {'status': 'pass', 'checks': 1}}


def test_records_are_compact():
    c = fleet.FleetCollector()
    big = readiness('system', ('x', 'warn'))
    big['checks'][0]['details'] = {'blob': 'x' * 100000}
    big['checks'][0]['message'] = 'y' * 10000
    c.add_readiness('a', big)
    check = c.report()['hosts']['a']['checks'][0]
    assert 'details' not in check
    assert len(check['message']) <= fleet.MESSAGE_LIMIT


def test_garbage_status_becomes_unknown():
    c = fleet.FleetCollector()
    c.add_readiness('a', {'component': 'x', 'checks': [{'name': 'n', 'status': 'green'}, 'junk']})
    assert c.report()['hosts']['a']['checks'][0]['status'] == 'unknown'


def test_summary_lines():
    lines = fleet.summary_lines(build().report(), max_hosts=1)
    assert lines[0].startswith('FLEET READINESS: FAIL  (6 hosts')
    assert lines[1] == 'hosts: ready 1, warn 1, fail 2, unknown 0, unreachable 1, not evaluated 1'
    assert any(l.strip() == 'NOT EVALUATED quiet1: no check ran on it' for l in lines)
    assert any(l.strip() == 'WARN    system/load_per_core: web1 (+1 more)' for l in lines)
    assert any('UNREACHABLE app1' in l for l in lines)
    assert any("ERROR   cache1: task 'redis_check' failed" in l for l in lines)


PLAIN_TYPES = (str, int, float, bool, type(None))


def assert_plain(value):
    """Only exact plain JSON types, no subclass (Ansible's tagged values are subclasses)."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert type(key) in (str, tuple), repr(key)
            assert_plain(item)
    elif isinstance(value, list):
        for item in value:
            assert_plain(item)
    else:
        assert type(value) in PLAIN_TYPES, '%r is a %s' % (value, type(value))


def test_ansible_tagged_values_are_recorded_plain():
    from ansible.parsing.utils.yaml import from_yaml
    tagged = from_yaml('component: system\nchecks:\n'
                       '  - {name: disk, status: warn, value: 81.5, unit: percent, warn: 80, message: high}\n')
    c = fleet.FleetCollector()
    c.add_readiness('a', tagged, task=from_yaml('readiness : system'))
    c.add_error('a', from_yaml('t'), from_yaml('boom'))
    c.add_unreachable('b', from_yaml('refused'))
    report = c.report()
    assert_plain(report)
    check = report['hosts']['a']['checks'][0]
    assert (check['name'], check['status'], check['value'], check['message']) == ('disk', 'warn', 81.5, 'high')
    assert report['hosts']['a']['errors'][0]['message'] == 'boom'


def test_plain_scalars_in_a_plain_dict_still_converted():
    """A module's plain containers holding one tagged value (an action plugin's result)."""
    from ansible.template import trust_as_template
    c = fleet.FleetCollector()
    c.add_readiness('a', {'component': 'x', 'checks': [
        {'name': trust_as_template('n'), 'status': trust_as_template('fail'), 'value': [trust_as_template('v')]}]})
    report = c.report()
    assert_plain(report)
    assert report['hosts']['a']['checks'][0]['status'] == 'fail'


def test_vaulted_message_is_redacted_not_decrypted():
    from ansible.parsing.vault import EncryptedString, VaultLib, VaultSecret
    secret = VaultLib([('default', VaultSecret(b'pw'))]).encrypt('s3cret').decode()
    c = fleet.FleetCollector()
    c.add_readiness('a', {'component': 'x', 'checks': [
        {'name': 'n', 'status': 'pass', 'message': EncryptedString(ciphertext=secret)}]})
    c.add_error('a', 't', EncryptedString(ciphertext=secret))
    report = c.report()
    assert_plain(report)
    assert report['hosts']['a']['checks'][0]['message'] == '<redacted>'
    assert report['hosts']['a']['errors'][0]['message'] == '<redacted>'
    assert 's3cret' not in json.dumps(report)
