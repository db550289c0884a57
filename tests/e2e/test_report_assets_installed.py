"""The HTML page's script and style are files (plugin_utils/html_assets): they ship in the
collection build and are found when the collection is installed (issue R14.6)."""

import json
import os
import subprocess
import sys
import tarfile

from conftest import REPO

BIN = os.path.dirname(sys.executable)
ASSETS = ('plugins/plugin_utils/html_assets/report.js', 'plugins/plugin_utils/html_assets/report.css')


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300, **kw)


def test_assets_ship_and_render_from_the_installed_collection(tmp_path):
    cfg = tmp_path / 'ansible.cfg'   # not the checkout's: it finds the collection in the checkout
    cfg.write_text('[defaults]\ncallbacks_enabled = golive.readiness.fleet_report\n')
    env = dict(os.environ, ANSIBLE_CONFIG=str(cfg), ANSIBLE_NOCOLOR='1')
    build = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', REPO,
                '--output-path', str(tmp_path), cwd=str(tmp_path), env=env)
    assert build.returncode == 0, build.stdout + build.stderr
    [tarball] = [p for p in os.listdir(str(tmp_path)) if p.endswith('.tar.gz')]
    with tarfile.open(str(tmp_path / tarball)) as tar:
        names = tar.getnames()
    for asset in ASSETS:
        assert asset in names, '%s is not in the build (galaxy.yml build_ignore?)' % asset

    dest = tmp_path / 'installed'
    install = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', str(tmp_path / tarball),
                  '-p', str(dest), cwd=str(tmp_path), env=env)
    assert install.returncode == 0, install.stdout + install.stderr
    playbook = tmp_path / 'site.yml'
    playbook.write_text('- name: Measure\n  hosts: localhost\n  gather_facts: false\n  tasks:\n'
                        '    - name: System\n      golive.readiness.system_check:\n'
                        '        cpu: {enabled: false}\n')
    reports = tmp_path / 'reports'
    proc = run(os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
               '-e', 'ansible_python_interpreter=%s' % sys.executable, str(playbook), cwd=str(tmp_path),
               env=dict(env, ANSIBLE_COLLECTIONS_PATH=str(dest), GOLIVE_REPORT_DIR=str(reports)))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (reports / 'readiness.html').read_text()
    installed = dest / 'ansible_collections' / 'golive' / 'readiness'
    for asset in ASSETS:
        text = (installed / asset).read_text()
        assert text in page, '%s of the installed collection is not in the page' % asset
    data = page[page.index('id="page-config">') + len('id="page-config">'):]
    data = json.loads(data[:data.index('</script>')])
    assert data['host_rank']['unreachable'] == 6
    assert 'id="h-localhost"' in page, 'the host is rendered in the page itself'
