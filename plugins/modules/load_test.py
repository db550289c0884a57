#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: load-test an HTTP endpoint and judge latency, errors and throughput."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: load_test
short_description: Load-test an HTTP(S) endpoint or a transaction and judge latency, errors, throughput and TPS
version_added: 0.1.0
description:
  - Sends a bounded load of HTTP/1.1 requests to one URL from the host the task runs on (the
    load generator; use C(delegate_to) to pick it) and judges each stage of the test in the
    shared readiness result model.
  - Each stage gives five checks, named after O(name) and the stage
    (C(<name>) for a single stage, else C(<name>/<stage>)), C(load_p95:<label>)
    (p95 latency of the expected answers in ms; warn at 1000, fail at 2000),
    C(load_mean:<label>) (their mean latency; warn at 500, fail at 1000),
    C(load_p99:<label>) (their p99 latency; warn at 2000, fail at 4000),
    C(load_error_rate:<label>) (unexpected statuses and transport errors in percent; warn at 1,
    fail at 5) and C(load_throughput:<label>) (answers per second, lower is worse; fail at or
    below 100). The readiness guide's figures (p95 under 1 s, mean under 500 ms, p99 under 2 s)
    warn; twice them fails. The C(details) of C(load_p95) hold the status-code counts, the
    transport errors by kind and min / p50 / p90 / p95 / p99 / max / mean latency; the judged
    figures are checks of their own, so every report format shows them.
  - Closed model by default (each connection sends its next request when the previous answer
    arrived); with a O(rate) the model is open, requests are due at fixed times whatever the
    server does, and latency runs from when a request was due, so a stalled server shows as
    latency (no coordinated omission).
  - A O(transaction) (a sequence of requests, as k6 iterations, Locust tasks or JMeter
    transaction controllers define one) makes each virtual user send its steps in order, each
    after the previous answer; a transaction succeeds only when every step got one of its
    expected statuses, and a failing step ends it. Each stage then gives three more checks,
    C(load_tps:<label>) (successful transactions per second, lower is worse; no limits unless
    O(tps) gives them), C(load_transaction_p95:<label>) (p95 duration of the successful
    transactions in ms; warn at 1000 and fail above 2000 per step) and
    C(load_transaction_error_rate:<label>) (failed transactions in percent of the finished
    ones; warn at 1, fail above 5). Their messages give mean and p99 and, per step, the
    answers that were expected, the step's p95 and its unexpected statuses and transport
    errors; the C(details) of C(load_tps) hold every figure.
    The five request checks judge all the steps' requests together.
  - O(stages) run the readiness guide's scenarios as one task each, normal, peak, spike (a
    sudden jump from one stage to the next) and stress (rising stages with
    O(stop_at_break); the check C(load_breaking_point:<name>) reports the load that held
    before the first stage whose checks fail).
  - Always bounded, the whole test, warm-up included, sends at most O(max_requests) requests
    and runs at most O(max_duration) seconds; both have defaults and hard ceilings
    (1000000 requests, 3600 s). A test asked for more stops at the bound and says so.
  - A target that refuses connections, times out or fails TLS is C(fail), never C(unknown).
  - Secrets go in O(secret_headers) and O(secret_body), which are C(no_log); no header, body or
    response body ever appears in the result.
  - In check mode nothing is sent, the checks are C(skip) and RV(plan) says what would be sent.
  - The client is built for throughput (non-blocking sockets, one connection per virtual user,
    a pre-serialised request, minimal response parsing) and needs only the Python standard
    library; O(processes) spreads the connections over several processes.
author:
  - golive.readiness contributors (@golive)
extends_documentation_fragment:
  - golive.readiness.check_common
options:
  url:
    description: The http:// or https:// URL to load.
    type: str
    required: true
  name:
    description: Stable name of the test in the check names; defaults to the URL without credentials.
    type: str
  method:
    description: HTTP method.
    type: str
    default: GET
    choices: [GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS]
  headers:
    description: Request headers. Their values may appear in logs; put secrets in O(secret_headers).
    type: dict
  secret_headers:
    description: Request headers that carry secrets (C(Authorization), API keys); merged over O(headers).
    type: dict
  body:
    description: Request body, sent as O(body_format). Mutually exclusive with O(secret_body).
    type: raw
  secret_body:
    description: A request body that carries secrets (a login's credentials); sent like O(body).
    type: raw
  body_format:
    description: C(json) sends the body as JSON, C(form) as form fields (a dict), C(raw) as given.
    type: str
    default: json
    choices: [json, form, raw]
  status_codes:
    description: Expected status codes; any other answer counts as an error.
    type: list
    elements: int
    default: [200]
  requests:
    description:
      - Requests of a single-stage test (like C(ab -n)). Give O(requests), O(duration) or both
        (the first reached ends the test), or O(stages).
    type: int
  duration:
    description: Seconds of a single-stage test.
    type: float
  concurrency:
    description: Connections (virtual users), 1 to 10000; also the default of O(stages[].concurrency).
    type: int
    default: 10
  rate:
    description: Arrival rate of a single-stage test in requests per second (open model).
    type: float
  stages:
    description:
      - The stages of the test, run one after the other, each on fresh connections.
      - Each stage needs O(stages[].requests) or O(stages[].duration) or both.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the stage in the check names; defaults to C(stage<N>).
        type: str
      concurrency:
        description: Connections of the stage; defaults to O(concurrency).
        type: int
      rate:
        description: Arrival rate in requests per second (open model); without it the stage is closed.
        type: float
      requests:
        description: Requests of the stage.
        type: int
      duration:
        description: Seconds of the stage.
        type: float
  warmup_requests:
    description: Requests sent before the first stage, with its concurrency and rate, and left out of every check.
    type: int
    default: 0
  warmup_duration:
    description: Seconds of warm-up before the first stage (with O(warmup_requests), the first reached ends it).
    type: float
    default: 0
  keepalive:
    description: Keep connections open between requests (like C(ab -k)); off opens one connection per request.
    type: bool
    default: true
  timeout:
    description: Seconds a request may take, connection included; a later answer is a C(timeout) error.
    type: float
    default: 10
  validate_certs:
    description: Verify the server's TLS certificate. Switch off only for a test endpoint.
    type: bool
    default: true
  ca_path:
    description: CA bundle (PEM) to verify the server certificate with.
    type: path
  client_cert:
    description: Client certificate (PEM) for mutual TLS; may include the key.
    type: path
  client_key:
    description: Client private key (PEM) when not in O(client_cert).
    type: path
  processes:
    description:
      - Load generator processes (1 to 64); the connections, requests and rate are split between them.
      - Default one per CPU core of the host that sends the load (the load usually goes to
        other hosts), never more than the connections.
      - Against a server on the same small host, set 1 to leave the server a core. With nginx
        on the same 2 cores, one process reached 80 % of C(ab -k)'s rate and two 57 % on an
        otherwise idle machine (benchmarks/load_bench.py).
    type: int
  max_requests:
    description: Most requests the whole test may send, warm-up included (1 to 1000000).
    type: int
    default: 100000
  max_duration:
    description: Most seconds the whole test may run, warm-up included (at most 3600).
    type: float
    default: 300
  p95:
    description: Limits of the p95 latency in milliseconds.
    type: dict
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 1000}
      fail: {description: Fail above this many milliseconds., type: float, default: 2000}
  mean:
    description: Limits of the mean latency in milliseconds.
    type: dict
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 500}
      fail: {description: Fail above this many milliseconds., type: float, default: 1000}
  p99:
    description: Limits of the p99 latency in milliseconds.
    type: dict
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float, default: 2000}
      fail: {description: Fail above this many milliseconds., type: float, default: 4000}
  error_rate:
    description: Limits of the error rate in percent.
    type: dict
    suboptions:
      warn: {description: Warn at this percentage., type: float, default: 1}
      fail: {description: Fail above this percentage., type: float, default: 5}
  throughput:
    description: Limits of the throughput in answers per second (lower is worse).
    type: dict
    suboptions:
      warn: {description: Warn at or below this many requests per second., type: float}
      fail: {description: Fail below this many requests per second., type: float, default: 100}
  transaction:
    description:
      - The steps of a transaction, sent in order by every virtual user over its one
        connection; every step goes to the scheme, host and port of O(url).
      - O(method), O(headers), O(body_format) and O(status_codes) are each step's defaults;
        O(secret_headers) go with every step. O(body) and O(secret_body) are per step.
      - O(requests), O(stages[].requests) and O(max_requests) still count HTTP requests;
        a transaction starts only when all its steps fit, and one that has started finishes
        after O(duration) (never after O(max_duration)). A O(rate) is in transactions per second.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the step in messages and details; defaults to C(step<N>).
        type: str
      method:
        description: HTTP method of the step; defaults to O(method).
        type: str
        choices: [GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS]
      path:
        description: Path (with query) on the origin of O(url), such as C(/products). Give O(transaction[].path) or O(transaction[].url).
        type: str
      url:
        description: Absolute URL of the step, on the scheme, host and port of O(url).
        type: str
      headers:
        description: Headers of the step, over O(headers).
        type: dict
      body:
        description: Body of the step, sent as O(transaction[].body_format).
        type: raw
      secret_body:
        description: A body that carries secrets (a login's credentials); C(no_log).
        type: raw
      body_format:
        description: C(json), C(form) or C(raw); defaults to O(body_format).
        type: str
        choices: [json, form, raw]
      status_codes:
        description: Statuses that count as success for this step; defaults to O(status_codes).
        type: list
        elements: int
      think_time:
        description:
          - Seconds the user waits after this step's answer before the next step (a person
            reading the page; k6's sleep, JMeter's timers), 0 to 300. Left out of the
            transaction's duration.
          - After the last step, the wait before the user's next transaction (closed model only;
            with a O(rate) transactions start when due).
        type: float
  cookies:
    description:
      - With a O(transaction), keep the cookies the server sets (a session, a cart) and send
        them back with the transaction's later steps, as a browser would. Each transaction
        starts without cookies (a new session, as k6 resets its jar per iteration).
      - Only C(name=value) and C(Max-Age) are looked at (every step goes to one origin); a
        step whose headers give C(Cookie) sends that one instead.
    type: bool
    default: true
  tps:
    description:
      - Limits of the successful transactions per second (lower is worse). The guide has no
        figure for it, so without limits the check passes and says how to set them.
    type: dict
    suboptions:
      warn: {description: Warn at or below this many transactions per second., type: float}
      fail: {description: Fail below this many transactions per second., type: float}
  transaction_p95:
    description:
      - Limits of the p95 duration of the successful transactions in milliseconds.
      - Defaults are the guide's p95 per step, warn at 1000 and fail above 2000 times the
        number of steps.
    type: dict
    suboptions:
      warn: {description: Warn at this many milliseconds., type: float}
      fail: {description: Fail above this many milliseconds., type: float}
  transaction_error_rate:
    description: Limits of the failed transactions in percent of the finished ones.
    type: dict
    suboptions:
      warn: {description: Warn at this percentage., type: float, default: 1}
      fail: {description: Fail above this percentage., type: float, default: 5}
  stop_at_break:
    description:
      - Stress test, stop after the first stage with a failing check (the breaking point) and report
        C(load_breaking_point:<name>), the load (users, or req/s for stages with a rate) of the last
        stage that held. The breaking stage's numbers are in that check's details.
    type: bool
    default: false
  capacity:
    description:
      - Limits of the load that must hold before the breaking point (lower is worse), in users, or
        req/s for stages with a rate. Without limits a break is a C(warn).
    type: dict
    suboptions:
      warn: {description: Warn at or below this load., type: float}
      fail: {description: Fail below this load., type: float}
notes:
  - Send load only to systems you own. Each stage opens its own connections; the target's
    connection limits and rate limiting apply to the load generator's address.
  - A response is parsed only as far as its status code and its end (Content-Length, chunked,
    or the connection closing); redirects are not followed.
  - In check mode, unlike the other check modules, nothing is measured, because measuring means
    sending the load.
seealso:
  - module: golive.readiness.http_check
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: The guide's health check load, ab -n 1000 -c 10
  golive.readiness.load_test:
    url: https://shop.example.com/health
    requests: 1000
    concurrency: 10

- name: Log in under load with a secret body
  golive.readiness.load_test:
    name: login
    url: https://shop.example.com/api/auth/login
    method: POST
    secret_body:
      username: load-probe
      password: "{{ vault_load_probe_password }}"
    requests: 100
    concurrency: 2

- name: Peak at a fixed arrival rate after a warm-up
  golive.readiness.load_test:
    name: products-peak
    url: https://shop.example.com/api/products
    warmup_requests: 200
    stages:
      - {name: normal, concurrency: 20, rate: 200, duration: 30}
      - {name: peak, concurrency: 100, rate: 1000, duration: 30}

- name: Stress, step up until the limits break; 100 users must hold
  golive.readiness.load_test:
    name: products-stress
    url: https://shop.example.com/api/products
    stop_at_break: true
    capacity: {fail: 50}
    stages:
      - {name: u25, concurrency: 25, duration: 20}
      - {name: u50, concurrency: 50, duration: 20}
      - {name: u100, concurrency: 100, duration: 20}
      - {name: u200, concurrency: 200, duration: 20}
  delegate_to: loadgen1

- name: Shop transaction, browse, add to the cart, check out; at least 50 per second
  golive.readiness.load_test:
    name: checkout
    url: https://shop.example.com/
    duration: 60
    concurrency: 20
    transaction:
      - {name: products, path: /api/products, think_time: 2}
      - {name: cart, method: POST, path: /api/cart, body: {product: 1, quantity: 1}, status_codes: [200, 201]}
      - {name: checkout, path: /checkout}
    tps: {warn: 100, fail: 50}
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(load).
      type: str
      sample: load
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: pass
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 3, warn: 0, fail: 0, unknown: 0, skip: 0}
    checks:
      description:
        - Five checks per stage, eight with a O(transaction), plus C(load_breaking_point:<name>)
          with O(stop_at_break).
        - The C(details) of C(load_tps) hold the transactions started, succeeded, failed and
          unfinished, their min / p50 / p90 / p95 / p99 / max / mean duration and C(per_step),
          each step's requests sent, expected answers, statuses, transport errors and latencies.
      type: list
      elements: dict
      sample:
        - name: "load_p95:health"
          status: pass
          value: 1.283
          unit: ms
          warn: 1000.0
          fail: 2000.0
          message: "p95 latency of health over 1000 answers (10 users, 1000 requests) is 1.283 ms (warn at 1000 ms, fail at 2000 ms)"
          remediation: null
          duration_ms: 91.2
          details: {sent: 1000, answered: 1000, ok: 1000, error_rate: 0.0, throughput_rps: 10964.5,
                    status_counts: {"200": 1000}, transport_errors: {}, p50_ms: 0.61, p95_ms: 1.283}
plan:
  description:
    - What the test sends (also in check mode, where nothing is sent), without secrets.
    - With a O(transaction), C(transaction) lists its steps (name, method, path, status codes,
      whether a body is given or secret); else it is null.
  returned: always
  type: dict
  sample: {url: "https://shop.example.com/health", method: GET, max_requests: 100000, max_duration: 300,
           stages: [{name: null, label: health, concurrency: 10, requests: 1000, duration: null, rate: null}]}
load:
  description: Totals of the run, requests sent (warm-up included) and the bound that stopped it, if any.
  returned: when not in check mode
  type: dict
  sample: {sent: 1000, warmup_sent: 0, max_requests: 100000, max_duration: 300, stopped_by: null}
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    fail_on_input_errors,
)
from ansible_collections.golive.readiness.plugins.module_utils.probes.http import METHODS
from ansible_collections.golive.readiness.plugins.module_utils.load import plan, transaction


def limits_spec(defaults):
    """A ``warn`` / ``fail`` pair with its defaults."""
    return dict(type='dict', options=dict(warn=dict(type='float', default=defaults['warn']),
                                          fail=dict(type='float', default=defaults['fail'])))


def argument_spec():
    """The module's argument spec; defaults come from load_plan."""
    d = plan.DEFAULTS
    return dict(
        url=dict(type='str', required=True),
        name=dict(type='str'),
        method=dict(type='str', default=d['method'], choices=list(METHODS)),
        headers=dict(type='dict'),
        secret_headers=dict(type='dict', no_log=True),
        body=dict(type='raw'),
        secret_body=dict(type='raw', no_log=True),
        body_format=dict(type='str', default=d['body_format'], choices=['json', 'form', 'raw']),
        status_codes=dict(type='list', elements='int', default=d['status_codes']),
        requests=dict(type='int'),
        duration=dict(type='float'),
        concurrency=dict(type='int', default=d['concurrency']),
        rate=dict(type='float'),
        stages=dict(type='list', elements='dict', options=dict(
            name=dict(type='str'),
            concurrency=dict(type='int'),
            rate=dict(type='float'),
            requests=dict(type='int'),
            duration=dict(type='float'),
        )),
        warmup_requests=dict(type='int', default=d['warmup_requests']),
        warmup_duration=dict(type='float', default=d['warmup_duration']),
        keepalive=dict(type='bool', default=d['keepalive']),
        timeout=dict(type='float', default=d['timeout']),
        validate_certs=dict(type='bool', default=d['validate_certs']),
        ca_path=dict(type='path'),
        client_cert=dict(type='path'),
        client_key=dict(type='path', no_log=False),
        processes=dict(type='int', default=d['processes']),
        max_requests=dict(type='int', default=d['max_requests']),
        max_duration=dict(type='float', default=d['max_duration']),
        p95=limits_spec(plan.P95),
        mean=limits_spec(plan.MEAN),
        p99=limits_spec(plan.P99),
        error_rate=limits_spec(plan.ERROR_RATE),
        throughput=limits_spec(plan.THROUGHPUT),
        stop_at_break=dict(type='bool', default=d['stop_at_break']),
        capacity=limits_spec(plan.CAPACITY),
        transaction=dict(type='list', elements='dict', options=dict(
            name=dict(type='str'),
            method=dict(type='str', choices=list(METHODS)),
            path=dict(type='str'),
            url=dict(type='str'),
            headers=dict(type='dict'),
            body=dict(type='raw'),
            secret_body=dict(type='raw', no_log=True),
            body_format=dict(type='str', choices=list(transaction.BODY_FORMATS)),
            status_codes=dict(type='list', elements='int'),
            think_time=dict(type='float'),
        )),
        cookies=dict(type='bool', default=d['cookies']),
        tps=limits_spec(transaction.TPS),
        transaction_p95=limits_spec(dict(warn=None, fail=None)),  # per step, see transaction.py
        transaction_error_rate=limits_spec(transaction.TRANSACTION_ERROR_RATE),
    )


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    opts = plan.merged(module.params)
    errors = plan.input_errors(opts)
    fail_on_input_errors(module, errors)
    report = Component('load')
    if module.check_mode:
        for record in plan.check_mode_records(opts):
            report.add(record)
        module.exit_json(changed=False, readiness=report.result(), plan=plan.plan(opts))
    try:
        records, totals = plan.run(opts)
    except ValueError as exc:  # a TLS file that does not load, a request that cannot be built
        module.fail_json(msg=str(exc))
    for record in records:
        report.add(record)
    module.exit_json(changed=False, readiness=report.result(), plan=plan.plan(opts), load=totals)


if __name__ == '__main__':
    main()
