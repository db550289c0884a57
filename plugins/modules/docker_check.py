#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: judge a host's Docker engine and containers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: docker_check
short_description: Check the Docker engine and its containers for production readiness
version_added: 0.1.0
description:
  - Asks the host's Docker engine (read-only API calls) whether it answers and is recent
    enough, whether the expected containers run, and judges every container's health,
    restart count, exit code and CPU / memory use, returning the shared readiness result
    model (component C(docker)).
  - An engine that does not answer is C(fail) (check C(docker_engine)); no permission on its
    socket is C(unknown). Neither is a task failure or a traceback.
  - "Checks per container, on the containers in O(scope) minus O(ignore):
    C(docker_health:<name>) (running containers with a healthcheck; healthy is C(pass),
    starting C(warn), unhealthy C(fail)); C(docker_restarts:<name>) (the engine's restart
    count); C(docker_exit_code:<name>) (stopped containers; a non-zero code is C(fail));
    C(docker_cpu:<name>) and C(docker_memory:<name>) (running containers, from one stats
    sample each, taken concurrently); C(docker_running:<name>) with O(all_running)."
  - CPU use is a percentage of the CPUs the container may use (its C(--cpus) or quota,
    else all the host's); memory use, without reclaimable page cache, a percentage of its
    limit (else the host's memory). Defaults follow the readiness guide (warn at 80%, fail at 90%).
author:
  - golive.readiness contributors (@golive)
requirements:
  - docker (the Docker SDK for Python) >= 5.0 on the managed host
extends_documentation_fragment:
  - golive.readiness.check_common
options:
  docker_host:
    description: The engine's address. Defaults to C(DOCKER_HOST) of the module's environment, else C(unix:///var/run/docker.sock).
    type: str
  timeout:
    description: Seconds each API call may take.
    type: float
    default: 10
  min_version:
    description: Minimum engine version, e.g. C(20.10) (check C(docker_version)).
    type: str
  containers:
    description: Containers that must exist and run (checks C(docker_container:<name>) or C(docker_container:label=<label>)).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The container's name. Give exactly one of O(containers[].name) and O(containers[].label).
        type: str
      label:
        description: A label, C(key) or C(key=value); every container with it must run.
        type: str
      min_count:
        description: At least this many containers must run (for O(containers[].label)).
        type: int
        default: 1
  scope:
    description: Containers the per-container checks look at, C(all) of the engine's or only the C(expected) ones of O(containers).
    type: str
    default: all
    choices: [all, expected]
  ignore:
    description: Container names (shell patterns such as C(buildkit_*)) left out of the per-container checks.
    type: list
    elements: str
    default: []
  all_running:
    description: Every container in scope must be running (checks C(docker_running:<name>)).
    type: bool
    default: false
  health:
    description: Healthcheck status of running containers that have one.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  restarts:
    description: The engine's restart count per container.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many restarts., type: float, default: 1}
      fail: {description: Fail above this many restarts., type: float, default: 5}
  exit_codes:
    description: Stopped containers must have exited with code 0.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  cpu:
    description: CPU use in percent of what the container may use.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  memory:
    description: Memory use in percent of the container's limit.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  stats_workers:
    description: Stats samples taken at a time (1 to 32); each takes about a second.
    type: int
    default: 8
  stats_budget:
    description: Seconds all stats samples together may take (1 to 300); containers without a sample by then are C(unknown).
    type: float
    default: 30
seealso:
  - module: golive.readiness.http_check
  - module: golive.readiness.port_check
'''

EXAMPLES = r'''
- name: Engine 20.10 or later, the web stack up and healthy, nothing crash-looping
  golive.readiness.docker_check:
    min_version: "20.10"
    containers:
      - name: nginx
      - label: com.docker.compose.project=shop
        min_count: 3
    ignore: ["buildkit_*"]
    restarts: {warn: 1, fail: 3}
  register: docker
  become: true
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(docker).
      type: str
      sample: docker
    status:
      description: The worst status of the checks.
      type: str
      sample: fail
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 12, warn: 1, fail: 2, unknown: 0, skip: 0}
    checks:
      description: One entry per check; see the description for the names.
      type: list
      elements: dict
      sample:
        - name: "docker_health:api"
          status: fail
          value: null
          unit: null
          warn: null
          fail: null
          message: "api is unhealthy (3 failed healthchecks in a row)"
          remediation: "See its healthcheck output: docker inspect --format \"{{json .State.Health}}\" api"
          duration_ms: 0.1
          details: {failing_streak: 3}
'''

import os
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    limit_errors,
    measure_and_exit,
    skipped,
)
from ansible_collections.golive.readiness.plugins.module_utils.probes import docker as probes

try:
    import docker
except ImportError:
    docker = None
    DOCKER_IMPORT_ERROR = traceback.format_exc()
else:
    DOCKER_IMPORT_ERROR = None


def limit_spec(warn=None, fail=None, limits=True):
    """Argument spec of one check: a switch and, for measured checks, its limits."""
    options = dict(enabled=dict(type='bool', default=True))
    if limits:
        options.update(warn=dict(type='float', default=warn), fail=dict(type='float', default=fail))
    return dict(type='dict', options=options, default={})


def argument_spec():
    """The module's argument spec; defaults come from docker_probes.DEFAULTS."""
    d = probes.DEFAULTS
    return dict(
        docker_host=dict(type='str'),
        timeout=dict(type='float', default=10.0),
        min_version=dict(type='str'),
        containers=dict(type='list', elements='dict', default=[], options=dict(
            name=dict(type='str'), label=dict(type='str'), min_count=dict(type='int', default=1))),
        scope=dict(type='str', default='all', choices=['all', 'expected']),
        ignore=dict(type='list', elements='str', default=[]),
        all_running=dict(type='bool', default=False),
        health=limit_spec(limits=False),
        restarts=limit_spec(d['restarts']['warn'], d['restarts']['fail']),
        exit_codes=limit_spec(limits=False),
        cpu=limit_spec(d['cpu']['warn'], d['cpu']['fail']),
        memory=limit_spec(d['memory']['warn'], d['memory']['fail']),
        stats_workers=dict(type='int', default=8),
        stats_budget=dict(type='float', default=30.0),
    )


def input_errors(params):
    """Return every problem with the input, each naming its option."""
    errors = limit_errors(params, probes.DIRECTIONS)
    errors.extend(probes.container_errors(params['containers']))
    if params['min_version'] is not None and probes.version_tuple(params['min_version']) is None:
        errors.append('min_version: %r is not a version such as 20.10' % params['min_version'])
    if not 0 < params['timeout'] <= 300:
        errors.append('timeout: %g is out of range (0, 300]' % params['timeout'])
    if not 1 <= params['stats_workers'] <= 32:
        errors.append('stats_workers: %d is out of range 1 to 32' % params['stats_workers'])
    if not 1 <= params['stats_budget'] <= 300:
        errors.append('stats_budget: %g is out of range 1 to 300' % params['stats_budget'])
    if params['scope'] == 'expected' and not params['containers']:
        errors.append('scope: expected needs the containers option')
    return errors


def measure(params):
    """Run every enabled check and return the ``readiness`` result."""
    report = Component('docker')
    opts = dict((name, probes.merged(params, name)) for name in probes.DEFAULTS)
    base_url = params['docker_host'] or os.environ.get('DOCKER_HOST') or probes.DEFAULT_HOST
    client, version, error = probes.connect(docker, base_url, params['timeout'])
    if error:
        report.add(error)
        return report.result()
    try:
        report.add(probes.engine_record(base_url, version))
        if params['min_version']:
            report.add(probes.version_record(version.get('Version'), params['min_version']))
        listing = []

        def inspect():
            listing.extend(probes.inspect_all(client))
            return []

        report.run('docker_containers', inspect)
        if not report.checks[-1]['status'] == 'unknown':
            for record in probes.expected_records(listing, params['containers']):
                report.add(record)
            chosen = probes.in_scope(listing, params['containers'], params['scope'],
                                     params['ignore'])
            for info in chosen:
                if params['all_running']:
                    report.add(probes.running_record(info))
                if opts['health']['enabled']:
                    record = probes.health_record(info)
                    if record:
                        report.add(record)
                if opts['restarts']['enabled']:
                    report.add(probes.restarts_record(info, opts['restarts']))
                if opts['exit_codes']['enabled']:
                    record = probes.exit_code_record(info)
                    if record:
                        report.add(record)
            report.run('docker_stats', lambda: probes.stats_records(
                client, chosen, opts['cpu'], opts['memory'], params['stats_workers'],
                params['stats_budget']), unit='percent')
        for option in ('health', 'restarts', 'exit_codes', 'cpu', 'memory'):
            if not opts[option]['enabled']:
                report.add(skipped('docker_%s' % option, '%s is switched off' % option))
    finally:
        client.close()
    return report.result()


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    measure_and_exit(module, 'docker', measure, input_errors, [('docker', docker, DOCKER_IMPORT_ERROR)])


if __name__ == '__main__':
    main()
