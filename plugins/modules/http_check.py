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
    shared readiness result model. One check per endpoint, named C(response_time:<name>) (the
    endpoint's O(endpoints[].name), else its URL without credentials).
  - "Checks are named like the option that sets their limits: C(response_time:<name>),
    C(p95:<name>) and C(error_rate:<name>). Before 0.2.0 they were C(http:<name>),
    C(http_p95:<name>) and C(http_error_rate:<name>); the gate's ignore list still matches
    those, with a warning."
  - The limits O(response_time), O(p95) and O(error_rate) apply to every endpoint; an endpoint
    overrides them with O(endpoints[].response_time), O(endpoints[].sample.p95) and
    O(endpoints[].sample.error_rate). Limits must lie in their domain (times above 0,
    percentages 0 to 100, finite numbers) and be ordered (warn before fail), also once merged;
    anything else is bad input. So is a URL that is not http(s), has no host or a port outside
    1 to 65535.
  - The response time runs from before the connection to the last byte of the body and is
    measured with sub-millisecond precision. Defaults follow the readiness guide
    (warn at 1000 ms, fail at 2000 ms).
  - Optionally an endpoint is sampled with O(endpoints[].sample.requests) requests, giving
    p50 / p95 / p99 (nearest rank, always a response time that was measured, as in
    M(golive.readiness.load_test); check C(p95:<name>), p95 warns at 1000 ms) and the error rate
    (check C(error_rate:<name>), warn at 1%, fail at 5%).
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
  - jmespath on the managed host, only when an endpoint uses O(endpoints[].json_query); without
    it such an endpoint's check is C(unknown) and the others still run
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  instance:
    description:
      - Name of what this call measures (an application), in the report as C(readiness.instance),
        so two calls on one host with endpoints of the same name are separate records.
      - Without it the endpoints' names alone identify the checks.
    type: str
  endpoints:
    description: The endpoints to probe, concurrently; at least one.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Stable name of the check (C(http:<name>)); defaults to the URL without credentials.
          - Names must be unique within the call.
        type: str
      url:
        description: The http:// or https:// URL, with a host (and a port from 1 to 65535 if given).
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
        description: Expected status codes, each 100 to 599; any other is C(fail).
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
        description: Seconds to connect, and seconds for the whole answer to arrive (per attempt), (0, 300].
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
        description: Bytes of the body kept for O(endpoints[].body_regex) and O(endpoints[].json_query) (the whole body is still read and timed), 1 to 16777216.
        type: int
        default: 1048576
      response_time:
        description: This endpoint's limits of the response time in milliseconds, over O(response_time).
        type: dict
        suboptions:
          warn: {description: Warn at this many milliseconds; O(response_time.warn) without it., type: float}
          fail: {description: Fail above this many milliseconds; O(response_time.fail) without it., type: float}
      sample:
        description:
          - Send O(endpoints[].sample.requests) more requests (the same request, with
            O(endpoints[].sample.concurrency) at a time) and judge the p95 response time and
            the error rate. An error is a failed connection, a timeout or an unexpected status.
          - Sampling stops after O(endpoints[].sample.budget_s) seconds; requests not sent by
            then are left out and the message says so.
        type: dict
        suboptions:
          requests: {description: 'Number of requests, 0 to 1000; 0 switches sampling off.', type: int, default: 0}
          concurrency: {description: Requests in flight at a time (1 to 32)., type: int, default: 4}
          budget_s: {description: 'Time budget of the sample in seconds, (0, 600].', type: float, default: 30}
          p95:
            description: This endpoint's limits of the p95 response time in milliseconds, over O(p95).
            type: dict
            suboptions:
              warn: {description: Warn at this many milliseconds; O(p95.warn) without it., type: float}
              fail: {description: Fail above this many milliseconds; O(p95.fail) without it., type: float}
          error_rate:
            description: This endpoint's limits of the error rate in percent, over O(error_rate).
            type: dict
            suboptions:
              warn: {description: Warn at this percentage; O(error_rate.warn) without it., type: float}
              fail: {description: Fail above this percentage; O(error_rate.fail) without it., type: float}
      delivery:
        description:
          - Judge how the page is delivered, as a browser would fetch it, without a browser (see
            M(golive.readiness.web_perf_check) for what a browser experiences). The page is fetched
            offering gzip, then the scripts, style sheets, images and icons its HTML references, at most
            O(endpoints[].delivery.resources) of them, within O(total_timeout).
          - "Checks: C(compression:<name>) (text resources over 1400 bytes sent without
            C(Content-Encoding)), C(cache_lifetime:<name>) (referenced resources with no
            C(Cache-Control: max-age) or future C(Expires)), C(redirects:<name>) (redirects before the
            page answered), C(http2:<name>) (a TLS endpoint that does not offer HTTP/2 through ALPN
            warns; C(skip) for plain HTTP) and C(page_weight:<name>) (bytes on the wire, KiB)."
        type: dict
        suboptions:
          enabled: {description: Judge the delivery of this endpoint's page., type: bool, default: false}
          resources: {description: 'Most referenced resources fetched, 0 to 100.', type: int, default: 25}
          http2: {description: Judge whether a TLS endpoint offers HTTP/2., type: bool, default: true}
          compression:
            description: This endpoint's limits of C(compression:<name>) in resources, over O(compression).
            type: dict
            suboptions:
              warn: {description: Warn at this many resources; O(compression.warn) without it., type: float}
              fail: {description: Fail above this many resources; O(compression.fail) without it., type: float}
          cache_lifetime:
            description: This endpoint's limits of C(cache_lifetime:<name>) in resources, over O(cache_lifetime).
            type: dict
            suboptions:
              warn: {description: Warn at this many resources; O(cache_lifetime.warn) without it., type: float}
              fail: {description: Fail above this many resources; O(cache_lifetime.fail) without it., type: float}
          redirects:
            description: This endpoint's limits of C(redirects:<name>) in redirects, over O(redirects).
            type: dict
            suboptions:
              warn: {description: Warn at this many redirects; O(redirects.warn) without it., type: float}
              fail: {description: Fail above this many redirects; O(redirects.fail) without it., type: float}
          page_weight:
            description: This endpoint's limits of C(page_weight:<name>) in KiB, over O(page_weight).
            type: dict
            suboptions:
              warn: {description: Warn at this many KiB; O(page_weight.warn) without it., type: float}
              fail: {description: Fail above this many KiB; O(page_weight.fail) without it., type: float}
      https_only:
        description:
          - Encryption in transit, proven by trying the plaintext path (check C(https_only:<name>)) -
            the same host and path over plain HTTP on O(endpoints[].plain_port), without following
            redirects, must be refused, time out or redirect to an C(https://) location; any other
            answer fails. The O(endpoints[].url) must be C(https://).
          - Give the HTTPS port itself as O(endpoints[].plain_port) for a TLS-only port (Prometheus,
            Alertmanager, an exporter with a web config) - its server's C(400) refusal of plaintext
            (Go's "Client sent an HTTP request to an HTTPS server", nginx's "The plain HTTP request
            was sent to HTTPS port") passes.
        type: bool
        default: false
      plain_port:
        description: Port of the plain-HTTP path tried for O(endpoints[].https_only), 1 to 65535.
        type: int
        default: 80
      auth:
        description:
          - Application authentication of this endpoint. With O(endpoints[].auth.username) every request
            to it (the response time, the sample, the delivery) uses basic authentication.
          - "Checks: C(auth:<name>) (O(endpoints[].auth.protected)) and C(lockout:<name>)
            (O(endpoints[].auth.lockout.enabled)). Only status codes are recorded, never a credential."
        type: dict
        suboptions:
          protected:
            description:
              - The endpoint must be protected (check C(auth:<name>)), proven by trying both sides - the
                request without any credential (no O(endpoints[].secret_headers), no basic
                authentication, no client certificate) must be refused with one of
                O(endpoints[].auth.denied_codes), and with the credentials it must answer one of
                O(endpoints[].status_codes). Either answer otherwise fails, as does no answer.
              - Needs credentials - O(endpoints[].auth.username) and O(endpoints[].auth.password),
                O(endpoints[].secret_headers) (a bearer token) or O(endpoints[].client_cert).
            type: bool
            default: false
          username:
            description: User name for basic authentication.
            type: str
          password:
            description: Password for basic authentication; from a vault. Never shown in results or logs.
            type: str
          denied_codes:
            description: Status codes that count as refused without credentials, each 100 to 599.
            type: list
            elements: int
            default: [401, 403]
          lockout:
            description:
              - Lock-out probe (check C(lockout:<name>)) - O(endpoints[].auth.lockout.attempts) basic-auth
                requests with a wrong password, then one with the right password, which must be refused
                (the account or the client is locked or throttled); accepted fails.
              - It locks the account it tries, so it is refused unless O(endpoints[].auth.lockout.target)
                marks the endpoint as a C(test) or C(staging) target. Bounded - at most 20 attempts
                plus one, within O(endpoints[].auth.lockout.budget_s).
            type: dict
            suboptions:
              enabled: {description: Run the lock-out probe., type: bool, default: false}
              target:
                description: What the endpoint is; the probe runs only for C(test) or C(staging). No default, on purpose.
                type: str
                choices: [test, staging]
              attempts: {description: 'Failed logins sent before the right one, 1 to 20.', type: int, default: 5}
              budget_s: {description: 'Time budget of the probe in seconds, (0, 120].', type: float, default: 30}
  compression:
    description: Limits of C(compression:<name>) in uncompressed text resources, for endpoints with O(endpoints[].delivery.enabled).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many resources., type: float, default: 1}
      fail: {description: Fail above this many resources., type: float, default: 3}
  cache_lifetime:
    description: Limits of C(cache_lifetime:<name>) in static resources without a cache lifetime, for endpoints with O(endpoints[].delivery.enabled).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many resources., type: float, default: 1}
      fail: {description: Fail above this many resources., type: float, default: 10}
  redirects:
    description: Limits of C(redirects:<name>) in redirects before the page answers, for endpoints with O(endpoints[].delivery.enabled).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many redirects., type: float, default: 2}
      fail: {description: Fail above this many redirects., type: float, default: 4}
  page_weight:
    description:
      - Limits of C(page_weight:<name>) in KiB on the wire for the page and its resources, for endpoints with O(endpoints[].delivery.enabled).
      - Lighthouse flags pages from 1600 KiB.
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many KiB., type: float, default: 1600}
      fail: {description: Fail above this many KiB., type: float, default: 4000}
  response_time:
    description: Limits of every endpoint's response time in milliseconds (checks C(response_time:<name>)).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 1000}
      fail: {description: Fail above this many milliseconds., type: float, default: 2000}
  p95:
    description: Limits of a sampled endpoint's p95 response time in milliseconds (checks C(p95:<name>)).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 1000}
      fail: {description: Fail above this many milliseconds., type: float}
  error_rate:
    description: Limits of a sampled endpoint's error rate in percent (checks C(error_rate:<name>)).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at this percentage., type: float, default: 1}
      fail: {description: Fail above this percentage., type: float, default: 5}
  total_timeout:
    description: Seconds the whole call may take, (0, 600]; endpoints without a result by then are C(fail).
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
        response_time: {warn: 500, fail: 1500}   # over the module-wide response_time

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

- name: The admin area refuses anonymous requests; staging locks out after 5 failed logins
  golive.readiness.http_check:
    endpoints:
      - name: admin
        url: https://staging.example.com/admin/
        auth:
          protected: true
          username: readiness-probe
          password: "{{ vault_probe_password }}"
          lockout:
            enabled: true
            target: staging
            attempts: 5
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
    instance:
      description: O(instance), when given.
      type: str
      sample: shop
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
        - One entry per endpoint (C(response_time:<name>), value the response time in ms), plus
          C(p95:<name>) and C(error_rate:<name>) for sampled endpoints, whose
          C(details) hold p50_ms, p95_ms, p99_ms, min_ms, max_ms, mean_ms, errors and
          throughput_rps.
        - C(auth:<name>) (value the status code without credentials; C(details) with_credentials,
          without_credentials) and C(lockout:<name>) (value the failed logins sent; C(details)
          failed_login_statuses, right_password_status) for endpoints with O(endpoints[].auth).
      type: list
      elements: dict
      sample:
        - name: "response_time:health"
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

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import http as probes


def main():
    """Entry point: the catalogue and runner in probes/http.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
