"""Benchmark: the readiness playbook's system area across the converged molecule fleet.

Runs ``ansible-playbook playbooks/readiness.yml --tags system`` from the checkout (its
ansible.cfg, the real fleet_report callback) against ``molecule/fleet/inventory`` (SSH to the
fleet's containers) N times after one warm-up run, and prints the median wall time, the
number of checks in the JSON report and checks per second, plus the median time of each task
(ansible.posix.profile_tasks). Target (issue R2): 25 checks/s or more.

A script, not a timed test: it always exits 0 unless a run fails to produce a report.
The fleet must be up: ``scripts/testbed/fleet-test.sh converge`` brings it up and converges it.

    python3 benchmarks/fleet_bench.py [-n 5] [--tags system] [--with-dependencies] [-e VARS]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.path.join(REPO, 'molecule', 'fleet', 'inventory')
TASK_LINE = re.compile(r'^(?P<task>\S.*?) -{3,} (?P<secs>\d+\.\d+)s\s*$')


def run_once(args, report_dir):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), GOLIVE_REPORT_DIR=report_dir,
               GOLIVE_REPORT_SHOW_SUMMARY='false', ANSIBLE_NOCOLOR='1',
               ANSIBLE_CALLBACKS_ENABLED='golive.readiness.fleet_report,ansible.posix.profile_tasks',
               PROFILE_TASKS_SORT_ORDER='none', PROFILE_TASKS_TASK_OUTPUT_LIMIT='all')
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
           os.path.join(REPO, 'playbooks', 'readiness.yml'), '-i', args.inventory, '--tags', args.tags]
    if not args.with_dependencies:
        # The fleet image has the libraries baked in: measure the checks, not apt.
        cmd += ['-e', 'readiness_install_dependencies=false']
    for extra in args.extra_vars:
        cmd += ['-e', extra]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - start
    path = os.path.join(report_dir, 'readiness.json')
    if not os.path.exists(path):
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit('fleet_bench: no report written (exit %d): is the fleet up? '
                         '(scripts/testbed/fleet-test.sh converge)' % proc.returncode)
    with open(path) as handle:
        report = json.load(handle)
    os.unlink(path)
    checks = sum(len(h.get('checks', [])) for h in report['hosts'].values())
    unreachable = sorted(h for h, e in report['hosts'].items() if e.get('unreachable'))
    tasks = {}
    for line in proc.stdout.splitlines():
        match = TASK_LINE.match(line)
        if match:
            tasks[match.group('task')] = float(match.group('secs'))
    return wall, checks, len(report['hosts']), unreachable, tasks, proc.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('-n', '--runs', type=int, default=5, help='measured runs (default 5)')
    parser.add_argument('--tags', default='system', help='playbook tags (default: system)')
    parser.add_argument('--inventory', default=INVENTORY)
    parser.add_argument('--with-dependencies', action='store_true',
                        help="also run the role's library install step (apt) in every run")
    parser.add_argument('-e', '--extra-vars', action='append', default=[],
                        help='extra vars for the playbook, as ansible-playbook -e (repeatable)')
    parser.add_argument('--target', type=float, default=25.0, help='checks per second to meet (default 25)')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix='golive-fleet-bench-') as report_dir:
        run_once(args, report_dir)   # warm-up: SSH control masters, page cache
        walls, counts, task_times = [], [], {}
        for i in range(args.runs):
            wall, checks, hosts, unreachable, tasks, rc = run_once(args, report_dir)
            walls.append(wall)
            counts.append(checks)
            for task, secs in tasks.items():
                task_times.setdefault(task, []).append(secs)
            print('run %d: %.2fs wall, %d hosts, %d checks, %.1f checks/s%s%s'
                  % (i + 1, wall, hosts, checks, checks / wall,
                     ', unreachable: %s' % ', '.join(unreachable) if unreachable else '',
                     ', exit %d' % rc if rc else ''), flush=True)

    median_wall = statistics.median(walls)
    median_checks = statistics.median(counts)
    rate = median_checks / median_wall
    print()
    print('tasks (median seconds over %d runs):' % args.runs)
    for task, times in task_times.items():
        print('  %6.2fs  %s' % (statistics.median(times), task))
    print()
    print('fleet_bench: --tags %s, %d runs, machine load %.2f %.2f %.2f'
          % ((args.tags, args.runs) + os.getloadavg()))
    verdict = 'met' if rate >= args.target else 'NOT met'
    print('fleet_bench: median wall %.2fs (min %.2fs, max %.2fs), %d checks, %.1f checks/s end to end '
          '(target %.0f: %s)' % (median_wall, min(walls), max(walls), median_checks, rate, args.target, verdict))
    # The same run without ansible-playbook's own start-up (interpreter, plugin loading, parsing):
    # the sum of the tasks' median times, which is what grows with the fleet.
    in_play = sum(statistics.median(t) for t in task_times.values())
    if in_play > 0:
        print('fleet_bench: tasks took %.2fs of it: %.1f checks/s in the play (start-up %.2fs)'
              % (in_play, median_checks / in_play, median_wall - in_play))
    return 0


if __name__ == '__main__':
    sys.exit(main())
