"""prometheus_textfile: each host's share of the fleet report, and the module's atomic write."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.modules import prometheus_textfile as module
from ansible_collections.golive.readiness.plugins.plugin_utils import fleet
from ansible_collections.golive.readiness.plugins.plugin_utils.textfile import host_textfile, textfile_hosts

MODULE = module.__file__


def report(gate=None):
    """web1 fails its disk check, db1 passes, gone is unreachable."""
    collector = fleet.FleetCollector()
    for host, disk in (('web1', 95.0), ('db1', 10.0)):
        collector.add_host(host)
        system = r.Component('system')
        system.add(r.measured('disk:/', disk, 'percent', 80, 90, subject='/ use'))
        collector.add_readiness(host, system.result())
    collector.add_unreachable('gone', 'refused')
    return collector.report(extra={'gate': {'go': gate}} if gate is not None else None)


def samples(text):
    return [line for line in text.splitlines() if line and not line.startswith('#')]


def test_a_host_file_has_its_own_series_only():
    text = host_textfile(report(gate=False), 'web1', 'db1', ['web1', 'db1'], 1.0)
    assert 'golive_readiness_check_status{check="disk:/",component="system",host="web1"} 2' in text
    assert 'golive_readiness_host_ready{host="web1"} 0' in text
    assert 'host="db1"' not in text and 'host="gone"' not in text
    # The fleet's series are the fleet host's alone: one series each in Prometheus.
    fleet_series = ('golive_readiness_gate_go', 'golive_readiness_fleet_score', 'golive_readiness_hosts')
    assert not [s for s in samples(text) if s.startswith(fleet_series)]
    assert 'golive_readiness_report_timestamp_seconds 1.0' in text


def test_the_fleet_host_adds_the_fleet_and_the_hosts_without_a_file():
    text = host_textfile(report(gate=False), 'db1', 'db1', ['web1', 'db1'], 1.0)
    assert 'golive_readiness_host_ready{host="db1"} 1' in text
    assert 'golive_readiness_host_ready{host="gone"} 0' in text  # unreachable: not ready, said somewhere
    assert 'host="web1"' not in text  # web1 writes its own
    assert 'golive_readiness_gate_go 0' in text
    assert 'golive_readiness_fleet_score' in text
    assert 'golive_readiness_hosts{status="unreachable"} 1' in text


def test_a_slice_exports_no_fleet_series():
    text = host_textfile(report(gate=False), 'db1', 'db1', ['web1', 'db1'], 1.0, sliced=True)
    assert 'golive_readiness_host_ready{host="gone"} 0' in text
    assert 'golive_readiness_gate_go' not in text and 'golive_readiness_fleet_score' not in text


def test_no_gate_no_gate_series():
    assert 'golive_readiness_gate_go' not in host_textfile(report(), 'db1', 'db1', ['db1'], 1.0)


def test_hosts_outside_the_report_get_an_empty_share():
    assert textfile_hosts(report(), 'other', 'db1', ['other', 'db1']) == []
    assert textfile_hosts(report(), 'db1', 'db1', ['db1']) == ['db1', 'gone', 'web1']


def run(tmp_path, check_mode=False, diff=False, **args):
    """The module as Ansible runs it on a host: a process reading its arguments file."""
    params = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    path = tmp_path / 'args.json'
    path.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': params}))
    proc = subprocess.run([sys.executable, MODULE, str(path)], capture_output=True, text=True, timeout=60, check=False)
    return json.loads(proc.stdout)


CONTENT = '# TYPE golive_readiness_host_ready gauge\ngolive_readiness_host_ready{host="web1"} 0\n'


def test_writes_atomically_then_changes_nothing(tmp_path):
    directory = tmp_path / 'textfile'
    directory.mkdir()
    first = run(tmp_path, directory=str(directory), content=CONTENT)
    assert first['changed'] and first['samples'] == 1
    target = directory / 'golive_readiness.prom'
    assert target.read_text() == CONTENT
    assert oct(os.stat(target).st_mode & 0o777) == '0o644'
    assert sorted(os.listdir(directory)) == ['golive_readiness.prom']  # no temporary file left
    again = run(tmp_path, directory=str(directory), content=CONTENT)
    assert not again['changed']
    inode = os.stat(target).st_ino
    newer = run(tmp_path, directory=str(directory), content=CONTENT.replace('} 0', '} 1'))
    assert newer['changed'] and os.stat(target).st_ino != inode  # replaced by a rename, not rewritten


@pytest.mark.skipif(os.geteuid() != 0, reason='giving a file away needs root')
def test_a_replaced_file_keeps_its_owner_and_gets_the_mode(tmp_path):
    directory = tmp_path / 'textfile'
    directory.mkdir()
    target = directory / 'golive_readiness.prom'
    target.write_text('# an older export\n')
    os.chown(target, 65534, 65534)          # as an exporter's own user would own it
    result = run(tmp_path, directory=str(directory), content=CONTENT, mode='0640')
    assert result['changed'] and target.read_text() == CONTENT
    stat = os.stat(target)
    assert (stat.st_uid, stat.st_gid, oct(stat.st_mode & 0o777)) == (65534, 65534, '0o640')
    assert sorted(os.listdir(directory)) == ['golive_readiness.prom']


def test_check_mode_writes_nothing_and_shows_the_diff(tmp_path):
    directory = tmp_path / 'textfile'
    directory.mkdir()
    result = run(tmp_path, check_mode=True, diff=True, directory=str(directory), content=CONTENT)
    assert result['changed'] and result['diff']['after'] == CONTENT and result['diff']['before'] == ''
    assert os.listdir(directory) == []


def test_mode_only(tmp_path):
    directory = tmp_path / 'textfile'
    directory.mkdir()
    run(tmp_path, directory=str(directory), content=CONTENT)
    result = run(tmp_path, directory=str(directory), content=CONTENT, mode='0640')
    assert result['changed'] and oct(os.stat(directory / 'golive_readiness.prom').st_mode & 0o777) == '0o640'


@pytest.mark.parametrize('args, message', [
    (dict(name='x.txt'), "name: 'x.txt' must be a plain file name ending in .prom"),
    (dict(name='../x.prom'), 'must be a plain file name'),
    (dict(mode='rw'), "mode: 'rw' is not an octal file mode"),
    (dict(content='not a sample line\n'), "content: line 1 is not a Prometheus sample: 'not a sample line'"),
    (dict(directory='/nonexistent/textfile'), 'directory: /nonexistent/textfile does not exist'),
])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    directory = tmp_path / 'textfile'
    directory.mkdir()
    result = run(tmp_path, **dict(dict(directory=str(directory), content=CONTENT), **args))
    assert result['failed'] and message in result['msg'] and '\n' not in result['msg']
    assert os.listdir(directory) == []
