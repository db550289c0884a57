# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transactions of a ``load_test``: a sequence of requests each virtual user sends in order.

As load testers define them (k6 groups / iterations, Locust tasks, JMeter's
transaction controller): a user sends step 1, waits for its answer, sends step
2, and so on; the transaction succeeds only when every step got one of its
expected statuses, and a failing step ends it (the next one starts again at
step 1).  Every step goes to the scheme, host and port of ``url`` (one
connection per user, as a browser keeps one), so a step gives a ``path`` or a
``url`` on that origin.  With ``cookies`` (the default) the cookies the server
sets in a transaction go back with its later steps (a session, a cart), and
each transaction starts without any, as k6 resets its jar per iteration.

Each stage then gives three more checks:

* ``load_tps:<label>``: successful transactions per second (lower is worse; no
  limits by default: the guide has no figure, a shop's target is its own);
* ``load_transaction_p95:<label>``: p95 duration of the successful transactions,
  in ms (the guide's p95, 1 s warn / 2 s fail, per step);
* ``load_transaction_error_rate:<label>``: failed transactions in percent of the
  finished ones (the guide's error rate, 1 % / 5 %).

Their messages carry mean / p99 and each step's figures, so every report format
shows them; the ``details`` of ``load_tps`` hold all the numbers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.golive.readiness.plugins.module_utils.load.engine import empty_transactions
from ansible_collections.golive.readiness.plugins.module_utils.load.http import (
    build_request,
    request_errors,
    split_url,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.stats import Histogram
from ansible_collections.golive.readiness.plugins.module_utils.probes.http import METHODS
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    HIGHER_IS_WORSE,
    LOWER_IS_WORSE,
    check_result,
    fmt_number,
    measured,
)

MAX_STEPS = 50
MAX_THINK_S = 300.0
STEP_KEYS = ('name', 'method', 'path', 'url', 'headers', 'body', 'secret_body', 'body_format',
             'status_codes', 'think_time')
BODY_FORMATS = ('json', 'form', 'raw')
TPS = {'warn': None, 'fail': None}
# Per step: a transaction of N steps warns at N times the guide's p95 and fails at twice that.
TRANSACTION_P95_PER_STEP = {'warn': 1000.0, 'fail': 2000.0}
TRANSACTION_ERROR_RATE = {'warn': 1.0, 'fail': 5.0}
# (option, check kind, direction) of the limits of the transaction checks.
LIMITS = (('tps', 'tps', LOWER_IS_WORSE), ('transaction_p95', 'transaction_p95', HIGHER_IS_WORSE),
          ('transaction_error_rate', 'transaction_error_rate', HIGHER_IS_WORSE))
KINDS = tuple(kind for _option, kind, _direction in LIMITS)

REMEDIATION = {
    'tps': 'Too few transactions complete per second: find the slowest or failing step in '
           'the details and the resource it waits for, or scale the service out.',
    'transaction_p95': 'Transactions take too long: the per-step figures say which step '
                       'is slow; profile it before the release.',
    'transaction_error_rate': 'Transactions fail under load: the per-step figures say '
                              'which step fails and with which status; check its logs.',
}


def limit_defaults(steps):
    """The default limits of the transaction options for a transaction of ``steps`` steps."""
    return dict(tps=dict(TPS), transaction_error_rate=dict(TRANSACTION_ERROR_RATE),
                transaction_p95=dict((key, value * max(1, steps))
                                     for key, value in TRANSACTION_P95_PER_STEP.items()))


def step_name(step, index):
    """A step's name: as given, else ``step<N>``."""
    return step.get('name') or 'step%d' % (index + 1)


def step_url(base_url, step):
    """The absolute URL of a step: its ``url``, else ``path`` on the origin of ``base_url``."""
    if step.get('url'):
        return step['url']
    scheme, host, port, _target = split_url(base_url)
    name = '[%s]' % host if ':' in host else host
    return '%s://%s:%d%s' % (scheme, name, port, step.get('path') or '')


def step_errors(opts):
    """Every problem with ``opts['transaction']``, each naming the step and its key."""
    steps = opts.get('transaction')
    if steps is None:
        return []
    if not isinstance(steps, list) or not steps:
        return ['transaction: give at least one step (a list of {method, path, ...})']
    errors = []
    if len(steps) > MAX_STEPS:
        errors.append('transaction: %d steps, at most %d' % (len(steps), MAX_STEPS))
    for option in ('body', 'secret_body'):
        if opts.get(option) is not None:
            errors.append('%s: give it per step (transaction[].%s) when a transaction is given'
                          % (option, option))
    try:
        origin = split_url(opts.get('url') or '')[:3]
    except ValueError:
        origin = None  # the url's own error says it
    names = {}
    for index, step in enumerate(steps):
        where = 'transaction[%d]' % index
        if not isinstance(step, dict):
            errors.append('%s: a step is a dict such as {method: GET, path: /products}' % where)
            continue
        unknown = sorted(set(step) - set(STEP_KEYS))
        if unknown:
            errors.append('%s: unknown key(s) %s; a step has %s'
                          % (where, ', '.join(map(str, unknown)), ', '.join(STEP_KEYS)))
        method = str(step.get('method') or opts.get('method') or 'GET').upper()
        body_format = step.get('body_format') or opts.get('body_format') or 'json'
        errors.extend(request_errors(where + '.', dict(
            method=method, status_codes=step.get('status_codes'), body=step.get('body'),
            secret_body=step.get('secret_body'), body_format=body_format,
            headers=step.get('headers'), secret_headers=None), METHODS))
        if body_format not in BODY_FORMATS:
            errors.append('%s.body_format: %s is not one of %s' % (where, body_format,
                                                                   ', '.join(BODY_FORMATS)))
        path, url = step.get('path'), step.get('url')
        if path and url:
            errors.append('%s: give path or url, not both' % where)
        elif not path and not url:
            errors.append('%s: give path (such as /products) or url' % where)
        elif path and (not str(path).startswith('/') or any(c in str(path) for c in ' \r\n#')):
            errors.append('%s.path: %r must start with / and hold no spaces, line breaks or #'
                          % (where, path))
        elif url:
            try:
                if origin is not None and split_url(url)[:3] != origin:
                    errors.append('%s.url: must be on the scheme, host and port of url (each user '
                                  'keeps one connection); give a path' % where)
            except ValueError:
                errors.append('%s.url: not an http:// or https:// URL with a host' % where)
        think = step.get('think_time')
        if think is not None and (not isinstance(think, (int, float)) or not 0 <= think <= MAX_THINK_S):
            errors.append('%s.think_time: %s is out of range 0 to %s seconds'
                          % (where, think, fmt_number(MAX_THINK_S)))
        name = step_name(step, index)
        if name in names:
            errors.append('%s.name: %r is also the name of transaction[%d]; give each step a '
                          'unique name' % (where, name, names[name]))
        names.setdefault(name, index)
    return errors


def build_steps(opts):
    """The engine's steps: each step's request bytes, whether it is HEAD and its expected codes.

    The module's ``method``, ``headers`` (under a step's own), ``secret_headers`` (over
    them), ``body_format`` and ``status_codes`` are every step's defaults.  Raises
    ValueError naming the step for a request that cannot be built.
    """
    steps = []
    for index, step in enumerate(opts['transaction']):
        method = str(step.get('method') or opts['method']).upper()
        headers = dict(opts['headers'] or {})
        headers.update(step.get('headers') or {})
        headers.update(opts['secret_headers'] or {})
        # A Cookie header given for the step is sent as it is, never a second one.
        cookies = opts.get('cookies', True) and not any(name.lower() == 'cookie' for name in headers)
        body = step.get('body') if step.get('body') is not None else step.get('secret_body')
        try:
            request = build_request(method, step_url(opts['url'], step), headers, body,
                                    step.get('body_format') or opts['body_format'], opts['keepalive'])
        except (ValueError, TypeError, UnicodeError) as exc:
            raise ValueError('transaction[%d]: cannot build the request: %s'
                             % (index, type(exc).__name__))
        steps.append(dict(request=request, head_request=method == 'HEAD', cookies=cookies,
                          expected=list(step.get('status_codes') or opts['status_codes']),
                          think_time=float(step.get('think_time') or 0.0)))
    return steps


def plan_steps(opts):
    """The steps as the plan shows them: name, method, path and expected codes, no secrets."""
    out = []
    for index, step in enumerate(opts['transaction'] or ()):
        target = split_url(step_url(opts['url'], step))[3] if step.get('url') else step.get('path')
        out.append(dict(name=step_name(step, index),
                        method=str(step.get('method') or opts['method']).upper(), path=target,
                        status_codes=list(step.get('status_codes') or opts['status_codes']),
                        think_time=step.get('think_time'),
                        body=('secret' if step.get('secret_body') is not None
                              else 'given' if step.get('body') is not None else None)))
    return out


def transaction_stats(opts, result):
    """The numbers of a stage's transactions and of each of its steps."""
    # None when nothing could be sent (the target's name does not resolve).
    tx = result.get('transactions') or empty_transactions(len(opts['transaction']))
    elapsed = result['elapsed_s']
    finished = tx['ok'] + tx['failed']
    stats = dict(steps=len(tx['steps']), started=tx['started'], ok=tx['ok'], failed=tx['failed'],
                 unfinished=tx['unfinished'],
                 error_rate=round(100.0 * tx['failed'] / finished, 3) if finished else None,
                 tps=round(tx['ok'] / elapsed, 2) if elapsed > 0 else 0.0,
                 elapsed_s=round(elapsed, 3))
    stats.update(_histogram(tx['histogram']).summary_ms())
    per_step = []
    for index, (step, tally) in enumerate(zip(opts['transaction'], tx['steps'])):
        answered = sum(tally['status_counts'].values())
        transport = sum(tally['transport_errors'].values())
        hist = _histogram(tally['histogram'])
        expected = set(step.get('status_codes') or opts['status_codes'])
        figures = dict(name=step_name(step, index), sent=tally['sent'], answered=answered,
                       ok=hist.count, unexpected_status=tally['unexpected'],
                       transport_errors=dict(tally['transport_errors']),
                       errors=tally['unexpected'] + transport,
                       status_counts=dict((str(k), v) for k, v in sorted(
                           (int(k), v) for k, v in tally['status_counts'].items())))
        figures['unexpected_counts'] = dict((code, number) for code, number in figures['status_counts'].items()
                                            if int(code) not in expected)
        figures.update(hist.summary_ms())
        per_step.append(figures)
    stats['per_step'] = per_step
    return stats


def unexpected_of(result):
    """Unexpected statuses of a transaction run, each step judged by its own codes."""
    return sum(step['unexpected'] for step in result['transactions']['steps'])


def _histogram(value):
    return value if isinstance(value, Histogram) else Histogram.from_dict(value)


def steps_text(stats):
    """``"steps: products 100/100 ok p95 1.2 ms; cart 70/100 ok (503 x30) ..."``."""
    parts = []
    for step in stats['per_step']:
        text = '%s %d/%d ok' % (step['name'], step['ok'], step['sent'])
        if 'p95_ms' in step:
            text += ' p95 %s ms' % fmt_number(step['p95_ms'])
        bad = ['%s x%d' % item for item in step['unexpected_counts'].items()]
        bad += ['%s x%d' % item for item in sorted(step['transport_errors'].items())]
        if bad:
            text += ' (%s)' % ', '.join(bad)
        parts.append(text)
    return 'steps: ' + '; '.join(parts)


def transaction_records(opts, label, load, stats, note=''):
    """The three transaction records of a stage, judged."""
    limits = opts['transaction_limits']
    duration_ms = stats['elapsed_s'] * 1000.0
    counts = '%d of %d transactions succeeded, %d failed, %d unfinished' % (
        stats['ok'], stats['started'], stats['failed'], stats['unfinished'])
    where = '%s (%d steps; %s)%s' % (label, stats['steps'], load, note)
    records = []
    tps = limits['tps']
    record = measured('load_tps:%s' % label, stats['tps'], 'tx/s', tps['warn'], tps['fail'],
                      LOWER_IS_WORSE, subject='successful transactions per second of %s' % where,
                      remediation=REMEDIATION['tps'], duration_ms=duration_ms, details=stats)
    record['message'] += '; %s' % counts
    if tps['warn'] is None and tps['fail'] is None:
        record['message'] += ' (set tps.warn / tps.fail to judge it)'
    records.append(record)
    p95 = limits['transaction_p95']
    if stats['ok']:
        record = measured('load_transaction_p95:%s' % label, stats['p95_ms'], 'ms', p95['warn'],
                          p95['fail'], subject='p95 transaction duration of %s over %d transactions'
                          % (where, stats['ok']), remediation=REMEDIATION['transaction_p95'],
                          duration_ms=duration_ms)
        record['message'] += '; mean %s ms, p99 %s ms; %s' % (
            fmt_number(stats['mean_ms']), fmt_number(stats['p99_ms']), steps_text(stats))
    else:
        record = check_result('load_transaction_p95:%s' % label, FAIL, unit='ms', warn=p95['warn'],
                              fail=p95['fail'], message='no transaction of %s succeeded; %s'
                              % (where, steps_text(stats)),
                              remediation=REMEDIATION['transaction_error_rate'],
                              duration_ms=duration_ms)
    records.append(record)
    rate = limits['transaction_error_rate']
    if stats['error_rate'] is not None:
        record = measured('load_transaction_error_rate:%s' % label, stats['error_rate'], 'percent',
                          rate['warn'], rate['fail'], subject='transaction error rate of %s' % where,
                          remediation=REMEDIATION['transaction_error_rate'], duration_ms=duration_ms)
        record['message'] += '; %s; %s' % (counts, steps_text(stats))
    else:
        record = check_result('load_transaction_error_rate:%s' % label, FAIL, unit='percent',
                              warn=rate['warn'], fail=rate['fail'],
                              message='no transaction of %s finished within the bounds; %s'
                              % (where, counts), remediation=REMEDIATION['tps'],
                              duration_ms=duration_ms)
    records.append(record)
    return records
