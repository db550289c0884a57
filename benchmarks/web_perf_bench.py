"""Benchmark: pages audited per minute by web_perf_check, and what the web_perf area costs when off.

    python3 benchmarks/web_perf_bench.py [-n 6] [--runs 5]

1. Audits: ``-n`` audits of one small page served on loopback (Python's http.server), one after
   the other as the module runs them, through the module's own measure(); prints seconds per
   page (median) and pages per minute.  Lighthouse comes from scripts/services/lighthouse.sh.
2. Cost when off: the local readiness run (system area) with the web_perf area switched off
   against the same run with its tag skipped (the area's tasks not even considered), ``--runs``
   times each, interleaved; prints both medians and their difference.
"""

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'collections'))

from ansible_collections.golive.readiness.plugins.module_utils.probes import web_perf  # noqa: E402

PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title>'
        '<meta name="viewport" content="width=device-width"></head><body><h1>Shop</h1></body></html>')


def serve(directory):
    """A static HTTP server on a free loopback port; its base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass
    handler = functools.partial(Quiet, directory=directory)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return 'http://127.0.0.1:%d/' % server.server_address[1]


def audits(lighthouse, pages):
    """Seconds per audited page, one module call auditing ``pages`` pages."""
    with tempfile.TemporaryDirectory() as site:
        with open(os.path.join(site, 'index.html'), 'w') as handle:
            handle.write(PAGE)
        base = serve(site)
        params = web_perf.CATALOGUE.merged({})
        params.update(pages=[dict(name='p%d' % i, url=base + '?p=%d' % i) for i in range(pages)],
                      lighthouse=lighthouse, chromium=None, form_factor='desktop', throttling='simulate',
                      timeout=120, total_timeout=3600, report_dir=None)
        opts = web_perf.CATALOGUE.merged(params)
        start = time.perf_counter()
        result = web_perf.measure(params, opts)
        wall = time.perf_counter() - start
    per_page = sorted(c['duration_ms'] / 1000.0 for c in result['checks'] if c['name'].startswith('performance:'))
    statuses = sorted(set(c['status'] for c in result['checks']))
    return wall, per_page, statuses


def readiness_run(extra_args):
    """Wall seconds of the local readiness run (system area)."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'),
               GOLIVE_REPORT_DIR=tempfile.mkdtemp(prefix='web-perf-bench-'))
    cmd = ['ansible-playbook', os.path.join(REPO, 'playbooks', 'readiness.yml'), '-i',
           os.path.join(REPO, 'inventories', 'local'), '-e', json.dumps({'readiness_system_cpu': {'enabled': False}})]
    start = time.perf_counter()
    subprocess.run(cmd + extra_args, cwd=REPO, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-n', type=int, default=6, help='pages to audit')
    parser.add_argument('--runs', type=int, default=5, help='readiness runs per variant')
    args = parser.parse_args()
    lighthouse = subprocess.run([os.path.join(REPO, 'scripts', 'services', 'lighthouse.sh')], capture_output=True,
                                text=True, check=True).stdout.strip().splitlines()[-1]
    wall, per_page, statuses = audits(lighthouse, args.n)
    print('audits: %d pages in %.1f s: median %.1f s per page (min %.1f, max %.1f), %.1f pages per minute; '
          'statuses %s' % (args.n, wall, statuses and statistics.median(per_page), min(per_page), max(per_page),
                           60.0 * args.n / wall, ', '.join(statuses)))
    off, skipped = [], []
    for _run in range(args.runs):
        off.append(readiness_run(['-e', 'readiness_web_perf_enabled=false']))
        skipped.append(readiness_run(['--skip-tags', 'web_perf']))
    off_s, skipped_s = statistics.median(off), statistics.median(skipped)
    print('readiness run, web_perf off: median %.2f s; web_perf tag skipped: median %.2f s; difference %+.2f s '
          '(%d runs each, interleaved)' % (off_s, skipped_s, off_s - skipped_s, args.runs))


if __name__ == '__main__':
    main()
