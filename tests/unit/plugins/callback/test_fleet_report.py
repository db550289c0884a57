"""The fleet_report callback reads what it needs from a task result, converting little."""

import json

import pytest
from ansible.executor import task_result
from ansible.inventory.host import Host
from ansible.parsing.utils.yaml import from_yaml
from ansible.playbook.task import Task

from ansible_collections.golive.readiness.plugins.callback.fleet_report import CallbackModule
from ansible_collections.golive.readiness.plugins.module_utils import readiness as r

PLAIN_TYPES = (str, int, float, bool, type(None))


def readiness():
    comp = r.Component('system')
    comp.add(r.check_result('disk_usage:/', 'warn', value=85.5, unit='percent', message='high'))
    return comp.result()


def new_task(name='readiness : system', action=None, task_vars=None):
    task = Task()  # not Task.load: it would need the plugin loader set up
    task.name = name
    if action:
        task.action = action
        task._resolved_action = action
    if task_vars:
        task.vars = task_vars
    return task


def callback_result(data, host='web1', task=None):
    """A result as the TaskQueueManager hands it to each callback (ansible-core 2.19+)."""
    task = task or new_task()
    raw = task_result._RawTaskResult(Host(host), task, data, task.dump_attrs())
    return raw.as_callback_task_result()


def walk_types(value):
    if isinstance(value, dict):
        return set().union({type(k) for k in value}, *(walk_types(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(walk_types(v) for v in value))
    return {type(value)}


def test_result_is_not_converted_whole():
    """Ansible converts the whole result on the first read of result.result: not needed."""
    callback = CallbackModule()
    result = callback_result(dict(changed=False, readiness=readiness(),
                                  invocation=dict(module_args=dict(checks=['disk_usage:/']))))
    callback.v2_runner_on_ok(result)
    assert 'result' not in vars(result), 'the callback read result.result / result._result'
    check = callback.collector.report()['hosts']['web1']['checks'][0]
    assert (check['name'], check['status'], check['value'], check['message']) == ('disk_usage:/', 'warn', 85.5, 'high')


def test_ansible_types_reach_the_report_plain():
    """An action plugin's result holds tagged values; the report gets plain JSON types."""
    callback = CallbackModule()
    data = from_yaml(json.dumps(dict(readiness=readiness())))
    callback.v2_runner_on_ok(callback_result(data))
    callback.v2_runner_on_failed(callback_result(from_yaml('{failed: true, msg: boom}'), host='db1'))
    callback.v2_runner_on_unreachable(callback_result(from_yaml('{unreachable: true, msg: refused}'), host='app1'))
    report = callback.collector.report()
    assert walk_types(report) <= set(PLAIN_TYPES) | {dict, list}
    assert report['hosts']['db1']['errors'][0]['message'] == 'boom'
    assert report['hosts']['app1']['unreachable_message'] == 'refused'
    assert report['hosts']['web1']['checks'][0]['value'] == 85.5


class OldResult:
    """A result as ansible-core before 2.19 hands it: ``_result`` only, no ``_return_data``."""

    def __init__(self, data, host='web1'):
        self._result = data
        self._host = Host(host)
        self._task = new_task()


def test_results_without_return_data_use_result():
    callback = CallbackModule()
    callback.v2_runner_on_ok(OldResult(dict(changed=False, readiness=readiness())))
    callback.v2_runner_on_failed(OldResult(dict(failed=True, msg='boom'), host='db1'))
    report = callback.collector.report()
    assert report['hosts']['web1']['checks'][0]['status'] == 'warn'
    assert report['hosts']['db1']['errors'][0]['message'] == 'boom'


# -- the gate's verdict, the stop task, the end of the run ---------------------

def make_callback(report_dir, **options):
    """A callback with its options set as Ansible would (defaults, then ``options``)."""
    callback = CallbackModule()
    callback._plugin_options.update(dict(
        report_dir=str(report_dir), report_name='readiness', formats=['json', 'markdown', 'html', 'junit', 'prometheus'],
        compare=True, checklists=True, keep_history=False, show_summary=True, summary_max_hosts=10,
        report_required=False, slice=None, run_id=None))
    callback._plugin_options.update(options)
    return callback


class Display:
    """Collects what the callback prints."""

    def __init__(self):
        self.lines, self.warnings, self.errors = [], [], []

    def display(self, text, *args, **kwargs):
        self.lines.append(text)

    def warning(self, text, *args, **kwargs):
        self.warnings.append(text)

    def error(self, text, *args, **kwargs):
        self.errors.append(text)

    def v(self, text, *args, **kwargs):
        pass


def gate_stats(go=False, verdict='NO-GO: fleet: 1 failing check(s) (at most 0 allowed): web1 system/disk_usage:/'):
    from ansible_collections.golive.readiness.plugins.plugin_utils.gate_policy import stats_data
    return stats_data(dict(go=go, verdict=verdict, blockers=[] if go else [verdict[7:]], ignored=[],
                           counts=dict(fail=0 if go else 1, warn=0, unknown=0, unreachable=0),
                           groups={}, status='fail', score=50.0))


def run_stats(callback, custom=None):
    """End the run as Ansible does: v2_playbook_on_stats with the run's AggregateStats."""
    from ansible.executor.stats import AggregateStats
    stats = AggregateStats()
    for key, value in (custom or {}).items():
        stats.update_custom_stats(key, value)  # what the strategy does for per_host: false
    callback._display = Display()
    callback.v2_playbook_on_stats(stats)
    return callback._display


def written(report_dir, name='readiness.json'):
    return json.loads((report_dir / name).read_text())


def test_gate_verdict_comes_from_custom_stats(tmp_path):
    """Issue R14.5: the verdict reaches the report through ansible_stats / stats.custom."""
    callback = make_callback(tmp_path)
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    gate_task = new_task('Decide go / no-go', action='golive.readiness.gate')
    callback.v2_runner_on_ok(callback_result(dict(changed=False, go=True, msg='GO'), task=gate_task))
    data = gate_stats(go=True, verdict='GO: 1 hosts, 1 checks judged, 0 fail, 1 warn')
    display = run_stats(callback, {'my_stats_key': data})
    gate = written(tmp_path)['gate']
    assert gate['go'] is True and gate['verdict'] == data['verdict'] and 'source' not in gate
    assert 'gate: GO: 1 hosts, 1 checks judged, 0 fail, 1 warn' in display.lines


def test_failed_gate_hands_its_stats_and_is_not_a_host_error(tmp_path):
    """fail_on_nogo: Ansible drops the failed task's set_stats; the callback reads the same data."""
    callback = make_callback(tmp_path)
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    data = gate_stats()
    gate_task = new_task('gate', action='golive.readiness.gate')
    callback.v2_runner_on_failed(callback_result(dict(
        failed=True, go=False, msg='a message the callback does not compare',
        ansible_stats=dict(data={'golive_readiness': data}, per_host=False, aggregate=True)), task=gate_task))
    run_stats(callback)
    report = written(tmp_path)
    assert report['gate']['verdict'] == data['verdict']
    assert report['hosts']['web1']['errors'] == []


def test_a_gate_that_fails_on_bad_input_is_reported():
    callback = CallbackModule()
    gate_task = new_task('gate', action='golive.readiness.gate')
    callback.v2_runner_on_failed(callback_result(dict(failed=True, msg='ignore[0]: x needs a reason'),
                                                 task=gate_task))
    assert callback.collector.report()['hosts']['web1']['errors'][0]['message'] == 'ignore[0]: x needs a reason'


def test_the_stop_task_is_recognised_by_its_marker_not_its_message(tmp_path):
    callback = make_callback(tmp_path)
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    stop = new_task('Stop the run on no-go', action='ansible.builtin.fail',
                    task_vars={'golive_readiness_gate_stop': True})
    callback.v2_runner_on_failed(callback_result(dict(failed=True, msg='Release blocked, see the report'),
                                                 host='db9', task=stop))
    run_stats(callback, {'golive_readiness': gate_stats()})
    report = written(tmp_path)
    assert list(report['hosts']) == ['web1'], 'the host the stop task ran on is not added'
    assert report['hosts']['web1']['errors'] == []
    # Without the marker the same failure is a failure of the host.
    other = CallbackModule()
    other.v2_runner_on_failed(callback_result(dict(failed=True, msg='Release blocked'), host='db9',
                                              task=new_task('x', action='ansible.builtin.fail')))
    assert other.collector.report()['hosts']['db9']['errors'][0]['message'] == 'Release blocked'


def test_a_probe_marked_not_to_record_is_left_out_but_its_failure_is_not():
    """dr_drill.yml: the outage a drill makes on purpose is the drill's detection, not a failing host."""
    down = r.Component('postgres')
    down.add(r.check_result('connection', 'fail', message='connection refused'))
    probe = new_task('Detection', action='golive.readiness.postgres_check',
                     task_vars={'golive_readiness_record': False})
    callback = CallbackModule()
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=down.result()), task=probe))
    host = callback.collector.report()['hosts']['web1']
    assert [c['component'] for c in host['checks']] == ['system'] and host['status'] == 'warn'
    # A probe that could not run at all is still a failure of the host.
    callback.v2_runner_on_failed(callback_result(dict(failed=True, msg='port: must be 1-65535'), task=probe))
    host = callback.collector.report()['hosts']['web1']
    assert host['errors'][0]['message'] == 'port: must be 1-65535' and host['status'] == 'fail'
    # Marked true (or not marked), the same result is recorded.
    recorded = CallbackModule()
    recorded.v2_runner_on_ok(callback_result(dict(changed=False, readiness=down.result()), task=new_task(
        'Detection', action='golive.readiness.postgres_check', task_vars={'golive_readiness_record': 'yes'})))
    assert recorded.collector.report()['hosts']['web1']['status'] == 'fail'


def test_a_failed_task_carries_the_reason_from_stderr():
    callback = CallbackModule()
    callback.v2_runner_on_failed(callback_result(dict(
        failed=True, rc=1, msg='non-zero return code', stdout='',
        stderr='Error response from daemon: Container 3f2a is not running\n'), host='db1'))
    error = callback.collector.report()['hosts']['db1']['errors'][0]
    assert error['message'] == 'non-zero return code: Error response from daemon: Container 3f2a is not running'


def test_several_components_of_one_task_each_count_and_fail_on_their_own():
    """golive.readiness.measure: a list of results, and each failure named after its component."""
    callback = CallbackModule()
    network = r.Component('network')
    network.add(r.check_result('targets:db', 'fail', message='timed out after 3s'))
    task = new_task('golive.readiness.readiness : Measure the enabled components side by side')
    callback.v2_runner_on_failed(callback_result(dict(
        failed=True, msg='system: readiness_system_disk.warn: -5 is out of range 0 to 100',
        readiness=[readiness(), network.result()],
        failures=[dict(component='security', message='RuntimeError: probe exploded')]),
        host='db1', task=task))
    host = callback.collector.report()['hosts']['db1']
    assert sorted(host['components']) == ['network', 'system']
    assert sorted(c['name'] for c in host['checks']) == ['disk_usage:/', 'targets:db']
    assert host['errors'] == [dict(task='golive.readiness.readiness : Measure the enabled components side by '
                                        'side [security]', message='RuntimeError: probe exploded', ignored=False)]
    assert host['status'] == 'fail'


class FakeGroup:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class FakeHost(FakeGroup):
    def get_groups(self):
        return [FakeGroup('web')]


class FakePlay:
    hosts = 'all'

    def __init__(self, names):
        inventory = type('Inventory', (), {'get_hosts': lambda _self, _pattern: [FakeHost(n) for n in names]})()
        self._vm = type('VM', (), {'_inventory': inventory})()

    def get_variable_manager(self):
        return self._vm


def test_tags_that_select_no_area_report_every_host_of_the_play(tmp_path):
    """Issue R15.10: 12 hosts in the play, no area selected: 12 hosts not evaluated, said so."""
    names = ['web%02d' % i for i in range(12)]
    callback = make_callback(tmp_path)
    callback.v2_playbook_on_play_start(FakePlay(names))   # the readiness play: no result
    callback.v2_playbook_on_play_start(FakePlay(names))   # the gate's play
    nogo = 'NO-GO: fleet: no host was measured'
    callback.v2_runner_on_ok(callback_result(dict(go=False, msg=nogo), host=names[0],
                                             task=new_task('gate', action='golive.readiness.gate')))
    stop = new_task('Stop', action='ansible.builtin.fail', task_vars={'golive_readiness_gate_stop': True})
    callback.v2_runner_on_failed(callback_result(dict(failed=True, msg=nogo), host=names[0], task=stop))
    display = run_stats(callback, {'golive_readiness': gate_stats(verdict=nogo)})
    report = written(tmp_path)
    assert report['summary']['hosts'] == 12
    assert report['summary']['host_status']['not_evaluated'] == 12
    assert display.lines[0].startswith('FLEET READINESS: UNKNOWN  (12 hosts, 0 checks)')
    assert any(line.startswith('no area was measured') for line in display.lines)


def test_check_mode_report_is_marked_and_never_the_baseline(tmp_path):
    """Issue R15.9: a --check run writes readiness.check.*, compared with the last real report."""
    real = make_callback(tmp_path)
    real.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    run_stats(real)
    before = sorted(p.name for p in tmp_path.iterdir())
    baseline = (tmp_path / 'readiness.json').read_bytes()

    check = make_callback(tmp_path)
    check.collector.check_mode = True  # as v2_playbook_on_start sets it for --check
    check.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    display = run_stats(check)
    assert (tmp_path / 'readiness.json').read_bytes() == baseline, 'the real report is untouched'
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + [
        'readiness.check.json', 'readiness.check.md', 'readiness.check.html', 'readiness.check.junit.xml'])
    report = written(tmp_path, 'readiness.check.json')
    assert report['check_mode'] is True
    assert report['comparison']['previous_generated_at'] == json.loads(baseline)['generated_at']
    assert display.lines[0].startswith('FLEET READINESS (CHECK MODE): WARN')
    assert (tmp_path / 'readiness.check.md').read_text().startswith('# Fleet readiness (CHECK MODE): WARN')
    assert '<title>Fleet readiness (CHECK MODE): WARN' in (tmp_path / 'readiness.check.html').read_text()

    # A check-mode report found where the baseline is (report_name changed by hand) is not used.
    (tmp_path / 'readiness.json').write_text(json.dumps(dict(report, generated_at='x')))
    again = make_callback(tmp_path)
    again.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    run_stats(again)
    assert written(tmp_path)['comparison'] is None


def test_report_required_ends_the_run_non_zero(tmp_path):
    blocked = tmp_path / 'a-file'
    blocked.write_text('')
    callback = make_callback(blocked / 'reports', report_required=True)
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    callback._display = Display()
    from ansible.executor.stats import AggregateStats
    with pytest.raises(SystemExit) as exc:
        callback.v2_playbook_on_stats(AggregateStats())
    assert exc.value.code == 1
    assert callback._display.errors and 'cannot write the report' in callback._display.errors[0]
    assert any(line.startswith('FLEET READINESS') for line in callback._display.lines), 'summary first'
    # Not required: a warning, the run goes on.
    callback = make_callback(blocked / 'reports')
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    display = run_stats(callback)
    assert 'cannot write the report' in display.warnings[0]


def test_documented_formats_are_the_registry():
    """The callback's documented format choices are the registry's names, in its order."""
    import yaml
    from ansible_collections.golive.readiness.plugins.callback import fleet_report
    from ansible_collections.golive.readiness.plugins.plugin_utils.report_formats import REPORT_FORMATS
    options = yaml.safe_load(fleet_report.DOCUMENTATION)['options']
    assert options['formats']['choices'] == list(REPORT_FORMATS)
    assert options['formats']['default'] == list(REPORT_FORMATS)


def test_a_gate_section_writes_its_own_report_and_starts_a_fresh_collector(tmp_path):
    """Sections (a release's before / batch / after): each gate with section closes one."""
    from ansible_collections.golive.readiness.plugins.plugin_utils.active_run import (
        active_collector,
        section_report,
    )
    callback = make_callback(tmp_path)
    callback._display = Display()
    release = dict(source='golive.readiness.release', environment='staging', build_number='42',
                   version='2', artifact_sha256='a' * 64)
    callback.v2_runner_on_ok(callback_result(
        dict(changed=False, ansible_stats=dict(data={'golive_release': release}, per_host=False, aggregate=False)),
        host='localhost', task=new_task('Record the release', action='ansible.builtin.set_stats')))
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    gate_task = new_task('gate', action='golive.readiness.gate')
    before = gate_stats(go=True, verdict='GO: before')
    callback.v2_runner_on_ok(callback_result(dict(
        changed=False, go=True, section='before',
        ansible_stats=dict(data={'golive_readiness': before}, per_host=False, aggregate=True)), task=gate_task))
    assert active_collector() is callback.collector and not callback.collector.hosts, 'a fresh collector'
    first = written(tmp_path, 'readiness-before.json')
    assert first['section'] == 'before' and first['gate']['verdict'] == 'GO: before'
    assert first['release'] == dict((k, v) for k, v in release.items() if k != 'source')
    assert (tmp_path / 'readiness-before.html').exists() and not (tmp_path / 'readiness-before.prom').exists()
    assert section_report('before')['hosts']['web1']['checks'][0]['status'] == 'warn'
    # The next section holds only what came after, compared with its baseline.
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness()), host='web2'))
    callback.v2_runner_on_failed(callback_result(dict(
        failed=True, go=False, section='after', baseline='before',
        ansible_stats=dict(data={'golive_readiness': gate_stats()}, per_host=False, aggregate=True)),
        task=gate_task))
    after = written(tmp_path, 'readiness-after.json')
    assert list(after['hosts']) == ['web2'] and after['gate']['go'] is False
    assert after['comparison']['previous_generated_at'] == first['generated_at']
    assert after['release']['version'] == '2'
    # Nothing left after the last section: no whole-run report replaces them.
    run_stats(callback)
    assert not (tmp_path / 'readiness.json').exists()


def test_a_slice_writes_its_own_report_set_with_its_slice_record(tmp_path, monkeypatch):
    """Issue R17.6: with the slice option the set is <name>.slice-<id>.*, without .prom."""
    callback = make_callback(tmp_path, slice='awx', run_id='77')
    monkeypatch.setenv('JOB_ID', '1234')
    monkeypatch.setenv('INVENTORY_ID', '9')
    callback.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    run_stats(callback)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'readiness.slice-1234.html', 'readiness.slice-1234.json', 'readiness.slice-1234.junit.xml',
        'readiness.slice-1234.md']
    assert written(tmp_path, 'readiness.slice-1234.json')['slice'] == dict(id='1234', run_id='77', inventory='9', limit=None)
    bad = make_callback(tmp_path / 'bad', slice='../x')
    bad.v2_runner_on_ok(callback_result(dict(changed=False, readiness=readiness())))
    display = run_stats(bad)
    assert any("slice: '../x' is not a slice id" in w for w in display.warnings)
    assert not (tmp_path / 'bad').exists()


def test_merging_is_no_readiness_result():
    callback = CallbackModule()
    merge = new_task('Merge the slices', action='golive.readiness.report_merge')
    callback.v2_runner_on_failed(callback_result(dict(failed=True, msg='NO-GO: slices: ...'), task=merge))
    callback.v2_runner_on_ok(callback_result(dict(changed=True, go=True), task=merge))
    assert callback.collector.hosts == {}
