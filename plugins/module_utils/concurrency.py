# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run independent probes concurrently within a total time budget.

``concurrent.futures`` joins its worker threads when the interpreter exits, so
one hung probe would hold the module past its budget.  These workers are
daemon threads: when the budget is spent the module reports what finished and
exits; a probe still blocked in a socket dies with the process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

try:
    import queue
except ImportError:  # pragma: no cover - Python 2 is not supported
    import Queue as queue  # noqa


class TimedOut(Exception):
    """Stored as the outcome of a task that did not finish within the budget."""


class StoppedEarly(Exception):
    """Stored as the outcome of a task not waited for: ``stop`` said the answers so far suffice."""


def run_bounded(tasks, workers, budget_s, stop=None):
    """Run every ``(key, callable)`` of ``tasks`` on at most ``workers`` threads.

    Returns ``{key: (ok, value)}`` for every key: ``(True, result)``,
    ``(False, exception)`` when the callable raised, or ``(False, TimedOut())``
    when it had not finished (or not started) after ``budget_s`` seconds.
    ``stop(outcomes so far)`` returning true ends the wait at once: the tasks not
    finished then are ``(False, StoppedEarly())`` and those not started never start.
    """
    tasks = list(tasks)
    results = {}
    if not tasks:
        return results
    pending = queue.Queue()
    for task in tasks:
        pending.put(task)
    lock = threading.Lock()
    all_done = threading.Event()
    stopped = threading.Event()
    total = len(tasks)

    def worker():
        while not stopped.is_set():
            try:
                key, func = pending.get_nowait()
            except queue.Empty:
                return
            try:
                outcome = (True, func())
            except Exception as exc:  # pylint: disable=broad-except
                outcome = (False, exc)
            with lock:
                results[key] = outcome
                if len(results) == total:
                    all_done.set()
                elif stop is not None and stop(results):
                    stopped.set()
                    all_done.set()

    for index in range(max(1, min(int(workers), total))):
        thread = threading.Thread(target=worker, name='golive-probe-%d' % index)
        thread.daemon = True
        thread.start()
    all_done.wait(max(0.0, budget_s))
    stopped.set()  # tasks not started yet never start
    with lock:
        # Take a snapshot: a late finisher must not change the report after the fact.
        final = dict(results)
        early = stop is not None and len(final) < total and stop(final)
    for key, _func in tasks:
        if key not in final:
            final[key] = (False, StoppedEarly() if early
                          else TimedOut('not finished within the budget of %gs' % budget_s))
    return final
