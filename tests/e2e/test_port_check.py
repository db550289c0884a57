"""port_check, run for real through ansible against real sockets opened by the test."""

import socket
import subprocess
import sys

import pytest

from conftest import checks_by_name, run_module

LISTENER = r'''
import socket, sys, time
socks = []
def tcp(host, family=socket.AF_INET):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, 0)); s.listen(5); socks.append(s)
    return s.getsockname()[1]
def udp(host):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, 0)); socks.append(s)
    return s.getsockname()[1]
ports = [tcp('127.0.0.1'), tcp('0.0.0.0'), udp('127.0.0.1'), udp('0.0.0.0')]
try:
    ports.append(tcp('::1', socket.AF_INET6))
except OSError:
    ports.append(0)
print(' '.join(map(str, ports)), flush=True)
time.sleep(600)
'''


@pytest.fixture(scope='module')
def sockets():
    """Real listeners in another process: loopback TCP, wildcard TCP, loopback and wildcard UDP, ::1."""
    proc = subprocess.Popen([sys.executable, '-c', LISTENER], stdout=subprocess.PIPE, text=True)
    try:
        ports = [int(p) for p in proc.stdout.readline().split()]
        assert len(ports) == 5, 'listener did not start'
        yield dict(zip(('tcp_lo', 'tcp_any', 'udp_lo', 'udp_any', 'tcp6_lo'), ports))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def free_ports(count):
    """Ports nothing listens on: bound (never listening) and closed again."""
    socks = [socket.socket() for _index in range(count)]
    try:
        for sock in socks:
            sock.bind(('127.0.0.1', 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


def test_expectations_are_judged_from_the_socket_table(sockets):
    free, free2 = free_ports(2)
    s = sockets
    result = run_module('port_check', {
        'listening': ['%d/tcp' % s['tcp_lo'], 'udp/%d' % s['udp_lo'], free],
        'not_listening': [s['tcp_any'], 'udp/%d' % s['udp_any'], free2],
        'loopback_only': [s['tcp_lo'], s['tcp_any'], '%d/udp' % s['udp_any'], free],
    })
    assert result['changed'] is False
    assert result['readiness']['component'] == 'ports'
    checks = checks_by_name(result)
    status = dict((name, c['status']) for name, c in checks.items())
    assert status == {
        'listening:tcp/%d' % s['tcp_lo']: 'pass',
        'listening:udp/%d' % s['udp_lo']: 'pass',
        'listening:tcp/%d' % free: 'fail',
        'not_listening:tcp/%d' % s['tcp_any']: 'fail',
        'not_listening:udp/%d' % s['udp_any']: 'fail',
        'not_listening:tcp/%d' % free2: 'pass',
        'loopback_only:tcp/%d' % s['tcp_lo']: 'pass',
        'loopback_only:tcp/%d' % s['tcp_any']: 'fail',
        'loopback_only:udp/%d' % s['udp_any']: 'fail',
        'loopback_only:tcp/%d' % free: 'pass',
    }
    exposed = checks['loopback_only:tcp/%d' % s['tcp_any']]
    assert '0.0.0.0' in exposed['message'] and exposed['value'] == 1
    assert exposed['details']['addresses'] == ['0.0.0.0']
    assert any(name.startswith('python') for name in exposed['details']['processes'])
    assert 'nothing listens on tcp/%d' % free in checks['listening:tcp/%d' % free]['message']
    assert result['readiness']['status'] == 'fail'


def test_records_are_named_like_their_options_and_keep_the_former_name(sockets):
    s = sockets
    result = run_module('port_check', {'listening': [s['tcp_lo']], 'not_listening': [s['tcp_any']],
                                       'loopback_only': [s['tcp_any']]})
    formerly = dict((c['name'], c.get('formerly')) for c in result['readiness']['checks'])
    assert formerly == {'listening:tcp/%d' % s['tcp_lo']: 'port_listening:tcp/%d' % s['tcp_lo'],
                        'not_listening:tcp/%d' % s['tcp_any']: 'port_not_listening:tcp/%d' % s['tcp_any'],
                        'loopback_only:tcp/%d' % s['tcp_any']: 'port_loopback_only:tcp/%d' % s['tcp_any']}


def test_ipv6_loopback_counts_as_loopback(sockets):
    if not sockets['tcp6_lo']:
        pytest.skip('no IPv6 loopback on this machine')
    result = run_module('port_check', {'listening': [sockets['tcp6_lo']],
                                       'loopback_only': [sockets['tcp6_lo']]})
    checks = checks_by_name(result)
    assert checks['loopback_only:tcp/%d' % sockets['tcp6_lo']]['status'] == 'pass'
    assert checks['listening:tcp/%d' % sockets['tcp6_lo']]['details']['addresses'] == ['::1']


def test_check_mode_and_nothing_listed(sockets):
    result = run_module('port_check', {'listening': [sockets['tcp_lo']]}, check_mode=True)
    assert result['changed'] is False
    assert result['readiness']['status'] == 'pass'
    empty = run_module('port_check', {'listening': []})
    assert empty['readiness'] == {'component': 'ports', 'status': 'skip', 'checks': [],
                                  'summary': {'pass': 0, 'warn': 0, 'fail': 0, 'unknown': 0,
                                              'skip': 0}}


@pytest.mark.parametrize('args, option', [
    ({'listening': ['http']}, 'listening[0]'),
    ({'not_listening': [22, 70000]}, 'not_listening[1]'),
    ({'loopback_only': ['53/sctp']}, 'loopback_only[0]'),
    ({'listening': [80], 'not_listening': ['80/tcp']}, 'not_listening'),
])
def test_bad_input_fails_with_one_line_naming_the_option(args, option):
    result = run_module('port_check', args)
    assert result.get('failed') is True
    assert result['msg'].startswith(option), result['msg']
    assert '\n' not in result['msg']
