#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: judge the readiness guide's indicators over time from a Prometheus server."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: prometheus_check
short_description: Judge availability, latency percentiles, CPU, memory, MTTR and other indicators over a window from Prometheus
version_added: 0.2.0
description:
  - Reads the readiness guide's indicators over time from a Prometheus server's HTTP API
    (C(/api/v1/query)) and judges each with the shared result model. The check modules judge a
    host at one instant; these are figures over O(window) (was this host healthy this week?).
  - "Indicators, each named like the option that sets it: C(availability), C(latency_p95),
    C(latency_p99), C(latency_mean), C(error_rate), C(cpu_average), C(cpu_peak),
    C(memory_average), C(memory_peak), C(disk_usage), C(network_bandwidth), C(io_latency),
    C(mttr) and C(mtbf). Probe-based ones need blackbox_exporter, host ones node_exporter
    (roles golive.readiness.blackbox_exporter and golive.readiness.node_exporter)."
  - Each indicator is one query answering for every instance at once (grouped by the O(by)
    label); the queries run concurrently, each bounded by O(timeout), the whole call by
    O(timeout) plus 2 seconds.
  - O(custom) adds a user's own queries (business metrics), judged the same way.
  - Runs once (on the controller or the monitoring host) and reports per instance. With
    O(hosts) each instance's records go to its inventory host in C(readiness.hosts); the
    fleet report callback files them under that host, next to its point-in-time checks.
    Instances no host claims are records C(<indicator>:<label value>) of the calling host.
  - No series for the window is C(unknown) naming the missing series, never C(pass). A
    Prometheus that does not answer (or refuses the credentials) is a C(fail) of the check
    C(prometheus), and the indicators are C(skip).
  - Bad input fails the task with one line naming the option, before any query; a query
    Prometheus rejects (invalid PromQL) fails the task with Prometheus's error naming the
    check, every other result still returned.
author:
  - golive.readiness contributors (@golive)
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  url:
    description: Base URL of the Prometheus server (its C(--web.external-url) path included), e.g. C(http://prometheus:9090).
    type: str
    required: true
  username:
    description: User for HTTP basic auth (the prometheus role's C(prometheus_basic_auth_username)).
    type: str
  password:
    description: Password for HTTP basic auth. Never shown in results.
    type: str
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  ca_path:
    description: CA bundle that signed the server's certificate.
    type: path
  client_cert:
    description: Client certificate for mutual TLS.
    type: path
  client_key:
    description: Key of O(client_cert).
    type: path
  timeout:
    description: Seconds each query may take, (0.1, 300]; also sent to Prometheus as the query timeout.
    type: float
    default: 10
  workers:
    description: Queries run at the same time, 1 to 64.
    type: int
    default: 8
  window:
    description: The time window the indicators cover, a Prometheus duration (C(30m), C(1h), C(7d)).
    type: str
    default: 1h
  time:
    description: The end of the window, a Unix time or an RFC 3339 time (C(2026-11-27T12:00:00Z)); default now.
    type: str
  step:
    description: Resolution of the subqueries of peak indicators (a Prometheus duration); default the window / 250, at least C(15s).
    type: str
  by:
    description: The label that names an instance; each indicator answers one value per value of it.
    type: str
    default: instance
  hosts:
    description:
      - "Inventory host name to O(by) label value (C({web1: web1})); a label value C(web1:9100)
        also matches C(web1). The golive.readiness prometheus role labels every target with its
        inventory name, so the readiness role passes each play host to itself."
    type: dict
    default: {}
  indicators:
    description: Indicators to run (default all); an unknown name is bad input.
    type: list
    elements: str
  custom:
    description:
      - "Queries of your own, each C({name, query, warn, fail, direction, unit}); C($window) in the
        query is replaced by O(window). Each returned series is judged; one per O(by) value."
    type: list
    elements: dict
    default: []
    suboptions:
      name: {description: Check name (a word; not an indicator's)., type: str, required: true}
      query: {description: PromQL instant query., type: str, required: true}
      warn: {description: Warn limit., type: float}
      fail: {description: Fail limit., type: float}
      direction:
        description: C(higher) when higher values are worse, C(lower) when lower are.
        type: str
        default: higher
        choices: [higher, lower]
      unit: {description: 'Unit of the values (C(percent), C(ms), ...).', type: str}
      description: {description: 'What the value is, for messages.', type: str}
      remediation: {description: What to do when it warns or fails., type: str}
  availability:
    description:
      - Percentage of blackbox probes (C(probe_success)) that succeeded over the window, per instance.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at or below this percentage., type: float, default: 99.95}
      fail: {description: Fail below this percentage., type: float, default: 99.9}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  latency_p95:
    description:
      - 95th percentile of the probes' C(probe_duration_seconds) over the window, in ms.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this time in ms., type: float, default: 1000}
      fail: {description: Fail above this time in ms., type: float, default: 2000}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  latency_p99:
    description:
      - 99th percentile of the probes' C(probe_duration_seconds) over the window, in ms.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this time in ms., type: float, default: 2000}
      fail: {description: Fail above this time in ms., type: float, default: 4000}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  latency_mean:
    description:
      - Mean of the probes' C(probe_duration_seconds) over the window, in ms.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this time in ms., type: float, default: 500}
      fail: {description: Fail above this time in ms., type: float, default: 1000}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  error_rate:
    description:
      - Percentage of probes answered with an HTTP status of 500 or more (C(probe_http_status_code)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 1}
      fail: {description: Fail above this percentage., type: float, default: 5}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  cpu_average:
    description:
      - Average CPU use over the window from C(node_cpu_seconds_total) (all CPUs, non-idle time).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 70}
      fail: {description: Fail above this percentage., type: float, default: 80}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  cpu_peak:
    description:
      - Highest 1-minute CPU use within the window.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 90}
      fail: {description: Fail above this percentage., type: float, default: 95}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  memory_average:
    description:
      - Average memory use (1 - MemAvailable / MemTotal) over the window.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  memory_peak:
    description:
      - Highest memory use within the window.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 95}
      fail: {description: Fail above this percentage., type: float, default: 98}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  disk_usage:
    description:
      - Fullest filesystem's use (highest within the window), pseudo filesystems left out.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 85}
      fail: {description: Fail above this percentage., type: float, default: 90}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  network_bandwidth:
    description:
      - Busiest network link's average traffic (receive or transmit) as a percentage of its speed (C(node_network_speed_bytes)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  io_latency:
    description:
      - Slowest disk's average time per completed read or write over the window, in ms.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this time in ms., type: float, default: 10}
      fail: {description: Fail above this time in ms., type: float, default: 20}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  mttr:
    description:
      - "Mean time to recover in seconds: time the probes failed divided by the outages (0 without an outage)."
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at this time in seconds., type: float, default: 180}
      fail: {description: Fail above this time in seconds., type: float, default: 300}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
  mtbf:
    description:
      - "Mean time between failures in days: the window divided by the outages. Without an outage it is
        at least the window, and C(unknown) when the window is shorter than the fail limit."
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this indicator., type: bool, default: true}
      warn: {description: Warn at or below this number of days., type: float, default: 60}
      fail: {description: Fail below this number of days., type: float, default: 30}
      query: {description: PromQL replacing the built-in query (one series per O(by) label value)., type: str}
seealso:
  - module: golive.readiness.system_check
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: The guide's indicators over the last week, one record set per host
  golive.readiness.prometheus_check:
    url: http://monitor.example.com:9090
    username: admin
    password: "{{ vault_prometheus_password }}"
    window: 7d
    hosts: "{{ dict(ansible_play_hosts | zip(ansible_play_hosts)) }}"
    cpu_average:
      warn: 60
  run_once: true

- name: Only availability and p95, plus a business metric
  golive.readiness.prometheus_check:
    url: http://127.0.0.1:9090
    indicators: [availability, latency_p95]
    custom:
      - name: checkout_success
        query: 100 * sum by (instance) (rate(checkout_ok_total[$window])) / sum by (instance) (rate(checkout_total[$window]))
        warn: 99
        fail: 97
        direction: lower
        unit: percent
'''

RETURN = r'''
readiness:
  description: The checks of the calling host, and of each host of O(hosts). See docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(indicators).
      type: str
      sample: indicators
    status:
      description: The worst status of every check, the hosts' included.
      type: str
      sample: warn
    summary:
      description: Number of the calling host's checks per status.
      type: dict
      sample: {pass: 1, warn: 0, fail: 0, unknown: 0, skip: 0}
    checks:
      description: The C(prometheus) check (did it answer) and records of instances no host claims.
      type: list
      elements: dict
      sample:
        - name: prometheus
          status: pass
          message: Prometheus at http://127.0.0.1:9090 answered 14 of 14 queries in 61.2 ms
    hosts:
      description: Per inventory host of O(hosts), its own C(status), C(summary) and C(checks).
      type: dict
      returned: when O(hosts) is given
      sample:
        web1:
          status: warn
          checks:
            - name: cpu_average
              status: warn
              value: 73.1
              unit: percent
              warn: 70.0
              fail: 80.0
              message: "average CPU use over 1h is 73.1% (warn at 70%, fail above 80%)"
    queries:
      description: Number of queries sent.
      type: int
      sample: 14
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import prometheus as probes


def main():
    """Entry point: the catalogue in probes/prometheus.py defines the options and indicators."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
