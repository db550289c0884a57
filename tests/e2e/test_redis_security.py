"""redis_check's encryption and least-privilege checks against real redis-server instances.

Two servers of Debian's redis-server on loopback (ports 21300-21399 or free ones), TLS from a
private CA:
  tls_only  tls-port only (port 0); ACL users admin and app, the default user off
  mixed     plaintext port and tls-port; an ACL user app beside the default user with +@all
encryption.required is proven by sending a plaintext PING; default_user reads ACL LIST.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import time

import pytest

from conftest import checks_by_name, free_port, run_module
from tls_fixtures import make_ca, make_leaf, write_pair


def start_redis(directory, name, lines):
    """redis-server with ``lines`` of config in ``directory/name``; waits until its port accepts."""
    home = os.path.join(directory, name)
    os.makedirs(home)
    conf = os.path.join(home, 'redis.conf')
    with open(conf, 'w') as handle:
        handle.write('bind 127.0.0.1\ndaemonize no\ndir %s\nsave ""\nlogfile %s/redis.log\n' % (home, home))
        handle.write('\n'.join(lines) + '\n')
    os.chmod(conf, 0o600)
    proc = subprocess.Popen([shutil.which('redis-server') or '/usr/bin/redis-server', conf],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = int([line.split()[1] for line in lines if line.startswith('tls-port')][0])
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                with open(os.path.join(home, 'redis.log')) as log:
                    raise AssertionError('redis-server %s did not start: %s' % (name, log.read()[-2000:]))
            time.sleep(0.1)


@pytest.fixture(scope='module')
def servers(tmp_path_factory):
    assert shutil.which('redis-server'), 'redis-server is missing: scripts/setup.sh --test installs it'
    directory = str(tmp_path_factory.mktemp('redis-security'))
    ca = make_ca()
    ca_path = write_pair(directory, 'ca', ca)[0]
    cert, key = write_pair(directory, 'server', make_leaf(ca))
    tls = ['tls-cert-file %s' % cert, 'tls-key-file %s' % key, 'tls-ca-cert-file %s' % ca_path,
           'tls-auth-clients no']
    pw = dict(admin='a-' + secrets.token_hex(12), app='b-' + secrets.token_hex(12),
              default='c-' + secrets.token_hex(12))
    ports = dict(tls_only=free_port(), plain=free_port(), mixed_tls=free_port())
    procs = [
        start_redis(directory, 'tls_only', ['port 0', 'tls-port %d' % ports['tls_only']] + tls + [
            'user default off',
            'user admin on >%s ~* &* +@all' % pw['admin'],
            'user app on >%s ~app:* -@all +@read +@write +@connection' % pw['app']]),
        start_redis(directory, 'mixed', ['port %d' % ports['plain'], 'tls-port %d' % ports['mixed_tls']] + tls + [
            'requirepass %s' % pw['default'],
            'user app on >%s ~app:* -@all +@read +@connection' % pw['app']]),
    ]
    try:
        yield dict(ports, ca=ca_path, passwords=pw)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=15)


def tls_args(servers, port, **extra):
    args = dict(host='127.0.0.1', port=port, tls=True, tls_ca_cert=servers['ca'])
    args.update(extra)
    return args


def test_tls_only_server_with_default_user_off_passes(servers):
    result = run_module('redis_check', tls_args(
        servers, servers['tls_only'], username='admin', password=servers['passwords']['admin'],
        encryption={'required': True}))
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'pass', checks['connection']
    enc = checks['encryption']
    assert enc['status'] == 'pass', enc
    (why,) = enc['details']['plaintext_tried'].values()
    assert 'closed' in why or 'not RESP' in why or 'dropped' in why, why
    user = checks['default_user']
    assert user['status'] == 'pass' and user['value'] == 'off', user
    assert user['details']['acl_users'] == ['admin', 'app']
    text = json.dumps(result)
    assert all(p not in text for p in servers['passwords'].values())
    assert '#' not in json.dumps(user['details'])  # no password hash from ACL LIST


def test_server_with_a_plaintext_port_and_an_all_powerful_default_user_fails(servers):
    result = run_module('redis_check', tls_args(
        servers, servers['mixed_tls'], password=servers['passwords']['default'],
        encryption={'required': True, 'plain_ports': [servers['plain']]}))
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'pass', checks['connection']
    enc = checks['encryption']
    assert enc['status'] == 'fail', enc
    # The plaintext port answers without a credential: NOAUTH is Redis speaking plaintext.
    assert '127.0.0.1:%d answers a plaintext PING (-NOAUTH' % servers['plain'] in enc['message'], enc
    user = checks['default_user']
    assert user['status'] == 'fail' and 'every command' in user['message'], user
    assert user['details']['acl_users'] == ['app']
    text = json.dumps(result)
    assert all(p not in text for p in servers['passwords'].values())


def test_plaintext_connection_fails_required_and_skips_otherwise(servers):
    pw = servers['passwords']['default']
    required = run_module('redis_check', dict(host='127.0.0.1', port=servers['plain'], password=pw,
                                              encryption={'required': True}))
    enc = checks_by_name(required)['encryption']
    assert enc['status'] == 'fail' and 'not encrypted' in enc['message'], enc
    relaxed = run_module('redis_check', dict(host='127.0.0.1', port=servers['plain'], password=pw))
    assert checks_by_name(relaxed)['encryption']['status'] == 'skip'


def test_acl_user_without_acl_permission_is_unknown(servers):
    """A least-privilege check user cannot read ACL LIST: unknown with the reason, never pass."""
    result = run_module('redis_check', tls_args(
        servers, servers['mixed_tls'], username='app', password=servers['passwords']['app']))
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'pass', checks['connection']
    user = checks['default_user']
    assert user['status'] == 'unknown' and 'ACL LIST' in user['message'], user
