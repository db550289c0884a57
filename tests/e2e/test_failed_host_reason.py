"""A host whose task failed shows why (issue R15.8): a real stopped container, reached over
the community.docker.docker connection, is a failed task whose reason is only in stderr."""

import json
import os
import subprocess
import uuid

import pytest

from conftest import REPO, run_playbook

CALM = {'readiness_system_cpu': {'enabled': False},
        'readiness_system_load': {'warn': 1000, 'fail': 2000}}


def docker(*args, check=True):
    return subprocess.run(['docker'] + list(args), capture_output=True, text=True, timeout=120, check=check)


@pytest.fixture
def stopped_container():
    """A container of the tiny busybox test image that ran and exited; removed afterwards."""
    proc = subprocess.run([os.path.join(REPO, 'scripts', 'services', 'docker-test-image.sh')],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    image = proc.stdout.strip().splitlines()[-1]
    name = 'golive-stopped-%s' % uuid.uuid4().hex[:8]
    docker('run', '--name', name, '--label', 'golive.test=stopped', image, 'true')
    assert docker('inspect', '-f', '{{.State.Running}}', name).stdout.strip() == 'false'
    try:
        yield name
    finally:
        docker('rm', '-f', name, check=False)


def test_a_stopped_container_shows_the_reason_from_stderr(report_dir, tmp_path, stopped_container):
    inventory = tmp_path / 'hosts.ini'
    inventory.write_text(
        '[web]\nlocalhost ansible_connection=local ansible_python_interpreter="{{ ansible_playbook_python }}"\n'
        '[app]\nstopped ansible_connection=community.docker.docker ansible_host=%s '
        'ansible_python_interpreter=/usr/bin/python3\n' % stopped_container)
    proc = run_playbook('readiness.yml', report_dir, '-i', str(inventory), '-e', json.dumps(CALM))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    with open(str(report_dir / 'readiness.json')) as handle:
        report = json.load(handle)
    host = report['hosts']['stopped']
    assert host['status'] == 'fail' and not host['unreachable']
    [error] = host['errors']
    assert 'is not running' in error['message'], error
    assert error['message'].split(': ')[0] in ('MODULE FAILURE', 'non-zero return code',
                                               'Module result deserialization failed'), error
    assert stopped_container in error['message'] or 'Container' in error['message']
    assert "ERROR   stopped: task " in proc.stdout and 'is not running' in proc.stdout
    assert 'is not running' in (report_dir / 'readiness.md').read_text()
