"""The go / no-go policy."""

import json
import os

import pytest
import yaml

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.plugin_utils import fleet
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
    DEFAULT_RULE,
    OPTIONS,
    RULES,
    argument_spec,
    decide,
    stats_data,
    validate_policy,
    verdict_from_stats,
)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))


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
    ({'max_unknown_percent': -1}, 'max_unknown_percent: must be a number from 0 to 100, got -1'),
    ({'max_unknown_percent': float('nan')}, 'max_unknown_percent: must be a number from 0 to 100'),
    ({'groups': {'db': {'require_measured': 'no'}}}, "groups.db.require_measured: must be true or false, got 'no'"),
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
    assert set(data) == {'source', 'go', 'verdict', 'status', 'score', 'fail', 'warn', 'unknown',
                         'unreachable', 'blockers', 'blocker_count', 'ignored', 'groups'}
    assert data['source'] == 'golive.readiness.gate'
    assert len(json.dumps(data)) < 5000


UNMEASURED = (['db'], [('system', 'python_library:psutil', 'unknown'), ('system', 'swap', 'skip')])


def test_a_host_with_no_measured_check_is_no_go_by_default():
    """Issue R15.1: only unknown / skipped checks is no evidence, whatever unknown counts as."""
    rep = report(web1=GOOD, db1=UNMEASURED)
    for policy in ({}, {'unknown': 'ignore'}, {'max_unknown_percent': 100}):
        d = decide(rep, policy)
        assert d['go'] is False, policy
        assert d['blockers'] == ['fleet: 1 host(s) with no measured check (only unknown or skipped): db1']
    assert decide(rep, {'require_measured': False})['go'] is True
    # Per group: the fleet may allow it while the group does not.
    d = decide(rep, {'require_measured': False, 'groups': {'db': {'require_measured': True}}})
    assert d['blockers'] == ['group db: 1 host(s) with no measured check (only unknown or skipped): db1']
    assert d['counts']['unmeasured'] == 1


def test_a_fleet_where_nothing_was_measured_is_no_go():
    rep = report(db1=UNMEASURED, db2=UNMEASURED)
    assert decide(rep, {})['verdict'] == (
        'NO-GO: fleet: 2 host(s) with no measured check (only unknown or skipped): db1, db2')


def test_max_unknown_percent_for_the_fleet_and_a_group():
    partly = (['db'], [('system', 'disk', 'pass'), ('postgres', 'connect', 'unknown')])
    rep = report(web1=GOOD, db1=partly)   # 1 of 4 judged checks unknown: 25 %
    assert DEFAULT_RULE['max_unknown_percent'] == 100
    assert decide(rep, {})['go'] is True
    d = decide(rep, {'max_unknown_percent': 20})
    assert d['blockers'] == ['fleet: 25.0% of checks could not measure (at most 20%): db1 postgres/connect']
    assert decide(rep, {'max_unknown_percent': 25})['go'] is True
    d = decide(rep, {'groups': {'db': {'max_unknown_percent': 0}}})
    assert d['blockers'] == ['group db: 50.0% of checks could not measure (at most 0%): db1 postgres/connect']
    assert d['groups']['db']['unknown_percent'] == 50.0


def instance_report():
    c = fleet.FleetCollector()
    for port, status in ((6379, 'pass'), (6380, 'fail')):
        comp = r.Component('redis')
        comp.add(r.check_result('ping', status, message='m'))
        result = comp.result()
        result['instance'] = '127.0.0.1:%d' % port
        c.add_readiness('cache1', result)
    return c.report()


def test_blockers_and_ignore_patterns_name_the_instance():
    rep = instance_report()
    d = decide(rep, {})
    assert d['blockers'] == ['fleet: 1 failing check(s) (at most 0 allowed): cache1 redis[127.0.0.1:6380]/ping']
    # component/check still matches every instance; component[instance]/check only that one.
    assert decide(rep, {'ignore': [{'check': 'redis/ping', 'reason': 'r'}]})['go'] is True
    assert decide(rep, {'ignore': [{'check': 'redis[127.0.0.1:6380]/*', 'reason': 'r'}]})['go'] is True
    assert decide(rep, {'ignore': [{'check': 'redis[127.0.0.1:6379]/*', 'reason': 'r'}]})['go'] is False


def test_the_verdict_is_found_in_custom_stats_by_its_source():
    data = stats_data(decide(report(web1=GOOD), {}))
    custom = {'_run': {'other': {'go': 'not ours'}, 'my_key': data}}
    assert verdict_from_stats(custom) is data
    assert verdict_from_stats({}) is None and verdict_from_stats(None) is None
    assert verdict_from_stats({'web1': {'x': data}}) is None, 'per-host stats are not the verdict'


def documentation(path, name='DOCUMENTATION'):
    """A DOCUMENTATION literal (the text ansible-doc reads) of a module or doc fragment."""
    import ast
    tree = ast.parse(open(path).read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == name:
            return yaml.safe_load(node.value.value)
    raise AssertionError('no %s in %s' % (name, path))


def module_documentation(module='gate'):
    """The options of a module's DOCUMENTATION with those of its golive.readiness.gate_policy fragment."""
    docs = documentation(os.path.join(REPO, 'plugins', 'modules', '%s.py' % module))
    assert 'golive.readiness.gate_policy' in docs.get('extends_documentation_fragment', ())
    options = dict(documentation(os.path.join(REPO, 'plugins', 'doc_fragments', 'gate_policy.py'))['options'])
    assert not set(options) & set(docs['options']), 'an option documented twice'
    options.update(docs['options'])
    return options


def test_module_documentation_is_held_to_the_one_definition():
    """DOCUMENTATION, the action's argument spec and the rule checks come from RULES / OPTIONS."""
    from ansible_collections.golive.readiness.plugins.action.gate import ARGUMENT_SPEC
    docs = module_documentation()
    spec = argument_spec()
    assert ARGUMENT_SPEC == spec
    assert set(docs) == set(spec) == set(RULES) | set(OPTIONS)
    for name, option in spec.items():
        doc = docs[name]
        assert doc['type'] == option['type'], name
        assert doc.get('default') == option.get('default'), name
        assert doc.get('choices') == option.get('choices'), name
        assert doc.get('elements') == option.get('elements'), name
    for name, rule in RULES.items():
        text = ' '.join(docs[name]['description'] if isinstance(docs[name]['description'], list)
                        else [docs[name]['description']])
        if 'maximum' in rule:
            assert 'from %g to %g' % (rule['minimum'], rule['maximum']) in text, name
    group_doc = ' '.join(docs['groups']['description'])
    for name in RULES:
        assert 'C(%s)' % name in group_doc, 'groups documents the rule %s' % name


def test_playbook_passes_every_gate_option_with_default_omit():
    """The policy's defaults live in gate_policy only: the gate play omits what is not set."""
    with open(os.path.join(REPO, 'playbooks', 'gate.yml')) as handle:
        plays = yaml.safe_load(handle)
    [gate] = [t for p in plays for t in p.get('tasks', ()) if 'golive.readiness.gate' in t]
    args = gate['golive.readiness.gate']
    for name in set(RULES) | {'groups', 'ignore'}:
        assert args[name] == '{{ readiness_gate_%s | default(omit) }}' % name, name


def test_an_ignore_pattern_on_an_old_check_name_still_matches_with_a_deprecation():
    c = fleet.FleetCollector()
    comp = r.Component('system')
    comp.add(r.check_result('disk:/', 'fail', message='m'))
    result = comp.result()
    result['checks'][0]['formerly'] = 'disk_usage:/'
    c.add_readiness('db1', result)
    rep = c.report()
    assert rep['hosts']['db1']['checks'][0]['formerly'] == 'disk_usage:/'
    d = decide(rep, {'ignore': [{'check': 'system/disk_usage:*', 'reason': 'known'}]})
    assert d['go'] is True
    assert d['deprecations'] == ["gate ignore 'system/disk_usage:*' matches system/disk:/ by its old name "
                                 "system/disk_usage:/: write the new name (old names stop matching in 0.3.0)"]
    d = decide(rep, {'ignore': [{'check': 'system/disk:*', 'reason': 'known'}]})
    assert d['go'] is True and d['deprecations'] == []


def test_section_options_are_validated_in_one_line_each():
    from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import section_errors
    assert section_errors({'section': 'batch1', 'baseline': 'before', 'max_regressions': 0}) == []
    assert section_errors({'section': '../x'}) == [
        "section: '../x' is not a section name (letters, digits, _ . -; at most 64)"]
    assert section_errors({'section': 'after', 'baseline': 'after'}) == [
        'baseline: a section cannot be its own baseline (after)']
    assert section_errors({'max_regressions': -1}) == ['max_regressions: must be a whole number >= 0, got -1']


def test_a_check_that_passed_in_the_baseline_and_warns_now_is_a_regression():
    from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import (
        regression_blockers,
        regressions,
    )

    def rep(status, value):
        return {'hosts': {'web1': {'checks': [
            {'component': 'http', 'name': 'response_time:products', 'status': status, 'value': value}]}}}
    found = regressions(rep('pass', 20), rep('warn', 1500))
    assert [(f['host'], f['name'], f['status']) for f in found] == [('web1', 'response_time:products', 'warn')]
    assert regression_blockers(found, 0) == [
        'regression: 1 check(s) passed before and now warn or fail (at most 0 allowed): '
        'web1 http/response_time:products pass -> warn']
    assert regression_blockers(found, 1) == []
    # Already warning before: not a regression (the before gate judged it).
    assert regressions(rep('warn', 1200), rep('warn', 1500)) == []
