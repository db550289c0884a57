# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The run in progress: the fleet_report callback's collector, as the gate action reads it.

How the gate sees the callback's results (checked against ansible-core 2.17-2.19 and
tested in tests/unit/plugins/plugin_utils/test_active_run.py and tests/e2e/test_gate.py):

- Callbacks run in the controller's main process (``TaskQueueManager.send_callback``).
  The ``fleet_report`` callback registers its collector here, in a module global.
- Action plugins do *not* run in that process: for every (host, task) the strategy starts a
  new ``WorkerProcess`` with the ``fork`` start method (``ansible.utils.multiprocessing``
  pins ``multiprocessing.get_context('fork')``), and the action plugin runs in that child.
- A forked child gets a copy-on-write snapshot of the parent's memory *at fork time*.  So the
  gate reads the collector as it was when its task was queued: every result the main
  process handed to the callback before that moment, and nothing after.  Changes the gate
  made to it would be lost with the worker; it only reads.
- The linear strategy queues a task only after every result of the previous task was
  processed (and the callback called), so the gate sees every earlier task.  The worker's
  ``start()`` holds the callback lock while it forks, so the snapshot is never taken in the
  middle of a callback call.  With the ``free`` strategy, or a gate in the same play as
  checks that are still running on other hosts, results can be missing: give the gate a play
  of its own (as playbooks/readiness.yml does).
- If ansible-core ever runs action plugins in threads or with another start method, the
  gate would see no collector (``spawn``) or a live one (threads); the tests above say so.

Nothing flows back from the gate to the callback through this module: the verdict goes
through ``ansible_stats`` (``set_stats`` data, ``stats.custom`` in ``v2_playbook_on_stats``).

Sections: a gate with ``section`` closes one; the callback, in the main process, writes that
section's report, keeps it here (:func:`record_section`) and registers a fresh collector, so
the next gate judges only what came after, and a later gate's ``baseline`` finds it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

_ACTIVE = {'collector': None, 'report': None, 'sections': {}}

# Bytes a report takes per check record, across every format (JSON ~250, HTML ~200,
# JUnit ~250, Markdown and Prometheus ~150, measured on benchmarks/fleet_data.py's fleet),
# and a fixed share for the HTML page's script and style.
BYTES_PER_CHECK = 1000
BYTES_FIXED = 128 * 1024


def active_collector():
    """The collector of the run in progress, or None when the callback is not enabled."""
    return _ACTIVE['collector']


def no_collector_message(plugin):
    """Why ``plugin`` (an action reading the run's results) cannot work: the callback is off."""
    return ('%s reads the results the golive.readiness.fleet_report callback collects: enable it '
            '(callbacks_enabled = golive.readiness.fleet_report in ansible.cfg or ANSIBLE_CALLBACKS_ENABLED)'
            % plugin)


def set_active_collector(collector, report=None):
    """Make ``collector`` the run's collector (called by the callback).

    ``report``: where the callback will write the report, ``{directory, required}``, for
    :func:`report_preflight`.
    """
    _ACTIVE['collector'] = collector
    _ACTIVE['report'] = dict(report) if report else None


def record_section(name, report):
    """Keep the report of the run's closed section ``name`` (a later gate's ``baseline``)."""
    _ACTIVE['sections'][name] = report


def section_report(name):
    """The report of the closed section ``name`` of this run, or None."""
    return _ACTIVE['sections'].get(name)


def report_settings():
    """``{directory, required, slice}`` of the run's report, or None."""
    return _ACTIVE['report']


def estimate_report_bytes(collector):
    """A generous estimate of the bytes the report set of ``collector`` will take."""
    checks = sum(len(record['checks']) + len(record['errors']) + 1
                 for record in collector.hosts.values())
    return BYTES_FIXED + BYTES_PER_CHECK * checks


def report_preflight():
    """Problems writing the run's report, as a list of one-line strings (empty: none found).

    Checks what can be known before the end of the run: the directory (or its nearest
    existing parent) is a directory the controller may write, and its filesystem has room
    for twice the estimated set (the new set is written beside the old one before it
    replaces it).  A later failure is still possible; the callback reports that one.
    """
    settings, collector = report_settings(), active_collector()
    if not settings or collector is None:
        return []
    directory = os.path.abspath(settings['directory'])
    existing = directory
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return ['report: %s is not a directory' % existing]
    if not os.access(existing, os.W_OK | os.X_OK):
        return ['report: %s is not writable' % existing]
    try:
        fs = os.statvfs(existing)
    except OSError as exc:
        return ['report: cannot inspect %s: %s' % (existing, exc.strerror or exc)]
    free = fs.f_bavail * fs.f_frsize
    needed = 2 * estimate_report_bytes(collector)
    if free < needed:
        return ['report: %s has %d KiB free, the report needs about %d KiB'
                % (existing, free // 1024, needed // 1024)]
    return []
