"""load_test planning: option validation, stages, bounds, judging; and the engine on real sockets."""

import os
import socket
import threading

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.load import plan
from ansible_collections.golive.readiness.plugins.module_utils.load.engine import run_processes
from ansible_collections.golive.readiness.plugins.module_utils.load.stats import Histogram


def opts(**given):
    params = dict(url='http://127.0.0.1:9/x')
    params.update(given)
    return plan.merged(params)


def errors(**given):
    return plan.input_errors(opts(**given), path_exists=lambda path: False)


def test_defaults_and_a_valid_single_stage():
    o = opts(requests=1000)
    assert plan.input_errors(o) == []
    assert o['p95'] == {'warn': 1000.0, 'fail': 2000.0}
    assert o['error_rate'] == {'warn': 1.0, 'fail': 5.0}
    assert o['throughput'] == {'warn': None, 'fail': 100.0}
    assert (o['max_requests'], o['max_duration']) == (100000, 300.0)
    assert plan.stages_of(o) == [dict(name=None, concurrency=10, rate=None, requests=1000,
                                      duration=None)]


def test_processes_default_to_one_per_core_and_are_kept_when_given():
    assert plan.processes_of(opts(requests=10)) == min(os.cpu_count() or 1, plan.MAX_PROCESSES)
    assert plan.processes_of(opts(requests=10, processes=3)) == 3
    assert plan.plan(opts(requests=10, processes=1))['processes'] == 1


@pytest.mark.parametrize('given, option', [
    (dict(), 'requests'),
    (dict(requests=10, url='ftp://x/'), 'url:'),
    (dict(requests=0), 'requests: 0 is out of range'),
    (dict(requests=10, concurrency=0), 'concurrency: 0'),
    (dict(requests=10, concurrency=20000), 'concurrency: 20000 is out of range 1 to 10000'),
    (dict(requests=10, rate=0), 'rate: 0'),
    (dict(requests=10, max_requests=2000000), 'max_requests: 2000000 is out of range 1 to 1000000'),
    (dict(requests=10, max_requests=0), 'max_requests: 0'),
    (dict(requests=10, max_duration=0), 'max_duration: 0'),
    (dict(requests=10, max_duration=7200), 'max_duration: 7200'),
    (dict(requests=10, timeout=0), 'timeout: 0'),
    (dict(requests=10, processes=0), 'processes: 0'),
    (dict(requests=10, status_codes=[]), 'status_codes'),
    (dict(requests=10, status_codes=[99]), 'status_codes: 99'),
    (dict(requests=10, method='GET', body={'a': 1}), 'method: GET requests carry no body'),
    (dict(requests=10, method='POST', body={}, secret_body={}), 'body and secret_body'),
    (dict(requests=10, method='POST', body='x', body_format='form'), 'body_format'),
    (dict(requests=10, headers={'X-A': 'a\nb'}), 'headers:'),
    (dict(requests=10, p95=dict(warn=3000, fail=2000)), 'p95: warn limit'),
    (dict(requests=10, mean=dict(warn=800, fail=600)), 'mean: warn limit'),
    (dict(requests=10, p99=dict(warn=5000, fail=4000)), 'p99: warn limit'),
    (dict(requests=10, throughput=dict(warn=50, fail=100)), 'throughput: warn limit'),
    (dict(requests=10, ca_path='/nope'), 'ca_path: /nope does not exist'),
    (dict(requests=10, client_key='/k'), 'client_key'),
    (dict(stages=[dict(concurrency=1)]), 'stages[0].requests or stages[0].duration'),
    (dict(stages=[dict(requests=1, concurrency=0)]), 'stages[0].concurrency: 0'),
    (dict(stages=[dict(requests=1, name='a'), dict(requests=1, name='a')]), 'stages[1].name'),
    (dict(requests=5, stages=[dict(requests=1)]), 'requests: give it per stage'),
])
def test_bad_input_names_the_option(given, option):
    found = errors(**given)
    assert any(option in error for error in found), found


def test_secret_header_names_are_not_echoed():
    found = errors(requests=1, secret_headers={'X-Token-abc123': 'v\r\nx'})
    assert found and all('abc123' not in e for e in found)


def test_stages_inherit_the_concurrency_and_get_names():
    o = opts(concurrency=4, stages=[dict(requests=10), dict(name='peak', concurrency=8, duration=1)])
    stages = plan.stages_of(o)
    assert [s['name'] for s in stages] == ['stage1', 'peak']
    assert [s['concurrency'] for s in stages] == [4, 8]
    assert [plan.stage_label(o, s) for s in stages] == ['http://127.0.0.1:9/x/stage1',
                                                        'http://127.0.0.1:9/x/peak']


def fake_runner(calls, answer=200, latency_s=0.001, per_second=1000.0):
    """Stands in for the engine: sends what it is asked, instantly, all answered."""
    def runner(target, processes, concurrency, requests, duration, rate, budget):
        if duration is not None:
            requests = min(requests, int(duration * per_second))
        calls.append(dict(concurrency=concurrency, requests=requests, duration=duration,
                          rate=rate, budget=budget))
        hist = Histogram().record_many([latency_s] * requests if answer in target['expected'] else [])
        return dict(sent=requests, answered=requests, unfinished=0,
                    status_counts={answer: requests} if requests else {},
                    transport_errors={}, transport_messages={},
                    elapsed_s=requests / per_second, connections=concurrency,
                    stopped='requests', histogram=hist)
    return runner


def by_name(records):
    return dict((r['name'], r) for r in records)


def test_asking_more_than_max_requests_stops_at_it():
    calls = []
    o = opts(name='t', warmup_requests=100, max_requests=1000,
             stages=[dict(name='a', requests=800), dict(name='b', requests=800),
                     dict(name='c', requests=10)])
    records, totals = plan.run(o, runner=fake_runner(calls))
    assert [c['requests'] for c in calls] == [100, 800, 100]
    assert totals['sent'] == 1000 and totals['stopped_by'] == 'max_requests'
    checks = by_name(records)
    assert 'stopped at max_requests (1000)' in checks['load_p95:t/b']['message']
    assert checks['load_p95:t/c']['status'] == 'skip'
    assert 'max_requests (1000)' in checks['load_p95:t/c']['message']


def test_duration_stages_are_bounded_by_the_remaining_requests_and_time():
    calls = []
    o = opts(name='t', max_requests=500, max_duration=60, duration=30, rate=50)
    _records, totals = plan.run(o, runner=fake_runner(calls))
    assert calls[0]['requests'] == 500 and calls[0]['duration'] == 30 and calls[0]['rate'] == 50
    assert 0 < calls[0]['budget'] <= 60
    assert totals['stopped_by'] == 'max_requests'


def test_judging_pass_warn_fail():
    calls = []
    records, _totals = plan.run(opts(name='t', requests=100), runner=fake_runner(calls))
    checks = by_name(records)
    assert [checks[n]['status'] for n in ('load_p95:t', 'load_error_rate:t', 'load_throughput:t')] \
        == ['pass', 'pass', 'pass']
    assert checks['load_throughput:t']['value'] == 1000.0
    assert [checks[n]['status'] for n in ('load_mean:t', 'load_p99:t')] == ['pass', 'pass']
    records, _totals = plan.run(opts(name='t', requests=100), runner=fake_runner([], latency_s=1.5))
    checks = by_name(records)
    # 1.5 s answers: p95 warns (1 s / 2 s), the mean fails (500 ms / 1 s), p99 passes (2 s / 4 s).
    assert [checks[n]['status'] for n in ('load_p95:t', 'load_mean:t', 'load_p99:t')] == ['warn', 'fail', 'pass']
    assert checks['load_mean:t']['value'] == checks['load_p95:t']['details']['mean_ms']
    records, _totals = plan.run(opts(name='t', requests=100), runner=fake_runner([], answer=500))
    checks = by_name(records)
    assert checks['load_error_rate:t']['status'] == 'fail'
    assert checks['load_error_rate:t']['value'] == 100.0
    assert checks['load_p95:t']['status'] == 'fail'
    assert checks['load_p95:t']['details']['status_counts'] == {'500': 100}


def test_stress_reports_the_breaking_point():
    calls = []
    latency = {1: 0.01, 2: 0.01, 4: 3.0, 8: 0.01}

    def runner(target, processes, concurrency, requests, duration, rate, budget):
        return fake_runner(calls, latency_s=latency[concurrency])(
            target, processes, concurrency, requests, duration, rate, budget)
    o = opts(name='s', stop_at_break=True, capacity=dict(fail=1),
             stages=[dict(name='u%d' % c, concurrency=c, requests=100) for c in (1, 2, 4, 8)])
    records, _totals = plan.run(o, runner=runner)
    checks = by_name(records)
    assert [c['concurrency'] for c in calls] == [1, 2, 4]
    point = checks['load_breaking_point:s']
    assert point['value'] == 2 and point['status'] == 'pass'
    assert point['details']['broke_at'] == 'u4' and 'broke at stage u4' in point['message']
    assert checks['load_p95:s/u8']['status'] == 'skip'
    assert 'load_p95:s/u4' not in checks


def test_a_break_without_capacity_limits_is_a_warning():
    o = opts(name='s', stop_at_break=True, stages=[dict(requests=10)])
    records, _totals = plan.run(o, runner=fake_runner([], answer=503))
    assert by_name(records)['load_breaking_point:s']['status'] == 'warn'


def test_check_mode_records_and_plan_hold_no_secrets():
    o = opts(name='login', method='POST', secret_body={'password': 'hunter2'},
             secret_headers={'Authorization': 'Bearer s3cr3t'}, requests=100, concurrency=2)
    text = repr(plan.check_mode_records(o)) + repr(plan.plan(o))
    assert 'hunter2' not in text and 's3cr3t' not in text
    assert all(r['status'] == 'skip' for r in plan.check_mode_records(o))
    assert plan.plan(o)['body'] == 'secret'


# The engine on real loopback sockets: a tiny server answering with chunked bodies.

@pytest.fixture
def chunked_server():
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    stop = threading.Event()
    answer = (b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'
              b'3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n')

    def serve(conn):
        # Two small writes: without TCP_NODELAY the second waits for a delayed ACK.
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with conn:
            buf = b''
            while not stop.is_set():
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
                while b'\r\n\r\n' in buf:
                    _req, buf = buf.split(b'\r\n\r\n', 1)
                    # Split the answer in two writes to exercise partial reads.
                    conn.sendall(answer[:50])
                    conn.sendall(answer[50:])

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(2)
    listener.close()


def test_engine_reads_chunked_answers_on_real_sockets(chunked_server):
    o = opts(url='http://127.0.0.1:%d/c' % chunked_server, requests=300, concurrency=3)
    result = run_processes(plan.target_of(o), 1, 3, 300, budget_s=20)
    assert result['answered'] == 300 and result['status_counts'] == {'200': 300}
    assert result['histogram'].count == 300 and result['transport_errors'] == {}


def test_engine_splits_over_processes(chunked_server):
    o = opts(url='http://127.0.0.1:%d/c' % chunked_server, requests=101, concurrency=4)
    result = run_processes(plan.target_of(o), 2, 4, 101, budget_s=20)
    assert result['sent'] == 101 and result['answered'] == 101


@pytest.mark.parametrize('processes', [1, 2])
def test_a_paced_run_cut_by_the_budget_says_budget(chunked_server, processes):
    # A fast server: every request is answered long before the next is due, so the run
    # stops with nothing in flight, which must still count as the budget's stop. The budget
    # is no whole number of intervals, so the next request would be due after it.
    o = opts(url='http://127.0.0.1:%d/c' % chunked_server, duration=60, rate=40, concurrency=2)
    result = run_processes(plan.target_of(o), processes, 2, 100000, duration=60, rate=40, budget_s=0.51)
    assert result['stopped'] == 'budget' and 10 <= result['sent'] <= 21
    result = run_processes(plan.target_of(o), processes, 2, 100000, duration=0.3, rate=40, budget_s=5)
    assert result['stopped'] == 'duration'


def test_engine_refused_port_stops_early_with_a_clear_error():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    o = opts(url='http://127.0.0.1:%d/' % port, requests=100000, concurrency=5)
    result = run_processes(plan.target_of(o), 1, 5, 100000, budget_s=20)
    assert result['stopped'] == 'unreachable' and result['sent'] < 50
    assert 'Connection refused' in result['transport_messages']['connect']
