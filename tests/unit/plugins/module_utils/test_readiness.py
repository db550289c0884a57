"""The result model: status order, threshold evaluation, limit validation."""

import math

import pytest
from hypothesis import assume, given, strategies as st

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)


def test_status_order():
    assert r.STATUSES == ('skip', 'pass', 'unknown', 'warn', 'fail')
    assert r.worst_status(['pass', 'warn', 'pass']) == 'warn'
    assert r.worst_status(['pass', 'unknown']) == 'unknown'
    assert r.worst_status(['unknown', 'warn']) == 'warn'
    assert r.worst_status(['skip', 'fail', 'warn']) == 'fail'
    assert r.worst_status([]) == 'skip'
    assert r.worst_status([], empty='unknown') == 'unknown'


@pytest.mark.parametrize('value,expected', [(79.9, 'pass'), (80, 'warn'), (89.99, 'warn'), (90, 'warn'), (90.01, 'fail')])
def test_higher_is_worse_boundaries(value, expected):
    assert r.evaluate(value, 80, 90) == expected


@pytest.mark.parametrize('value,expected', [(31, 'pass'), (30, 'warn'), (8, 'warn'), (7, 'warn'), (6.99, 'fail'), (-1, 'fail')])
def test_lower_is_worse_boundaries(value, expected):
    assert r.evaluate(value, 30, 7, r.LOWER_IS_WORSE) == expected


def test_no_value_is_unknown_never_pass():
    assert r.evaluate(None, 80, 90) == 'unknown'
    assert r.evaluate(None) == 'unknown'


@given(value=finite, a=finite, b=finite)
def test_evaluation_is_monotonic_higher(value, a, b):
    warn, fail = min(a, b), max(a, b)
    status = r.evaluate(value, warn, fail)
    worse = r.evaluate(value + abs(value) + 1, warn, fail)
    assert r.status_rank(worse) >= r.status_rank(status)


@given(value=finite, a=finite, b=finite)
def test_evaluation_matches_definition(value, a, b):
    warn, fail = min(a, b), max(a, b)
    # The guide's rule: reaching warn warns; only going beyond fail fails.
    expected = 'fail' if value > fail else 'warn' if value >= warn else 'pass'
    assert r.evaluate(value, warn, fail) == expected
    warn_l, fail_l = max(a, b), min(a, b)
    expected_l = 'fail' if value < fail_l else 'warn' if value <= warn_l else 'pass'
    assert r.evaluate(value, warn_l, fail_l, r.LOWER_IS_WORSE) == expected_l


@given(value=finite, limit=finite)
def test_directions_mirror_each_other(value, limit):
    assume(not math.isclose(value, limit))
    up = r.evaluate(value, limit, None)
    down = r.evaluate(-value, -limit, None, r.LOWER_IS_WORSE)
    assert up == down


@given(value=finite)
def test_without_limits_always_pass(value):
    assert r.evaluate(value) == 'pass'
    assert r.evaluate(value, direction=r.LOWER_IS_WORSE) == 'pass'


@given(a=finite, b=finite)
def test_validate_limits_accepts_exactly_ordered_pairs(a, b):
    err_up = r.validate_limits('disk', a, b)
    assert (err_up is None) == (a <= b)
    err_down = r.validate_limits('memory', a, b, r.LOWER_IS_WORSE)
    assert (err_down is None) == (a >= b)


def test_validate_limits_message_names_option():
    msg = r.validate_limits('disk', 95, 90)
    assert msg.startswith('disk: warn limit 95 is above the fail limit 90')
    msg = r.validate_limits('memory', 5, 10, r.LOWER_IS_WORSE)
    assert msg.startswith('memory: warn limit 5 is below the fail limit 10')
    assert r.validate_limits('disk', None, 10) is None


def test_measured_builds_a_full_record():
    rec = r.measured('disk_usage:/', 83.2, 'percent', 80, 90, subject='/ use',
                     remediation='Free space.')
    assert rec['status'] == 'warn'
    assert rec['message'] == '/ use is 83.2% (warn at 80%, fail above 90%)'
    assert rec['remediation'] == 'Free space.'
    assert set(rec) == {'name', 'status', 'value', 'unit', 'warn', 'fail', 'message',
                        'remediation', 'duration_ms'}


def test_passing_record_has_no_remediation():
    rec = r.measured('x', 1, 'ms', 10, 20, remediation='do something')
    assert rec['status'] == 'pass' and rec['remediation'] is None
    assert rec['message'] == 'x is 1 ms (warn at 10 ms, fail above 20 ms)'


def test_check_result_rejects_unknown_status():
    with pytest.raises(ValueError):
        r.check_result('x', 'green')


def test_component_status_summary_and_broken_probe():
    clock = iter([0.0, 0.002, 1.0, 1.5]).__next__
    comp = r.Component('system', clock=clock)
    comp.run('good', lambda: r.measured('good', 1, 'percent', 80, 90))

    def broken():
        raise OSError('permission denied')

    comp.run('broken', broken, unit='percent', warn=80, fail=90)
    result = comp.result()
    assert result['component'] == 'system'
    assert result['status'] == 'unknown'
    assert result['summary'] == {'skip': 0, 'pass': 1, 'unknown': 1, 'warn': 0, 'fail': 0}
    assert result['checks'][0]['duration_ms'] == 2.0
    broken_rec = result['checks'][1]
    assert broken_rec['status'] == 'unknown'
    assert 'OSError: permission denied' in broken_rec['message']
    assert broken_rec['duration_ms'] == 500.0


def test_component_without_checks_is_skip():
    assert r.Component('x').result()['status'] == 'skip'


def test_missing_library_result_is_unknown():
    res = r.missing_library_result('system', 'psutil')
    assert res['status'] == 'unknown'
    assert res['checks'][0]['name'] == 'python_library:psutil'
    assert 'psutil' in res['checks'][0]['message']


def test_percentile_nearest_rank_known_values():
    values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5]
    assert r.percentile(values, 50) == 5
    assert r.percentile(values, 95) == 10  # with 10 samples the p95 is their maximum
    assert r.percentile(values, 0) == 1 and r.percentile(values, 100) == 10
    assert r.percentile([7.5], 99) == 7.5
    assert r.percentile([], 50) is None


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=200),
       st.integers(min_value=1, max_value=100))
def test_percentile_is_the_smallest_sample_covering_pct(values, pct):
    p = r.percentile(values, pct)
    assert p in values
    # At least pct % of the samples are at or below it, and fewer are strictly below it.
    assert sum(v <= p for v in values) * 100 >= pct * len(values)
    assert sum(v < p for v in values) * 100 < pct * len(values)
    assert r.percentile(values, max(1, pct - 1)) <= p


def test_in_range_names_the_option_and_the_range():
    errors = []
    r.in_range(errors, 'port', 0, 1, 65535)
    r.in_range(errors, 'timeout', 0, 0, 60, low_open=True)
    r.in_range(errors, 'timeout', 60.0, 0, 60, low_open=True)  # the closed end is in
    r.in_range(errors, 'rate', None, 1, 10)  # absent: the caller decides
    r.in_range(errors, 'ratio', 0.25, 0.5, 2.0)
    assert errors == ['port: 0 is out of range 1 to 65535', 'timeout: 0 is out of range (0, 60]',
                      'ratio: 0.25 is out of range 0.5 to 2']


def test_links_only_when_given():
    record = r.check_result('performance:home', 'pass', links=[dict(title='Lighthouse', href='lh/home.html')])
    assert record['links'] == [dict(title='Lighthouse', href='lh/home.html')]
    assert 'links' not in r.check_result('x', 'pass')
    assert r.measured('p', 95, 'score', 90, 50, r.LOWER_IS_WORSE, links=[dict(title='t', href='a')])['links']
