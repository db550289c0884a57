"""Several components side by side: each validated and measured as its module, failures kept apart."""

import time

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import components
from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Runner
from ansible_collections.golive.readiness.plugins.module_utils.probes import network, system
from ansible_collections.golive.readiness.plugins.module_utils.readiness import Component, check_result


def fake(component, measure):
    """A runner for ``component`` whose measurement is ``measure()`` (the real catalogue)."""
    real = components.RUNNERS[component]()
    return lambda: Runner(real.catalogue, lambda params, opts: measure(), real.extra_errors)


def sleeper(component, seconds):
    def measure():
        time.sleep(seconds)
        report = Component(component)
        report.add(check_result('slept', 'pass', message='slept %gs' % seconds))
        return report.result()
    return measure


@pytest.fixture
def runners(monkeypatch):
    """RUNNERS, to replace entries in for one test."""
    table = dict(components.RUNNERS)
    monkeypatch.setattr(components, 'RUNNERS', table)
    return table


def test_components_run_side_by_side_in_the_order_given(runners):
    runners['system'] = fake('system', sleeper('system', 0.6))
    runners['network'] = fake('network', sleeper('network', 0.6))
    runners['security'] = fake('security', sleeper('security', 0.6))
    started = time.monotonic()
    results, failures, _secrets = components.measure_all({'security': {}, 'system': {}, 'network': {}}, 30)
    elapsed = time.monotonic() - started
    assert failures == []
    assert [r['component'] for r in results] == ['security', 'system', 'network']
    # As long as the slowest one, not the sum (1.8 s).
    assert elapsed < 1.4


def test_a_component_that_hangs_is_unknown_and_the_others_report_on_time(runners):
    runners['security'] = fake('security', sleeper('security', 30))
    started = time.monotonic()
    results, failures, _secrets = components.measure_all(
        {'security': {}, 'network': {'targets': [], 'firewall': {'enabled': False}}}, 0.5)
    assert time.monotonic() - started < 3
    assert failures == []
    by_name = dict((r['component'], r) for r in results)
    (timeout,) = by_name['security']['checks']
    assert timeout['name'] == 'measure_timeout' and timeout['status'] == 'unknown'
    assert 'did not finish within 0.5s' in timeout['message']
    assert by_name['network']['status'] != 'unknown'


def test_bad_input_and_a_probe_that_raises_belong_to_their_component(runners):
    def boom():
        raise RuntimeError('probe exploded')
    runners['security'] = fake('security', boom)
    results, failures, _secrets = components.measure_all({
        'system': {'checks': {'disk': {'warn': -5}}, 'variable_prefix': 'readiness_system_'},
        'security': {},
        'nope': {},
        'network': {'targets': [], 'firewall': {'enabled': False}},
    }, 30)
    by_component = dict((f['component'], f) for f in failures)
    assert set(by_component) == {'system', 'security', 'nope'}
    assert by_component['system']['message'].startswith('readiness_system_disk.warn: -5')
    assert by_component['security']['message'] == 'RuntimeError: probe exploded'
    assert 'probe exploded' in by_component['security']['exception']
    assert by_component['nope']['message'].startswith('no such component (known: ')
    assert 'docker, http' in by_component['nope']['message']
    # The healthy component is still measured and returned.
    assert [r['component'] for r in results] == ['network']


def test_options_are_checked_with_the_components_own_spec():
    results, failures, _secrets = components.measure_all({'network': {'total_timeout': 'soon', 'bogus': 1}}, 30)
    assert results == []
    (failure,) = failures
    assert failure['component'] == 'network'
    assert 'bogus' in failure['message'] and 'total_timeout' in failure['message']


def test_null_options_are_not_given_and_secrets_are_collected():
    runner, params, secrets, errors = components.validated(
        'redis', {'password': 'not-a-real-secret', 'host': None, 'port': 6399})
    assert errors == []
    assert params['host'] == '127.0.0.1'  # the module's default, not None
    assert 'not-a-real-secret' in secrets
    assert runner.catalogue is components.RUNNERS['redis']().catalogue


def test_a_missing_library_is_a_result_not_a_failure(runners):
    real = system.runner()
    runners['system'] = lambda: Runner(real.catalogue, real.measure, real.extra_errors,
                                       [('psutil', None, 'ImportError: psutil')])
    results, failures, _secrets = components.measure_all({'system': {}}, 30)
    assert failures == []
    (result,) = results
    assert result['status'] == 'unknown' and result['checks'][0]['name'] == 'python_library:psutil'


def test_every_component_has_a_runner_of_its_own_catalogue():
    for name, runner in components.RUNNERS.items():
        built = runner()
        assert built.catalogue.component == name
    assert network.runner().libraries == []
