"""redis_check's encryption and default_user judgement (real servers: tests/e2e/test_redis_security.py)."""

import socket
import threading

from ansible_collections.golive.readiness.plugins.module_utils.probes import redis as p


def opts(**given):
    out = dict(enabled=True, required=False, plain_ports=[])
    out.update(given)
    return out


def test_has_all_commands_follows_the_rule_order():
    assert p.has_all_commands(['on', '+@all'])
    assert p.has_all_commands(['allcommands'])
    assert not p.has_all_commands(['on', '+@all', '-@dangerous'])
    assert not p.has_all_commands(['-@all', '+get'])
    assert p.has_all_commands(['-@all', '+@all'])


def test_default_user_judgement():
    acl = ['user default on nopass sanitize-payload ~* &* +@all',
           'user app on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~app:* -@all +@read']
    record = p.judge_default_user(acl)
    assert record['status'] == 'fail' and 'nopass' in record['message']
    assert record['details']['acl_users'] == ['app']
    assert '#' not in repr(record['details'])
    assert p.judge_default_user(['user default on nopass ~* &* +@all'])['status'] == 'skip'
    assert p.judge_default_user(['user default off ~* +@all', 'user app on ~* +@all'])['value'] == 'off'
    restricted = p.judge_default_user(['user default on #ab ~* -@all +@read', 'user app on ~* +@all'])
    assert restricted['status'] == 'pass' and restricted['value'] == 'restricted'


def test_encryption_judgement():
    tls = dict(host='127.0.0.1', port=6380, tls=True)

    def refused(host, port, timeout):
        return False, 'the server closed the connection'

    def served(host, port, timeout):
        return port == 6379, '+PONG' if port == 6379 else 'closed'

    assert p.check_encryption(tls, opts(required=True), refused)['status'] == 'pass'
    record = p.check_encryption(tls, opts(required=True, plain_ports=[6379]), served)
    assert record['status'] == 'fail' and '127.0.0.1:6379 answers a plaintext PING (+PONG)' in record['message']
    assert p.check_encryption(dict(tls, tls=False), opts(required=True), refused)['status'] == 'fail'
    assert p.check_encryption(dict(tls, tls=False), opts(), refused)['status'] == 'skip'
    assert p.check_encryption(tls, opts(), served)['status'] == 'pass'  # not tried: not required
    assert p.check_encryption(dict(unix_socket='/run/redis.sock'), opts(required=True), served)['status'] == 'skip'


def serve_once(reply):
    """A loopback listener that answers one connection with ``reply`` (None: closes at once)."""
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    sock.listen(1)

    def run():
        conn = sock.accept()[0]
        conn.recv(64)
        if reply:
            conn.sendall(reply)
        conn.close()
        sock.close()
    threading.Thread(target=run, daemon=True).start()
    return sock.getsockname()[1]


def test_plaintext_answer_tells_resp_from_anything_else():
    assert p.plaintext_answer('127.0.0.1', serve_once(b'+PONG\r\n'), 2) == (True, '+PONG')
    answered, why = p.plaintext_answer('127.0.0.1', serve_once(b'-NOAUTH Authentication required.\r\n'), 2)
    assert answered and why.startswith('-NOAUTH')
    assert p.plaintext_answer('127.0.0.1', serve_once(b'\x15\x03\x03\x00\x02\x02\x32'), 2)[0] is False
    assert p.plaintext_answer('127.0.0.1', serve_once(None), 2) == (False, 'the server closed the connection')
    with socket.socket() as free:
        free.bind(('127.0.0.1', 0))
        port = free.getsockname()[1]
    assert p.plaintext_answer('127.0.0.1', port, 2)[0] is False  # refused
