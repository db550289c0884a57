# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plan, bound, run and judge a ``load_test``: stages, warm-up, limits and the result records.

A test is a list of stages (one when no ``stages`` are given), each with its
connections (``concurrency``), an optional arrival ``rate`` and a length in
requests and / or seconds.  The whole test, warm-up included, never sends
more than ``max_requests`` requests nor runs longer than ``max_duration``
seconds; both have defaults and hard ceilings, so a load test is always
bounded.  Each stage gives five checks, in the shared result model:

* ``load_p95:<label>``: p95 latency of the expected answers, in ms (warn 1 s, fail 2 s);
* ``load_mean:<label>``: their mean latency, in ms (warn 500 ms, fail 1 s);
* ``load_p99:<label>``: their p99 latency, in ms (warn 2 s, fail 4 s);
* ``load_error_rate:<label>``: unexpected statuses and transport errors, in percent (1 % / 5 %);
* ``load_throughput:<label>``: answers per second, lower is worse (fail at or below 100).

With a ``transaction`` (a sequence of requests, see ``transaction.py``) each
virtual user sends its steps in order and a stage gives three more checks,
``load_tps``, ``load_transaction_p95`` and ``load_transaction_error_rate``.

With ``stop_at_break`` (a stress test) the stages run until the first one
whose checks fail: that is the breaking point, reported as
``load_breaking_point:<name>`` with the load that still held.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import ssl
import time

from ansible_collections.golive.readiness.plugins.module_utils.probes.http import (
    METHODS,
    redact_url,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.engine import (
    error_text,
    resolve,
    run_processes,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.http import (
    build_request,
    request_errors,
    split_url,
)
from ansible_collections.golive.readiness.plugins.module_utils.load.stats import Histogram
from ansible_collections.golive.readiness.plugins.module_utils.load import transaction as tx
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    HIGHER_IS_WORSE,
    LOWER_IS_WORSE,
    WARN,
    check_result,
    evaluate,
    in_range,
    measured,
    merge_options,
    skipped,
    validate_limits,
)

# Defaults from the readiness guide: its figure (p95 < 1 s, mean < 500 ms, p99 < 2 s) warns,
# twice it fails, as for p95 since 0.1.0.
P95 = {'warn': 1000.0, 'fail': 2000.0}
MEAN = {'warn': 500.0, 'fail': 1000.0}
P99 = {'warn': 2000.0, 'fail': 4000.0}
ERROR_RATE = {'warn': 1.0, 'fail': 5.0}
THROUGHPUT = {'warn': None, 'fail': 100.0}
CAPACITY = {'warn': None, 'fail': None}
# Latency checks: (kind, statistic, what the message calls it); all judge the expected answers.
LATENCIES = (('p95', 'p95_ms', 'p95 latency'), ('mean', 'mean_ms', 'mean latency'),
             ('p99', 'p99_ms', 'p99 latency'))
# Every kind of record a stage gives, in order.
KINDS = ('p95', 'mean', 'p99', 'error_rate', 'throughput')
DIRECTIONS = (('p95', HIGHER_IS_WORSE), ('mean', HIGHER_IS_WORSE), ('p99', HIGHER_IS_WORSE),
              ('error_rate', HIGHER_IS_WORSE),
              ('throughput', LOWER_IS_WORSE), ('capacity', LOWER_IS_WORSE))

# Bounds: the defaults apply when the options are not given; the ceilings cannot be raised.
MAX_REQUESTS_DEFAULT = 100000
MAX_REQUESTS_CEILING = 1000000
MAX_DURATION_DEFAULT = 300.0
MAX_DURATION_CEILING = 3600.0
MAX_CONCURRENCY = 10000
MAX_RATE = 1000000.0
MAX_TIMEOUT = 300.0
MAX_PROCESSES = 64
MAX_STAGES = 50

DEFAULTS = {
    'name': None, 'method': 'GET', 'headers': None, 'secret_headers': None, 'body': None,
    'secret_body': None, 'body_format': 'json', 'status_codes': [200], 'requests': None,
    'duration': None, 'concurrency': 10, 'rate': None, 'stages': None, 'warmup_requests': 0,
    'warmup_duration': 0.0, 'keepalive': True, 'timeout': 10.0, 'validate_certs': True,
    'ca_path': None, 'client_cert': None, 'client_key': None, 'processes': None,
    'max_requests': MAX_REQUESTS_DEFAULT, 'max_duration': MAX_DURATION_DEFAULT,
    'stop_at_break': False, 'transaction': None, 'cookies': True,
}

REMEDIATION = {
    'p95': 'Latency under load is too high: profile the slow requests and the '
           'resources they wait for (database, locks, CPU) before the release.',
    'error_rate': 'Requests fail under load: check the service logs and its limits '
                  '(workers, connections, file handles).',
    'throughput': 'The service answers too few requests per second: scale it out or remove '
                  'the bottleneck (compare with its CPU and database load during the test).',
    'capacity': 'The service breaks below the load it must carry: raise its capacity before '
                'the release.',
    'unreachable': 'Start the service, or fix the address / firewall between the load '
                   'generator and the target.',
}


def merged(params):
    """The test's options: defaults overlaid with what was given (None keeps the default)."""
    opts = dict(DEFAULTS)
    for key, value in params.items():
        if value is not None:
            opts[key] = value
    opts['method'] = (opts['method'] or 'GET').upper()
    opts['p95'] = merge_options(params.get('p95'), P95)
    opts['mean'] = merge_options(params.get('mean'), MEAN)
    opts['p99'] = merge_options(params.get('p99'), P99)
    opts['error_rate'] = merge_options(params.get('error_rate'), ERROR_RATE)
    opts['throughput'] = merge_options(params.get('throughput'), THROUGHPUT)
    opts['capacity'] = merge_options(params.get('capacity'), CAPACITY)
    steps = opts['transaction'] if isinstance(opts['transaction'], list) else []
    defaults = tx.limit_defaults(len(steps))
    opts['transaction_limits'] = dict((option, merge_options(params.get(option), defaults[option]))
                                      for option, _kind, _direction in tx.LIMITS)
    return opts


def rate_unit_of(opts):
    """The unit of ``rate``: transactions per second when the test has a transaction."""
    return 'tx/s' if opts.get('transaction') else 'req/s'


def kinds_of(opts):
    """The kinds of record each stage gives: five, and three more with a transaction."""
    return KINDS + tx.KINDS if opts.get('transaction') else KINDS


def stages_of(opts):
    """The stages to run, each a dict with name, concurrency, rate, requests and duration."""
    if opts['stages']:
        stages = []
        for index, given in enumerate(opts['stages']):
            stage = dict(name='stage%d' % (index + 1), concurrency=opts['concurrency'], rate=None,
                         requests=None, duration=None)
            for key, value in (given or {}).items():
                if value is not None:
                    stage[key] = value
            stages.append(stage)
        return stages
    return [dict(name=None, concurrency=opts['concurrency'], rate=opts['rate'],
                 requests=opts['requests'], duration=opts['duration'])]


def test_name(opts):
    """The stable name of the test: ``name``, else the URL without credentials."""
    return opts['name'] or redact_url(opts['url'])


def stage_label(opts, stage):
    """``<name>`` for a single unnamed stage, else ``<name>/<stage>``."""
    return test_name(opts) if stage['name'] is None else '%s/%s' % (test_name(opts), stage['name'])


def input_errors(opts, path_exists=os.path.exists):
    """Return every problem with the merged options, each naming its option."""
    errors = []
    try:
        split_url(opts.get('url') or '')
    except ValueError:
        errors.append('url: %r is not an http:// or https:// URL with a host'
                      % redact_url(opts.get('url') or ''))
    errors.extend(request_errors('', dict(opts, status_codes=opts['status_codes'] or []), METHODS))
    in_range(errors, 'max_requests', opts['max_requests'], 1, MAX_REQUESTS_CEILING)
    in_range(errors, 'max_duration', opts['max_duration'], 0, MAX_DURATION_CEILING, low_open=True)
    in_range(errors, 'timeout', opts['timeout'], 0, MAX_TIMEOUT, low_open=True)
    if opts['processes'] is not None:
        in_range(errors, 'processes', opts['processes'], 1, MAX_PROCESSES)
    in_range(errors, 'warmup_requests', opts['warmup_requests'], 0, MAX_REQUESTS_CEILING)
    in_range(errors, 'warmup_duration', opts['warmup_duration'], 0, MAX_DURATION_CEILING)
    if opts['stages']:
        for option in ('requests', 'duration', 'rate'):
            if opts[option] is not None:
                errors.append('%s: give it per stage when stages are given (stages[].%s)'
                              % (option, option))
        if len(opts['stages']) > MAX_STAGES:
            errors.append('stages: %d stages, at most %d' % (len(opts['stages']), MAX_STAGES))
    names = {}
    for index, stage in enumerate(stages_of(opts)):
        prefix = 'stages[%d].' % index if opts['stages'] else ''
        in_range(errors, prefix + 'concurrency', stage['concurrency'], 1, MAX_CONCURRENCY)
        in_range(errors, prefix + 'rate', stage['rate'], 0, MAX_RATE, low_open=True)
        in_range(errors, prefix + 'requests', stage['requests'], 1, MAX_REQUESTS_CEILING)
        in_range(errors, prefix + 'duration', stage['duration'], 0, MAX_DURATION_CEILING,
                 low_open=True)
        if stage['requests'] is None and stage['duration'] is None:
            errors.append('%s: give %srequests or %sduration (or both: the first reached ends it)'
                          % (prefix.rstrip('.') or 'requests', prefix, prefix))
        if stage['name'] is not None:
            if stage['name'] in names:
                errors.append('%sname: %r is also the name of stages[%d]; give each stage a '
                              'unique name' % (prefix, stage['name'], names[stage['name']]))
            names.setdefault(stage['name'], index)
    for option, direction in DIRECTIONS:
        error = validate_limits(option, opts[option].get('warn'), opts[option].get('fail'), direction)
        if error:
            errors.append(error)
    errors.extend(tx.step_errors(opts))
    for option, _kind, direction in tx.LIMITS:
        limits = opts['transaction_limits'][option]
        error = validate_limits(option, limits.get('warn'), limits.get('fail'), direction)
        if error:
            errors.append(error)
    steps = len(opts['transaction']) if isinstance(opts.get('transaction'), list) else 0
    if steps > 1:
        # Requests count HTTP requests; a transaction starts only when all its steps fit.
        for index, stage in enumerate(stages_of(opts)):
            prefix = 'stages[%d].' % index if opts['stages'] else ''
            if stage['requests'] is not None and 1 <= stage['requests'] < steps:
                errors.append('%srequests: %d is fewer than the %d requests of one transaction'
                              % (prefix, stage['requests'], steps))
        if 1 <= opts['warmup_requests'] < steps:
            errors.append('warmup_requests: %d is fewer than the %d requests of one transaction'
                          % (opts['warmup_requests'], steps))
    for key in ('ca_path', 'client_cert', 'client_key'):
        if opts[key] and not path_exists(opts[key]):
            errors.append('%s: %s does not exist' % (key, opts[key]))
    if opts['client_key'] and not opts['client_cert']:
        errors.append('client_key: needs client_cert')
    return errors


def ssl_context_for(opts):
    """The TLS context of an https:// target; raises ValueError naming the option on bad files."""
    if opts['validate_certs']:
        try:
            context = ssl.create_default_context(cafile=opts['ca_path'] or None)
        except (ssl.SSLError, OSError) as exc:
            raise ValueError('ca_path: cannot load %s: %s' % (opts['ca_path'], error_text(exc)))
    else:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if opts['client_cert']:
        try:
            context.load_cert_chain(opts['client_cert'], opts['client_key'] or None)
        except (ssl.SSLError, OSError) as exc:
            raise ValueError('client_cert: cannot load %s: %s' % (opts['client_cert'], error_text(exc)))
    return context


def target_of(opts):
    """The engine's target: the request bytes and where to send them.

    Raises ValueError naming the option for a request that cannot be built.
    A name that does not resolve is not an input error: the target has
    ``resolve_error`` and every stage reports it as a transport error.
    """
    scheme, host, port, _target = split_url(opts['url'])
    headers = dict(opts['headers'] or {})
    headers.update(opts['secret_headers'] or {})
    body = opts['body'] if opts['body'] is not None else opts['secret_body']
    try:
        request = build_request(opts['method'], opts['url'], headers, body, opts['body_format'],
                                opts['keepalive'])
    except (ValueError, TypeError, UnicodeError) as exc:
        raise ValueError('headers / body: cannot build the request: %s' % type(exc).__name__)
    target = dict(request=request, head_request=opts['method'] == 'HEAD',
                  keepalive=opts['keepalive'], expected=list(opts['status_codes']),
                  timeout=opts['timeout'], ssl_context=None, server_hostname=None,
                  family=None, sockaddr=None, resolve_error=None, host=host, port=port)
    if opts.get('transaction'):
        target['steps'] = tx.build_steps(opts)
    if scheme == 'https':
        target['ssl_context'] = ssl_context_for(opts)
        target['server_hostname'] = host
    try:
        target['family'], target['sockaddr'] = resolve(host, port)
    except (socket.gaierror, OSError, UnicodeError) as exc:
        reason = getattr(exc, 'strerror', None) or type(exc).__name__
        target['resolve_error'] = '%s does not resolve: %s' % (host, reason)
    return target


def describe_stage(stage, rate_unit='req/s'):
    """``"10 users, 1000 requests"`` style text; a transaction's rate is in ``tx/s``."""
    parts = ['%d users' % stage['concurrency']]
    if stage['rate']:
        parts.append('%g %s' % (stage['rate'], rate_unit))
    if stage['requests']:
        parts.append('%d requests' % stage['requests'])
    if stage['duration']:
        parts.append('%gs' % stage['duration'])
    return ', '.join(parts)


def processes_of(opts):
    """Load generator processes: as given, else one per CPU core of this host.

    One Python process is bound by its own CPU (about 7 us per request), so a generator
    that sends to other hosts needs every core to keep up with a C client; the engine
    never uses more processes than connections.
    """
    if opts['processes'] is not None:
        return opts['processes']
    return max(1, min(os.cpu_count() or 1, MAX_PROCESSES))


def plan(opts):
    """What the test would send, without sending anything (check mode, and every result)."""
    stages = stages_of(opts)
    return dict(
        url=redact_url(opts['url']), method=opts['method'],
        header_names=sorted(set(list((opts['headers'] or {}).keys())
                                + list((opts['secret_headers'] or {}).keys()))),
        body=('secret' if opts['secret_body'] is not None
              else 'given' if opts['body'] is not None else None),
        keepalive=opts['keepalive'], timeout=opts['timeout'], processes=processes_of(opts),
        warmup=dict(requests=opts['warmup_requests'], duration=opts['warmup_duration']),
        stages=[dict(stage, label=stage_label(opts, stage)) for stage in stages],
        max_requests=opts['max_requests'], max_duration=opts['max_duration'],
        stop_at_break=opts['stop_at_break'],
        transaction=tx.plan_steps(opts) if opts.get('transaction') else None,
        cookies=opts['cookies'] if opts.get('transaction') else None,
    )


def check_mode_records(opts):
    """One ``skip`` record per check that a real run would give: nothing is sent."""
    records = []
    for stage in stages_of(opts):
        label = stage_label(opts, stage)
        what = '%s %s' % (opts['method'], redact_url(opts['url']))
        if opts.get('transaction'):
            what = 'transactions (%s) to %s' % (', '.join(
                '%s %s' % (step['method'], step['path']) for step in tx.plan_steps(opts)),
                redact_url(opts['url']))
        note = ('check mode: nothing sent; would send %s (%s), at most %d requests and %gs '
                'for the whole test' % (what,
                                        describe_stage(stage, rate_unit_of(opts)),
                                        opts['max_requests'], opts['max_duration']))
        for kind in kinds_of(opts):
            records.append(skipped('load_%s:%s' % (kind, label), note))
    if opts['stop_at_break']:
        records.append(skipped('load_breaking_point:%s' % test_name(opts),
                               'check mode: nothing sent'))
    return records


def _unreachable_result(target, stage):
    """The tallies of a stage whose target name does not resolve: nothing could be sent."""
    return dict(sent=0, answered=0, unfinished=0, status_counts={},
                transport_errors=dict(dns=1), transport_messages=dict(dns=target['resolve_error']),
                elapsed_s=0.0, connections=0, stopped='unreachable', histogram=Histogram())


def stage_stats(stage, result, expected):
    """The numbers of one stage (the ``details`` of its records)."""
    hist = result['histogram']
    statuses = dict((int(k), v) for k, v in result['status_counts'].items())
    if 'transactions' in result:  # each step has its own expected statuses
        bad = tx.unexpected_of(result)
    else:
        bad = sum(v for k, v in statuses.items() if k not in expected)
    transport = sum(result['transport_errors'].values())
    attempts = result['answered'] + transport
    elapsed = result['elapsed_s']
    stats = dict(
        concurrency=stage['concurrency'], rate=stage['rate'], requested=stage['requests'],
        duration_s=stage['duration'], sent=result['sent'], answered=result['answered'],
        ok=hist.count, unexpected_status=bad, transport_errors=result['transport_errors'],
        transport_messages=result['transport_messages'], unfinished=result['unfinished'],
        status_counts=dict((str(k), v) for k, v in sorted(statuses.items())),
        errors=bad + transport, attempts=attempts,
        error_rate=round(100.0 * (bad + transport) / attempts, 3) if attempts else None,
        elapsed_s=round(elapsed, 3),
        throughput_rps=round(result['answered'] / elapsed, 1) if elapsed > 0 else 0.0,
        connections=result['connections'], stopped=result['stopped'])
    stats.update(hist.summary_ms())
    return stats


def transport_note(stats):
    """``"; transport errors: connect x10 (connect to ... refused)"`` or ''."""
    if not stats['transport_errors']:
        return ''
    parts = ['%s x%d (%s)' % (kind, number, stats['transport_messages'].get(kind, ''))
             for kind, number in sorted(stats['transport_errors'].items())]
    return '; transport errors: ' + ', '.join(parts)


def stage_records(opts, stage, stats, note='', tx_stats=None):
    """The five records of a stage, judged, and three more for its transactions."""
    label = stage_label(opts, stage)
    load = describe_stage(stage, rate_unit_of(opts))
    tnote = transport_note(stats)
    records = []
    for kind, statistic, words in LATENCIES:
        limits = opts[kind]
        if stats['ok']:
            records.append(measured(
                'load_%s:%s' % (kind, label), stats[statistic], 'ms', limits['warn'], limits['fail'],
                subject='%s of %s over %d answers (%s)%s' % (words, label, stats['ok'], load, note),
                remediation=REMEDIATION['p95'], duration_ms=stats['elapsed_s'] * 1000.0,
                details=stats if kind == 'p95' else None))
        else:
            records.append(check_result(
                'load_%s:%s' % (kind, label), FAIL, unit='ms', warn=limits['warn'], fail=limits['fail'],
                message='no request to %s got an expected answer (%s)%s%s' % (label, load, note, tnote),
                remediation=REMEDIATION['unreachable'] if stats['transport_errors'] else REMEDIATION['error_rate'],
                duration_ms=stats['elapsed_s'] * 1000.0, details=stats if kind == 'p95' else None))
    rate = opts['error_rate']
    if stats['attempts']:
        record = measured(
            'load_error_rate:%s' % label, stats['error_rate'], 'percent', rate['warn'], rate['fail'],
            subject='error rate of %s (%d of %d requests, %s)%s'
            % (label, stats['errors'], stats['attempts'], load, note),
            remediation=REMEDIATION['error_rate'], duration_ms=stats['elapsed_s'] * 1000.0)
        record['message'] += tnote
    else:
        record = check_result(
            'load_error_rate:%s' % label, FAIL, unit='percent', warn=rate['warn'], fail=rate['fail'],
            message='no request to %s was answered or failed within the bounds (%s)%s'
            % (label, load, note), remediation=REMEDIATION['throughput'],
            duration_ms=stats['elapsed_s'] * 1000.0)
    records.append(record)
    tput = opts['throughput']
    records.append(measured(
        'load_throughput:%s' % label, stats['throughput_rps'], 'req/s', tput['warn'], tput['fail'],
        LOWER_IS_WORSE, subject='throughput of %s (%s)%s' % (label, load, note),
        remediation=REMEDIATION['throughput'], duration_ms=stats['elapsed_s'] * 1000.0))
    if tx_stats is not None:
        records.extend(tx.transaction_records(opts, label, load, tx_stats, note))
    return records


def level_of(stage):
    """The load a stage puts on: its rate if it has one, else its users; and the unit."""
    if stage['rate']:
        return stage['rate'], 'req/s'
    return stage['concurrency'], 'count'


def breaking_record(opts, ran, broke):
    """``load_breaking_point:<name>``: the load that held before the first failing stage."""
    name = 'load_breaking_point:%s' % test_name(opts)
    cap = opts['capacity']
    held = [stage for stage, _stats in ran if stage is not (broke[0] if broke else None)]
    details = dict(stages=[dict(name=stage['name'], level=level_of(stage)[0],
                                p95_ms=stats.get('p95_ms'), error_rate=stats['error_rate'],
                                throughput_rps=stats['throughput_rps'])
                           for stage, stats in ran])
    unit = level_of(ran[-1][0])[1] if ran else 'count'
    if unit == 'req/s':
        unit = rate_unit_of(opts)  # a transaction's rate is in transactions per second
    words = unit if unit != 'count' else 'users'
    if broke:
        stage, failing = broke
        value = level_of(held[-1])[0] if held else 0
        details.update(broke_at=stage['name'], broke_at_level=level_of(stage)[0], failing=failing,
                       held_level=value)
        text = ('%s broke at stage %s (%g %s: %s); held up to %g %s'
                % (test_name(opts), stage['name'], level_of(stage)[0], words, '; '.join(failing),
                   value, words))
    else:
        value = level_of(ran[-1][0])[0] if ran else 0
        details.update(broke_at=None, held_level=value)
        text = '%s held every stage that ran, up to %g %s' % (test_name(opts), value, words)
    status = evaluate(value, cap['warn'], cap['fail'], LOWER_IS_WORSE)
    if broke and cap['warn'] is None and cap['fail'] is None:
        status = WARN
        text += ' (set capacity.warn / capacity.fail to judge it)'
    elif cap['warn'] is not None or cap['fail'] is not None:
        text += ' (capacity: warn at or below %s, fail at or below %s)' % (cap['warn'], cap['fail'])
    return check_result(name, status, value=value, unit=unit, warn=cap['warn'], fail=cap['fail'],
                        message=text, remediation=REMEDIATION['capacity'], details=details)


def run(opts, runner=run_processes, clock=time.monotonic):
    """Run the warm-up and the stages within the bounds; return ``(records, totals)``."""
    target = target_of(opts)
    stages = stages_of(opts)
    expected = set(opts['status_codes'])
    deadline = clock() + opts['max_duration']
    remaining = opts['max_requests']
    totals = dict(sent=0, warmup_sent=0, max_requests=opts['max_requests'],
                  max_duration=opts['max_duration'], stopped_by=None)
    records = []

    def execute(stage, requests, duration):
        budget = max(0.0, deadline - clock())
        if target['resolve_error']:
            return _unreachable_result(target, stage)
        return runner(target, processes_of(opts), stage['concurrency'], requests, duration,
                      stage['rate'], budget)

    if opts['warmup_requests'] or opts['warmup_duration']:
        first = stages[0]
        want = opts['warmup_requests'] or remaining
        result = execute(first, min(want, remaining), opts['warmup_duration'] or None)
        remaining -= result['sent']
        totals['warmup_sent'] = result['sent']
    ran = []
    broke = None
    for stage in stages:
        label = stage_label(opts, stage)
        if broke is not None:
            for kind in kinds_of(opts):
                records.append(skipped('load_%s:%s' % (kind, label),
                                       'not run: the test broke at stage %s (stop_at_break)'
                                       % broke[0]['name']))
            continue
        if remaining <= 0 or clock() >= deadline:
            bound = 'max_requests (%d)' % opts['max_requests'] if remaining <= 0 \
                else 'max_duration (%gs)' % opts['max_duration']
            totals['stopped_by'] = totals['stopped_by'] or bound.split(' ')[0]
            for kind in kinds_of(opts):
                records.append(skipped('load_%s:%s' % (kind, label),
                                       'not run: the test reached its bound %s' % bound))
            continue
        want = stage['requests'] if stage['requests'] is not None else remaining
        before = remaining
        result = execute(stage, min(want, before), stage['duration'])
        remaining -= result['sent']
        stats = stage_stats(stage, result, expected)
        tx_stats = tx.transaction_stats(opts, result) if opts.get('transaction') else None
        note = ''
        if result['stopped'] == 'budget':
            note = '; stopped at max_duration (%gs)' % opts['max_duration']
            totals['stopped_by'] = 'max_duration'
        elif want > before or (stage['requests'] is None and result['stopped'] == 'requests'):
            note = '; stopped at max_requests (%d)' % opts['max_requests']
            totals['stopped_by'] = 'max_requests'
        if note:
            stats['bound'] = note[2:]
        stage_recs = stage_records(opts, stage, stats, note, tx_stats)
        failing = [r['message'].split(' (')[0] for r in stage_recs if r['status'] == FAIL]
        if opts['stop_at_break'] and failing:
            broke = (stage, failing)
            ran.append((stage, stats))
            # The breaking stage is judged by the breaking point, its numbers are in its details.
            continue
        records.extend(stage_recs)
        ran.append((stage, stats))
        if result['stopped'] == 'unreachable':
            totals['stopped_by'] = totals['stopped_by'] or 'unreachable'
    if opts['stop_at_break']:
        records.append(breaking_record(opts, ran, broke))
    totals['sent'] = opts['max_requests'] - remaining
    return records, totals
