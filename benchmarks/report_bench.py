"""Benchmark: 1,000 hosts x 50 checks through the real fleet_report callback.

Targets (issue R6): the callback adds under 2 s of wall time and under 150 MB of memory
for 1,000 hosts x 50 checks, and the size of every report file is printed.

What runs is what ansible-playbook runs, minus the hosts: the callback class is loaded by
Ansible's callback loader from the checkout (``golive.readiness.fleet_report``) and gets its
options through ``set_options()`` from the configuration (GOLIVE_REPORT_DIR points at a
temporary directory); the play is a real ``Play`` over a real inventory, and each result is
a real ``_RawTaskResult`` (real ``Host``, real ``Task``) turned into the ``TaskResult`` a
callback receives exactly as the TaskQueueManager does for every enabled callback
(``as_callback_task_result()``: a deep copy of the module's result).  Each host returns one
result per component (system, http, port, network, docker), as the readiness role runs them.

Timed, per run:
  ansible        as_callback_task_result() for our callback (Ansible does it once per
                 enabled callback, so enabling ours costs it)
  collect        v2_playbook_on_start / v2_playbook_on_play_start / v2_runner_on_* calls,
                 including the conversion of a whole result to native types that Ansible
                 does on a callback's first read of ``result.result`` / ``result._result``
                 (the callback reads ``_return_data`` instead; the count of results it
                 converted in full is printed, and is 0 on ansible-core 2.19+)
  write          v2_playbook_on_stats: build the report, compare with the previous one,
                 checklists, render and write every format, print the summary
Run 1 writes into an empty directory; run 2 into the same directory (another seed), so
it also reads and compares with run 1's report, as every run after the first does.
``--repeat N`` times both runs N times (a new directory each time) and prints the medians.

Memory: the peak of Python allocations (tracemalloc) during a separate, untimed pass, and
the growth of the process's maximum resident set size (ru_maxrss) over the timed runs.

``--browser`` also opens run 2's HTML page in headless Chromium (as tests/e2e/test_html_report_browser.py
does: the wall time of a whole ``chromium --screenshot`` process, best of 3, beside an empty page's):
the page must open within 3 s at 1,000 hosts.  (Chromium takes no screenshot with scripts
disabled; the page without JavaScript is tested over the DevTools protocol in that test.)

    python3 benchmarks/report_bench.py [--hosts 1000] [--checks 50] [--repeat 1] [--strict] [--browser]
"""

import argparse
import contextlib
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, 'collections')
os.environ.setdefault('ANSIBLE_CONFIG', os.path.join(REPO, 'ansible.cfg'))

from ansible.executor.stats import AggregateStats  # noqa: E402
from ansible.executor import task_result as ansible_task_result  # noqa: E402
from ansible.inventory.manager import InventoryManager  # noqa: E402
from ansible.parsing.dataloader import DataLoader  # noqa: E402
from ansible.playbook.play import Play  # noqa: E402
from ansible.playbook.task import Task  # noqa: E402
from ansible.plugins import loader as plugin_loader  # noqa: E402
from ansible.vars.manager import VariableManager  # noqa: E402

plugin_loader.init_plugin_loader([COLLECTIONS])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fleet_data  # noqa: E402

TARGET_S = 2.0
TARGET_MB = 150.0
CALLBACK = 'golive.readiness.fleet_report'
MODULES = dict(system='system_check', http='http_check', port='port_check',
               network='network_check', docker='docker_check')


class Fleet:
    """Inventory, play, tasks and the raw task results of one synthetic run."""

    def __init__(self, hosts, checks, seed):
        self.loader = DataLoader()
        self.inventory = InventoryManager(loader=self.loader, sources=[])
        items = list(fleet_data.fleet(hosts, checks, seed))
        for host, groups, _kind, _payload in items:
            for group in groups:
                self.inventory.add_group(group)
            self.inventory.add_host(host, group=groups[0])
            for group in groups[1:]:
                self.inventory._inventory.add_child(group, host)
        self.variables = VariableManager(loader=self.loader, inventory=self.inventory)
        self.play = Play.load(dict(name='Fleet readiness', hosts='all', gather_facts=False),
                              variable_manager=self.variables, loader=self.loader)
        self.tasks = {}
        self.events = []  # (callback method, raw task result)
        for host_name, _groups, kind, payload in items:
            host = self.inventory.get_host(host_name)
            if kind == 'unreachable':
                self.events.append(('v2_runner_on_unreachable', self.raw(
                    host, 'system', dict(unreachable=True, changed=False, msg=payload))))
            elif kind in ('readiness', 'error'):
                results = payload if kind == 'readiness' else payload[0]
                for readiness in results:
                    self.events.append(('v2_runner_on_ok', self.raw(host, readiness['component'], dict(
                        changed=False, readiness=readiness,
                        invocation=dict(module_args=dict(checks=[c['name'] for c in readiness['checks']]))))))
                if kind == 'error':
                    self.events.append(('v2_runner_on_failed', self.raw(host, 'postgres', dict(
                        failed=True, changed=False, msg=payload[1][1]))))
            # not_evaluated: in the inventory, no result at all

    def task(self, component):
        if component not in self.tasks:
            module = 'golive.readiness.%s' % MODULES.get(component, component + '_check')
            self.tasks[component] = Task.load({'name': 'readiness : %s' % component, module: {}},
                                              variable_manager=self.variables, loader=self.loader)
        return self.tasks[component]

    def raw(self, host, component, data):
        task = self.task(component)
        if hasattr(ansible_task_result, '_RawTaskResult'):  # ansible-core 2.19+
            return ansible_task_result._RawTaskResult(host, task, data, task.dump_attrs())
        return ansible_task_result.TaskResult(host, task, data)  # older: callbacks get it as is


def to_callback_result(raw):
    convert = getattr(raw, 'as_callback_task_result', None)
    return convert() if convert else raw


def new_callback():
    """The callback object exactly as TaskQueueManager.load_callbacks makes it."""
    cls = plugin_loader.callback_loader.get(CALLBACK, class_only=True)
    if cls is None:
        raise SystemExit('cannot load %s from %s' % (CALLBACK, COLLECTIONS))
    callback = cls()
    if hasattr(callback, '_init_callback_methods'):
        callback._init_callback_methods()
    callback.set_options()
    return callback


class Playbook:
    _file_name = os.path.join(REPO, 'playbooks', 'readiness.yml')


def run(fleet, report_dir):
    """One run through a new callback; returns the phase timings in seconds."""
    os.environ['GOLIVE_REPORT_DIR'] = report_dir
    callback = new_callback()
    assert callback.get_option('report_dir') == report_dir
    stats = AggregateStats()
    copy_s = copy_cpu = 0.0
    converted = 0
    clock, cpu = time.perf_counter, time.process_time
    start, start_cpu = clock(), cpu()
    callback.v2_playbook_on_start(Playbook())
    callback.v2_playbook_on_play_start(fleet.play)
    for method, raw in fleet.events:
        t0, c0 = clock(), cpu()
        result = to_callback_result(raw)
        copy_s += clock() - t0
        copy_cpu += cpu() - c0
        getattr(callback, method)(result)
        converted += 'result' in getattr(result, '__dict__', ())  # the cached_property was read
        stats.increment('ok' if method == 'v2_runner_on_ok' else 'failures', raw.host.name)
    collected, collected_cpu = clock(), cpu()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        callback.v2_playbook_on_stats(stats)
    end, end_cpu = clock(), cpu()
    return dict(copy=copy_s, collect=collected - start - copy_s, write=end - collected,
                total=end - start, copy_cpu=copy_cpu, collect_cpu=collected_cpu - start_cpu - copy_cpu,
                write_cpu=end_cpu - collected_cpu, total_cpu=end_cpu - start_cpu,
                summary_lines=out.getvalue().count('\n'), report=getattr(callback, 'report_path', None),
                converted=converted)


def breakdown(fleet, tmp):
    """Time each step of v2_playbook_on_stats on its own (where the write time goes)."""
    from ansible_collections.golive.readiness.plugins.plugin_utils import checklists, report_formats
    from ansible_collections.golive.readiness.plugins.plugin_utils.compare import compare
    import json
    report_dir = os.path.join(tmp, 'breakdown')
    run(fleet, report_dir)
    callback = new_callback()
    callback.v2_playbook_on_play_start(fleet.play)
    for method, raw in fleet.events:
        getattr(callback, method)(to_callback_result(raw))
    clock, steps = time.perf_counter, []

    def step(label, fn):
        t0 = clock()
        value = fn()
        steps.append((label, clock() - t0))
        return value

    report = step('collector.report()', callback.collector.report)
    report['checklists'] = step('checklists.evaluate()', lambda: checklists.evaluate(report))
    previous = step('read previous JSON', lambda: json.load(open(os.path.join(report_dir, 'readiness.json'))))
    report['comparison'] = step('compare()', lambda: compare(previous, report))
    del previous
    texts = {}
    for fmt in report_formats.FORMATS:
        texts[fmt] = step('render %s' % fmt, lambda: report_formats.render(report, fmt, 0))
    step('  (json.dumps compact, for comparison)',
         lambda: json.dumps(report, separators=(',', ':'), sort_keys=True, default=str))
    for fmt, text in texts.items():
        path = os.path.join(tmp, 'breakdown', 'x' + report_formats.EXTENSIONS[fmt])
        step('write+fsync %s' % fmt, lambda: report_formats.write_text_atomic(path, text))
    print()
    print('breakdown of the write phase (s):')
    for label, seconds in steps:
        print('  %-40s %7.3f' % (label, seconds))


CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                  '--hide-scrollbars', '--mute-audio', '--window-size=1400,1000']


def browser(page, attempts=3):
    """Wall seconds of headless Chromium screenshotting ``page``: best of ``attempts``."""
    import shutil
    import subprocess
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium:
        print('browser: chromium is not installed (scripts/setup.sh --test)')
        return
    directory = os.path.dirname(page)
    empty = os.path.join(directory, 'empty.html')
    with open(empty, 'w') as handle:
        handle.write('<!DOCTYPE html><title>empty</title><p>empty')
    print()
    print('browser (headless Chromium, whole process wall time, best of %d):' % attempts)
    for label, path in (('empty page', empty), ('report page %.1f MB' % (os.path.getsize(page) / 1e6), page)):
        walls = []
        for _attempt in range(attempts):
            with tempfile.TemporaryDirectory(prefix='golive-chromium-') as profile:
                start = time.perf_counter()
                subprocess.run([chromium] + CHROMIUM_FLAGS + [
                    '--user-data-dir=%s' % profile, '--screenshot=%s' % os.path.join(directory, 'shot.png'),
                    'file://%s' % path], capture_output=True, check=False, timeout=120)
                walls.append(time.perf_counter() - start)
        print('  %-28s %6.2f s  (%s)' % (label, min(walls), ', '.join('%.2f' % w for w in walls)))


def medians(runs):
    """Per key, the median over ``runs`` (dicts of one run's figures)."""
    return dict((key, statistics.median(r[key] for r in runs) if isinstance(runs[0][key], (int, float))
                 else runs[0][key]) for key in runs[0])


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--hosts', type=int, default=1000)
    parser.add_argument('--checks', type=int, default=50)
    parser.add_argument('--strict', action='store_true', help='exit 1 when a target is missed')
    parser.add_argument('--repeat', type=int, default=1, help='time both runs N times and print the medians')
    parser.add_argument('--breakdown', action='store_true', help='also time each step of the write phase')
    parser.add_argument('--browser', action='store_true', help='also open the HTML page in headless Chromium')
    args = parser.parse_args()

    start = time.perf_counter()
    fleets = [Fleet(args.hosts, args.checks, seed) for seed in (7, 8)]
    setup_s = time.perf_counter() - start
    events = len(fleets[0].events)
    checks = sum(len(raw._return_data.get('readiness', {}).get('checks', ()))
                 for _method, raw in fleets[0].events if hasattr(raw, '_return_data'))
    print('fleet: %d hosts x %d checks: %d task results, %d check records (set-up %.1f s, untimed)'
          % (args.hosts, args.checks, events, checks, setup_s))

    with tempfile.TemporaryDirectory(prefix='golive-bench-') as tmp:
        rss_before = maxrss_mb()
        pairs = []
        for repetition in range(args.repeat):
            report_dir = os.path.join(tmp, 'reports%d' % repetition)
            pairs.append([run(fleets[0], report_dir), run(fleets[1], report_dir)])
        rss_growth = maxrss_mb() - rss_before
        timings = [medians([pair[i] for pair in pairs]) for i in (0, 1)]
        files = sorted((name, os.path.getsize(os.path.join(report_dir, name)))
                       for name in os.listdir(report_dir))

        # Memory, untimed (tracemalloc slows Python down): a fresh directory, then a second
        # run that compares, as above; the peak of the two.
        mem_dir = os.path.join(tmp, 'memory')
        peaks = []
        for fleet in fleets:
            tracemalloc.start()
            run(fleet, mem_dir)
            peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
            tracemalloc.stop()
        if args.breakdown:
            breakdown(fleets[0], tmp)
        if args.browser:
            browser(os.path.join(report_dir, 'readiness.html'))

    print()
    print('%-34s %9s %9s %9s %9s' % ('seconds' + (' (medians of %d)' % args.repeat if args.repeat > 1 else ''),
                                     'ansible', 'collect', 'write', 'added'))
    for label, t in zip(('run 1 (empty report dir)', 'run 2 (compares with run 1)'), timings):
        print('%-34s %9.3f %9.3f %9.3f %9.3f' % (label + ' wall', t['copy'], t['collect'], t['write'], t['total']))
        print('%-34s %9.3f %9.3f %9.3f %9.3f' % ('  CPU', t['copy_cpu'], t['collect_cpu'], t['write_cpu'],
                                                 t['total_cpu']))
    print('  ansible = as_callback_task_result() copy, for this callback;')
    print('  collect = our v2_playbook_on_start/play_start/runner_* calls, with any full native-type conversion'
          ' they trigger (results converted in full: %d of %d);' % (timings[0]['converted'], events))
    print('  write = v2_playbook_on_stats (report, comparison, checklists, every format, summary of %d lines)'
          % timings[0]['summary_lines'])
    print('  wall = CPU when the machine is idle; on a shared machine the CPU time is the work done.')
    print('  load average now: %s' % ' '.join('%.1f' % x for x in os.getloadavg()))
    worst_s = max(t['total'] for t in timings)
    worst_mb = max(peaks)
    print()
    print('memory: tracemalloc peak %.1f MB (run 1) / %.1f MB (run 2); ru_maxrss grew %.1f MB over the timed runs'
          % (peaks[0], peaks[1], rss_growth))
    print()
    print('report files (run 2):')
    for name, size in files:
        print('  %-32s %12s bytes  (%.2f MB)' % (name, '{:,}'.format(size), size / 1e6))
    print()
    ok_s, ok_mb = worst_s < TARGET_S, max(worst_mb, rss_growth) < TARGET_MB
    print('target wall time < %.1f s: %s (%.2f s)' % (TARGET_S, 'ok' if ok_s else 'MISSED', worst_s))
    print('target memory < %.0f MB: %s (%.1f MB)' % (TARGET_MB, 'ok' if ok_mb else 'MISSED',
                                                     max(worst_mb, rss_growth)))
    if args.strict and not (ok_s and ok_mb):
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
