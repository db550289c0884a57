"""load_test, run for real through ansible against the fleet's real shop API on 127.0.0.1.

The shop API (molecule/fleet/files/shopapp.py) logs one line per request, which is how
these tests count what the server actually received.  Ansible's start-up costs seconds
here, so the module cases run as the tasks of one playbook (``cases`` fixture: one local
host per case, run in parallel), each test asserting on its own case's result.
"""

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time

import pytest

from conftest import REPO, checks_by_name, first_task_results, free_port, run_playbook

SHOPAPP = os.path.join(REPO, 'molecule', 'fleet', 'files', 'shopapp.py')


@pytest.fixture(scope='module')
def shop(tmp_path_factory):
    """The shop API on a free loopback port, with a random login; stopped at the end."""
    directory = tmp_path_factory.mktemp('shop')
    port = free_port()
    password = 'pw-' + secrets.token_hex(12)
    log_path = directory / 'access.log'
    log = open(str(log_path), 'w')
    env = dict(os.environ, SHOPAPP_BIND='127.0.0.1', SHOPAPP_PORT=str(port),
               SHOPAPP_USERNAME='probe', SHOPAPP_PASSWORD=password)
    proc = subprocess.Popen([sys.executable, SHOPAPP], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError('shopapp did not start: %s' % log_path.read_text())
            time.sleep(0.05)
    try:
        yield dict(base='http://127.0.0.1:%d' % port, port=port, password=password, log=log_path)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def run_cases(cases, tmp_path, timeout=240):
    """Run ``golive.readiness.load_test`` once per ``(key, args, check_mode)``, all at once.

    Each case is a host of one play (local connection, its own module arguments and
    check mode), so the cases run in parallel within ansible's forks.  Returns
    ``{key: result}``, each result exactly what the module returned.
    """
    hosts = {}
    for key, args, check_mode in cases:
        hosts[key] = {'ansible_connection': 'local',
                      'ansible_python_interpreter': sys.executable,
                      'case_args': args, 'case_check_mode': check_mode}
    inventory = tmp_path / 'cases.json'
    inventory.write_text(json.dumps({'all': {'hosts': hosts}}))
    playbook = tmp_path / 'load_cases.yml'
    playbook.write_text(json.dumps([{
        'name': 'load_test cases', 'hosts': 'all', 'gather_facts': False,
        'tasks': [{'name': 'case', 'golive.readiness.load_test': '{{ case_args }}',
                   'check_mode': '{{ case_check_mode }}', 'ignore_errors': True}]}]))
    return first_task_results([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                               str(playbook), '-i', str(inventory), '--forks', str(len(hosts))], timeout)


def received(shop, needle):
    """How many requests whose request line contains ``needle`` the server logged."""
    with open(str(shop['log'])) as handle:
        return sum(1 for line in handle if needle in line)


REFUSED_PORT = free_port()

BAD_INPUT = [
    ({'requests': 0}, 'requests: 0 is out of range 1 to 1000000'),
    ({'requests': 10, 'max_requests': 5000000}, 'max_requests: 5000000 is out of range 1 to 1000000'),
    ({'requests': 10, 'max_duration': 86400}, 'max_duration: 86400 is out of range (0, 3600]'),
    ({}, 'give requests or duration'),
]


@pytest.fixture(scope='module')
def cases(shop, tmp_path_factory):
    """Every module case, run once against the shop API; the time each took is in ``_elapsed``."""
    base = shop['base']
    slow = {'name': 'slow', 'url': base + '/slow?ms=300', 'requests': 20, 'concurrency': 5,
            'throughput': {'fail': 1}}
    todo = [
        ('normal', {'name': 'health', 'url': base + '/health', 'requests': 1000,
                    'concurrency': 10}, False),
        ('slow_warn', dict(slow, p95={'warn': 200, 'fail': 5000}, mean={'warn': 200, 'fail': 250}), False),
        ('slow_fail', dict(slow, p95={'warn': 100, 'fail': 250}), False),
        ('errors', {'name': 'broken', 'url': base + '/status/503', 'requests': 200,
                    'concurrency': 4}, False),
        ('refused', {'name': 'down', 'url': 'http://127.0.0.1:%d/health' % REFUSED_PORT,
                     'requests': 100000, 'concurrency': 10}, False),
        ('max_requests', {'name': 'bounded', 'url': base + '/api/products?b=1', 'requests': 5000,
                          'concurrency': 5, 'max_requests': 300}, False),
        ('check_mode', {'name': 'dry', 'url': base + '/health?dry=1', 'requests': 500,
                        'concurrency': 5}, True),
    ]
    for index, (args, _message) in enumerate(BAD_INPUT):
        todo.append(('bad%d' % index, dict(args, url=base + '/health?bad=1'), False))
    return run_cases(todo, tmp_path_factory.mktemp('cases'))


def test_normal_run_passes(cases):
    result = cases['normal']
    assert result['changed'] is False and not result.get('failed'), result
    checks = checks_by_name(result)
    assert set(checks) == {'load_p95:health', 'load_mean:health', 'load_p99:health',
                           'load_error_rate:health', 'load_throughput:health'}
    assert result['readiness']['status'] == 'pass', [c['message'] for c in checks.values()]
    details = checks['load_p95:health']['details']
    assert details['sent'] == 1000 and details['status_counts'] == {'200': 1000}
    assert details['transport_errors'] == {} and details['connections'] == 10
    for key in ('min_ms', 'p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'max_ms'):
        assert details[key] >= 0
    assert details['min_ms'] <= details['p50_ms'] <= details['p95_ms'] <= details['max_ms']
    assert checks['load_throughput:health']['value'] > 100
    # The judged mean and p99 are the figures of the details, with the guide's limits.
    assert checks['load_mean:health']['value'] == details['mean_ms']
    assert checks['load_p99:health']['value'] == details['p99_ms']
    assert (checks['load_mean:health']['warn'], checks['load_p99:health']['warn']) == (500, 2000)
    assert result['load']['sent'] == 1000


def test_slow_endpoint_warns_then_fails_on_p95(cases):
    check = checks_by_name(cases['slow_warn'])['load_p95:slow']
    assert check['status'] == 'warn' and check['value'] >= 300, check['message']
    assert 'warn at 200 ms' in check['message']
    # The same 300 ms answers on average: beyond a 250 ms mean limit.
    mean = checks_by_name(cases['slow_warn'])['load_mean:slow']
    assert mean['status'] == 'fail' and mean['value'] >= 300, mean['message']
    check = checks_by_name(cases['slow_fail'])['load_p95:slow']
    assert check['status'] == 'fail' and check['remediation'], check['message']


def test_error_endpoint_fails_on_error_rate(cases):
    result = cases['errors']
    checks = checks_by_name(result)
    rate = checks['load_error_rate:broken']
    assert rate['status'] == 'fail' and rate['value'] == 100.0, rate['message']
    assert '200 of 200 requests' in rate['message']
    assert checks['load_p95:broken']['status'] == 'fail'
    assert checks['load_p95:broken']['details']['status_counts'] == {'503': 200}
    assert not result.get('failed')


def test_refused_port_fails_with_a_transport_error(cases):
    result = cases['refused']
    assert not result.get('failed'), result
    checks = checks_by_name(result)
    assert result['readiness']['status'] == 'fail'
    p95 = checks['load_p95:down']
    assert p95['status'] == 'fail'
    assert 'Connection refused' in p95['message'] and 'transport errors: connect' in p95['message']
    assert p95['details']['stopped'] == 'unreachable' and p95['details']['sent'] < 100
    assert p95['details']['elapsed_s'] < 5
    assert 'Connection refused' in checks['load_error_rate:down']['message']


def test_asking_more_than_max_requests_stops_at_it(shop, cases):
    result = cases['max_requests']
    checks = checks_by_name(result)
    assert result['load']['sent'] == 300 and result['load']['stopped_by'] == 'max_requests'
    assert 'stopped at max_requests (300)' in checks['load_p95:bounded']['message']
    assert received(shop, 'GET /api/products?b=1 ') == 300


@pytest.fixture(scope='module')
def paced_cases(shop, tmp_path_factory):
    """The rate-paced cases, run apart from the others.

    Among the other cases the server is saturated and answers too slowly for a few
    connections to keep the pace, so the counts sent would measure the other cases.
    """
    base = shop['base']
    todo = [
        ('max_duration', {'name': 'timed', 'url': base + '/health?t=1', 'duration': 60, 'rate': 50,
                          'concurrency': 2, 'max_duration': 1.5, 'throughput': {'fail': 1}}, False),
        ('staged', {'name': 'login', 'url': base + '/api/auth/login', 'method': 'POST',
                    'secret_body': {'username': 'probe', 'password': shop['password']},
                    'warmup_requests': 10, 'throughput': {'fail': 1},
                    'stages': [{'name': 'normal', 'concurrency': 2, 'rate': 40, 'duration': 1},
                               {'name': 'spike', 'concurrency': 8, 'rate': 160, 'duration': 1}]},
         False),
    ]
    return run_cases(todo, tmp_path_factory.mktemp('paced'))


def test_max_duration_stops_a_longer_test(paced_cases):
    result = paced_cases['max_duration']
    assert result['load']['stopped_by'] == 'max_duration', result['load']
    check = checks_by_name(result)['load_p95:timed']
    assert 'stopped at max_duration (1.5s)' in check['message']
    assert check['details']['elapsed_s'] <= 1.6
    assert 40 <= check['details']['sent'] <= 80  # 1.5 s at 50 requests/s


def test_check_mode_sends_nothing(shop, cases):
    result = cases['check_mode']
    assert result['readiness']['status'] == 'skip'
    assert all(c['status'] == 'skip' for c in result['readiness']['checks'])
    assert result['plan']['stages'][0]['requests'] == 500
    assert 'would send GET' in result['readiness']['checks'][0]['message']
    assert received(shop, '/health?dry=1') == 0


def test_staged_open_model_run_and_secret_login(shop, paced_cases):
    result = paced_cases['staged']
    checks = checks_by_name(result)
    assert result['readiness']['status'] == 'pass', [c['message'] for c in checks.values()]
    normal = checks['load_p95:login/normal']['details']
    spike = checks['load_p95:login/spike']['details']
    assert normal['status_counts'] == {'200': normal['sent']} and 30 <= normal['sent'] <= 41
    assert 120 <= spike['sent'] <= 161 and spike['rate'] == 160
    assert result['load']['warmup_sent'] == 10
    assert shop['password'] not in json.dumps(result)


@pytest.mark.parametrize('index', range(len(BAD_INPUT)))
def test_bad_input_is_one_line_naming_the_option(shop, cases, index):
    result = cases['bad%d' % index]
    message = BAD_INPUT[index][1]
    assert result.get('failed') is True
    assert message in result['msg'] and '\n' not in result['msg'], result['msg']
    assert received(shop, '/health?bad=1') == 0


def test_playbook_runs_the_guide_scenarios_into_the_fleet_report(shop, tmp_path, report_dir):
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text(
        'all:\n  children:\n    web:\n      hosts:\n        shop1:\n'
        '          ansible_connection: local\n'
        '          ansible_python_interpreter: "{{ ansible_playbook_python }}"\n'
        '          load_test_port: %d\n'
        '          ansible_host: 127.0.0.1\n'
        '  hosts:\n    localhost:\n      ansible_connection: local\n'
        '      ansible_python_interpreter: "{{ ansible_playbook_python }}"\n' % shop['port'])
    secrets_file = tmp_path / 'login.json'
    # The playbook ends with the gate: throughput depends on this shared machine, so it is
    # ignored (with its reason) and everything else must pass for the run to exit 0.
    # With the transaction scenario: each user GETs the products, then POSTs the login.
    secrets_file.write_text(json.dumps({
        'load_test_scenarios': ['normal', 'transaction'], 'load_test_transaction_duration': 2,
        'load_test_transaction_concurrency': 4,
        'load_test_login_body': {'username': 'probe', 'password': shop['password']},
        'readiness_gate_ignore': [{'check': 'load/load_throughput:*',
                                   'reason': 'the test shop is one Python process'}]}))
    logins_before = received(shop, 'POST /api/auth/login')  # other cases log in too
    proc = run_playbook('load_test.yml', report_dir, '-i', str(inventory),
                        '-e', '@%s' % secrets_file, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'gate: GO' in proc.stdout, proc.stdout
    assert shop['password'] not in proc.stdout + proc.stderr
    report = json.loads((report_dir / 'readiness.json').read_text())
    text = json.dumps(report)
    for name in ('load_p95:health', 'load_error_rate:products', 'load_throughput:login'):
        assert name in text, name
    assert shop['password'] not in text
    checks = dict((c['name'], c) for host in report['hosts'].values() for c in host['checks'])
    journey = checks['load_transaction_error_rate:journey']
    assert journey['status'] == 'pass' and journey['value'] == 0, journey['message']
    assert 'steps: products ' in journey['message'] and '; login ' in journey['message']
    assert checks['load_tps:journey']['value'] > 0
    ok = int(re.search(r'; (\d+) of \d+ transactions succeeded', journey['message']).group(1))
    # The normal scenario's 100 logins, and one per successful transaction.
    assert received(shop, 'POST /api/auth/login') - logins_before == 100 + ok


def test_playbook_without_login_credentials_fails_clearly(shop, tmp_path, report_dir):
    inventory = tmp_path / 'hosts.yml'
    inventory.write_text('all:\n  children:\n    web:\n      hosts:\n        shop1:\n'
                         '          ansible_connection: local\n')
    proc = run_playbook('load_test.yml', report_dir, '-i', str(inventory), timeout=60)
    assert proc.returncode != 0
    assert 'load_test_login_body is not set' in proc.stdout
