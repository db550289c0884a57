# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Redis measurements for ``redis_check``.

The module connects once, times the connection and a series of PINGs, reads
``INFO`` once, and judges its fields.  The ``check_*`` functions that judge
INFO take the parsed INFO dict (as redis-py returns it) and are pure, so
they are unit-tested without a server.  Only PING and INFO are sent (and
``CONFIG GET maxclients`` on Redis older than 7, where INFO lacks it).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Option,
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

CLIENT_NAME = 'golive.readiness'

MIB = 1048576.0


def parse_info(text):
    """Parse the text of ``INFO`` into a flat dict, numbers as numbers.

    redis-py does this itself; this is for the raw text (``redis-cli INFO``,
    tests).  ``db0:keys=1,expires=0`` becomes a dict.
    """
    info = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#') or ':' not in line:
            continue
        key, value = line.split(':', 1)
        if ',' in value and '=' in value:
            info[key] = dict((k, _number(v)) for k, v in
                             (item.split('=', 1) for item in value.split(',') if '=' in item))
        else:
            info[key] = _number(value)
    return info


def _number(text):
    """``"12"`` -> 12, ``"1.5"`` -> 1.5, anything else unchanged."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def client_kwargs(conn, retry=None):
    """redis.Redis keyword arguments from the module's connection options."""
    timeout = float(conn.get('connect_timeout') or 5)
    kwargs = dict(socket_connect_timeout=timeout, socket_timeout=timeout,
                  username=conn.get('username'), password=conn.get('password'),
                  db=conn.get('db') or 0, decode_responses=True, client_name=CLIENT_NAME)
    if retry is not None:
        kwargs['retry'] = retry
    if conn.get('unix_socket'):
        kwargs['unix_socket_path'] = conn['unix_socket']
    else:
        kwargs.update(host=conn.get('host') or '127.0.0.1', port=conn.get('port') or 6379)
        if conn.get('tls'):
            kwargs.update(ssl=True, ssl_ca_certs=conn.get('tls_ca_cert'),
                          ssl_certfile=conn.get('tls_cert'), ssl_keyfile=conn.get('tls_key'),
                          ssl_cert_reqs='required' if conn.get('tls_verify', True) else 'none',
                          ssl_check_hostname=bool(conn.get('tls_verify', True)))
    return dict((k, v) for k, v in kwargs.items() if v is not None)


def target(conn):
    """Where the module connects, for messages."""
    if conn.get('unix_socket'):
        return conn['unix_socket']
    return '%s:%s%s' % (conn.get('host') or '127.0.0.1', conn.get('port') or 6379,
                        ' (TLS)' if conn.get('tls') else '')


def no_retry(redis):
    """A redis-py Retry that never retries (redis-py 6 retries 3 times by default), or None."""
    try:
        from redis.backoff import NoBackoff
        from redis.retry import Retry
    except ImportError:  # redis-py < 4.1 does not retry
        return None
    return Retry(NoBackoff(), 0)


# What Redis answers a client that did not authenticate: redis-py 5 opens with HELLO, so
# the server says "NOAUTH HELLO must be called with the client already authenticated".
AUTH_REQUIRED_MARKERS = ('NOAUTH', 'HELLO must be called', 'Authentication required')


def connect_error(exc, secrets):
    """The server's refusal in words an operator acts on; the password is masked."""
    text = error_text(exc, secrets)
    if any(marker in text for marker in AUTH_REQUIRED_MARKERS):
        return ('authentication required: the server needs a password (give password, and '
                'username for an ACL user); it said: %s' % text)
    return text


def connect(redis, conn, opts, clock=time.monotonic):
    """Connect, authenticate and PING once, timed.  Returns ``(client or None, record)``.

    A server that is down or refuses the credentials is a ``fail`` carrying the
    server's message; the password is masked in it.
    """
    secrets = [conn.get('password')]
    start = clock()
    try:
        client = redis.Redis(**client_kwargs(conn, no_retry(redis)))
        client.ping()
    except redis.exceptions.RedisError as exc:
        elapsed = (clock() - start) * 1000.0
        return None, check_result(
            'connection', FAIL, unit='ms', warn=opts['warn'], fail=opts['fail'],
            message='cannot connect to %s: %s' % (target(conn), connect_error(exc, secrets)),
            remediation='Start the server, or fix the address, credentials (ACL user / password) or TLS settings.',
            duration_ms=elapsed)
    elapsed = (clock() - start) * 1000.0
    return client, measured('connection', round(elapsed, 3), 'ms', opts['warn'], opts['fail'],
                            subject='connect time to %s (with AUTH and PING)' % target(conn),
                            remediation='Connecting is slow: check DNS, TLS, the network and the server load.',
                            duration_ms=elapsed)


def ping_latencies(client, count, clock=time.monotonic):
    """Round-trip times of ``count`` PINGs in ms."""
    latencies = []
    for dummy in range(max(1, int(count))):
        start = clock()
        client.ping()
        latencies.append((clock() - start) * 1000.0)
    return latencies


def check_ping_latency(latencies, opts):
    """p95 PING round trip, with p50 and max as details."""
    p95 = round(percentile(latencies, 95), 3)
    return measured('ping_latency', p95, 'ms', opts['warn'], opts['fail'],
                    subject='p95 PING round trip over %d pings' % len(latencies),
                    remediation='Redis answers slowly: look for slow commands (SLOWLOG GET), '
                                'swapping, a saturated CPU or network.',
                    details={'count': len(latencies), 'p50_ms': round(percentile(latencies, 50), 3),
                             'max_ms': round(max(latencies), 3)})


def role_of(info):
    """``master`` or ``replica`` (Redis still says ``slave``)."""
    role = info.get('role')
    return 'replica' if role == 'slave' else role


def check_role(info, opts):
    """The server's replication role; ``fail`` when it is not the expected one."""
    role = role_of(info)
    expected = opts.get('expected')
    details = {'connected_slaves': info.get('connected_slaves')}
    if expected and role != expected:
        return check_result('role', FAIL, value=role,
                            message='the server is a %s, expected a %s' % (role, expected),
                            remediation='Point the check at the right server, or fail over / reconfigure '
                                        'replication before the release.', details=details)
    return check_result('role', PASS, value=role,
                        message='the server is a %s%s' % (role, ' as expected' if expected else ''),
                        details=details)


def check_replication(info, opts):
    """On a replica: link to the primary (``replica_link``) and seconds since it last heard from it."""
    if role_of(info) != 'replica':
        why = 'the server is a %s: no replication link to check' % role_of(info)
        return [skipped('replication:link', why), skipped('replication:lag', why)]
    primary = '%s:%s' % (info.get('master_host'), info.get('master_port'))
    link = info.get('master_link_status')
    details = {'master': primary, 'master_sync_in_progress': info.get('master_sync_in_progress'),
               'slave_repl_offset': info.get('slave_repl_offset')}
    if link == 'up':
        records = [check_result('replication:link', PASS, value=link,
                                message='the link to the primary %s is up' % primary, details=details)]
    else:
        down = info.get('master_link_down_since_seconds')
        records = [check_result('replication:link', FAIL, value=link,
                                message='the link to the primary %s is %s%s' % (
                                    primary, link, '' if down is None else ' since %ss' % down),
                                remediation='Check the primary, masterauth and the network; see the replica\'s log.',
                                details=details)]
    last_io = info.get('master_last_io_seconds_ago')
    if link != 'up' or last_io is None or last_io < 0:
        records.append(unknown('replication:lag', 'no lag while the link to the primary is down',
                               unit='s', warn=opts['warn'], fail=opts['fail']))
    else:
        records.append(measured('replication:lag', last_io, 's', opts['warn'], opts['fail'],
                                subject='time since the replica last heard from its primary',
                                remediation='The primary is silent or slow to reach: check it and the network '
                                            '(the primary pings replicas every repl-ping-replica-period, 10 s by default).'))
    return records


def check_memory(info, opts):
    """used_memory against maxmemory; no maxmemory is a ``warn`` with a hint."""
    used = info.get('used_memory')
    maximum = info.get('maxmemory')
    details = {'used_memory_mib': None if used is None else round(used / MIB, 1),
               'maxmemory_mib': None if maximum is None else round(maximum / MIB, 1),
               'maxmemory_policy': info.get('maxmemory_policy'),
               'total_system_memory_mib': (round(info['total_system_memory'] / MIB, 1)
                                           if info.get('total_system_memory') else None)}
    if used is None:
        return unknown('memory', 'INFO has no used_memory', unit='percent',
                       warn=opts['warn'], fail=opts['fail'])
    if not maximum:
        return check_result('memory', WARN, unit='percent', warn=opts['warn'], fail=opts['fail'],
                            message='no maxmemory is set: Redis may grow until the host runs out of '
                                    'memory (uses %s MiB now)' % details['used_memory_mib'],
                            remediation='Set maxmemory (e.g. 75% of the RAM left for Redis) and a '
                                        'maxmemory-policy that fits the data (allkeys-lru for a cache, '
                                        'noeviction for a store).',
                            details=details)
    percent = round(100.0 * used / maximum, 1)
    return measured('memory', percent, 'percent', opts['warn'], opts['fail'],
                    subject='memory used (%s of %s MiB maxmemory)' % (details['used_memory_mib'],
                                                                      details['maxmemory_mib']),
                    remediation='Raise maxmemory, expire or delete keys, or shard; with noeviction, '
                                'writes fail once it is full.',
                    details=details)


def check_counter(info, name, key, opts, subject, remediation):
    """A counter since the server started (``evicted_keys``, ``rejected_connections``)."""
    value = info.get(key)
    if value is None:
        return unknown(name, 'INFO has no %s' % key, unit='count', warn=opts['warn'], fail=opts['fail'])
    return measured(name, value, 'count', opts['warn'], opts['fail'], subject=subject,
                    remediation=remediation, details={'uptime_in_seconds': info.get('uptime_in_seconds')})


def check_evicted_keys(info, opts):
    """Keys evicted since start because of maxmemory."""
    return check_counter(info, 'evicted_keys', 'evicted_keys', opts,
                         'keys evicted since start (policy %s)' % info.get('maxmemory_policy'),
                         'Redis dropped keys to stay under maxmemory: raise it, or, if this is a cache '
                         'that may evict, raise evicted_keys.warn.')


def check_rejected_connections(info, opts):
    """Connections refused since start because maxclients was reached."""
    return check_counter(info, 'rejected_connections', 'rejected_connections', opts,
                         'connections rejected since start (maxclients reached)',
                         'Raise maxclients (and the open files limit) or find the client leaking connections.')


def check_hit_ratio(info, opts):
    """keyspace_hits / (hits + misses); ``skip`` with too few lookups to judge."""
    hits = info.get('keyspace_hits') or 0
    misses = info.get('keyspace_misses') or 0
    total = hits + misses
    if total < opts['min_lookups']:
        return skipped('hit_ratio', '%d key lookups since start, fewer than min_lookups %d: '
                                    'too few to judge' % (total, opts['min_lookups']))
    ratio = round(100.0 * hits / total, 2)
    return measured('hit_ratio', ratio, 'percent', opts['warn'], opts['fail'], LOWER_IS_WORSE,
                    subject='keyspace hit ratio',
                    remediation='Many lookups miss: check key expiry, the eviction policy and how the '
                                'application fills the cache.',
                    details={'keyspace_hits': hits, 'keyspace_misses': misses})


def check_fragmentation(info, opts):
    """mem_fragmentation_ratio (RSS / used); below 1 means Redis memory is swapped out."""
    ratio = info.get('mem_fragmentation_ratio')
    used = info.get('used_memory') or 0
    if ratio is None:
        return unknown('fragmentation', 'INFO has no mem_fragmentation_ratio', unit='ratio',
                       warn=opts['warn'], fail=opts['fail'])
    details = {'used_memory_mib': round(used / MIB, 1),
               'used_memory_rss_mib': round((info.get('used_memory_rss') or 0) / MIB, 1)}
    if used < opts['min_used_mib'] * MIB:
        return skipped('fragmentation', 'only %s MiB used, under min_used_mib %s: the ratio '
                                        'of a small dataset is dominated by fixed overhead'
                       % (details['used_memory_mib'], opts['min_used_mib']))
    record = measured('fragmentation', ratio, 'ratio', opts['warn'], opts['fail'],
                      subject='memory fragmentation ratio (RSS / used)',
                      remediation='Enable activedefrag or restart the instance in a quiet window.',
                      details=details)
    if ratio < 1.0:
        record.update(status=WARN, message=record['message'] + '; below 1, part of Redis is swapped out',
                      remediation='The host swaps Redis memory: free memory or lower maxmemory.')
    return record


def check_clients(info, opts, maxclients=None):
    """connected_clients as a percentage of maxclients."""
    used = info.get('connected_clients')
    maximum = info.get('maxclients', maxclients)
    if used is None or not maximum:
        return unknown('clients', 'maxclients is unknown (INFO lacks it before Redis 7 and '
                                  'CONFIG GET is not allowed)', unit='percent',
                       warn=opts['warn'], fail=opts['fail'],
                       remediation='Allow the check user CONFIG GET, or use Redis 7.')
    percent = round(100.0 * used / maximum, 3)
    return measured('clients', percent, 'percent', opts['warn'], opts['fail'],
                    subject='connected clients (%d of maxclients %d)' % (used, maximum),
                    remediation='Raise maxclients or find the clients holding connections (CLIENT LIST).',
                    details={'connected_clients': used, 'maxclients': maximum,
                             'blocked_clients': info.get('blocked_clients')})


def check_persistence(info):
    """Last RDB save status, and the AOF status when AOF is on."""
    rdb = info.get('rdb_last_bgsave_status')
    details = {'rdb_changes_since_last_save': info.get('rdb_changes_since_last_save'),
               'rdb_last_save_time': info.get('rdb_last_save_time')}
    if rdb is None:
        records = [unknown('persistence:rdb', 'INFO has no rdb_last_bgsave_status')]
    elif rdb == 'ok':
        records = [check_result('persistence:rdb', PASS, value=rdb,
                                message='the last RDB background save succeeded', details=details)]
    else:
        records = [check_result('persistence:rdb', FAIL, value=rdb,
                                message='the last RDB background save failed (%s)' % rdb,
                                remediation='See the Redis log: usually a full disk, permissions or '
                                            'fork failing for lack of memory (vm.overcommit_memory).',
                                details=details)]
    if not info.get('aof_enabled'):
        records.append(skipped('persistence:aof', 'AOF is off (appendonly no)'))
        return records
    statuses = dict((key, info.get(key)) for key in
                    ('aof_last_write_status', 'aof_last_bgrewrite_status'))
    bad = dict((k, v) for k, v in statuses.items() if v is not None and v != 'ok')
    if bad:
        records.append(check_result('persistence:aof', FAIL, value=','.join(sorted(set(bad.values()))),
                                    message='AOF is failing: %s' % ', '.join('%s=%s' % kv for kv in sorted(bad.items())),
                                    remediation='See the Redis log: usually a full disk or permissions.',
                                    details=statuses))
    else:
        records.append(check_result('persistence:aof', PASS, value='ok',
                                    message='AOF writes and rewrites succeed', details=statuses))
    return records


class Session:
    """One connection to the server and what the checks read from it (INFO once)."""

    def __init__(self, client, redis, conn=None):
        self.client = client
        self._redis = redis
        self._info = None
        self.conn = conn or {}
        self.errors = redis.exceptions if redis is not None else None

    def info(self):
        """INFO, read once."""
        if self._info is None:
            self._info = self.client.info()
        return self._info

    def maxclients(self):
        """maxclients from CONFIG GET where INFO lacks it (Redis < 7); None if not allowed."""
        if 'maxclients' in self.info():
            return None
        try:
            value = self.client.config_get('maxclients').get('maxclients')
        except self._redis.exceptions.RedisError:
            return None
        return int(value) if value else None


# ---------------------------------------------------------------- least privilege


# ACL rule words that describe permissions; a user's password hashes (#...) and passwords
# (>...) are never kept.
def _permission_rules(rules):
    """The rules of an ``ACL LIST`` line that grant or deny, without any password material."""
    return [r for r in rules if r in ('on', 'off', 'nopass', 'allcommands', 'allkeys', 'allchannels')
            or r[:1] in ('+', '-', '~', '&', '%')]


def has_all_commands(rules):
    """Whether ``rules`` end with every command allowed (``+@all`` / ``allcommands``, nothing taken back)."""
    allowed = False
    for rule in rules:
        if rule in ('+@all', 'allcommands'):
            allowed = True
        elif rule in ('-@all', 'nocommands') or (allowed and rule.startswith('-')):
            allowed = False
    return allowed


def judge_default_user(acl_lines):
    """``default_user`` from the lines of ``ACL LIST``: with ACL users, ``default`` must not be an
    enabled user with every command."""
    name = 'default_user'
    users = {}
    for line in acl_lines:
        words = line.split()
        if len(words) >= 2 and words[0] == 'user':
            users[words[1]] = _permission_rules(words[2:])
    others = sorted(u for u in users if u != 'default')
    default = users.get('default')
    details = dict(acl_users=others, default_rules=default)
    if not others:
        return skipped(name, 'no ACL user besides default: every client is the default user')
    if default is None:
        return check_result(name, PASS, value='absent', details=details,
                            message='no default user; ACL users: %s' % ', '.join(others))
    if 'off' in default:
        return check_result(name, PASS, value='off', details=details,
                            message='the default user is off; ACL users: %s' % ', '.join(others))
    if has_all_commands(default):
        open_ = ' and needs no password (nopass)' if 'nopass' in default else ''
        return check_result(name, FAIL, value='all commands', details=details,
                            message='the default user is on with every command%s although ACL users exist '
                                    '(%s): any client with its password bypasses them' % (open_, ', '.join(others)),
                            remediation='ACL SETUSER default off (or restrict it, e.g. -@all +@read) and give '
                                        'each application its own ACL user; write it to the ACL file / '
                                        'redis.conf so it survives a restart.')
    return check_result(name, PASS, value='restricted', details=details,
                        message='the default user is restricted (%s); ACL users: %s'
                        % (' '.join(default), ', '.join(others)))


def check_default_user(session, _opts):
    """``default_user``: read ``ACL LIST`` (needs the ``acl|list`` permission) and judge it."""
    errors = session.errors
    try:
        lines = session.client.execute_command('ACL', 'LIST')
    except errors.ResponseError as exc:
        text = error_text(exc)
        if 'NOPERM' in text or 'no permissions' in text:
            return unknown('default_user', 'the check user may not run ACL LIST (%s)' % text,
                           remediation='Check with a user allowed +acl|list (the default user), or switch '
                                       'default_user off for this instance.')
        if 'unknown command' in text.lower():
            return skipped('default_user', 'no ACLs on this server (before Redis 6): only the default user exists')
        raise
    return judge_default_user([line if isinstance(line, str) else line.decode('utf-8', 'replace')
                               for line in lines or ()])


def instance_of(params):
    """The instance a result is about: the socket, or host:port."""
    address = '%s:%s' % (params.get('host') or '127.0.0.1', params.get('port') or 6379)
    return params.get('unix_socket') or address


# Connection time as the guide's response time (1 s / 2 s); resources 80 % / 90 %.
CATALOGUE = Catalogue('redis', instance=instance_of, options=dict(
    host=Option('str', '127.0.0.1'),
    port=Option('int', 6379, low=1, high=65535),
    unix_socket=Option('path'),
    db=Option('int', 0, low=0, high=100000),
    username=Option('str'),
    password=Option('str', no_log=True),
    tls=Option('bool', False),
    tls_ca_cert=Option('path'),
    tls_cert=Option('path'),
    tls_key=Option('path', no_log=False),
    tls_verify=Option('bool', True),
    connect_timeout=Option('float', 5, low=0.1, high=60),
), checks=[
    Check('connection', unit='ms', warn=1000, fail=2000, switch=False),
    Check('ping_latency', lambda s, o: check_ping_latency(ping_latencies(s.client, o['count']), o),
          unit='ms', warn=10, fail=100, options=dict(count=Option('int', 20, low=1, high=1000))),
    Check('role', lambda s, o: check_role(s.info(), o), limits=False,
          options=dict(expected=Option('str', choices=['master', 'replica']))),
    Check('replication', lambda s, o: check_replication(s.info(), o), unit='s', warn=20, fail=60,
          formerly={'replication:link': 'replica_link', 'replication:lag': 'replication_lag'}),
    Check('memory', lambda s, o: check_memory(s.info(), o), unit='percent', warn=80, fail=90,
          formerly='memory_used'),
    Check('evicted_keys', lambda s, o: check_evicted_keys(s.info(), o), unit='count', warn=1),
    Check('hit_ratio', lambda s, o: check_hit_ratio(s.info(), o), unit='percent',
          direction=LOWER_IS_WORSE, warn=80, fail=50, formerly='keyspace_hit_ratio',
          options=dict(min_lookups=Option('int', 1000, low=0, high=10 ** 15))),
    Check('fragmentation', lambda s, o: check_fragmentation(s.info(), o), unit='ratio', warn=1.5,
          fail=2.0, formerly='mem_fragmentation_ratio',
          options=dict(min_used_mib=Option('float', 100, low=0, high=10 ** 9))),
    Check('clients', lambda s, o: check_clients(s.info(), o, s.maxclients()), unit='percent',
          warn=80, fail=90, formerly='connected_clients'),
    Check('persistence', lambda s, o: check_persistence(s.info()), limits=False,
          formerly={'persistence:rdb': 'rdb_last_bgsave', 'persistence:aof': 'aof_status'}),
    Check('rejected_connections', lambda s, o: check_rejected_connections(s.info(), o),
          unit='count', warn=1),
    # Encryption in transit and least privilege (see the end of this file).
    Check('encryption', lambda s, o: check_encryption(s.conn, o), limits=False, options=dict(
        required=Option('bool', False),
        plain_ports=Option('list', [], low=1, high=65535, elements='int'))),
    Check('default_user', check_default_user, limits=False),
])
CONNECTION_OPTIONS = tuple(CATALOGUE.options)


def input_errors(params, _opts):
    """Problems the catalogue cannot see: files that must exist, options that exclude each other."""
    errors = []
    if params.get('unix_socket') and not os.path.exists(params['unix_socket']):
        errors.append('unix_socket: %s does not exist' % params['unix_socket'])
    if params.get('unix_socket') and params.get('tls'):
        errors.append('tls: TLS does not apply to a unix_socket connection')
    for option in ('tls_ca_cert', 'tls_cert', 'tls_key'):
        if params.get(option) and not os.path.isfile(params[option]):
            errors.append('%s: %s does not exist' % (option, params[option]))
    return errors


def measure(redis, params, opts):
    """Connect, run every switched-on check and return the ``readiness`` result."""
    conn = dict((name, params.get(name)) for name in CONNECTION_OPTIONS)
    return measure_server(CATALOGUE, params, opts, lambda limits: connect(redis, conn, limits),
                          lambda client: Session(client, redis, conn),
                          lambda client: client.connection_pool.disconnect())


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs redis-py.
    """
    redis, error = import_library('redis')
    return Runner(CATALOGUE, lambda params, opts: measure(redis, params, opts), input_errors,
                  [('redis', redis, error)])


# ---------------------------------------------------------------- encryption in transit


# The first byte of every RESP answer (simple string, error, bulk, array, integer, RESP3 types).
RESP_FIRST_BYTES = b'+-$*:%_,#!=(|~>'


def plaintext_answer(host, port, timeout):
    """``(answered, why)``: whether ``host:port`` answers a plaintext ``PING`` as Redis would.

    No credential is sent: an unauthenticated server answers ``+PONG``, a protected one
    ``-NOAUTH``; both are Redis speaking plaintext.  A TLS port closes the connection or sends
    a TLS alert.
    """
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except socket.timeout:
        return False, 'no connection within %gs' % timeout
    except OSError as exc:
        return False, error_text(exc)
    try:
        sock.settimeout(timeout)
        sock.sendall(b'PING\r\n')
        data = sock.recv(256)
    except socket.timeout:
        return False, 'no answer within %gs' % timeout
    except OSError as exc:
        return False, 'the connection was dropped (%s)' % error_text(exc)
    finally:
        sock.close()
    if not data:
        return False, 'the server closed the connection'
    if data[:1] in RESP_FIRST_BYTES:
        line = data.split(b'\r\n', 1)[0].decode('utf-8', 'replace')
        return True, line[:80]
    return False, 'no Redis answer (%d bytes that are not RESP, e.g. a TLS alert)' % len(data)


def check_encryption(conn, opts, answer=plaintext_answer):
    """``encryption``: with ``required`` the connection is TLS and plaintext is refused on its port
    and on ``plain_ports``, proven by sending a plaintext PING there."""
    name = 'encryption'
    if conn.get('unix_socket'):
        return skipped(name, 'connected over a Unix socket: encryption in transit does not apply')
    used = 'TLS' if conn.get('tls') else 'no TLS'
    if not opts['required']:
        if not conn.get('tls'):
            return skipped(name, '%s: no TLS; not judged: encryption.required is off' % target(conn))
        return check_result(name, PASS, value='tls', message='%s: connected over TLS (plaintext not tried: '
                                                             'encryption.required is off)' % target(conn))
    host = conn.get('host') or '127.0.0.1'
    timeout = float(conn.get('connect_timeout') or 5)
    ports = [conn.get('port') or 6379] + [p for p in opts['plain_ports'] if p != conn.get('port')]
    tried = {}
    problems = [] if conn.get('tls') else ['this connection is not encrypted (tls is off)']
    for port in ports:
        answered, why = answer(host, port, timeout)
        tried['%s:%d' % (host, port)] = why
        if answered:
            problems.append('%s:%d answers a plaintext PING (%s)' % (host, port, why))
    details = dict(plaintext_tried=tried)
    if problems:
        return check_result(name, FAIL, value=used, details=details,
                            message='%s: %s' % (target(conn), '; '.join(problems)),
                            remediation='Serve Redis over TLS only: tls-port with port 0 (no plaintext port), '
                                        'tls-cert-file / tls-key-file / tls-ca-cert-file, and connect with tls.')
    return check_result(name, PASS, value=used, details=details,
                        message='%s: plaintext refused on %s' % (
                            target(conn), '; '.join('%s (%s)' % kv for kv in sorted(tried.items()))))
