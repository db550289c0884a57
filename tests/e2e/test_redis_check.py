"""redis_check for real: ansible runs the module against real Redis servers on loopback.

scripts/services/redis.sh (run once per session here, idempotent) starts `main` (ACL user,
unix socket, AOF), its `replica`, and `small` (maxmemory 4 MB, noeviction) with a generated
password in .cache/services/redis.json. Tests that change a server's state (stopping it,
filling it, exhausting its clients) use a throwaway redis-server of their own.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from conftest import REPO, ansible_env, checks_by_name, free_port, run_module, start_service


def client(port, password, **extra):
    """A test's own redis-py client on loopback; no retries, so a refused call fails at once."""
    return redis.Redis(host='127.0.0.1', port=port, password=password, socket_timeout=5,
                       retry=Retry(NoBackoff(), 0), **extra)


@pytest.fixture(scope='module')
def rs():
    """The test servers' connection facts (including the generated passwords)."""
    return start_service('redis')


class Throwaway:
    """A redis-server of one test on a free loopback port, with its own password."""

    def __init__(self, *config):
        self.port = free_port()
        self.password = 'tw-%s' % os.urandom(12).hex()
        self.dir = tempfile.mkdtemp(prefix='golive-redis-')
        conf = os.path.join(self.dir, 'redis.conf')
        with open(conf, 'w') as handle:
            handle.write('bind 127.0.0.1\nport %d\ndir %s\nsave ""\nappendonly no\nrequirepass %s\n'
                         % (self.port, self.dir, self.password))
            handle.write(''.join('%s\n' % line for line in config))
        os.chmod(conf, 0o600)
        self.proc = subprocess.Popen(['redis-server', conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.client = client(self.port, self.password)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def args(self, **extra):
        base = dict(host='127.0.0.1', port=self.port, password=self.password)
        base.update(extra)
        return base

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.client.shutdown(nosave=True)
            except redis.exceptions.ConnectionError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def throwaway():
    servers = []

    def start(*config):
        servers.append(Throwaway(*config))
        return servers[-1]
    yield start
    for server in servers:
        server.stop()


def main_args(rs, **extra):
    # The least-privilege ACL user may not read ACL LIST, so default_user would be unknown;
    # it is tried on servers of its own in test_redis_security.py.
    base = dict(host='127.0.0.1', port=rs['port'], username=rs['username'], password=rs['user_password'],
                default_user={'enabled': False})
    base.update(extra)
    return base


def raw_ansible(module_args, verbosity='-vvv'):
    """Run the module with the default callback at high verbosity; return all it printed."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost',
           '-m', 'golive.readiness.redis_check', '-a', json.dumps(module_args), verbosity]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
                          env=ansible_env())
    return proc.stdout + proc.stderr


def test_healthy_primary_with_an_acl_user(rs):
    result = run_module('redis_check', main_args(rs, role={'expected': 'master'}))
    assert result['changed'] is False and not result.get('failed')
    checks = checks_by_name(result)
    assert result['readiness']['component'] == 'redis'
    assert checks['connection']['status'] == 'pass' and checks['connection']['value'] < 1000
    assert checks['ping_latency']['status'] == 'pass' and checks['ping_latency']['details']['count'] == 20
    assert checks['role']['value'] == 'master' and checks['role']['status'] == 'pass'
    assert checks['replication:link']['status'] == 'skip' and checks['replication:lag']['status'] == 'skip'
    assert checks['memory']['status'] == 'pass'
    assert checks['memory']['details']['maxmemory_mib'] == 64.0
    assert checks['clients']['details']['maxclients'] == 10000
    assert checks['persistence:rdb']['status'] == 'pass'
    assert checks['persistence:aof']['status'] == 'pass'
    assert checks['rejected_connections']['status'] == 'pass'
    assert result['readiness']['status'] == 'pass'


def test_unix_socket_with_the_default_user(rs):
    result = run_module('redis_check', dict(unix_socket=rs['unix_socket'], password=rs['password']))
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'pass', checks['connection']
    assert rs['unix_socket'] in checks['connection']['message']


def test_replica_link_and_lag(rs):
    result = run_module('redis_check', dict(port=rs['replica_port'], password=rs['password']))
    checks = checks_by_name(result)
    assert checks['role']['value'] == 'replica'
    assert checks['replication:link']['status'] == 'pass' and checks['replication:link']['value'] == 'up'
    assert checks['replication:lag']['status'] == 'pass' and checks['replication:lag']['value'] < 20
    result = run_module('redis_check', dict(port=rs['replica_port'], password=rs['password'],
                                            role={'expected': 'master'}))
    assert checks_by_name(result)['role']['status'] == 'fail'


def test_stopped_server_fails(throwaway):
    server = throwaway()
    result = run_module('redis_check', server.args())
    assert checks_by_name(result)['connection']['status'] == 'pass'
    server.stop()
    result = run_module('redis_check', server.args(connect_timeout=2))
    assert not result.get('failed')
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'fail'
    assert '127.0.0.1:%d' % server.port in checks['connection']['message']
    assert 'refused' in checks['connection']['message'].lower()
    assert set(c['status'] for n, c in checks.items() if n != 'connection') == {'skip'}
    assert result['readiness']['status'] == 'fail'


def test_wrong_password_fails_and_no_secret_is_printed(rs):
    wrong = 'wrong-%s' % os.urandom(8).hex()
    for module_args in (main_args(rs, password=wrong), dict(port=rs['port'], password=wrong)):
        result = run_module('redis_check', module_args)
        check = checks_by_name(result)['connection']
        assert check['status'] == 'fail'
        assert 'invalid username-password pair' in check['message']
        output = raw_ansible(module_args)
        assert 'invalid username-password pair' in output
        assert wrong not in output
    output = raw_ansible(main_args(rs))
    assert '"status": "pass"' in output and rs['user_password'] not in output


def test_no_password_is_a_fail(rs):
    check = checks_by_name(run_module('redis_check', dict(port=rs['port'])))['connection']
    assert check['status'] == 'fail' and 'authenticated' in check['message']


def fill(client, maxmemory, percent, limit=4000):
    """Write 8 KiB values until used_memory reaches ``percent`` of maxmemory (bounded)."""
    value = b'x' * 8192
    for i in range(limit):
        used = client.info('memory')['used_memory']
        if 100.0 * used / maxmemory >= percent:
            return used
        try:
            client.set('fill:%d:%d' % (percent, i), value)
        except redis.exceptions.ResponseError:  # OOM with noeviction: it is full
            return client.info('memory')['used_memory']
    raise AssertionError('did not reach %s%% in %d writes' % (percent, limit))


def test_redis_near_its_maxmemory(rs):
    small = client(rs['small_port'], rs['password'])
    small.flushall()
    try:
        maxmemory = small.info('memory')['maxmemory']
        assert maxmemory == 4 * 1048576
        args = dict(port=rs['small_port'], password=rs['password'])
        fill(small, maxmemory, 82)
        check = checks_by_name(run_module('redis_check', args))['memory']
        assert check['status'] == 'warn' and 80 <= check['value'] < 90, check
        fill(small, maxmemory, 92)
        check = checks_by_name(run_module('redis_check', args))['memory']
        assert check['status'] == 'fail' and check['value'] >= 90, check
        assert check['details']['maxmemory_policy'] == 'noeviction'
        # Full for real: with noeviction the server now refuses writes.
        with pytest.raises(redis.exceptions.ResponseError, match='maxmemory'):
            fill(small, maxmemory, 200)
            small.set('one-more', b'x' * 65536)
    finally:
        small.flushall()
        small.close()


def test_no_maxmemory_evictions_and_hit_ratio(throwaway):
    server = throwaway()
    checks = checks_by_name(run_module('redis_check', server.args()))
    assert checks['memory']['status'] == 'warn'
    assert 'no maxmemory is set' in checks['memory']['message']
    assert 'maxmemory-policy' in checks['memory']['remediation']
    # Lookups: 300 hits, 900 misses.
    server.client.set('present', 'x')
    pipe = server.client.pipeline(transaction=False)
    for i in range(300):
        pipe.get('present')
    for i in range(900):
        pipe.get('absent:%d' % i)
    pipe.execute()
    # Evictions: a small LRU maxmemory and more data than fits.
    server.client.config_set('maxmemory', 2 * 1048576)
    server.client.config_set('maxmemory-policy', 'allkeys-lru')
    value = b'y' * 8192
    for i in range(600):
        server.client.set('evict:%d' % i, value)
    checks = checks_by_name(run_module('redis_check', server.args()))
    ratio = checks['hit_ratio']
    assert ratio['status'] == 'fail' and ratio['value'] == 25.0, ratio
    assert checks['evicted_keys']['status'] == 'warn' and checks['evicted_keys']['value'] > 0
    assert checks['memory']['details']['maxmemory_policy'] == 'allkeys-lru'


def test_clients_near_maxclients_and_rejected_connections(throwaway):
    server = throwaway('maxclients 10')
    held = []
    try:
        for dummy in range(10):  # the server's own client counts as one: the tenth is refused
            try:
                conn = client(server.port, server.password, single_connection_client=True)
                conn.ping()
            except redis.exceptions.ConnectionError:
                continue
            held.append(conn)
        held.pop().close()  # room for the check itself
        time.sleep(0.2)
        checks = checks_by_name(run_module('redis_check', server.args()))
        clients = checks['clients']
        assert clients['status'] == 'fail' and clients['value'] >= 90, clients
        assert clients['details']['maxclients'] == 10
        assert checks['rejected_connections']['status'] == 'warn'
        assert checks['rejected_connections']['value'] >= 1
    finally:
        for conn in held:
            conn.close()


def test_failed_rdb_save(throwaway):
    server = throwaway('enable-protected-configs yes')
    gone = tempfile.mkdtemp(prefix='golive-redis-gone-')
    server.client.config_set('dir', gone)
    shutil.rmtree(gone)
    server.client.set('k', 'v')
    server.client.bgsave()
    deadline = time.monotonic() + 10
    while server.client.info('persistence')['rdb_bgsave_in_progress'] and time.monotonic() < deadline:
        time.sleep(0.1)
    check = checks_by_name(run_module('redis_check', server.args()))['persistence:rdb']
    assert check['status'] == 'fail' and check['value'] == 'err', check


@pytest.mark.parametrize('module_args, option', [
    ({'memory': {'warn': 95, 'fail': 90}}, 'memory:'),
    ({'ping_latency': {'count': 0}}, 'ping_latency.count:'),
    ({'tls_ca_cert': '/nonexistent/ca.pem'}, 'tls_ca_cert:'),
])
def test_bad_input_is_one_line_naming_the_option(rs, module_args, option):
    result = run_module('redis_check', main_args(rs, **module_args))
    assert result['failed'] is True
    assert result['msg'].startswith(option) and '\n' not in result['msg']


def test_bad_choice_is_rejected_by_ansible(rs):
    result = run_module('redis_check', main_args(rs, role={'expected': 'primary'}))
    assert result['failed'] is True and 'expected' in result['msg']


def test_check_mode_measures_the_same(rs):
    result = run_module('redis_check', main_args(rs), check_mode=True)
    assert result['changed'] is False and not result.get('failed')
    assert result['readiness']['status'] == 'pass'


def test_two_real_servers_on_one_host_are_two_instances_and_a_down_one_blocks(rs, tmp_path):
    """R15.2: a loop over two Redis servers keeps both results; the one that is down is NO-GO."""
    from conftest import run_playbook

    down = free_port()
    report_dir = tmp_path / 'reports'
    report_dir.mkdir()
    playbook = tmp_path / 'two.yml'
    playbook.write_text('''
- name: Two Redis servers on one host
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Each server
      golive.readiness.redis_check:
        host: 127.0.0.1
        port: "{{ item }}"
        username: "{{ user }}"
        password: "{{ password }}"
        checks: {evicted_keys: {enabled: false}, hit_ratio: {enabled: false}}
      loop: [%d, %d]
      register: servers
      failed_when: servers.readiness is not defined
- name: Gate
  ansible.builtin.import_playbook: %s
''' % (down, rs['port'], os.path.join(REPO, 'playbooks', 'readiness.yml')))
    extra = json.dumps(dict(user=rs['username'], password=rs['user_password'],
                            readiness_system_enabled=False, readiness_tls_enabled=False))
    proc = run_playbook(str(playbook), report_dir, '-e', extra)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    report = json.loads((report_dir / 'readiness.json').read_text())
    connections = dict((c.get('instance'), c['status']) for c in report['hosts']['localhost']['checks']
                       if c['name'] == 'connection')
    assert connections == {'127.0.0.1:%d' % down: 'fail', '127.0.0.1:%d' % rs['port']: 'pass'}
    assert 'redis[127.0.0.1:%d]/connection' % down in report['gate']['blockers'][0]
    assert rs['user_password'] not in proc.stdout + (report_dir / 'readiness.json').read_text()


def test_a_server_that_wants_a_password_says_authentication_required(throwaway):
    """R15.10: no password for a server with requirepass reads as what to do, not as HELLO."""
    server = throwaway()
    args = server.args()
    del args['password']
    check = checks_by_name(run_module('redis_check', args))['connection']
    assert check['status'] == 'fail'
    assert 'authentication required' in check['message'], check['message']
    assert server.password not in json.dumps(check)
