"""Run the collection's modules and playbooks for real, the way a user does."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    """A loopback TCP port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def ansible_env(**extra):
    """Environment of an ansible command run from the checkout with its ansible.cfg."""
    env = dict(os.environ)
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), ANSIBLE_NOCOLOR='1',
               ANSIBLE_FORCE_COLOR='0', ANSIBLE_HOST_KEY_CHECKING='False')
    env.update(extra)
    return env


def run_module(module, args=None, check_mode=False, timeout=120):
    """Run ``golive.readiness.<module>`` on localhost and return its result dict.

    Uses the ``json`` stdout callback so the result is exactly what the module returned.
    """
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost',
           '-i', os.path.join(REPO, 'inventories', 'local'),
           '-m', 'golive.readiness.%s' % module, '-a', json.dumps(args or {})]
    if check_mode:
        cmd.append('--check')
    return first_task_results(cmd, timeout)['localhost']


def first_task_results(cmd, timeout):
    """Run an ansible command with the ``json`` stdout callback; its first task's result per host."""
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
                          env=ansible_env(ANSIBLE_LOAD_CALLBACK_PLUGINS='1',
                                          ANSIBLE_STDOUT_CALLBACK='json',
                                          # Not '': ansible-core 2.19 rejects an empty name.
                                          # Naming the stdout callback keeps fleet_report out.
                                          ANSIBLE_CALLBACKS_ENABLED='ansible.builtin.json'))
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError('ansible printed no JSON (rc %s):\n%s\n%s'
                             % (proc.returncode, proc.stdout, proc.stderr))
    return data['plays'][0]['tasks'][0]['hosts']


# Containers with a working systemd (TESTBED.md); `docker stop` shuts systemd down cleanly.
SYSTEMD_FLAGS = ['--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined',
                 '-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw', '--tmpfs', '/run', '--tmpfs', '/run/lock',
                 '--stop-signal', 'SIGRTMIN+3']


def docker(*args, timeout=120, check=True):
    """Run a docker command; its completed process."""
    return subprocess.run(['docker'] + list(args), capture_output=True, text=True, timeout=timeout, check=check)


def start_systemd_container(image, name, boot_s=90, wait=True):
    """Start ``name`` from ``image`` with systemd as PID 1 and (``wait``) wait for the boot to finish."""
    docker('run', '-d', '--name', name, '--hostname', name, *(SYSTEMD_FLAGS + [image, '/sbin/init']))
    if wait:
        wait_booted(name, boot_s)
    return name


def wait_booted(name, boot_s=90):
    """Wait (at most ``boot_s``) until systemd in container ``name`` has finished booting."""
    deadline = time.monotonic() + boot_s
    while time.monotonic() < deadline:
        state = docker('exec', name, 'systemctl', 'is-system-running', check=False).stdout.strip()
        if state in ('running', 'degraded'):
            return
        time.sleep(1)


def run_module_in(container, module, args, check_mode=False, timeout=300):
    """Run ``golive.readiness.<module>`` in ``container`` through the docker connection; its result."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'all', '-i', '%s,' % container,
           '-c', 'community.docker.docker', '-e', 'ansible_python_interpreter=/usr/bin/python3',
           '-m', 'golive.readiness.%s' % module, '-a', json.dumps(args)]
    if check_mode:
        cmd.append('--check')
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
                          env=ansible_env(ANSIBLE_LOAD_CALLBACK_PLUGINS='1', ANSIBLE_STDOUT_CALLBACK='json',
                                          ANSIBLE_CALLBACKS_ENABLED='ansible.builtin.json'))
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError('no JSON (rc %s): %s %s' % (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
    return data['plays'][0]['tasks'][0]['hosts'][container]


def checks_by_name(result):
    """Map check name to check record of a module result."""
    return dict((c['name'], c) for c in result['readiness']['checks'])


def run_playbook(playbook, report_dir, *args, timeout=600, env=None):
    """Run a playbook of the checkout through the fleet_report callback; return the process."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
           os.path.join(REPO, 'playbooks', playbook)] + list(args)
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
                          env=ansible_env(GOLIVE_REPORT_DIR=str(report_dir), **(env or {})))


def bed_image(variable='GOLIVE_BASE_IMAGE'):
    """The test bed image named in .cache/testbed/images.env (scripts/testbed/build-images.sh), or None."""
    path = os.path.join(REPO, '.cache', 'testbed', 'images.env')
    if not os.path.exists(path):
        return None
    with open(path) as stream:
        for line in stream:
            if line.startswith(variable + '='):
                return line.split('=', 1)[1].strip()
    return None


def start_service(name):
    """Start the test servers of ``scripts/services/<name>.sh``; their connection facts.

    The facts include the passwords the script generated, read from its state file.
    """
    proc = subprocess.run(['bash', os.path.join(REPO, 'scripts', 'services', '%s.sh' % name)],
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(os.path.join(REPO, '.cache', 'services', '%s.json' % name)) as handle:
        return json.load(handle)


@pytest.fixture
def report_dir(tmp_path):
    """A fresh directory for the fleet report."""
    path = tmp_path / 'reports'
    path.mkdir()
    return path
