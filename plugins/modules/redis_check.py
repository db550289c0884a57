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
  - "Checks, each named like the option that sets it: C(connection) (connect time),
    C(ping_latency), C(role), C(replication:link) and C(replication:lag) (replicas only),
    C(memory) (against C(maxmemory)), C(evicted_keys), C(hit_ratio), C(fragmentation),
    C(clients) (against C(maxclients)), C(persistence:rdb), C(persistence:aof) and
    C(rejected_connections). Before 0.2.0 some records had other names (C(memory_used),
    C(keyspace_hit_ratio), ...); the gate's ignore list still matches those, with a warning."
  - Limits must lie in the check's domain (percentages 0 to 100, times above 0, counts at
    least 0, finite numbers) and be ordered (warn before fail); anything else is bad input.
  - The result names the server in C(readiness.instance) (O(instance)), so two calls for two
    servers on one host are two records in the fleet report.
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
  - golive.readiness.check_common.catalogue
options:
  instance:
    description: Name of this server in the report; defaults to O(unix_socket) or C(host:port).
    type: str
  host:
    description: Host name or address of the server.
    type: str
    default: 127.0.0.1
  port:
    description: TCP port, 1 to 65535.
    type: int
    default: 6379
  unix_socket:
    description: Path of the server's Unix socket. Excludes O(host), O(port) and O(tls).
    type: path
  db:
    description: Database number to select, 0 to 100000.
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
      fail: {description: Fail above this many milliseconds., type: float, default: 2000}
  ping_latency:
    description: p95 round trip of O(ping_latency.count) C(PING)s in milliseconds (check C(ping_latency)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many milliseconds., type: float, default: 10}
      fail: {description: Fail above this many milliseconds., type: float, default: 100}
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
      - On a replica, C(replication:link) fails unless the link to the primary is up, and
        C(replication:lag) is the seconds since the replica last heard from its primary
        (the primary pings every C(repl-ping-replica-period), 10 s by default).
      - Both C(skip) on a primary.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run these checks., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 20}
      fail: {description: Fail above this many seconds., type: float, default: 60}
  memory:
    description:
      - C(used_memory) as a percentage of C(maxmemory) (check C(memory)).
      - Without C(maxmemory) the check is C(warn), with a hint to set it.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  evicted_keys:
    description:
      - Keys evicted since the server started (check C(evicted_keys)).
      - A cache that may evict (an C(allkeys-lru) policy) should raise the limits or switch it off.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many keys., type: float, default: 1}
      fail: {description: Fail above this many keys., type: float}
  hit_ratio:
    description:
      - Keyspace hits as a percentage of lookups since start (check C(hit_ratio); lower is worse).
      - C(skip) with fewer than O(hit_ratio.min_lookups) lookups.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this percentage., type: float, default: 80}
      fail: {description: Fail below this percentage., type: float, default: 50}
      min_lookups: {description: 'Fewest lookups worth judging, 0 to 1000000000000000.', type: int, default: 1000}
  fragmentation:
    description:
      - C(mem_fragmentation_ratio), RSS divided by used memory (check C(fragmentation)).
        Below 1 (memory swapped out) it is at least C(warn).
      - C(skip) while less than O(fragmentation.min_used_mib) is used, where fixed overhead dominates the ratio.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this ratio., type: float, default: 1.5}
      fail: {description: Fail above this ratio., type: float, default: 2.0}
      min_used_mib: {description: 'Smallest used memory in MiB worth judging, 0 to 1000000000.', type: float, default: 100}
  clients:
    description: Connected clients as a percentage of C(maxclients) (check C(clients)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  persistence:
    description:
      - C(persistence:rdb) fails when the last RDB background save failed; C(persistence:aof) fails when
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
      fail: {description: Fail above this many connections., type: float}
  encryption:
    description:
      - Encryption in transit (check C(encryption)), proven by trying the plaintext path - with
        O(encryption.required) this connection must use O(tls) and a plaintext C(PING) (no credential
        sent) to O(port) and to each of O(encryption.plain_ports) must be refused, dropped or answered
        with anything but Redis's protocol. A port that answers C(+PONG) or C(-NOAUTH) serves
        plaintext and fails.
      - Without O(encryption.required) a TLS connection passes without trying plaintext and a plaintext
        one is C(skip). Over O(unix_socket) it is C(skip).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      required: {description: Redis must refuse plaintext., type: bool, default: false}
      plain_ports:
        description: More ports to try in plaintext (the server's former C(port) when it moved to C(tls-port)), each 1 to 65535.
        type: list
        elements: int
        default: []
  default_user:
    description:
      - Least privilege (check C(default_user)) - when ACL users besides C(default) exist, the
        C(default) user must be off or restricted, not on with every command (C(+@all)); otherwise any
        client with its password bypasses the ACL users. C(skip) without ACL users.
      - Reads C(ACL LIST), which needs the C(acl|list) permission; without it the check is
        C(unknown). Password hashes in the list are never reported.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
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
    instance:
      description: The server measured (O(instance), else the socket or C(host:port)).
      type: str
      sample: 127.0.0.1:6379
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
        - name: memory
          status: warn
          value: 84.2
          unit: percent
          warn: 80.0
          fail: 90.0
          message: "memory used (3.4 of 4 MiB maxmemory) is 84.2% (warn at 80%, fail at 90%)"
          remediation: "Raise maxmemory, expire or delete keys, or shard; with noeviction, writes fail once it is full."
          duration_ms: 0.3
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import redis as probes


def main():
    """Entry point: the catalogue and runner in probes/redis.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
