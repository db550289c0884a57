#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: measure a host's resources against readiness limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: system_check
short_description: Measure a host's CPU, load, memory, disks, I/O latency and file handles
version_added: 0.1.0
description:
  - Measures the host's resources in one call and judges each measurement against
    its C(warn) and C(fail) limits, returning the shared readiness result model.
  - Every check can be switched off and has its own limits; each check record is named like its
    option (C(disk:/var), C(memory)). Before 0.2.0 some had other names (C(disk_usage:/var),
    C(memory_available), ...); the gate's ignore list still matches those, with a warning.
  - Every check can be switched off and has its own limits. Defaults follow the
    readiness guide (resources warn at 80%, fail at 90%; I/O latency under 10 ms).
  - A check that fails never fails the task; the task fails only for bad input or a
    missing Python library. A check that cannot measure is C(unknown), never C(pass).
  - The module is read-only. The I/O probe writes one 4 KiB temporary file in
    O(io_latency.path) and removes it, also in check mode.
author:
  - golive.readiness contributors (@golive)
requirements:
  - psutil >= 5.6 on the managed host
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  cpu_count:
    description: Number of logical CPUs, a minimum (lower is worse).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this many CPUs (a single CPU leaves no headroom)., type: float, default: 1}
      fail: {description: Fail below this many CPUs. Set it to require a minimum (4 requires 4 or more)., type: float}
  load:
    description: 5-minute load average divided by the logical CPU count (check C(load)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this load per core., type: float, default: 1.0}
      fail: {description: Fail above this load per core., type: float, default: 2.0}
  cpu:
    description:
      - CPU use in percent averaged over a window of O(cpu.sample_seconds) (check C(cpu)).
      - The window runs while the other checks measure; the module's own CPU time in it is
        taken out, so the figure is the host's load alone. One second gives the same verdict run
        after run on a steadily loaded host, where a 0.2 s sample flipped between pass and fail.
      - This is one window, not a trend; where Prometheus is installed, the
        C(cpu_average) / C(cpu_peak) indicators judge hours and days.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
      sample_seconds: {description: 'Length of the window, 0.05 to 10 seconds.', type: float, default: 1.0}
  memory:
    description: Available memory as a percentage of the total (check C(memory); lower is worse).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this percentage available., type: float, default: 20}
      fail: {description: Fail below this percentage available., type: float, default: 10}
  swap:
    description: Swap in use as a percentage of the swap space (check C(swap)); C(skip) without swap.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  disk:
    description: Space use per filesystem (checks C(disk:<mountpoint>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
      paths:
        description:
          - Paths to check. Each must exist.
          - By default every mounted filesystem that holds data, once per device
            (kernel, memory and read-only image filesystems are left out).
        type: list
        elements: path
      exclude_fstypes:
        description: More filesystem types to leave out of the default list.
        type: list
        elements: str
  inodes:
    description: Inode use per filesystem, on the same filesystems as O(disk) (checks C(inodes:<mountpoint>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  io_latency:
    description:
      - Median latency of writing and fsyncing 4 KiB in a directory (check C(io_latency:<path>)).
      - The probe stops after O(io_latency.samples) writes or O(io_latency.budget_ms), whichever comes first.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many milliseconds., type: float, default: 10}
      fail: {description: Fail above this many milliseconds., type: float, default: 50}
      path: {description: 'Directory to probe; must exist. Defaults to the system temporary directory.', type: path}
      samples: {description: 'Number of writes, 1 to 100.', type: int, default: 5}
      budget_ms: {description: 'Time budget of the probe in milliseconds, (0, 200].', type: float, default: 200}
  open_files:
    description: Open file handles of the whole system as a percentage of C(fs.file-max) (check C(open_files)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
notes:
  - Load, file handles and inode checks read Linux kernel interfaces; elsewhere they are C(unknown).
seealso:
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: Measure the host with the guide's defaults
  golive.readiness.system_check:

- name: Stricter disk limits on the data volume, no swap check, probe the database disk
  golive.readiness.system_check:
    disk:
      paths: [/, /var/lib/postgresql]
      warn: 70
      fail: 85
    swap:
      enabled: false
    io_latency:
      path: /var/lib/postgresql
      warn: 5
      fail: 20
  register: system

- name: Show what failed
  ansible.builtin.debug:
    msg: "{{ system.readiness.checks | selectattr('status', 'eq', 'fail') | map(attribute='message') }}"
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(system).
      type: str
      sample: system
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: warn
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 10, warn: 1, fail: 0, unknown: 0, skip: 1}
    checks:
      description: One entry per check.
      type: list
      elements: dict
      sample:
        - name: "disk:/"
          status: warn
          value: 83.2
          unit: percent
          warn: 80.0
          fail: 90.0
          message: "/ use is 83.2% (warn at 80%, fail above 90%)"
          remediation: Free space or grow the filesystem before the release.
          duration_ms: 1.4
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import system as probes


def main():
    """Entry point: the catalogue and runner in probes/system.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
