# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host resource measurements for ``system_check``.

Each ``check_*`` function takes its options (a dict with ``warn`` / ``fail``
and its own settings) and returns one or more check records.  psutil is
passed in, so the logic can be unit-tested with a real psutil and the module
can report a missing library the standard way.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import statistics
import tempfile
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Option,
    Runner,
    import_library,
)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    LOWER_IS_WORSE,
    Component,
    measured,
    skipped,
    unknown,
)

# Filesystems that hold no data of their own (kernel views, memory, images
# mounted read-only).  overlay stays in: it is a container's root.
PSEUDO_FSTYPES = frozenset((
    'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs',
    'devpts', 'devtmpfs', 'efivarfs', 'fusectl', 'hugetlbfs', 'mqueue', 'nsfs',
    'proc', 'pstore', 'ramfs', 'rpc_pipefs', 'securityfs', 'selinuxfs', 'squashfs',
    'sysfs', 'tmpfs', 'tracefs', 'iso9660', 'fuse.lxcfs', 'fuse.gvfsd-fuse',
    'fuse.portal', 'nfsd', 'shm',
))
# Union filesystems count only as a container's root: elsewhere they are the roots
# of containers this host runs, already counted on the filesystem beneath them.
UNION_FSTYPES = frozenset(('overlay', 'aufs', 'fuse-overlayfs', 'shiftfs'))


def check_cpu_count(psutil, opts):
    """Logical CPUs available to this host (a minimum: lower is worse)."""
    count = psutil.cpu_count(logical=True)
    if not count:
        return unknown('cpu_count', 'the CPU count could not be read', unit='count',
                       warn=opts['warn'], fail=opts['fail'])
    return measured('cpu_count', count, 'count', opts['warn'], opts['fail'], LOWER_IS_WORSE,
                    subject='CPU count', remediation='Give the host more CPUs.')


def check_load(psutil, opts):
    """5-minute load average divided by the logical CPU count."""
    load1, load5, load15 = psutil.getloadavg()
    cores = psutil.cpu_count(logical=True) or 1
    per_core = round(load5 / cores, 3)
    return measured('load', per_core, 'ratio', opts['warn'], opts['fail'],
                    subject='5-minute load per core',
                    remediation='Find what keeps the CPUs busy (top, pidstat) before the release.',
                    details={'load1': load1, 'load5': load5, 'load15': load15, 'cores': cores})


def _busy_and_total(times):
    """Busy and total CPU seconds of a ``psutil.cpu_times()`` reading, as psutil counts them."""
    total = sum(times)
    # Linux counts guest time inside user and nice as well.
    total -= getattr(times, 'guest', 0.0) + getattr(times, 'guest_nice', 0.0)
    return total - times.idle - getattr(times, 'iowait', 0.0), total


class CpuSample:
    """CPU utilisation of the host over a window that runs while the other probes work.

    Started first and read last, so its wait costs no time of its own; this process's
    CPU time in the window is taken out, so the figure is the host's load, not the
    load of measuring it.
    """

    def __init__(self, psutil, opts, clock=time.monotonic, process_clock=time.process_time):
        self.seconds = float(opts['sample_seconds'])
        self._psutil, self._opts = psutil, opts
        self._clock, self._process_clock = clock, process_clock
        self._error = None
        self._started = clock()
        self._own = process_clock()
        try:
            self._times = psutil.cpu_times()
        except Exception as exc:  # pylint: disable=broad-except
            # Kept for result(), so the failure lands in this check's record.
            self._error = exc

    def result(self):
        """Wait for the rest of the window, then judge the utilisation over it."""
        if self._error is not None:
            raise self._error
        remaining = self.seconds - (self._clock() - self._started)
        if remaining > 0:
            time.sleep(remaining)
        own = self._process_clock() - self._own
        busy_before, total_before = _busy_and_total(self._times)
        busy_after, total_after = _busy_and_total(self._psutil.cpu_times())
        total = total_after - total_before
        if total <= 0:
            return unknown('cpu', 'the CPU time counters did not advance over the sample',
                           unit='percent', warn=self._opts['warn'], fail=self._opts['fail'])
        busy = max(0.0, busy_after - busy_before - own)
        percent = min(100.0, 100.0 * busy / total)
        window = self._clock() - self._started
        return measured('cpu', round(percent, 1), 'percent', self._opts['warn'],
                        self._opts['fail'], subject='CPU use averaged over the last %.1f s' % window,
                        remediation='Find the busy processes (top) or add capacity. This is one '
                                    'window; the Prometheus indicators cpu_average / cpu_peak judge '
                                    'hours and days where monitoring is installed.',
                        details={'window_s': round(window, 3), 'own_cpu_ms': round(own * 1000.0, 1)})


def check_memory(psutil, opts):
    """Available memory as a percentage of the total (lower is worse)."""
    mem = psutil.virtual_memory()
    percent = round(100.0 * mem.available / mem.total, 1) if mem.total else None
    if percent is None:
        return unknown('memory', 'total memory reads as 0', unit='percent')
    return measured('memory', percent, 'percent', opts['warn'], opts['fail'],
                    LOWER_IS_WORSE, subject='available memory',
                    remediation='Free memory or add RAM before the release.',
                    details={'available_mib': mem.available // 1048576,
                             'total_mib': mem.total // 1048576})


def check_swap(psutil, opts):
    """Swap in use as a percentage of the swap space; no swap is a skip."""
    swap = psutil.swap_memory()
    if not swap.total:
        return skipped('swap', 'no swap space is configured')
    return measured('swap', round(swap.percent, 1), 'percent', opts['warn'], opts['fail'],
                    subject='swap use',
                    remediation='The host is short of memory: find what swaps out.',
                    details={'used_mib': swap.used // 1048576, 'total_mib': swap.total // 1048576})


def filesystems(psutil, paths=None, exclude_fstypes=None):
    """Return ``[(mountpoint, fstype)]`` to check.

    With ``paths`` each path is checked as given (its filesystem is whatever
    holds it).  Otherwise every mounted filesystem that holds data, once per
    device, skipping file bind mounts (a container's ``/etc/hosts``).
    """
    if paths:
        return [(path, None) for path in paths]
    excluded = PSEUDO_FSTYPES | frozenset(exclude_fstypes or ())
    seen_devices = set()
    found = []
    for part in psutil.disk_partitions(all=True):
        if part.fstype in excluded or not os.path.isdir(part.mountpoint):
            continue
        if part.fstype in UNION_FSTYPES and part.mountpoint != '/':
            continue
        key = part.device if part.device not in ('none', '', 'overlay') else part.mountpoint
        if key in seen_devices:
            continue
        seen_devices.add(key)
        found.append((part.mountpoint, part.fstype))
    return sorted(found)


def per_mount(check, opts, mounts, judge):
    """One record per filesystem: ``judge(name, mountpoint, fstype)`` measures it (None leaves
    it out); a filesystem that cannot be read is ``unknown`` for that mount only."""
    records = []
    for mountpoint, fstype in mounts:
        name = '%s:%s' % (check, mountpoint)
        try:
            record = judge(name, mountpoint, fstype)
        except OSError as exc:
            record = unknown(name, 'cannot read %s: %s' % (mountpoint, exc.strerror or exc),
                             unit='percent', warn=opts['warn'], fail=opts['fail'])
        if record is not None:
            records.append(record)
    return records


def check_disk(psutil, opts, mounts):
    """Disk space use per filesystem."""
    def judge(name, mountpoint, fstype):
        usage = psutil.disk_usage(mountpoint)
        if not usage.total:
            return None
        return measured(
            name, round(usage.percent, 1), 'percent', opts['warn'], opts['fail'],
            subject='%s use' % mountpoint,
            remediation='Free space or grow the filesystem before the release.',
            details={'free_mib': usage.free // 1048576, 'total_mib': usage.total // 1048576,
                     'fstype': fstype})
    return per_mount('disk', opts, mounts, judge)


def check_inodes(opts, mounts):
    """Inode use per filesystem; filesystems without fixed inodes are left out."""
    def judge(name, mountpoint, _fstype):
        st = os.statvfs(mountpoint)
        if not st.f_files:
            return None  # btrfs, zfs: inodes are allocated on demand
        used = st.f_files - st.f_ffree
        return measured(
            name, round(100.0 * used / st.f_files, 1), 'percent', opts['warn'], opts['fail'],
            subject='%s inode use' % mountpoint,
            remediation='Delete small files (caches, sessions, mail queues) or rebuild with more inodes.',
            details={'inodes_used': used, 'inodes_total': st.f_files})
    return per_mount('inodes', opts, mounts, judge)


def fsync_probe(directory, samples, budget_ms, clock=time.monotonic):
    """Write and fsync 4 KiB ``samples`` times in ``directory``, within ``budget_ms``.

    Returns the list of latencies in ms (at least one).  The probe file is
    removed whatever happens.
    """
    payload = os.urandom(4096)
    latencies = []
    deadline = clock() + budget_ms / 1000.0
    fd, path = tempfile.mkstemp(prefix='.golive-io-probe-', dir=directory)
    try:
        for _sample in range(max(1, samples)):
            start = clock()
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, payload)
            os.fsync(fd)
            latencies.append((clock() - start) * 1000.0)
            if clock() >= deadline:
                break
    finally:
        os.close(fd)
        os.unlink(path)
    return latencies


def check_io_latency(opts):
    """Median fsync latency of a small write in the probe directory."""
    directory = opts['path'] or tempfile.gettempdir()
    name = 'io_latency:%s' % directory
    try:
        latencies = fsync_probe(directory, int(opts['samples']), float(opts['budget_ms']))
    except OSError as exc:
        return unknown(name, 'cannot write a probe file in %s: %s' % (directory, exc.strerror or exc),
                       unit='ms', warn=opts['warn'], fail=opts['fail'],
                       remediation='Give the check a writable io_latency.path.')
    median = round(statistics.median(latencies), 3)
    return measured(name, median, 'ms', opts['warn'], opts['fail'],
                    subject='median fsync latency in %s' % directory,
                    remediation='The storage is slow: check the device (iostat -x) and its neighbours.',
                    details={'samples': len(latencies), 'max_ms': round(max(latencies), 3)})


def read_file_nr(path='/proc/sys/fs/file-nr'):
    """Return ``(allocated, maximum)`` file handles from the kernel, or None off Linux."""
    try:
        with open(path) as handle:
            fields = handle.read().split()
        allocated, maximum = fields[0], fields[2]
    except (IOError, OSError, ValueError):
        return None
    return int(allocated), int(maximum)


def check_open_files(opts, file_nr=None):
    """System-wide open file handles as a percentage of ``fs.file-max``."""
    counts = file_nr if file_nr is not None else read_file_nr()
    if counts is None:
        return unknown('open_files', 'no /proc/sys/fs/file-nr on this host', unit='percent',
                       warn=opts['warn'], fail=opts['fail'])
    allocated, maximum = counts
    if maximum <= 0:
        return unknown('open_files', 'fs.file-max reads as %d' % maximum, unit='percent')
    percent = round(100.0 * allocated / maximum, 3)
    return measured('open_files', percent, 'percent', opts['warn'], opts['fail'],
                    subject='open file handles (%d of %d)' % (allocated, maximum),
                    remediation='Find the process leaking descriptors (lsof) or raise fs.file-max.',
                    details={'allocated': allocated, 'maximum': maximum})


class Host:
    """What the system checks share on one host: psutil, the filesystems, the CPU window."""

    def __init__(self, psutil, opts):
        self.psutil = psutil
        self._opts = opts
        self._mounts = None
        # Started before every other probe and read last, so its window costs no time of its own.
        self.cpu_sample = CpuSample(psutil, opts['cpu']) if opts['cpu']['enabled'] else None

    def mounts(self):
        """The filesystems the disk and inode checks look at, listed once."""
        if self._mounts is None:
            disk = self._opts['disk']
            self._mounts = filesystems(self.psutil, disk['paths'], disk['exclude_fstypes'])
        return self._mounts


# The readiness guide: resources warn at 80 %, fail at 90 %; I/O latency under 10 ms.
# The CPU window is 1 s: a 0.2 s sample of a host running a build read 92-99 % and 0-7 %
# minutes apart; one second of a steady load gives the same verdict run after run
# (benchmarks/cpu_window_bench.py).
CATALOGUE = Catalogue('system', checks=[
    Check('cpu_count', lambda h, o: check_cpu_count(h.psutil, o), unit='count',
          direction=LOWER_IS_WORSE, warn=1),
    Check('load', lambda h, o: check_load(h.psutil, o), unit='ratio', warn=1.0, fail=2.0,
          formerly='load_per_core'),
    Check('memory', lambda h, o: check_memory(h.psutil, o), unit='percent',
          direction=LOWER_IS_WORSE, warn=20, fail=10, formerly='memory_available'),
    Check('swap', lambda h, o: check_swap(h.psutil, o), unit='percent', warn=80, fail=90,
          formerly='swap_used'),
    Check('disk', lambda h, o: check_disk(h.psutil, o, h.mounts()), unit='percent', warn=80,
          fail=90, formerly='disk_usage', options=dict(
              paths=Option('list', elements='path'),
              exclude_fstypes=Option('list', elements='str'))),
    Check('inodes', lambda h, o: check_inodes(o, h.mounts()), unit='percent', warn=80, fail=90,
          formerly='inode_usage'),
    Check('open_files', lambda h, o: check_open_files(o), unit='percent', warn=80, fail=90),
    Check('io_latency', lambda h, o: check_io_latency(o), unit='ms', warn=10, fail=50, options=dict(
        path=Option('path'),
        samples=Option('int', 5, low=1, high=100),
        budget_ms=Option('float', 200, low=0, high=200, low_open=True))),
    Check('cpu', lambda h, o: h.cpu_sample.result(), unit='percent', warn=80, fail=90,
          formerly='cpu_utilisation',
          options=dict(sample_seconds=Option('float', 1.0, low=0.05, high=10))),
])


def input_errors(params, opts):
    """Paths that must exist; the catalogue checks every number."""
    errors = []
    io = opts['io_latency']
    if io['enabled'] and io['path'] and not os.path.isdir(io['path']):
        errors.append('io_latency.path: %s does not exist or is not a directory' % io['path'])
    if opts['disk']['enabled'] or opts['inodes']['enabled']:
        for path in opts['disk']['paths'] or ():
            if not os.path.exists(path):
                errors.append('disk.paths: %s does not exist' % path)
    return errors


def measure(psutil, opts):
    """Run every switched-on check and return the ``readiness`` result."""
    return CATALOGUE.run(Component('system'), Host(psutil, opts), opts).result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs psutil on the host.
    """
    psutil, error = import_library('psutil')
    return Runner(CATALOGUE, lambda params, opts: measure(psutil, opts), input_errors,
                  [('psutil', psutil, error)])
