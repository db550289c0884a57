"""Benchmark: one system_check call, and a whole local readiness run.

Prints medians; targets (issue R1): one call with every check on under 1 s, the I/O
probe bounded at 200 ms.  Run from anywhere:  python3 benchmarks/system_bench.py [-n 7]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'collections'))

import psutil  # noqa: E402

from ansible_collections.golive.readiness.plugins.module_utils.probes import system  # noqa: E402


def module_params():
    """Every check on, with the catalogue's defaults."""
    return system.CATALOGUE.merged({})


def time_measure(runs):
    """Wall time of system_check's measurement in-process, and the I/O probe's own time."""
    walls, probes, checks = [], [], 0
    for _run in range(runs):
        start = time.perf_counter()
        result = system.measure(psutil, module_params())
        walls.append((time.perf_counter() - start) * 1000)
        probes.append(sum(c['duration_ms'] for c in result['checks']
                          if c['name'].startswith('io_latency:')))
        checks = len(result['checks'])
    return walls, probes, checks


def time_command(cmd, runs, env=None):
    """Median wall time of a command, in ms."""
    walls = []
    for _run in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        walls.append((time.perf_counter() - start) * 1000)
    return walls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', '--runs', type=int, default=7)
    args = parser.parse_args()
    bindir = os.path.dirname(sys.executable)

    walls, probes, checks = time_measure(args.runs)
    print('system_check measurement (in process, %d checks): median %.0f ms, max %.0f ms '
          '(target < 1000 ms)' % (checks, statistics.median(walls), max(walls)))
    print('  of which the I/O probe: median %.1f ms, max %.1f ms (bound 200 ms)'
          % (statistics.median(probes), max(probes)))

    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'))
    adhoc = time_command([os.path.join(bindir, 'ansible'), 'localhost', '-m',
                          'golive.readiness.system_check'], args.runs, env)
    print('one system_check call through ansible (ad hoc, local): median %.0f ms'
          % statistics.median(adhoc))

    with tempfile.TemporaryDirectory() as reports:
        env['GOLIVE_REPORT_DIR'] = reports
        play = time_command([os.path.join(bindir, 'ansible-playbook'), 'playbooks/readiness.yml'],
                            args.runs, env)
        with open(os.path.join(reports, 'readiness.json')) as handle:
            report = json.load(handle)
    print('whole local readiness run (ansible-playbook readiness.yml, %d checks): median %.0f ms'
          % (report['summary']['checks'], statistics.median(play)))


if __name__ == '__main__':
    main()
