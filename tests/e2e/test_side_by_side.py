"""playbooks/readiness.yml with hosts that proceed independently and components side by side.

Three hosts (local connections to this machine) measure the system, a real HTTP application
with a slow endpoint, and TCP peers, one of them blackholed. One host has bad input in one
component, another a component that runs past its time bound. The report of a run whose hosts
proceed on their own (strategy free) must equal the shipped run's (linear) check for check,
and neither a failing nor a hung component may hide the host's others.
"""

import json
import secrets
import sys

import pytest

from conftest import run_playbook
from test_http_check import start_app
from test_network_check import LISTENERS, _spawn

# Checks whose value (so status) depends on the moment: the shared machine's CPU and load,
# the latency of one request.
NOISY = ('cpu', 'load', 'io_latency', 'response_time', 'targets')


@pytest.fixture(scope='module')
def services(tmp_path_factory):
    directory = tmp_path_factory.mktemp('side-by-side')
    (directory / 'password').write_text('pw-' + secrets.token_hex(8))
    (directory / 'token').write_text('tok-' + secrets.token_hex(8))
    app, port = start_app(directory)
    peers, ports = _spawn(LISTENERS, 3)
    try:
        yield dict(http=port, open=ports[0], full=ports[1])
    finally:
        for proc in (app, peers):
            proc.terminate()
            proc.wait(timeout=10)


def inventory(tmp_path, services):
    base = 'http://127.0.0.1:%d' % services['http']
    endpoints = [{'name': 'fast', 'url': base + '/fast'}, {'name': 'slow', 'url': base + '/slow?ms=1200'}]
    local = {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}
    data = {'all': {
        'vars': {
            'readiness_system_cpu': {'sample_seconds': 0.1},
            'readiness_http_enabled': True, 'readiness_http_endpoints': endpoints,
            'readiness_network_enabled': True, 'readiness_network_firewall': {'enabled': False},
            'readiness_network_targets': [
                {'host': '127.0.0.1', 'port': services['open'], 'name': 'open'},
                {'host': '127.0.0.1', 'port': services['full'], 'name': 'blackholed', 'timeout': 1.5}],
            'readiness_gate_enabled': False,
        },
        'hosts': {
            'one': dict(local),
            # Bad input in one component: the others of the host are still measured.
            'two': dict(local, readiness_system_disk={'warn': -5}),
            # One component runs past the time bound: reported unknown, the others on time.
            'three': dict(local, readiness_component_timeout=3, readiness_http_endpoints=endpoints + [
                {'name': 'hung', 'url': base + '/slow?ms=8000', 'timeout': 30}]),
        },
    }}
    path = tmp_path / 'hosts.json'
    path.write_text(json.dumps(data))
    return str(path)


def report_of(tmp_path, hosts, name, *args):
    out = tmp_path / name
    out.mkdir()
    proc = run_playbook('readiness.yml', out, '-i', hosts, *args, timeout=300)
    report = json.loads((out / 'readiness.json').read_text())
    return proc, report


def checks(report):
    return dict(((host, c['component'], c['name']), c) for host, entry in report['hosts'].items()
                for c in entry['checks'])


@pytest.fixture(scope='module')
def reports(tmp_path_factory, services):
    tmp_path = tmp_path_factory.mktemp('side-by-side-runs')
    hosts = inventory(tmp_path, services)
    free = report_of(tmp_path, hosts, 'free', '-e', 'readiness_strategy=free')
    linear = report_of(tmp_path, hosts, 'linear')
    return free, linear


def test_a_free_run_reports_what_a_linear_run_does(reports):
    (_free_proc, free), (_linear_proc, linear) = reports
    a, b = checks(free), checks(linear)
    assert sorted(a) == sorted(b)
    for key in a:
        if key[2].split(':')[0] not in NOISY:
            assert a[key]['status'] == b[key]['status'], key
    assert list(free['hosts']) == list(linear['hosts']) == ['one', 'three', 'two']
    for host in free['hosts']:
        assert free['hosts'][host]['errors'] == linear['hosts'][host]['errors']
        assert free['hosts'][host]['components'].keys() == linear['hosts'][host]['components'].keys()


def test_every_component_of_a_healthy_host_is_its_own(reports):
    (_proc, report), _linear = reports
    host = report['hosts']['one']
    assert sorted(host['components']) == ['http', 'network', 'system']
    by_name = dict((c['name'], c) for c in host['checks'])
    assert by_name['targets:blackholed']['status'] == 'fail'
    assert by_name['targets:open']['status'] == 'pass'
    assert by_name['response_time:slow']['value'] >= 1200
    assert host['errors'] == []


def test_bad_input_fails_its_component_only(reports):
    (proc, report), _linear = reports
    host = report['hosts']['two']
    (error,) = host['errors']
    assert error['task'].endswith('Measure the enabled components side by side [system]')
    assert error['message'] == 'readiness_system_disk.warn: -5 is out of range 0 to 100'
    assert sorted(host['components']) == ['http', 'network']
    assert host['status'] == 'fail'
    assert 'system: readiness_system_disk.warn: -5 is out of range 0 to 100' in proc.stdout


def test_a_component_past_its_time_bound_does_not_hide_the_others(reports):
    (_proc, report), _linear = reports
    host = report['hosts']['three']
    assert sorted(host['components']) == ['http', 'network', 'system'] and host['errors'] == []
    http = [c for c in host['checks'] if c['component'] == 'http']
    assert [(c['name'], c['status']) for c in http] == [('measure_timeout', 'unknown')]
    assert 'http did not finish within 3s' in http[0]['message']
    others = [c for c in host['checks'] if c['component'] != 'http']
    assert any(c['name'] == 'targets:open' and c['status'] == 'pass' for c in others)
    assert any(c['component'] == 'system' and c['status'] == 'pass' for c in others)
