"""http_check, run for real through ansible against a real HTTP(S) application on 127.0.0.1."""

import json
import os
import secrets
import subprocess
import sys
import time
import uuid

import pytest

from conftest import REPO, ansible_env, checks_by_name, free_port, run_module

APP = os.path.join(REPO, 'scripts', 'services', 'http_test_app.py')


def openssl(*args, cwd):
    subprocess.run(['openssl'] + list(args), cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(directory):
    """A private CA and a server certificate for 127.0.0.1 / localhost, signed by it."""
    d = str(directory)
    ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    openssl('req', '-x509', *ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
            '-subj', '/CN=golive test CA', cwd=d)
    openssl('req', *ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost', cwd=d)
    with open(os.path.join(d, 'san.ext'), 'w') as handle:
        handle.write('subjectAltName=IP:127.0.0.1,DNS:localhost\n')
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
            '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext', cwd=d)
    return dict(ca=os.path.join(d, 'ca.pem'), cert=os.path.join(d, 'server.pem'),
                key=os.path.join(d, 'server.key'))


def start_app(directory, *extra):
    proc = subprocess.Popen(
        [sys.executable, APP, '--port', '0',
         '--password-file', os.path.join(str(directory), 'password'),
         '--token-file', os.path.join(str(directory), 'token')] + list(extra),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith('listening '):
        proc.kill()
        raise RuntimeError('test app did not start: %s %s' % (line, proc.stderr.read()))
    return proc, int(line.split()[1])


@pytest.fixture(scope='module')
def app(tmp_path_factory):
    """The test application over HTTP and over HTTPS (private CA); stopped at the end."""
    directory = tmp_path_factory.mktemp('http-app')
    password = 'pw-' + secrets.token_hex(12)
    token = 'tok-' + secrets.token_hex(16)
    (directory / 'password').write_text(password)
    (directory / 'token').write_text(token)
    pki = make_pki(directory)
    plain, port = start_app(directory)
    tls, tls_port = start_app(directory, '--cert', pki['cert'], '--key', pki['key'])
    try:
        yield dict(base='http://127.0.0.1:%d' % port, tls='https://127.0.0.1:%d' % tls_port,
                   password=password, token=token, ca=pki['ca'])
    finally:
        for proc in (plain, tls):
            proc.terminate()
            proc.wait(timeout=10)


def test_fast_slow_failing_endpoints_are_judged(app):
    base = app['base']
    result = run_module('http_check', {'endpoints': [
        {'name': 'fast', 'url': base + '/fast', 'json_query': 'status', 'json_expected': 'ok'},
        {'name': 'slow', 'url': base + '/slow?ms=1100'},
        {'name': 'slower', 'url': base + '/slow?ms=2100'},
        {'name': 'error', 'url': base + '/error'},
        {'name': 'refused', 'url': 'http://127.0.0.1:%d/' % free_port()},
        {'name': 'html', 'url': base + '/html', 'body_regex': '<title>golive test app</title>'},
        {'name': 'items', 'url': base + '/fast', 'json_query': 'length(items)', 'json_expected': 3},
    ]})
    assert result['changed'] is False
    checks = checks_by_name(result)
    assert set(checks) == set('response_time:%s' % name for name in (
        'fast', 'slow', 'slower', 'error', 'refused', 'html', 'items'))
    fast = checks['response_time:fast']
    assert fast['status'] == 'pass', fast
    assert fast['unit'] == 'ms' and 0 < fast['value'] < 1000
    assert fast['details']['status_code'] == 200 and fast['details']['attempts'] == 1
    assert checks['response_time:slow']['status'] == 'warn'
    assert 1100 <= checks['response_time:slow']['value'] < 2000
    assert checks['response_time:slower']['status'] == 'fail'
    assert checks['response_time:slower']['value'] >= 2100
    assert checks['response_time:error']['status'] == 'fail'
    assert 'status 500, expected 200' in checks['response_time:error']['message']
    assert checks['response_time:refused']['status'] == 'fail'
    assert 'connection refused' in checks['response_time:refused']['message']
    assert checks['response_time:html']['status'] == 'pass'
    assert checks['response_time:items']['status'] == 'pass'
    assert result['readiness']['status'] == 'fail'
    assert result['readiness']['summary'] == {'pass': 3, 'warn': 1, 'fail': 3, 'unknown': 0, 'skip': 0}
    # Sub-millisecond precision: three decimals, not whole seconds.
    values = [c['value'] for c in checks.values() if c['value'] is not None]
    assert any(v != round(v) for v in values)


def test_wrong_content_fails_without_quoting_the_body(app):
    base = app['base']
    result = run_module('http_check', {'endpoints': [
        {'name': 'regex', 'url': base + '/html', 'body_regex': 'maintenance'},
        {'name': 'version', 'url': base + '/fast', 'json_query': 'version', 'json_expected': '2.0.0'},
        {'name': 'notjson', 'url': base + '/html', 'json_query': 'status'},
        {'name': 'status', 'url': base + '/fast', 'status_codes': [201, 204]},
    ]})
    checks = checks_by_name(result)
    assert all(c['status'] == 'fail' for c in checks.values()), checks
    assert "does not match 'maintenance'" in checks['response_time:regex']['message']
    assert "'version' is '1.4.2', expected '2.0.0'" in checks['response_time:version']['message']
    assert 'not JSON' in checks['response_time:notjson']['message']
    assert 'status 200, expected 201 or 204' in checks['response_time:status']['message']
    assert 'ready</body>' not in json.dumps(result)


def run_ansible_text(args, *extra):
    """Run http_check through the default callback, verbose; return the whole output."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost',
           '-i', os.path.join(REPO, 'inventories', 'local'), '-m', 'golive.readiness.http_check',
           '-a', json.dumps(args), '-vvv'] + list(extra)
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False, env=ansible_env())
    return proc.stdout + proc.stderr


def test_login_with_secrets_never_shows_them(app):
    base = app['base']
    args = {'endpoints': [
        {'name': 'login', 'url': base + '/api/auth/login', 'method': 'POST',
         'secret_body': {'username': 'probe', 'password': app['password']},
         'json_query': 'token != null', 'json_expected': True},
        {'name': 'me', 'url': base + '/api/me',
         'secret_headers': {'Authorization': 'Bearer %s' % app['token']},
         'json_query': 'user', 'json_expected': 'probe'},
        {'name': 'bad_login', 'url': base + '/api/auth/login', 'method': 'POST',
         'secret_body': {'username': 'probe', 'password': app['password'] + 'x'},
         'json_query': 'token'},
    ]}
    checks = checks_by_name(run_module('http_check', args))
    assert checks['response_time:login']['status'] == 'pass', checks['response_time:login']
    assert checks['response_time:me']['status'] == 'pass', checks['response_time:me']
    assert checks['response_time:bad_login']['status'] == 'fail'
    assert 'status 401' in checks['response_time:bad_login']['message']
    output = run_ansible_text(args)
    assert 'response_time:login' in output and 'response_time:me' in output  # the result is there ...
    assert app['password'] not in output  # ... the secrets sent are not,
    assert app['token'] not in output  # nor the token the login answered with.


def test_tls_is_verified_unless_given_the_ca(app):
    url = app['tls'] + '/fast'
    result = run_module('http_check', {'endpoints': [
        {'name': 'untrusted', 'url': url},
        {'name': 'private_ca', 'url': url, 'ca_path': app['ca']},
        {'name': 'unverified', 'url': url, 'validate_certs': False},
    ]})
    checks = checks_by_name(result)
    assert checks['response_time:untrusted']['status'] == 'fail'
    assert 'TLS' in checks['response_time:untrusted']['message']
    assert 'certificate verify failed' in checks['response_time:untrusted']['message']
    assert checks['response_time:private_ca']['status'] == 'pass', checks['response_time:private_ca']
    assert checks['response_time:unverified']['status'] == 'pass'


def test_retries_wait_for_a_starting_service(app):
    key = uuid.uuid4().hex
    result = run_module('http_check', {'endpoints': [
        {'name': 'warm', 'url': app['base'] + '/warmup?fails=2&key=w' + key, 'retries': 3,
         'delay': 0.2},
        {'name': 'cold', 'url': app['base'] + '/warmup?fails=2&key=c' + key},
    ]})
    checks = checks_by_name(result)
    assert checks['response_time:warm']['status'] == 'pass'
    assert checks['response_time:warm']['details']['attempts'] == 3
    assert checks['response_time:cold']['status'] == 'fail'
    assert 'status 503' in checks['response_time:cold']['message']


def test_sampling_reports_percentiles_and_error_rate(app):
    key = uuid.uuid4().hex
    base = app['base']
    result = run_module('http_check', {'endpoints': [
        {'name': 'fast', 'url': base + '/fast', 'sample': {'requests': 200, 'concurrency': 8}},
        # 1 single request, then 100 sampled: requests 10, 20 ... 100 of the key fail.
        {'name': 'flaky10', 'url': base + '/flaky?every=10&key=' + key, 'sample': {'requests': 100}},
        {'name': 'flaky50', 'url': base + '/flaky?every=50&key=' + key, 'sample': {'requests': 100}},
    ]})
    checks = checks_by_name(result)
    p95 = checks['p95:fast']
    assert p95['status'] == 'pass' and p95['unit'] == 'ms'
    details = p95['details']
    assert details['completed'] == 200 and details['errors'] == 0
    assert details['p50_ms'] <= details['p95_ms'] <= details['p99_ms'] <= details['max_ms']
    assert details['throughput_rps'] > 0
    assert checks['error_rate:fast']['status'] == 'pass'
    assert checks['error_rate:fast']['value'] == 0
    assert checks['error_rate:flaky10']['value'] == 10.0
    assert checks['error_rate:flaky10']['status'] == 'fail'
    assert checks['error_rate:flaky10']['details']['error_kinds'] == {'status_500': 10}
    assert checks['error_rate:flaky50']['value'] == 2.0
    assert checks['error_rate:flaky50']['status'] == 'warn'


def test_endpoints_run_concurrently_and_time_is_bounded(app):
    base = app['base']
    endpoints = [{'name': 'slow%d' % i, 'url': base + '/slow?ms=1000'} for i in range(6)]
    endpoints.append({'name': 'hang', 'url': base + '/hang', 'timeout': 0.5})
    start = time.monotonic()
    result = run_module('http_check', {'endpoints': endpoints})
    elapsed = time.monotonic() - start
    checks = checks_by_name(result)
    assert all(checks['response_time:slow%d' % i]['status'] == 'warn' for i in range(6))
    assert checks['response_time:hang']['status'] == 'fail'
    assert 'no complete response within 0.5s' in checks['response_time:hang']['message']
    assert elapsed < 5.5, 'six 1 s requests and a hang took %.1fs: not concurrent' % elapsed

    start = time.monotonic()
    result = run_module('http_check', {'total_timeout': 2, 'endpoints': [
        {'name': 'hang', 'url': base + '/hang', 'timeout': 30}]})
    elapsed = time.monotonic() - start
    check = checks_by_name(result)['response_time:hang']
    assert check['status'] == 'fail'
    assert 'total_timeout of 2s' in check['message']
    assert elapsed < 8, 'total_timeout 2 s, call took %.1fs' % elapsed


def test_check_mode_measures_the_same(app):
    result = run_module('http_check', {'endpoints': [{'url': app['base'] + '/fast'}]},
                        check_mode=True)
    assert result['changed'] is False
    check = checks_by_name(result)['response_time:%s/fast' % app['base']]
    assert check['status'] == 'pass'


@pytest.mark.parametrize('endpoint, option', [
    ({'url': 'ftp://127.0.0.1/x'}, 'endpoints[0].url'),
    ({'url': 'http://127.0.0.1:99999/x'}, 'endpoints[0].url'),
    ({'url': 'http://127.0.0.1/', 'response_time': {'warn': -5}}, 'endpoints[0].response_time.warn: -5 must be above 0'),
    ({'url': 'http://127.0.0.1/', 'sample': {'error_rate': {'fail': 200}}},
     'endpoints[0].sample.error_rate.fail: 200 is out of range 0 to 100'),
    ({'url': 'http://127.0.0.1/', 'body_regex': '(unclosed'}, 'endpoints[0].body_regex'),
    ({'url': 'http://127.0.0.1/', 'json_query': 'a[?'}, 'endpoints[0].json_query'),
    ({'url': 'http://127.0.0.1/', 'status_codes': [700]}, 'endpoints[0].status_codes'),
    ({'url': 'http://127.0.0.1/', 'sample': {'requests': 5000}}, 'endpoints[0].sample.requests'),
    ({'url': 'http://127.0.0.1/', 'response_time': {'warn': 3000, 'fail': 2000}},
     'endpoints[0].response_time'),
    ({'url': 'http://127.0.0.1/', 'ca_path': '/nonexistent/ca.pem'}, 'endpoints[0].ca_path'),
    ({'url': 'http://127.0.0.1/', 'retries': 50}, 'endpoints[0].retries'),
    ({'url': 'http://127.0.0.1/', 'body': {'a': 1}}, 'endpoints[0].method'),
])
def test_bad_input_fails_with_one_line_naming_the_option(endpoint, option):
    result = run_module('http_check', {'endpoints': [endpoint]})
    assert result.get('failed') is True
    assert option in result['msg'], result['msg']
    assert '\n' not in result['msg']
    assert 'readiness' not in result


def test_duplicate_names_are_bad_input():
    result = run_module('http_check', {'endpoints': [
        {'url': 'http://127.0.0.1/a', 'name': 'x'}, {'url': 'http://127.0.0.1/b', 'name': 'x'}]})
    assert result.get('failed') is True
    assert 'endpoints[1].name' in result['msg']


def test_module_wide_limits_apply_to_every_endpoint_unless_overridden(app):
    base = app['base']
    result = run_module('http_check', {
        'instance': 'shop', 'response_time': {'warn': 100, 'fail': 400},
        'endpoints': [{'name': 'slow', 'url': base + '/slow?ms=200'},
                      {'name': 'slow_ok', 'url': base + '/slow?ms=200', 'response_time': {'warn': 1000, 'fail': 2000}}]})
    assert result['readiness']['instance'] == 'shop'
    checks = checks_by_name(result)
    assert checks['response_time:slow']['status'] == 'warn'
    assert (checks['response_time:slow']['warn'], checks['response_time:slow']['fail']) == (100.0, 400.0)
    assert checks['response_time:slow_ok']['status'] == 'pass'
    assert checks['response_time:slow']['formerly'] == 'http:slow'


def test_a_bad_module_wide_limit_is_bad_input_naming_it():
    result = run_module('http_check', {'endpoints': [{'url': 'http://127.0.0.1/'}], 'error_rate': {'fail': 200}})
    assert result.get('failed') is True
    assert result['msg'] == 'error_rate.fail: 200 is out of range 0 to 100'
