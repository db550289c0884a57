# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PostgreSQL measurements for ``postgres_check``.

Everything runs on one connection in autocommit mode, so the checks never hold
a transaction open, and every statement has a ``statement_timeout``.  The
latency probe runs the user's query inside ``BEGIN READ ONLY`` and rolls back.
psycopg2 is passed in, so the module can report a missing library the
standard way and the pure logic can be unit-tested without a server.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Option,
    PairedCheck,
    Runner,
    import_library,
    measure_server,
)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    LOWER_IS_WORSE,
    PASS,
    WARN,
    check_result,
    measured,
    percentile,
    skipped,
    unknown,
)
from ansible_collections.golive.readiness.plugins.module_utils.redact import error_text

# Every statement the checks send is cancelled by the server after this long.
STATS_TIMEOUT_MS = 5000
APPLICATION_NAME = 'golive.readiness'
DEFAULT_QUERY = 'SELECT 1'
# First words of the statements the latency probe accepts (all read-only by nature;
# the READ ONLY transaction catches the rest, e.g. a data-modifying WITH).
READ_ONLY_VERBS = ('select', 'with', 'values', 'table', 'show', 'explain')
SECRET_WORDS = re.compile(r'passw|secret|token|credential', re.IGNORECASE)


def version_num(text):
    """``"14"`` / ``"14.5"`` / ``"9.6.24"`` as PostgreSQL's ``server_version_num``; ValueError if malformed."""
    parts = str(text).strip().split('.')
    if not parts or len(parts) > 3 or not all(p.isdigit() for p in parts):
        raise ValueError('%r is not a PostgreSQL version such as 14 or 14.5' % (text,))
    numbers = [int(p) for p in parts] + [0, 0]
    if numbers[0] >= 10:
        if len(parts) > 2:
            raise ValueError('%r: since PostgreSQL 10 a version has two parts, e.g. 14.5' % (text,))
        return numbers[0] * 10000 + numbers[1]
    return numbers[0] * 10000 + numbers[1] * 100 + numbers[2]


def query_error(query):
    """Return why ``query`` cannot be the latency probe, or None.

    One statement only (a ``;`` could end the read-only transaction and start
    another), starting with a read-only verb.
    """
    text = (query or '').strip()
    while text.endswith(';'):
        text = text[:-1].rstrip()
    if not text:
        return 'the query is empty'
    if ';' in text:
        return 'give one statement without ";" (it runs in a read-only transaction that a second statement could end)'
    verb = text.split(None, 1)[0].lower().lstrip('(')
    if verb not in READ_ONLY_VERBS:
        return 'the query must be read-only and start with one of %s, not %r' % (
            ', '.join(v.upper() for v in READ_ONLY_VERBS), verb.upper())
    return None


def clean_query(query):
    """The latency probe's statement without trailing semicolons."""
    text = query.strip()
    while text.endswith(';'):
        text = text[:-1].rstrip()
    return text


def connect_kwargs(conn):
    """psycopg2.connect keyword arguments from the module's connection options."""
    kwargs = dict(
        host=conn.get('unix_socket') or conn.get('host'),
        port=conn.get('port'),
        dbname=conn.get('database'),
        user=conn.get('user'),
        password=conn.get('password'),
        sslmode=conn.get('sslmode'),
        sslrootcert=conn.get('ssl_rootcert'),
        sslcert=conn.get('ssl_cert'),
        sslkey=conn.get('ssl_key'),
        connect_timeout=conn.get('connect_timeout'),
        application_name=APPLICATION_NAME,
    )
    return dict((k, v) for k, v in kwargs.items() if v is not None and v != '')


def target(conn, default='the default socket'):
    """Where the module connects, for messages: ``127.0.0.1:5432/shop``."""
    where = conn.get('unix_socket') or conn.get('host') or default
    return '%s:%s/%s' % (where, conn.get('port'), conn.get('database'))


def instance_of(params):
    """The instance a result is about: ``host:port/database``.

    A socket directory stands for the host; libpq's default socket is ``local``, as
    pg_hba.conf calls it.
    """
    return target(params, 'local')


def connect(psycopg2, conn, opts, clock=time.monotonic):
    """Connect and time it.  Returns ``(connection or None, connection check record)``.

    A server that is down or refuses the credentials is a ``fail`` carrying the
    server's message; the password is masked in it.
    """
    secret = [conn.get('password')]
    start = clock()
    try:
        connection = psycopg2.connect(**connect_kwargs(conn))
    except psycopg2.Error as exc:
        elapsed = (clock() - start) * 1000.0
        return None, check_result(
            'connection', FAIL, unit='ms', warn=opts['warn'], fail=opts['fail'],
            message='cannot connect to %s: %s' % (target(conn), error_text(exc, secret)),
            remediation='Start the server, or fix the address, credentials, pg_hba.conf or TLS settings.',
            duration_ms=elapsed)
    elapsed = (clock() - start) * 1000.0
    connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute('SET statement_timeout = %s', (STATS_TIMEOUT_MS,))
    record = measured('connection', round(elapsed, 3), 'ms', opts['warn'], opts['fail'],
                      subject='connect time to %s' % target(conn),
                      remediation='Connecting is slow: check DNS, TLS, authentication and the server load.',
                      duration_ms=elapsed)
    return connection, record


def fetchone(connection, sql, args=None):
    """Run one statement and return its first row."""
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchone()


def fetchall(connection, sql, args=None):
    """Run one statement and return its rows."""
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def check_server_version(connection, opts):
    """The server's version, at least ``min`` when given."""
    num, text = fetchone(connection, "SELECT current_setting('server_version_num')::int, "
                                     "current_setting('server_version')")
    text = text.split()[0]
    minimum = opts.get('min')
    if minimum is None:
        return check_result('server_version', PASS, value=text,
                            message='PostgreSQL %s (no minimum version required)' % text,
                            details={'server_version_num': num})
    needed = version_num(minimum)
    if num < needed:
        return check_result('server_version', FAIL, value=text, fail=None,
                            message='PostgreSQL %s is older than the required %s' % (text, minimum),
                            remediation='Upgrade the server to %s or later.' % minimum,
                            details={'server_version_num': num, 'min': str(minimum)})
    return check_result('server_version', PASS, value=text,
                        message='PostgreSQL %s (at least %s required)' % (text, minimum),
                        details={'server_version_num': num, 'min': str(minimum)})


def check_database_size(connection, opts):
    """Size of the connected database in MiB."""
    name, size = fetchone(connection, 'SELECT current_database(), pg_database_size(current_database())')
    mib = round(size / 1048576.0, 1)
    return measured('database_size', mib, 'MiB', opts['warn'], opts['fail'],
                    subject='database %s size' % name,
                    remediation='Archive or purge old data, or grow the storage and raise the limit.',
                    details={'bytes': size})


def check_table_count(connection, opts):
    """Number of tables (ordinary and partitioned, partitions not counted) outside the system schemas."""
    name, count = fetchone(connection, """
        SELECT current_database(), count(*)
          FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND n.nspname NOT IN ('pg_catalog', 'information_schema')
           AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'""")
    minimum = opts.get('min')
    if minimum is None:
        return check_result('table_count', PASS, value=count, unit='count',
                            message='database %s has %d tables (no minimum required)' % (name, count))
    status = FAIL if count < minimum else PASS
    return check_result('table_count', status, value=count, unit='count',
                        message='database %s has %d tables (at least %d required)' % (name, count, minimum),
                        remediation='The schema is incomplete: run the migrations before the release.',
                        details={'min': minimum})


def check_connections(connection, opts):
    """Client connections in use as a percentage of ``max_connections``."""
    used, maximum, reserved = fetchone(connection, """
        SELECT count(*) FILTER (WHERE backend_type = 'client backend'),
               current_setting('max_connections')::int,
               current_setting('superuser_reserved_connections')::int
          FROM pg_catalog.pg_stat_activity""")
    percent = round(100.0 * used / maximum, 1) if maximum else None
    if percent is None:
        return unknown('connections', 'max_connections reads as %s' % maximum, unit='percent')
    return measured('connections', percent, 'percent', opts['warn'], opts['fail'],
                    subject='connections in use (%d of max_connections %d)' % (used, maximum),
                    remediation='Put a pooler (PgBouncer) in front or find the clients holding connections.',
                    details={'used': used, 'max_connections': maximum,
                             'superuser_reserved_connections': reserved})


def check_cache_hit_ratio(connection, opts):
    """Share of block reads of the connected database served from shared buffers."""
    name, hit, read = fetchone(connection, """
        SELECT datname, blks_hit, blks_read FROM pg_catalog.pg_stat_database
         WHERE datname = current_database()""")
    total = (hit or 0) + (read or 0)
    if total < opts['min_blocks']:
        return skipped('cache_hit_ratio', 'database %s has read only %d blocks since its statistics '
                                          'were reset, fewer than min_blocks %d: too few to judge'
                       % (name, total, opts['min_blocks']))
    ratio = round(100.0 * hit / total, 2)
    return measured('cache_hit_ratio', ratio, 'percent', opts['warn'], opts['fail'], LOWER_IS_WORSE,
                    subject='database %s cache hit ratio' % name,
                    remediation='The working set does not fit in shared_buffers: raise it, add RAM '
                                'or find the queries that scan (pg_stat_statements).',
                    details={'blks_hit': hit, 'blks_read': read})


def check_long_transactions(connection, opts):
    """``long_transactions``: age in seconds of the oldest open transaction of another client."""
    rows = fetchall(connection, """
        SELECT pid, usename, application_name, state,
               EXTRACT(EPOCH FROM clock_timestamp() - xact_start)::float8 AS age
          FROM pg_catalog.pg_stat_activity
         WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid()
           AND backend_type = 'client backend'
         ORDER BY xact_start
         LIMIT 1""")
    if not rows:
        return measured('long_transactions', 0, 's', opts['warn'], opts['fail'],
                        subject='the oldest open transaction (none open)')
    pid, user, application, state, age = rows[0]
    age = round(age, 1)
    return measured('long_transactions', age, 's', opts['warn'], opts['fail'],
                    subject='the oldest open transaction (pid %s, user %s)' % (pid, user),
                    remediation='Find it in pg_stat_activity and end it (pg_terminate_backend); '
                                'long transactions block vacuum and hold locks.',
                    details={'pid': pid, 'user': user, 'application_name': application,
                             'state': state})


def check_idle_in_transaction(connection, opts):
    """Sessions idle inside an open transaction for at least ``older_than_seconds``."""
    count, oldest = fetchone(connection, """
        SELECT count(*), max(EXTRACT(EPOCH FROM clock_timestamp() - state_change))::float8
          FROM pg_catalog.pg_stat_activity
         WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
           AND pid <> pg_backend_pid()
           AND clock_timestamp() - state_change >= make_interval(secs => %s)""",
                             (float(opts['older_than_seconds']),))
    return measured('idle_in_transaction', count, 'count', opts['warn'], opts['fail'],
                    subject='sessions idle in transaction for %ss or more' % '%g' % opts['older_than_seconds'],
                    remediation='Fix the application that leaves transactions open, and set '
                                'idle_in_transaction_session_timeout.',
                    details={'oldest_s': None if oldest is None else round(oldest, 1)})


def check_replication_lag(connection, opts):
    """On a replica: seconds its replay is behind; ``skip`` on a primary."""
    (in_recovery,) = fetchone(connection, 'SELECT pg_is_in_recovery()')
    if not in_recovery:
        return skipped('replication_lag', 'the server is a primary (not in recovery): no replication lag')
    lag, behind_bytes, receiver = fetchone(connection, """
        SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 END,
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8,
               (SELECT status FROM pg_catalog.pg_stat_wal_receiver LIMIT 1)""")
    details = {'replay_behind_bytes': behind_bytes, 'wal_receiver': receiver}
    if lag is None:
        return unknown('replication_lag', 'the replica has replayed no transaction yet', unit='s',
                       warn=opts['warn'], fail=opts['fail'])
    record = measured('replication_lag', round(lag, 3), 's', opts['warn'], opts['fail'],
                      subject='replication replay lag',
                      remediation='Check the replica\'s WAL receiver, its I/O and the network to the primary.',
                      details=details)
    if receiver != 'streaming' and record['status'] == PASS:
        record['status'] = WARN
        record['message'] += '; no WAL receiver is streaming from the primary'
        record['remediation'] = 'Check primary_conninfo and the replica\'s log.'
    return record


def statement_text(query, limit=120):
    """A statement's text for the report: shortened, hidden when it may hold a secret."""
    if query is None:
        return None
    if SECRET_WORDS.search(query):
        return '<hidden: the statement may contain a secret>'
    text = ' '.join(query.split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


def check_slow_statements(connection, opts):
    """The slowest statements of the database by mean time, from pg_stat_statements."""
    row = fetchone(connection, """
        SELECT n.nspname FROM pg_catalog.pg_extension e
          JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
         WHERE e.extname = 'pg_stat_statements'""")
    if row is None:
        return skipped('slow_statements', 'the pg_stat_statements extension is not installed in this database')
    schema = row[0].replace('"', '""')
    columns = set(r[0] for r in fetchall(connection, """
        SELECT attname FROM pg_catalog.pg_attribute
         WHERE attrelid = to_regclass(%s) AND attnum > 0""", ('"%s".pg_stat_statements' % schema,)))
    mean = 'mean_exec_time' if 'mean_exec_time' in columns else 'mean_time'
    rows = fetchall(connection, """
        SELECT queryid, calls, %(mean)s::float8, query FROM "%(schema)s".pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
           AND calls >= %%s AND %(mean)s IS NOT NULL
         ORDER BY %(mean)s DESC LIMIT %%s""" % {'mean': mean, 'schema': schema},
                    (int(opts['min_calls']), int(opts['top'])))
    statements = [dict(queryid=str(queryid), calls=calls, mean_ms=round(mean_ms, 3),
                       query=statement_text(query))
                  for queryid, calls, mean_ms, query in rows]
    if not statements:
        return measured('slow_statements', 0, 'ms', opts['warn'], opts['fail'],
                        subject='the slowest mean statement time (no statements recorded)',
                        details={'statements': []})
    return measured('slow_statements', statements[0]['mean_ms'], 'ms', opts['warn'], opts['fail'],
                    subject='the slowest mean statement time (%d calls)' % statements[0]['calls'],
                    remediation='EXPLAIN ANALYZE the slowest statements (see details) and index or rewrite them.',
                    details={'statements': statements})


def time_query(connection, query, runs, timeout_ms, budget_ms, clock=time.monotonic):
    """Run ``query`` up to ``runs`` times in one read-only transaction; return the latencies in ms.

    Stops early when ``budget_ms`` is spent (after at least one run).  Raises
    psycopg2's QueryCanceled when a run exceeds ``timeout_ms``; the transaction
    is always rolled back.
    """
    latencies = []
    deadline = clock() + budget_ms / 1000.0
    with connection.cursor() as cur:
        cur.execute('BEGIN TRANSACTION READ ONLY')
        try:
            cur.execute('SET LOCAL statement_timeout = %s', (int(timeout_ms),))
            for dummy in range(max(1, int(runs))):
                start = clock()
                cur.execute(query)
                if cur.description is not None:
                    cur.fetchall()
                latencies.append((clock() - start) * 1000.0)
                if clock() >= deadline:
                    break
        finally:
            cur.execute('ROLLBACK')
    return latencies


def check_query_latency(psycopg2, connection, opts, clock=time.monotonic):
    """p50 and p95 latency of the probe query over ``runs`` runs."""
    query = clean_query(opts['query'] or DEFAULT_QUERY)
    p95_limits = dict(warn=opts['warn'], fail=opts['fail'])
    p50_limits = dict(warn=opts['p50_warn'], fail=opts['p50_fail'])
    try:
        latencies = time_query(connection, query, opts['runs'], opts['timeout_ms'],
                               opts['budget_ms'], clock)
    except psycopg2.extensions.QueryCanceledError:
        message = ('the probe query did not finish within timeout_ms %s ms and was cancelled'
                   % ('%g' % opts['timeout_ms']))
        return [check_result(name, FAIL, value=float(opts['timeout_ms']), unit='ms', message=message,
                             remediation='The query is too slow: EXPLAIN ANALYZE it; check locks and load.',
                             **limits)
                for name, limits in (('query_latency:p50', p50_limits),
                                     ('query_latency:p95', p95_limits))]
    except psycopg2.Error as exc:
        message = 'the probe query failed: %s' % error_text(exc)
        return [unknown(name, message, unit='ms',
                        remediation='Give query_latency.query a valid read-only query.', **limits)
                for name, limits in (('query_latency:p50', p50_limits),
                                     ('query_latency:p95', p95_limits))]
    details = {'runs': len(latencies), 'min_ms': round(min(latencies), 3),
               'max_ms': round(max(latencies), 3),
               'query': statement_text(query) if opts['query'] else DEFAULT_QUERY}
    records = []
    for name, pct, limits in (('query_latency:p50', 50, p50_limits), ('query_latency:p95', 95, p95_limits)):
        records.append(measured(
            name, round(percentile(latencies, pct), 3), 'ms', limits['warn'], limits['fail'],
            subject='p%d latency of the probe query over %d runs' % (pct, len(latencies)),
            remediation='The query is slow: EXPLAIN ANALYZE it; check indexes, locks and load.',
            details=details))
    return records


class Server:
    """The driver, the open connection the checks share, and the options it was opened with."""

    def __init__(self, driver, connection, conn=None):
        self.driver = driver
        self.connection = connection
        self.conn = conn or {}


def _on(check):
    """A probe ``(server, opts)`` for a check that reads the connection only."""
    return lambda server, opts: check(server.connection, opts)


SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']
TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']


# ---------------------------------------------------------------- encryption in transit


def plaintext_refused(driver, conn):
    """Try the plaintext path (sslmode=disable, same credentials): ``(refused, server's message)``."""
    kwargs = connect_kwargs(dict(conn, sslmode='disable'))
    for key in ('sslrootcert', 'sslcert', 'sslkey'):
        kwargs.pop(key, None)
    try:
        connection = driver.connect(**kwargs)
    except driver.Error as exc:
        return True, error_text(exc, [conn.get('password')]).strip().splitlines()[0]
    connection.close()
    return False, None


def check_tls(server, opts):
    """``tls``: the negotiated TLS version of this connection; with ``required`` the server
    must refuse a plaintext connection (tried with the same credentials) and this one be TLS."""
    name = 'tls'
    row = fetchone(server.connection, 'SELECT ssl, version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
    ssl, version, cipher = row if row else (False, None, None)
    details = dict(version=version, cipher=cipher)
    used = 'TLS %s (%s)' % (version, cipher) if ssl else 'no TLS'
    if server.conn.get('unix_socket'):
        return skipped(name, 'connected over a Unix socket: encryption in transit does not apply (%s)' % used)
    problems = []
    if opts['required']:
        refused, why = plaintext_refused(server.driver, server.conn)
        details['plaintext_refused'] = refused
        if refused:
            details['refusal'] = why
        else:
            problems.append('the server accepts a plaintext connection (sslmode=disable)')
        if not ssl:
            problems.append('this connection is not encrypted')
    minimum = opts['min_version']
    if ssl and minimum and TLS_VERSIONS.index(minimum) > (TLS_VERSIONS.index(version) if version in TLS_VERSIONS else -1):
        problems.append('%s is below %s' % (version, minimum))
    if problems:
        return check_result(name, FAIL, value=version or 'none', details=details,
                            message='%s: %s; %s' % (target(server.conn), used, '; '.join(problems)),
                            remediation='Allow only hostssl lines for TCP in pg_hba.conf (no host lines), set '
                                        'ssl = on and ssl_min_protocol_version, reload PostgreSQL, and connect '
                                        'with sslmode=verify-full.')
    if opts['required']:
        message = '%s: %s; a plaintext connection is refused (%s)' % (target(server.conn), used, details['refusal'])
    elif not ssl:
        # Not judged: a plaintext connection nobody required to be encrypted is no pass.
        return skipped(name, '%s: %s; not judged: tls.required is off' % (target(server.conn), used))
    else:
        message = '%s: %s (plaintext not tried: tls.required is off)' % (target(server.conn), used)
    return check_result(name, PASS, value=version or 'none', details=details, message=message)


# ---------------------------------------------------------------- least privilege


def check_privileges(connection, opts):
    """``privileges``: superusers beyond ``allowed_superusers``, and CREATE on schema public for PUBLIC."""
    name = 'privileges'
    allowed = list(opts['allowed_superusers'])
    superusers = [row[0] for row in fetchall(connection, 'SELECT rolname FROM pg_roles WHERE rolsuper ORDER BY 1')]
    extra = [role for role in superusers if role not in allowed]
    # Before PostgreSQL 15 a schema public without an ACL lets PUBLIC create (the old default).
    row = fetchone(connection, "SELECT nspacl IS NULL, current_setting('server_version_num')::int "
                               "FROM pg_namespace WHERE nspname = 'public'")
    creators = [r[0] for r in fetchall(connection, """
        SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END
        FROM pg_namespace n, aclexplode(n.nspacl) a
        WHERE n.nspname = 'public' AND a.privilege_type = 'CREATE' AND a.grantee <> n.nspowner ORDER BY 1""")]
    public_create = 'PUBLIC' in creators or bool(row and row[0] and row[1] < 150000)
    creators = [c for c in creators if c != 'PUBLIC']
    details = dict(superusers=superusers, create_on_public=list(creators or []))
    problems = []
    if extra:
        problems.append('superuser role(s) beyond %s: %s' % (', '.join(allowed) or 'none', ', '.join(extra)))
    if public_create:
        problems.append('every role (PUBLIC) may CREATE in schema public')
    if problems:
        return check_result(name, FAIL, value=len(extra) + (1 if public_create else 0), unit='count',
                            details=details, message='; '.join(problems),
                            remediation='ALTER ROLE ... NOSUPERUSER for roles that do not administer the '
                                        'server, and REVOKE CREATE ON SCHEMA public FROM PUBLIC.')
    return check_result(name, PASS, value=0, unit='count', details=details,
                        message='superusers: %s; PUBLIC may not create in schema public%s' % (
                            ', '.join(superusers) or 'none',
                            '; CREATE granted to %s' % ', '.join(creators) if creators else ''))


# ---------------------------------------------------------------- audit logging


STATEMENT_LEVELS = ['none', 'ddl', 'mod', 'all']
# The pgaudit classes that log what a log_statement level logs.
PGAUDIT_COVERS = dict(none=set(), ddl={'ddl'}, mod={'ddl', 'write'}, all={'ddl', 'write', 'read'})
PGAUDIT_CLASSES = ('read', 'write', 'function', 'role', 'ddl', 'misc', 'misc_set')
LOGGING_SETTINGS = ('log_connections', 'log_disconnections', 'log_statement', 'shared_preload_libraries',
                    'pgaudit.log')


def pgaudit_classes(value):
    """The statement classes a ``pgaudit.log`` value logs (``'all, -misc'`` -> every class but misc)."""
    classes = set()
    for word in (value or '').replace(' ', '').lower().split(','):
        negate = word.startswith('-')
        word = word.lstrip('-')
        words = set(PGAUDIT_CLASSES) if word == 'all' else {word} if word and word != 'none' else set()
        classes = classes - words if negate else classes | words
    return classes


def judge_logging(settings, pgaudit_available, opts):
    """``logging`` from the server's settings (``{name: setting}``, a name missing when the check
    user may not read it) and whether the pgaudit extension is installed."""
    name = 'logging'
    libraries = settings.get('shared_preload_libraries')
    loaded = None if libraries is None else 'pgaudit' in [w.strip() for w in libraries.split(',')]
    classes = pgaudit_classes(settings.get('pgaudit.log')) if loaded else set()
    details = dict((key, settings.get(key)) for key in LOGGING_SETTINGS)
    details.update(pgaudit_installed=pgaudit_available, pgaudit_loaded=loaded)
    summary = 'log_connections=%s, log_disconnections=%s, log_statement=%s, pgaudit %s' % (
        settings.get('log_connections'), settings.get('log_disconnections'), settings.get('log_statement'),
        'loaded (pgaudit.log=%s)' % settings.get('pgaudit.log') if loaded else
        'installed, not loaded' if pgaudit_available and loaded is False else
        'not installed' if not pgaudit_available else 'unknown')
    if not opts['required']:
        return skipped(name, '%s; not judged: logging.required is off' % summary)
    missing = [key for key in ('log_connections', 'log_disconnections', 'log_statement') if settings.get(key) is None]
    if missing:
        return unknown(name, 'the check user may not read %s' % ', '.join(missing),
                       remediation='Check as a member of pg_read_all_settings (pg_monitor has it).')
    problems = []
    if opts['connections']:
        off = [key for key in ('log_connections', 'log_disconnections') if settings.get(key) != 'on']
        if off:
            problems.append('%s off' % ' and '.join(off))
    wanted = opts['statement']
    level = settings.get('log_statement')
    by_setting = STATEMENT_LEVELS.index(level) >= STATEMENT_LEVELS.index(wanted) if level in STATEMENT_LEVELS else False
    by_pgaudit = bool(loaded) and PGAUDIT_COVERS[wanted] <= classes
    if not (by_setting or by_pgaudit):
        problems.append('statements of level %s are not logged (log_statement=%s%s)' % (
            wanted, level, ', pgaudit.log=%s' % settings.get('pgaudit.log') if loaded else ''))
    if opts['pgaudit'] == 'required' and not loaded:
        problems.append('pgaudit is required but %s' % ('not installed' if not pgaudit_available else 'not loaded'))
    elif opts['pgaudit'] == 'when_installed' and pgaudit_available and loaded is False:
        problems.append('pgaudit is installed but not in shared_preload_libraries')
    elif opts['pgaudit'] != 'ignore' and pgaudit_available and loaded is None:
        return unknown(name, 'the check user may not read shared_preload_libraries, so whether the installed '
                             'pgaudit is loaded is unknown (%s)' % summary,
                       remediation='Check as a member of pg_read_all_settings (pg_monitor has it).')
    if problems:
        return check_result(name, FAIL, value=level, details=details, message='; '.join(problems) + ' (%s)' % summary,
                            remediation="ALTER SYSTEM SET log_connections = on; ALTER SYSTEM SET log_disconnections "
                                        "= on; ALTER SYSTEM SET log_statement = '%s' (or load pgaudit with "
                                        "shared_preload_libraries and set pgaudit.log), then reload (restart for "
                                        "shared_preload_libraries)." % wanted)
    return check_result(name, PASS, value=level, details=details,
                        message='connections%s and statements of level %s are logged (%s)'
                        % (' and disconnections' if opts['connections'] else ' (not required)', wanted, summary))


def check_logging(connection, opts):
    """``logging``: connection and statement logging (or pgaudit) as ``opts`` require."""
    rows = fetchall(connection, 'SELECT name, setting FROM pg_settings WHERE name = ANY(%s)', (list(LOGGING_SETTINGS),))
    row = fetchone(connection, "SELECT count(*) FROM pg_available_extensions WHERE name = 'pgaudit'")
    return judge_logging(dict(rows), bool(row and row[0]), opts)


# Connect time as the guide's response time (1 s / 2 s); resources 80 % / 90 %; the guide's
# p95 latency of 1 s as the p95 fail limit.
CATALOGUE = Catalogue('postgres', instance=instance_of, options=dict(
    host=Option('str'),
    port=Option('int', 5432, low=1, high=65535),
    unix_socket=Option('path'),
    database=Option('str', 'postgres'),
    user=Option('str'),
    password=Option('str', no_log=True),
    sslmode=Option('str', 'prefer', choices=SSLMODES),
    ssl_rootcert=Option('path'),
    ssl_cert=Option('path'),
    ssl_key=Option('path', no_log=False),
    connect_timeout=Option('int', 5, low=1, high=60),
), checks=[
    Check('connection', unit='ms', warn=1000, fail=2000, switch=False),
    Check('server_version', _on(check_server_version), limits=False, options=dict(min=Option('str'))),
    Check('database_size', _on(check_database_size), unit='MiB'),
    Check('table_count', _on(check_table_count), limits=False,
          options=dict(min=Option('int', low=0, high=10 ** 9))),
    Check('connections', _on(check_connections), unit='percent', warn=80, fail=90),
    Check('cache_hit_ratio', _on(check_cache_hit_ratio), unit='percent', direction=LOWER_IS_WORSE,
          warn=99, fail=95, options=dict(min_blocks=Option('int', 1000, low=0, high=10 ** 15))),
    Check('long_transactions', _on(check_long_transactions), unit='s', warn=60, fail=300,
          formerly='longest_transaction'),
    Check('idle_in_transaction', _on(check_idle_in_transaction), unit='count', warn=1, fail=5,
          options=dict(older_than_seconds=Option('float', 60, low=0, high=10 ** 7))),
    Check('replication_lag', _on(check_replication_lag), unit='s', warn=10, fail=60),
    Check('slow_statements', _on(check_slow_statements), unit='ms', warn=1000,
          options=dict(top=Option('int', 5, low=1, high=50),
                       min_calls=Option('int', 1, low=1, high=10 ** 12))),
    PairedCheck('query_latency', lambda server, opts: check_query_latency(server.driver, server.connection, opts),
                unit='ms', warn=500, fail=1000, pairs=dict(p50=(100, 500)),
                formerly={'query_latency:p50': 'query_latency_p50', 'query_latency:p95': 'query_latency_p95'},
                options=dict(query=Option('str'),
                             runs=Option('int', 20, low=1, high=1000),
                             timeout_ms=Option('int', 5000, low=1, high=600000),
                             budget_ms=Option('int', 10000, low=1, high=300000))),
    # Least privilege (see check_privileges above).
    Check('privileges', _on(check_privileges), limits=False, options=dict(
        allowed_superusers=Option('list', ['postgres'], elements='str'))),
    # Encryption in transit (see check_tls below).
    Check('tls', check_tls, limits=False, options=dict(
        required=Option('bool', False),
        min_version=Option('str', choices=TLS_VERSIONS))),
    # Audit logging (see check_logging above).
    Check('logging', _on(check_logging), limits=False, options=dict(
        required=Option('bool', False),
        connections=Option('bool', True),
        statement=Option('str', 'ddl', choices=STATEMENT_LEVELS),
        pgaudit=Option('str', 'when_installed', choices=['when_installed', 'required', 'ignore']))),
])
CONNECTION_OPTIONS = tuple(CATALOGUE.options)


def input_errors(params, opts):
    """Problems the catalogue cannot see: paths that must exist, options that exclude each other,
    the probe query and the minimum version."""
    errors = []
    if params.get('unix_socket') and params.get('host'):
        errors.append('unix_socket: give unix_socket or host, not both')
    if params.get('unix_socket') and not os.path.isdir(params['unix_socket']):
        errors.append('unix_socket: %s is not a directory' % params['unix_socket'])
    for option in ('ssl_rootcert', 'ssl_cert', 'ssl_key'):
        if params.get(option) and not os.path.isfile(params[option]):
            errors.append('%s: %s does not exist' % (option, params[option]))
    query = opts['query_latency']['query']
    if query is not None and query_error(query):
        errors.append('query_latency.query: %s' % query_error(query))
    minimum = opts['server_version']['min']
    if minimum is not None:
        try:
            version_num(minimum)
        except ValueError as exc:
            errors.append('server_version.min: %s' % exc)
    return errors


def measure(driver, params, opts):
    """Connect, run every switched-on check and return the ``readiness`` result."""
    conn = dict((name, params.get(name)) for name in CONNECTION_OPTIONS)
    return measure_server(CATALOGUE, params, opts, lambda limits: connect(driver, conn, limits),
                          lambda connection: Server(driver, connection, conn), lambda connection: connection.close())


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs psycopg2.
    """
    psycopg2, error = import_library('psycopg2.extensions')
    if psycopg2 is not None:
        psycopg2 = import_library('psycopg2')[0]
    return Runner(CATALOGUE, lambda params, opts: measure(psycopg2, params, opts), input_errors,
                  [('psycopg2', psycopg2, error)])
