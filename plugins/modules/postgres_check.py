#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: measure a PostgreSQL server against readiness limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: postgres_check
short_description: Measure a PostgreSQL server's connection, size, latency, connections, cache, transactions and replication
version_added: 0.1.0
description:
  - Connects once to a PostgreSQL server and measures it in one call, judging each measurement
    against its C(warn) and C(fail) limits, and returns the shared readiness result model.
  - "Checks, each named like the option that sets it: C(connection) (connect time),
    C(server_version), C(database_size), C(table_count), C(connections) (in use against
    C(max_connections)), C(cache_hit_ratio), C(long_transactions), C(idle_in_transaction),
    C(replication_lag) (replicas only), C(slow_statements) (with C(pg_stat_statements)),
    C(query_latency:p50), C(query_latency:p95), C(privileges) and C(tls). Before 0.2.0 some records had other names
    (C(longest_transaction), C(query_latency_p50), C(query_latency_p95)); the gate's ignore list
    still matches those, with a warning."
  - Limits must lie in the check's domain (percentages 0 to 100, times above 0, counts and sizes
    at least 0, finite numbers) and be ordered (warn before fail); anything else is bad input.
    The settings of a switched-off check are validated too.
  - The result names the server in C(readiness.instance) (O(instance)), so two calls for two
    servers or databases on one host are two records in the fleet report.
  - A server that is down or refuses the credentials makes the C(connection) check C(fail) with
    the server's message (the password is never shown); the other checks are then C(skip).
  - The module never writes. The checks run in autocommit mode, every statement with a 5 s
    C(statement_timeout); the latency probe runs its query inside C(BEGIN READ ONLY) with its own
    C(statement_timeout) and rolls back.
  - A check that fails never fails the task; the task fails only for bad input or a missing
    Python library.
author:
  - golive.readiness contributors (@golive)
requirements:
  - psycopg2 >= 2.8 (or psycopg2-binary) on the managed host
  - PostgreSQL 10 or later
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  instance:
    description:
      - Name of this server in the report; defaults to C(host:port/database),
        C(socket directory:port/database), or C(local:port/database) for libpq's default socket.
    type: str
  host:
    description:
      - Host name or address of the server. Without O(host) and O(unix_socket), libpq's default
        (the local socket) is used.
    type: str
  port:
    description: TCP port, also the number in the socket file name, 1 to 65535.
    type: int
    default: 5432
  unix_socket:
    description: Directory of the server's Unix socket, e.g. C(/var/run/postgresql). Excludes O(host).
    type: path
  database:
    description: Database to connect to; its size, tables, cache hit ratio and statements are measured.
    type: str
    default: postgres
  user:
    description: Role to log in as. It needs C(pg_monitor) to see other sessions' states and C(pg_stat_statements).
    type: str
  password:
    description: The role's password. Never shown in results or messages.
    type: str
  sslmode:
    description: libpq's C(sslmode).
    type: str
    default: prefer
    choices: [disable, allow, prefer, require, verify-ca, verify-full]
  ssl_rootcert:
    description: CA certificate file to verify the server with (C(verify-ca), C(verify-full)).
    type: path
  ssl_cert:
    description: Client certificate file.
    type: path
  ssl_key:
    description: Client private key file.
    type: path
  connect_timeout:
    description: Seconds to wait for the connection, 1 to 60.
    type: int
    default: 5
  connection:
    description: Time to connect and authenticate in milliseconds (check C(connection)). Always runs.
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 1000}
      fail: {description: Fail above this many milliseconds., type: float, default: 2000}
  server_version:
    description: The server's version (check C(server_version)); C(fail) below O(server_version.min).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      min: {description: 'Lowest accepted version, e.g. C(14) or C(14.5). Without it the version is reported only.', type: str}
  database_size:
    description: Size of O(database) in MiB (check C(database_size)). No limits by default.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many MiB., type: float}
      fail: {description: Fail above this many MiB., type: float}
  table_count:
    description:
      - Number of tables in O(database) outside the system schemas (check C(table_count));
        partitions are not counted. C(fail) below O(table_count.min).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      min: {description: 'Fewest tables expected (e.g. the number the migrations create), 0 to 1000000000. Without it the count is reported only.', type: int}
  query_latency:
    description:
      - Latency of a read-only query run O(query_latency.runs) times in one C(READ ONLY)
        transaction (checks C(query_latency:p50) and C(query_latency:p95)).
      - The probe stops after O(query_latency.runs) runs or O(query_latency.budget_ms), whichever
        comes first; a run longer than O(query_latency.timeout_ms) is cancelled by the server
        and both checks C(fail).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      query:
        description:
          - One read-only statement, starting with C(SELECT), C(WITH), C(VALUES), C(TABLE), C(SHOW)
            or C(EXPLAIN), without C(;) inside. Defaults to C(SELECT 1).
          - Its text is shown in the result unless it mentions a password, secret, token or credential.
        type: str
      runs: {description: 'Number of runs, 1 to 1000 (with 20, the p95 is the second slowest: one outlier does not decide).', type: int, default: 20}
      timeout_ms: {description: 'C(statement_timeout) of each run in milliseconds, 1 to 600000.', type: int, default: 5000}
      budget_ms: {description: 'Time budget of the probe in milliseconds, 1 to 300000.', type: int, default: 10000}
      warn: {description: Warn at this p95 latency in milliseconds., type: float, default: 500}
      fail: {description: Fail above this p95 latency in milliseconds., type: float, default: 1000}
      p50_warn: {description: 'Warn at this p50 latency in milliseconds (above 0).', type: float, default: 100}
      p50_fail: {description: 'Fail above this p50 latency in milliseconds (above 0).', type: float, default: 500}
  connections:
    description: Client connections in use as a percentage of C(max_connections) (check C(connections)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  cache_hit_ratio:
    description:
      - Percentage of O(database)'s block reads served from shared buffers since its statistics
        were reset (check C(cache_hit_ratio); lower is worse).
      - C(skip) while fewer than O(cache_hit_ratio.min_blocks) blocks were read.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this percentage., type: float, default: 99}
      fail: {description: Fail below this percentage., type: float, default: 95}
      min_blocks: {description: 'Fewest block reads (hits and misses) worth judging, 0 to 1000000000000000.', type: int, default: 1000}
  long_transactions:
    description:
      - Age in seconds of the oldest open transaction of any other client session (check C(long_transactions),
        before 0.2.0 C(longest_transaction)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 60}
      fail: {description: Fail above this many seconds., type: float, default: 300}
  idle_in_transaction:
    description:
      - Number of sessions idle inside an open transaction for at least
        O(idle_in_transaction.older_than_seconds) (check C(idle_in_transaction)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many sessions., type: float, default: 1}
      fail: {description: Fail above this many sessions., type: float, default: 5}
      older_than_seconds: {description: 'Idle time in seconds from which a session counts, 0 to 10000000.', type: float, default: 60}
  replication_lag:
    description:
      - On a replica, seconds its replay is behind the WAL it received, measured by the time of the
        last replayed transaction (0 when all received WAL is replayed) (check C(replication_lag)).
      - C(skip) on a primary. A replica without a streaming WAL receiver is at least C(warn).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 10}
      fail: {description: Fail above this many seconds., type: float, default: 60}
  slow_statements:
    description:
      - The highest mean execution time among O(database)'s statements in C(pg_stat_statements),
        with the slowest O(slow_statements.top) as details (check C(slow_statements)).
      - C(skip) when the extension is not installed in O(database). Statements that mention a
        password, secret, token or credential are listed without their text.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this mean time in milliseconds., type: float, default: 1000}
      fail: {description: Fail above this mean time in milliseconds (none by default; the check informs)., type: float}
      top: {description: 'Number of statements listed, 1 to 50.', type: int, default: 5}
      min_calls: {description: 'Only statements called at least this often, 1 to 1000000000000.', type: int, default: 1}
  privileges:
    description:
      - Least privilege (check C(privileges)) - superuser roles beyond O(privileges.allowed_superusers),
        and C(CREATE) on schema C(public) for every role (C(PUBLIC); the default before PostgreSQL
        15) fail; roles granted C(CREATE) there are listed.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      allowed_superusers: {description: Roles that may be superusers., type: list, elements: str, default: [postgres]}
  tls:
    description:
      - Encryption in transit (check C(tls)) - the TLS version and cipher this connection negotiated
        (C(pg_stat_ssl)). With O(tls.required) the plaintext path is tried - a second connection with
        C(sslmode=disable) and the same credentials - and must be refused (C(hostssl) lines only in
        C(pg_hba.conf)), and this connection must be encrypted; otherwise C(fail).
      - C(skip) over a Unix socket, where encryption in transit does not apply.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      required: {description: The server must refuse plaintext connections., type: bool, default: false}
      min_version: {description: Lowest acceptable negotiated TLS version., type: str, choices: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3]}
  logging:
    description:
      - Audit logging (check C(logging)) - with O(logging.required), connections and disconnections
        are logged (C(log_connections), C(log_disconnections)) and statements of level
        O(logging.statement) are, through C(log_statement) or pgaudit (C(pgaudit.log) classes C(ddl),
        C(write), C(read)); an installed pgaudit must be loaded (O(logging.pgaudit)).
      - Without O(logging.required) the settings are reported and the check is C(skip). Reads
        C(pg_settings); a role without C(pg_read_all_settings) (in C(pg_monitor)) gets C(unknown).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      required: {description: Judge the logging; off reports it only., type: bool, default: false}
      connections: {description: Connections and disconnections must be logged., type: bool, default: true}
      statement:
        description: The least statement logging, as C(log_statement) orders it (C(none) < C(ddl) < C(mod) < C(all)).
        type: str
        default: ddl
        choices: [none, ddl, mod, all]
      pgaudit:
        description:
          - C(when_installed) - when the pgaudit extension is installed it must be in
            C(shared_preload_libraries); C(required) - it must be loaded; C(ignore) - not judged
            (its C(pgaudit.log) still counts for O(logging.statement)).
        type: str
        default: when_installed
        choices: [when_installed, required, ignore]
notes:
  - Grant the role C(pg_monitor) so it sees every session's state and every statement.
seealso:
  - module: golive.readiness.redis_check
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: Check the shop database through the local socket
  golive.readiness.postgres_check:
    unix_socket: /var/run/postgresql
    database: shop
    user: readiness
    password: "{{ vault_readiness_db_password }}"
    server_version:
      min: "14"
    table_count:
      min: 42

- name: Time the query behind the product page, over TLS
  golive.readiness.postgres_check:
    host: db1.example.com
    database: shop
    user: readiness
    password: "{{ vault_readiness_db_password }}"
    sslmode: verify-full
    ssl_rootcert: /etc/ssl/certs/internal-ca.pem
    query_latency:
      query: SELECT id, title, price FROM products ORDER BY id LIMIT 50
      runs: 50
      warn: 50
      fail: 200
  register: db

- name: Show what failed
  ansible.builtin.debug:
    msg: "{{ db.readiness.checks | selectattr('status', 'eq', 'fail') | map(attribute='message') }}"
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(postgres).
      type: str
      sample: postgres
    instance:
      description: The server and database measured (O(instance), else C(host:port/database)).
      type: str
      sample: 127.0.0.1:5432/shop
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: pass
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 10, warn: 0, fail: 0, unknown: 0, skip: 2}
    checks:
      description: One entry per check.
      type: list
      elements: dict
      sample:
        - name: "query_latency:p95"
          status: pass
          value: 0.41
          unit: ms
          warn: 500.0
          fail: 1000.0
          message: "p95 latency of the probe query over 20 runs is 0.41 ms (warn at 500 ms, fail at 1000 ms)"
          remediation: null
          duration_ms: 4.2
          details: {runs: 20, min_ms: 0.1, max_ms: 0.41, query: SELECT 1}
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import postgres as probes


def main():
    """Entry point: the catalogue and runner in probes/postgres.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
