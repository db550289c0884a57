"""The operations checklists: every pattern names checks that exist, and items tick from them."""

import fnmatch
import importlib
import os
import pkgutil
import re

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import probes
from ansible_collections.golive.readiness.plugins.plugin_utils import checklists

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))


def catalogue_names():
    """``component/name`` and ``component/name:q`` of every check and declared record of every catalogue.

    load_test is not built from a catalogue: its record names are read from its plan's source
    (the names it builds, ``'load_error_rate:%s'``, and those its docstring lists, ``load_p95:<label>``).
    """
    names = set()
    for info in pkgutil.iter_modules(probes.__path__):
        catalogue = getattr(importlib.import_module('%s.%s' % (probes.__name__, info.name)), 'CATALOGUE', None)
        if catalogue is None:
            continue
        for name in [check.name for check in catalogue.checks] + list(catalogue.records):
            names.update(('%s/%s' % (catalogue.component, name), '%s/%s:q' % (catalogue.component, name)))
    with open(os.path.join(REPO, 'plugins', 'module_utils', 'load', 'plan.py')) as handle:
        for name in set(re.findall(r"(load_[a-z0-9_]+):(?:%s|<)", handle.read())):
            names.update(('load/%s' % name, 'load/%s:q' % name))
    return names


PATTERNS = sorted(set(pattern for _title, items in checklists.CHECKLISTS for _text, patterns in items
                      for pattern in patterns if not pattern.startswith('@')))


def test_the_catalogues_are_found():
    names = catalogue_names()
    for expected in ('system/disk:q', 'http/https_only:q', 'lynis/hardening_index', 'load/load_p95:q'):
        assert expected in names


@pytest.mark.parametrize('pattern', PATTERNS)
def test_every_pattern_matches_a_current_check(pattern):
    """A pattern matching nothing would leave its item 'unknown' forever (pre-0.2.0 names did)."""
    assert any(fnmatch.fnmatchcase(name, pattern) for name in catalogue_names()), \
        '%s matches no check of the current catalogues' % pattern


def record(component, name, status):
    return dict(component=component, name=name, status=status)


def compliance(checks):
    report = dict(hosts=dict(web1=dict(checks=checks)))
    items = dict((item['text'], item) for item in dict(
        (c['name'], c['items']) for c in checklists.evaluate(report))['Compliance'])
    return dict((text.split(':')[0], item['state']) for text, item in items.items())


def test_compliance_ticks_the_security_checks():
    passing = [record('http', 'auth:admin', 'pass'), record('http', 'lockout:admin', 'pass'),
               record('redis', 'encryption', 'pass'), record('redis', 'default_user', 'pass'),
               record('postgres', 'privileges', 'pass'), record('security', 'sudoers', 'pass'),
               record('security', 'root_services', 'pass'), record('postgres', 'logging', 'pass'),
               record('security', 'log_forwarding', 'pass')]
    states = compliance(passing)
    assert states['Strong authentication'] == 'done'
    assert states['Least privilege'] == 'done'
    assert states['Logs forwarded off the host and database activity logged'] == 'done'
    assert states['Communication encrypted in transit (HTTPS only, database and cache TLS, certificates)'] == 'done'
    failing = compliance(passing[:-1] + [record('redis', 'default_user', 'fail'), record('http', 'lockout:admin', 'fail')])
    assert failing['Least privilege'] == 'failed' and failing['Strong authentication'] == 'failed'
    assert compliance([])['Strong authentication'] == 'unknown'
    assert compliance([])['Access to production reviewed and access logs kept'] == 'manual'


def test_before_deployment_ticks_current_system_records():
    report = dict(hosts=dict(db1=dict(checks=[record('system', 'disk:/', 'pass'), record('system', 'inodes:/', 'pass'),
                                              record('system', 'memory', 'warn'), record('system', 'swap', 'skip')])))
    items = dict((i['text'], i['state']) for i in checklists.evaluate(report)[0]['items'])
    assert items['Disk space below limits on every filesystem'] == 'done'
    assert items['Memory and swap headroom'] == 'failed'


def test_checklist_states_from_a_fleet_report():
    """Through the fleet collector, as the callback builds the report (moved from test_report_formats)."""
    from ansible_collections.golive.readiness.plugins.plugin_utils import fleet
    from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
    collector = fleet.FleetCollector()
    for host, component, name, status in (('web1', 'system', 'disk:/', 'pass'), ('db1', 'system', 'disk:/', 'fail'),
                                          ('db1', 'system', 'swap', 'skip'), ('db1', 'postgres', 'connection', 'unknown')):
        collector.add_host(host, groups=['all'])
        part = r.Component(component)
        part.add(r.check_result(name, status))
        collector.add_readiness(host, part.result())
    collector.add_host('app1', groups=['all'])
    collector.add_unreachable('app1', 'refused')
    lists = dict((c['name'], c) for c in checklists.evaluate(collector.report(playbook='readiness.yml')))
    before = dict((i['text'], i['state']) for i in lists['Before deployment']['items'])
    assert before['Every host is reachable'] == 'failed'
    assert before['Disk space below limits on every filesystem'] == 'failed'
    assert before['Databases accept connections and answer fast'] == 'unknown'
    assert before['TLS certificates valid and not expiring soon'] == 'unknown'
    assert before['Backups taken and a restore tested'] == 'unknown'
    assert before['Rollback plan written and rehearsed'] == 'manual'
