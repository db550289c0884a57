"""Benchmark: load_test against ab and wrk on the same local nginx, concurrency 10.

Starts Debian's nginx (apache2-utils, wrk and nginx from requirements/apt.txt) on a free
loopback port with its own configuration in a temporary directory (never the system
nginx), then, in one run and interleaved, measures with keep-alive on and off:

  ab       ab [-k] -n N -c 10
  wrk      wrk -t1 -c 10 -d S   (with "Connection: close" for keep-alive off)
  engine   load_test's module_utils engine, called directly (1 and 2 processes)
  module   golive.readiness.load_test through ansible (localhost, json callback)

and prints requests/s and p50 / p95 / p99 (medians of the repetitions) and the ratios to
ab in the same keep-alive mode and to ab -k.  Target (issue R7): load_test >= 70 % of
ab -k's requests/s in the same run.  ab reports latency in whole milliseconds.

Then the transactions the engine completes per second (issue R20): each of 10 users sends
GET /products -> POST /cart -> GET /checkout over its kept-alive connection, with 1 and 2
processes; transactions/s, the requests/s they make, the transaction duration's p50 / p95 /
p99 and the generator's CPU per transaction.  ``--transactions-only`` skips ab and wrk.

    python3 benchmarks/load_bench.py [--repeat 3] [--requests 200000] [--seconds 3]
                                     [--transactions 20000] [--transactions-only]
"""

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, 'collections'))

from ansible_collections.golive.readiness.plugins.module_utils.load import plan as load_plan  # noqa: E402
from ansible_collections.golive.readiness.plugins.module_utils.load.engine import (  # noqa: E402
    run_processes,
)

CONCURRENCY = 10
NGINX_CONF = '''
worker_processes 1;
daemon off;
master_process on;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 65;
  server {{
    listen 127.0.0.1:{port} backlog=4096;
    location = /health {{ default_type application/json; return 200 '{{"status":"ok"}}'; }}
    location = /products {{ default_type application/json; return 200 '[{{"id":1,"price":24.9}}]'; }}
    location = /cart {{ default_type application/json; return 201 '{{"items":1}}'; }}
    location = /checkout {{ default_type application/json; return 200 '{{"total":24.9}}'; }}
  }}
}}
'''
WRK_SCRIPT = '''
done = function(summary, latency, requests)
  io.write(string.format("GOLIVE %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
    + summary.errors.timeout))
end
'''


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start_nginx(directory):
    """Debian's nginx binary with a configuration of its own, on a free loopback port."""
    nginx = shutil.which('nginx') or '/usr/sbin/nginx'
    if not os.path.exists(nginx):
        sys.exit('nginx is not installed: apt-get install nginx (see requirements/apt.txt)')
    port = free_port()
    conf = os.path.join(directory, 'nginx.conf')
    with open(conf, 'w') as handle:
        handle.write(NGINX_CONF.format(dir=directory, port=port))
    proc = subprocess.Popen([nginx, '-p', directory, '-c', conf, '-e', os.path.join(directory, 'error.log')],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(('127.0.0.1', port), timeout=0.5).close()
            return proc, port
        except OSError:
            if proc.poll() is not None:
                sys.exit('nginx did not start: %s' % proc.stderr.read().decode())
            time.sleep(0.05)
    proc.kill()
    sys.exit('nginx did not listen on 127.0.0.1:%d' % port)


def cpu_seconds(who):
    """User + system CPU seconds of this process (RUSAGE_SELF) or of its waited-for children."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def with_cpu(fn):
    """Run ``fn()`` and add ``cpu_us``: the load generator's CPU microseconds per request."""
    self_before = cpu_seconds(resource.RUSAGE_SELF)
    children_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    row = fn()
    spent = (cpu_seconds(resource.RUSAGE_SELF) - self_before
             + cpu_seconds(resource.RUSAGE_CHILDREN) - children_before)
    row['cpu_us'] = spent / row.pop('count') * 1e6 if row.get('count') else None
    return row


def run_ab(url, requests, keepalive):
    cmd = ['ab', '-q', '-n', str(requests), '-c', str(CONCURRENCY)] + (['-k'] if keepalive else []) + [url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=True).stdout
    rps = float(re.search(r'Requests per second:\s+([\d.]+)', out).group(1))
    pct = dict((int(m.group(1)), float(m.group(2)))
               for m in re.finditer(r'^\s+(\d+)%\s+(\d+)', out, re.M))
    failed = int(re.search(r'Failed requests:\s+(\d+)', out).group(1))
    non2xx = re.search(r'Non-2xx responses:\s+(\d+)', out)
    return dict(rps=rps, p50=pct.get(50), p95=pct.get(95), p99=pct.get(99),
                errors=failed + (int(non2xx.group(1)) if non2xx else 0), count=requests)


def run_wrk(url, seconds, keepalive, script):
    cmd = ['wrk', '-t1', '-c', str(CONCURRENCY), '-d', '%ds' % seconds, '-s', script, url]
    if not keepalive:
        cmd[1:1] = ['-H', 'Connection: close']
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    fields = re.search(r'GOLIVE (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)', out).groups()
    requests, duration_us, p50, p95, p99, errors = (int(f) for f in fields)
    return dict(rps=requests / (duration_us / 1e6), p50=p50 / 1000.0, p95=p95 / 1000.0,
                p99=p99 / 1000.0, errors=errors, count=requests)


def run_engine(url, requests, keepalive, processes):
    opts = load_plan.merged(dict(url=url, requests=requests, concurrency=CONCURRENCY,
                                 keepalive=keepalive, processes=processes))
    target = load_plan.target_of(opts)
    result = run_processes(target, processes, CONCURRENCY, requests, budget_s=120)
    hist = result['histogram']
    errors = sum(result['transport_errors'].values()) + result['answered'] - hist.count
    return dict(rps=result['answered'] / result['elapsed_s'], p50=hist.percentile_us(50) / 1000.0,
                p95=hist.percentile_us(95) / 1000.0, p99=hist.percentile_us(99) / 1000.0,
                errors=errors, count=result['answered'])


def run_module(url, requests, keepalive, processes):
    args = dict(name='bench', url=url, requests=requests, concurrency=CONCURRENCY,
                keepalive=keepalive, processes=processes, max_requests=max(requests, 100000))
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'),
               ANSIBLE_LOAD_CALLBACK_PLUGINS='1', ANSIBLE_STDOUT_CALLBACK='json',
               ANSIBLE_CALLBACKS_ENABLED='ansible.builtin.json')
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost',
           '-i', os.path.join(REPO, 'inventories', 'local'),
           '-m', 'golive.readiness.load_test', '-a', json.dumps(args)]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, env=env,
                         check=False).stdout
    result = json.loads(out)['plays'][0]['tasks'][0]['hosts']['localhost']
    details = [c for c in result['readiness']['checks'] if c['name'] == 'load_p95:bench'][0]['details']
    return dict(rps=details['throughput_rps'], p50=details['p50_ms'], p95=details['p95_ms'],
                p99=details['p99_ms'], errors=details['errors'], count=None)


SHOP_TRANSACTION = [dict(name='products', path='/products'),
                    dict(name='cart', method='POST', path='/cart', body={'product': 1}, status_codes=[201]),
                    dict(name='checkout', path='/checkout')]


def run_transactions(base, transactions, processes):
    """The engine sending ``transactions`` shop transactions with 10 users; tx/s and durations."""
    steps = len(SHOP_TRANSACTION)
    opts = load_plan.merged(dict(url=base, requests=transactions * steps, concurrency=CONCURRENCY,
                                 processes=processes, transaction=SHOP_TRANSACTION))
    errors = load_plan.input_errors(opts)
    if errors:
        sys.exit('; '.join(errors))
    result = run_processes(load_plan.target_of(opts), processes, CONCURRENCY, transactions * steps,
                           budget_s=120)
    tx = result['transactions']
    hist = tx['histogram']
    return dict(tps=tx['ok'] / result['elapsed_s'], rps=result['answered'] / result['elapsed_s'],
                p50=hist.percentile_us(50) / 1000.0, p95=hist.percentile_us(95) / 1000.0,
                p99=hist.percentile_us(99) / 1000.0, errors=tx['failed'] + tx['unfinished'],
                count=tx['ok'])


def transaction_rows(base, args):
    """The lines of the transactions/s the engine reaches, 1 and 2 processes, medians of the repeats."""
    tools = [('engine, 1 process', 1), ('engine, 2 processes', 2)]
    runs = dict((name, []) for name, _processes in tools)
    for _round in range(args.repeat):
        for name, processes in tools:
            runs[name].append(with_cpu(lambda: run_transactions(base, args.transactions, processes)))
    header = '%-22s %10s %10s %8s %8s %8s %7s %9s' % (
        'load_test', 'tx/s', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'cpu us/tx')
    lines = ['', 'Transactions: GET /products -> POST /cart -> GET /checkout, %d users, %d per run, '
             'medians of %d runs, duration percentiles per transaction'
             % (CONCURRENCY, args.transactions, args.repeat), header, '-' * len(header)]
    for name, _processes in tools:
        row = dict((k, median(runs[name], k)) for k in ('tps', 'rps', 'p50', 'p95', 'p99', 'errors', 'cpu_us'))
        lines.append('%-22s %10.0f %10.0f %8.3f %8.3f %8.3f %7d %9.2f' % (
            name, row['tps'], row['rps'], row['p50'], row['p95'], row['p99'], row['errors'] or 0,
            row['cpu_us']))
    return lines


def median(runs, key):
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3, help='repetitions per tool (medians)')
    parser.add_argument('--requests', type=int, default=200000, help='requests per keep-alive run')
    parser.add_argument('--requests-close', type=int, default=30000,
                        help='requests per run without keep-alive')
    parser.add_argument('--seconds', type=int, default=3, help='seconds per wrk run')
    parser.add_argument('--no-module', action='store_true', help='leave out the runs through ansible')
    parser.add_argument('--transactions', type=int, default=20000, help='shop transactions per run')
    parser.add_argument('--transactions-only', action='store_true',
                        help='only the transactions/s (no ab, wrk or single-request runs)')
    args = parser.parse_args()
    if args.transactions_only:
        directory = tempfile.mkdtemp(prefix='golive-load-bench-')
        nginx, port = start_nginx(directory)
        try:
            print('\n'.join(transaction_rows('http://127.0.0.1:%d/' % port, args)))
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
            shutil.rmtree(directory, ignore_errors=True)
        return 0
    for tool in ('ab', 'wrk'):
        if not shutil.which(tool):
            sys.exit('%s is not installed: apt-get install apache2-utils wrk' % tool)
    directory = tempfile.mkdtemp(prefix='golive-load-bench-')
    nginx, port = start_nginx(directory)
    url = 'http://127.0.0.1:%d/health' % port
    script = os.path.join(directory, 'report.lua')
    with open(script, 'w') as handle:
        handle.write(WRK_SCRIPT)
    rows = []
    for keepalive in (True, False):
        n = args.requests if keepalive else args.requests_close
        tools = [
            ('ab', lambda: run_ab(url, n, keepalive)),
            ('wrk', lambda: run_wrk(url, args.seconds, keepalive, script)),
            ('load_test engine, 1 process', lambda: run_engine(url, n, keepalive, 1)),
            ('load_test engine, 2 processes', lambda: run_engine(url, n, keepalive, 2)),
        ]
        if not args.no_module:
            tools.append(('load_test module (ansible)', lambda: run_module(url, n, keepalive, 1)))
        runs = dict((name, []) for name, _fn in tools)
        for _round in range(args.repeat):
            for name, fn in tools:  # interleaved, so noise from the shared machine spreads
                runs[name].append(with_cpu(fn))
        for name, _fn in tools:
            rows.append(dict(tool=name, keepalive=keepalive,
                             **dict((k, median(runs[name], k)) for k in ('rps', 'p50', 'p95', 'p99', 'errors', 'cpu_us'))))
    transactions = transaction_rows('http://127.0.0.1:%d/' % port, args) if args.transactions else []
    nginx.terminate()
    nginx.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)

    ab = dict((r['keepalive'], r['rps']) for r in rows if r['tool'] == 'ab')
    wrk = dict((r['keepalive'], r) for r in rows if r['tool'] == 'wrk')
    print('nginx %s on 127.0.0.1, GET /health, concurrency %d, medians of %d runs, %d CPUs'
          % (subprocess.run(['nginx', '-v'], capture_output=True, text=True, check=False).stderr.strip().split('/')[-1],
             CONCURRENCY, args.repeat, os.cpu_count()))
    header = '%-31s %-5s %10s %8s %8s %8s %7s %8s %8s %8s %9s' % (
        'tool', 'k-a', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'vs ab', 'vs ab -k', 'vs wrk',
        'cpu us/r')
    print(header)
    print('-' * len(header))

    def fmt(value):
        return '%8.3f' % value if value is not None else '%8s' % '-'
    for row in rows:
        print('%-31s %-5s %10.0f %s %s %s %7d %7.0f%% %7.0f%% %7.0f%% %9s' % (
            row['tool'], 'on' if row['keepalive'] else 'off', row['rps'], fmt(row['p50']),
            fmt(row['p95']), fmt(row['p99']), row['errors'] or 0,
            100.0 * row['rps'] / ab[row['keepalive']], 100.0 * row['rps'] / ab[True],
            100.0 * row['rps'] / wrk[row['keepalive']]['rps'],
            '%.2f' % row['cpu_us'] if row['cpu_us'] is not None else '-'))
    best = max(r['rps'] for r in rows if r['keepalive'] and r['tool'].startswith('load_test'))
    print('\nload_test (best, keep-alive) / ab -k: %.0f %% (target >= 70 %%)' % (100.0 * best / ab[True]))
    print("cpu us/r: the load generator's own CPU (user + system) per request, a figure that does not "
          'depend on how busy the machine is (not measured through ansible).')
    print('\n'.join(transactions))
    return 0


if __name__ == '__main__':
    sys.exit(main())
