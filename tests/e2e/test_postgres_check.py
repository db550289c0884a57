"""postgres_check for real: ansible runs the module against real PostgreSQL servers on loopback.

scripts/services/postgres.sh (run once per session here, idempotent) starts a primary and a
streaming replica and writes the readiness role's generated password to .cache/services/.
"""

import json
import os
import socket
import subprocess
import sys
import time

import psycopg2
import pytest

from conftest import REPO, ansible_env, checks_by_name, run_module, start_service


@pytest.fixture(scope='module')
def pg():
    """The test servers' connection facts (including the generated password)."""
    return start_service('postgres')


def args(pg, **extra):
    """Module arguments for the shop database on the primary."""
    base = dict(host='127.0.0.1', port=pg['port'], database=pg['database'], user=pg['user'],
                password=pg['password'])
    base.update(extra)
    return base


def connect(pg, port=None, **extra):
    conn = psycopg2.connect(host='127.0.0.1', port=port or pg['port'], dbname=pg['database'],
                            user=pg['user'], password=pg['password'], **extra)
    conn.autocommit = True
    return conn


def superuser_sql(port, sql):
    """Run SQL as the postgres superuser over the socket (peer authentication)."""
    subprocess.run(['runuser', '-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1',
                    '-h', '/var/run/postgresql', '-p', str(port), '-d', 'shop', '-c', sql],
                   check=True, capture_output=True, text=True, timeout=30)


def closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def raw_ansible(module_args, module='postgres_check', verbosity='-vvv'):
    """Run the module with the default callback at high verbosity; return all it printed."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost',
           '-m', 'golive.readiness.%s' % module, '-a', json.dumps(module_args), verbosity]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
                          env=ansible_env())
    return proc.stdout + proc.stderr


def test_healthy_primary(pg):
    result = run_module('postgres_check', args(pg, server_version={'min': '13'}, table_count={'min': 3}))
    assert result['changed'] is False
    assert not result.get('failed')
    checks = checks_by_name(result)
    assert result['readiness']['component'] == 'postgres'
    for name in ('connection', 'server_version', 'database_size', 'table_count', 'connections',
                 'cache_hit_ratio', 'long_transactions', 'idle_in_transaction',
                 'query_latency:p50', 'query_latency:p95', 'slow_statements'):
        assert checks[name]['status'] in ('pass', 'skip'), checks[name]
    # The test server is in its steady state (scripts/services/postgres.sh), so this measured.
    assert checks['cache_hit_ratio']['status'] == 'pass', checks['cache_hit_ratio']
    assert checks['server_version']['value'].split('.')[0].isdigit()
    assert checks['table_count']['value'] == 3
    assert checks['database_size']['unit'] == 'MiB' and checks['database_size']['value'] > 0
    assert checks['replication_lag']['status'] == 'skip'
    assert 'primary' in checks['replication_lag']['message']
    assert checks['query_latency:p95']['details']['runs'] == 20
    assert checks['query_latency:p50']['value'] <= checks['query_latency:p95']['value'] < 50
    assert checks['slow_statements']['details']['statements']
    assert checks['connection']['value'] < 1000
    assert result['readiness']['status'] == 'pass'


def test_unix_socket(pg):
    result = run_module('postgres_check', dict(unix_socket=pg['unix_socket'], port=pg['port'],
                                               database='shop', user=pg['user'], password=pg['password']))
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'pass', checks['connection']
    assert '/var/run/postgresql:%d/shop' % pg['port'] in checks['connection']['message']


def test_minimums_not_met_fail(pg):
    result = run_module('postgres_check', args(pg, server_version={'min': '99'}, table_count={'min': 4}))
    checks = checks_by_name(result)
    assert checks['server_version']['status'] == 'fail'
    assert 'older than the required 99' in checks['server_version']['message']
    assert checks['table_count']['status'] == 'fail'
    assert '3 tables (at least 4 required)' in checks['table_count']['message']
    assert result['readiness']['status'] == 'fail' and not result.get('failed')


def test_server_down_is_a_fail_not_a_task_failure(pg):
    port = closed_port()
    result = run_module('postgres_check', args(pg, port=port, connect_timeout=2))
    assert not result.get('failed')
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'fail'
    assert 'cannot connect to 127.0.0.1:%d/shop' % port in checks['connection']['message']
    assert 'refused' in checks['connection']['message']
    assert set(c['status'] for n, c in checks.items() if n != 'connection') == {'skip'}
    assert result['readiness']['status'] == 'fail'


def test_wrong_password_fails_and_no_secret_is_printed(pg):
    wrong = 'wrong-%s' % os.urandom(8).hex()
    result = run_module('postgres_check', args(pg, password=wrong))
    checks = checks_by_name(result)
    assert checks['connection']['status'] == 'fail'
    assert 'password authentication failed for user "readiness"' in checks['connection']['message']
    output = raw_ansible(args(pg, password=wrong))
    assert 'password authentication failed' in output
    assert wrong not in output
    # Nor the real one, on a healthy verbose run.
    output = raw_ansible(args(pg))
    assert '"status": "pass"' in output and pg['password'] not in output


def test_slow_query_against_latency_limits(pg):
    result = run_module('postgres_check', args(pg, query_latency={
        'query': 'SELECT pg_sleep(0.05)', 'runs': 5,
        'p50_warn': 20, 'p50_fail': 1000, 'warn': 20, 'fail': 40}))
    checks = checks_by_name(result)
    p50, p95 = checks['query_latency:p50'], checks['query_latency:p95']
    assert 50 <= p50['value'] < 1000 and p50['status'] == 'warn', p50
    assert p95['value'] >= 50 and p95['status'] == 'fail', p95
    assert p95['details']['runs'] == 5 and p95['details']['query'] == 'SELECT pg_sleep(0.05)'


def test_latency_probe_is_bounded_by_statement_timeout_and_budget(pg):
    start = time.monotonic()
    result = run_module('postgres_check', args(pg, query_latency={
        'query': 'SELECT pg_sleep(5)', 'timeout_ms': 300}))
    assert time.monotonic() - start < 30
    checks = checks_by_name(result)
    assert checks['query_latency:p95']['status'] == 'fail'
    assert 'did not finish within timeout_ms 300' in checks['query_latency:p95']['message']
    # The budget stops a long series after the first runs.
    result = run_module('postgres_check', args(pg, query_latency={
        'query': 'SELECT pg_sleep(0.1)', 'runs': 1000, 'budget_ms': 350}))
    runs = checks_by_name(result)['query_latency:p50']['details']['runs']
    assert 2 <= runs <= 5


def test_slowest_statements_come_from_pg_stat_statements(pg):
    # A statement of its own shape (pg_stat_statements groups statements by their parse tree).
    run_module('postgres_check', args(pg, query_latency={
        'query': 'SELECT pg_sleep(0.25) FROM products LIMIT 1', 'runs': 2}))
    result = run_module('postgres_check', args(pg, slow_statements={'warn': 200, 'top': 3}))
    check = checks_by_name(result)['slow_statements']
    assert check['status'] == 'warn', check
    assert check['value'] >= 200
    assert check['details']['statements'][0]['query'] == 'SELECT pg_sleep($1) FROM products LIMIT $2'
    assert len(check['details']['statements']) <= 3
    # A database without the extension: skip.
    result = run_module('postgres_check', args(pg, database='postgres'))
    assert checks_by_name(result)['slow_statements']['status'] == 'skip'


def test_a_writing_query_is_refused_and_nothing_is_written(pg):
    conn = connect(pg)
    try:
        with conn.cursor() as cur:
            cur.execute('SELECT count(*) FROM customers')
            before = cur.fetchone()[0]
        result = run_module('postgres_check', args(pg, query_latency={'query': 'DELETE FROM customers'}))
        assert result['failed'] is True
        assert result['msg'].startswith('query_latency.query:') and '\n' not in result['msg']
        # A data-modifying WITH passes the first-word guard; the READ ONLY transaction stops it.
        result = run_module('postgres_check', args(pg, query_latency={
            'query': 'WITH gone AS (DELETE FROM customers RETURNING 1) SELECT count(*) FROM gone'}))
        check = checks_by_name(result)['query_latency:p95']
        assert check['status'] == 'unknown'
        assert 'read-only transaction' in check['message']
        with conn.cursor() as cur:
            cur.execute('SELECT count(*) FROM customers')
            assert cur.fetchone()[0] == before
    finally:
        conn.close()


def test_long_and_idle_transactions(pg):
    holder = connect(pg)
    try:
        with holder.cursor() as cur:
            cur.execute('BEGIN')
            cur.execute('SELECT count(*) FROM orders')
        time.sleep(1.5)
        result = run_module('postgres_check', args(pg, long_transactions={'warn': 1, 'fail': 600},
                                                   idle_in_transaction={'older_than_seconds': 1}))
        checks = checks_by_name(result)
        longest, idle = checks['long_transactions'], checks['idle_in_transaction']
        assert longest['status'] == 'warn' and longest['value'] >= 1.5, longest
        assert longest['details']['pid'] == holder.get_backend_pid()
        assert idle['status'] == 'warn' and idle['value'] >= 1, idle
    finally:
        with holder.cursor() as cur:
            cur.execute('ROLLBACK')
        holder.close()
    result = run_module('postgres_check', args(pg, idle_in_transaction={'older_than_seconds': 1}))
    assert checks_by_name(result)['idle_in_transaction']['value'] == 0


def test_connections_and_cache_limits_are_applied(pg):
    result = run_module('postgres_check', args(pg, connections={'warn': 1, 'fail': 90},
                                               cache_hit_ratio={'min_blocks': 0, 'warn': 100, 'fail': 50}))
    checks = checks_by_name(result)
    assert checks['connections']['status'] == 'warn'
    assert checks['connections']['details']['max_connections'] == 50
    assert checks['cache_hit_ratio']['status'] == 'warn' and 50 < checks['cache_hit_ratio']['value'] <= 100


def test_replica_lag(pg):
    result = run_module('postgres_check', args(pg, port=pg['replica_port']))
    check = checks_by_name(result)['replication_lag']
    assert check['status'] == 'pass', check
    assert check['details']['wal_receiver'] == 'streaming'
    # Pause replay, write on the primary: the replica falls behind for real.
    superuser_sql(pg['replica_port'], 'SELECT pg_wal_replay_pause()')
    try:
        conn = connect(pg)
        try:
            with conn.cursor() as cur:
                cur.execute("INSERT INTO customers (name) VALUES ('lag probe')")
        finally:
            conn.close()
        time.sleep(2)
        result = run_module('postgres_check', args(pg, port=pg['replica_port'],
                                                   replication_lag={'warn': 1, 'fail': 3600}))
        check = checks_by_name(result)['replication_lag']
        assert check['status'] == 'warn' and check['value'] >= 1, check
        assert check['details']['replay_behind_bytes'] > 0
    finally:
        superuser_sql(pg['replica_port'], 'SELECT pg_wal_replay_resume()')
        conn = connect(pg)
        with conn.cursor() as cur:
            cur.execute("DELETE FROM customers WHERE name = 'lag probe'")
        conn.close()


@pytest.mark.parametrize('module_args, option', [
    ({'connections': {'warn': 95, 'fail': 90}}, 'connections:'),
    ({'query_latency': {'runs': 0}}, 'query_latency.runs:'),
    ({'server_version': {'min': 'latest'}}, 'server_version.min:'),
    ({'ssl_rootcert': '/nonexistent/ca.pem'}, 'ssl_rootcert:'),
    ({'connections': {'warn': -5}}, 'connections.warn: -5 is out of range 0 to 100'),
    ({'long_transactions': {'fail': 0}}, 'long_transactions.fail: 0 must be above 0'),
    ({'query_latency': {'p50_fail': 1e309}}, 'query_latency.p50_fail: inf is not a finite number'),
    ({'unix_socket': '/var/run/postgresql'}, 'unix_socket: give unix_socket or host, not both'),
])
def test_bad_input_is_one_line_naming_the_option(pg, module_args, option):
    result = run_module('postgres_check', args(pg, **module_args))
    assert result['failed'] is True
    assert result['msg'].startswith(option) and '\n' not in result['msg']
    assert 'readiness' not in result


def test_check_mode_measures_the_same(pg):
    result = run_module('postgres_check', args(pg), check_mode=True)
    assert result['changed'] is False and not result.get('failed')
    assert checks_by_name(result)['connection']['status'] == 'pass'
    assert result['readiness']['status'] == 'pass'


def test_renamed_records_carry_their_former_names(pg):
    checks = checks_by_name(run_module('postgres_check', args(pg)))
    assert checks['long_transactions']['formerly'] == 'longest_transaction'
    assert checks['query_latency:p50']['formerly'] == 'query_latency_p50'
    assert checks['query_latency:p95']['formerly'] == 'query_latency_p95'
    assert 'formerly' not in checks['connections']


def test_each_server_and_database_is_its_own_instance(pg):
    primary = run_module('postgres_check', args(pg))
    replica = run_module('postgres_check', args(pg, port=pg['replica_port']))
    assert primary['readiness']['instance'] == '127.0.0.1:%d/%s' % (pg['port'], pg['database'])
    assert replica['readiness']['instance'] == '127.0.0.1:%d/%s' % (pg['replica_port'], pg['database'])
    socket_result = run_module('postgres_check', dict(unix_socket=pg['unix_socket'], port=pg['port'],
                                                      database='shop', user=pg['user'], password=pg['password']))
    assert socket_result['readiness']['instance'] == '%s:%d/shop' % (pg['unix_socket'], pg['port'])
    named = run_module('postgres_check', args(pg, instance='orders-primary'))
    assert named['readiness']['instance'] == 'orders-primary'
    # A server that is down still names itself, so its failure cannot hide behind another call.
    port = closed_port()
    down = run_module('postgres_check', args(pg, port=port, connect_timeout=2))
    assert down['readiness']['instance'] == '127.0.0.1:%d/%s' % (port, pg['database'])
