"""A synthetic but realistic fleet: N hosts x M checks of ``readiness`` results.

Shared by benchmarks/report_bench.py and tests/e2e/test_html_report.py.  Deterministic
for a given seed.  Every record is built with the collection's own result model
(module_utils/readiness.py), so it is exactly what the check modules return.

The mix: most checks pass; a few hundred warn, fail or cannot measure; about 1 % of
hosts are unreachable, 0.5 % never evaluated and a few have a failed task.
"""

import os
import random
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.join(REPO, 'collections') not in sys.path:
    sys.path.insert(0, os.path.join(REPO, 'collections'))

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r  # noqa: E402

ROLES = ('web', 'app', 'db', 'cache', 'lb', 'worker')
SITES = ('eu_west', 'eu_central', 'us_east', 'us_west')

# (component, check name, unit, warn, fail, direction, typical value, spread)
_SYSTEM = [
    ('disk:/', 'percent', 80, 90, r.HIGHER_IS_WORSE, 55, 20),
    ('disk:/var', 'percent', 80, 90, r.HIGHER_IS_WORSE, 50, 22),
    ('disk:/srv', 'percent', 80, 90, r.HIGHER_IS_WORSE, 45, 25),
    ('inodes:/', 'percent', 80, 90, r.HIGHER_IS_WORSE, 20, 15),
    ('inodes:/var', 'percent', 80, 90, r.HIGHER_IS_WORSE, 25, 15),
    ('memory_used', 'percent', 80, 90, r.HIGHER_IS_WORSE, 60, 15),
    ('swap', 'percent', 80, 90, r.HIGHER_IS_WORSE, 10, 12),
    ('cpu_used', 'percent', 80, 90, r.HIGHER_IS_WORSE, 35, 20),
    ('load', 'ratio', 1.0, 2.0, r.HIGHER_IS_WORSE, 0.5, 0.3),
    ('io_latency:sda', 'ms', 20, 50, r.HIGHER_IS_WORSE, 4, 5),
    ('open_files', 'percent', 80, 90, r.HIGHER_IS_WORSE, 10, 8),
    ('processes', 'count', 2000, 4000, r.HIGHER_IS_WORSE, 300, 120),
    ('zombie_processes', 'count', 1, 10, r.HIGHER_IS_WORSE, 0, 0.3),
    ('ntp_offset', 'ms', 100, 500, r.HIGHER_IS_WORSE, 5, 10),
    ('uptime_days', 'days', None, None, r.HIGHER_IS_WORSE, 40, 30),
    ('entropy', 'count', 256, 128, r.LOWER_IS_WORSE, 3000, 500),
    ('service:sshd', None, None, None, None, None, None),
    ('service:chronyd', None, None, None, None, None, None),
    ('service:node_exporter', None, None, None, None, None, None),
    ('tls_cert_days:/etc/ssl/site.pem', 'days', 30, 7, r.LOWER_IS_WORSE, 120, 60),
]
_OTHER = [
    ('http', 'https://localhost/healthz', 'ms', 1000, 2000, r.HIGHER_IS_WORSE, 120, 150),
    ('http', 'https://localhost/api/ready', 'ms', 1000, 2000, r.HIGHER_IS_WORSE, 180, 200),
    ('http', 'http://localhost:9100/metrics', 'ms', 1000, 2000, r.HIGHER_IS_WORSE, 60, 50),
    ('http', 'error_rate', 'percent', 1, 5, r.HIGHER_IS_WORSE, 0.3, 0.4),
    ('http', 'p95_latency', 'ms', 1000, 2000, r.HIGHER_IS_WORSE, 400, 250),
    ('http', 'throughput', 'req/s', 100, 50, r.LOWER_IS_WORSE, 400, 150),
    ('http', 'tls_days:%(host)s:443', 'days', 30, 7, r.LOWER_IS_WORSE, 60, 40),
    ('http', 'redirect:http->https', None, None, None, None, None, None),
    ('port', 'listening:22', None, None, None, None, None, None),
    ('port', 'listening:443', None, None, None, None, None, None),
    ('port', 'listening:9100', None, None, None, None, None, None),
    ('port', 'not_listening:23', None, None, None, None, None, None),
    ('port', 'loopback_only:5432', None, None, None, None, None, None),
    ('port', 'loopback_only:6379', None, None, None, None, None, None),
    ('network', 'dns:api.example.com', 'ms', 100, 500, r.HIGHER_IS_WORSE, 8, 10),
    ('network', 'dns:db.internal', 'ms', 100, 500, r.HIGHER_IS_WORSE, 5, 6),
    ('network', 'targets:db.internal:5432', 'ms', 50, 200, r.HIGHER_IS_WORSE, 2, 3),
    ('network', 'targets:cache.internal:6379', 'ms', 50, 200, r.HIGHER_IS_WORSE, 2, 3),
    ('network', 'packet_loss:gw', 'percent', 1, 5, r.HIGHER_IS_WORSE, 0.1, 0.3),
    ('network', 'mtu:eth0', 'count', None, None, r.HIGHER_IS_WORSE, 1500, 0),
    ('docker', 'engine', None, None, None, None, None, None),
    ('docker', 'container:app', None, None, None, None, None, None),
    ('docker', 'container:sidecar', None, None, None, None, None, None),
    ('docker', 'restarts:app', 'count', 1, 5, r.HIGHER_IS_WORSE, 0, 0.5),
    ('docker', 'memory:app', 'percent', 80, 90, r.HIGHER_IS_WORSE, 50, 15),
    ('docker', 'cpu:app', 'percent', 80, 90, r.HIGHER_IS_WORSE, 30, 20),
    ('docker', 'health:app', None, None, None, None, None, None),
    ('docker', 'image_age_days:app', 'days', 90, 180, r.HIGHER_IS_WORSE, 20, 15),
    ('docker', 'exit_codes', None, None, None, None, None, None),
    ('docker', 'version', None, None, None, None, None, None),
]
CHECK_SPECS = [('system',) + s for s in _SYSTEM] + _OTHER


def host_names(count):
    """``count`` host names spread over roles and sites, e.g. ``web-eu_west-0001``."""
    return ['%s-%s-%04d' % (ROLES[i % len(ROLES)], SITES[(i // len(ROLES)) % len(SITES)], i)
            for i in range(count)]


def host_groups(name):
    """The inventory groups of a host named by ``host_names``."""
    role, site = name.split('-')[:2]
    return [role, site, 'prod', '%s_%s' % (role, site)]


def _check(rng, spec, host):
    component, name, unit, warn, fail, direction, typical, spread = spec
    name = name % dict(host=host)
    roll = rng.random()
    if roll < 0.0008:
        return r.unknown(name, 'could not measure %s: permission denied' % name,
                         unit=unit, warn=warn, fail=fail,
                         remediation='Run the check with become: true or grant read access.',
                         duration_ms=rng.uniform(0.1, 5))
    if roll < 0.01:
        return r.skipped(name, '%s does not apply to this host' % name)
    if typical is None:  # a yes / no check
        bad = rng.random() < 0.002
        return r.check_result(
            name, r.FAIL if bad else r.PASS, value=not bad,
            message='%s is %s' % (name, 'down' if bad else 'up'),
            remediation='Start %s and check its logs (journalctl -u ...).' % name,
            duration_ms=rng.uniform(0.2, 30))
    value = rng.gauss(typical, spread * 0.5)
    if rng.random() < 0.003:  # the tail that makes the report interesting
        limit = (warn if rng.random() < 0.5 else fail) or typical
        value = limit * (1.05 if direction == r.HIGHER_IS_WORSE else 0.9)
    if name == 'ntp_offset' and '-us_west-' in host:  # one site's clocks drift
        value = rng.uniform(110, 180)
    value = round(max(0.0, value), 2)
    return r.measured(name, value, unit, warn=warn, fail=fail, direction=direction or r.HIGHER_IS_WORSE,
                      remediation='Bring %s back within its limits before the release.' % name,
                      duration_ms=rng.uniform(0.1, 80))


def fleet(hosts=1000, checks=50, seed=7):
    """Yield ``(host, groups, kind, payload)`` for a synthetic fleet.

    ``kind`` is ``readiness`` (payload: a list of readiness dicts, one per component),
    ``unreachable`` (payload: Ansible's message), ``error`` (payload: (task, message),
    with readiness results too) or ``not_evaluated`` (payload: None).
    """
    rng = random.Random(seed)
    specs = [CHECK_SPECS[i % len(CHECK_SPECS)] for i in range(checks)]
    for index, host in enumerate(host_names(hosts)):
        groups = host_groups(host)
        roll = rng.random()
        if roll < 0.01:
            yield host, groups, 'unreachable', (
                'Failed to connect to the host via ssh: ssh: connect to host %s port 22: '
                'Connection timed out' % host)
            continue
        if roll < 0.015:
            yield host, groups, 'not_evaluated', None
            continue
        by_component = {}
        for spec in specs:
            by_component.setdefault(spec[0], []).append(_check(rng, spec, host))
        results = []
        for component, records in by_component.items():
            comp = r.Component(component)
            for record in records:
                comp.add(record)
            results.append(comp.result())
        if roll < 0.02:
            error = ('golive.readiness.postgres_check', 'Missing required option: login_password')
            yield host, groups, 'error', (results, error)
            continue
        yield host, groups, 'readiness', results


def collect(hosts=1000, checks=50, seed=7, collector=None):
    """Feed a synthetic fleet into a FleetCollector (a new one unless given) and return it."""
    from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import FleetCollector
    collector = collector or FleetCollector()
    for host, groups, kind, payload in fleet(hosts, checks, seed):
        collector.add_host(host, groups=groups)
        if kind == 'unreachable':
            collector.add_unreachable(host, payload)
        elif kind == 'readiness':
            for readiness in payload:
                collector.add_readiness(host, readiness, task='readiness : %s' % readiness['component'])
        elif kind == 'error':
            results, (task, message) = payload
            for readiness in results:
                collector.add_readiness(host, readiness, task='readiness : %s' % readiness['component'])
            collector.add_error(host, task, message)
    return collector
