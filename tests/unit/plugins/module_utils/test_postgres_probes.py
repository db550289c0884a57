"""postgres_check's pure logic: percentiles, versions, the probe query guard, input validation."""

import psycopg2
import pytest
from hypothesis import given, strategies as st

from ansible_collections.golive.readiness.plugins.module_utils.probes import postgres as p
from ansible_collections.golive.readiness.plugins.module_utils.redact import MASK, error_text, redact
from ansible_collections.golive.readiness.plugins.modules import postgres_check


def params(**overrides):
    """Module parameters as AnsibleModule would give them: every option and suboption present."""
    spec = postgres_check.argument_spec()
    out = {}
    for name, option in spec.items():
        if option.get('type') == 'dict':
            out[name] = dict((k, v.get('default')) for k, v in option['options'].items())
            out[name].update(overrides.get(name, {}))
        else:
            out[name] = overrides.get(name, option.get('default'))
    return out


def test_spec_defaults_are_the_probe_defaults():
    for name, opts in params().items():
        if isinstance(opts, dict):
            for key, value in opts.items():
                if key in p.DEFAULTS[name]:
                    assert value == p.DEFAULTS[name][key], (name, key)


def test_defaults_follow_the_guide():
    assert (p.DEFAULTS['connections']['warn'], p.DEFAULTS['connections']['fail']) == (80, 90)
    assert (p.DEFAULTS['cache_hit_ratio']['warn'], p.DEFAULTS['cache_hit_ratio']['fail']) == (99, 95)
    assert p.DEFAULTS['query_latency']['fail'] == 1000  # the guide's p95 latency of 1 s
    assert p.DEFAULTS['query_latency']['query'] is None  # SELECT 1 unless given


def test_every_check_option_is_documented():
    import yaml
    documented = yaml.safe_load(postgres_check.DOCUMENTATION)['options']
    spec = postgres_check.argument_spec()
    assert set(documented) == set(spec)
    for name, option in spec.items():
        if option.get('type') == 'dict':
            assert set(documented[name]['suboptions']) == set(option['options']), name
    assert spec['password']['no_log'] is True


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
    connection, record = p.connect(psycopg2, conn, p.DEFAULTS['connection'])
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
    result = postgres_check.measure(params(host='127.0.0.1', port=port, password='pw-xyz-987',
                                           connect_timeout=2))
    assert result['status'] == 'fail'
    statuses = dict((c['name'], c['status']) for c in result['checks'])
    assert statuses.pop('connection') == 'fail'
    assert set(statuses.values()) == {'skip'}
    assert set(statuses) == set(n for dummy, names in p.CHECKS for n in names)


def test_input_errors_name_their_option():
    errors = postgres_check.input_errors(params(
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
    assert postgres_check.input_errors(params()) == []
    assert postgres_check.input_errors(params(query_latency={'query': 'SELECT pg_sleep(0.1);'},
                                              server_version={'min': '13'})) == []


def test_switched_off_checks_are_not_validated():
    assert postgres_check.input_errors(params(query_latency={'enabled': False, 'runs': 0})) == []


def test_redact_masks_every_string_in_nested_data():
    data = {'a': ['x secret y', ('secret',)], 'b': {'c': 'no'}, 'd': 3, 'e': None}
    assert redact(data, ['secret']) == {'a': ['x %s y' % MASK, (MASK,)], 'b': {'c': 'no'}, 'd': 3, 'e': None}
    assert redact(data, [None, '']) is data


def test_error_text_is_one_line_and_masked():
    exc = Exception('FATAL:  password authentication failed\n  for "pw123"\n')
    assert error_text(exc, ['pw123']) == 'FATAL: password authentication failed for "%s"' % MASK
