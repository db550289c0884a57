# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP endpoint measurements for ``http_check``.

Each endpoint is one check (``response_time:<name>``): the request is sent
(with retries for services that are still starting), the answer is judged
(status code, body regex, jmespath expression) and its response time is
measured with ``time.perf_counter`` and judged against ``warn`` / ``fail`` in
milliseconds.  Optionally an endpoint is sampled: N requests give p50 / p95 /
p99 and an error rate (``p95:<name>``, ``error_rate:<name>``).

requests and jmespath are passed in, so the logic is testable and the module
reports a missing library the standard way.  Nothing from the request's
headers or body, and nothing from the response body, is ever put in a
record: only status codes, times, sizes and the caller's own patterns.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import threading
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Entries,
    Option,
    Runner,
    Settings,
    import_library,
)
from ansible_collections.golive.readiness.plugins.module_utils.probes import http_auth
from ansible_collections.golive.readiness.plugins.module_utils.probes import http_delivery as delivery
from ansible_collections.golive.readiness.plugins.module_utils.concurrency import (
    TimedOut,
    run_bounded,
)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    UNKNOWN,
    Component,
    check_result,
    measured,
    percentile,
)

try:
    from urllib.parse import urlsplit, urlunsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit, urlunsplit  # noqa

METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')
MAX_TOTAL_TIMEOUT = 600.0
CHUNK = 65536

# Defaults from the readiness guide: response time warn at 1 s, fail at 2 s; p95 under 1 s;
# error rate warn at 1 %, fail at 5 %.  Module-wide; an endpoint may override each pair.
RESPONSE_TIME = Check('response_time', unit='ms', warn=1000, fail=2000, switch=False, formerly='http')
P95 = Check('p95', unit='ms', warn=1000, switch=False, formerly='http_p95')
ERROR_RATE = Check('error_rate', unit='percent', warn=1, fail=5, switch=False,
                   formerly='http_error_rate')
SAMPLE = Settings(dict(
    requests=Option('int', 0, low=0, high=1000),
    concurrency=Option('int', 4, low=1, high=32),
    budget_s=Option('float', 30, low=0, high=MAX_TOTAL_TIMEOUT, low_open=True),
), limits=dict(p95=P95, error_rate=ERROR_RATE))
ENDPOINTS = Entries(dict(
    name=Option('str'),
    url=Option('str', required=True),
    method=Option('str', 'GET', choices=list(METHODS)),
    headers=Option('dict'),
    secret_headers=Option('dict', no_log=True),
    body=Option('raw'),
    secret_body=Option('raw', no_log=True),
    body_format=Option('str', 'json', choices=['json', 'form', 'raw']),
    status_codes=Option('list', [200], low=100, high=599, elements='int'),
    body_regex=Option('str'),
    json_query=Option('str'),
    json_expected=Option('raw'),
    timeout=Option('float', 10, low=0, high=300, low_open=True),
    retries=Option('int', 0, low=0, high=10),
    delay=Option('float', 1, low=0, high=60),
    validate_certs=Option('bool', True),
    ca_path=Option('path'),
    client_cert=Option('path'),
    client_key=Option('path', no_log=False),
    follow_redirects=Option('bool', True),
    max_body_bytes=Option('int', 1048576, low=1, high=16 * 1048576),
    sample=SAMPLE,
    delivery=delivery.DELIVERY,
    # Encryption in transit (check https_only:<name>, see the end of this file).
    https_only=Option('bool', False),
    plain_port=Option('int', 80, low=1, high=65535),
    # Application authentication (checks auth:<name> and lockout:<name>, see probes/http_auth.py).
    auth=http_auth.AUTH,
), limits=dict(response_time=RESPONSE_TIME))
CATALOGUE = Catalogue('http', instance=lambda params: None, records=('https_only', 'auth', 'lockout'), options=dict(
    endpoints=ENDPOINTS,
    total_timeout=Option('float', 60, low=0, high=MAX_TOTAL_TIMEOUT, low_open=True),
    workers=Option('int', 8, low=1, high=64),
), checks=[RESPONSE_TIME, P95, ERROR_RATE] + delivery.CHECKS)


def merged_endpoints(params, opts):
    """Every endpoint's settings: its own over the defaults, its limits over the module-wide ones."""
    endpoints = ENDPOINTS.merged(params.get('endpoints'), opts)
    for ep in endpoints:
        ep['method'] = ep['method'].upper()
        ep['sample'] = SAMPLE.merged(ep['sample'], opts)
        ep['delivery'] = delivery.DELIVERY.merged(ep['delivery'], opts)
        ep['auth'] = http_auth.merged(ep)
    return endpoints


def redact_url(url):
    """Return ``url`` without any ``user:password@`` part."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if '@' not in parts.netloc:
        return url
    netloc = parts.netloc.rsplit('@', 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def endpoint_name(ep):
    """The stable name of an endpoint: its ``name``, else its URL (without credentials)."""
    return ep.get('name') or redact_url(ep['url'])


def url_error(option, url):
    """Why ``url`` is no http(s) URL to a host and a port 1 to 65535, or None."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme, parts.hostname, parts.port
    except ValueError:  # a port beyond 65535 or not a number
        scheme, host, port = None, None, -1
    if scheme not in ('http', 'https') or not host or port == 0:
        why = 'its port is not a number from 1 to 65535' if port in (-1, 0) else \
            'it is not an http:// or https:// URL with a host'
        return '%s: %r: %s' % (option, redact_url(url), why)
    return None


def endpoint_errors(index, ep, given, opts, jmespath=None, path_exists=None):
    """Problems with one merged endpoint the catalogue cannot see, each naming its option."""
    opt = 'endpoints[%d]' % index
    errors = SAMPLE.order_errors(opt + '.sample', given.get('sample'), opts)
    errors.extend(delivery.DELIVERY.order_errors(opt + '.delivery', given.get('delivery'), opts))
    error = url_error(opt + '.url', ep.get('url') or '')
    if error:
        errors.append(error)
    if not ep['status_codes']:
        errors.append('%s.status_codes: give at least one status code' % opt)
    if ep['body'] is not None and ep['secret_body'] is not None:
        errors.append('%s.body and %s.secret_body are mutually exclusive' % (opt, opt))
    body = ep['body'] if ep['body'] is not None else ep['secret_body']
    if body is not None and ep['body_format'] == 'form' and not isinstance(body, dict):
        errors.append('%s.body_format: form needs the body as a dict of fields' % opt)
    if body is not None and ep['method'] in ('GET', 'HEAD'):
        errors.append('%s.method: %s requests carry no body; use POST, PUT or PATCH'
                      % (opt, ep['method']))
    if ep['body_regex'] is not None:
        try:
            re.compile(ep['body_regex'])
        except re.error as exc:
            errors.append('%s.body_regex: not a valid regular expression: %s' % (opt, exc))
    if ep['json_query'] is not None and jmespath is not None:
        try:
            jmespath.compile(ep['json_query'])
        except Exception as exc:  # jmespath raises its own ParseError family
            errors.append('%s.json_query: not a valid jmespath expression: %s'
                          % (opt, str(exc).splitlines()[0] if str(exc) else type(exc).__name__))
    if ep['json_expected'] is not None and ep['json_query'] is None:
        errors.append('%s.json_expected: needs json_query' % opt)
    if path_exists is not None:
        for key in ('ca_path', 'client_cert', 'client_key'):
            if ep[key] and not path_exists(ep[key]):
                errors.append('%s.%s: %s does not exist' % (opt, key, ep[key]))
    if ep['client_key'] and not ep['client_cert']:
        errors.append('%s.client_key: needs client_cert' % opt)
    return errors + https_only_errors(opt, ep) + http_auth.input_errors(opt, ep)


def input_errors(params, opts, jmespath=None, path_exists=os.path.exists):
    """Problems the catalogue cannot see: URLs, patterns, files, names, merged limit order."""
    given = params.get('endpoints') or []
    errors = ENDPOINTS.order_errors('endpoints', given, opts)
    if not given:
        errors.append('endpoints: give at least one endpoint')
    seen = {}
    for index, ep in enumerate(merged_endpoints(params, opts)):
        errors.extend(endpoint_errors(index, ep, given[index], opts, jmespath, path_exists))
        name = endpoint_name(ep)
        if name in seen:
            errors.append('endpoints[%d].name: %r is also the name of endpoints[%d]; '
                          'give each endpoint a unique name' % (index, name, seen[name]))
        seen.setdefault(name, index)
    return errors


def request_kwargs(ep):
    """The keyword arguments of ``requests.Session.request`` for one endpoint."""
    headers = dict(ep['headers'] or {})
    headers.update(ep['secret_headers'] or {})
    kwargs = dict(method=ep['method'], url=ep['url'], headers=headers,
                  timeout=(ep['timeout'], ep['timeout']),
                  allow_redirects=ep['follow_redirects'], stream=True)
    body = ep['body'] if ep['body'] is not None else ep['secret_body']
    if body is not None:
        if ep['body_format'] == 'form':
            kwargs['data'] = body
        elif ep['body_format'] == 'raw':
            kwargs['data'] = body if isinstance(body, (bytes, str)) else str(body)
        else:
            kwargs['json'] = body
    if ep['ca_path']:
        kwargs['verify'] = ep['ca_path'] if ep['validate_certs'] else False
    else:
        kwargs['verify'] = bool(ep['validate_certs'])
    if ep['client_cert']:
        kwargs['cert'] = (ep['client_cert'], ep['client_key']) if ep['client_key'] else ep['client_cert']
    return http_auth.credentials_kwargs(kwargs, ep['auth'])


def describe_error(requests, exc, timeout):
    """A short, secret-free sentence for a failed request, and its kind."""
    exceptions = requests.exceptions
    if isinstance(exc, exceptions.SSLError):
        kind, text = 'tls', 'TLS handshake or certificate verification failed'
    elif isinstance(exc, exceptions.ConnectTimeout):
        kind, text = 'timeout', 'no connection within %gs' % timeout
    elif isinstance(exc, (exceptions.ReadTimeout, BodyTimeout)):
        kind, text = 'timeout', 'no complete response within %gs' % timeout
    elif isinstance(exc, exceptions.ConnectionError):
        refused = 'refused' in str(exc).lower()
        kind, text = 'connection', 'connection refused' if refused else 'connection failed'
    else:
        kind, text = 'error', 'request failed'
    return kind, '%s (%s)' % (text, error_reason(exc))


REASON_PATTERNS = (
    re.compile(r'certificate verify failed: [^\'")(]+'),
    re.compile(r'\[SSL: [A-Z_]+\] [^\'")(]+'),
    re.compile(r'\[Errno -?\d+\] [^\'")(]+'),
    re.compile(r'Read timed out'),
)


def error_reason(exc):
    """The root reason of a requests error (``[Errno 111] Connection refused``), short.

    requests wraps urllib3 which wraps the socket error; its text repeats the
    pool and URL, so only the innermost reason is kept.
    """
    text = str(exc)
    for pattern in REASON_PATTERNS:
        match = pattern.search(text)
        if match:
            return match.group(0).strip().rstrip(',')
    first = text.splitlines()[0] if text else type(exc).__name__
    return '%s: %s' % (type(exc).__name__, first[:200])


class BodyTimeout(Exception):
    """The body did not arrive within the endpoint's timeout."""


def send(session, kwargs, max_body_bytes, clock=time.perf_counter):
    """Send one request; return ``(status_code, elapsed_ms, body_bytes, size)``.

    The time runs from before the connection to the last byte of the body; the
    body must arrive within the endpoint's timeout.  Only ``max_body_bytes`` of
    it are kept for matching.  Raises what requests raises, or BodyTimeout.
    """
    timeout = kwargs['timeout'][1]
    start = clock()
    response = session.request(**kwargs)
    try:
        kept = []
        kept_size = 0
        size = 0
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if kept_size < max_body_bytes:
                kept.append(chunk[:max_body_bytes - kept_size])
                kept_size += len(kept[-1])
            if clock() - start > timeout:
                raise BodyTimeout('the body was still arriving after %gs' % timeout)
        elapsed_ms = (clock() - start) * 1000.0
        return response.status_code, elapsed_ms, b''.join(kept), size
    finally:
        response.close()


def judge_answer(ep, status_code, body, jmespath=None):
    """Return the list of problems with an answer (empty when it is the expected one).

    Problems name the caller's own expectations, never the response body.
    """
    problems = []
    if status_code not in ep['status_codes']:
        problems.append('status %d, expected %s' % (
            status_code, ' or '.join(str(c) for c in ep['status_codes'])))
        return problems
    text = None
    if ep['body_regex'] is not None or ep['json_query'] is not None:
        text = body.decode('utf-8', 'replace')
    if ep['body_regex'] is not None and not re.search(ep['body_regex'], text):
        problems.append('the body does not match %r' % ep['body_regex'])
    if ep['json_query'] is not None:
        try:
            document = json.loads(text)
        except ValueError:
            problems.append('the body is not JSON, so %r cannot be evaluated' % ep['json_query'])
            return problems
        actual = jmespath.search(ep['json_query'], document)
        if ep['json_expected'] is None:
            if not actual:
                problems.append('%r is %s, expected a true value'
                                % (ep['json_query'], describe_value(actual)))
        elif actual != ep['json_expected']:
            problems.append('%r is %s, expected %s' % (
                ep['json_query'], describe_value(actual), describe_value(ep['json_expected'])))
    return problems


def describe_value(value):
    """Describe a JSON value for a message without quoting large or nested data."""
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 64 else 'a string of %d characters' % len(value)
    if isinstance(value, list):
        return 'a list of %d items' % len(value)
    if isinstance(value, dict):
        return 'an object with %d keys' % len(value)
    return type(value).__name__


def check_endpoint(requests, ep, jmespath=None, deadline=None, clock=time.monotonic,
                   sleep=time.sleep):
    """Probe one endpoint, with its retries, and return its ``response_time:<name>`` record."""
    name = 'response_time:%s' % endpoint_name(ep)
    limits = ep['response_time']
    if ep['json_query'] is not None and jmespath is None:
        return check_result(name, UNKNOWN, unit='ms', warn=limits['warn'], fail=limits['fail'],
                            message='%s %s not probed: json_query needs the Python library jmespath, '
                                    'not installed on the host' % (ep['method'], redact_url(ep['url'])),
                            remediation='Install jmespath (python3-jmespath) on the host; the '
                                        'readiness role does it with readiness_install_dependencies.')
    kwargs = request_kwargs(ep)
    started = clock()
    attempts = 0
    problems = []
    elapsed_ms = None
    status_code = None
    size = None
    kind = None
    with requests.Session() as session:
        for attempt in range(ep['retries'] + 1):
            if attempt:
                if deadline is not None and clock() + ep['delay'] >= deadline:
                    break
                sleep(ep['delay'])
            attempts += 1
            try:
                status_code, elapsed_ms, body, size = send(session, kwargs, ep['max_body_bytes'])
            except Exception as exc:  # pylint: disable=broad-except
                kind, text = describe_error(requests, exc, ep['timeout'])
                problems = [text]
                status_code = elapsed_ms = size = None
                continue
            problems = judge_answer(ep, status_code, body, jmespath)
            kind = 'answer' if problems else None
            if not problems:
                break
    details = dict(url=redact_url(ep['url']), method=ep['method'], status_code=status_code,
                   attempts=attempts, bytes=size)
    total_ms = (clock() - started) * 1000.0
    if problems:
        suffix = ' after %d attempts' % attempts if attempts > 1 else ''
        details['error_kind'] = kind
        return check_result(
            name, FAIL, value=None if elapsed_ms is None else round(elapsed_ms, 3), unit='ms',
            warn=limits['warn'], fail=limits['fail'],
            message='%s %s: %s%s' % (ep['method'], redact_url(ep['url']), '; '.join(problems), suffix),
            remediation=remediation_for(kind), duration_ms=total_ms, details=details)
    return measured(name, round(elapsed_ms, 3), 'ms', limits['warn'], limits['fail'],
                    subject='%s %s (status %d) response time'
                    % (ep['method'], redact_url(ep['url']), status_code),
                    remediation='The endpoint is slow: profile it (and its database) before the release.',
                    duration_ms=total_ms, details=details)


def remediation_for(kind):
    """What to do about a failed endpoint, by the kind of failure."""
    return {
        'tls': 'Fix the server certificate chain, or give the CA with ca_path.',
        'timeout': 'The service hangs or is overloaded: check it and its dependencies.',
        'connection': 'Start the service, or fix the address / firewall in front of it.',
        'answer': 'The service answers, but not as expected: check its logs and the deployed version.',
    }.get(kind, 'Check the service and the request options.')


def sample_endpoint(requests, ep, deadline=None, clock=time.monotonic):
    """Send ``sample.requests`` requests and return the p95 and error-rate records."""
    sample = ep['sample']
    label = endpoint_name(ep)
    kwargs = request_kwargs(ep)
    local = threading.local()
    sessions = []
    lock = threading.Lock()

    def one():
        session = getattr(local, 'session', None)
        if session is None:
            session = local.session = requests.Session()
            with lock:
                sessions.append(session)
        try:
            status_code, elapsed_ms, _body, _size = send(session, kwargs, 1)
        except Exception as exc:  # pylint: disable=broad-except
            return (describe_error(requests, exc, ep['timeout'])[0], None)
        if status_code not in ep['status_codes']:
            return ('status_%d' % status_code, elapsed_ms)
        return (None, elapsed_ms)

    budget = sample['budget_s']
    if deadline is not None:
        budget = max(0.0, min(budget, deadline - clock()))
    started = clock()
    outcomes = run_bounded([(i, one) for i in range(sample['requests'])],
                           sample['concurrency'], budget)
    duration_ms = (clock() - started) * 1000.0
    for session in sessions:
        session.close()
    latencies, errors, kinds = [], 0, {}
    completed = 0
    for ok, value in outcomes.values():
        if not ok:
            if isinstance(value, TimedOut):
                continue
            kind, elapsed = 'error', None
        else:
            kind, elapsed = value
        completed += 1
        if kind:
            errors += 1
            kinds[kind] = kinds.get(kind, 0) + 1
        else:
            latencies.append(elapsed)
    return sample_records(label, sample, latencies, errors, completed, kinds, duration_ms)


def sample_records(label, sample, latencies, errors, completed, kinds, duration_ms=None):
    """Judge a sample: the ``p95:`` and ``error_rate:`` records."""
    requested = sample['requests']
    p95_limits, rate_limits = sample['p95'], sample['error_rate']
    note = ''
    if completed < requested:
        note = ' (%d of %d requests completed within %gs)' % (completed, requested, sample['budget_s'])
    stats = dict(requested=requested, completed=completed, errors=errors, error_kinds=kinds)
    if latencies:
        stats.update(
            p50_ms=round(percentile(latencies, 50), 3), p95_ms=round(percentile(latencies, 95), 3),
            p99_ms=round(percentile(latencies, 99), 3), min_ms=round(min(latencies), 3),
            max_ms=round(max(latencies), 3),
            mean_ms=round(sum(latencies) / len(latencies), 3))
    if duration_ms:
        stats['throughput_rps'] = round(completed / (duration_ms / 1000.0), 1)
    records = []
    p95_name = 'p95:%s' % label
    if latencies:
        record = measured(p95_name, stats['p95_ms'], 'ms', p95_limits['warn'], p95_limits['fail'],
                          subject='p95 response time of %s over %d answers%s'
                          % (label, len(latencies), note),
                          remediation='The tail latency is too high: profile the slow requests.',
                          duration_ms=duration_ms, details=stats)
    else:
        record = check_result(p95_name, FAIL, unit='ms', warn=p95_limits['warn'],
                              fail=p95_limits['fail'],
                              message='no sampled request to %s got the expected answer%s'
                              % (label, note),
                              remediation='The endpoint fails every request: see response_time:%s.' % label,
                              duration_ms=duration_ms, details=stats)
    records.append(record)
    rate_name = 'error_rate:%s' % label
    if completed:
        rate = round(100.0 * errors / completed, 3)
        records.append(measured(
            rate_name, rate, 'percent', rate_limits['warn'], rate_limits['fail'],
            subject='error rate of %s (%d of %d requests)%s' % (label, errors, completed, note),
            remediation='Requests fail under load: check the service logs for the errors.',
            duration_ms=duration_ms, details=stats))
    else:
        records.append(check_result(
            rate_name, FAIL, unit='percent', warn=rate_limits['warn'], fail=rate_limits['fail'],
            message='no sampled request to %s completed within %gs' % (label, sample['budget_s']),
            remediation='The endpoint does not answer in time under load.',
            duration_ms=duration_ms, details=stats))
    return records


def measure(requests, endpoints, jmespath=None, total_timeout=60.0, workers=8,
            clock=time.monotonic):
    """Probe every endpoint concurrently within ``total_timeout``; return the records.

    Records come back in the order of ``endpoints`` whatever order the probes end in.
    """
    deadline = clock() + total_timeout

    def probe(ep):
        def run():
            records = [check_endpoint(requests, ep, jmespath, deadline)]
            if ep['https_only']:
                records.append(check_https_only(requests, ep))
            if ep['auth']['protected']:
                records.append(http_auth.check_auth(requests, ep, request_kwargs(ep), endpoint_name(ep),
                                                    redact_url(ep['url']), describe_error))
            if ep['auth']['lockout']['enabled']:
                records.append(http_auth.check_lockout(requests, ep, request_kwargs(ep), endpoint_name(ep),
                                                       redact_url(ep['url'])))
            if ep['sample']['requests']:
                records.extend(sample_endpoint(requests, ep, deadline))
            if ep['delivery']['enabled']:
                records.extend(delivery.delivery_records(requests, ep, endpoint_name(ep),
                                                         request_kwargs(ep), deadline))
            return records
        return run

    outcomes = run_bounded([(i, probe(ep)) for i, ep in enumerate(endpoints)],
                           workers, total_timeout)
    records = []
    for index, ep in enumerate(endpoints):
        ok, value = outcomes[index]
        if ok:
            records.extend(value)
            continue
        name = 'response_time:%s' % endpoint_name(ep)
        if isinstance(value, TimedOut):
            message = ('%s %s: no result within the module\'s total_timeout of %gs'
                       % (ep['method'], redact_url(ep['url']), total_timeout))
            records.append(check_result(name, FAIL, unit='ms', warn=ep['response_time']['warn'],
                                        fail=ep['response_time']['fail'], message=message,
                                        remediation=remediation_for('timeout')))
        else:
            records.append(check_result(
                name, UNKNOWN, unit='ms', message='could not probe: %s: %s'
                % (type(value).__name__, str(value)[:300]),
                remediation='See the error; the check itself failed.'))
    return records


def run(requests, jmespath, params, opts):
    """The module's ``readiness`` result: every endpoint probed and judged."""
    report = Component('http')
    for record in measure(requests, merged_endpoints(params, opts), jmespath,
                          params['total_timeout'], params['workers']):
        report.add(record)
    return report.result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs requests, and jmespath for json_query.
    """
    requests, error = import_library('requests')
    jmespath = import_library('jmespath')[0]
    return Runner(CATALOGUE, lambda params, opts: run(requests, jmespath, params, opts),
                  lambda params, opts: input_errors(params, opts, jmespath),
                  [('requests', requests, error)])


# ---------------------------------------------------------------- encryption in transit


def https_only_errors(opt, ep):
    """An endpoint marked https_only must be an https:// URL."""
    if ep['https_only'] and not (ep.get('url') or '').lower().startswith('https://'):
        return ['%s.https_only: the url must be https:// (the plain-HTTP path is tried on plain_port)' % opt]
    return []


def plain_url(url, port):
    """The plain-HTTP twin of an https:// URL: same host and path, ``http://`` on ``port``."""
    parts = urlsplit(url)
    host = parts.hostname
    if ':' in host:
        host = '[%s]' % host
    netloc = host if port == 80 else '%s:%d' % (host, port)
    return urlunsplit(('http', netloc, parts.path or '/', parts.query, ''))


# What a TLS port answers a plaintext request: Go's net/http (Prometheus, Alertmanager, the
# exporters with a web config) and nginx's ``ssl`` listener.
TLS_PORT_REFUSALS = re.compile(br'Client sent an HTTP request to an HTTPS server|'
                               br'The plain HTTP request was sent to HTTPS port')


def check_https_only(requests, ep):
    """``https_only:<name>``: the endpoint's plain-HTTP path, tried, redirects to https or is closed.

    One GET without following redirects: refused or timing out passes (nothing served in
    plaintext), a redirect to an https:// location passes, any other answer fails.
    """
    name = 'https_only:%s' % endpoint_name(ep)
    url = plain_url(ep['url'], ep['plain_port'])
    details = dict(plain_url=redact_url(url))
    try:
        with requests.Session() as session:
            answer = session.get(url, timeout=ep['timeout'], allow_redirects=False, stream=True)
            status, location = answer.status_code, answer.headers.get('Location') or ''
            head = answer.raw.read(512, decode_content=True) if status == 400 else b''
            answer.close()
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
        details['answer'] = type(exc).__name__
        return check_result(name, PASS, value=None, details=details,
                            message='%s serves no plain HTTP (%s)' % (redact_url(url), error_reason(exc)))
    details.update(status_code=status, location=redact_url(location) if location else None)
    if status == 400 and TLS_PORT_REFUSALS.search(head or b''):
        # The TLS port itself, asked in plaintext: its server refuses and serves nothing.
        return check_result(name, PASS, value=status, details=details,
                            message='%s is a TLS-only port: plain HTTP is refused (status 400, "%s")'
                                    % (redact_url(url), TLS_PORT_REFUSALS.search(head).group(0).decode()))
    if 300 <= status < 400 and location.lower().startswith('https://'):
        return check_result(name, PASS, value=status, details=details,
                            message='%s redirects to %s (status %d)' % (redact_url(url), redact_url(location), status))
    return check_result(name, FAIL, value=status, details=details,
                        message='%s answers plain HTTP with status %d%s: the endpoint is not HTTPS-only'
                                % (redact_url(url), status, ' to %s' % redact_url(location) if location else ''),
                        remediation='Redirect plain HTTP to https:// (return 301 https://$host$request_uri '
                                    'in nginx) or stop listening on port %d, and send HSTS.' % ep['plain_port'])
