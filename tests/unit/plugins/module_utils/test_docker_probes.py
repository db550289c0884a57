"""Pure logic of docker_probes: versions, error classification, stats arithmetic, records."""

import errno

import pytest
import requests

from ansible_collections.golive.readiness.plugins.module_utils.probes import docker as dp
from catalogue_params import all_errors, module_params


def container(name, status='running', code=0, restarts=0, health=None, labels=None, host=None):
    state = {'Status': status, 'ExitCode': code}
    if health:
        state['Health'] = {'Status': health, 'FailingStreak': 0 if health == 'healthy' else 3}
    return {'Id': name * 4, 'Name': '/' + name, 'State': state, 'RestartCount': restarts,
            'Config': {'Labels': labels or {}}, 'HostConfig': host or {}}


@pytest.mark.parametrize('text, expected', [
    ('20.10.24+dfsg1', (20, 10, 24)), ('v24.0', (24, 0)), ('28.2.2', (28, 2, 2)),
    ('latest', None), ('', None)])
def test_version_tuple(text, expected):
    assert dp.version_tuple(text) == expected


def test_version_record():
    assert dp.version_record('20.10.24+dfsg1', '20.10')['status'] == 'pass'
    assert dp.version_record('19.03.1', '20.10')['status'] == 'fail'
    assert dp.version_record('weird', '20.10')['status'] == 'unknown'


def wrapped(inner):
    """An exception chain shaped like the SDK's: DockerException <- ConnectionError <- inner."""
    try:
        try:
            raise inner
        except OSError as exc:
            raise requests.exceptions.ConnectionError(('Connection aborted.', exc)) from exc
    except requests.exceptions.ConnectionError as exc:
        return exc


def test_classify_engine_error():
    assert dp.classify_engine_error(wrapped(PermissionError(errno.EACCES, 'denied')))[0] == 'unknown'
    status, reason = dp.classify_engine_error(wrapped(FileNotFoundError(2, 'no')))
    assert status == 'fail' and 'does not exist' in reason
    status, reason = dp.classify_engine_error(wrapped(ConnectionRefusedError(111, 'refused')))
    assert status == 'fail' and 'refused' in reason


def test_cpu_percent_uses_the_cpu_limit():
    stats = {'cpu_stats': {'cpu_usage': {'total_usage': 2000}, 'system_cpu_usage': 20000,
                           'online_cpus': 2},
             'precpu_stats': {'cpu_usage': {'total_usage': 1000}, 'system_cpu_usage': 10000}}
    # 1000 / 10000 * 2 CPUs = 0.2 CPUs used
    percent, details = dp.cpu_percent(stats, {'HostConfig': {'NanoCpus': 200000000}})
    assert percent == 100.0 and details == {'cpus_used': 0.2, 'cpus_allowed': 0.2}
    assert dp.cpu_percent(stats, {'HostConfig': {}})[0] == 10.0
    assert dp.cpu_percent(stats, {'HostConfig': {'CpuQuota': 50000, 'CpuPeriod': 100000}})[0] == 40.0
    assert dp.cpu_percent({'cpu_stats': {}, 'precpu_stats': {}}, {}) == (None, None)


def test_memory_percent_leaves_out_page_cache():
    v1 = {'memory_stats': {'usage': 600, 'limit': 1000, 'stats': {'total_inactive_file': 100}}}
    assert dp.memory_percent(v1)[0] == 50.0
    v2 = {'memory_stats': {'usage': 600, 'limit': 1000, 'stats': {'inactive_file': 200}}}
    assert dp.memory_percent(v2)[0] == 40.0
    assert dp.memory_percent({'memory_stats': {}}) == (None, None)


def test_expected_records():
    found = [container('web'), container('api1', labels={'app': 'api'}),
             container('api2', status='exited', code=1, labels={'app': 'api'})]
    records = dp.expected_records(found, [{'name': 'web'}, {'label': 'app=api'}, {'name': 'db'},
                                          {'label': 'app', 'min_count': 1}])
    status = dict((r['name'], r['status']) for r in records)
    assert status == {'containers:web': 'pass', 'containers:label=app=api': 'fail',
                      'containers:db': 'fail', 'containers:label=app': 'fail'}
    assert 'api2 (exited)' in records[1]['message']


def test_per_container_records():
    assert dp.health_record(container('a', health='healthy'))['status'] == 'pass'
    assert dp.health_record(container('a', health='starting'))['status'] == 'warn'
    assert dp.health_record(container('a', health='unhealthy'))['status'] == 'fail'
    assert dp.health_record(container('a')) is None
    assert dp.exit_code_record(container('a', status='exited', code=137))['status'] == 'fail'
    assert dp.exit_code_record(container('a', status='exited', code=0))['status'] == 'pass'
    assert dp.exit_code_record(container('a')) is None
    opts = {'warn': 1, 'fail': 5}
    assert dp.restarts_record(container('a', restarts=0), opts)['status'] == 'pass'
    assert dp.restarts_record(container('a', restarts=2), opts)['status'] == 'warn'
    # The guide's boundary rule: reaching the fail limit warns, going beyond it fails.
    assert dp.restarts_record(container('a', restarts=5), opts)['status'] == 'warn'
    assert dp.restarts_record(container('a', restarts=6), opts)['status'] == 'fail'
    assert dp.running_record(container('a', status='restarting'))['status'] == 'fail'


def test_scope_and_ignore():
    found = [container('web'), container('buildkit_1'), container('other')]

    def names(containers):
        return [dp.container_name(c) for c in containers]

    assert names(dp.in_scope(found, [], 'all', ['buildkit_*'])) == ['other', 'web']
    assert names(dp.in_scope(found, [{'name': 'web'}], 'expected', [])) == ['web']


def test_container_errors():
    assert dp.container_errors([{'name': 'a'}, {'label': 'x'}]) == []
    errors = all_errors(dp.CATALOGUE, dp.input_errors,
                        containers=[{'name': 'a', 'label': 'b'}, {}, {'label': 'x', 'min_count': 0}])
    assert [e.split(':')[0].split('.')[0] for e in errors] == ['containers[2]', 'containers[0]',
                                                               'containers[1]']
    assert 'containers[2].min_count: 0 must be at least 1' in errors


@pytest.mark.parametrize('given, message', [
    (dict(cpu={'warn': -5}), 'cpu.warn: -5 is out of range 0 to 100'),
    (dict(memory={'fail': 200}), 'memory.fail: 200 is out of range 0 to 100'),
    (dict(restarts={'warn': -1}), 'restarts.warn: -1 must be at least 0'),
    (dict(restarts={'fail': float('inf')}), 'restarts.fail: inf is not a finite number'),
    (dict(timeout=0), 'timeout: 0 is out of range (0, 300]'),
    (dict(stats_workers=33), 'stats_workers: 33 is out of range 1 to 32'),
    (dict(stats_budget=0.5), 'stats_budget: 0.5 is out of range 1 to 300'),
])
def test_limits_and_numbers_out_of_their_domain_are_bad_input(given, message):
    assert all_errors(dp.CATALOGUE, dp.input_errors, **given) == [message]


@pytest.mark.parametrize('url', ['unix:///var/run/docker.sock', 'tcp://10.0.0.5:2376', 'tcp://docker',
                                 'http://127.0.0.1:2375', 'https://engine.example:2376', 'ssh://deploy@host'])
def test_an_engine_url_is_accepted(url):
    assert all_errors(dp.CATALOGUE, dp.input_errors, docker_host=url) == []


@pytest.mark.parametrize('url', ['/var/run/docker.sock', 'localhost:2375', 'ftp://host', 'unix://',
                                 'tcp://:2375', 'tcp://host:99999', 'docker.sock'])
def test_a_docker_host_that_is_not_an_engine_url_is_bad_input_naming_it(url):
    errors = all_errors(dp.CATALOGUE, dp.input_errors, docker_host=url)
    assert len(errors) == 1 and errors[0].startswith('docker_host: '), errors


def test_the_instance_is_the_engine_address(monkeypatch):
    monkeypatch.delenv('DOCKER_HOST', raising=False)
    assert dp.CATALOGUE.instance_name(module_params(dp.CATALOGUE)) == dp.DEFAULT_HOST
    monkeypatch.setenv('DOCKER_HOST', 'tcp://10.0.0.5:2376')
    assert dp.CATALOGUE.instance_name(module_params(dp.CATALOGUE)) == 'tcp://10.0.0.5:2376'
    params = module_params(dp.CATALOGUE, docker_host='unix:///run/user/1000/docker.sock')
    assert dp.CATALOGUE.instance_name(params) == 'unix:///run/user/1000/docker.sock'
    assert dp.CATALOGUE.instance_name(dict(params, instance='build-engine')) == 'build-engine'


def test_renamed_records_keep_their_former_names():
    records = [{'name': n} for n in ('docker_host', 'min_version', 'containers', 'containers:web',
                                     'all_running:web', 'health:web', 'restarts', 'exit_codes',
                                     'exit_codes:job', 'cpu:web', 'memory')]
    formerly = [r['formerly'] for r in dp.CATALOGUE.annotate({'checks': records})['checks']]
    assert formerly == ['docker_engine', 'docker_version', 'docker_containers', 'docker_container:web',
                        'docker_running:web', 'docker_health:web', 'docker_restarts', 'docker_exit_codes',
                        'docker_exit_code:job', 'docker_cpu:web', 'docker_memory']


class StatsAPI:
    """The engine's stats endpoint: one-shot samples, counted; figures or the empty answer."""

    def __init__(self, figures=True, old_sdk=False):
        self.figures, self.old_sdk, self.asked = figures, old_sdk, []

    def sample(self, cid):
        self.asked.append(cid)
        if not self.figures:
            return {'read': '0001-01-01T00:00:00Z', 'memory_stats': {}, 'cpu_stats': {'cpu_usage': {'total_usage': 0}}}
        round_ = self.asked.count(cid)
        return {'memory_stats': {'usage': 300, 'limit': 1000, 'stats': {}},
                'cpu_stats': {'cpu_usage': {'total_usage': 1000 * round_}, 'system_cpu_usage': 10000 * round_,
                              'online_cpus': 2}}

    def stats(self, cid, stream=True, one_shot=None):
        if self.old_sdk and one_shot is not None:
            raise TypeError("stats() got an unexpected keyword argument 'one_shot'")
        assert stream is False and one_shot is True
        return self.sample(cid)

    # The request helpers an SDK before 6.0 is asked through.
    def _url(self, path, cid):
        return path.format(cid)

    def _get(self, url, params):
        assert params == {'stream': False, 'one-shot': True}
        return url.split('/')[2]

    def _result(self, cid, _json):
        return self.sample(cid)


def stats_client(api):
    return type('Client', (), {'api': api})()


ON = {'enabled': True, 'warn': 80, 'fail': 90}


@pytest.mark.parametrize('old_sdk', [False, True])
def test_cpu_is_the_use_between_two_one_shot_rounds_and_memory_the_first(old_sdk):
    api = StatsAPI(old_sdk=old_sdk)
    running = [container('a'), container('b'), container('c', status='exited')]
    records = dict((r['name'], r) for r in dp.stats_records(stats_client(api), running, ON, ON, 8, 30))
    assert sorted(records) == ['cpu:a', 'cpu:b', 'memory:a', 'memory:b']
    # (2000 - 1000) / (20000 - 10000) * 2 CPUs used of 2 allowed: 10 %.
    assert records['cpu:a']['value'] == 10.0 and records['cpu:a']['status'] == 'pass'
    assert records['memory:b']['value'] == 30.0
    assert sorted(api.asked) == ['aaaa', 'aaaa', 'bbbb', 'bbbb']


def test_memory_alone_takes_one_round():
    api = StatsAPI()
    records = dp.stats_records(stats_client(api), [container('a')], dict(ON, enabled=False), ON, 8, 30)
    assert [r['name'] for r in records] == ['memory:a'] and api.asked == ['aaaa']


def test_an_engine_without_figures_is_not_asked_after_the_first_three_answers():
    api = StatsAPI(figures=False)
    running = [container(name) for name in 'abcdefgh']
    records = dp.stats_records(stats_client(api), running, ON, ON, 1, 30)
    assert len(api.asked) == 3  # one worker: the fourth is never asked
    assert len(records) == 16 and all(r['status'] == 'unknown' for r in records)
    by_name = dict((r['name'], r) for r in records)
    assert 'the engine gave no stats for a (no cgroup figures' in by_name['cpu:a']['message']
    assert 'not asked: the engine gave no stats for the first containers asked (a, b, c)' in by_name['memory:h']['message']
