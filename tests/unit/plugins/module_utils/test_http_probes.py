"""Pure logic of http_probes: matching, validation, sample judgement."""


import jmespath
import pytest
import requests

from ansible_collections.golive.readiness.plugins.module_utils.probes import http as hp
from ansible_collections.golive.readiness.plugins.module_utils.concurrency import run_bounded, TimedOut
from catalogue_params import all_errors, module_params


def endpoint(**given):
    base = dict(url='http://127.0.0.1/x')
    base.update(given)
    return base


def params(*endpoints, **overrides):
    """Module parameters with these endpoints (as given, unmerged)."""
    return module_params(hp.CATALOGUE, endpoints=list(endpoints) or [endpoint()], **overrides)


def ep(**given):
    """One endpoint merged as the module merges it, over the module-wide defaults."""
    ps = params(endpoint(**given))
    return hp.merged_endpoints(ps, hp.CATALOGUE.merged(ps))[0]


def errors(*endpoints, **overrides):
    """Every input error of the module for these endpoints: the catalogue's and its own."""
    overrides.setdefault('endpoints', list(endpoints) or [endpoint()])
    return all_errors(hp.CATALOGUE, lambda ps, opts: hp.input_errors(ps, opts, jmespath), **overrides)


def test_defaults_follow_the_guide():
    e = ep()
    assert e['response_time'] == {'warn': 1000.0, 'fail': 2000.0}
    assert e['sample']['p95'] == {'warn': 1000.0, 'fail': None}
    assert e['sample']['error_rate'] == {'warn': 1.0, 'fail': 5.0}
    assert e['validate_certs'] is True and e['status_codes'] == [200]
    assert ep(response_time={'warn': 300, 'fail': None})['response_time'] == {'warn': 300, 'fail': 2000.0}


def test_an_endpoint_overrides_the_module_wide_limits():
    ps = params(endpoint(name='a', response_time={'fail': 5000}, sample={'error_rate': {'warn': 2}}),
                endpoint(name='b'), response_time={'warn': 300, 'fail': 900}, error_rate={'fail': 10})
    a, b = hp.merged_endpoints(ps, hp.CATALOGUE.merged(ps))
    assert a['response_time'] == {'warn': 300, 'fail': 5000}
    assert a['sample']['error_rate'] == {'warn': 2, 'fail': 10}
    assert b['response_time'] == {'warn': 300, 'fail': 900}
    assert b['sample']['error_rate'] == {'warn': 1, 'fail': 10}


def test_redact_url_and_names():
    assert hp.redact_url('https://bob:s3cret@h.example/p?q=1') == 'https://h.example/p?q=1'
    assert hp.redact_url('http://h/p') == 'http://h/p'
    assert hp.endpoint_name(ep(url='https://u:p@h/x')) == 'https://h/x'
    assert hp.endpoint_name(ep(name='login')) == 'login'


@pytest.mark.parametrize('given, option', [
    (dict(url='127.0.0.1/x'), 'endpoints[0].url'),
    (dict(url='http://127.0.0.1:99999/x'), 'endpoints[0].url'),
    (dict(url='http://127.0.0.1:0/x'), 'endpoints[0].url'),
    (dict(url='http:///x'), 'endpoints[0].url'),
    (dict(response_time={'warn': -5}), 'endpoints[0].response_time.warn'),
    (dict(response_time={'fail': 0}), 'endpoints[0].response_time.fail'),
    (dict(response_time={'warn': 3000}), 'endpoints[0].response_time:'),
    (dict(sample={'error_rate': {'fail': 200}}), 'endpoints[0].sample.error_rate.fail'),
    (dict(sample={'p95': {'warn': float('inf')}}), 'endpoints[0].sample.p95.warn'),
    (dict(sample={'budget_s': 0}), 'endpoints[0].sample.budget_s'),
    (dict(max_body_bytes=0), 'endpoints[0].max_body_bytes'),
    (dict(delay=61), 'endpoints[0].delay'),
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
    found = errors(endpoint(**given))
    assert found and any(e.startswith(option) for e in found), found


def test_url_with_an_impossible_port_is_one_line_naming_the_url():
    found = errors(endpoint(url='http://u:pw@127.0.0.1:99999/health'))
    assert found == ["endpoints[0].url: 'http://127.0.0.1:99999/health': its port is not a number "
                     "from 1 to 65535"]


@pytest.mark.parametrize('overrides, option', [
    (dict(response_time={'warn': -5}), 'response_time.warn: -5 must be above 0'),
    (dict(error_rate={'fail': 200}), 'error_rate.fail: 200 is out of range 0 to 100'),
    (dict(p95={'fail': float('nan')}), 'p95.fail: nan is not a finite number'),
    (dict(response_time={'warn': 3000}), 'response_time:'),
    (dict(total_timeout=601), 'total_timeout:'),
    (dict(workers=0), 'workers:'),
])
def test_module_wide_limits_have_a_domain(overrides, option):
    found = errors(**overrides)
    assert any(e.startswith(option) for e in found), found


def test_a_bad_module_wide_limit_is_reported_once():
    found = errors(endpoint(name='a'), endpoint(name='b'), response_time={'warn': -5})
    assert found == ['response_time.warn: -5 must be above 0']


def test_valid_endpoint_has_no_errors():
    e = endpoint(method='POST', secret_body={'u': 'x'}, json_query='token', status_codes=[200, 201],
                 response_time={'warn': 100}, sample={'requests': 10, 'error_rate': {'fail': 50}})
    assert errors(e) == []
    assert errors(endpoint(url='https://127.0.0.1:8443/x')) == []
    assert errors(endpoints=[])[0].startswith('endpoints')


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
    assert p95['name'] == 'p95:api' and p95['status'] == 'pass'
    assert rate['name'] == 'error_rate:api' and rate['value'] == 2.0 and rate['status'] == 'warn'
    # 5 % is the fail limit itself: warn; only beyond it fails.
    _p95, rate = hp.sample_records('api', sample, [10.0] * 95, 5, 100, {})
    assert rate['status'] == 'warn'
    _p95, rate = hp.sample_records('api', sample, [10.0] * 94, 6, 100, {})
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


def test_renamed_records_carry_their_former_names():
    result = hp.CATALOGUE.annotate({'checks': [{'name': 'response_time:api'}, {'name': 'p95:api'},
                                               {'name': 'error_rate:api'}]})
    assert [c['formerly'] for c in result['checks']] == ['http:api', 'http_p95:api', 'http_error_rate:api']


def test_instance_is_optional_and_names_the_result():
    assert hp.CATALOGUE.argument_spec()['instance'] == {'type': 'str'}
    assert hp.CATALOGUE.instance_name(params(instance='shop')) == 'shop'
    assert hp.CATALOGUE.instance_name(params()) is None


def test_without_jmespath_only_the_endpoints_that_query_json_are_unknown():
    record = hp.check_endpoint(requests, ep(name='q', json_query='status'), jmespath=None)
    assert record['name'] == 'response_time:q' and record['status'] == 'unknown'
    assert 'jmespath' in record['message'] and 'jmespath' in record['remediation']


# ---------------------------------------------------------------- encryption in transit (https_only)


@pytest.mark.parametrize('url, port, plain', [
    ('https://shop.example/health?x=1', 80, 'http://shop.example/health?x=1'),
    ('https://127.0.0.1:8443', 8080, 'http://127.0.0.1:8080/'),
    ('https://[::1]:443/a', 80, 'http://[::1]/a'),
])
def test_plain_url_is_the_https_url_over_plain_http(url, port, plain):
    assert hp.plain_url(url, port) == plain


def test_https_only_needs_an_https_url():
    assert hp.https_only_errors('endpoints[0]', {'https_only': True, 'url': 'http://a/'}) == [
        'endpoints[0].https_only: the url must be https:// (the plain-HTTP path is tried on plain_port)']
    assert hp.https_only_errors('endpoints[0]', {'https_only': True, 'url': 'https://a/'}) == []
