"""redis_check's pure logic: INFO parsing and judging, percentiles, input validation."""

import socket

import pytest
import redis

from ansible_collections.golive.readiness.plugins.module_utils.probes import redis as p
from catalogue_params import all_errors, check_opts, module_params

# A Redis 7 INFO excerpt, as the server sends it.
INFO_TEXT = """\
# Server\r
redis_version:7.0.15\r
uptime_in_seconds:3600\r
\r
# Clients\r
connected_clients:8\r
maxclients:10\r
blocked_clients:0\r
\r
# Memory\r
used_memory:3565158\r
used_memory_rss:7000000\r
maxmemory:4194304\r
maxmemory_policy:noeviction\r
mem_fragmentation_ratio:1.96\r
total_system_memory:25275822080\r
\r
# Persistence\r
rdb_changes_since_last_save:12\r
rdb_last_bgsave_status:err\r
aof_enabled:1\r
aof_last_bgrewrite_status:ok\r
aof_last_write_status:err\r
\r
# Stats\r
rejected_connections:3\r
evicted_keys:0\r
keyspace_hits:300\r
keyspace_misses:900\r
\r
# Replication\r
role:slave\r
master_host:10.0.0.5\r
master_port:6379\r
master_link_status:down\r
master_last_io_seconds_ago:-1\r
master_link_down_since_seconds:42\r
\r
# Keyspace\r
db0:keys=12,expires=0,avg_ttl=0\r
"""


def params(**overrides):
    """Module parameters as AnsibleModule would give them: every option and suboption present."""
    return module_params(p.CATALOGUE, **overrides)


def opts(name, **extra):
    return check_opts(p.CATALOGUE, name, **extra)


@pytest.fixture
def info():
    return p.parse_info(INFO_TEXT)


def test_parse_info(info):
    assert info['redis_version'] == '7.0.15'
    assert info['used_memory'] == 3565158 and info['mem_fragmentation_ratio'] == 1.96
    assert info['role'] == 'slave' and info['master_last_io_seconds_ago'] == -1
    assert info['db0'] == {'keys': 12, 'expires': 0, 'avg_ttl': 0}
    assert 'Server' not in info and '' not in info


def test_parse_info_matches_redis_py_on_the_fields_used(info):
    """redis-py's own parser, which the module uses, reads the same values."""
    from redis._parsers.helpers import parse_info as redis_py_parse
    theirs = redis_py_parse(INFO_TEXT)
    for key in ('used_memory', 'maxmemory', 'role', 'master_link_status', 'keyspace_hits',
                'mem_fragmentation_ratio', 'rdb_last_bgsave_status', 'aof_enabled', 'maxclients'):
        assert info[key] == theirs[key], key


@pytest.mark.parametrize('used, maximum, status', [
    (50, 100, 'pass'), (80, 100, 'warn'), (89.9, 100, 'warn'), (90, 100, 'warn'), (90.1, 100, 'fail'), (120, 100, 'fail'),
])
def test_memory_against_maxmemory(used, maximum, status):
    record = p.check_memory({'used_memory': used * 1048576, 'maxmemory': maximum * 1048576},
                            opts('memory'))
    assert record['status'] == status
    assert record['value'] == round(100.0 * used / maximum, 1)


def test_no_maxmemory_is_a_warn_with_a_hint():
    record = p.check_memory({'used_memory': 1048576, 'maxmemory': 0, 'maxmemory_policy': 'noeviction'},
                            opts('memory'))
    assert record['status'] == 'warn' and record['value'] is None
    assert 'no maxmemory' in record['message'] and 'maxmemory' in record['remediation']


def test_memory_of_the_sample(info):
    record = p.check_memory(info, opts('memory'))
    assert record['status'] == 'warn' and record['value'] == 85.0


def test_replica_with_a_broken_link(info):
    link, lag = p.check_replication(info, opts('replication'))
    assert link['name'] == 'replication:link' and link['status'] == 'fail'
    assert 'down since 42s' in link['message'] and '10.0.0.5:6379' in link['message']
    assert lag['name'] == 'replication:lag' and lag['status'] == 'unknown'


@pytest.mark.parametrize('last_io, status', [(0, 'pass'), (19, 'pass'), (20, 'warn'), (61, 'fail')])
def test_replica_lag(last_io, status):
    link, lag = p.check_replication({'role': 'slave', 'master_link_status': 'up', 'master_host': 'h',
                                     'master_port': 1, 'master_last_io_seconds_ago': last_io},
                                    opts('replication'))
    assert link['status'] == 'pass' and lag['status'] == status and lag['value'] == last_io


def test_a_master_skips_replication():
    records = p.check_replication({'role': 'master'}, opts('replication'))
    assert [r['status'] for r in records] == ['skip', 'skip']


def test_role_expected(info):
    assert p.check_role(info, opts('role'))['value'] == 'replica'
    assert p.check_role(info, opts('role', expected='replica'))['status'] == 'pass'
    failed = p.check_role(info, opts('role', expected='master'))
    assert failed['status'] == 'fail' and 'expected a master' in failed['message']


def test_hit_ratio_judged_and_skipped(info):
    assert p.check_hit_ratio(info, opts('hit_ratio'))['status'] == 'fail'  # 25 %
    assert p.check_hit_ratio(info, opts('hit_ratio', min_lookups=5000))['status'] == 'skip'
    record = p.check_hit_ratio({'keyspace_hits': 900, 'keyspace_misses': 100}, opts('hit_ratio', min_lookups=0))
    assert record['status'] == 'pass' and record['value'] == 90.0


def test_fragmentation(info):
    assert p.check_fragmentation(info, opts('fragmentation'))['status'] == 'skip'  # 3.4 MiB used
    record = p.check_fragmentation(info, opts('fragmentation', min_used_mib=0))
    assert record['status'] == 'warn' and record['value'] == 1.96
    swapped = p.check_fragmentation({'mem_fragmentation_ratio': 0.7, 'used_memory': 2 ** 30},
                                    opts('fragmentation'))
    assert swapped['status'] == 'warn' and 'swapped' in swapped['message']


def test_clients(info):
    record = p.check_clients(info, opts('clients'))
    assert record['status'] == 'warn' and record['value'] == 80.0
    # 90 % is the fail limit itself: warn; only beyond it fails.
    assert p.check_clients({'connected_clients': 9}, opts('clients'), maxclients=10)['status'] == 'warn'
    assert p.check_clients({'connected_clients': 10}, opts('clients'), maxclients=10)['status'] == 'fail'
    assert p.check_clients({'connected_clients': 9}, opts('clients'))['status'] == 'unknown'


def test_persistence(info):
    rdb, aof = p.check_persistence(info)
    assert rdb['status'] == 'fail' and rdb['value'] == 'err'
    assert aof['status'] == 'fail' and 'aof_last_write_status=err' in aof['message']
    rdb, aof = p.check_persistence({'rdb_last_bgsave_status': 'ok', 'aof_enabled': 0})
    assert (rdb['status'], aof['status']) == ('pass', 'skip')


def test_counters(info):
    assert p.check_rejected_connections(info, opts('rejected_connections'))['status'] == 'warn'
    assert p.check_evicted_keys(info, opts('evicted_keys'))['status'] == 'pass'
    assert p.check_evicted_keys({}, opts('evicted_keys'))['status'] == 'unknown'


def test_ping_latency_uses_p95():
    record = p.check_ping_latency([1.0] * 18 + [50.0, 200.0], opts('ping_latency'))
    assert record['value'] == 50.0 and record['status'] == 'warn'
    assert record['details'] == {'count': 20, 'p50_ms': 1.0, 'max_ms': 200.0}


def test_client_kwargs():
    unix = p.client_kwargs({'unix_socket': '/run/redis.sock', 'password': 'x', 'tls': True})
    assert unix['unix_socket_path'] == '/run/redis.sock' and 'host' not in unix and 'ssl' not in unix
    tls = p.client_kwargs({'host': 'cache', 'port': 6380, 'tls': True, 'tls_verify': False,
                           'tls_ca_cert': '/ca.pem'})
    assert tls['ssl'] is True and tls['ssl_cert_reqs'] == 'none' and tls['ssl_check_hostname'] is False
    assert tls['host'] == 'cache' and tls['port'] == 6380 and 'ssl_certfile' not in tls


def test_a_closed_port_is_a_fail_without_the_password():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    client, record = p.connect(redis, {'host': '127.0.0.1', 'port': port, 'password': 'pw-abc-555',
                                       'connect_timeout': 2}, opts('connection'))
    assert client is None and record['status'] == 'fail'
    assert '127.0.0.1:%d' % port in record['message'] and 'refused' in record['message'].lower()
    assert 'pw-abc-555' not in str(record)


def test_input_errors_name_their_option():
    errors = all_errors(p.CATALOGUE, p.input_errors, **dict(
        memory={'warn': 95, 'fail': 90}, hit_ratio={'warn': 40, 'fail': 50},
        ping_latency={'count': 0}, port=0, connect_timeout=0, unix_socket='/nonexistent.sock', tls=True,
        tls_ca_cert='/nonexistent/ca.pem'))
    text = '\n'.join(errors)
    for option in ('memory:', 'hit_ratio:', 'ping_latency.count:', 'port:', 'connect_timeout:',
                   'unix_socket:', 'tls:', 'tls_ca_cert:'):
        assert option in text, option
    assert all_errors(p.CATALOGUE, p.input_errors) == []
