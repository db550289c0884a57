#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: probe HTTP endpoints and judge their answers and response times."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: http_check
short_description: Probe HTTP(S) endpoints, judge their answers and measure response times
version_added: 0.1.0
description:
  - Sends one request to each endpoint of a list, concurrently, and judges the answer
    (status code, body regex, jmespath expression) and its response time, returning the
    shared readiness result model. One check per endpoint, named C(http:<name>) (the
    endpoint's O(endpoints[].name), else its URL without credentials).
  - The response time runs from before the connection to the last byte of the body and is
    measured with sub-millisecond precision. Defaults follow the readiness guide
    (warn at 1000 ms, fail at 2000 ms).
  - Optionally an endpoint is sampled with O(endpoints[].sample.requests) requests, giving
    p50 / p95 / p99 (nearest rank, always a response time that was measured, as in
    M(golive.readiness.load_test); check C(http_p95:<name>), p95 warns at 1000 ms) and the error rate
    (check C(http_error_rate:<name>), warn at 1%, fail at 5%).
  - A service that refuses the connection, times out, fails TLS verification or answers
    with an unexpected status is C(fail), never C(unknown).
  - Secrets go in O(endpoints[].secret_headers) and O(endpoints[].secret_body), which are
    C(no_log). No request header or body and no response body ever appears in the result;
    messages quote only status codes, times, sizes and the expectations given here.
  - The module sends exactly the requests listed, also in check mode; list only requests
    that are safe to repeat (a login, a health or read endpoint).
author:
  - golive.readiness contributors (@golive)
requirements:
  - requests >= 2.20 on the managed host
  - jmespath on the managed host, only when an endpoint uses O(endpoints[].json_query)
extends_documentation_fragment:
  - golive.readiness.check_common
options:
  endpoints:
    description: The endpoints to probe, concurrently.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Stable name of the check (C(http:<name>)); defaults to the URL without credentials.
          - Names must be unique within the call.
        type: str
      url:
        description: The http:// or https:// URL.
        type: str
        required: true
      method:
        description: HTTP method.
        type: str
        default: GET
        choices: [GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS]
      headers:
        description: Request headers. Their values may appear in logs; put secrets in O(endpoints[].secret_headers).
        type: dict
      secret_headers:
        description: Request headers that carry secrets (C(Authorization), API keys); merged over O(endpoints[].headers).
        type: dict
      body:
        description: Request body, sent as O(endpoints[].body_format). Mutually exclusive with O(endpoints[].secret_body).
        type: raw
      secret_body:
        description: A request body that carries secrets (a login's credentials); sent like O(endpoints[].body).
        type: raw
      body_format:
        description: C(json) sends the body as JSON, C(form) as form fields (a dict), C(raw) as given.
        type: str
        default: json
        choices: [json, form, raw]
      status_codes:
        description: Expected status codes; any other is C(fail).
        type: list
        elements: int
        default: [200]
      body_regex:
        description: A regular expression the body must match (Python C(re.search)).
        type: str
      json_query:
        description: A jmespath expression evaluated on the JSON body.
        type: str
      json_expected:
        description:
          - The value O(endpoints[].json_query) must return. Without it, the result must be
            true (not null, false, empty or zero).
        type: raw
      timeout:
        description: Seconds to connect, and seconds for the whole answer to arrive (per attempt).
        type: float
        default: 10
      retries:
        description: Attempts after the first when the endpoint fails (0 to 10), for services still starting.
        type: int
        default: 0
      delay:
        description: Seconds between attempts (0 to 60).
        type: float
        default: 1
      validate_certs:
        description: Verify the server's TLS certificate. Switch off only for a test endpoint.
        type: bool
        default: true
      ca_path:
        description: CA bundle (PEM) to verify the server certificate with, e.g. a private CA.
        type: path
      client_cert:
        description: Client certificate (PEM) for mutual TLS; may include the key.
        type: path
      client_key:
        description: Client private key (PEM) when not in O(endpoints[].client_cert).
        type: path
      follow_redirects:
        description: Follow redirects; the final answer is judged.
        type: bool
        default: true
      max_body_bytes:
        description: Bytes of the body kept for O(endpoints[].body_regex) and O(endpoints[].json_query) (the whole body is still read and timed).
        type: int
        default: 1048576
      response_time:
        description: Limits of the response time in milliseconds.
        type: dict
        suboptions:
          warn: {description: Warn at this many milliseconds., type: float, default: 1000}
          fail: {description: Fail above this many milliseconds., type: float, default: 2000}
      sample:
        description:
          - Send O(endpoints[].sample.requests) more requests (the same request, with
            O(endpoints[].sample.concurrency) at a time) and judge the p95 response time and
            the error rate. An error is a failed connection, a timeout or an unexpected status.
          - Sampling stops after O(endpoints[].sample.budget_s) seconds; requests not sent by
            then are left out and the message says so.
        type: dict
        suboptions:
          requests: {description: Number of requests; 0 switches sampling off; at most 1000., type: int, default: 0}
          concurrency: {description: Requests in flight at a time (1 to 32)., type: int, default: 4}
          budget_s: {description: Time budget of the sample in seconds., type: float, default: 30}
          p95:
            description: Limits of the p95 response time in milliseconds.
            type: dict
            suboptions:
              warn: {description: Warn at this many milliseconds., type: float, default: 1000}
              fail: {description: Fail above this many milliseconds., type: float}
          error_rate:
            description: Limits of the error rate in percent.
            type: dict
            suboptions:
              warn: {description: Warn at this percentage., type: float, default: 1}
              fail: {description: Fail above this percentage., type: float, default: 5}
  total_timeout:
    description: Seconds the whole call may take; endpoints without a result by then are C(fail).
    type: float
    default: 60
  workers:
    description: Endpoints probed at a time (1 to 64).
    type: int
    default: 8
notes:
  - Proxies from the environment (C(HTTPS_PROXY), C(NO_PROXY)) apply, as for any requests client.
seealso:
  - module: golive.readiness.port_check
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: The API answers, fast enough, with the right content
  golive.readiness.http_check:
    endpoints:
      - name: health
        url: https://api.example.com/health
        json_query: status
        json_expected: ok
        retries: 5
        delay: 2
      - name: home
        url: https://www.example.com/
        body_regex: '<title>Example</title>'
        response_time: {warn: 500, fail: 1500}

- name: Log in with a secret body and sample the search endpoint
  golive.readiness.http_check:
    endpoints:
      - name: login
        url: https://api.example.com/api/auth/login
        method: POST
        secret_body:
          username: readiness-probe
          password: "{{ vault_probe_password }}"
        json_query: "token != null"
        json_expected: true
      - name: search
        url: https://api.example.com/api/search?q=ping
        secret_headers:
          Authorization: "Bearer {{ vault_api_token }}"
        ca_path: /etc/ssl/private-ca.pem
        sample:
          requests: 200
          concurrency: 8
  register: http
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(http).
      type: str
      sample: http
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: fail
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 2, warn: 0, fail: 1, unknown: 0, skip: 0}
    checks:
      description:
        - One entry per endpoint (C(http:<name>), value the response time in ms), plus
          C(http_p95:<name>) and C(http_error_rate:<name>) for sampled endpoints, whose
          C(details) hold p50_ms, p95_ms, p99_ms, min_ms, max_ms, mean_ms, errors and
          throughput_rps.
      type: list
      elements: dict
      sample:
        - name: "http:health"
          status: pass
          value: 3.214
          unit: ms
          warn: 1000.0
          fail: 2000.0
          message: "GET https://api.example.com/health (status 200) response time is 3.214 ms (warn at 1000 ms, fail at 2000 ms)"
          remediation: null
          duration_ms: 3.9
          details: {url: "https://api.example.com/health", method: GET, status_code: 200, attempts: 1, bytes: 15}
'''

import os
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    fail_missing_library,
    fail_on_input_errors,
)
from ansible_collections.golive.readiness.plugins.module_utils.probes import http as probes

try:
    import requests
except ImportError:
    requests = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    REQUESTS_IMPORT_ERROR = None

try:
    import jmespath
except ImportError:
    jmespath = None
    JMESPATH_IMPORT_ERROR = traceback.format_exc()
else:
    JMESPATH_IMPORT_ERROR = None


def limits_spec(warn, fail):
    """A ``warn`` / ``fail`` pair with its defaults."""
    return dict(type='dict', options=dict(warn=dict(type='float', default=warn),
                                          fail=dict(type='float', default=fail)))


def argument_spec():
    """The module's argument spec; defaults come from http_probes."""
    d = probes.ENDPOINT_DEFAULTS
    s = probes.SAMPLE_DEFAULTS
    endpoint = dict(
        name=dict(type='str'),
        url=dict(type='str', required=True),
        method=dict(type='str', default=d['method'], choices=list(probes.METHODS)),
        headers=dict(type='dict'),
        secret_headers=dict(type='dict', no_log=True),
        body=dict(type='raw'),
        secret_body=dict(type='raw', no_log=True),
        body_format=dict(type='str', default=d['body_format'], choices=['json', 'form', 'raw']),
        status_codes=dict(type='list', elements='int', default=d['status_codes']),
        body_regex=dict(type='str'),
        json_query=dict(type='str'),
        json_expected=dict(type='raw'),
        timeout=dict(type='float', default=d['timeout']),
        retries=dict(type='int', default=d['retries']),
        delay=dict(type='float', default=d['delay']),
        validate_certs=dict(type='bool', default=d['validate_certs']),
        ca_path=dict(type='path'),
        client_cert=dict(type='path'),
        client_key=dict(type='path', no_log=False),
        follow_redirects=dict(type='bool', default=d['follow_redirects']),
        max_body_bytes=dict(type='int', default=d['max_body_bytes']),
        response_time=limits_spec(probes.RESPONSE_TIME['warn'], probes.RESPONSE_TIME['fail']),
        sample=dict(type='dict', options=dict(
            requests=dict(type='int', default=s['requests']),
            concurrency=dict(type='int', default=s['concurrency']),
            budget_s=dict(type='float', default=s['budget_s']),
            p95=limits_spec(s['p95']['warn'], s['p95']['fail']),
            error_rate=limits_spec(s['error_rate']['warn'], s['error_rate']['fail']),
        )),
    )
    return dict(
        endpoints=dict(type='list', elements='dict', required=True, options=endpoint),
        total_timeout=dict(type='float', default=60.0),
        workers=dict(type='int', default=8),
    )


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if requests is None:
        fail_missing_library(module, 'http', 'requests', REQUESTS_IMPORT_ERROR)
    endpoints = [probes.merged_endpoint(ep) for ep in module.params['endpoints']]
    if jmespath is None and any(ep['json_query'] is not None for ep in endpoints):
        fail_missing_library(module, 'http', 'jmespath', JMESPATH_IMPORT_ERROR)
    errors = probes.input_errors(endpoints, module.params['total_timeout'], module.params['workers'],
                                 jmespath, os.path.exists)
    fail_on_input_errors(module, errors)
    report = Component('http')
    for record in probes.measure(requests, endpoints, jmespath, module.params['total_timeout'],
                                 module.params['workers']):
        report.add(record)
    module.exit_json(changed=False, readiness=report.result())


if __name__ == '__main__':
    main()
