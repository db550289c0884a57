"""system_check's probes, with the real psutil on this machine."""

import collections
import os
import time

import psutil
import pytest

from ansible_collections.golive.readiness.plugins.module_utils.probes import system as p
from catalogue_params import all_errors, check_opts, module_params


def params(**overrides):
    """Module parameters as AnsibleModule would give them: every suboption present."""
    return module_params(p.CATALOGUE, **overrides)


def measure(params_):
    return p.measure(psutil, p.CATALOGUE.merged(params_))


def test_defaults_follow_the_guide():
    for name in ('cpu', 'swap', 'disk', 'inodes', 'open_files'):
        assert (check_opts(p.CATALOGUE, name)['warn'], check_opts(p.CATALOGUE, name)['fail']) == (80, 90)
    assert check_opts(p.CATALOGUE, 'io_latency')['warn'] == 10
    assert check_opts(p.CATALOGUE, 'io_latency')['budget_ms'] == 200


def test_measure_reports_every_check_with_a_status():
    result = measure(params())
    names = [c['name'] for c in result['checks']]
    for expected in ('cpu_count', 'load', 'memory', 'swap', 'open_files', 'cpu'):
        assert expected in names
    assert any(n.startswith('disk:') for n in names)
    assert any(n.startswith('io_latency:') for n in names)
    assert len(names) == len(set(names))
    for check in result['checks']:
        assert check['status'] in ('pass', 'warn', 'fail', 'unknown', 'skip')
        if check['status'] != 'skip':
            assert check['message']


def test_switched_off_checks_are_skipped():
    off = dict((name, {'enabled': False}) for name in p.CATALOGUE.by_name)
    result = measure(params(**off))
    assert {c['status'] for c in result['checks']} == {'skip'}
    assert result['status'] == 'skip'


def test_limits_below_the_measured_value_make_it_fail(tmp_path):
    result = measure(params(
        disk={'paths': [str(tmp_path)], 'warn': 0, 'fail': 0},
        memory={'warn': 100, 'fail': 99.999},
    ))
    by_name = dict((c['name'], c) for c in result['checks'])
    disk = by_name['disk:%s' % tmp_path]
    assert disk['status'] == 'fail' and disk['value'] > 0
    assert by_name['memory']['status'] in ('fail', 'warn')
    assert result['status'] == 'fail'


def test_io_probe_takes_the_samples_asked_and_cleans_up(tmp_path):
    # A clock that stands still never reaches the budget: exactly the samples asked for.
    latencies = p.fsync_probe(str(tmp_path), samples=7, budget_ms=20, clock=lambda: 0.0)
    assert len(latencies) == 7
    assert os.listdir(str(tmp_path)) == []
    real = p.fsync_probe(str(tmp_path), samples=3, budget_ms=200)
    assert real and all(ms > 0 for ms in real)
    assert os.listdir(str(tmp_path)) == []


def test_io_probe_stops_at_the_budget(tmp_path):
    ticks = iter(range(0, 10000, 50))  # every clock read advances 50 ms
    latencies = p.fsync_probe(str(tmp_path), samples=100, budget_ms=200,
                              clock=lambda: next(ticks) / 1000.0)
    assert len(latencies) < 5


def test_io_probe_in_unwritable_directory_is_unknown():
    rec = p.check_io_latency(dict(check_opts(p.CATALOGUE, 'io_latency'), path='/proc'))
    assert rec['status'] == 'unknown'
    assert 'cannot write a probe file in /proc' in rec['message']


def test_filesystems_skip_pseudo_filesystems_and_file_mounts():
    mounts = p.filesystems(psutil)
    assert mounts, 'at least the root filesystem holds data'
    for mountpoint, fstype in mounts:
        assert fstype not in p.PSEUDO_FSTYPES
        assert os.path.isdir(mountpoint)


def test_filesystems_dedupe_devices():
    Part = collections.namedtuple('Part', 'device mountpoint fstype opts')

    class FakeParts:
        @staticmethod
        def disk_partitions(all=True):  # noqa: A002 - psutil's own keyword
            return [Part('/dev/sda1', '/', 'ext4', ''), Part('/dev/sda1', '/tmp', 'ext4', ''),
                    Part('proc', '/proc', 'proc', ''), Part('tmpfs', '/run', 'tmpfs', ''),
                    Part('overlay', '/var/lib/docker/overlay2/ab/merged', 'overlay', '')]

    assert p.filesystems(FakeParts) == [('/', 'ext4')]


def test_container_root_overlay_is_checked():
    Part = collections.namedtuple('Part', 'device mountpoint fstype opts')

    class FakeParts:
        @staticmethod
        def disk_partitions(all=True):  # noqa: A002 - psutil's own keyword
            return [Part('overlay', '/', 'overlay', ''), Part('/dev/vda', '/etc/hosts', 'ext4', '')]

    assert p.filesystems(FakeParts) == [('/', 'overlay')]


def test_open_files_from_kernel_counts():
    assert p.check_open_files(dict(check_opts(p.CATALOGUE, 'open_files')), file_nr=(850, 1000))['status'] == 'warn'
    assert p.check_open_files(dict(check_opts(p.CATALOGUE, 'open_files')), file_nr=(950, 1000))['status'] == 'fail'
    assert p.check_open_files(dict(check_opts(p.CATALOGUE, 'open_files')), file_nr=(10, 1000))['status'] == 'pass'
    assert p.read_file_nr('/nonexistent') is None
    # On Linux the kernel's own counts are read: a measured value, never unknown.
    live = p.check_open_files(dict(check_opts(p.CATALOGUE, 'open_files')), file_nr=None)
    assert live['status'] in ('pass', 'warn', 'fail') and live['value'] > 0


def test_cpu_count_minimum():
    count = psutil.cpu_count()
    # A fail limit of N requires N CPUs: at the limit warns, only below it fails.
    at_limit = dict(check_opts(p.CATALOGUE, 'cpu_count'), warn=count, fail=count)
    assert p.check_cpu_count(psutil, at_limit)['status'] == 'warn'
    above = dict(check_opts(p.CATALOGUE, 'cpu_count'), warn=count + 1, fail=count + 1)
    assert p.check_cpu_count(psutil, above)['status'] == 'fail'


@pytest.mark.parametrize('option,bad,fragment', [
    ('disk', {'warn': 95, 'fail': 90}, 'disk: warn limit 95 is above the fail limit 90'),
    ('memory', {'warn': 5, 'fail': 10}, 'memory: warn limit 5 is below the fail limit 10'),
    ('io_latency', {'path': '/does/not/exist'}, 'io_latency.path: /does/not/exist does not exist'),
    ('io_latency', {'samples': 0}, 'io_latency.samples: 0 is out of range'),
    ('io_latency', {'budget_ms': 500}, 'io_latency.budget_ms: 500 is out of range'),
    ('cpu', {'sample_seconds': 20}, 'cpu.sample_seconds: 20 is out of range'),
    ('disk', {'warn': -5}, 'disk.warn: -5 is out of range 0 to 100'),
    ('disk', {'fail': 200}, 'disk.fail: 200 is out of range 0 to 100'),
    ('disk', {'fail': float('inf')}, 'disk.fail: inf is not a finite number'),
    ('io_latency', {'warn': -1}, 'io_latency.warn: -1 must be above 0'),
    ('load', {'warn': -0.5}, 'load.warn: -0.5 must be at least 0'),
    ('disk', {'paths': ['/does/not/exist']}, 'disk.paths: /does/not/exist does not exist'),
])
def test_bad_input_names_the_option(option, bad, fragment):
    errors = all_errors(p.CATALOGUE, p.input_errors, **{option: bad})
    assert any(fragment in e for e in errors), errors


# A psutil.cpu_times() reading (seconds over all CPUs).
_Times = collections.namedtuple('scputimes', 'user system idle iowait', defaults=(0.0,))


class _FakePsutil:
    """cpu_times() readings in order: the host's counters are not this test's to control."""

    def __init__(self, *readings):
        self._readings = list(readings)

    def cpu_times(self):
        return self._readings.pop(0)


def test_cpu_sample_takes_out_its_own_cpu_time():
    # 2 s of CPU time over the window, 1.5 busy, of which 0.5 s is this process's own.
    fake = _FakePsutil(_Times(10.0, 5.0, 100.0), _Times(11.0, 5.5, 100.5))
    own = iter([1.0, 1.5])
    sample = p.CpuSample(fake, dict(check_opts(p.CATALOGUE, 'cpu'), sample_seconds=0.05),
                         process_clock=lambda: next(own))
    record = sample.result()
    assert record['value'] == 50.0 and record['status'] == 'pass'
    assert record['details']['own_cpu_ms'] == 500.0 and record['details']['window_s'] >= 0.05


def test_cpu_sample_counters_that_do_not_move_are_unknown():
    same = _Times(1.0, 1.0, 1.0)
    record = p.CpuSample(_FakePsutil(same, same), dict(check_opts(p.CATALOGUE, 'cpu'), sample_seconds=0.05)).result()
    assert record['status'] == 'unknown' and 'did not advance' in record['message']


def test_cpu_sample_error_lands_in_the_check_not_the_module():
    class Broken:
        def cpu_times(self):
            raise OSError('no /proc/stat')

    sample = p.CpuSample(Broken(), check_opts(p.CATALOGUE, 'cpu'))
    with pytest.raises(OSError):
        sample.result()


def test_cpu_sample_overlaps_other_work_and_measures_the_real_host():
    sample = p.CpuSample(psutil, dict(check_opts(p.CATALOGUE, 'cpu'), sample_seconds=0.2))
    started = time.monotonic()
    time.sleep(0.15)  # other probes at work
    record = sample.result()
    elapsed = time.monotonic() - started
    assert 0.0 <= record['value'] <= 100.0 and record['status'] in ('pass', 'warn', 'fail')
    # The window is the sample's length, not the sample plus the work before it.
    assert 0.19 <= elapsed < 0.35


@pytest.mark.parametrize('check', ['disk', 'inodes'])
def test_a_mount_that_cannot_be_read_is_unknown_and_the_others_still_measure(check, tmp_path):
    mounts = [('/does/not/exist', None), (str(tmp_path), None)]
    opts = check_opts(p.CATALOGUE, check)
    records = (p.check_disk(psutil, opts, mounts) if check == 'disk' else p.check_inodes(opts, mounts))
    gone, here = records
    assert gone['name'] == '%s:/does/not/exist' % check and gone['status'] == 'unknown'
    assert 'cannot read /does/not/exist' in gone['message']
    assert here['name'] == '%s:%s' % (check, tmp_path) and here['status'] in ('pass', 'warn', 'fail')
