# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host's own command-line tools, found and run read-only with a time limit.

Checks read what only a tool can tell (nft, sshd -T, apt, timedatectl); a tool that
is missing, hangs or fails is a fact for the check to report, never an exception.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import subprocess

# Administrative tools live in sbin, often outside an unprivileged PATH.
TOOL_DIRS = ('/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/bin', '/bin')


def find_tool(name, extra_dirs=TOOL_DIRS):
    """Full path of a tool on PATH or in the usual directories, else None."""
    for directory in os.environ.get('PATH', '').split(os.pathsep) + list(extra_dirs):
        path = os.path.join(directory, name)
        if directory and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def run_tool(argv, timeout, env=None, group=False):
    """Run a read-only tool; return ``(rc, stdout, stderr)``, rc None when it cannot start.

    ``group`` runs it in a process group of its own, killed whole on timeout: a tool that
    starts helpers (Lighthouse starts Chromium) must not leave them running.
    """
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=group)
    except OSError as exc:
        return None, '', exc.strerror or str(exc)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if group:
            _kill_group(proc.pid)
        proc.kill()
        proc.communicate()
        return -1, '', 'timed out after %gs' % timeout
    if group:
        # Whatever the tool left behind (a browser it did not close) goes with it.
        _kill_group(proc.pid)
    return proc.returncode, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace')


def _kill_group(pgid):
    """Kill every process left in the group ``pgid``; nothing left is fine."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
