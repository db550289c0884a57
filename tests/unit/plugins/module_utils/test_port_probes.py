"""Pure logic of port_probes: parsing, loopback, judgement."""

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.probes import port as pp


@pytest.mark.parametrize('value, expected', [
    (80, ('tcp', 80)), ('443', ('tcp', 443)), ('53/udp', ('udp', 53)), ('udp/53', ('udp', 53)),
    ('TCP/22', ('tcp', 22)), (0, None), (65536, None), ('http', None), ('tcp/53/udp', None),
    (True, None), (None, None), ('53/sctp', None),
])
def test_parse_port(value, expected):
    assert pp.parse_port(value) == expected


def test_parse_options_errors_name_the_option():
    parsed, errors = pp.parse_options({'listening': [80, 'x'], 'not_listening': ['80/tcp'],
                                       'loopback_only': [6379, 6379]})
    assert errors[0].startswith('listening[1]')
    assert errors[1].startswith('not_listening: tcp/80')
    assert parsed['loopback_only'] == [('tcp', 6379)]


@pytest.mark.parametrize('address, expected', [
    ('127.0.0.1', True), ('127.1.2.3', True), ('::1', True), ('::ffff:127.0.0.1', True),
    ('0.0.0.0', False), ('::', False), ('10.0.0.5', False), ('fe80::1%eth0', False), ('x', False),
])
def test_is_loopback(address, expected):
    assert pp.is_loopback(address) is expected


def test_judge():
    names = {10: 'redis-server'}
    exposed = pp.judge('loopback_only', ('tcp', 6379), [('127.0.0.1', 10), ('0.0.0.0', 10)], names)
    assert exposed['status'] == 'fail' and exposed['value'] == 1
    assert '0.0.0.0 (redis-server)' in exposed['message']
    assert pp.judge('loopback_only', ('tcp', 6379), [('::1', None)], {})['status'] == 'pass'
    assert pp.judge('loopback_only', ('tcp', 6379), [], {})['status'] == 'pass'
    assert pp.judge('listening', ('tcp', 80), [], {})['status'] == 'fail'
    assert pp.judge('listening', ('udp', 53), [('0.0.0.0', None)], {})['name'] == 'listening:udp/53'
    assert pp.judge('not_listening', ('tcp', 23), [('::', 1)], {})['status'] == 'fail'
    assert pp.judge('not_listening', ('tcp', 23), [], {})['status'] == 'pass'


def test_measure_reads_the_real_table():
    import psutil
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        records = pp.measure(psutil, {'listening': [('tcp', port)], 'not_listening': [],
                                      'loopback_only': [('tcp', port)]})
    assert [r['status'] for r in records] == ['pass', 'pass']
    assert pp.measure(psutil, {'listening': [], 'not_listening': [], 'loopback_only': []}) == []
