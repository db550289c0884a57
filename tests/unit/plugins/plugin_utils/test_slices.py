"""Slice reports merged into one fleet report (issue R17.6): the same report as one run, or no-go."""

import datetime
import json
import os
import sys

import pytest

from ansible_collections.golive.readiness.plugins.plugin_utils import fleet, slices
from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import decide

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
sys.path.insert(0, os.path.join(REPO, 'benchmarks'))

import fleet_data  # noqa: E402  (the synthetic fleet of the benchmarks)

NOW = datetime.datetime(2026, 11, 27, 18, 0, 0, tzinfo=datetime.timezone.utc)


def sliced(hosts=60, count=3, run_id='42', inventory='/inv/prod', when='2026-11-27T17:55:00Z'):
    """The synthetic fleet as one report, and as ``count`` slice reports (AWX's round robin)."""
    items = list(fleet_data.fleet(hosts, 20, 5))
    whole = fleet.FleetCollector()
    parts = [fleet.FleetCollector() for _part in range(count)]
    for index, item in enumerate(items):
        for collector in (whole, parts[index % count]):
            feed(collector, *item)
    loaded = []
    for number, collector in enumerate(parts, 1):
        report = collector.report(playbook='readiness.yml')
        report['generated_at'] = when
        report['slice'] = slices.slice_record(number, run_id=run_id, inventory=inventory)
        loaded.append(('/r/readiness.slice-%d.json' % number, json.loads(json.dumps(report))))
    return whole.report(playbook='readiness.yml'), loaded


def feed(collector, host, groups, kind, payload):
    collector.add_host(host, groups=groups)
    if kind == 'unreachable':
        collector.add_unreachable(host, payload)
    elif kind in ('readiness', 'error'):
        for readiness in payload if kind == 'readiness' else payload[0]:
            collector.add_readiness(host, readiness, task='readiness : %s' % readiness['component'])
        if kind == 'error':
            collector.add_error(host, *payload[1])


def test_merged_slices_are_the_report_of_one_run():
    whole, loaded = sliced()
    merged, problems = slices.merge(loaded, expected=3, now=NOW)
    assert problems == []
    for key in ('status', 'score', 'summary', 'groups', 'failing_checks', 'hosts'):
        assert merged[key] == json.loads(json.dumps(whole[key])), key
    assert [s['id'] for s in merged['slices']] == ['1', '2', '3']
    assert sum(s['hosts'] for s in merged['slices']) == 60 and merged['run_id'] == '42'
    assert decide(merged, {})['verdict'] == decide(whole, {})['verdict']


def test_the_merged_report_names_its_slices_in_markdown():
    from ansible_collections.golive.readiness.plugins.plugin_utils import report_formats
    _whole, loaded = sliced()
    _w, other = sliced(run_id='41')
    merged, _problems = slices.merge([loaded[0], loaded[2], other[1]], expected=3, now=NOW)
    md = report_formats.to_markdown(merged)
    assert 'Merged from 2 slice report(s): slice 1 (20 hosts, ' in md
    assert '- left out: slice 2 (`/r/readiness.slice-2.json`): run id 41, not 42' in md
    assert 'merged from <b>2</b> slice reports' in report_formats.render(merged, 'html')


def test_a_missing_slice_is_named():
    _whole, loaded = sliced()
    merged, problems = slices.merge(loaded[:1] + loaded[2:], expected=3, now=NOW)
    assert problems == ['missing slice report(s): 2 of 3 slices found (missing: 2)']
    assert merged['summary']['hosts'] == 40
    verdict = decide(merged, {}, ['slices: %s' % p for p in problems])
    assert not verdict['go'] and 'slices: missing slice report(s)' in ' '.join(verdict['blockers'])


@pytest.mark.parametrize('change, reason', [
    (dict(run_id='41'), 'run id 41, not 42'),
    (dict(inventory='/inv/staging'), 'inventory /inv/staging, not /inv/prod'),
    (dict(when='2026-11-26T17:00:00Z'), 'written 2026-11-26T17:00:00Z, 90000 s ago (max_age 86400 s)'),
])
def test_a_stale_slice_is_left_out_with_the_reason(change, reason):
    _whole, loaded = sliced()
    _w, other = sliced(**change)
    loaded[1] = other[1]
    merged, problems = slices.merge(loaded, expected=3, max_age=86400, now=NOW)
    assert problems[0] == 'slice 2 (readiness.slice-2.json) is stale: %s' % reason
    assert problems[1].startswith('missing slice report(s): 2 of 3')
    assert merged['stale_slices'] == [dict(id='2', file='/r/readiness.slice-2.json', reason=reason)]
    assert merged['summary']['hosts'] == 40


def test_given_run_id_wins_over_the_newest_slice():
    _whole, loaded = sliced(run_id='43')
    _merged, problems = slices.merge(loaded, expected=3, run_id='44', now=NOW)
    assert len(problems) == 4 and all('run id 43, not 44' in p for p in problems[:3])


def test_a_host_in_two_slices_and_a_slice_twice_are_problems():
    _whole, loaded = sliced()
    twice = json.loads(json.dumps(loaded[0][1]))
    loaded.append(('/r/copy.json', twice))
    _merged, problems = slices.merge(loaded, now=NOW)
    assert any('slice 1 reported twice' in p for p in problems)
    overlap = json.loads(json.dumps(loaded[1][1]))
    overlap['slice']['id'] = '4'
    _merged, problems = slices.merge(loaded[:3] + [('/r/readiness.slice-4.json', overlap)], now=NOW)
    assert any(p.startswith('host ') and 'is in slice 2 and slice 4' in p for p in problems)


def test_loading_names_what_is_wrong(tmp_path):
    bad = tmp_path / 'readiness.slice-1.json'
    bad.write_text('{')
    assert 'not JSON' in slices.load(str(bad))[1]
    bad.write_text(json.dumps(dict(hosts={})))
    assert "not a slice report (no slice id: set the fleet_report callback's slice option)" in slices.load(str(bad))[1]
    assert 'cannot read it' in slices.load(str(tmp_path / 'nope.json'))[1]
    (tmp_path / 'readiness.slice-2.json').write_text('{}')
    (tmp_path / 'readiness.slice-2.check.json').write_text('{}')
    (tmp_path / 'readiness.json').write_text('{}')
    assert [os.path.basename(p) for p in slices.find([str(tmp_path)], 'readiness')] == [
        'readiness.slice-1.json', 'readiness.slice-2.json']


def test_slice_ids():
    assert slices.slice_errors('2') is None and slices.slice_errors('awx-1234') is None
    assert 'is not a slice id' in slices.slice_errors('../x')
    assert slices.slice_stem('readiness', '2') == 'readiness.slice-2'


def test_merge_options_are_documented_with_the_gate_policy():
    """report_merge's DOCUMENTATION (with the gate_policy fragment) is held to its argument spec."""
    from ansible_collections.golive.readiness.plugins.action.report_merge import ARGUMENT_SPEC
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_gate_policy import module_documentation
    docs = module_documentation('report_merge')
    assert set(docs) == set(ARGUMENT_SPEC)
    for name, option in ARGUMENT_SPEC.items():
        assert docs[name]['type'] == option['type'], name
        assert docs[name].get('default') == option.get('default'), name
        assert docs[name].get('choices') == option.get('choices'), name
        assert docs[name].get('required', False) == option.get('required', False), name


def test_bad_merge_options_are_named(tmp_path):
    from ansible_collections.golive.readiness.plugins.action.report_merge import input_errors
    args = dict(src=[str(tmp_path / 'nope')], slices=0, max_age=-1, report_name='a/b', dest=None)
    assert input_errors(args) == [
        'slices: must be a whole number >= 1, got 0',
        'max_age: must be seconds >= 0 (0: no age limit), got -1',
        "report_name: 'a/b' must be a plain file name",
        'src: %s does not exist' % (tmp_path / 'nope'),
        'dest: give the directory for the merged report (src names no single directory)']
    assert input_errors(dict(src=[str(tmp_path)], slices=3, max_age=0, report_name='readiness', dest=None)) == []
