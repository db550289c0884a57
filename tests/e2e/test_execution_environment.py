"""docs/awx.md's execution environment recipe, up to `ansible-builder create`.

Building the image needs the base image (quay.io/ansible/awx-ee), which no registry reachable
here serves: the test runs the recipe's `create`, then the two steps of the build that need
only the context, offline: the galaxy stage's `ansible-galaxy collection install -r
requirements.yml` from `_build/`, and ansible-builder's own introspection of the installed
collection (the Python and system dependencies the image would get).
"""

import os
import shutil
import subprocess
import sys
import tarfile

from conftest import REPO

BIN = os.path.dirname(sys.executable)
EE = os.path.join(REPO, 'docs', 'ee')


def run(*cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300, **kw)
    assert proc.returncode == 0, ' '.join(cmd) + '\n' + proc.stdout + proc.stderr
    return proc.stdout


def test_recipe_creates_a_build_context_with_the_collection(tmp_path):
    cfg = tmp_path / 'ansible.cfg'   # not the checkout's, which finds the collection in the checkout
    cfg.write_text('[defaults]\n')
    env = dict(os.environ, ANSIBLE_CONFIG=str(cfg))
    work = tmp_path / 'ee'
    shutil.copytree(EE, str(work))
    run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', REPO, '--output-path', str(work),
        cwd=str(tmp_path), env=env)
    [built] = [p for p in os.listdir(str(work)) if p.endswith('.tar.gz')]
    os.rename(str(work / built), str(work / 'golive-readiness.tar.gz'))
    with tarfile.open(str(work / 'golive-readiness.tar.gz')) as tar:
        names = tar.getnames()
    for shipped in ('meta/execution-environment.yml', 'requirements.txt', 'bindep.txt', 'MANIFEST.json'):
        assert shipped in names, shipped
    for dev in ('tests', 'molecule', 'scripts', 'benchmarks', 'requirements', '.gitignore'):
        assert not any(n == dev or n.startswith(dev + '/') for n in names), 'the test bed ships: %s' % dev

    context = tmp_path / 'context'
    out = run(os.path.join(BIN, 'ansible-builder'), 'create', '-f', str(work / 'execution-environment.yml'),
              '-c', str(context), cwd=str(work), env=env)
    assert 'Complete!' in out, out
    build = context / '_build'
    assert (build / 'collections' / 'golive-readiness.tar.gz').is_file()
    containerfile = next(p for p in (context / 'Containerfile', context / 'Dockerfile') if p.exists()).read_text()
    assert 'COPY _build /build' in containerfile and 'collection install' in containerfile

    # The galaxy stage, offline: the same command in the same working directory.
    installed = tmp_path / 'installed'
    run(os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '-r', 'requirements.yml',
        '--collections-path', str(installed), cwd=str(build), env=env)
    assert (installed / 'ansible_collections' / 'golive' / 'readiness' / 'MANIFEST.json').is_file()
    # The builder stage's introspection reads the collection's meta/execution-environment.yml.
    report = run(sys.executable, str(build / 'scripts' / 'introspect.py'), 'introspect', str(installed),
                 '--write-pip', str(tmp_path / 'pip.txt'), '--write-bindep', str(tmp_path / 'bindep.txt'))
    pip = (tmp_path / 'pip.txt').read_text()
    for library in ('psutil', 'requests', 'jmespath', 'docker', 'psycopg2-binary', 'redis'):
        assert library in pip, (library, report)
    bindep = (tmp_path / 'bindep.txt').read_text()
    assert 'openssl' in bindep and 'openssh-client' in bindep and 'iproute' not in bindep, bindep
