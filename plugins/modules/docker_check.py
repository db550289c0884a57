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
  - An engine that does not answer is C(fail) (check C(docker_host)); no permission on its
    socket is C(unknown). Neither is a task failure or a traceback. An O(docker_host) that is
    not an engine URL is bad input naming O(docker_host).
  - "Checks per container, on the containers in O(scope) minus O(ignore), each named like the
    option that sets it: C(health:<name>) (running containers with a healthcheck; healthy is
    C(pass), starting C(warn), unhealthy C(fail)); C(restarts:<name>) (the engine's restart
    count); C(exit_codes:<name>) (stopped containers; a non-zero code is C(fail));
    C(cpu:<name>) and C(memory:<name>) (running containers, from one-shot stats
    samples taken concurrently: memory from the first, CPU between the first and a second);
    C(all_running:<name>) with O(all_running)."
  - "Before 0.2.0 the checks were named C(docker_engine), C(docker_version),
    C(docker_container:<name>), C(docker_health:<name>), C(docker_restarts:<name>),
    C(docker_exit_code:<name>), C(docker_cpu:<name>), C(docker_memory:<name>) and
    C(docker_running:<name>); the gate's ignore list still matches those, with a warning."
  - The result names the engine in C(readiness.instance) (O(instance)), so two calls for two
    engines on one host are two records in the fleet report.
  - CPU use is a percentage of the CPUs the container may use (its C(--cpus) or quota,
    else all the host's); memory use, without reclaimable page cache, a percentage of its
    limit (else the host's memory). Defaults follow the readiness guide (warn at 80%, fail at 90%).
author:
  - golive.readiness contributors (@golive)
requirements:
  - docker (the Docker SDK for Python) >= 5.0 on the managed host
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  instance:
    description: Name of this engine in the report; defaults to the engine's address (O(docker_host)).
    type: str
  docker_host:
    description:
      - The engine's address (check C(docker_host)), a URL C(unix:///path), C(tcp://host:port),
        C(http(s)://host:port) or C(ssh://user@host).
      - Defaults to C(DOCKER_HOST) of the module's environment, else C(unix:///var/run/docker.sock).
    type: str
  timeout:
    description: Seconds each API call may take, (0, 300].
    type: float
    default: 10
  min_version:
    description: Minimum engine version, e.g. C(20.10) (check C(min_version)).
    type: str
  containers:
    description: Containers that must exist and run (checks C(containers:<name>) or C(containers:label=<label>)).
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
        description: At least this many containers must run (for O(containers[].label)); at least 1.
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
    description: Every container in scope must be running (checks C(all_running:<name>)).
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
    description:
      - Stats samples taken at a time, 1 to 32; each takes up to a second (the engine's
        collection interval), so at least as many as there are running containers is fastest.
      - Each sample is a one-shot answer; CPU use is the difference of two rounds of samples. When
        the first answers (three, or all if fewer) carry no figures, the engine has none to give
        and the other containers are not asked.
    type: int
    default: 16
  stats_budget:
    description: Seconds all stats samples together may take, 1 to 300; containers without a sample by then are C(unknown).
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
        - name: "health:api"
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

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import docker as probes


def main():
    """Entry point: the catalogue and runner in probes/docker.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
