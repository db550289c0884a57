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
options:
  cpu_count:
    description: Number of logical CPUs, a minimum (lower is worse).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this many CPUs (a single CPU leaves no headroom)., type: float, default: 1}
      fail: {description: Fail below this many CPUs. Set it to require a minimum (3 requires 4 or more)., type: float}
  load:
    description: 5-minute load average divided by the logical CPU count (check C(load_per_core)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this load per core., type: float, default: 1.0}
      fail: {description: Fail above this load per core., type: float, default: 2.0}
  cpu:
    description:
      - CPU utilisation in percent over a short sample (check C(cpu_utilisation)).
      - The sample runs while the other checks measure, so it adds no time to the call; the
        module's own CPU time in it is taken out, so the figure is the host's load alone.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
      sample_seconds: {description: 'Length of the sample, 0.05 to 5 seconds.', type: float, default: 0.2}
  memory:
    description: Available memory as a percentage of the total (check C(memory_available); lower is worse).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this percentage available., type: float, default: 20}
      fail: {description: Fail below this percentage available., type: float, default: 10}
  swap:
    description: Swap in use as a percentage of the swap space (check C(swap_used)); C(skip) without swap.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this percentage., type: float, default: 80}
      fail: {description: Fail above this percentage., type: float, default: 90}
  disk:
    description: Space use per filesystem (checks C(disk_usage:<mountpoint>)).
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
    description: Inode use per filesystem, on the same filesystems as O(disk) (checks C(inode_usage:<mountpoint>)).
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
      budget_ms: {description: 'Time budget of the probe in milliseconds, at most 200.', type: float, default: 200}
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
        - name: "disk_usage:/"
          status: warn
          value: 83.2
          unit: percent
          warn: 80.0
          fail: 90.0
          message: "/ use is 83.2% (warn at 80%, fail at 90%)"
          remediation: Free space or grow the filesystem before the release.
          duration_ms: 1.4
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
from ansible_collections.golive.readiness.plugins.module_utils.probes import system as probes

try:
    import psutil
except ImportError:
    psutil = None
    PSUTIL_IMPORT_ERROR = traceback.format_exc()
else:
    PSUTIL_IMPORT_ERROR = None


def limit_spec(warn, fail, **extra):
    """Argument spec of one check: a switch, its limits and its own settings."""
    options = dict(
        enabled=dict(type='bool', default=True),
        warn=dict(type='float', default=warn),
        fail=dict(type='float', default=fail),
    )
    options.update(extra)
    return dict(type='dict', options=options, default={})


def argument_spec():
    """The module's argument spec; defaults come from system_probes.DEFAULTS."""
    d = probes.DEFAULTS
    return dict(
        cpu_count=limit_spec(d['cpu_count']['warn'], d['cpu_count']['fail']),
        load=limit_spec(d['load']['warn'], d['load']['fail']),
        cpu=limit_spec(d['cpu']['warn'], d['cpu']['fail'],
                       sample_seconds=dict(type='float', default=d['cpu']['sample_seconds'])),
        memory=limit_spec(d['memory']['warn'], d['memory']['fail']),
        swap=limit_spec(d['swap']['warn'], d['swap']['fail']),
        disk=limit_spec(d['disk']['warn'], d['disk']['fail'],
                        paths=dict(type='list', elements='path'),
                        exclude_fstypes=dict(type='list', elements='str')),
        inodes=limit_spec(d['inodes']['warn'], d['inodes']['fail']),
        io_latency=limit_spec(d['io_latency']['warn'], d['io_latency']['fail'],
                              path=dict(type='path'),
                              samples=dict(type='int', default=d['io_latency']['samples']),
                              budget_ms=dict(type='float', default=d['io_latency']['budget_ms'])),
        open_files=limit_spec(d['open_files']['warn'], d['open_files']['fail']),
    )


def input_errors(params):
    """Return every problem with the input, each naming its option."""
    errors = limit_errors(params, probes.DIRECTIONS)
    io = params['io_latency']
    if io['enabled']:
        if io['path'] and not os.path.isdir(io['path']):
            errors.append('io_latency.path: %s does not exist or is not a directory' % io['path'])
        if not 1 <= io['samples'] <= 100:
            errors.append('io_latency.samples: %d is out of range 1 to 100' % io['samples'])
        if not 0 < io['budget_ms'] <= 200:
            errors.append('io_latency.budget_ms: %g is out of range (0, 200]' % io['budget_ms'])
    cpu = params['cpu']
    if cpu['enabled'] and not 0.05 <= cpu['sample_seconds'] <= 5:
        errors.append('cpu.sample_seconds: %g is out of range 0.05 to 5' % cpu['sample_seconds'])
    disk = params['disk']
    if disk['enabled'] or params['inodes']['enabled']:
        for path in disk['paths'] or ():
            if not os.path.exists(path):
                errors.append('disk.paths: %s does not exist' % path)
    return errors


def measure(params):
    """Run every enabled check and return the ``readiness`` result."""
    report = Component('system')
    opts = dict((name, probes.merged(params, name)) for name in probes.DEFAULTS)

    def run(option, name, fn, unit):
        if not opts[option]['enabled']:
            report.add(skipped(name, '%s is switched off' % option))
            return
        report.run(name, fn, unit=unit, warn=opts[option]['warn'], fail=opts[option]['fail'])

    # The CPU sample's window runs while the other probes work (see CpuSample).
    cpu_sample = probes.CpuSample(psutil, opts['cpu']) if opts['cpu']['enabled'] else None
    run('cpu_count', 'cpu_count', lambda: probes.check_cpu_count(psutil, opts['cpu_count']), 'count')
    run('load', 'load_per_core', lambda: probes.check_load(psutil, opts['load']), 'ratio')
    run('memory', 'memory_available', lambda: probes.check_memory(psutil, opts['memory']), 'percent')
    run('swap', 'swap_used', lambda: probes.check_swap(psutil, opts['swap']), 'percent')
    mounts = []
    if opts['disk']['enabled'] or opts['inodes']['enabled']:
        mounts = probes.filesystems(psutil, opts['disk']['paths'], opts['disk']['exclude_fstypes'])
    run('disk', 'disk_usage', lambda: probes.check_disk(psutil, opts['disk'], mounts), 'percent')
    run('inodes', 'inode_usage', lambda: probes.check_inodes(opts['inodes'], mounts), 'percent')
    run('open_files', 'open_files', lambda: probes.check_open_files(opts['open_files']), 'percent')
    run('io_latency', 'io_latency', lambda: probes.check_io_latency(opts['io_latency']), 'ms')
    run('cpu', 'cpu_utilisation', cpu_sample.result if cpu_sample else None, 'percent')
    return report.result()


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    measure_and_exit(module, 'system', measure, input_errors, [('psutil', psutil, PSUTIL_IMPORT_ERROR)])


if __name__ == '__main__':
    main()
