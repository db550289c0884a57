"""The README's main command on a stock Debian 12: system Python (PEP 668), no pyenv, a clean clone.

The test bed's base image (scripts/testbed/build-images.sh: debootstrap minbase with Debian's
python3) stands in for a fresh Debian 12 machine. `scripts/readiness.sh` must create the
project's venv (installing python3-venv from Debian's mirror), install only the runtime into it,
and measure the container. Pip reaches PyPI with the host's pip CA bundle, if it has one: this
machine's registries sit behind a TLS proxy.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from conftest import REPO, bed_image

CALM = json.dumps({'readiness_system_cpu': {'enabled': False},
                   'readiness_system_load': {'warn': 1000, 'fail': 2000}})


def host_pip_cert():
    """The CA bundle the host's pip is configured with (PIP_CERT or pip.conf), or None."""
    proc = subprocess.run([sys.executable, '-m', 'pip', 'config', 'list'], capture_output=True,
                          text=True, check=False)
    paths = [line.split('=', 1)[1].strip().strip("'") for line in proc.stdout.splitlines()
             if line.split('=', 1)[0].endswith('.cert')]
    return next((p for p in paths if os.path.isfile(p)), None)


def test_main_command_on_stock_debian_system_python(tmp_path):
    image = bed_image()
    if not shutil.which('docker') or not image:
        pytest.fail('no test bed base image: run scripts/testbed/build-images.sh')
    clone = tmp_path / 'clone'
    subprocess.run(['git', 'clone', '--quiet', REPO, str(clone)], check=True, timeout=120)
    name = 'golive-quickstart-%s' % uuid.uuid4().hex[:8]
    cmd = ['docker', 'run', '--rm', '--name', name, '-v', '%s:/src' % clone, '-w', '/src']
    cert = host_pip_cert()
    if cert:
        cmd += ['-v', '%s:/etc/golive-host-ca.crt:ro' % cert, '-e', 'PIP_CERT=/etc/golive-host-ca.crt']
    script = (
        'set -u; test -f /usr/lib/python3.11/EXTERNALLY-MANAGED || exit 90; '
        'command -v pyenv && exit 91; '
        'python3 -m pip --version >/dev/null 2>&1 && exit 92; '   # no pip in the system Python
        'scripts/readiness.sh -e "$1"; rc=$?; '
        'echo "==> system python imports ansible: $(python3 -c "import ansible" 2>/dev/null && echo yes || echo no)"; '
        'echo "==> venv: $(.venv/bin/python -c "import sys; print(sys.base_prefix)")"; '
        'echo "==> venv has: $(ls .venv/bin | tr "\\n" " ")"; '
        'exit $rc')
    try:
        proc = subprocess.run(cmd + [image, 'bash', '-c', script, 'quickstart', CALM],
                              capture_output=True, text=True, timeout=1200, check=False)
    finally:
        # A timeout kills the docker client, not the container: remove it either way.
        subprocess.run(['docker', 'rm', '-f', name], capture_output=True, check=False, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    assert 'creating the project\'s Python environment .venv' in out
    assert 'FLEET READINESS: PASS' in out and 'gate: GO' in out, out[-3000:]
    assert '==> system python imports ansible: no' in out
    assert '==> venv: /usr' in out, 'the venv is made from the system Python'
    tools = out.split('==> venv has:')[1].split('\n')[0].split()
    assert 'ansible-playbook' in tools
    for test_tool in ('molecule', 'pytest', 'ansible-lint', 'ansible-runner'):
        assert test_tool not in tools, 'the main command installs only the runtime: %s' % test_tool
    report = json.loads((clone / 'readiness-reports' / 'readiness.json').read_text())
    assert report['gate']['go'] is True
    assert any(c['name'] == 'memory' and c['status'] == 'pass'
               for c in report['hosts']['localhost']['checks'])
