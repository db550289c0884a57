# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``security_check``'s ``log_forwarding``: the host's logs leave it, to a target that answers.

Two forwarders are read: rsyslog (``*.* @@host:port`` TCP, ``@host`` UDP, and
``action(type="omfwd" target=... port=... protocol=...)`` in ``/etc/rsyslog.conf`` and
``/etc/rsyslog.d/*.conf``) and systemd-journal-upload (``URL=`` in
``/etc/systemd/journal-upload.conf`` and its ``.d`` drop-ins).  A forwarder counts when its
process runs; each TCP target is tried with one connection (nothing is sent).  A UDP target
cannot be proven reachable: forwarding only over UDP warns.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re
import socket

from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    WARN,
    check_result,
    skipped,
    unknown,
)

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # noqa

RSYSLOG_CONF = ('/etc/rsyslog.conf', '/etc/rsyslog.d/*.conf')
JOURNAL_UPLOAD_CONF = ('/etc/systemd/journal-upload.conf', '/etc/systemd/journal-upload.conf.d/*.conf')
# At most this many targets are tried (a config can list many; each try is bounded).
MAX_TARGETS = 16

LEGACY = re.compile(r'(?:^|\s)(@@?)(?:\([^)]*\))?(\[[^\]]+\]|[^\s:;\[]+)(?::(\d+))?')
ACTION = re.compile(r'action\s*\(([^)]*)\)', re.S)
PARAM = re.compile(r'([A-Za-z.]+)\s*=\s*"([^"]*)"')


def config_files(patterns):
    """The existing files of ``patterns``, in the order the forwarder reads them."""
    files = []
    for pattern in patterns:
        files.extend(sorted(glob.glob(pattern)) if '*' in pattern else [pattern] if os.path.isfile(pattern) else [])
    return files


def _uncommented(text):
    return '\n'.join(line.split('#', 1)[0] for line in text.splitlines())


def rsyslog_targets(text):
    """``[(host, port, protocol)]`` forwarded to by an rsyslog configuration's text."""
    text = _uncommented(text)
    targets = []
    for line in text.splitlines():
        if 'action(' in line.replace(' ', ''):
            continue
        match = LEGACY.search(line.strip())
        if match and line.strip() and not line.strip().startswith(('$', 'module(', 'input(', 'global(')):
            host = match.group(2).strip('[]')
            targets.append((host, int(match.group(3) or 514), 'tcp' if match.group(1) == '@@' else 'udp'))
    for body in ACTION.findall(text):
        params = dict((key.lower(), value) for key, value in PARAM.findall(body))
        if params.get('type') == 'omfwd' and params.get('target'):
            targets.append((params['target'], int(params.get('port') or 514),
                            (params.get('protocol') or 'udp').lower()))
    return targets


def journal_upload_targets(text):
    """``[(host, port, 'tcp')]`` of the ``URL=`` in journal-upload's ``[Upload]`` section."""
    targets, section = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('['):
            section = line.strip('[]')
        elif section == 'Upload' and line.startswith('URL='):
            url = line.split('=', 1)[1].strip()
            parts = urlsplit(url if '://' in url else 'http://' + url)
            if parts.hostname:
                default = 443 if parts.scheme == 'https' else 19532
                targets = [(parts.hostname, parts.port or default, 'tcp')]  # the last URL= wins
    return targets


def tcp_reachable(host, port, timeout):
    """``(reachable, why)`` of one TCP connection to ``host:port`` (closed at once, nothing sent)."""
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True, 'connected'
    except socket.timeout:
        return False, 'no connection within %gs' % timeout
    except (OSError, socket.error) as exc:
        return False, getattr(exc, 'strerror', None) or str(exc)


def read_forwarders(rsyslog=RSYSLOG_CONF, upload=JOURNAL_UPLOAD_CONF):
    """``{forwarder: (files, targets)}`` of rsyslog and journal-upload as configured here."""
    out = {}
    for forwarder, patterns, parse in (('rsyslogd', rsyslog, rsyslog_targets),
                                       ('systemd-journal-upload', upload, journal_upload_targets)):
        files = config_files(patterns)
        targets = []
        for path in files:
            with open(path) as stream:
                found = parse(stream.read())
            if forwarder == 'rsyslogd':
                targets.extend(found)  # every forwarding rule sends
            elif found:
                targets = found  # a later drop-in's URL= replaces the earlier one
        out[forwarder] = (files, targets)
    return out


def check_log_forwarding(opts, forwarders=read_forwarders, running=None, reach=tcp_reachable):
    """``log_forwarding``: with ``required``, a running forwarder sends to targets that answer."""
    name = 'log_forwarding'
    try:
        found = forwarders()
    except (IOError, OSError) as exc:
        return unknown(name, 'cannot read the log forwarding configuration: %s' % (exc.strerror or exc),
                       remediation='Run the check as root (become: true).')
    configured = dict((fw, targets) for fw, (_files, targets) in found.items() if targets)
    summary = '; '.join('%s -> %s' % (fw, ', '.join('%s:%d/%s' % t for t in targets))
                        for fw, targets in sorted(configured.items())) or 'no forwarding configured'
    if not opts['required']:
        return skipped(name, '%s; not judged: log_forwarding.required is off' % summary)
    if not configured:
        return check_result(name, FAIL, value=0, unit='count', details=dict(files=dict((fw, f) for fw, (f, _t) in found.items())),
                            message='no log forwarding configured (rsyslog @@host / omfwd, or systemd-journal-upload '
                                    'URL=): the logs stay on the host',
                            remediation='Forward the logs to the central log host: rsyslog with '
                                        '"*.* @@loghost:514" (TCP) or systemd-journal-upload with URL=.')
    problems, details, tried, udp_only = [], dict(forwarders={}), 0, True
    for forwarder, targets in sorted(configured.items()):
        runs = running(forwarder) if running else False
        entry = details['forwarders'][forwarder] = dict(running=runs, targets=[])
        if not runs:
            problems.append('%s is configured to forward but is not running' % forwarder)
        for host, port, protocol in targets:
            target = dict(host=host, port=port, protocol=protocol)
            entry['targets'].append(target)
            if protocol != 'tcp':
                target['reachable'] = None
                continue
            udp_only = False
            if tried >= MAX_TARGETS:
                continue
            tried += 1
            target['reachable'], why = reach(host, port, opts['timeout'])
            if not target['reachable']:
                problems.append('%s:%d (TCP, %s) does not answer: %s' % (host, port, forwarder, why))
    if problems:
        return check_result(name, FAIL, value=len(problems), unit='count', details=details,
                            message='log forwarding: %s' % '; '.join(problems),
                            remediation='Start the forwarder and make the log host reachable from this host '
                                        '(firewall, address, the collector running).')
    if udp_only:
        return check_result(name, WARN, value=0, unit='count', details=details,
                            message='logs are forwarded over UDP only (%s): delivery cannot be proven' % summary,
                            remediation='Forward over TCP (rsyslog @@host or omfwd protocol="tcp"), ideally TLS.')
    return check_result(name, PASS, value=0, unit='count', details=details,
                        message='logs are forwarded and every TCP target answers (%s)' % summary)
