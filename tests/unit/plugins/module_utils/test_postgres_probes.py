"""postgres_check's pure logic: percentiles, versions, the probe query guard, input validation."""

import psycopg2
import pytest
from hypothesis import given, strategies as st

from ansible_collections.golive.readiness.plugins.module_utils.probes import postgres as p
from ansible_collections.golive.readiness.plugins.module_utils.redact import MASK, error_text, redact
from catalogue_params import all_errors, check_opts, module_params


def params(**overrides):
    """Module parameters as AnsibleModule would give them: every option and suboption present."""
    return module_params(p.CATALOGUE, **overrides)


def opts(name, **extra):
    return check_opts(p.CATALOGUE, name, **extra)


def input_errors(**overrides):
    return all_errors(p.CATALOGUE, p.input_errors, **overrides)


def test_defaults_follow_the_guide():
    assert (opts('connections')['warn'], opts('connections')['fail']) == (80, 90)
    assert (opts('cache_hit_ratio')['warn'], opts('cache_hit_ratio')['fail']) == (99, 95)
    assert opts('query_latency')['fail'] == 1000  # the guide's p95 latency of 1 s
    assert opts('query_latency')['query'] is None  # SELECT 1 unless given
    assert params()['password'] is None and p.CATALOGUE.argument_spec()['password']['no_log'] is True


@pytest.mark.parametrize('values, pct, expected', [
    ([5], 50, 5), ([5], 95, 5),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5),
    ([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 95, 10),
    (list(range(1, 101)), 95, 95),
    ([3, 1, 2], 50, 2),
])
def test_percentile_nearest_rank(values, pct, expected):
    assert p.percentile(values, pct) == expected


def test_percentile_of_nothing_is_none():
    assert p.percentile([], 95) is None


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=200))
def test_percentiles_are_samples_in_order(values):
    p50, p95 = p.percentile(values, 50), p.percentile(values, 95)
    assert p50 in values and p95 in values
    assert min(values) <= p50 <= p95 <= max(values)


@pytest.mark.parametrize('text, num', [
    ('14', 140000), ('14.5', 140005), ('15.18', 150018), ('9.6', 90600), ('9.6.24', 90624), (' 16 ', 160000),
])
def test_version_num(text, num):
    assert p.version_num(text) == num


@pytest.mark.parametrize('text', ['', 'fourteen', '14.x', '14.1.2', '1.2.3.4', '-1'])
def test_version_num_rejects(text):
    with pytest.raises(ValueError):
        p.version_num(text)


@pytest.mark.parametrize('query', [
    'SELECT 1', 'select count(*) from orders;', '  WITH x AS (SELECT 1) SELECT * FROM x', 'VALUES (1)',
    'TABLE products', 'SHOW work_mem', 'EXPLAIN SELECT 1', '(SELECT 1)', 'SELECT pg_sleep(0.1);;',
])
def test_read_only_queries_are_accepted(query):
    assert p.query_error(query) is None


@pytest.mark.parametrize('query, words', [
    ('DELETE FROM orders', 'read-only'),
    ('UPDATE products SET price = 0', 'read-only'),
    ('SELECT 1; COMMIT; DELETE FROM orders', '";"'),
    ('SELECT 1; DROP TABLE orders', '";"'),
    ('   ', 'empty'),
    ('COMMIT', 'read-only'),
    ('SET transaction_read_only = off', 'read-only'),
])
def test_other_queries_are_refused(query, words):
    assert words in p.query_error(query)


def test_clean_query_drops_trailing_semicolons():
    assert p.clean_query(' SELECT 1 ; ; ') == 'SELECT 1'


def test_statement_text_hides_secrets_and_shortens():
    assert 'hunter2' not in p.statement_text("ALTER ROLE x PASSWORD 'hunter2'")
    assert p.statement_text('SELECT token FROM api_keys').startswith('<hidden')
    long = 'SELECT ' + ', '.join('c%d' % i for i in range(100)) + ' FROM t'
    assert len(p.statement_text(long)) == 120 and p.statement_text(long).endswith('...')
    assert p.statement_text('SELECT\n   1') == 'SELECT 1'


def test_connect_kwargs_prefer_the_socket_and_drop_unset_options():
    kwargs = p.connect_kwargs(dict(host=None, unix_socket='/var/run/postgresql', port=5432,
                                   database='shop', user='readiness', password='s3cret',
                                   sslmode='prefer', ssl_rootcert=None, connect_timeout=5))
    assert kwargs == dict(host='/var/run/postgresql', port=5432, dbname='shop', user='readiness',
                          password='s3cret', sslmode='prefer', connect_timeout=5,
                          application_name='golive.readiness')


def test_a_closed_port_is_a_fail_with_the_servers_message_and_no_password():
    """Real psycopg2 against a loopback port nothing listens on."""
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    conn = dict(host='127.0.0.1', port=port, database='shop', user='readiness',
                password='not-the-password-1234', sslmode='disable', connect_timeout=2)
    connection, record = p.connect(psycopg2, conn, opts('connection'))
    assert connection is None
    assert record['status'] == 'fail' and record['name'] == 'connection'
    assert 'cannot connect to 127.0.0.1:%d/shop' % port in record['message']
    assert 'refused' in record['message'].lower()
    assert 'not-the-password-1234' not in str(record)


def test_measure_without_a_server_skips_everything_after_the_connection():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    given = params(host='127.0.0.1', port=port, password='pw-xyz-987', connect_timeout=2)
    result = p.measure(psycopg2, given, p.CATALOGUE.merged(given))
    assert result['status'] == 'fail'
    statuses = dict((c['name'], c['status']) for c in result['checks'])
    assert statuses.pop('connection') == 'fail'
    assert set(statuses.values()) == {'skip'}
    assert set(statuses) == set(c.name for c in p.CATALOGUE.checks) - {'connection'}


def test_input_errors_name_their_option():
    errors = input_errors(**dict(
        connections={'warn': 95, 'fail': 90},
        cache_hit_ratio={'warn': 90, 'fail': 95},
        query_latency={'query': 'DELETE FROM orders', 'runs': 0, 'p50_warn': 10, 'p50_fail': 5},
        server_version={'min': 'fourteen'},
        slow_statements={'top': 500},
        port=70000, connect_timeout=0, unix_socket='/nonexistent/dir'))
    text = '\n'.join(errors)
    for option in ('connections:', 'cache_hit_ratio:', 'query_latency.query:', 'query_latency.runs:',
                   'query_latency.p50_warn/p50_fail:', 'server_version.min:', 'slow_statements.top:',
                   'port:', 'connect_timeout:', 'unix_socket:'):
        assert option in text, option
    assert len(errors) == 10


def test_valid_input_has_no_errors():
    assert input_errors() == []
    assert input_errors(query_latency={'query': 'SELECT pg_sleep(0.1);'}, server_version={'min': '13'}) == []


def test_switched_off_checks_are_validated_too():
    """As in every catalogued module: a typo must not wait until the check is switched on."""
    assert input_errors(query_latency={'enabled': False, 'runs': 0}) == [
        'query_latency.runs: 0 is out of range 1 to 1000']


def test_redact_masks_every_string_in_nested_data():
    data = {'a': ['x secret y', ('secret',)], 'b': {'c': 'no'}, 'd': 3, 'e': None}
    assert redact(data, ['secret']) == {'a': ['x %s y' % MASK, (MASK,)], 'b': {'c': 'no'}, 'd': 3, 'e': None}
    assert redact(data, [None, '']) is data


def test_error_text_is_one_line_and_masked():
    exc = Exception('FATAL:  password authentication failed\n  for "pw123"\n')
    assert error_text(exc, ['pw123']) == 'FATAL: password authentication failed for "%s"' % MASK


class FakeCursor:
    """A cursor that answers every statement with the next of ``rows`` and times nothing."""

    description = None

    def __init__(self, rows):
        self.rows = rows
        self.executed = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, args=None):
        self.executed.append(sql)

    def fetchall(self):
        return self.rows

    def fetchone(self):
        return self.rows[0]


class FakeConnection:
    def __init__(self, rows=()):
        self.cur = FakeCursor(list(rows))

    def cursor(self):
        return self.cur


def test_records_are_named_like_their_options():
    """long_transactions (was longest_transaction) and query_latency:p50 / :p95 (were _p50 / _p95)."""
    record = p.check_long_transactions(FakeConnection([(42, 'app', 'shop', 'idle in transaction', 75.0)]),
                                       opts('long_transactions'))
    assert record['name'] == 'long_transactions' and record['status'] == 'warn' and record['value'] == 75.0
    records = p.check_query_latency(psycopg2, FakeConnection(), opts('query_latency'))
    assert [r['name'] for r in records] == ['query_latency:p50', 'query_latency:p95']
    assert records[0]['warn'] == 100 and records[1]['fail'] == 1000


def test_renamed_records_carry_their_former_names():
    result = p.CATALOGUE.annotate({'checks': [
        {'name': 'long_transactions'}, {'name': 'query_latency:p50'}, {'name': 'query_latency:p95'},
        {'name': 'connections'}]})
    assert [c.get('formerly') for c in result['checks']] == [
        'longest_transaction', 'query_latency_p50', 'query_latency_p95', None]


@pytest.mark.parametrize('given, instance', [
    (dict(host='db1', port=5433, database='shop'), 'db1:5433/shop'),
    (dict(unix_socket='/var/run/postgresql'), '/var/run/postgresql:5432/postgres'),
    ({}, 'local:5432/postgres'),
    (dict(host='db1', instance='orders-primary'), 'orders-primary'),
])
def test_instance_names_the_server_and_database(given, instance):
    assert p.CATALOGUE.instance_name(params(**given)) == instance
    assert 'instance' in p.CATALOGUE.argument_spec()


@pytest.mark.parametrize('overrides, error', [
    (dict(connections={'warn': -5}), 'connections.warn: -5 is out of range 0 to 100'),
    (dict(connections={'fail': 200}), 'connections.fail: 200 is out of range 0 to 100'),
    (dict(cache_hit_ratio={'fail': 101}), 'cache_hit_ratio.fail: 101 is out of range 0 to 100'),
    (dict(long_transactions={'warn': 0}), 'long_transactions.warn: 0 must be above 0'),
    (dict(replication_lag={'fail': -1}), 'replication_lag.fail: -1 must be above 0'),
    (dict(slow_statements={'warn': float('inf')}), 'slow_statements.warn: inf is not a finite number'),
    (dict(database_size={'warn': -1}), 'database_size.warn: -1 must be at least 0'),
    (dict(idle_in_transaction={'fail': -2}), 'idle_in_transaction.fail: -2 must be at least 0'),
    (dict(query_latency={'p50_warn': -10}), 'query_latency.p50_warn: -10 must be above 0'),
    (dict(query_latency={'p50_fail': float('1e309')}), 'query_latency.p50_fail: inf is not a finite number'),
    (dict(connection={'warn': 0}), 'connection.warn: 0 must be above 0'),
    (dict(table_count={'min': -1}), 'table_count.min: -1 is out of range 0 to 1000000000'),
    (dict(host='db1', unix_socket='/tmp'), 'unix_socket: give unix_socket or host, not both'),
])
def test_impossible_limits_and_settings_are_bad_input(overrides, error):
    assert input_errors(**overrides) == [error]


def test_latency_limits_follow_the_boundary_rule():
    """Reaching a limit warns; only going beyond the fail limit fails (p50 and p95 alike)."""
    def judged(latency):
        connection = FakeConnection()
        # time_query reads the clock for its deadline, then per run: start, end, deadline check.
        end = latency / 1000.0
        clock = iter([0.0] + [t for i in range(20) for t in (3 * i, 3 * i + end, 3 * i + end)])
        records = p.check_query_latency(psycopg2, connection,
                                        opts('query_latency', p50_warn=500, p50_fail=1000),
                                        clock=lambda: next(clock))
        return [r['status'] for r in records]
    assert judged(1000.0) == ['warn', 'warn']
    assert judged(1000.5) == ['fail', 'fail']
    assert judged(499.5) == ['pass', 'pass']
