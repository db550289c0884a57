"""The collection builds into a tarball that installs and documents itself."""

import os
import subprocess
import sys
import tarfile

from conftest import REPO

BIN = os.path.dirname(sys.executable)


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300, **kw)


def test_build_install_and_document(tmp_path):
    # A configuration of its own: the checkout's ansible.cfg finds the collection in the
    # checkout, and ansible-galaxy would then call it installed already.
    empty_cfg = tmp_path / 'ansible.cfg'
    empty_cfg.write_text('[defaults]\n')
    galaxy_env = dict(os.environ, ANSIBLE_CONFIG=str(empty_cfg))
    build = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', REPO,
                '--output-path', str(tmp_path), cwd=str(tmp_path), env=galaxy_env)
    assert build.returncode == 0, build.stdout + build.stderr
    [tarball] = [p for p in os.listdir(str(tmp_path)) if p.endswith('.tar.gz')]
    assert tarball.startswith('golive-readiness-')
    with tarfile.open(str(tmp_path / tarball)) as tar:
        names = tar.getnames()
    assert 'plugins/modules/system_check.py' in names
    assert 'plugins/callback/fleet_report.py' in names
    assert 'roles/readiness/tasks/main.yml' in names
    assert not any(n.startswith('collections/') for n in names), 'the checkout link must not ship'

    dest = tmp_path / 'installed'
    install = run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install',
                  str(tmp_path / tarball), '-p', str(dest), cwd=str(tmp_path), env=galaxy_env)
    assert install.returncode == 0, install.stdout + install.stderr
    assert (dest / 'ansible_collections' / 'golive' / 'readiness' / 'MANIFEST.json').exists()

    env = dict(galaxy_env, ANSIBLE_COLLECTIONS_PATH=str(dest))
    doc = run(os.path.join(BIN, 'ansible-doc'), 'golive.readiness.system_check', env=env,
              cwd=str(tmp_path))
    assert doc.returncode == 0, doc.stderr
    assert str(dest) in doc.stdout, 'documented from the installed copy, not the checkout'
    for text in ('io_latency', 'budget_ms', 'EXAMPLES', 'RETURN VALUES', 'readiness'):
        assert text in doc.stdout
    cb = run(os.path.join(BIN, 'ansible-doc'), '-t', 'callback', 'golive.readiness.fleet_report',
             env=env, cwd=str(tmp_path))
    assert cb.returncode == 0 and 'GOLIVE_REPORT_DIR' in cb.stdout, cb.stderr
