# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress of a long task: which hosts still run it, at most one line per interval.

The fleet_report callback feeds it the task starts and each host's start and end; a daemon
thread wakes once per interval and, while the current task has run at least that long, prints
one line naming (at most ``max_hosts`` of) the hosts that have not answered yet.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time


class Heartbeat:
    """Tracks the running task's hosts and emits a bounded progress line per interval."""

    def __init__(self, interval, emit, max_hosts=10, clock=time.monotonic):
        self.interval = float(interval or 0)
        self.emit = emit
        self.max_hosts = max(1, int(max_hosts))
        self.clock = clock
        self.task = None
        self.started = None
        self.running = {}  # host -> when it started, in start order
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    @property
    def enabled(self):
        return self.interval > 0

    def task_started(self, name):
        if not self.enabled:
            return
        with self._lock:
            self.task, self.started = name, self.clock()
            self.running = {}
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name='golive-heartbeat', daemon=True)
            self._thread.start()

    def host_started(self, host):
        if self.enabled:
            with self._lock:
                self.running[host] = self.clock()

    def host_done(self, host):
        if self.enabled:
            with self._lock:
                self.running.pop(host, None)

    def stop(self):
        """No more lines (the end of the run)."""
        self._stop.set()
        with self._lock:
            self.task, self.running = None, {}

    def line(self, now):
        """The progress line at ``now``, or None when no task has run an interval yet."""
        with self._lock:
            if self.task is None or not self.running or now - self.started < self.interval:
                return None
            hosts = list(self.running)
            elapsed = now - self.started
        shown = ', '.join(hosts[:self.max_hosts])
        more = len(hosts) - self.max_hosts
        return ('heartbeat: TASK [%s] running for %d s, still on %d host%s: %s%s'
                % (self.task, elapsed, len(hosts), '' if len(hosts) == 1 else 's', shown,
                   ' (+%d more)' % more if more > 0 else ''))

    def _run(self):
        # One wait per interval, so never more than one line per interval.
        while not self._stop.wait(self.interval):
            text = self.line(self.clock())
            if text:
                try:
                    self.emit(text)
                except Exception:  # pylint: disable=broad-except
                    return  # the display is gone (the run is ending): stop quietly
