"""The catalogue: one declaration per check drives spec, validation, merging, dispatch and renames."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ansible_collections.golive.readiness.plugins.module_utils import catalogue as c
from ansible_collections.golive.readiness.plugins.module_utils.probes import system
from ansible_collections.golive.readiness.plugins.module_utils.readiness import LOWER_IS_WORSE, Component, measured


def uptime_probe(_context, opts):
    return measured('uptime', 42.0, 'days', opts['warn'], opts['fail'], direction=LOWER_IS_WORSE)


def extended():
    """The system catalogue plus one new check, declared once."""
    new = c.Check('uptime', uptime_probe, unit='days', direction=LOWER_IS_WORSE, warn=1, fail=0,
                  options=dict(boot_grace=c.Option('int', 5, low=0, high=60)))
    return c.Catalogue('system', list(system.CATALOGUE.checks) + [new])


def params_for(catalogue, **given):
    out = dict((name, dict(given.get(name, {}))) for name in catalogue.by_name)
    return out


def test_a_new_entry_is_in_the_spec_the_validation_and_the_report():
    cat = extended()
    spec = cat.argument_spec()['uptime']
    assert spec['options']['warn']['default'] == 1 and spec['options']['boot_grace']['default'] == 5
    assert spec['options']['enabled']['default'] is True
    errors = cat.input_errors(params_for(cat, uptime={'warn': -3, 'boot_grace': 99}))
    assert 'uptime.warn: -3 must be at least 0' in errors
    assert 'uptime.boot_grace: 99 is out of range 0 to 60' in errors
    only_uptime = dict((name, {'enabled': name == 'uptime'}) for name in cat.by_name)
    opts = cat.merged(only_uptime)
    report = cat.run(Component('system'), None, opts)
    records = dict((r['name'], r) for r in report.checks)
    assert records['uptime']['status'] == 'pass' and records['uptime']['value'] == 42.0
    assert records['disk']['status'] == 'skip' and 'switched off' in records['disk']['message']


@pytest.mark.parametrize('unit, bad, message', [
    ('percent', -5, 'x.warn: -5 is out of range 0 to 100'),
    ('percent', 200, 'x.warn: 200 is out of range 0 to 100'),
    ('ms', 0, 'x.warn: 0 must be above 0'),
    ('ms', -1, 'x.warn: -1 must be above 0'),
    ('days', -7, 'x.warn: -7 must be at least 0'),
    ('count', float('inf'), 'x.warn: inf is not a finite number'),
    ('ratio', float('nan'), 'x.warn: nan is not a finite number'),
])
def test_limits_out_of_their_domain_are_bad_input(unit, bad, message):
    check = c.Check('x', unit=unit)
    assert check.errors({'warn': bad, 'fail': None}) == [message]


def test_limits_out_of_order_name_the_option():
    check = c.Check('x', unit='percent', warn=80, fail=90)
    assert check.errors({'warn': 95, 'fail': 90}) == [
        'x: warn limit 95 is above the fail limit 90; with higher values being worse, warn must be <= fail']


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=100))
def test_every_percentage_in_the_domain_is_accepted(value):
    assert c.Check('x', unit='percent').limit_errors({'warn': value, 'fail': None}) == []


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_percentage_limit_is_accepted_exactly_when_finite_and_within_0_to_100(value):
    errors = c.Check('x', unit='percent').limit_errors({'warn': value, 'fail': None})
    assert (errors == []) == (math.isfinite(value) and 0 <= value <= 100)


def test_renamed_records_carry_their_former_name():
    cat = c.Catalogue('demo', [
        c.Check('disk', unit='percent', formerly='disk_usage'),
        c.Check('replication', limits=False, formerly={'replication:link': 'replica_link'}),
        c.Check('role', limits=False),
    ])
    result = cat.annotate({'checks': [{'name': 'disk:/var'}, {'name': 'replication:link'},
                                      {'name': 'replication:lag'}, {'name': 'role'}]})
    assert [r.get('formerly') for r in result['checks']] == ['disk_usage:/var', 'replica_link', None, None]


def test_an_old_option_name_is_a_deprecated_alias():
    spec = c.Check('hit_ratio', unit='percent', aliases=('keyspace_hit_ratio',)).spec()
    assert spec['aliases'] == ['keyspace_hit_ratio']
    assert spec['deprecated_aliases'] == [dict(name='keyspace_hit_ratio', version=c.DEPRECATION_VERSION,
                                               collection_name='golive.readiness')]


def test_two_checks_with_one_name_are_refused():
    with pytest.raises(ValueError):
        c.Catalogue('demo', [c.Check('a'), c.Check('a')])


def test_the_instance_names_the_server_unless_given():
    cat = c.Catalogue('demo', [], instance=lambda p: '%s:%s' % (p['host'], p['port']))
    assert cat.argument_spec()['instance'] == {'type': 'str'}
    assert cat.instance_name({'host': 'h', 'port': 1, 'instance': None}) == 'h:1'
    assert cat.instance_name({'host': 'h', 'port': 1, 'instance': 'cache-a'}) == 'cache-a'
    assert c.Catalogue('demo', []).instance_name({}) is None


def test_a_per_item_rename_maps_every_qualified_record():
    cat = c.Catalogue('demo', [c.Check('containers', limits=False, formerly={
        'containers': 'docker_containers', 'containers:': 'docker_container:'})])
    result = cat.annotate({'checks': [{'name': 'containers'}, {'name': 'containers:web'}]})
    assert [r['formerly'] for r in result['checks']] == ['docker_containers', 'docker_container:web']


def targets_catalogue():
    """A list of targets whose entries may override the module-wide latency limits."""
    latency = c.Check('latency', unit='ms', warn=50, switch=False)
    entries = c.Entries(dict(host=c.Option('str', required=True),
                             timeout=c.Option('float', 3.0, low=0, high=60, low_open=True)),
                        limits=dict(latency=latency))
    return c.Catalogue('demo', [latency, c.OptionCheck('targets', entries, formerly='tcp'),
                                c.OptionCheck('listening', c.Option('list', [], elements='raw'))])


def test_a_list_of_targets_is_one_option_with_ranged_entries():
    cat = targets_catalogue()
    spec = cat.argument_spec()
    assert spec['targets']['type'] == 'list' and spec['targets']['elements'] == 'dict'
    assert spec['targets']['options']['timeout'] == {'type': 'float', 'default': 3.0}
    latency = spec['targets']['options']['latency']['options']
    assert latency == {'warn': {'type': 'float'}, 'fail': {'type': 'float'}}
    assert spec['listening'] == {'type': 'list', 'elements': 'raw', 'default': []}
    params = {'latency': {}, 'listening': None,
              'targets': [{'host': 'a', 'timeout': 0, 'latency': {'warn': -5}}, {'host': 'b'}]}
    assert cat.input_errors(params) == ['targets[0].timeout: 0 is out of range (0, 60]',
                                        'targets[0].latency.warn: -5 must be above 0']
    assert cat.merged(params)['listening'] == []


def test_an_entry_limit_is_merged_over_the_module_wide_one_and_ordered():
    cat = targets_catalogue()
    given = [{'host': 'a', 'latency': {'fail': 20}}, {'host': 'b'}]
    params = {'latency': {'warn': 30}, 'targets': given, 'listening': []}
    opts = cat.merged(params)
    entries = cat.by_name['targets'].option.merged(given, opts)
    assert entries[0]['latency'] == {'warn': 30, 'fail': 20} and entries[0]['timeout'] == 3.0
    assert entries[1]['latency'] == {'warn': 30, 'fail': None}
    assert cat.by_name['targets'].option.order_errors('targets', given, opts) == [
        'targets[0].latency: warn limit 30 is above the fail limit 20; with higher values '
        'being worse, warn must be <= fail']
    # A module-wide pair out of order is reported once, under its own option.
    bad = {'latency': {'warn': 300, 'fail': 200}, 'targets': [{'host': 'b'}], 'listening': []}
    assert cat.by_name['targets'].option.order_errors('targets', bad['targets'], cat.merged(bad)) == []
    assert len(cat.input_errors(bad)) == 1


def test_an_option_check_keeps_its_former_name_and_aliases():
    check = c.OptionCheck('listening', c.Option('list', [], elements='raw'), aliases=('ports',))
    assert check.spec()['aliases'] == ['ports']
    result = c.Catalogue('demo', [c.OptionCheck('targets', c.Option('list', []), formerly='tcp')]).annotate(
        {'checks': [{'name': 'targets:db'}]})
    assert result['checks'][0]['formerly'] == 'tcp:db'


def test_a_ranged_list_option_checks_each_element():
    ports = c.Option('list', [22], elements='int', low=1, high=65535)
    assert ports.errors('allowed_ports', [22, 443]) == []
    assert ports.errors('allowed_ports', [0, 22, 70000]) == [
        'allowed_ports: 0 is out of range 1 to 65535', 'allowed_ports: 70000 is out of range 1 to 65535']
    assert c.Option('list', [], elements='str').errors('names', ['a']) == []


def test_a_paired_check_declares_and_validates_each_pair():
    check = c.PairedCheck('latency', unit='ms', warn=500, fail=1000, pairs=dict(p50=(100, 500)))
    spec = check.spec()['options']
    assert spec['p50_warn'] == dict(type='float', default=100) and spec['p50_fail']['default'] == 500
    assert check.defaults()['p50_warn'] == 100 and check.options['p50_warn'].range == (0, c.INF, True)
    merged = check.merge({'p50_warn': 600})
    assert check.errors(merged) == ['latency.p50_warn/p50_fail: warn limit 600 is above the fail limit 500; '
                                    'with higher values being worse, warn must be <= fail']
    # Out of its domain: reported once, by the option, not again as out of order.
    assert check.errors(check.merge({'p50_warn': -1, 'p50_fail': -2})) == [
        'latency.p50_warn: -1 must be above 0', 'latency.p50_fail: -2 must be above 0']
    assert check.errors(check.merge({})) == []


def test_a_paired_check_of_any_number_has_no_range_but_must_be_finite():
    check = c.PairedCheck('drift', pairs=dict(peer=(1, 2)))
    assert check.options['peer_warn'].range is None
    assert check.errors(check.merge({'peer_fail': float('inf')})) == ['drift.peer_fail: inf is not a finite number']


def test_settings_inside_an_entry_are_ranged_and_merged_over_the_module_wide_limits():
    rate = c.Check('rate', unit='percent', warn=1, fail=5)
    sample = c.Settings(dict(requests=c.Option('int', 0, low=0, high=1000)), limits=dict(rate=rate))
    spec = sample.spec()
    assert spec['type'] == 'dict' and spec['options']['requests'] == dict(type='int', default=0)
    assert spec['options']['rate'] == dict(type='dict', options=dict(warn=dict(type='float'),
                                                                     fail=dict(type='float')))
    opts = dict(rate=dict(warn=2, fail=10))
    assert sample.merged(None, opts) == dict(requests=0, rate=dict(warn=2, fail=10))
    assert sample.merged(dict(requests=5, rate=dict(fail=20)), opts) == dict(requests=5, rate=dict(warn=2, fail=20))
    assert sample.errors('ep[0].sample', dict(requests=1001, rate=dict(warn=-1))) == [
        'ep[0].sample.requests: 1001 is out of range 0 to 1000',
        'ep[0].sample.rate.warn: -1 is out of range 0 to 100']
    # Out of order only once merged: the entry's warn 12 is above the module-wide fail 10.
    assert sample.order_errors('ep[0].sample', dict(rate=dict(warn=12)), opts) == [
        'ep[0].sample.rate: warn limit 12 is above the fail limit 10; with higher values being worse, '
        'warn must be <= fail']
    # Pairs not given here, or out of their domain, are reported elsewhere, once.
    assert sample.order_errors('ep[0].sample', dict(rate=dict(warn=-1)), opts) == []
    assert sample.order_errors('ep[0].sample', None, dict(rate=dict(warn=20, fail=10))) == []


def test_measure_server_runs_the_checks_on_the_connection_and_closes_it():
    from ansible_collections.golive.readiness.plugins.module_utils.readiness import check_result
    closed = []
    cat = c.Catalogue('demo', [
        c.Check('connection', unit='ms', warn=1000, fail=2000, switch=False),
        c.Check('echo', lambda ctx, o: measured('echo', ctx['value'], 'count', o['warn'], o['fail'],
                                                subject='echo of s3cret'), unit='count', warn=5),
    ])
    opts = cat.merged({})
    up = c.measure_server(cat, {'password': 's3cret'}, opts,
                          lambda limits: ('handle', check_result('connection', 'pass', warn=limits['warn'])),
                          lambda handle: {'value': 7}, closed.append)
    assert [(r['name'], r['status']) for r in up['checks']] == [('connection', 'pass'), ('echo', 'warn')]
    assert up['checks'][0]['warn'] == 1000 and 's3cret' not in str(up) and closed == ['handle']
    down = c.measure_server(cat, {}, opts, lambda limits: (None, check_result('connection', 'fail')),
                            lambda handle: None, closed.append)
    assert [(r['name'], r['status']) for r in down['checks']] == [('connection', 'fail'), ('echo', 'skip')]
    assert 'no connection' in down['checks'][1]['message'] and closed == ['handle']


def test_the_concurrent_checks_run_beside_the_others_in_order():
    import time

    started = {}

    def slow(name):
        def probe(_context, opts):
            started[name] = time.monotonic()
            time.sleep(0.4)
            return measured(name, 1.0, 'days', opts['warn'], opts['fail'], direction=LOWER_IS_WORSE)
        return probe

    checks = [c.Check(name, slow(name), unit='days', direction=LOWER_IS_WORSE, warn=1, fail=0)
              for name in ('one', 'two', 'three')]
    checks.append(c.Check('broken', lambda _c, _o: 1 / 0, unit='days', direction=LOWER_IS_WORSE, warn=1, fail=0))
    checks.append(c.Check('four', slow('four'), unit='days', direction=LOWER_IS_WORSE, warn=1, fail=0))
    catalogue = c.Catalogue('demo', checks, concurrent=('one', 'broken'))
    opts = catalogue.merged({'two': {'enabled': False}})
    result = catalogue.run(Component('demo'), None, opts).result()
    # 'one' beside 'three', which 'four' follows.
    assert abs(started['one'] - started['three']) < 0.3
    assert started['four'] - started['three'] >= 0.39
    assert [(r['name'], r['status']) for r in result['checks']] == [
        ('one', 'warn'), ('two', 'skip'), ('three', 'warn'), ('broken', 'unknown'), ('four', 'warn')]
    assert 'ZeroDivisionError' in result['checks'][3]['message']
