"""Pure logic of http_probes: matching, validation, sample judgement."""

import os

import jmespath
import pytest
import requests

from ansible_collections.golive.readiness.plugins.module_utils.probes import http as hp
from ansible_collections.golive.readiness.plugins.module_utils.concurrency import run_bounded, TimedOut


def ep(**given):
    base = dict(url='http://127.0.0.1/x')
    base.update(given)
    return hp.merged_endpoint(base)


def test_defaults_follow_the_guide():
    e = ep()
    assert e['response_time'] == {'warn': 1000.0, 'fail': 2000.0}
    assert e['sample']['p95'] == {'warn': 1000.0, 'fail': None}
    assert e['sample']['error_rate'] == {'warn': 1.0, 'fail': 5.0}
    assert e['validate_certs'] is True and e['status_codes'] == [200]
    assert ep(response_time={'warn': 300, 'fail': None})['response_time'] == {'warn': 300, 'fail': 2000.0}


def test_redact_url_and_names():
    assert hp.redact_url('https://bob:s3cret@h.example/p?q=1') == 'https://h.example/p?q=1'
    assert hp.redact_url('http://h/p') == 'http://h/p'
    assert hp.endpoint_name(ep(url='https://u:p@h/x')) == 'https://h/x'
    assert hp.endpoint_name(ep(name='login')) == 'login'


@pytest.mark.parametrize('given, option', [
    (dict(url='127.0.0.1/x'), 'endpoints[0].url'),
    (dict(method='FETCH'), 'endpoints[0].method'),
    (dict(status_codes=[99]), 'endpoints[0].status_codes'),
    (dict(body_regex='('), 'endpoints[0].body_regex'),
    (dict(json_query='[?'), 'endpoints[0].json_query'),
    (dict(json_expected=1), 'endpoints[0].json_expected'),
    (dict(timeout=0), 'endpoints[0].timeout'),
    (dict(retries=11), 'endpoints[0].retries'),
    (dict(sample={'requests': 1001}), 'endpoints[0].sample.requests'),
    (dict(sample={'concurrency': 0}), 'endpoints[0].sample.concurrency'),
    (dict(sample={'error_rate': {'warn': 10, 'fail': 5}}), 'endpoints[0].sample.error_rate'),
    (dict(method='POST', body={'a': 1}, secret_body={'b': 2}), 'endpoints[0].body'),
    (dict(method='POST', body='x', body_format='form'), 'endpoints[0].body_format'),
    (dict(client_key='/k'), 'endpoints[0].client_key'),
])
def test_endpoint_errors_name_the_option(given, option):
    errors = hp.endpoint_errors(0, ep(**given), jmespath, os.path.exists)
    assert errors and any(e.startswith(option) for e in errors), errors


def test_valid_endpoint_has_no_errors():
    e = ep(method='post', secret_body={'u': 'x'}, json_query='token', status_codes=[200, 201])
    assert hp.endpoint_errors(0, e, jmespath, os.path.exists) == []
    assert hp.input_errors([e], 60, 8, jmespath) == []
    assert hp.input_errors([], 60, 8)[0].startswith('endpoints')
    assert hp.input_errors([e], 601, 8)[0].startswith('total_timeout')


def test_request_kwargs_merge_secrets_and_tls():
    e = ep(method='POST', headers={'A': '1', 'Authorization': 'x'},
           secret_headers={'Authorization': 'Bearer t'}, secret_body={'p': 'w'},
           ca_path='/ca.pem', client_cert='/c.pem', client_key='/k.pem')
    kwargs = hp.request_kwargs(e)
    assert kwargs['headers'] == {'A': '1', 'Authorization': 'Bearer t'}
    assert kwargs['json'] == {'p': 'w'} and kwargs['verify'] == '/ca.pem'
    assert kwargs['cert'] == ('/c.pem', '/k.pem')
    form = hp.request_kwargs(ep(method='POST', body={'a': 'b'}, body_format='form'))
    assert form['data'] == {'a': 'b'} and 'json' not in form
    assert hp.request_kwargs(ep(validate_certs=False))['verify'] is False


def test_judge_answer():
    e = ep(status_codes=[200], body_regex='ok', json_query='status', json_expected='ok')
    assert hp.judge_answer(e, 200, b'{"status": "ok"}', jmespath) == []
    assert hp.judge_answer(e, 500, b'', jmespath) == ['status 500, expected 200']
    problems = hp.judge_answer(e, 200, b'{"status": "down"}', jmespath)
    assert problems == ["the body does not match 'ok'", "'status' is 'down', expected 'ok'"]
    truthy = ep(json_query='items')
    assert hp.judge_answer(truthy, 200, b'{"items": []}', jmespath) == [
        "'items' is a list of 0 items, expected a true value"]
    secret = 'tok-' + 'a' * 80
    problems = hp.judge_answer(ep(json_query='token', json_expected='x'), 200,
                               ('{"token": "%s"}' % secret).encode(), jmespath)
    assert secret not in problems[0]  # long values are described, never quoted


def test_sample_records_judge_error_rate_and_p95():
    sample = ep(sample={'requests': 100})['sample']
    records = hp.sample_records('api', sample, [10.0] * 98, 2, 100, {'status_500': 2})
    p95, rate = records
    assert p95['name'] == 'http_p95:api' and p95['status'] == 'pass'
    assert rate['name'] == 'http_error_rate:api' and rate['value'] == 2.0 and rate['status'] == 'warn'
    _p95, rate = hp.sample_records('api', sample, [10.0] * 95, 5, 100, {})
    assert rate['status'] == 'fail'
    p95, rate = hp.sample_records('api', sample, [], 3, 3, {'connection': 3})
    assert p95['status'] == 'fail' and rate['status'] == 'fail' and rate['value'] == 100.0
    slow = hp.sample_records('api', sample, [1500.0] * 10, 0, 10, {})[0]
    assert slow['status'] == 'warn' and slow['details']['p99_ms'] == 1500.0


def test_error_reason_is_short():
    exc = requests.exceptions.ConnectionError(
        "HTTPConnectionPool(host='127.0.0.1', port=1): Max retries exceeded with url: /x "
        "(Caused by NewConnectionError('<x>: Failed to establish a new connection: "
        "[Errno 111] Connection refused'))")
    kind, text = hp.describe_error(requests, exc, 5)
    assert kind == 'connection' and text == 'connection refused ([Errno 111] Connection refused)'
    kind, _text = hp.describe_error(requests, requests.exceptions.SSLError('x'), 5)
    assert kind == 'tls'
    kind, text = hp.describe_error(requests, hp.BodyTimeout('slow'), 2)
    assert kind == 'timeout' and 'within 2s' in text


def test_run_bounded_keeps_keys_and_bounds_time():
    import threading
    import time
    gate = threading.Event()
    start = time.monotonic()
    out = run_bounded([(1, lambda: 'a'), (2, lambda: gate.wait(5)), (3, lambda: 1 / 0)], 3, 0.3)
    assert time.monotonic() - start < 2
    gate.set()
    assert out[1] == (True, 'a')
    assert isinstance(out[2][1], TimedOut) and out[2][0] is False
    assert isinstance(out[3][1], ZeroDivisionError)
    assert run_bounded([], 4, 1) == {}
