"""Benchmark: prometheus_check's 14 indicators for 50 instances against a real Prometheus.

Starts Debian's Prometheus (requirements/apt.txt) on loopback with two hours of synthetic
series for N instances (blackbox probes and node_exporter series, backfilled with
`promtool tsdb create-blocks-from openmetrics`), then times prometheus_check's measurement
(every indicator, every instance mapped to a host) and prints the wall time, the queries
issued (one per indicator, whatever the number of instances) and the records judged.

    python3 benchmarks/indicators_bench.py [--instances 50] [--runs 5] [--port 22090] [--window 1h]
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'collections'))

from ansible_collections.golive.readiness.plugins.module_utils.probes import prometheus  # noqa: E402

STEP = 15
HOURS = 2


def series(instances, end):
    """OpenMetrics text: every series the indicators read, for ``instances`` hosts."""
    rng = random.Random(42)
    start = end - HOURS * 3600
    stamps = list(range(start, end, STEP))
    gauges = {
        'probe_success': lambda i, k: 0 if rng.random() < 0.001 * (i % 3) else 1,
        'probe_duration_seconds': lambda i, k: 0.05 + 0.02 * (i % 10) + rng.random() * 0.1,
        'probe_http_status_code': lambda i, k: 500 if rng.random() < 0.002 else 200,
        'node_memory_MemAvailable_bytes': lambda i, k: 4e9 - 3e7 * (i % 40) - rng.random() * 1e8,
        'node_memory_MemTotal_bytes': lambda i, k: 8e9,
        'node_filesystem_avail_bytes': lambda i, k: 5e10 - 5e8 * (i % 50),
        'node_filesystem_size_bytes': lambda i, k: 1e11,
        'node_network_speed_bytes': lambda i, k: 1.25e8,
    }
    counters = {  # per-second increase
        'node_cpu_seconds_total': lambda i: 0.3 + 0.012 * (i % 50),
        'node_network_receive_bytes_total': lambda i: 1e6 * (1 + i % 7),
        'node_network_transmit_bytes_total': lambda i: 5e5 * (1 + i % 5),
        'node_disk_reads_completed_total': lambda i: 50.0,
        'node_disk_read_time_seconds_total': lambda i: 50.0 * 0.002 * (1 + i % 4),
        'node_disk_writes_completed_total': lambda i: 30.0,
        'node_disk_write_time_seconds_total': lambda i: 30.0 * 0.004,
    }
    extra = {'node_cpu_seconds_total': ',cpu="0",mode="idle"', 'node_filesystem_avail_bytes': ',fstype="ext4",mountpoint="/"',
             'node_filesystem_size_bytes': ',fstype="ext4",mountpoint="/"'}
    lines = []
    for name, value in gauges.items():
        lines.append('# TYPE %s gauge' % name)
        for i in range(instances):
            labels = 'instance="host%02d"%s%s' % (i, extra.get(name, ''), ',device="eth0"' if 'network' in name else '')
            for k, ts in enumerate(stamps):
                lines.append('%s{%s} %s %d' % (name, labels, value(i, k), ts))
    for name, rate in counters.items():
        family = name[:-len('_total')]
        lines.append('# TYPE %s counter' % family)
        for i in range(instances):
            device = ',device="eth0"' if 'network' in name else (',device="sda"' if 'disk' in name else '')
            labels = 'instance="host%02d"%s%s' % (i, extra.get(name, ''), device)
            total = 0.0
            for ts in stamps:
                total += rate(i) * STEP
                lines.append('%s{%s} %s %d' % (name, labels, total, ts))
    lines.append('# EOF')
    return '\n'.join(lines) + '\n'


def start_prometheus(workdir, port, instances):
    """Backfill the synthetic series and start Prometheus on 127.0.0.1:``port``."""
    end = int(time.time()) - 60
    source = os.path.join(workdir, 'series.om')
    with open(source, 'w') as handle:
        handle.write(series(instances, end))
    data = os.path.join(workdir, 'data')
    subprocess.run(['promtool', 'tsdb', 'create-blocks-from', 'openmetrics', source, data], check=True,
                   stdout=subprocess.DEVNULL)
    config = os.path.join(workdir, 'prometheus.yml')
    with open(config, 'w') as handle:
        handle.write('global: {scrape_interval: 15s}\nscrape_configs: []\n')
    proc = subprocess.Popen(['prometheus', '--config.file=' + config, '--storage.tsdb.path=' + data,
                             '--web.listen-address=127.0.0.1:%d' % port, '--storage.tsdb.retention.time=30d'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _attempt in range(100):
        try:
            urllib.request.urlopen('http://127.0.0.1:%d/-/ready' % port, timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit('Prometheus did not become ready on port %d' % port)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--instances', type=int, default=50)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--port', type=int, default=22090)
    parser.add_argument('--window', default='1h')
    args = parser.parse_args()
    for tool in ('prometheus', 'promtool'):
        if not shutil.which(tool):
            raise SystemExit('%s is missing: apt-get install prometheus (requirements/apt.txt)' % tool)
    workdir = tempfile.mkdtemp(prefix='golive-indicators-bench-')
    t0 = time.perf_counter()
    proc = start_prometheus(workdir, args.port, args.instances)
    print('set-up: %d instances x 2 h of synthetic series backfilled, Prometheus ready in %.1f s'
          % (args.instances, time.perf_counter() - t0))
    try:
        hosts = dict(('host%02d' % i, 'host%02d' % i) for i in range(args.instances))
        params = dict(url='http://127.0.0.1:%d' % args.port, window=args.window, timeout=30, workers=8,
                      by='instance', hosts=hosts, custom=[], indicators=None, step=None, time=None)
        opts = prometheus.CATALOGUE.merged(params)
        walls = []
        for _run in range(args.runs):
            client = prometheus.Client(params)
            start = time.perf_counter()
            result, invalid = prometheus.measure(params, opts, client=client)
            walls.append((time.perf_counter() - start) * 1000)
        records = sum(len(r['checks']) for r in result['hosts'].values())
        judged = sum(1 for r in result['hosts'].values() for c in r['checks'] if c['value'] is not None)
        statuses = {}
        for r in result['hosts'].values():
            for c in r['checks']:
                statuses[c['status']] = statuses.get(c['status'], 0) + 1
        print('indicators: %d x %d instances, window %s' % (len(prometheus.NAMES), args.instances, args.window))
        print('queries issued per run: %d (one per indicator for all instances)' % result['queries'])
        print('records: %d (%d with a value), statuses %s, invalid %s' % (records, judged, statuses, invalid))
        print('wall time: median %.0f ms, min %.0f ms, max %.0f ms over %d runs'
              % (statistics.median(walls), min(walls), max(walls), len(walls)))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == '__main__':
    main()
