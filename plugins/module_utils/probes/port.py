# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Listening ports from the host's own socket table, for ``port_check``.

The table is read once with ``psutil.net_connections`` (on Linux: the
kernel's ``/proc/net/{tcp,tcp6,udp,udp6}`` of the host's network namespace),
then each expectation is judged against it.  Nothing is sent on the network.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Option,
    OptionCheck,
    Runner,
    import_library,
)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    Component,
    check_result,
    unknown,
)

PROTOCOLS = ('tcp', 'udp')
PORT_PATTERN = re.compile(r'^(?:(tcp|udp)/)?(\d+)(?:/(tcp|udp))?$')


def parse_port(value):
    """Parse ``80``, ``'80'``, ``'80/tcp'``, ``'udp/53'`` into ``(protocol, port)``, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().lower()
    else:
        return None
    match = PORT_PATTERN.match(text)
    if not match or (match.group(1) and match.group(3)):
        return None
    port = int(match.group(2))
    if not 1 <= port <= 65535:
        return None
    return (match.group(1) or match.group(3) or 'tcp', port)


def parse_options(params):
    """Return ``({option: [(protocol, port)]}, errors)``; each error names its option."""
    parsed = {}
    errors = []
    for option in OPTIONS:
        parsed[option] = []
        for index, value in enumerate(params.get(option) or ()):
            spec = parse_port(value)
            if spec is None:
                errors.append('%s[%d]: %r is not a port: give 1-65535, optionally as '
                              '"PORT/tcp" or "PORT/udp"' % (option, index, value))
            elif spec not in parsed[option]:
                parsed[option].append(spec)
    both = set(parsed['listening']) & set(parsed['not_listening'])
    for protocol, port in sorted(both):
        errors.append('not_listening: %s/%d is also in listening; a port cannot be both'
                      % (protocol, port))
    return parsed, errors


def is_loopback(address):
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; False for wildcards and the rest."""
    try:
        ip = ipaddress.ip_address(address.split('%', 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, 'ipv4_mapped', None)
    if mapped is not None:
        ip = mapped
    return ip.is_loopback


def socket_table(psutil):
    """Return ``{(protocol, port): [(address, pid)]}`` of every listening socket.

    TCP sockets in LISTEN state and UDP sockets without a remote address.
    """
    table = {}
    for protocol in PROTOCOLS:
        for conn in psutil.net_connections(kind=protocol):
            if not conn.laddr:
                continue
            if protocol == 'tcp' and conn.status != psutil.CONN_LISTEN:
                continue
            if protocol == 'udp' and conn.raddr:
                continue
            address, port = conn.laddr[0], conn.laddr[1]
            entry = table.setdefault((protocol, port), [])
            if (address, conn.pid) not in entry:
                entry.append((address, conn.pid))
    return table


def process_names(psutil, pids):
    """Map pid to process name for the pids that can be seen (others are left out)."""
    names = {}
    for pid in pids:
        if pid is None:
            continue
        try:
            names[pid] = psutil.Process(pid).name()
        except Exception:  # pylint: disable=broad-except  # gone, or not ours to see
            continue
    return names


def describe(sockets, names):
    """``"0.0.0.0, :: (nginx)"`` for a list of ``(address, pid)``."""
    addresses = sorted(set(address for address, _pid in sockets))
    procs = sorted(set(names[pid] for _address, pid in sockets if pid in names))
    text = ', '.join(addresses)
    if procs:
        text += ' (%s)' % ', '.join(procs)
    return text


def judge(option, spec, sockets, names):
    """The record of one expectation, given the sockets listening on its port."""
    protocol, port = spec
    label = '%s/%d' % (protocol, port)
    name = '%s:%s' % (option, label)
    details = dict(addresses=sorted(set(a for a, _p in sockets)),
                   processes=sorted(set(names[p] for _a, p in sockets if p in names)))
    count = len(sockets)
    if option == 'listening':
        if sockets:
            return check_result(name, PASS, value=count, unit='count',
                                message='%s listens on %s' % (label, describe(sockets, names)),
                                details=details)
        return check_result(name, FAIL, value=0, unit='count',
                            message='nothing listens on %s' % label,
                            remediation='Start the service that should listen on %s, or fix its '
                                        'configured port.' % label, details=details)
    if option == 'not_listening':
        if not sockets:
            return check_result(name, PASS, value=0, unit='count',
                                message='nothing listens on %s, as required' % label)
        return check_result(name, FAIL, value=count, unit='count',
                            message='%s listens on %s but must not listen'
                            % (label, describe(sockets, names)),
                            remediation='Stop and disable the service on %s, or move it.' % label,
                            details=details)
    exposed = [(a, p) for a, p in sockets if not is_loopback(a)]
    if not sockets:
        return check_result(name, PASS, value=0, unit='count',
                            message='nothing listens on %s, so nothing is exposed' % label)
    if not exposed:
        return check_result(name, PASS, value=0, unit='count',
                            message='%s listens only on loopback: %s' % (label, describe(sockets, names)),
                            details=details)
    return check_result(name, FAIL, value=len(exposed), unit='count',
                        message='%s listens on %s, beyond loopback; it must listen only on '
                                '127.0.0.1 / ::1' % (label, describe(exposed, names)),
                        remediation='Bind the service to 127.0.0.1 (e.g. bind / listen_addresses) '
                                    'or firewall it, then restart it.', details=details)


def measure(psutil, parsed):
    """Read the socket table once and judge every expectation; return the records."""
    wanted = [(option, spec) for option in OPTIONS for spec in parsed[option]]
    if not wanted:
        return []
    try:
        table = socket_table(psutil)
    except (psutil.AccessDenied, OSError) as exc:
        message = 'cannot read the socket table: %s' % (getattr(exc, 'msg', None) or exc)
        return [unknown('%s:%s/%d' % (option, spec[0], spec[1]), message,
                        unit='count',
                        remediation='Run the check as root (become: true) on this platform.')
                for option, spec in wanted]
    pids = set(pid for sockets in table.values() for _a, pid in sockets)
    names = process_names(psutil, pids)
    return [judge(option, spec, table.get(spec, []), names) for option, spec in wanted]


# Each option lists ports as 80, "80/tcp" or "udp/53"; its records are ``<option>:<proto>/<port>``.
PORTS = Option('list', [], elements='raw')
CATALOGUE = Catalogue('ports', checks=[
    OptionCheck('listening', PORTS, formerly='port_listening'),
    OptionCheck('not_listening', PORTS, formerly='port_not_listening'),
    OptionCheck('loopback_only', PORTS, formerly='port_loopback_only'),
])
OPTIONS = tuple(CATALOGUE.by_name)


def input_errors(params, _opts):
    """Ports that do not parse, and ports both required and forbidden."""
    return parse_options(params)[1]


def result(psutil, params, clock=time.monotonic):
    """Read the table once, judge every listed port and return the ``readiness`` result."""
    report = Component('ports')
    start = clock()
    records = measure(psutil, parse_options(params)[0])
    elapsed = (clock() - start) * 1000.0
    for record in records:
        record['duration_ms'] = round(elapsed / max(len(records), 1), 3)
        report.add(record)
    return report.result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs psutil on the host.
    """
    psutil, error = import_library('psutil')
    return Runner(CATALOGUE, lambda params, opts: result(psutil, params), input_errors,
                  [('psutil', psutil, error)])
