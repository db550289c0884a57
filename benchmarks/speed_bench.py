"""Benchmark: a fleet run against its slowest host, before and after, in one run (issue R18).

On a fleet of your own (benchmarks/testfleet.py: the fleet image, your name prefix, the slow
endpoint and the blackholed peer), runs ``playbooks/readiness.yml`` from

  * ``before``: the checkout at ``--before`` (git archive of that commit), as it was;
  * ``linear``: this checkout as shipped (one measuring task per host, components side by side);
  * ``free``: the same with ``-e readiness_strategy=free``;

in turns, ``-n`` times each after one warm-up, and prints the median wall time of each, the
slowest host's own time (the longest a host spent in its tasks, from the host_times callback)
and ansible-playbook's start-up (the same inventory and callbacks, a play with no task), and
checks that the free report equals the linear one check for check (same statuses; the values
of checks that measure the shared machine may move). Target: under 1.5 x the slowest host's
probes + start-up.

``--system`` compares ``--tags system`` through the role with the floor: one custom module
call per host (a play with one ``golive.readiness.system_check`` task). ``--scale N`` repeats
that on the first N hosts and on all of them and prints the seconds per extra host of each.
``--aliases N`` runs it on N inventory hosts spread over the fleet's containers (more hosts than
the machine carries containers: each alias is a host of its own to Ansible), and adds a variant
with every area switched on but only the system area selected: the areas a run skips should
cost nothing measurable.

A script, not a timed test: it prints figures and exits 0 unless a run writes no report.

    python3 benchmarks/testfleet.py up --prefix r18 --subnet 172.30.87 --web 3 --db 2 --cache 2 \\
        --app 7 --controller --slow-ms 2500 --blackhole
    python3 benchmarks/speed_bench.py --inventory .cache/bench/r18/inventory --before 2ddfddf -n 3
    python3 benchmarks/speed_bench.py --inventory .cache/bench/r18/inventory --system --scale 10
    python3 benchmarks/speed_bench.py --inventory .cache/bench/r18/inventory --system --aliases 100
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Checks that measure the shared machine (every container sees its CPU and load) or the
# network's momentary latency: their values, and so their statuses, move from run to run.
NOISY = ('system/cpu', 'system/load', 'system/io_latency', 'network/dns', 'network/targets',
         'redis/ping_latency', 'postgres/connection', 'postgres/query_latency', 'http/response_time',
         'http/p95')
NOOP_PLAY = '- hosts: all\n  gather_facts: false\n  tasks: []\n'
FLOOR_PLAY = ('- hosts: all\n  gather_facts: false\n  tasks:\n'
              '    - name: One custom module call\n      golive.readiness.system_check:\n')


def checkout(ref, into):
    """The collection as it was at ``ref`` (its playbook, role, plugins and ansible.cfg)."""
    archive = subprocess.run(['git', '-C', REPO, 'archive', ref], capture_output=True, check=True).stdout
    subprocess.run(['tar', '-x', '-C', into], input=archive, check=True)
    return into


def children_cpu():
    """CPU seconds (user + system) this process's finished children have used so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(tree, inventory, work, playbook=None, args=(), cpu=None):
    """One ansible-playbook run: ``(wall seconds, report or None, {host: {task: seconds}}, rc)``.

    ``cpu``, a list, gets the run's controller CPU seconds (ansible-playbook, its forks and the
    connection clients they start): unlike wall time, it hardly moves with the machine's load.
    """
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    times = os.path.join(work, 'host_times.json')
    env.update(ANSIBLE_CONFIG=os.path.join(tree, 'ansible.cfg'), GOLIVE_REPORT_DIR=work,
               GOLIVE_REPORT_SHOW_SUMMARY='false', ANSIBLE_NOCOLOR='1', ANSIBLE_FORKS='50',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(REPO, 'benchmarks', 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='golive.readiness.fleet_report,host_times',
               GOLIVE_HOST_TIMES=times)
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
           playbook or os.path.join(tree, 'playbooks', 'readiness.yml'), '-i', inventory,
           '-e', 'readiness_install_dependencies=false'] + list(args)
    for path in (times, os.path.join(work, 'readiness.json')):
        if os.path.exists(path):
            os.unlink(path)
    start, cpu_start = time.perf_counter(), children_cpu()
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=900, check=False)
    wall = time.perf_counter() - start
    if cpu is not None:
        cpu.append(children_cpu() - cpu_start)
    report = None
    if os.path.exists(os.path.join(work, 'readiness.json')):
        with open(os.path.join(work, 'readiness.json')) as handle:
            report = json.load(handle)
    host_times = {}
    if os.path.exists(times):
        with open(times) as handle:
            host_times = json.load(handle)
    if report is None and playbook is None:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit('speed_bench: no report written (exit %d): is the fleet up?' % proc.returncode)
    return wall, report, host_times, proc.returncode


def checks_of(report):
    """``{(host, component/instance, check): status}`` of a report."""
    out = {}
    for host, entry in report['hosts'].items():
        for check in entry['checks']:
            component = check['component'] + ('[%s]' % check['instance'] if check.get('instance') else '')
            out[(host, component, check['name'])] = check['status']
    return out


def report_differences(one, other):
    """What differs between two reports beyond noise: missing checks, statuses, errors."""
    a, b = checks_of(one), checks_of(other)
    problems = ['only in the first: %s' % '/'.join(k) for k in sorted(set(a) - set(b))]
    problems += ['only in the second: %s' % '/'.join(k) for k in sorted(set(b) - set(a))]
    for key in sorted(set(a) & set(b)):
        label = '%s/%s' % (key[1].split('[')[0], key[2])
        if a[key] != b[key] and not label.startswith(NOISY):
            problems.append('%s: %s vs %s' % ('/'.join(key), a[key], b[key]))
    for host in sorted(set(one['hosts']) | set(other['hosts'])):
        errors = [[e['message'] for e in r['hosts'].get(host, {}).get('errors', [])] for r in (one, other)]
        if errors[0] != errors[1]:
            problems.append('%s errors: %s vs %s' % (host, errors[0], errors[1]))
    return problems


def busiest(host_times, skip=('Decide go / no-go', 'Stop the run on no-go')):
    """``(host, seconds)``: the host that spent longest in its tasks (the gate's left out)."""
    totals = dict((host, sum(s for task, s in tasks.items() if not task.startswith(skip)))
                  for host, tasks in host_times.items())
    host = max(totals, key=totals.get)
    return host, totals[host]


def median(values):
    return statistics.median(values) if values else float('nan')


def compare_variants(variants, inventory, work, runs, extra):
    """Warm each variant once, then ``runs`` rounds in turns; the samples of each."""
    samples = dict((name, []) for name in variants)
    for name, (tree, args) in variants.items():
        run(tree, inventory, work, args=list(args) + extra)
    for index in range(runs):
        for name, (tree, args) in variants.items():
            sample = run(tree, inventory, work, args=list(args) + extra)
            samples[name].append(sample)
            wall, report, times, rc = sample
            host, busy = busiest(times)
            print('round %d %-7s %6.2fs wall, %d hosts, %d checks, busiest host %s %.2fs%s'
                  % (index + 1, name, wall, len(report['hosts']), len(checks_of(report)), host, busy,
                     ', exit %d' % rc if rc else ''), flush=True)
    return samples


def startup(inventory, work, extra=()):
    with open(os.path.join(work, 'noop.yml'), 'w') as handle:
        handle.write(NOOP_PLAY)
    return median([run(REPO, inventory, work, playbook=os.path.join(work, 'noop.yml'), args=extra)[0]
                   for _run in range(3)])


def whole_run(args, inventory, work):
    variants = {}
    if args.before:
        variants['before'] = (checkout(args.before, tempfile.mkdtemp(prefix='before-', dir=work)), [])
    variants['linear'] = (REPO, ['-e', 'readiness_strategy=linear'])
    variants['free'] = (REPO, ['-e', 'readiness_strategy=free'])
    extra = (['--tags', args.tags] if args.tags else []) + (['--limit', args.limit] if args.limit else [])
    samples = compare_variants(variants, inventory, work, args.runs, extra)
    start_up = startup(inventory, work, extra)
    print()
    walls = dict((name, median([s[0] for s in runs])) for name, runs in samples.items())
    for name, wall in walls.items():
        busy = median([busiest(s[2])[1] for s in samples[name]])
        print('speed_bench: %-7s median wall %6.2fs; busiest host %.2fs in its tasks' % (name, wall, busy))
    print('speed_bench: ansible-playbook start-up (no task, same inventory) %.2fs' % start_up)
    for name in ('linear', 'free'):
        slowest = median([busiest(s[2])[1] for s in samples[name]])
        target = 1.5 * slowest + start_up
        print('speed_bench: %s %.2fs vs 1.5 x slowest host %.2fs + start-up = %.2fs: %s'
              % (name, walls[name], slowest, target, 'met' if walls[name] < target else 'NOT met'))
        if 'before' in walls:
            print('speed_bench: before %.2fs -> %s %.2fs (%.1fx faster)'
                  % (walls['before'], name, walls[name], walls['before'] / walls[name]))
    keep = os.path.join(REPO, '.cache', 'bench', 'reports')
    os.makedirs(keep, exist_ok=True)
    for name, runs in samples.items():
        with open(os.path.join(keep, '%s.json' % name), 'w') as handle:
            json.dump(runs[-1][1], handle, indent=1)
    print('speed_bench: the last report of each variant: %s/<variant>.json' % keep)
    problems = report_differences(samples['linear'][-1][1], samples['free'][-1][1])
    print('speed_bench: free report vs linear report: %s'
          % ('the same check for check (%d checks)' % len(checks_of(samples['free'][-1][1]))
             if not problems else '%d differences:\n  %s' % (len(problems), '\n  '.join(problems[:20]))))
    if 'before' in samples:
        problems = report_differences(samples['before'][-1][1], samples['free'][-1][1])
        print('speed_bench: before report vs free report: %s'
              % ('the same check for check' if not problems else '%d differences:\n  %s'
                 % (len(problems), '\n  '.join(problems[:20]))))


# Every area's switch: with --tags system the others are switched on but not selected.
ALL_SWITCHES = json.dumps(dict(('readiness_%s_enabled' % c, True) for c in (
    'postgres', 'redis', 'http', 'ports', 'docker', 'network', 'security', 'lynis', 'backup')))


def alias_inventory(inventory, work, count):
    """An inventory of ``count`` hosts ``alias<n>``, each the n-th fleet host round robin (its group too)."""
    with open(os.path.join(inventory, 'hosts.yml')) as handle:
        shipped = yaml.safe_load(handle)['all']
    members = [(group, name, host_vars) for group, entry in sorted(shipped.get('children', {}).items())
               for name, host_vars in sorted((entry.get('hosts') or {}).items()) if name != 'controller']
    children = {}
    for index in range(count):
        group, _name, host_vars = members[index % len(members)]
        children.setdefault(group, {'hosts': {}})['hosts']['alias%d' % (index + 1)] = dict(host_vars or {})
    directory = os.path.join(work, 'aliases')
    os.makedirs(directory, exist_ok=True)
    if os.path.isdir(os.path.join(inventory, 'group_vars')):
        os.symlink(os.path.realpath(os.path.join(inventory, 'group_vars')), os.path.join(directory, 'group_vars'))
    with open(os.path.join(directory, 'hosts.yml'), 'w') as handle:
        yaml.safe_dump({'all': {'vars': shipped.get('vars', {}), 'children': children}}, handle)
    return directory


def system_vs_floor(args, inventory, work):
    """``--tags system`` through the role (and at ``--before``) against one module call per host."""
    floor_play = os.path.join(work, 'floor.yml')
    with open(floor_play, 'w') as handle:
        handle.write(FLOOR_PLAY)
    if args.aliases:
        inventory = alias_inventory(inventory, work, args.aliases)
    hosts = json.loads(subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', inventory, '--list'],
        capture_output=True, text=True, check=True).stdout)['_meta']['hostvars']
    names = sorted(h for h in hosts if h != 'controller')
    variants = {'floor': (REPO, floor_play, []), 'role': (REPO, None, ['--tags', 'system'])}
    if args.aliases:
        variants['role_all_on'] = (REPO, None, ['--tags', 'system', '-e', ALL_SWITCHES])
    if args.before:
        variants['before'] = (checkout(args.before, tempfile.mkdtemp(prefix='before-', dir=work)), None,
                              ['--tags', 'system'])
    results, cpu_results = {}, {}
    for size in [args.scale, len(names)] if args.scale else [len(names)]:
        limit = ['--limit', ','.join(names[:size])]
        walls = dict((name, []) for name in variants)
        cpus = dict((name, []) for name in variants)
        for index in range(args.runs + 1):   # the first round warms up
            for name, (tree, playbook, extra) in variants.items():
                cpu = []
                wall = run(tree, inventory, work, playbook=playbook, args=extra + limit, cpu=cpu)[0]
                if index:
                    walls[name].append(wall)
                    cpus[name].extend(cpu)
        results[size] = dict((name, median(values)) for name, values in walls.items())
        cpu_results[size] = dict((name, median(values)) for name, values in cpus.items())
        print('speed_bench: %d hosts, system area, median wall: %s' % (size, ', '.join(
            '%s %.2fs (%.2fx the floor)' % (name, wall, wall / results[size]['floor'])
            for name, wall in results[size].items())), flush=True)
        print('speed_bench: %d hosts, system area, median controller CPU: %s' % (size, ', '.join(
            '%s %.2fs (%.2fx the floor)' % (name, cpu, cpu / cpu_results[size]['floor'])
            for name, cpu in cpu_results[size].items())), flush=True)
    if args.scale:
        small, big = sorted(results)
        for name in variants:
            print('speed_bench: %s: %.3fs wall, %.3fs controller CPU per extra host (%d -> %d hosts)'
                  % (name, (results[big][name] - results[small][name]) / (big - small),
                     (cpu_results[big][name] - cpu_results[small][name]) / (big - small), small, big))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--inventory', required=True)
    parser.add_argument('--before', help='a commit to compare with (its own playbook and role)')
    parser.add_argument('-n', '--runs', type=int, default=3)
    parser.add_argument('--tags', help='playbook tags (default: every area)')
    parser.add_argument('--limit', help='the hosts of the whole-run comparison (ansible-playbook --limit)')
    parser.add_argument('--system', action='store_true', help='the system area against the one-module floor')
    parser.add_argument('--scale', type=int, help='with --system: also on the first N hosts only')
    parser.add_argument('--aliases', type=int, help='with --system: on N inventory hosts over the fleet')
    args = parser.parse_args()
    inventory = os.path.abspath(args.inventory)
    with tempfile.TemporaryDirectory(prefix='golive-speed-bench-') as work:
        if args.system:
            system_vs_floor(args, inventory, work)
        else:
            whole_run(args, inventory, work)
    print('speed_bench: machine load %.2f %.2f %.2f' % os.getloadavg())
    return 0


if __name__ == '__main__':
    sys.exit(main())
