"""The go / no-go policy."""

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.plugin_utils import fleet
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
    decide,
    stats_data,
    validate_policy,
)


def report(**hosts):
    """hosts: name -> (groups, [(component, check, status)]) or 'unreachable'."""
    c = fleet.FleetCollector()
    for name, spec in hosts.items():
        if spec == 'unreachable':
            c.add_unreachable(name, 'ssh: connection refused')
            continue
        groups, checks = spec
        c.add_host(name, groups=groups)
        by_component = {}
        for component, check, status in checks:
            by_component.setdefault(component, r.Component(component)).add(
                r.check_result(check, status, message='m'))
        for comp in by_component.values():
            c.add_readiness(name, comp.result())
    return c.report()


GOOD = (['web'], [('system', 'disk', 'pass'), ('system', 'load', 'pass')])
WARNY = (['db'], [('system', 'disk', 'warn'), ('system', 'load', 'pass')])
FAILING = (['db'], [('system', 'disk', 'fail'), ('system', 'load', 'pass')])


def test_default_policy_go_with_warnings():
    d = decide(report(web1=GOOD, db1=WARNY), {})
    assert d['go'] is True
    assert d['verdict'].startswith('GO: 2 hosts, 4 checks judged, 0 fail, 1 warn')


def test_a_failing_check_is_no_go_and_named():
    d = decide(report(web1=GOOD, db1=FAILING), {})
    assert d['go'] is False
    assert d['verdict'] == 'NO-GO: fleet: 1 failing check(s) (at most 0 allowed): db1 system/disk'


def test_unreachable_is_no_go_unless_allowed():
    rep = report(web1=GOOD, web2='unreachable')
    assert decide(rep, {})['blockers'] == [
        'fleet: 1 unreachable host(s) (at most 0 allowed): web2']
    assert decide(rep, {'max_unreachable': 1})['go'] is True


def test_not_evaluated_host_blocks_by_default():
    c = fleet.FleetCollector()
    c.add_host('quiet', groups=['web'])
    rep = c.report()
    assert 'fleet: quiet was never evaluated' in decide(rep, {})['blockers']
    assert decide(rep, {'require_evaluated': False})['go'] is True


def test_task_error_blocks():
    c = fleet.FleetCollector()
    c.add_readiness('a', r.Component('system').result())
    c.add_error('a', 'postgres_check', 'password: required')
    d = decide(c.report(), {})
    assert d['go'] is False and "task 'postgres_check' failed" in d['blockers'][0]


def test_warn_budget():
    rep = report(web1=GOOD, db1=WARNY)           # 1 of 4 checks warn: 25 %
    assert decide(rep, {'max_warn_percent': 25})['go'] is True
    d = decide(rep, {'max_warn_percent': 10})
    assert d['go'] is False
    assert d['blockers'][0].startswith('fleet: 25.0% of checks warn (budget 10%): db1 system/disk')


def test_unknown_counting():
    rep = report(a=(['web'], [('system', 'x', 'unknown'), ('system', 'y', 'pass')]))
    assert decide(rep, {})['counts']['warn'] == 1
    assert decide(rep, {'unknown': 'fail'})['go'] is False
    assert decide(rep, {'unknown': 'ignore', 'max_warn_percent': 0})['go'] is True


def test_group_rules_are_stricter_for_their_hosts_only():
    rep = report(web1=(['web'], [('system', 'disk', 'warn')]), db1=WARNY)
    d = decide(rep, {'groups': {'db': {'max_warn_percent': 0}}})
    assert d['go'] is False
    assert d['blockers'] == ['group db: 50.0% of checks warn (budget 0%): db1 system/disk']
    assert d['groups']['db']['go'] is False and d['groups']['db']['hosts'] == 1


def test_group_without_hosts_blocks():
    d = decide(report(web1=GOOD), {'groups': {'db': {}}})
    assert d['blockers'] == ['group db: no host of the group was in the run']


def test_ignore_with_reason():
    rep = report(web1=GOOD, db1=FAILING)
    d = decide(rep, {'ignore': [{'check': 'system/disk', 'hosts': 'db*', 'reason': 'RISK-1'}]})
    assert d['go'] is True
    assert d['ignored'] == [{'check': 'system/disk', 'reason': 'RISK-1', 'hosts': ['db1']}]
    d = decide(rep, {'ignore': [{'check': 'system/disk', 'hosts': 'web*', 'reason': 'r'}]})
    assert d['go'] is False


@pytest.mark.parametrize('policy,fragment', [
    ({'max_fail': -1}, 'max_fail: must be a whole number >= 0'),
    ({'max_warn_percent': 150}, 'max_warn_percent: must be a number from 0 to 100'),
    ({'unknown': 'maybe'}, 'unknown: must be one of fail, warn, ignore'),
    ({'groups': {'db': {'max_fial': 1}}}, 'groups.db.max_fial: unknown rule'),
    ({'groups': {'db': {'max_fail': 'x'}}}, 'groups.db.max_fail: must be a whole number'),
    ({'groups': {'db': 3}}, 'groups.db: must be a dict of rules'),
    ({'ignore': [{'check': 'system/*'}]}, 'ignore[0]: system/* needs a reason'),
    ({'ignore': [{'reason': 'x'}]}, 'ignore[0]: needs a check pattern'),
])
def test_policy_validation_names_the_option(policy, fragment):
    errors = validate_policy(policy)
    assert any(fragment in e for e in errors), errors


def test_stats_data_is_small():
    rep = report(**dict(('h%d' % i, FAILING) for i in range(100)))
    data = stats_data(decide(rep, {}))
    assert data['go'] is False and data['fail'] == 100
    assert len(data['blockers']) <= 20
    assert set(data) == {'go', 'verdict', 'status', 'score', 'fail', 'warn', 'unreachable',
                         'blockers', 'blocker_count'}
