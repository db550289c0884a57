"""The report set is all or nothing, on a real filesystem that fills (issue R15.7).

A small tmpfs is mounted for each test (root only, as the e2e stage runs) and unmounted after.
"""

import json
import os
import subprocess

import pytest

from conftest import run_playbook

CALM = {'readiness_system_cpu': {'enabled': False},
        'readiness_system_load': {'warn': 1000, 'fail': 2000}}
FILES = ['readiness.html', 'readiness.json', 'readiness.junit.xml', 'readiness.md', 'readiness.prom']


def calm(**extra):
    return json.dumps(dict(CALM, **extra))


@pytest.fixture
def small_fs(tmp_path):
    """A 1 MiB tmpfs at tmp_path/fs, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.fail('mounting a tmpfs needs root (the e2e stage runs as root)')
    mount = tmp_path / 'fs'
    mount.mkdir()
    subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1m,mode=0755', 'golive-report-test', str(mount)],
                   check=True)
    try:
        yield mount
    finally:
        subprocess.run(['umount', '-l', str(mount)], check=False)


def snapshot(directory):
    return dict((name, (directory / name).read_bytes()) for name in sorted(os.listdir(str(directory))))


def fill(directory, leave):
    """Fill the filesystem of ``directory`` until ``leave`` bytes are free."""
    stat = os.statvfs(str(directory))
    free = stat.f_bavail * stat.f_frsize
    with open(str(directory / 'filler'), 'wb') as handle:
        handle.write(b'\0' * max(0, free - leave))
    stat = os.statvfs(str(directory))
    return stat.f_bavail * stat.f_frsize


def test_a_disk_that_fills_mid_set_keeps_the_previous_set(small_fs):
    reports = small_fs / 'reports'
    proc = run_playbook('readiness.yml', reports, '-e', calm())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    before = snapshot(reports)
    assert sorted(before) == FILES
    sizes = dict((name, len(data)) for name, data in before.items())
    # Room for the new JSON and Markdown (a little larger with the comparison), not the HTML page.
    # The page is rendered on the server now, no longer the JSON plus its script: a smaller margin.
    leave = sizes['readiness.json'] + sizes['readiness.md'] + 8192
    assert 8192 + 8192 < sizes['readiness.html'], sizes
    fill(small_fs, leave)

    # A different result (disk now warns), so a partial set would show.
    proc = run_playbook('readiness.yml', reports, '-e', calm(readiness_system_disk={
        'paths': ['/'], 'warn': 0.001, 'fail': 100}))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'cannot write the report to %s: No space left on device' % reports in proc.stdout + proc.stderr
    assert 'FLEET READINESS: WARN' in proc.stdout, 'the summary is still printed'
    assert snapshot(reports) == before, 'the previous set, whole, and no temporary file'

    # report_required: the gate's pre-flight already blocks, and the run fails.
    proc = run_playbook('readiness.yml', reports, '-e', calm(), env={'GOLIVE_REPORT_REQUIRED': 'true'})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert 'gate: NO-GO: report: %s has ' % reports in proc.stdout
    assert 'report_required is set: the run fails' in proc.stdout + proc.stderr
    assert snapshot(reports) == before


def test_report_required_fails_a_run_without_a_gate(tmp_path):
    """At the end of the run: no report, no success (the callback ends ansible-playbook)."""
    playbook = tmp_path / 'measure.yml'
    playbook.write_text('- name: Measure only\n  hosts: localhost\n  gather_facts: false\n  tasks:\n'
                        '    - name: System\n      golive.readiness.system_check:\n'
                        '        cpu: {enabled: false}\n        load: {warn: 1000, fail: 2000}\n')
    blocked = tmp_path / 'a-file'
    blocked.write_text('')
    proc = run_playbook(str(playbook), blocked / 'reports')
    assert proc.returncode == 0, 'not required: a warning only\n' + proc.stdout + proc.stderr
    assert 'cannot write the report' in proc.stdout + proc.stderr
    proc = run_playbook(str(playbook), blocked / 'reports', env={'GOLIVE_REPORT_REQUIRED': 'true'})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'report_required is set: the run fails' in proc.stdout + proc.stderr
    assert 'FLEET READINESS:' in proc.stdout and 'PLAY RECAP' in proc.stdout
    assert 'Traceback' not in proc.stdout + proc.stderr
