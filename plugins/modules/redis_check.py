#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: measure a Redis server against readiness limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: redis_check
short_description: Measure a Redis server's latency, replication, memory, evictions, hit ratio, clients and persistence
version_added: 0.1.0
description:
  - Connects once to a Redis server, times the connection and a series of C(PING)s, reads
    C(INFO) once and judges each measurement against its C(warn) and C(fail) limits, returning
    the shared readiness result model.
  - "Checks: C(connection) (connect time), C(ping_latency), C(role), C(replica_link) and
    C(replication_lag) (replicas only), C(memory_used) (against C(maxmemory)), C(evicted_keys),
    C(keyspace_hit_ratio), C(mem_fragmentation_ratio), C(connected_clients) (against
    C(maxclients)), C(rdb_last_bgsave), C(aof_status) and C(rejected_connections)."
  - A server that is down or refuses the credentials makes the C(connection) check C(fail) with
    the server's message (the password is never shown); the other checks are then C(skip).
  - The module only sends C(PING), C(INFO) and, on Redis older than 7, C(CONFIG GET maxclients);
    an ACL user with C(+@connection +info) is enough.
  - A check that fails never fails the task; the task fails only for bad input or a missing
    Python library.
author:
  - golive.readiness contributors (@golive)
requirements:
  - redis (redis-py) >= 3.5 on the managed host
extends_documentation_fragment:
  - golive.readiness.check_common
options:
  host:
    description: Host name or address of the server.
    type: str
    default: 127.0.0.1
  port:
    description: TCP port.
    type: int
    default: 6379
  unix_socket:
    description: Path of the server's Unix socket. Excludes O(host), O(port) and O(tls).
    type: path
  db:
    description: Database number to select.
    type: int
    default: 0
  username:
    description: ACL user (Redis 6 or later). Without it, O(password) authenticates the default user.
    type: str
  password:
    description: Password of O(username) or C(requirepass). Never shown in results or messages.
    type: str
  tls:
    description: Connect with TLS.
    type: bool
    default: false
  tls_ca_cert:
    description: CA certificate file to verify the server with.
    type: path
  tls_cert:
    description: Client certificate file.
    type: path
  tls_key:
    description: Client private key file.
    type: path
  tls_verify:
    description: Verify the server's certificate and host name.
    type: bool
    default: true
  connect_timeout:
    description: Seconds to wait for the connection and for each reply, 0.1 to 60.
    type: float
    default: 5
  connection:
    description: Time to connect, authenticate and answer the first C(PING), in milliseconds (check C(connection)). Always runs.
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 1000}
      fail: {description: Fail at this many milliseconds., type: float, default: 2000}
  ping_latency:
    description: p95 round trip of O(ping_latency.count) C(PING)s in milliseconds (check C(ping_latency)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many milliseconds., type: float, default: 10}
      fail: {description: Fail at this many milliseconds., type: float, default: 100}
      count: {description: 'Number of pings, 1 to 1000 (with 20, the p95 is the second slowest: one outlier does not decide).', type: int, default: 20}
  role:
    description: The server's replication role (check C(role)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      expected: {description: C(fail) unless the server has this role., type: str, choices: [master, replica]}
  replication:
    description:
      - On a replica, C(replica_link) fails unless the link to the primary is up, and
        C(replication_lag) is the seconds since the replica last heard from its primary
        (the primary pings every C(repl-ping-replica-period), 10 s by default).
      - Both C(skip) on a primary.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run these checks., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 20}
      fail: {description: Fail at this many seconds., type: float, default: 60}
  memory:
    description:
      - C(used_memory) as a percentage of C(maxmemory) (check C(memory_used)).
      - Without C(maxmemory) the check is C(warn), with a hint to set it.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail at this percentage., type: float, default: 90}
  evicted_keys:
    description:
      - Keys evicted since the server started (check C(evicted_keys)).
      - A cache that may evict (an C(allkeys-lru) policy) should raise the limits or switch it off.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many keys., type: float, default: 1}
      fail: {description: Fail at this many keys., type: float}
  hit_ratio:
    description:
      - Keyspace hits as a percentage of lookups since start (check C(keyspace_hit_ratio); lower is worse).
      - C(skip) with fewer than O(hit_ratio.min_lookups) lookups.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this percentage., type: float, default: 80}
      fail: {description: Fail at or below this percentage., type: float, default: 50}
      min_lookups: {description: Fewest lookups worth judging., type: int, default: 1000}
  fragmentation:
    description:
      - C(mem_fragmentation_ratio), RSS divided by used memory (check C(mem_fragmentation_ratio)).
        Below 1 (memory swapped out) it is at least C(warn).
      - C(skip) while less than O(fragmentation.min_used_mib) is used, where fixed overhead dominates the ratio.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this ratio., type: float, default: 1.5}
      fail: {description: Fail at this ratio., type: float, default: 2.0}
      min_used_mib: {description: Smallest used memory in MiB worth judging., type: float, default: 100}
  clients:
    description: Connected clients as a percentage of C(maxclients) (check C(connected_clients)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail at this percentage., type: float, default: 90}
  persistence:
    description:
      - C(rdb_last_bgsave) fails when the last RDB background save failed; C(aof_status) fails when
        AOF writes or rewrites fail, and is C(skip) with AOF off.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run these checks., type: bool, default: true}
  rejected_connections:
    description: Connections rejected since start because C(maxclients) was reached (check C(rejected_connections)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many connections., type: float, default: 1}
      fail: {description: Fail at this many connections., type: float}
seealso:
  - module: golive.readiness.postgres_check
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: Check the local cache with an ACL user
  golive.readiness.redis_check:
    host: 127.0.0.1
    username: readiness
    password: "{{ vault_readiness_redis_password }}"
    evicted_keys:
      enabled: false        # an allkeys-lru cache evicts by design

- name: Check a replica over TLS and insist it is one
  golive.readiness.redis_check:
    host: cache2.example.com
    port: 6380
    tls: true
    tls_ca_cert: /etc/ssl/certs/internal-ca.pem
    password: "{{ vault_redis_password }}"
    role:
      expected: replica
    replication:
      warn: 15
      fail: 30
  register: cache
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(redis).
      type: str
      sample: redis
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: warn
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 8, warn: 1, fail: 0, unknown: 0, skip: 5}
    checks:
      description: One entry per check.
      type: list
      elements: dict
      sample:
        - name: memory_used
          status: warn
          value: 84.2
          unit: percent
          warn: 80.0
          fail: 90.0
          message: "memory used (3.4 of 4 MiB maxmemory) is 84.2% (warn at 80%, fail at 90%)"
          remediation: "Raise maxmemory, expire or delete keys, or shard; with noeviction, writes fail once it is full."
          duration_ms: 0.3
'''

import os
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    in_range,
    limit_errors,
    measure_and_exit,
    skipped,
)
from ansible_collections.golive.readiness.plugins.module_utils.redact import redact
from ansible_collections.golive.readiness.plugins.module_utils.probes import redis as probes

try:
    import redis
except ImportError:
    redis = None
    REDIS_IMPORT_ERROR = traceback.format_exc()
else:
    REDIS_IMPORT_ERROR = None

CONNECTION_OPTIONS = ('host', 'port', 'unix_socket', 'db', 'username', 'password', 'tls',
                      'tls_ca_cert', 'tls_cert', 'tls_key', 'tls_verify', 'connect_timeout')


def check_spec(switch=True, **options):
    """Argument spec of one check: a switch and its own settings."""
    if switch:
        options['enabled'] = dict(type='bool', default=True)
    return dict(type='dict', options=options, default={})


def limits(option):
    """The ``warn`` / ``fail`` suboptions of ``option`` with its probe defaults."""
    d = probes.DEFAULTS[option]
    return dict(warn=dict(type='float', default=d['warn']), fail=dict(type='float', default=d['fail']))


def argument_spec():
    """The module's argument spec; check defaults come from redis_probes.DEFAULTS."""
    d = probes.DEFAULTS
    return dict(
        host=dict(type='str', default='127.0.0.1'),
        port=dict(type='int', default=6379),
        unix_socket=dict(type='path'),
        db=dict(type='int', default=0),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        tls=dict(type='bool', default=False),
        tls_ca_cert=dict(type='path'),
        tls_cert=dict(type='path'),
        tls_key=dict(type='path', no_log=False),
        tls_verify=dict(type='bool', default=True),
        connect_timeout=dict(type='float', default=5),
        connection=check_spec(switch=False, **limits('connection')),
        ping_latency=check_spec(count=dict(type='int', default=d['ping_latency']['count']),
                                **limits('ping_latency')),
        role=check_spec(expected=dict(type='str', choices=['master', 'replica'])),
        replication=check_spec(**limits('replication')),
        memory=check_spec(**limits('memory')),
        evicted_keys=dict(check_spec(**limits('evicted_keys')), no_log=False),
        hit_ratio=check_spec(min_lookups=dict(type='int', default=d['hit_ratio']['min_lookups']),
                             **limits('hit_ratio')),
        fragmentation=check_spec(min_used_mib=dict(type='float', default=d['fragmentation']['min_used_mib']),
                                 **limits('fragmentation')),
        clients=check_spec(**limits('clients')),
        persistence=check_spec(),
        rejected_connections=check_spec(**limits('rejected_connections')),
    )


def input_errors(params):
    """Return every problem with the input, each naming its option."""
    errors = limit_errors(params, probes.DIRECTIONS)
    in_range(errors, 'port', params['port'], 1, 65535)
    in_range(errors, 'db', params['db'], 0, 100000)
    in_range(errors, 'connect_timeout', params['connect_timeout'], 0.1, 60)
    if params['unix_socket'] and not os.path.exists(params['unix_socket']):
        errors.append('unix_socket: %s does not exist' % params['unix_socket'])
    if params['unix_socket'] and params['tls']:
        errors.append('tls: TLS does not apply to a unix_socket connection')
    for option in ('tls_ca_cert', 'tls_cert', 'tls_key'):
        if params[option] and not os.path.isfile(params[option]):
            errors.append('%s: %s does not exist' % (option, params[option]))
    if params['ping_latency']['enabled']:
        in_range(errors, 'ping_latency.count', params['ping_latency']['count'], 1, 1000)
    if params['hit_ratio']['enabled']:
        in_range(errors, 'hit_ratio.min_lookups', params['hit_ratio']['min_lookups'], 0, 10 ** 15)
    if params['fragmentation']['enabled']:
        in_range(errors, 'fragmentation.min_used_mib', params['fragmentation']['min_used_mib'], 0, 10 ** 9)
    return errors


def maxclients(client):
    """maxclients from CONFIG GET (Redis < 7, where INFO lacks it), or None if not allowed."""
    try:
        value = client.config_get('maxclients').get('maxclients')
    except redis.exceptions.RedisError:
        return None
    return int(value) if value else None


def measure(params, driver=None):
    """Connect, run every enabled check and return the ``readiness`` result."""
    driver = driver or redis
    report = Component('redis')
    opts = dict((name, probes.merged(params, name)) for name in probes.DEFAULTS)
    conn_params = dict((name, params.get(name)) for name in CONNECTION_OPTIONS)
    client, record = probes.connect(driver, conn_params, opts['connection'])
    report.add(record)
    state = {}

    def info():
        if 'info' not in state:
            state['info'] = client.info()
        return state['info']

    def clients():
        data = info()
        return probes.check_clients(data, opts['clients'],
                                    None if 'maxclients' in data else maxclients(client))

    checks = dict(
        ping_latency=lambda: probes.check_ping_latency(
            probes.ping_latencies(client, opts['ping_latency']['count']), opts['ping_latency']),
        role=lambda: probes.check_role(info(), opts['role']),
        replication=lambda: probes.check_replication(info(), opts['replication']),
        memory=lambda: probes.check_memory(info(), opts['memory']),
        evicted_keys=lambda: probes.check_evicted_keys(info(), opts['evicted_keys']),
        hit_ratio=lambda: probes.check_hit_ratio(info(), opts['hit_ratio']),
        fragmentation=lambda: probes.check_fragmentation(info(), opts['fragmentation']),
        clients=clients,
        persistence=lambda: probes.check_persistence(info()),
        rejected_connections=lambda: probes.check_rejected_connections(info(), opts['rejected_connections']),
    )
    try:
        for option, names in probes.CHECKS:
            if client is None or not opts[option]['enabled']:
                why = ('not measured: no connection to the server' if client is None
                       else '%s is switched off' % option)
                for name in names:
                    report.add(skipped(name, why))
                continue
            report.run(names[0], checks[option], warn=opts[option].get('warn'),
                       fail=opts[option].get('fail'))
    finally:
        if client is not None:
            client.connection_pool.disconnect()
    return redact(report.result(), [params.get('password')])


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    measure_and_exit(module, 'redis', measure, input_errors, [('redis', redis, REDIS_IMPORT_ERROR)])


if __name__ == '__main__':
    main()
