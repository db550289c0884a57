# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Indicators over time from a Prometheus server, for ``prometheus_check``.

The check modules judge a host at one instant; the readiness guide's indicators are figures
over a window (availability, latency percentiles, CPU average and peak, MTTR, ...).  Each
indicator is ONE PromQL query that answers for every instance at once (grouped by the
``by`` label), all queries run concurrently within one time budget, and each returned
series is judged with the result model.  Records are attributed to inventory hosts through
the ``hosts`` map (host -> label value): ``readiness.hosts`` carries one result per host,
which the fleet report files under that host.  Standard library, Ansible's ``open_url`` and
the result model only: this runs on whichever host calls the API.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Catalogue, Check, Option, Runner
from ansible_collections.golive.readiness.plugins.module_utils.concurrency import run_bounded
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    HIGHER_IS_WORSE,
    LOWER_IS_WORSE,
    PASS,
    Component,
    check_result,
    fmt_number,
    measured,
    skipped,
    unknown,
    validate_limits,
    worst_status,
)
from ansible_collections.golive.readiness.plugins.module_utils.redact import redact

try:
    from urllib.parse import urlencode, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported
    from urllib import urlencode  # noqa
    from urlparse import urlsplit  # noqa

# Prometheus's duration syntax (units in descending order, at least one part).
DURATION = re.compile(r'^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$')
# An evaluation time: Unix seconds or RFC 3339.
TIME = re.compile(r'^(\d+(\.\d+)?|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d))$')
DURATION_SECONDS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)

# Filesystems that say nothing about a host's disk (node_exporter drops most pseudo ones itself).
FS_IGNORED = 'fstype!~"tmpfs|ramfs|squashfs|nsfs|devtmpfs|overlay"'
NET_DEVICES = 'device!~"lo|veth.*|docker.*|br-.*|virbr.*"'


def duration_seconds(text):
    """Seconds of a Prometheus duration (``90s``, ``1h30m``, ``7d``), or None if it is not one."""
    match = DURATION.match(text or '')
    if not match or not any(match.groups()):
        return None
    return sum(int(part) * unit for part, unit in zip(match.groups(), DURATION_SECONDS) if part)


class Indicator:
    """One named indicator: its PromQL template, the series it needs, how to read its values.

    ``query`` is a template with ``{w}`` (the window), ``{by}`` (the grouping label) and
    ``{step}`` (a subquery's resolution); ``series`` names what must exist for it to answer.
    """

    def __init__(self, name, query, series, subject, remediation, scale=None):
        self.name = name
        self.query = query
        self.series = series
        self.subject = subject
        self.remediation = remediation
        # Turns the query's values for one instance into (value, details) (MTTR, MTBF).
        self.scale = scale

    def promql(self, window, by, step):
        """The query for ``window`` grouped by ``by``."""
        return self.query.format(w=window, by=by, step=step, w_s=fmt_number(duration_seconds(window)))


def _failures(changes):
    """Outages in a window from the number of times a 0/1 health series changed (down, up, ...)."""
    return int(math.ceil(changes / 2.0))


def _mttr(parts, window_s, opts):
    """Mean time to recover in seconds from the down time and the number of changes."""
    down = parts.get('down_s')
    changes = parts.get('changes')
    if down is None or changes is None:
        return None, 'the query answered without its down_s / changes parts'
    failures = _failures(changes)
    if failures == 0:
        return 0.0, 'no outage in the window'
    return round(down / failures, 3), '%d outage(s), %s s down in all' % (failures, fmt_number(round(down, 1)))


def _mtbf(parts, window_s, opts):
    """Mean time between failures in days: the window over the outages in it.

    Without an outage the MTBF is only known to be at least the window: enough to pass when
    the window reaches the fail limit, else not measurable (None).
    """
    changes = parts.get('changes')
    if changes is None:
        return None, 'the query answered without its changes part'
    failures = _failures(changes)
    days = window_s / 86400.0
    if failures == 0:
        if opts.get('fail') is not None and days < opts['fail']:
            return None, ('no failure in the %s-day window: the MTBF is at least that, too short a '
                          'window to judge against %s days; query a longer window'
                          % (fmt_number(round(days, 3)), fmt_number(opts['fail'])))
        return round(days, 3), 'no failure in the window (MTBF at least the window)'
    return round(days / failures, 3), '%d failure(s) in %s days' % (failures, fmt_number(round(days, 3)))


# MTTR and MTBF: one query answering two parts per instance (seconds down in the window and
# the number of times the health series changed), told apart by the ``golive_part`` label.
PARTS = ('label_replace({w_s} * (1 - avg by ({by}) (avg_over_time(%(src)s[{w}]))), "golive_part", "down_s", "", "")'
         ' or label_replace(max by ({by}) (changes(%(src)s[{w}])), "golive_part", "changes", "", "")')


HEALTH = 'probe_success'
INDICATORS = [
    Indicator('availability', '100 * avg by ({by}) (avg_over_time(probe_success[{w}]))',
              'probe_success (blackbox_exporter)', 'availability (probes that succeeded)',
              'Find why probes failed (blackbox_exporter probe_* series, the app\'s logs) before the release.'),
    Indicator('latency_p95',
              '1000 * max by ({by}) (quantile_over_time(0.95, probe_duration_seconds[{w}]))',
              'probe_duration_seconds (blackbox_exporter)', 'p95 response time',
              'Profile the slow endpoint (database queries, upstream calls) or add capacity.'),
    Indicator('latency_p99',
              '1000 * max by ({by}) (quantile_over_time(0.99, probe_duration_seconds[{w}]))',
              'probe_duration_seconds (blackbox_exporter)', 'p99 response time',
              'Find the slowest requests (tail latency: locks, GC pauses, cold caches).'),
    Indicator('latency_mean', '1000 * avg by ({by}) (avg_over_time(probe_duration_seconds[{w}]))',
              'probe_duration_seconds (blackbox_exporter)', 'mean response time',
              'Profile the endpoint or add capacity.'),
    Indicator('error_rate',
              '100 * avg by ({by}) (avg_over_time((probe_http_status_code >= bool 500)[{w}:{step}]))',
              'probe_http_status_code (blackbox_exporter)', 'error rate (probes answered 5xx)',
              'Read the application\'s error log for the 5xx answers and fix their cause.'),
    Indicator('cpu_average',
              '100 * (1 - avg by ({by}) (rate(node_cpu_seconds_total{{mode="idle"}}[{w}])))',
              'node_cpu_seconds_total (node_exporter)', 'average CPU use',
              'Add CPU or spread the load before the release.'),
    Indicator('cpu_peak',
              'max by ({by}) (max_over_time((100 * (1 - avg by ({by}) '
              '(rate(node_cpu_seconds_total{{mode="idle"}}[1m]))))[{w}:{step}]))',
              'node_cpu_seconds_total (node_exporter)', 'peak CPU use (1-minute averages)',
              'Find what saturates the CPU at peak (cron jobs, batch work) or add CPU.'),
    Indicator('memory_average',
              '100 * max by ({by}) (1 - avg_over_time(node_memory_MemAvailable_bytes[{w}]) '
              '/ avg_over_time(node_memory_MemTotal_bytes[{w}]))',
              'node_memory_MemAvailable_bytes (node_exporter)', 'average memory use',
              'Add memory or reduce the working set (caches, worker counts).'),
    Indicator('memory_peak',
              '100 * max by ({by}) (max_over_time((1 - node_memory_MemAvailable_bytes '
              '/ node_memory_MemTotal_bytes)[{w}:{step}]))',
              'node_memory_MemAvailable_bytes (node_exporter)', 'peak memory use',
              'Find the memory peak\'s cause (leaks, batch jobs) or add memory.'),
    Indicator('disk_usage',
              '100 * max by ({by}) (max_over_time((1 - node_filesystem_avail_bytes{{%s}} '
              '/ node_filesystem_size_bytes{{%s}})[{w}:{step}]))' % (FS_IGNORED, FS_IGNORED),
              'node_filesystem_avail_bytes (node_exporter)', 'fullest filesystem\'s use',
              'Free space or grow the filesystem.'),
    Indicator('network_bandwidth',
              '100 * max by ({by}) (((rate(node_network_receive_bytes_total{{%s}}[{w}]) '
              '> rate(node_network_transmit_bytes_total{{%s}}[{w}])) '
              'or rate(node_network_transmit_bytes_total{{%s}}[{w}])) / (node_network_speed_bytes{{%s}} > 0))'
              % ((NET_DEVICES,) * 4),
              'node_network_speed_bytes (node_exporter)', 'busiest link\'s use of its speed',
              'Move traffic off the saturated link or upgrade it.'),
    Indicator('io_latency',
              '1000 * max by ({by}) ((rate(node_disk_read_time_seconds_total[{w}]) '
              '+ rate(node_disk_write_time_seconds_total[{w}])) / ((rate(node_disk_reads_completed_total[{w}]) '
              '+ rate(node_disk_writes_completed_total[{w}])) > 0) or (rate(node_disk_reads_completed_total[{w}]) '
              '+ rate(node_disk_writes_completed_total[{w}])))',
              'node_disk_reads_completed_total (node_exporter)', 'slowest disk\'s time per I/O',
              'Find the I/O-heavy process or move to faster storage.'),
    Indicator('mttr', PARTS % dict(src=HEALTH),
              'probe_success (blackbox_exporter)', 'mean time to recover',
              'Shorten recovery: alert sooner, automate restarts and failover, keep runbooks at hand.',
              scale=_mttr),
    Indicator('mtbf', PARTS % dict(src=HEALTH),
              'probe_success (blackbox_exporter)', 'mean time between failures',
              'Find the cause of the repeated outages (see the probes\' failures) and fix it.',
              scale=_mtbf),
]
BY_NAME = dict((indicator.name, indicator) for indicator in INDICATORS)
NAMES = [indicator.name for indicator in INDICATORS]

UNITS = ('percent', 'ms', 's', 'days', 'count', 'ratio', 'MiB', 'req/s')


def promql(indicator, window, by='instance', step=None):
    """The PromQL of ``indicator`` (a name) for ``window`` grouped by ``by``."""
    return BY_NAME[indicator].promql(window, by, step or default_step(duration_seconds(window)))


def default_step(window_s):
    """A subquery resolution giving at most ~250 points per series, never below 15 s."""
    seconds = max(15, int(math.ceil((window_s or 0) / 250.0)))
    return '%ds' % seconds


# -- the HTTP API -------------------------------------------------------------------------

class PrometheusError(Exception):
    """The server answered, with an error (HTTP status and Prometheus's own message)."""

    def __init__(self, message, status=None, error_type=None):
        Exception.__init__(self, message)
        self.status = status
        self.error_type = error_type


class Unreachable(Exception):
    """No answer: refused, no route, DNS, TLS handshake, timeout."""


def _one_line(text, limit=300):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


class Client:
    """``/api/v1/query`` of one Prometheus, with basic auth and TLS like the monitoring roles."""

    def __init__(self, params, open_url=None):
        self.base = params['url'].rstrip('/')
        self.params = params
        self.timeout = float(params.get('timeout') or 10)
        if open_url is None:
            from ansible.module_utils.urls import open_url  # pylint: disable=import-outside-toplevel
        self._open = open_url
        self.queries = 0

    def query(self, text):
        """The ``data`` of an instant query, or raise PrometheusError / Unreachable."""
        self.queries += 1
        form = dict(query=text, timeout='%gs' % self.timeout)
        if self.params.get('time'):
            form['time'] = self.params['time']
        body = urlencode(form)
        params = self.params
        try:
            response = self._open(
                self.base + '/api/v1/query', data=body, method='POST', timeout=self.timeout,
                headers={'Content-Type': 'application/x-www-form-urlencoded'},
                url_username=params.get('username'), url_password=params.get('password'),
                force_basic_auth=bool(params.get('username')), validate_certs=params.get('validate_certs', True),
                ca_path=params.get('ca_path'), client_cert=params.get('client_cert'),
                client_key=params.get('client_key'), follow_redirects='none', use_proxy=False)
            raw = response.read()
        except Exception as exc:  # pylint: disable=broad-except
            raise self._error(exc)
        return self._data(raw, getattr(response, 'status', 200))

    def _error(self, exc):
        """The exception ``open_url`` raised, as one of ours, with Prometheus's message."""
        status = getattr(exc, 'code', None)
        if isinstance(status, int):
            raw = b''
            try:
                raw = exc.read() or b''
            except Exception:  # pylint: disable=broad-except
                pass
            try:
                payload = json.loads(raw.decode('utf-8', 'replace'))
                return PrometheusError(_one_line(payload.get('error') or payload), status, payload.get('errorType'))
            except (ValueError, AttributeError):
                reason = _one_line(raw.decode('utf-8', 'replace')) or getattr(exc, 'reason', '') or ''
                return PrometheusError('HTTP %d %s' % (status, reason), status)
        reason = getattr(exc, 'reason', None) or exc
        return Unreachable(_one_line('%s' % (reason,)))

    @staticmethod
    def _data(raw, status):
        try:
            payload = json.loads(raw.decode('utf-8', 'replace'))
        except ValueError:
            raise PrometheusError('the answer is not JSON (is the URL a Prometheus?): %s'
                                  % _one_line(raw[:200].decode('utf-8', 'replace')), status)
        if not isinstance(payload, dict) or payload.get('status') != 'success':
            error = payload.get('error') if isinstance(payload, dict) else payload
            raise PrometheusError(_one_line(error), status,
                                  payload.get('errorType') if isinstance(payload, dict) else None)
        return payload.get('data') or {}


def series_values(data, by):
    """``{label value: {part: float}}`` of an instant query's vector (or scalar) answer.

    ``part`` is the ``golive_part`` label ('' when absent).  NaN (no samples to divide) is
    left out: for that instance the query has no answer.
    """
    out = {}
    kind = data.get('resultType')
    if kind == 'scalar':
        value = _float(data.get('result', [None, None])[1])
        return {'': {'': value}} if value is not None else {}
    if kind != 'vector':
        return out
    for item in data.get('result') or ():
        labels = item.get('metric') or {}
        value = _float((item.get('value') or [None, None])[1])
        if value is None:
            continue
        key = labels.get(by)
        if key is None:
            # No grouping label (a custom query without one): name the series by its labels.
            key = ','.join('%s=%s' % kv for kv in sorted(labels.items()) if kv[0] != 'golive_part')
        out.setdefault(key, {})[labels.get('golive_part', '')] = value
    return out


def _float(text):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


# -- judging ------------------------------------------------------------------------------

def judge(name, subject, parts, opts, context, scale=None, remediation=None, unit=None):
    """The record of one instance's answer to an indicator or custom query."""
    details = None
    if scale is not None:
        value, note = scale(parts, context['window_s'], opts)
        if value is None:
            return unknown(name, '%s over %s: %s' % (subject, context['window'], note), unit=unit,
                           warn=opts.get('warn'), fail=opts.get('fail'),
                           remediation='Query a window long enough to judge.')
        details = dict(note=note)
    else:
        value = parts.get('')
        if value is None:
            value = next(iter(parts.values()))
    if math.isinf(value):
        return unknown(name, '%s over %s is infinite (a division by zero in the query)' % (subject, context['window']),
                       unit=unit, warn=opts.get('warn'), fail=opts.get('fail'),
                       remediation='Fix the query so it divides by a non-zero series.')
    return measured(name, round(value, 3), unit, opts.get('warn'), opts.get('fail'), opts.get('direction', HIGHER_IS_WORSE),
                    subject='%s over %s' % (subject, context['window']), remediation=remediation, details=details)


def match_host(label, hosts):
    """The inventory host whose label value is ``label`` (exact, or ``label`` is ``value:port``)."""
    if label in hosts:
        return hosts[label]
    head = label.rsplit(':', 1)[0] if ':' in label else None
    return hosts.get(head) if head else None


class Job:
    """One query to run and judge: an indicator or a custom entry."""

    def __init__(self, name, text, opts, unit, subject, series, remediation, scale=None):
        self.name = name
        self.text = text
        self.opts = opts
        self.unit = unit
        self.subject = subject
        self.series = series
        self.remediation = remediation
        self.scale = scale


def jobs_of(params, opts):
    """Every query this call runs: the switched-on indicators, then the custom entries."""
    window = params.get('window') or '1h'
    by = params.get('by') or 'instance'
    chosen = params.get('indicators')
    chosen = NAMES if chosen is None else chosen
    jobs = []
    for indicator in INDICATORS:
        own = opts[indicator.name]
        if indicator.name not in chosen or not own.get('enabled', True):
            continue
        text = own.get('query') or promql(indicator.name, window, by, params.get('step'))
        check = CATALOGUE.by_name[indicator.name]
        jobs.append(Job(indicator.name, text, dict(own, direction=check.direction), check.unit,
                        indicator.subject, indicator.series, indicator.remediation, indicator.scale))
    for entry in params.get('custom') or ():
        text = entry['query'].replace('$window', window)
        jobs.append(Job(entry['name'], text, dict(entry, direction=entry.get('direction') or HIGHER_IS_WORSE),
                        entry.get('unit'), entry.get('description') or entry['name'],
                        'the series of the query %s' % _one_line(text, 120),
                        entry.get('remediation') or 'See the query\'s own runbook.'))
    return jobs


def switched_off(params, opts):
    """Records of the indicators not run (not chosen or switched off)."""
    chosen = params.get('indicators')
    out = []
    for name in NAMES:
        if chosen is not None and name not in chosen:
            continue  # not asked for: no record at all
        if not opts[name].get('enabled', True):
            out.append(skipped(name, '%s is switched off' % name))
    return out


def measure(params, opts, client=None, clock=time.monotonic):
    """Run every query concurrently and return ``(readiness, invalid)``.

    ``readiness`` is this host's component (the ``prometheus`` answer record, records of
    instances no host claims) with ``hosts``: a result per inventory host of ``params['hosts']``.
    ``invalid`` lists the queries Prometheus rejected as bad input, one line each.
    """
    client = client or Client(params)
    window = params.get('window') or '1h'
    context = dict(window=window, window_s=duration_seconds(window))
    by = params.get('by') or 'instance'
    # Label value -> inventory host.
    hosts = dict((str(value), str(host)) for host, value in (params.get('hosts') or {}).items())
    jobs = jobs_of(params, opts)
    budget = float(params.get('timeout') or 10) + 2
    start = clock()
    outcomes = run_bounded([(job.name, _bind(client, job.text)) for job in jobs],
                           int(params.get('workers') or 8), budget)
    elapsed = (clock() - start) * 1000.0
    own = Component(COMPONENT)
    per_host = dict((host, Component(COMPONENT)) for host in sorted(set(hosts.values())))
    invalid = []
    answered = [ok or isinstance(value, PrometheusError) and value.status not in (401, 403)
                for ok, value in outcomes.values()]
    down = [value for ok, value in outcomes.values() if not ok and not isinstance(value, PrometheusError)]
    refused = [value for ok, value in outcomes.values()
               if not ok and isinstance(value, PrometheusError) and value.status in (401, 403)]
    target = safe_url(params['url'])
    if jobs and not any(answered):
        problem = refused[0] if refused else (down[0] if down else None)
        if refused:
            message = ('Prometheus at %s refused the credentials (HTTP %s): %s'
                       % (target, refused[0].status, refused[0]))
            fix = 'Give the username and password of the Prometheus web config (prometheus_basic_auth_*).'
        else:
            message = 'Prometheus at %s does not answer: %s' % (target, problem)
            fix = 'Start Prometheus, or fix the URL, the TLS settings or the network path to it.'
        own.add(check_result('prometheus', FAIL, message=message, remediation=fix, duration_ms=elapsed))
        why = 'not measured: Prometheus at %s did not answer' % target
        for job in jobs:
            for report in [own] if not per_host else per_host.values():
                report.add(skipped(job.name, why))
    else:
        if jobs:
            own.add(check_result('prometheus', PASS, message='Prometheus at %s answered %d of %d queries in %s ms'
                                 % (target, sum(answered), len(jobs), fmt_number(round(elapsed, 1))),
                                 duration_ms=elapsed))
        for job in jobs:
            ok, value = outcomes[job.name]
            _judge_job(job, ok, value, own, per_host, hosts, by, context, invalid, target)
    for record in switched_off(params, opts):
        for report in [own] + list(per_host.values()):
            report.add(dict(record))
    result = own.result()
    if per_host:
        result['hosts'] = dict((host, report.result()) for host, report in per_host.items())
        everything = [result['status']] + [r['status'] for r in result['hosts'].values()]
        result['status'] = worst_status(everything)
    result['queries'] = client.queries
    return redact(result, [params.get('password')]), invalid


def _bind(client, text):
    return lambda: client.query(text)


def _judge_job(job, ok, value, own, per_host, hosts, by, context, invalid, target):
    """Add ``job``'s records: one per instance, a host's under that host."""
    limits = dict(unit=job.unit, warn=job.opts.get('warn'), fail=job.opts.get('fail'))
    if not ok:
        if isinstance(value, PrometheusError) and value.error_type in ('bad_data', 'execution') \
                and value.status in (400, 422):
            line = '%s: Prometheus rejected the query: %s' % (job.name, value)
            invalid.append(line)
            why = line
        else:
            why = 'Prometheus at %s: %s' % (target, value)
        for report in [own] if not per_host else per_host.values():
            report.add(unknown(job.name, why, remediation='Fix the query or the server, then run again.', **limits))
        return
    answers = series_values(value, by)
    missing = 'no %s series in the last %s' % (job.series, context['window'])
    if not answers and not per_host:
        own.add(unknown(job.name, '%s: %s' % (job.subject, missing),
                        remediation='Install and scrape the exporter that provides it, or wait for data.', **limits))
        return
    claimed = set()
    for label, parts in sorted(answers.items()):
        host = match_host(label, hosts)
        if host is not None:
            claimed.add(host)
            report, name = per_host[host], job.name
        else:
            report, name = own, '%s:%s' % (job.name, label)
        record = judge(name, job.subject, parts, job.opts, context, job.scale, job.remediation, job.unit)
        if host is not None:
            record.setdefault('details', {})['label'] = '%s=%s' % (by, label)
        report.add(record)
    for host, report in per_host.items():
        if host not in claimed:
            label = [value for value, owner in hosts.items() if owner == host]
            report.add(unknown(job.name, '%s: %s for %s=%s' % (job.subject, missing, by, '|'.join(sorted(label))),
                               remediation='Scrape this host\'s exporter (or probe its endpoints), or wait for data.',
                               **limits))


def safe_url(url):
    """The URL without credentials in it."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        netloc = parts.hostname + (':%d' % parts.port if parts.port else '')
        return parts._replace(netloc=netloc).geturl()
    return url


def input_errors(params, opts):
    """Problems the catalogue cannot see: the URL, the window, indicator names, custom entries."""
    errors = []
    parts = urlsplit(params.get('url') or '')
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        errors.append('url: %r is not an http(s) URL of a Prometheus server (e.g. http://prometheus:9090)'
                      % params.get('url'))
    elif parts.username or parts.password:
        errors.append('url: give the credentials in username / password, not in the URL')
    if duration_seconds(params.get('window')) is None or duration_seconds(params.get('window')) <= 0:
        errors.append('window: %r is not a Prometheus duration (e.g. 30m, 1h, 7d)' % params.get('window'))
    if params.get('time') is not None and not TIME.match(params['time']):
        errors.append('time: %r is neither a Unix time nor an RFC 3339 time (2026-11-27T12:00:00Z)' % params['time'])
    if params.get('step') is not None and not duration_seconds(params['step']):
        errors.append('step: %r is not a Prometheus duration (e.g. 15s, 1m)' % params['step'])
    for name in params.get('indicators') or ():
        if name not in BY_NAME:
            errors.append('indicators: %r is no indicator (known: %s)' % (name, ', '.join(NAMES)))
    if params.get('password') and not params.get('username'):
        errors.append('password: given without username')
    seen = set(NAMES)
    for index, entry in enumerate(params.get('custom') or ()):
        path = 'custom[%d]' % index
        name = entry.get('name') or ''
        if not re.match(r'^[A-Za-z_][A-Za-z0-9_.-]*$', name):
            errors.append('%s.name: %r must be a word (letters, digits, _ . -)' % (path, name))
        elif name in seen:
            errors.append('%s.name: %r is already an indicator or another custom check' % (path, name))
        seen.add(name)
        if not (entry.get('query') or '').strip():
            errors.append('%s.query: empty' % path)
        if entry.get('warn') is None and entry.get('fail') is None:
            errors.append('%s: give warn and / or fail' % path)
        error = validate_limits(path, entry.get('warn'), entry.get('fail'), entry.get('direction') or HIGHER_IS_WORSE)
        if error:
            errors.append(error)
    return errors


COMPONENT = 'indicators'

CUSTOM_ENTRY = dict(
    name=dict(type='str', required=True),
    query=dict(type='str', required=True),
    warn=dict(type='float'),
    fail=dict(type='float'),
    direction=dict(type='str', default=HIGHER_IS_WORSE, choices=[HIGHER_IS_WORSE, LOWER_IS_WORSE]),
    unit=dict(type='str'),
    description=dict(type='str'),
    remediation=dict(type='str'),
)


def _check(name, unit, warn, fail, direction=HIGHER_IS_WORSE):
    """An indicator's option: switch, limits, and a query that replaces the built-in one."""
    return Check(name, unit=unit, warn=warn, fail=fail, direction=direction,
                 options=dict(query=Option('str')))


CATALOGUE = Catalogue(COMPONENT, options=dict(
    url=Option('str', required=True),
    username=Option('str'),
    password=Option('str', no_log=True),
    validate_certs=Option('bool', True),
    ca_path=Option('path'),
    client_cert=Option('path'),
    client_key=Option('path', no_log=False),
    timeout=Option('float', 10, low=0.1, high=300),
    workers=Option('int', 8, low=1, high=64),
    window=Option('str', '1h'),
    time=Option('str'),
    step=Option('str'),
    by=Option('str', 'instance'),
    hosts=Option('dict', {}),
    indicators=Option('list', elements='str'),
    custom=Option('list', [], elements='dict', options=CUSTOM_ENTRY),
), checks=[
    # The readiness guide's limits: reaching the guide's figure warns, beyond the fail limit fails.
    _check('availability', 'percent', 99.95, 99.9, LOWER_IS_WORSE),
    _check('latency_p95', 'ms', 1000, 2000),
    _check('latency_p99', 'ms', 2000, 4000),
    _check('latency_mean', 'ms', 500, 1000),
    _check('error_rate', 'percent', 1, 5),
    _check('cpu_average', 'percent', 70, 80),
    _check('cpu_peak', 'percent', 90, 95),
    _check('memory_average', 'percent', 80, 90),
    _check('memory_peak', 'percent', 95, 98),
    _check('disk_usage', 'percent', 85, 90),
    _check('network_bandwidth', 'percent', 80, 90),
    _check('io_latency', 'ms', 10, 20),
    _check('mttr', 's', 180, 300),
    _check('mtbf', 'days', 60, 30, LOWER_IS_WORSE),
])


def runner():
    """How prometheus_check runs: its catalogue, measurement and input checks."""
    return Runner(CATALOGUE, measure, input_errors)
