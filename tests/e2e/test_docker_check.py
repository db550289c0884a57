"""docker_check, run for real through ansible against the real Docker engine.

The containers come from a tiny local image (scripts/services/docker-test-image.sh:
Debian's static busybox, no registry needed): one healthy, one unhealthy, one exited
non-zero, one exited cleanly, one restarting, one busy on a CPU limit, one plain.
"""

import os
import subprocess
import time
import uuid

import docker
import pytest

from conftest import REPO, checks_by_name, free_port, run_module

SECOND = 1000000000  # healthcheck durations are in nanoseconds


def build_image():
    proc = subprocess.run([os.path.join(REPO, 'scripts', 'services', 'docker-test-image.sh')],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def wait_for(client, name, ready, timeout=60):
    """Wait (bounded) until ``ready(inspect)`` holds for container ``name``."""
    deadline = time.monotonic() + timeout
    while True:
        info = client.api.inspect_container(name)
        if ready(info):
            return info
        if time.monotonic() > deadline:
            raise AssertionError('%s did not get ready: %s' % (name, info['State']))
        time.sleep(0.25)


@pytest.fixture(scope='module')
def fleet():
    """Start the test containers, wait for their states, remove them at the end."""
    image = build_image()
    client = docker.from_env(timeout=30)
    run_id = uuid.uuid4().hex[:8]
    prefix = 'gt-%s-' % run_id
    label = {'golive.test': run_id}

    def start(role, command, **kwargs):
        return client.containers.run(image, command, name=prefix + role, detach=True,
                                     labels=dict(label, **{'golive.role': role}), **kwargs)

    try:
        start('healthy', ['sleep', '600'],
              healthcheck={'test': ['CMD', 'true'], 'interval': SECOND // 2, 'retries': 1})
        start('unhealthy', ['sleep', '600'],
              healthcheck={'test': ['CMD', 'false'], 'interval': SECOND // 2, 'retries': 1})
        start('exited', ['sh', '-c', 'exit 3'])
        start('clean', ['true'])
        start('restarting', ['sh', '-c', 'exit 1'], restart_policy={'Name': 'always'})
        start('busy', ['sh', '-c', 'while :; do :; done'], nano_cpus=SECOND // 5)
        start('plain', ['sleep', '600'], mem_limit='64m')

        def health(want):
            return lambda info: (info['State'].get('Health') or {}).get('Status') == want

        wait_for(client, prefix + 'healthy', health('healthy'))
        wait_for(client, prefix + 'unhealthy', health('unhealthy'))
        wait_for(client, prefix + 'exited', lambda i: i['State']['Status'] == 'exited')
        wait_for(client, prefix + 'clean', lambda i: i['State']['Status'] == 'exited')
        wait_for(client, prefix + 'restarting', lambda i: i['RestartCount'] >= 2)
        # Some engines (e.g. in a sandbox without cgroup placement) return empty stats;
        # the module must then say unknown rather than invent a number.
        sample = client.api.stats(prefix + 'busy', stream=False)
        has_stats = bool((sample.get('memory_stats') or {}).get('usage'))
        yield dict(prefix=prefix, run_id=run_id, label='golive.test=%s' % run_id,
                   has_stats=has_stats)
    finally:
        for container in client.containers.list(all=True, filters={'label': 'golive.test=%s' % run_id}):
            container.remove(force=True)
        client.close()


def test_containers_are_judged(fleet):
    p = fleet['prefix']
    result = run_module('docker_check', {
        'min_version': '1.13',
        'containers': [{'name': p + 'healthy'}, {'label': fleet['label']}, {'name': p + 'missing'}],
        'scope': 'expected',
        'restarts': {'warn': 1, 'fail': 1000},
    })
    assert result['changed'] is False
    checks = checks_by_name(result)

    def status(name):
        return checks[name]['status']

    assert status('docker_host') == 'pass'
    assert status('min_version') == 'pass'
    assert status('containers:%shealthy' % p) == 'pass'
    assert status('containers:%smissing' % p) == 'fail'
    by_label = checks['containers:label=%s' % fleet['label']]
    assert by_label['status'] == 'fail'
    assert p + 'exited (exited)' in by_label['message']
    assert status('health:%shealthy' % p) == 'pass'
    assert status('health:%sunhealthy' % p) == 'fail'
    assert 'unhealthy' in checks['health:%sunhealthy' % p]['message']
    assert 'health:%splain' % p not in checks  # no healthcheck, no health check
    exited = checks['exit_codes:%sexited' % p]
    assert exited['status'] == 'fail' and exited['value'] == 3
    assert status('exit_codes:%sclean' % p) == 'pass'
    restarts = checks['restarts:%srestarting' % p]
    assert restarts['status'] == 'warn' and restarts['value'] >= 2
    assert checks['restarts:%shealthy' % p]['value'] == 0
    busy = checks['cpu:%sbusy' % p]
    idle = checks['cpu:%splain' % p]
    memory = checks['memory:%splain' % p]
    if fleet['has_stats']:
        assert busy['status'] == 'fail', busy  # a busy loop on a 0.2 CPU limit uses all of it
        assert busy['details']['cpus_allowed'] == 0.2
        assert idle['status'] == 'pass' and idle['value'] < 80
        assert memory['status'] == 'pass' and memory['details']['limit_mib'] == 64.0
    else:
        for check in (busy, idle, memory):
            assert check['status'] == 'unknown', check
            assert 'gave no' in check['message'] and check['value'] is None
    assert result['readiness']['status'] == 'fail'


def test_all_running_and_ignore(fleet):
    p = fleet['prefix']
    result = run_module('docker_check', {
        'containers': [{'label': fleet['label']}], 'scope': 'expected', 'all_running': True,
        'ignore': [p + 'busy', p + 'c*'], 'cpu': {'enabled': False}})
    checks = checks_by_name(result)
    assert checks['all_running:%shealthy' % p]['status'] == 'pass'
    assert checks['all_running:%sexited' % p]['status'] == 'fail'
    assert not any(p + 'busy' in name or p + 'clean' in name for name in checks)
    assert checks['cpu']['status'] == 'skip'
    assert not any(name.startswith('cpu:') for name in checks)


def test_old_engine_fails_the_version_check(fleet):
    checks = checks_by_name(run_module('docker_check', {
        'min_version': '999.1', 'containers': [{'name': fleet['prefix'] + 'healthy'}],
        'scope': 'expected'}))
    assert checks['min_version']['status'] == 'fail'
    assert 'below the minimum 999.1' in checks['min_version']['message']


@pytest.mark.parametrize('host, reason', [
    ('unix:///run/golive-no-such-engine.sock', 'does not exist'),
    ('tcp://127.0.0.1:%d' % free_port(), 'connection refused'),
])
def test_no_engine_is_a_fail_not_a_traceback(host, reason):
    result = run_module('docker_check', {'docker_host': host, 'timeout': 5})
    assert not result.get('failed'), result.get('msg')
    check = checks_by_name(result)['docker_host']
    assert check['status'] == 'fail'
    assert reason in check['message']
    assert result['readiness']['status'] == 'fail'


def test_a_docker_host_that_is_not_a_url_is_bad_input_not_an_engine_failure():
    result = run_module('docker_check', {'docker_host': 'localhost:2375'})
    assert result.get('failed') is True and 'readiness' not in result
    assert result['msg'].startswith('docker_host: ') and 'unix://' in result['msg']


def test_the_result_names_the_engine_and_records_keep_their_former_names(fleet):
    sock = 'unix:///var/run/docker.sock'
    result = run_module('docker_check', {'docker_host': sock, 'scope': 'expected',
                                         'containers': [{'name': fleet['prefix'] + 'healthy'}]})
    assert result['readiness']['instance'] == sock
    checks = checks_by_name(result)
    assert checks['docker_host']['formerly'] == 'docker_engine'
    assert checks['containers:%shealthy' % fleet['prefix']]['formerly'] == 'docker_container:%shealthy' % fleet['prefix']
    named = run_module('docker_check', {'docker_host': sock, 'instance': 'build-engine', 'health': {'enabled': False}})
    assert named['readiness']['instance'] == 'build-engine'
    assert checks_by_name(named)['health']['formerly'] == 'docker_health'


def test_no_permission_on_the_socket_is_unknown():
    """The real engine socket (root:docker 0660) as an unprivileged user: unknown, not fail.

    Ansible is installed under /root here, out of an unprivileged user's reach, so this
    runs the module's own connect step in a forked child that drops to nobody.
    """
    sock = '/var/run/docker.sock'
    if os.geteuid() != 0 or not os.path.exists(sock) or os.stat(sock).st_mode & 0o006:
        pytest.skip('needs root and an engine socket closed to other users')
    from ansible_collections.golive.readiness.plugins.module_utils.probes import docker as docker_probes
    import json
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, try the engine, report the record
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            _client, _version, record = docker_probes.connect(docker, 'unix://' + sock, 5)
            os.write(write, json.dumps(record).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as handle:
        data = handle.read()
    os.waitpid(pid, 0)
    record = json.loads(data)
    assert record['name'] == 'docker_host'
    assert record['status'] == 'unknown', record
    assert 'permission denied' in record['message']


def test_check_mode(fleet):
    result = run_module('docker_check', {'containers': [{'name': fleet['prefix'] + 'healthy'}],
                                         'scope': 'expected'}, check_mode=True)
    assert result['changed'] is False
    assert checks_by_name(result)['containers:%shealthy' % fleet['prefix']]['status'] == 'pass'


@pytest.mark.parametrize('args, option', [
    ({'containers': [{'name': 'a', 'label': 'b'}]}, 'containers[0]'),
    ({'containers': [{}]}, 'containers[0]'),
    ({'restarts': {'warn': 10, 'fail': 2}}, 'restarts'),
    ({'min_version': 'latest'}, 'min_version'),
    ({'scope': 'expected'}, 'scope'),
    ({'stats_workers': 0}, 'stats_workers'),
    ({'cpu': {'warn': -5}}, 'cpu.warn: -5 is out of range 0 to 100'),
    ({'restarts': {'fail': -1}}, 'restarts.fail: -1 must be at least 0'),
    ({'containers': [{'label': 'app', 'min_count': 0}]}, 'containers[0].min_count: 0 must be at least 1'),
    ({'docker_host': '/var/run/docker.sock'}, 'docker_host: '),
    ({'docker_host': 'tcp://127.0.0.1:99999'}, 'docker_host: the port of'),
])
def test_bad_input_fails_with_one_line_naming_the_option(args, option):
    result = run_module('docker_check', args)
    assert result.get('failed') is True
    assert result['msg'].startswith(option), result['msg']
    assert '\n' not in result['msg']
