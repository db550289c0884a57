#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: TCP reachability and latency, DNS resolution and the firewall of a host."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: network_check
short_description: Check TCP reachability and latency to peers, DNS resolution and the host firewall
version_added: 0.1.0
description:
  - Measures, from the managed host, in one call and concurrently, returning the shared
    readiness result model (component C(network)).
  - B(TCP) (check C(targets:<name>), C(tcp:<name>) before 0.2.0; the gate's ignore list still
    matches the old name, with a warning) opens one connection to each target and measures the
    connect time in milliseconds (the readiness guide wants network latency under 50 ms, so it warns at
    50 ms). A refused connection is C(fail) ("refused"), one that gets no answer within
    O(targets[].timeout) is C(fail) with a distinct message ("timed out"), so a closed
    port and a firewall dropping packets are told apart.
  - B(DNS) (check C(dns:<name>)) resolves each name through the system resolver
    (C(getaddrinfo) - /etc/hosts, nsswitch, resolv.conf), or with O(dns[].resolver) by
    sending one DNS query over UDP to that server (built with the Python standard library;
    dnspython is not needed). The resolution time is judged against its limits and,
    with O(dns[].expected), the answer against the expected addresses.
  - B(Firewall) (check C(firewall)), only with O(firewall.enabled), reads the ruleset
    through C(nft -j list ruleset), C(iptables-save) and C(ufw status verbose), reports which
    is active (the value) and whether inbound traffic is dropped by default. No active firewall, or one that accepts
    input by default, is C(fail); C(unknown) when the rules cannot be read (no tool, or no
    permission - reading them needs root).
  - A check that fails never fails the task. The module only connects and reads; it is
    read-only and runs the same in check mode.
author:
  - golive.readiness contributors (@golive)
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  targets:
    description: TCP targets to connect to, concurrently.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Host name or IP address.
        type: str
        required: true
      port:
        description: TCP port, 1 to 65535.
        type: int
        required: true
      name:
        description: Stable name of the check (C(targets:<name>)); defaults to C(host:port). Unique per call.
        type: str
      timeout:
        description: Seconds to wait for the connection, (0, 60]; no answer by then is C(fail) "timed out".
        type: float
        default: 3
      latency:
        description: Limits of this target's connect time in ms; overrides O(latency).
        type: dict
        suboptions:
          warn: {description: Warn at this many milliseconds., type: float}
          fail: {description: Fail above this many milliseconds., type: float}
  latency:
    description: Limits of the connect time in milliseconds, for every target.
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 50}
      fail: {description: Fail above this many milliseconds., type: float}
  dns:
    description: Names to resolve, concurrently.
    type: list
    elements: dict
    default: []
    suboptions:
      query:
        description: The DNS name to resolve.
        type: str
        required: true
      name:
        description: Stable name of the check (C(dns:<name>)); defaults to the query, C(query@resolver) with a resolver.
        type: str
      expected:
        description: Addresses the name must resolve to, compared as O(dns[].match) says.
        type: list
        elements: str
      match:
        description:
          - C(all) every expected address is in the answer (more is fine), C(any) at least one is,
            C(exact) the answer is exactly the expected set.
        type: str
        default: all
        choices: [all, any, exact]
      family:
        description: Address family to ask for (C(any) asks for A and AAAA records).
        type: str
        default: any
        choices: [any, ipv4, ipv6]
      resolver:
        description:
          - IP address of a DNS server to ask directly over UDP, instead of the system resolver
            (which also reads /etc/hosts).
        type: str
      resolver_port:
        description: UDP port of O(dns[].resolver), 1 to 65535.
        type: int
        default: 53
      timeout:
        description: Seconds to wait for the resolver, (0, 60], per query.
        type: float
        default: 3
      resolution_time:
        description: Limits of this name's resolution time in ms; overrides O(resolution_time).
        type: dict
        suboptions:
          warn: {description: Warn at this many milliseconds., type: float}
          fail: {description: Fail above this many milliseconds., type: float}
  resolution_time:
    description: Limits of the DNS resolution time in milliseconds, for every name.
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 100}
      fail: {description: Fail above this many milliseconds., type: float, default: 1000}
  firewall:
    description:
      - The firewall check (C(firewall)). It runs only when asked for with O(firewall.enabled)
        (before 0.2.0 it ran by default, also when only O(targets) or O(dns) were given).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check (reading the rules needs root)., type: bool, default: false}
      require_default_drop:
        description: Fail when the active firewall accepts input by default; when false, any active firewall passes.
        type: bool
        default: true
      timeout: {description: "Seconds each firewall tool may take, (0, 60].", type: float, default: 10}
  total_timeout:
    description: Seconds the whole call may take, (0, 300]; probes without a result by then are C(fail).
    type: float
    default: 30
  workers:
    description: Probes run at a time, 1 to 64.
    type: int
    default: 16
notes:
  - Reading nftables or iptables rules needs root (C(become=true)); without it the firewall check is C(unknown).
  - Rules that iptables-nft writes are part of the nftables ruleset and are judged there once.
  - The connect time includes the host's own name lookup only when O(targets[].host) is a name;
    give addresses to measure the network alone.
seealso:
  - module: golive.readiness.port_check
  - module: golive.readiness.tls_check
'''

EXAMPLES = r'''
- name: Web hosts reach the database and the cache; names resolve; a firewall drops by default
  golive.readiness.network_check:
    targets:
      - {host: db1.example.com, port: 5432}
      - {host: 10.0.0.12, port: 6379, name: cache, timeout: 2}
    dns:
      - query: db1.example.com
        expected: [10.0.0.11]
      - query: api.example.com
        resolver: 10.0.0.2
        family: ipv4
        resolution_time: {warn: 50, fail: 200}
  become: true
  register: network

- name: Only the firewall
  golive.readiness.network_check:
    firewall:
      enabled: true
      require_default_drop: true
  become: true
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(network).
      type: str
      sample: network
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: fail
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 3, warn: 0, fail: 1, unknown: 0, skip: 0}
    checks:
      description:
        - C(targets:<name>) (value the connect time in ms, C(details.outcome) one of C(ok), C(refused),
          C(timeout), C(resolve), C(error)), C(dns:<name>) (value the resolution time in ms,
          C(details.addresses) the answer) and C(firewall) (value the active firewall, one of
          C(nftables), C(iptables), C(ufw) or C(none)).
      type: list
      elements: dict
      sample:
        - name: "targets:db"
          status: fail
          value: null
          unit: ms
          warn: 50.0
          fail: null
          message: "TCP connect to 10.0.0.11:5432 timed out after 3s (no answer: the packets are dropped by a firewall, or the host is down or unroutable)"
          remediation: Check that the host is up and that firewalls and security groups let this host reach port 5432.
          duration_ms: 3001.2
          details: {host: 10.0.0.11, port: 5432, outcome: timeout}
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import network as probes


def main():
    """Entry point: the catalogue and runner in probes/network.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
