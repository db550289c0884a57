"""The README's installed path, exactly: a new venv, the built tarball installed by ansible-galaxy,
the callback enabled in the user's own ansible.cfg, `ansible-playbook golive.readiness.readiness`
with the user's inventory, all from a directory outside the repository."""

import json
import os
import subprocess
import sys

from conftest import REPO

USER_CFG = '''[defaults]
callbacks_enabled = golive.readiness.fleet_report
collections_path = ./collections

[connection]
pipelining = True

[golive_fleet_report]
report_dir = ./readiness-reports
'''
INVENTORY = '''all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
'''
CALM = {'readiness_system_cpu': {'enabled': False},
        'readiness_system_load': {'warn': 1000, 'fail': 2000}}


def run(cmd, cwd, env=None, timeout=600):
    proc = subprocess.run(cmd, cwd=str(cwd), env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, ' '.join(map(str, cmd)) + '\n' + proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_installed_collection_from_a_project_outside_the_repository(tmp_path):
    project = tmp_path / 'project'
    project.mkdir()
    venv = tmp_path / 'venv'
    run([sys.executable, '-m', 'venv', str(venv)], tmp_path)
    bin_dir = venv / 'bin'
    # The runtime only (requirements/runtime.txt), from pip's cache when it has the wheels.
    run([str(bin_dir / 'pip'), 'install', '--quiet', '-r', os.path.join(REPO, 'requirements', 'runtime.txt')],
        tmp_path)
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('ANSIBLE_', 'GOLIVE_')) and k not in ('VIRTUAL_ENV', 'PYTHONPATH'))
    env['PATH'] = '%s:/usr/local/bin:/usr/bin:/bin' % bin_dir
    env['ANSIBLE_NOCOLOR'] = '1'

    # In the checkout (its ansible.cfg applies): build the tarball.
    run([str(bin_dir / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(tmp_path)], REPO, env=env)
    [tarball] = [p for p in os.listdir(str(tmp_path)) if p.endswith('.tar.gz')]
    # In the user's project: their ansible.cfg, their inventory, the collection installed.
    (project / 'ansible.cfg').write_text(USER_CFG)
    (project / 'inventory.yml').write_text(INVENTORY)
    out = run([str(bin_dir / 'ansible-galaxy'), 'collection', 'install', str(tmp_path / tarball)], project, env=env)
    assert 'was installed successfully' in out, out
    installed = project / 'collections' / 'ansible_collections' / 'golive' / 'readiness'
    assert (installed / 'MANIFEST.json').is_file()
    assert not os.path.islink(str(installed)), 'a real copy, not the checkout'

    proc = subprocess.run([str(bin_dir / 'ansible-playbook'), 'golive.readiness.readiness', '-i', 'inventory.yml',
                           '-e', json.dumps(CALM)], cwd=str(project), env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert 'FLEET READINESS: PASS' in out and 'gate: GO' in out, out[-3000:]
    assert REPO not in out, 'nothing came from the checkout'
    report = json.loads((project / 'readiness-reports' / 'readiness.json').read_text())
    assert report['gate']['go'] is True
    assert report['hosts']['localhost']['checks']
