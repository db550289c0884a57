"""Fleet aggregation: host status, failing checks, summary, atomic writes."""

import json

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


def test_repeated_component_replaces_not_duplicates():
    c = fleet.FleetCollector()
    c.add_readiness('a', readiness('system', ('x', 'fail')))
    c.add_readiness('a', readiness('system', ('x', 'pass')))
    host = c.report()['hosts']['a']
    assert len(host['checks']) == 1 and host['status'] == 'pass'


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
