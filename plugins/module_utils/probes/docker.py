# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker engine and container measurements for ``docker_check``.

The Docker SDK module is passed in, so the logic is testable and the module
reports a missing library the standard way.  Only the engine's read API is
used: version, container list, inspect and one-shot stats.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fnmatch
import os
import re
import time

try:
    from urllib.parse import urlsplit
except ImportError:  # Python 2 on an old managed host
    from urlparse import urlsplit

from ansible_collections.golive.readiness.plugins.module_utils.concurrency import (
    StoppedEarly,
    TimedOut,
    run_bounded,
)
from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Entries,
    Option,
    OptionCheck,
    Runner,
    import_library,
)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    UNKNOWN,
    WARN,
    Component,
    check_result,
    measured,
    skipped,
    unknown,
)

DEFAULT_HOST = 'unix:///var/run/docker.sock'
VERSION_PATTERN = re.compile(r'^\d+(\.\d+)*')
# What the Docker SDK connects to; anything else is a typo, not an engine that is down.
URL_SCHEMES = ('unix', 'tcp', 'http', 'https', 'ssh')


def version_tuple(text):
    """``'20.10.24+dfsg1'`` -> ``(20, 10, 24)``; None when it does not start with a number."""
    match = VERSION_PATTERN.match((text or '').strip().lstrip('v'))
    if not match:
        return None
    return tuple(int(part) for part in match.group(0).split('.'))


def container_errors(containers):
    """Each expected container is named or labelled, not both; each message names its option."""
    return ['containers[%d]: give exactly one of name or label' % index
            for index, entry in enumerate(containers or ())
            if bool(entry.get('name')) == bool(entry.get('label'))]


def url_error(url):
    """Why ``url`` is not an engine address (``unix:///path``, ``tcp://host:port``, ...), or None."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return 'docker_host: %r is not a URL (%s)' % (url, exc)
    if parts.scheme not in URL_SCHEMES or '://' not in url:
        return ('docker_host: %r is not an engine URL: give unix:///path/to/docker.sock, '
                'tcp://host:port, http(s)://host:port or ssh://user@host' % url)
    if parts.scheme == 'unix':
        return None if parts.path else 'docker_host: %r names no socket path' % url
    if not parts.hostname:
        return 'docker_host: %r names no host' % url
    try:
        port = parts.port
    except ValueError:  # not a number, or beyond 65535
        port = -1
    if port is not None and not 1 <= port <= 65535:
        return 'docker_host: the port of %r is out of range 1 to 65535' % url
    return None


def root_cause(exc):
    """The innermost exception of a chain (requests and urllib3 wrap the socket error)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            # urllib3 keeps the socket error in ``reason``, or in args.
            inner = getattr(exc, 'reason', None)
            if not isinstance(inner, BaseException):
                inner = next((a for a in getattr(exc, 'args', ()) if isinstance(a, BaseException)),
                             None)
        if inner is None:
            return exc
        exc = inner
    return exc


def classify_engine_error(exc):
    """``(status, reason)`` for an engine that does not answer.

    No permission on the socket is ``unknown`` (the check cannot see the engine,
    which may be fine); anything else means the engine is down: ``fail``.
    """
    cause = root_cause(exc)
    denied = (errno.EACCES, errno.EPERM)
    if isinstance(cause, PermissionError) or getattr(cause, 'errno', None) in denied:
        return UNKNOWN, 'permission denied on the engine socket'
    if isinstance(cause, FileNotFoundError):
        return FAIL, 'the engine socket does not exist (engine not running)'
    if isinstance(cause, ConnectionRefusedError):
        return FAIL, 'connection refused (engine not running)'
    text = str(cause) or type(cause).__name__
    if 'timed out' in text.lower():
        return FAIL, 'the engine did not answer in time'
    return FAIL, '%s: %s' % (type(cause).__name__, text.splitlines()[0][:200])


def connect(docker, base_url, timeout, pool=10):
    """Return ``(client, version_dict, error_record)``; the record is set when it failed.

    ``pool`` connections are kept open at once: one per concurrent stats request.
    """
    try:
        client = docker.DockerClient(base_url=base_url, timeout=timeout, version='auto',
                                     max_pool_size=max(10, pool))
        version = client.version()
    except Exception as exc:  # pylint: disable=broad-except  # DockerException and socket errors
        status, reason = classify_engine_error(exc)
        if status == UNKNOWN:
            return None, None, unknown(
                'docker_host', 'cannot reach the Docker engine at %s: %s' % (base_url, reason),
                remediation='Run the check as root (become: true) or as a member of the docker group.')
        return None, None, check_result(
            'docker_host', FAIL, message='no Docker engine answers at %s: %s' % (base_url, reason),
            remediation='Start the engine (systemctl start docker) and check its log.',
            details={'docker_host': base_url})
    return client, version, None


def engine_record(base_url, version):
    """The ``docker_host`` record of an engine that answered."""
    return check_result('docker_host', PASS, message='Docker engine %s (API %s) answers at %s'
                        % (version.get('Version'), version.get('ApiVersion'), base_url),
                        details={'version': version.get('Version'),
                                 'api_version': version.get('ApiVersion'),
                                 'os': version.get('Os'), 'arch': version.get('Arch')})


def version_record(version_text, minimum):
    """``min_version``: the engine's version against ``minimum``."""
    have, want = version_tuple(version_text), version_tuple(minimum)
    if have is None:
        return unknown('min_version', 'cannot read the engine version %r' % version_text)
    if have >= want:
        return check_result('min_version', PASS, value=version_text,
                            message='engine version %s is at least %s' % (version_text, minimum))
    return check_result('min_version', FAIL, value=version_text,
                        message='engine version %s is below the minimum %s' % (version_text, minimum),
                        remediation='Upgrade the Docker engine before the release.')


def inspect_all(client):
    """Inspect every container (running or not); return the inspect dicts."""
    found = []
    for summary in client.api.containers(all=True):
        try:
            found.append(client.api.inspect_container(summary['Id']))
        except Exception as exc:  # pylint: disable=broad-except
            if type(exc).__name__ == 'NotFound':
                continue  # removed between list and inspect
            raise
    return found


def container_name(info):
    """The container's name without the leading slash."""
    return (info.get('Name') or info.get('Id', '')[:12]).lstrip('/')


def labels_match(info, selector):
    """True when the container has label ``key`` (``selector`` = ``key``) or ``key=value``."""
    labels = (info.get('Config') or {}).get('Labels') or {}
    if '=' in selector:
        key, value = selector.split('=', 1)
        return labels.get(key) == value
    return selector in labels


def state_of(info):
    """``(status, exit_code, restart_count, health)`` of an inspected container."""
    state = info.get('State') or {}
    health = (state.get('Health') or {}).get('Status')
    return state.get('Status'), state.get('ExitCode'), info.get('RestartCount') or 0, health


def expected_records(containers, expected):
    """``containers:<name>`` / ``containers:label=<selector>``: expected ones run."""
    records = []
    for entry in expected:
        if entry.get('name'):
            label = entry['name']
            matches = [c for c in containers if container_name(c) == entry['name']]
        else:
            label = 'label=%s' % entry['label']
            matches = [c for c in containers if labels_match(c, entry['label'])]
        name = 'containers:%s' % label
        minimum = entry.get('min_count') or 1
        running = [c for c in matches if state_of(c)[0] == 'running']
        others = ['%s (%s)' % (container_name(c), state_of(c)[0]) for c in matches
                  if state_of(c)[0] != 'running']
        details = dict(running=sorted(container_name(c) for c in running),
                       not_running=sorted(others))
        if not matches:
            records.append(check_result(name, FAIL, value=0, unit='count',
                                        message='no container %s exists' % label,
                                        remediation='Deploy the container.', details=details))
        elif len(running) < minimum or others:
            message = '%d of %d containers %s are running' % (len(running), len(matches), label)
            if others:
                message += '; not running: %s' % ', '.join(sorted(others))
            if len(running) < minimum:
                message += '; at least %d must run' % minimum
            records.append(check_result(name, FAIL, value=len(running), unit='count',
                                        message=message,
                                        remediation='Start the containers and read their logs '
                                                    '(docker logs) for why they stopped.',
                                        details=details))
        else:
            records.append(check_result(name, PASS, value=len(running), unit='count',
                                        message='%s: %d running' % (label, len(running)),
                                        details=details))
    return records


def in_scope(containers, expected, scope, ignore):
    """The containers the per-container checks look at."""
    chosen = []
    for info in containers:
        cname = container_name(info)
        if any(fnmatch.fnmatchcase(cname, pattern) for pattern in ignore or ()):
            continue
        if scope == 'expected' and not any(
                (e.get('name') and e['name'] == cname) or
                (e.get('label') and labels_match(info, e['label'])) for e in expected):
            continue
        chosen.append(info)
    return sorted(chosen, key=container_name)


def running_record(info):
    """``all_running:<name>`` for O(all_running)."""
    name = 'all_running:%s' % container_name(info)
    status = state_of(info)[0]
    if status == 'running':
        return check_result(name, PASS, message='%s is running' % container_name(info))
    return check_result(name, FAIL, message='%s is %s; every container must be running'
                        % (container_name(info), status),
                        remediation='Start it, or remove it if it is no longer needed.')


def health_record(info):
    """``health:<name>`` for a running container with a healthcheck, else None."""
    status, _code, _restarts, health = state_of(info)
    if health is None or status != 'running':
        return None
    cname = container_name(info)
    name = 'health:%s' % cname
    streak = ((info.get('State') or {}).get('Health') or {}).get('FailingStreak')
    details = {'failing_streak': streak}
    if health == 'healthy':
        return check_result(name, PASS, message='%s is healthy' % cname, details=details)
    if health == 'starting':
        return check_result(name, WARN, message='%s is still starting (no healthy result yet)' % cname,
                            remediation='Wait for the healthcheck, or see why it takes long.',
                            details=details)
    return check_result(name, FAIL, message='%s is %s (%s failed healthchecks in a row)'
                        % (cname, health, streak),
                        remediation='See its healthcheck output: docker inspect --format '
                                    '"{{json .State.Health}}" %s' % cname, details=details)


def restarts_record(info, opts):
    """``restarts:<name>``: the engine's restart count against its limits."""
    cname = container_name(info)
    status, _code, restarts, _health = state_of(info)
    return measured('restarts:%s' % cname, restarts, 'count', opts['warn'], opts['fail'],
                    subject='%s restart count' % cname,
                    remediation='The container keeps crashing: read docker logs %s.' % cname,
                    details={'state': status})


def exit_code_record(info):
    """``exit_codes:<name>`` for a stopped container; None for a running one."""
    status, code, _restarts, _health = state_of(info)
    if status not in ('exited', 'dead'):
        return None
    cname = container_name(info)
    name = 'exit_codes:%s' % cname
    if status == 'exited' and code == 0:
        return check_result(name, PASS, value=0, message='%s exited cleanly (code 0)' % cname)
    return check_result(name, FAIL, value=code,
                        message='%s %s with code %s' % (cname, status, code),
                        remediation='Read docker logs %s; fix it, or remove the container if it '
                                    'is an old one-off.' % cname,
                        details={'finished_at': (info.get('State') or {}).get('FinishedAt')})


def cpu_percent(stats, info):
    """CPU use as a percentage of what the container may use; None without two samples.

    ``cpu_delta / system_delta * online_cpus`` is the number of CPUs used (as
    ``docker stats``, which shows it times 100); it is divided by the CPUs the
    container may use: its ``--cpus`` (NanoCpus) or quota, else every online CPU.
    """
    cpu, pre = stats.get('cpu_stats') or {}, stats.get('precpu_stats') or {}
    total = (cpu.get('cpu_usage') or {}).get('total_usage')
    pre_total = (pre.get('cpu_usage') or {}).get('total_usage')
    system, pre_system = cpu.get('system_cpu_usage'), pre.get('system_cpu_usage')
    if None in (total, pre_total, system, pre_system) or system - pre_system <= 0:
        return None, None
    online = cpu.get('online_cpus') or len((cpu.get('cpu_usage') or {}).get('percpu_usage') or ()) or 1
    used = (total - pre_total) / float(system - pre_system) * online
    host = info.get('HostConfig') or {}
    allowed = online
    if host.get('NanoCpus'):
        allowed = host['NanoCpus'] / 1e9
    elif host.get('CpuQuota') and host.get('CpuPeriod') and host['CpuQuota'] > 0:
        allowed = host['CpuQuota'] / float(host['CpuPeriod'])
    allowed = min(allowed, online)
    return round(100.0 * used / allowed, 1), dict(cpus_used=round(used, 3),
                                                  cpus_allowed=round(allowed, 3))


def memory_percent(stats):
    """Memory in use (without the reclaimable page cache) as a percentage of the limit."""
    mem = stats.get('memory_stats') or {}
    usage, limit = mem.get('usage'), mem.get('limit')
    if not usage or not limit:
        return None, None
    inner = mem.get('stats') or {}
    cache = inner.get('total_inactive_file', inner.get('inactive_file', inner.get('cache', 0))) or 0
    used = max(0, usage - cache)
    return round(100.0 * used / limit, 1), dict(used_mib=round(used / 1048576.0, 1),
                                                limit_mib=round(limit / 1048576.0, 1))


def one_shot_stats(client, container_id):
    """One stats sample of a container, without the engine's wait for a second one.

    ``stream=False`` alone makes the engine wait for two samples (about 2 s, for the CPU
    figure); ``one-shot`` (API 1.41+) answers with the first.  The SDK passes it from 6.0 on;
    an older SDK gets the same query through its own request helpers.
    """
    api = client.api
    try:
        return api.stats(container_id, stream=False, one_shot=True)
    except TypeError:  # docker SDK < 6.0 (Debian 12's python3-docker is 5.0)
        url = api._url('/containers/{0}/stats', container_id)
        return api._result(api._get(url, params={'stream': False, 'one-shot': True}), True)


def stats_available(stats):
    """False for the engine's empty answer (no cgroup figures: no memory use, no system CPU time)."""
    memory = stats.get('memory_stats') or {}
    cpu = stats.get('cpu_stats') or {}
    return bool(memory.get('usage')) or bool(cpu.get('system_cpu_usage'))


def no_figures_yet(outcomes, wanted=3):
    """True once ``wanted`` answers are in (all of them, if fewer) and none has figures."""
    answers = [value for ok, value in outcomes.values() if ok]
    return len(answers) >= wanted and not any(stats_available(value) for value in answers)


def sample_problem(cname, outcome, budget_s, first_empty):
    """Why a container's stats cannot be judged, or None when the sample has figures."""
    ok, value = outcome
    if ok:
        return None if stats_available(value) else (
            'the engine gave no stats for %s (no cgroup figures: a rootless engine or '
            'cgroup controllers it cannot read)' % cname)
    if isinstance(value, StoppedEarly):
        return ('not asked: the engine gave no stats for the first containers asked (%s)'
                % ', '.join(first_empty))
    if isinstance(value, TimedOut):
        return 'no stats within %gs' % budget_s
    return '%s: %s' % (type(value).__name__, str(value)[:200])


def stats_records(client, containers, cpu_opts, mem_opts, workers, budget_s):
    """``cpu:<name>`` and ``memory:<name>`` of running containers.

    One one-shot sample of every container, concurrently (memory, and whether the engine has
    figures at all: after the first three empty answers it is not asked again); for CPU a
    second one-shot round, the use between the two samples.  The whole takes at most
    ``budget_s``.
    """
    running = dict((c['Id'], c) for c in containers if state_of(c)[0] == 'running')
    if not running or not (cpu_opts['enabled'] or mem_opts['enabled']):
        return []
    started = time.monotonic()
    deadline = started + budget_s
    wanted = min(3, len(running))
    first = run_bounded([(cid, lambda cid=cid: one_shot_stats(client, cid)) for cid in running], workers,
                        budget_s, stop=lambda outcomes: no_figures_yet(outcomes, wanted))
    first_empty = sorted(container_name(running[cid]) for cid, (ok, value) in first.items()
                         if ok and not stats_available(value))
    second = {}
    if cpu_opts['enabled']:
        with_figures = [cid for cid, (ok, value) in first.items() if ok and stats_available(value)]
        second = run_bounded([(cid, lambda cid=cid: one_shot_stats(client, cid)) for cid in with_figures],
                             workers, max(0.0, deadline - time.monotonic()))
    elapsed = (time.monotonic() - started) * 1000.0
    records = []
    for cid, info in sorted(running.items(), key=lambda item: container_name(item[1])):
        cname = container_name(info)
        problem = sample_problem(cname, first[cid], budget_s, first_empty)
        for option, opts in (('cpu', cpu_opts), ('memory', mem_opts)):
            if not opts['enabled']:
                continue
            name = '%s:%s' % (option, cname)
            why = problem
            if why is None and option == 'cpu':
                why = sample_problem(cname, second[cid], budget_s, first_empty)
            if why is not None:
                records.append(unknown(name, 'cannot read the stats of %s: %s' % (cname, why),
                                       unit='percent', warn=opts['warn'], fail=opts['fail'],
                                       duration_ms=elapsed))
                continue
            if option == 'cpu':
                # The two one-shot samples, as the engine's own two-sample answer would give them.
                pair = dict(cpu_stats=second[cid][1].get('cpu_stats'), precpu_stats=first[cid][1].get('cpu_stats'))
                percent, details = cpu_percent(pair, info)
                subject = '%s CPU use (of %s CPUs allowed)' % (
                    cname, details['cpus_allowed'] if details else '?')
                remediation = 'Give the container more CPU or find what keeps it busy.'
            else:
                percent, details = memory_percent(first[cid][1])
                subject = '%s memory use (of its limit)' % cname
                remediation = 'Raise the memory limit or find the leak before it is OOM-killed.'
            if percent is None:
                records.append(unknown(name, 'the engine gave no %s sample for %s' % (option, cname),
                                       unit='percent', warn=opts['warn'], fail=opts['fail'],
                                       duration_ms=elapsed))
                continue
            records.append(measured(name, percent, 'percent', opts['warn'], opts['fail'],
                                    subject=subject, remediation=remediation, duration_ms=elapsed,
                                    details=details))
    return records


def engine_url(params):
    """The engine the module talks to: docker_host, else DOCKER_HOST, else the local socket."""
    return params.get('docker_host') or os.environ.get('DOCKER_HOST') or DEFAULT_HOST


# Resources from the readiness guide (80 % / 90 %); a container that restarted at all is
# worth a look, five restarts are a crash loop.
CONTAINERS = Entries(dict(name=Option('str'), label=Option('str'), min_count=Option('int', 1, low=1)))
CATALOGUE = Catalogue('docker', instance=engine_url, options=dict(
    timeout=Option('float', 10.0, low=0, high=300, low_open=True),
    scope=Option('str', 'all', choices=['all', 'expected']),
    ignore=Option('list', [], elements='str'),
    stats_workers=Option('int', 16, low=1, high=32),
    stats_budget=Option('float', 30.0, low=1, high=300),
), checks=[
    OptionCheck('docker_host', Option('str'), formerly='docker_engine'),
    OptionCheck('min_version', Option('str'), formerly='docker_version'),
    OptionCheck('containers', CONTAINERS,
                formerly={'containers': 'docker_containers', 'containers:': 'docker_container:'}),
    OptionCheck('all_running', Option('bool', False), formerly='docker_running'),
    Check('health', limits=False, formerly='docker_health'),
    Check('restarts', unit='count', warn=1, fail=5, formerly='docker_restarts'),
    Check('exit_codes', limits=False,
          formerly={'exit_codes': 'docker_exit_codes', 'exit_codes:': 'docker_exit_code:'}),
    Check('cpu', unit='percent', warn=80, fail=90, formerly='docker_cpu'),
    Check('memory', unit='percent', warn=80, fail=90, formerly='docker_memory'),
])
SWITCHED = ('health', 'restarts', 'exit_codes', 'cpu', 'memory')


def input_errors(params, _opts):
    """Problems the catalogue cannot see: the engine URL, the version, names or labels."""
    errors = container_errors(params.get('containers'))
    if params.get('docker_host'):
        error = url_error(params['docker_host'])
        if error:
            errors.append(error)
    if params.get('min_version') is not None and version_tuple(params['min_version']) is None:
        errors.append('min_version: %r is not a version such as 20.10' % params['min_version'])
    if params.get('scope') == 'expected' and not params.get('containers'):
        errors.append('scope: expected needs the containers option')
    return errors


def container_records(report, listing, params, opts):
    """The expected containers' records, then each in-scope container's."""
    expected = CONTAINERS.merged(params['containers'], opts)
    for record in expected_records(listing, expected):
        report.add(record)
    chosen = in_scope(listing, expected, params['scope'], params['ignore'])
    for info in chosen:
        if opts['all_running']:
            report.add(running_record(info))
        for name, judge in (('health', health_record), ('restarts', lambda i: restarts_record(i, opts['restarts'])),
                            ('exit_codes', exit_code_record)):
            record = judge(info) if opts[name]['enabled'] else None
            if record:
                report.add(record)
    return chosen


def measure(docker, params, opts):
    """Connect to the engine, run every switched-on check and return the ``readiness`` result."""
    report = Component('docker')
    base_url = engine_url(params)
    client, version, error = connect(docker, base_url, params['timeout'], params['stats_workers'])
    if error:
        report.add(error)
        return report.result()
    try:
        report.add(engine_record(base_url, version))
        if params['min_version']:
            report.add(version_record(version.get('Version'), params['min_version']))
        listing = []
        listed = report.run('containers', lambda: listing.extend(inspect_all(client)) or [])
        if not listed:
            chosen = container_records(report, listing, params, opts)
            report.run('cpu', lambda: stats_records(client, chosen, opts['cpu'], opts['memory'],
                                                    params['stats_workers'], params['stats_budget']),
                       unit='percent')
        for name in SWITCHED:
            if not opts[name]['enabled']:
                report.add(skipped(name, '%s is switched off' % name))
    finally:
        client.close()
    return report.result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs the Docker SDK.
    """
    docker, error = import_library('docker')
    return Runner(CATALOGUE, lambda params, opts: measure(docker, params, opts), input_errors,
                  [('docker', docker, error)])
