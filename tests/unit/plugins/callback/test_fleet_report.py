"""The fleet_report callback reads what it needs from a task result, converting little."""

import json

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


def new_task():
    task = Task()  # not Task.load: it would need the plugin loader set up
    task.name = 'readiness : system'
    return task


def callback_result(data, host='web1'):
    """A result as the TaskQueueManager hands it to each callback (ansible-core 2.19+)."""
    task = new_task()
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
    data = from_yaml(json.dumps(dict(readiness=readiness(), golive_gate=dict(go=True, verdict='GO'))))
    callback.v2_runner_on_ok(callback_result(data))
    callback.v2_runner_on_failed(callback_result(from_yaml('{failed: true, msg: boom}'), host='db1'))
    callback.v2_runner_on_unreachable(callback_result(from_yaml('{unreachable: true, msg: refused}'), host='app1'))
    report = callback.collector.report(extra=dict(gate=callback.gate))
    assert walk_types(report) <= set(PLAIN_TYPES) | {dict, list}
    assert report['gate'] == dict(go=True, verdict='GO')
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
