"""The collector the gate reads: what a forked worker sees of it (see active_run's docstring)."""

import multiprocessing
import os

from ansible.utils.multiprocessing import context as ansible_context

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.plugin_utils import active_run, fleet


def result(status):
    comp = r.Component('system')
    comp.add(r.check_result('disk_usage:/', status, message='m'))
    return comp.result()


def test_ansible_forks_its_workers():
    """What active_run relies on: WorkerProcess uses the fork start method."""
    from ansible.executor.process.worker import WorkerProcess
    assert ansible_context.get_start_method() == 'fork'
    assert issubclass(WorkerProcess, ansible_context.Process)


def _worker(queue):
    """What a gate running in a forked worker reads, then a change it makes."""
    collector = active_run.active_collector()
    report = collector.report() if collector else None
    queue.put(None if report is None else sorted(report['hosts']))
    collector.add_readiness('from-the-worker', result('pass'))


def test_a_forked_worker_sees_what_was_recorded_before_the_fork_only():
    """start() forks: what the parent records after it is not seen, nor the child's change."""
    collector = fleet.FleetCollector()
    active_run.set_active_collector(collector)
    try:
        collector.add_readiness('before', result('fail'))
        queue = ansible_context.Queue()
        worker = ansible_context.Process(target=_worker, args=(queue,))
        worker.start()
        collector.add_readiness('after', result('pass'))   # the parent goes on after the fork
        seen = queue.get(timeout=30)
        worker.join(30)
        assert worker.exitcode == 0
        assert seen == ['before']
        # Copy on write: the worker's own change never reaches the parent.
        assert sorted(collector.hosts) == ['after', 'before']
    finally:
        active_run.set_active_collector(None)


def test_spawned_workers_would_see_no_collector():
    """If Ansible ever spawned its workers, the gate would find no collector (and say so)."""
    queue = multiprocessing.get_context('spawn').Queue()
    active_run.set_active_collector(fleet.FleetCollector())
    try:
        worker = multiprocessing.get_context('spawn').Process(target=_spawned, args=(queue,))
        worker.start()
        assert queue.get(timeout=60) is None
        worker.join(60)
    finally:
        active_run.set_active_collector(None)


def _spawned(queue):
    queue.put(active_run.active_collector())


def test_report_preflight(tmp_path, monkeypatch):
    collector = fleet.FleetCollector()
    collector.add_readiness('web1', result('pass'))
    active_run.set_active_collector(collector, report=dict(directory=str(tmp_path / 'new' / 'dir'),
                                                           required=True))
    try:
        assert active_run.report_preflight() == [], 'a missing directory under a writable one is fine'
        blocked = tmp_path / 'file'
        blocked.write_text('')
        active_run.set_active_collector(collector, report=dict(directory=str(blocked / 'reports'),
                                                               required=True))
        assert active_run.report_preflight() == ['report: %s is not a directory' % blocked]
        if os.geteuid() != 0:  # root writes anywhere
            locked = tmp_path / 'locked'
            locked.mkdir(mode=0o500)
            active_run.set_active_collector(collector, report=dict(directory=str(locked), required=True))
            assert active_run.report_preflight() == ['report: %s is not writable' % locked]
        active_run.set_active_collector(collector, report=dict(directory=str(tmp_path), required=True))
        free = os.statvfs(str(tmp_path)).f_bavail * os.statvfs(str(tmp_path)).f_frsize
        monkeypatch.setattr(active_run, 'BYTES_FIXED', free)
        [problem] = active_run.report_preflight()
        assert problem.startswith('report: %s has ' % tmp_path) and 'KiB free, the report needs about' in problem
    finally:
        active_run.set_active_collector(None)
    assert active_run.report_preflight() == []
