"""load_test transactions: step validation, limits, judging, and the engine on real loopback sockets."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.load import plan
from ansible_collections.golive.readiness.plugins.module_utils.load import transaction as tx
from ansible_collections.golive.readiness.plugins.module_utils.load.engine import (
    empty_transactions,
    run_processes,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.http import (
    set_cookies,
    with_cookies,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.stats import Histogram

SHOP = [dict(name='products', path='/products'),
        dict(name='cart', method='POST', path='/cart', body={'id': 1}, status_codes=[201]),
        dict(name='checkout', path='/checkout')]


def opts(**given):
    params = dict(url='http://127.0.0.1:9/', name='shop', transaction=SHOP)
    params.update(given)
    return plan.merged(params)


def errors(**given):
    return plan.input_errors(opts(**given), path_exists=lambda path: False)


def test_a_valid_transaction_and_its_default_limits():
    o = opts(requests=300)
    assert errors(requests=300) == []
    # The guide's p95 per step: three steps warn at 3 s and fail above 6 s.
    assert o['transaction_limits'] == dict(tps={'warn': None, 'fail': None},
                                           transaction_p95={'warn': 3000.0, 'fail': 6000.0},
                                           transaction_error_rate={'warn': 1.0, 'fail': 5.0})
    o = opts(requests=300, tps={'fail': 50}, transaction_p95={'warn': 200})
    assert o['transaction_limits']['tps'] == {'warn': None, 'fail': 50}
    assert o['transaction_limits']['transaction_p95'] == {'warn': 200, 'fail': 6000.0}
    assert plan.kinds_of(o)[-3:] == ('tps', 'transaction_p95', 'transaction_error_rate')
    assert plan.kinds_of(plan.merged(dict(url='http://h/', requests=1))) == plan.KINDS


@pytest.mark.parametrize('given, message', [
    (dict(transaction=[]), 'transaction: give at least one step'),
    (dict(transaction=[dict(name='a')]), 'transaction[0]: give path (such as /products) or url'),
    (dict(transaction=[dict(path='/a', url='http://127.0.0.1:9/a')]), 'transaction[0]: give path or url, not both'),
    (dict(transaction=[dict(path='products')]), "transaction[0].path: 'products' must start with /"),
    (dict(transaction=[dict(url='http://other:9/a')]), 'transaction[0].url: must be on the scheme, host and port of url'),
    (dict(transaction=[dict(url='ftp://x/a')]), 'transaction[0].url: not an http:// or https:// URL'),
    (dict(transaction=[dict(path='/a', method='FETCH')]), 'transaction[0].method: FETCH is not one of GET'),
    (dict(transaction=[dict(path='/a', bogus=1)]), 'transaction[0]: unknown key(s) bogus; a step has name, method'),
    (dict(transaction=[dict(path='/a', body={'x': 1})]), 'transaction[0].method: GET requests carry no body'),
    (dict(transaction=[dict(path='/a', method='POST', body='x', body_format='form')]),
     'transaction[0].body_format: form needs the body as a dict'),
    (dict(transaction=[dict(path='/a', method='POST', body='x', secret_body='y')]),
     'transaction[0].body and secret_body are mutually exclusive'),
    (dict(transaction=[dict(path='/a', status_codes=[])]), 'transaction[0].status_codes: give at least one'),
    (dict(transaction=[dict(path='/a', status_codes=[999])]), 'transaction[0].status_codes: 999 is not'),
    (dict(transaction=[dict(path='/a', headers={'A B': 'x'})]), "transaction[0].headers: header 'A B'"),
    (dict(transaction=[dict(path='/a'), dict(path='/b', name='step1')]),
     "transaction[1].name: 'step1' is also the name of transaction[0]"),
    (dict(transaction=[dict(path='/a')] * 51), 'transaction: 51 steps, at most 50'),
    (dict(transaction=[dict(path='/a', think_time=-1)]), 'transaction[0].think_time: -1 is out of range 0 to 300'),
    (dict(method='POST', body={'x': 1}), 'body: give it per step (transaction[].body)'),
    (dict(requests=2), 'requests: 2 is fewer than the 3 requests of one transaction'),
    (dict(requests=300, warmup_requests=1), 'warmup_requests: 1 is fewer than the 3 requests'),
    (dict(stages=[dict(requests=300), dict(requests=2)]), 'stages[1].requests: 2 is fewer than the 3'),
    (dict(tps={'warn': 10, 'fail': 50}), 'tps: warn limit 10 is below the fail limit 50'),
    (dict(transaction_p95={'warn': 500, 'fail': 100}), 'transaction_p95: warn limit 500 is above'),
])
def test_bad_transactions_name_the_step_and_key(given, message):
    given.setdefault('requests', 300)
    found = errors(**given)
    assert any(message in error for error in found), found
    assert all('\n' not in error for error in found)


def test_steps_are_built_with_the_module_defaults_and_their_own_options():
    o = opts(requests=300, headers={'X-Env': 'test', 'X-Step': 'module'},
             secret_headers={'Authorization': 'Bearer s3cr3t'}, status_codes=[200, 204],
             transaction=[dict(path='/products?page=2', headers={'X-Step': 'one'}),
                          dict(method='POST', url='http://127.0.0.1:9/cart', secret_body={'pw': 'hunter2'},
                               status_codes=[201]),
                          dict(method='HEAD', path='/checkout')])
    steps = tx.build_steps(o)
    assert [s['expected'] for s in steps] == [[200, 204], [201], [200, 204]]
    assert [s['head_request'] for s in steps] == [False, False, True]
    first, second, third = (s['request'].decode() for s in steps)
    assert first.startswith('GET /products?page=2 HTTP/1.1\r\nHost: 127.0.0.1:9\r\n')
    assert 'X-Step: one' in first and 'X-Step: module' not in first and 'X-Env: test' in first
    assert 'Authorization: Bearer s3cr3t' in first and 'Authorization: Bearer s3cr3t' in third
    assert second.startswith('POST /cart HTTP/1.1') and second.endswith('{"pw":"hunter2"}')
    assert third.startswith('HEAD /checkout HTTP/1.1')
    # What a plan or a check-mode run shows: names, methods, paths, never a secret.
    text = json.dumps(plan.plan(o)) + json.dumps(plan.check_mode_records(o))
    assert 'hunter2' not in text and 's3cr3t' not in text
    assert plan.plan(o)['transaction'][1] == dict(name='step2', method='POST', path='/cart',
                                                  status_codes=[201], body='secret', think_time=None)
    records = plan.check_mode_records(o)
    assert [r['name'] for r in records][-3:] == ['load_tps:shop', 'load_transaction_p95:shop',
                                                 'load_transaction_error_rate:shop']
    assert all(r['status'] == 'skip' for r in records)
    assert 'would send transactions (GET /products?page=2, POST /cart, HEAD /checkout)' in records[0]['message']


def tallies(started, ok, failed, per_step, durations_s=()):
    """Merged engine tallies: per step (sent, {status: count}, unexpected, latency seconds)."""
    result = empty_transactions(len(per_step))
    result.update(started=started, ok=ok, failed=failed, unfinished=started - ok - failed)
    result['histogram'] = Histogram().record_many(durations_s)
    for step, (sent, statuses, unexpected, latency) in zip(result['steps'], per_step):
        step.update(sent=sent, status_counts=statuses, unexpected=unexpected)
        step['histogram'] = Histogram().record_many([latency] * (sent - unexpected))
    return result


def tx_runner(transactions, elapsed_s=2.0):
    """Stands in for the engine: the given transaction tallies, requests counted from them."""
    def runner(target, processes, concurrency, requests, duration, rate, budget):
        assert len(target['steps']) == len(transactions['steps'])
        statuses = {}
        for step in transactions['steps']:
            for code, number in step['status_counts'].items():
                statuses[code] = statuses.get(code, 0) + number
        sent = sum(step['sent'] for step in transactions['steps'])
        hist = Histogram()
        for step in transactions['steps']:
            hist.merge(step['histogram'])
        return dict(sent=sent, answered=sent, unfinished=0, status_counts=statuses,
                    transport_errors={}, transport_messages={}, elapsed_s=elapsed_s,
                    connections=concurrency, stopped='requests', histogram=hist,
                    transactions=transactions)
    return runner


def by_name(records):
    return dict((r['name'], r) for r in records)


def test_a_failing_step_fails_its_transactions_and_is_named():
    # 100 transactions: the cart answered 503 to 30 of them, so only 70 reached checkout.
    result = tallies(100, 70, 30, [(100, {200: 100}, 0, 0.010), (100, {201: 70, 503: 30}, 30, 0.020),
                                   (70, {200: 70}, 0, 0.030)], durations_s=[0.060] * 70)
    records, totals = plan.run(opts(requests=300), runner=tx_runner(result))
    checks = by_name(records)
    assert totals['sent'] == 270
    tps = checks['load_tps:shop']
    assert tps['value'] == 35.0 and tps['unit'] == 'tx/s' and tps['status'] == 'pass'
    assert '70 of 100 transactions succeeded, 30 failed, 0 unfinished' in tps['message']
    assert 'set tps.warn / tps.fail to judge it' in tps['message']
    details = tps['details']
    assert details['per_step'][1]['unexpected_counts'] == {'503': 30}
    assert details['per_step'][1]['status_counts'] == {'201': 70, '503': 30}
    assert details['per_step'][2]['sent'] == 70 and details['per_step'][2]['p95_ms'] == 30.0
    rate = checks['load_transaction_error_rate:shop']
    assert rate['status'] == 'fail' and rate['value'] == 30.0
    assert 'cart 70/100 ok p95 20 ms (503 x30)' in rate['message']
    p95 = checks['load_transaction_p95:shop']
    assert p95['status'] == 'pass' and p95['value'] == 60.0 and p95['warn'] == 3000.0
    assert 'mean 60 ms, p99 60 ms' in p95['message']
    # The request checks judge each step by its own codes: 201 is expected of the cart only.
    assert checks['load_error_rate:shop']['value'] == round(100.0 * 30 / 270, 3)


def test_transaction_limits_judge_tps_and_duration():
    result = tallies(100, 100, 0, [(100, {200: 100}, 0, 0.5), (100, {201: 100}, 0, 0.5),
                                   (100, {200: 100}, 0, 0.5)], durations_s=[1.5] * 100)
    o = opts(requests=300, tps={'warn': 100, 'fail': 60}, transaction_p95={'warn': 1000, 'fail': 1400})
    checks = by_name(plan.run(o, runner=tx_runner(result, elapsed_s=2.0))[0])
    assert checks['load_tps:shop']['status'] == 'fail' and checks['load_tps:shop']['value'] == 50.0
    assert checks['load_transaction_p95:shop']['status'] == 'fail'
    assert checks['load_transaction_error_rate:shop']['status'] == 'pass'


def test_no_transaction_succeeding_fails_every_transaction_check():
    result = tallies(10, 0, 10, [(10, {500: 10}, 10, 0.01), (0, {}, 0, 0), (0, {}, 0, 0)])
    checks = by_name(plan.run(opts(requests=300), runner=tx_runner(result))[0])
    assert checks['load_transaction_p95:shop']['status'] == 'fail'
    assert 'no transaction of shop' in checks['load_transaction_p95:shop']['message']
    assert checks['load_transaction_error_rate:shop']['value'] == 100.0
    assert checks['load_tps:shop']['value'] == 0.0


def test_a_name_that_does_not_resolve_fails_the_transaction_checks():
    o = opts(url='http://no-such-host.invalid/', requests=300)
    checks = by_name(plan.run(o)[0])
    assert checks['load_transaction_error_rate:shop']['status'] == 'fail'
    assert 'no transaction of shop' in checks['load_transaction_error_rate:shop']['message']


def test_without_a_transaction_there_are_no_transaction_checks():
    records, _totals = plan.run(plan.merged(dict(url='http://127.0.0.1:9/', name='t', requests=10)),
                                runner=lambda *args: dict(
                                    sent=10, answered=10, unfinished=0, status_counts={200: 10},
                                    transport_errors={}, transport_messages={}, elapsed_s=0.1,
                                    connections=1, stopped='requests',
                                    histogram=Histogram().record_many([0.001] * 10)))
    assert not [r for r in records if 'tps' in r['name'] or 'transaction' in r['name']]


# The engine on real loopback sockets: a threaded HTTP/1.1 server answering by path.

class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        self.server.seen.append('%s %s' % (self.command, self.path))

    def answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length:
            self.rfile.read(length)
        cookie = self.headers.get('Cookie')
        self.server.cookies.append((self.path, cookie))
        code = 503 if self.path == '/fail' else 201 if self.command == 'POST' else 200
        if self.path == '/first' and cookie:  # each transaction starts without cookies
            code = 409
        if self.path == '/account' and 'sid=' not in (cookie or ''):
            code = 403
        body = b'{"ok":true}'
        self.send_response(code)
        if self.path == '/login':
            self.send_header('Set-Cookie', 'sid=%d; Path=/; HttpOnly' % len(self.server.cookies))
            self.send_header('set-cookie', 'theme=dark')
        if self.path == '/logout':
            self.send_header('Set-Cookie', 'theme=; Max-Age=0')
        self.send_header('Content-Length', str(len(body)))
        if self.path == '/close':  # the step after this one needs a new connection
            self.send_header('Connection', 'close')
            self.close_connection = True
        if self.path == '/drop':  # closes the kept-alive connection unannounced, as a timeout does
            self.close_connection = True
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = answer


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    httpd.daemon_threads = True
    httpd.seen = []
    httpd.cookies = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def engine_run(server, transaction, requests, processes=1, concurrency=3, cookies=True, **kw):
    o = opts(url='http://127.0.0.1:%d/' % server.server_address[1], transaction=transaction,
             requests=requests, cookies=cookies)
    return run_processes(plan.target_of(o), processes, concurrency, requests, budget_s=20, **kw)


@pytest.mark.parametrize('processes', [1, 2])
def test_engine_runs_whole_transactions_in_order(server, processes):
    steps = [dict(path='/products'), dict(method='POST', path='/cart', body={'id': 1}, status_codes=[201]),
             dict(path='/close'), dict(method='HEAD', path='/checkout')]
    result = engine_run(server, steps, 101, processes=processes)
    tx_result = result['transactions']
    # 101 requests make 25 whole transactions of 4 steps: 100 requests, all answered as expected.
    assert result['sent'] == 100 and result['answered'] == 100 and result['transport_errors'] == {}
    assert (tx_result['started'], tx_result['ok'], tx_result['failed'], tx_result['unfinished']) == (25, 25, 0, 0)
    assert [s['sent'] for s in tx_result['steps']] == [25, 25, 25, 25]
    assert tx_result['steps'][1]['status_counts'] == {'201': 25}
    assert tx_result['histogram'].count == 25
    # Each transaction's duration covers its four steps.
    assert tx_result['histogram'].min_us >= min(s['histogram'].min_us for s in tx_result['steps'])
    assert server.seen.count('POST /cart') == 25 and server.seen.count('HEAD /checkout') == 25


def test_engine_ends_a_transaction_at_its_failing_step(server):
    steps = [dict(path='/products'), dict(path='/fail'), dict(path='/checkout')]
    result = engine_run(server, steps, 60)
    tx_result = result['transactions']
    assert (tx_result['started'], tx_result['ok'], tx_result['failed']) == (20, 0, 20)
    assert [s['sent'] for s in tx_result['steps']] == [20, 20, 0]
    assert tx_result['steps'][1]['unexpected'] == 20 and tx_result['histogram'].count == 0
    assert result['sent'] == 40 and 'GET /checkout' not in server.seen


def test_engine_paces_transactions_in_the_open_model(server):
    steps = [dict(path='/products'), dict(path='/checkout')]
    result = engine_run(server, steps, 100000, duration=0.5, rate=40)
    started = result['transactions']['started']
    assert 15 <= started <= 21 and result['transactions']['ok'] == started
    assert result['sent'] == 2 * started


def test_cookies_set_in_a_transaction_go_back_with_its_later_steps(server):
    steps = [dict(path='/first'), dict(method='POST', path='/login', status_codes=[201]),
             dict(path='/account'), dict(path='/logout'), dict(path='/account')]
    result = engine_run(server, steps, 50)
    tx_result = result['transactions']
    assert (tx_result['started'], tx_result['ok'], tx_result['failed']) == (10, 10, 0), tx_result['steps']
    sent = [cookie for path, cookie in server.cookies if path == '/account']
    assert len(sent) == 20 and all(cookie.startswith('sid=') for cookie in sent)
    # The session cookie after the login, the theme cookie until the logout removes it.
    assert sum('; theme=dark' in cookie for cookie in sent) == 10
    # Without the cookie jar the account step is refused: every transaction fails there.
    server.cookies[:] = []
    result = engine_run(server, steps, 50, cookies=False)
    assert result['transactions']['failed'] == 10
    assert result['transactions']['steps'][2]['status_counts'] == {'403': 10}


def test_set_cookie_parsing_and_the_cookie_header():
    head = (b'HTTP/1.1 200 OK\r\nSet-Cookie: sid=abc; Path=/; HttpOnly\r\nSET-COOKIE: a=1\r\n'
            b'Set-Cookie: gone=; Max-Age=0\r\nSet-Cookie: broken\r\nX-Set-Cookie: no=1')
    assert set_cookies(head, {'gone': 'x'}) == {'sid': 'abc', 'a': '1'}
    request = b'GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\n\r\n'
    assert with_cookies(request, {'sid': 'abc', 'a': '1'}) == (
        b'GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nCookie: sid=abc; a=1\r\n\r\n')
    # A step that gives its own Cookie header keeps it: the jar is off for that step.
    o = opts(requests=300, transaction=[dict(path='/a', headers={'cookie': 'x=1'}), dict(path='/b')])
    assert [step['cookies'] for step in tx.build_steps(o)] == [False, True]
    assert [step['cookies'] for step in tx.build_steps(dict(o, cookies=False))] == [False, False]


def test_a_stress_test_of_transactions_breaks_at_a_transaction_rate():
    good = tallies(100, 100, 0, [(100, {200: 100}, 0, 0.01), (100, {201: 100}, 0, 0.01),
                                 (100, {200: 100}, 0, 0.01)], durations_s=[0.03] * 100)
    bad = tallies(100, 50, 50, [(100, {200: 100}, 0, 0.01), (100, {201: 50, 503: 50}, 50, 0.01),
                                (50, {200: 50}, 0, 0.01)], durations_s=[0.03] * 50)
    answers = {10: good, 20: bad}

    def runner(target, processes, concurrency, requests, duration, rate, budget):
        return tx_runner(answers[rate])(target, processes, concurrency, requests, duration, rate, budget)
    o = opts(stop_at_break=True, stages=[dict(name='r10', rate=10, duration=1), dict(name='r20', rate=20, duration=1)])
    checks = by_name(plan.run(o, runner=runner)[0])
    point = checks['load_breaking_point:shop']
    assert point['unit'] == 'tx/s' and point['value'] == 10 and point['status'] == 'warn'
    assert 'broke at stage r20 (20 tx/s' in point['message'] and 'transaction error rate' in point['message']


def test_think_time_pauses_users_between_steps_but_not_the_transaction_duration(server):
    steps = [dict(path='/products', think_time=0.3), dict(path='/checkout')]
    result = engine_run(server, steps, 6)
    tx_result = result['transactions']
    assert (tx_result['started'], tx_result['ok']) == (3, 3)
    # Three users, each one transaction: everyone thought 0.3 s, which the durations leave out.
    assert 0.3 <= result['elapsed_s'] < 2.0
    assert tx_result['histogram'].max_us < 250000
    # After the last step the user thinks before its next transaction (closed model).
    steps = [dict(path='/products'), dict(path='/checkout', think_time=0.25)]
    result = engine_run(server, steps, 12, concurrency=2)
    assert result['transactions']['ok'] == 6 and 0.5 <= result['elapsed_s'] < 2.5

    # The server drops the kept-alive connection while the user thinks: the next step reconnects.
    result = engine_run(server, [dict(path='/drop', think_time=0.2), dict(path='/checkout')], 6)
    assert result['transactions']['ok'] == 3 and result['transport_errors'] == {}, result
