"""Benchmark: does the CPU check give the same verdict run after run under a steady load?

A bounded synthetic load (worker processes busy for a fixed share of every period, by
default 30 % of each second: bursts like a busy service's, stopped after the run) loads the
host steadily on average; the CPU check then runs N times in a row
with the old 0.2 s sample and with the catalogue's default window.  It prints each window's
verdicts, how often the most common verdict came up, and the spread of the values.
Target (issue R15 item 6): the same verdict in at least 9 of 10 consecutive runs.

    python3 benchmarks/cpu_window_bench.py [-n 10] [--duty 0.3] [--period 1] [--workers 0 (= all cores)]
"""

import argparse
import collections
import multiprocessing
import os
import statistics
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'collections'))

import psutil  # noqa: E402

from ansible_collections.golive.readiness.plugins.module_utils.probes import system  # noqa: E402

MAX_LOAD_SECONDS = 600  # the load stops by itself, whatever happens to this script


def busy(duty, period, stop_at):
    """Spin for ``duty`` of every ``period`` seconds until ``stop_at``."""
    while time.monotonic() < stop_at:
        start = time.monotonic()
        while time.monotonic() - start < duty * period:
            pass
        time.sleep(max(0.0, period - (time.monotonic() - start)))


def verdicts(window, runs):
    opts = system.CATALOGUE.merged({'cpu': {'sample_seconds': window}})['cpu']
    out = []
    for _run in range(runs):
        record = system.CpuSample(psutil, opts).result()
        out.append((record['status'], record['value']))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', type=int, default=10)
    parser.add_argument('--duty', type=float, default=0.3)
    parser.add_argument('--period', type=float, default=1.0)
    parser.add_argument('--workers', type=int, default=0)
    parser.add_argument('--windows', default='0.2,%s' % system.CATALOGUE.by_name['cpu'].options['sample_seconds'].default)
    args = parser.parse_args()
    workers = args.workers or os.cpu_count()
    stop_at = time.monotonic() + MAX_LOAD_SECONDS
    procs = [multiprocessing.Process(target=busy, args=(args.duty, args.period, stop_at), daemon=True)
             for _worker in range(workers)]
    for proc in procs:
        proc.start()
    try:
        time.sleep(1.0)  # let the load settle
        print('steady load: %d worker(s) busy %.0f %% of every %.1f s; %d consecutive runs per window'
              % (workers, args.duty * 100, args.period, args.n))
        for window in [float(w) for w in args.windows.split(',')]:
            results = verdicts(window, args.n)
            counts = collections.Counter(status for status, _value in results)
            common, times = counts.most_common(1)[0]
            values = [v for _status, v in results if v is not None]
            print('window %.1f s: verdicts %s; most common %s in %d of %d; value median %.1f %%, '
                  'min %.1f, max %.1f' % (window, dict(counts), common, times, args.n,
                                          statistics.median(values), min(values), max(values)))
    finally:
        for proc in procs:
            proc.terminate()
            proc.join(5)


if __name__ == '__main__':
    main()
