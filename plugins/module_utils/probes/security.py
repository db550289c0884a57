# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only security posture measurements for ``security_check``.

Each area reads what the host already says about itself and judges it against
a baseline, with a remediation hint per finding, as Lynis gives:

- ``sshd:<keyword>``: the effective sshd configuration (``sshd -T``).
- ``exposed_services``: sockets listening on every interface (psutil), minus an allow-list.
- ``updates``: pending security updates (apt simulation / dnf updateinfo).
- ``auditd``: the audit daemon is running.
- ``world_writable:<path>`` / ``suid:<path>``: a bounded walk (files and time).
- ``password_aging:max_days`` / ``:min_days`` / ``:warn_age``: /etc/login.defs.
- ``time_sync``: the clock is synchronised (timedatectl, else the kernel's adjtimex state).
- ``sudoers``: grants of every command (``ALL``) beyond the admin principals (NOPASSWD fails).
- ``root_services``: services the roles run unprivileged that run as root.
- ``journald``: the journal is persistent and kept at least ``retention_days``.

A tool that is missing or cannot be read gives ``unknown`` for its check only.
Parsers are pure functions, unit-tested on their own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ctypes
import ctypes.util
import glob
import os
import re
import stat
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Option,
    Runner,
    import_library,
)
from ansible_collections.golive.readiness.plugins.module_utils.host_tools import find_tool, run_tool
from ansible_collections.golive.readiness.plugins.module_utils.probes.log_forwarding import check_log_forwarding
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    UNKNOWN,
    WARN,
    Component,
    check_result,
    evaluate,
    skipped,
    unknown,
)

WEAK_CIPHERS = ['3des-cbc', 'aes128-cbc', 'aes192-cbc', 'aes256-cbc', 'blowfish-cbc', 'cast128-cbc',
                'arcfour', 'arcfour128', 'arcfour256', 'rijndael-cbc@lysator.liu.se']
WEAK_MACS = ['hmac-md5', 'hmac-md5-96', 'hmac-md5-etm@openssh.com', 'hmac-md5-96-etm@openssh.com',
             'hmac-sha1', 'hmac-sha1-96', 'hmac-sha1-etm@openssh.com', 'hmac-sha1-96-etm@openssh.com',
             'hmac-ripemd160', 'hmac-ripemd160@openssh.com', 'hmac-ripemd160-etm@openssh.com',
             'umac-64@openssh.com', 'umac-64-etm@openssh.com']
WEAK_KEX = ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1',
            'diffie-hellman-group-exchange-sha1', 'gss-gex-sha1-', 'gss-group1-sha1-',
            'gss-group14-sha1-']
# SUID programs of a stock Debian / Ubuntu / RHEL host (by path; both /usr and merged paths).
SUID_ALLOWED = [
    '/usr/bin/passwd', '/usr/bin/chfn', '/usr/bin/chsh', '/usr/bin/gpasswd', '/usr/bin/newgrp',
    '/usr/bin/su', '/usr/bin/mount', '/usr/bin/umount', '/usr/bin/sudo', '/usr/bin/pkexec',
    '/usr/bin/fusermount', '/usr/bin/fusermount3', '/usr/bin/crontab', '/usr/bin/at',
    '/usr/bin/staprun', '/usr/sbin/pam_timestamp_check', '/usr/sbin/unix_chkpwd',
    '/usr/sbin/userhelper', '/usr/sbin/mount.nfs', '/usr/sbin/mount.cifs',
    '/usr/lib/openssh/ssh-keysign', '/usr/libexec/openssh/ssh-keysign',
    '/usr/lib/dbus-1.0/dbus-daemon-launch-helper', '/usr/libexec/dbus-1/dbus-daemon-launch-helper',
    '/usr/lib/policykit-1/polkit-agent-helper-1', '/usr/lib/polkit-1/polkit-agent-helper-1',
    '/usr/libexec/polkit-agent-helper-1', '/usr/lib/eject/dmcrypt-get-device',
    '/usr/lib/snapd/snap-confine', '/usr/lib/x86_64-linux-gnu/utempter/utempter',
]

# sshd's PermitRootLogin values (without-password is the old name of prohibit-password).
PERMIT_ROOT_LOGIN = ['no', 'prohibit-password', 'without-password', 'forced-commands-only', 'yes']
MAX_WALK_FILES = 5000000
MAX_WALK_BUDGET = 300.0
MAX_TOOL_TIMEOUT = 600.0


# ---------------------------------------------------------------- sshd


def parse_sshd_t(text):
    """Parse ``sshd -T`` output into ``{keyword: value}`` (keywords lower case).

    Keywords that repeat (e.g. ``hostkey``, ``listenaddress``) keep every value in a list.
    """
    config = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        parts = line.split(None, 1)
        key = parts[0].lower()
        value = parts[1].strip() if len(parts) > 1 else ''
        if key in config:
            previous = config[key]
            config[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            config[key] = value
    return config


def _weak_in(value, weak):
    """The algorithms of a comma list that are weak (an entry ending in ``-`` is a prefix)."""
    algos = [a.strip().lower() for a in (value or '').split(',') if a.strip()]
    weak = [w.lower() for w in weak]
    return [a for a in algos if a in weak or any(w.endswith('-') and a.startswith(w) for w in weak)]


def judge_sshd(config, opts):
    """The ``sshd:<keyword>`` records of a parsed ``sshd -T``."""
    records = []

    def rec(keyword, status, value, message, remediation):
        records.append(check_result('sshd:%s' % keyword, status, value=value, message=message,
                                    remediation=remediation))

    root = config.get('permitrootlogin', 'unknown')
    allowed = [v.replace('without-password', 'prohibit-password') for v in opts['permit_root_login']]
    normal = root.replace('without-password', 'prohibit-password')
    if normal in allowed:
        rec('PermitRootLogin', PASS, root, 'PermitRootLogin is %s' % root, None)
    else:
        rec('PermitRootLogin', FAIL if normal == 'yes' else WARN, root,
            'PermitRootLogin is %s; the baseline allows %s' % (root, ', '.join(allowed)),
            'Set "PermitRootLogin no" in /etc/ssh/sshd_config (log in as a user and use sudo), '
            'check with sshd -t and reload sshd.')
    want = 'yes' if opts['password_authentication'] else 'no'
    value = config.get('passwordauthentication', 'unknown')
    if value == want:
        rec('PasswordAuthentication', PASS, value, 'PasswordAuthentication is %s' % value, None)
    else:
        rec('PasswordAuthentication', FAIL, value,
            'PasswordAuthentication is %s; the baseline requires %s (keys only)' % (value, want),
            'Set "PasswordAuthentication no" (and KbdInteractiveAuthentication no) after '
            'installing keys for every user, then reload sshd.')
    value = config.get('permitemptypasswords', 'unknown')
    if value == 'no':
        rec('PermitEmptyPasswords', PASS, value, 'PermitEmptyPasswords is no', None)
    else:
        rec('PermitEmptyPasswords', FAIL, value, 'PermitEmptyPasswords is %s: accounts without a '
            'password can log in' % value, 'Set "PermitEmptyPasswords no" and reload sshd.')
    want = 'yes' if opts['x11_forwarding'] else 'no'
    value = config.get('x11forwarding', 'unknown')
    if value == want or want == 'yes':
        rec('X11Forwarding', PASS, value, 'X11Forwarding is %s' % value, None)
    else:
        rec('X11Forwarding', WARN, value, 'X11Forwarding is %s; servers need no X11' % value,
            'Set "X11Forwarding no" and reload sshd.')
    try:
        tries = int(config.get('maxauthtries'))
    except (TypeError, ValueError):
        tries = None
    if tries is None:
        rec('MaxAuthTries', UNKNOWN, None, 'MaxAuthTries is not in the sshd -T output', None)
    elif tries <= opts['max_auth_tries']:
        rec('MaxAuthTries', PASS, tries, 'MaxAuthTries is %d (at most %d)' % (tries, opts['max_auth_tries']), None)
    else:
        rec('MaxAuthTries', WARN, tries, 'MaxAuthTries is %d, above the baseline %d'
            % (tries, opts['max_auth_tries']),
            'Set "MaxAuthTries %d" to slow down password guessing, then reload sshd.' % opts['max_auth_tries'])
    for keyword, key, weak_key, what in (('Ciphers', 'ciphers', 'weak_ciphers', 'ciphers'),
                                         ('MACs', 'macs', 'weak_macs', 'MACs'),
                                         ('KexAlgorithms', 'kexalgorithms', 'weak_kex', 'key exchange algorithms')):
        if key not in config:
            rec(keyword, UNKNOWN, None, '%s is not in the sshd -T output' % keyword, None)
            continue
        weak = _weak_in(config[key], opts[weak_key])
        if weak:
            rec(keyword, FAIL, len(weak), 'sshd offers weak %s: %s' % (what, ', '.join(weak)),
                'Set "%s" in sshd_config to strong algorithms only (drop %s), check with sshd -t '
                'and reload sshd.' % (keyword, ', '.join(weak)))
        else:
            rec(keyword, PASS, 0, 'sshd offers no weak %s' % what, None)
    for record in records:
        record['unit'] = 'count' if record['name'].split(':')[1] in ('Ciphers', 'MACs', 'KexAlgorithms') else None
    return records


def check_sshd(opts):
    """Run ``sshd -T`` and judge it; ``skip`` when no sshd is installed."""
    sshd = find_tool('sshd')
    if not sshd:
        return [skipped('sshd', 'sshd is not installed: no SSH server to audit')]
    rc, out, err = run_tool([sshd, '-T'], opts['timeout'])
    if rc != 0:
        reason = (err or out).strip().splitlines()
        reason = reason[-1] if reason else 'exit code %s' % rc
        hint = 'Run the check as root (become: true).'
        if 'privilege separation directory' in reason:
            hint = 'Start the ssh service once (it creates /run/sshd) or run "mkdir -p /run/sshd".'
        elif 'hostkeys' in reason or 'host key' in reason:
            hint = 'Generate the host keys: ssh-keygen -A.'
        return [unknown('sshd', 'cannot read the effective sshd configuration (sshd -T): %s' % reason,
                        remediation=hint)]
    return judge_sshd(parse_sshd_t(out), opts)


# ---------------------------------------------------------------- exposed services


def is_wildcard(address):
    """True for 0.0.0.0, ::, and the IPv4-mapped wildcard."""
    return address in ('0.0.0.0', '::', '::ffff:0.0.0.0', '*', '')


def check_exposed(psutil, opts):
    """``exposed_services``: TCP/UDP sockets bound to every interface that are not allowed."""
    name = 'exposed_services'
    if psutil is None:
        return unknown(name, 'the Python library psutil is not installed: cannot read the socket table',
                       unit='count', remediation='Install psutil (python3-psutil) on the host.')
    try:
        conns = psutil.net_connections(kind='inet')
    except (psutil.AccessDenied, OSError) as exc:
        return unknown(name, 'cannot read the socket table: %s' % exc, unit='count',
                       remediation='Run the check as root (become: true).')
    found = {}
    for conn in conns:
        if not conn.laddr:
            continue
        proto = 'tcp' if conn.type == 1 else 'udp'
        if proto == 'tcp' and conn.status != psutil.CONN_LISTEN:
            continue
        if proto == 'udp' and conn.raddr:
            continue
        if not is_wildcard(conn.laddr[0]):
            continue
        key = (proto, conn.laddr[1])
        found.setdefault(key, set())
        if conn.pid:
            try:
                found[key].add(psutil.Process(conn.pid).name())
            except Exception:  # pylint: disable=broad-except  # gone or not ours to see
                pass
    allowed_ports = set(opts['allowed_ports'] or ())
    allowed_procs = set(opts['allowed_processes'] or ())
    exposed = []
    for (proto, port), procs in sorted(found.items()):
        if port in allowed_ports or (procs and procs <= allowed_procs):
            continue
        exposed.append('%s/%d%s' % (proto, port, ' (%s)' % ', '.join(sorted(procs)) if procs else ''))
    details = dict(exposed=exposed, all_interfaces=['%s/%d' % k for k in sorted(found)])
    if not exposed:
        return check_result(name, PASS, value=0, unit='count', details=details,
                            message='no service outside the allow-list listens on all interfaces '
                                    '(%d allowed)' % len(found))
    return check_result(name, WARN, value=len(exposed), unit='count', details=details,
                        message='%d service(s) listen on all interfaces and are not in the '
                                'allow-list: %s' % (len(exposed), ', '.join(exposed[:20])),
                        remediation='Bind each to the address it serves (127.0.0.1 for local use), '
                                    'stop it, or add its port to exposed_services.allowed_ports '
                                    'if it is meant to be public (and firewall the rest).')


# ---------------------------------------------------------------- security updates


def parse_apt_simulation(text):
    """Packages an ``apt-get -s upgrade`` would install from a security origin."""
    packages = []
    for line in text.splitlines():
        match = re.match(r'^Inst (\S+) .*\((\S+) (.+)\)', line)
        if match and re.search(r'security', match.group(3), re.I):
            packages.append(match.group(1))
    return packages


def parse_dnf_updateinfo(text):
    """Packages ``dnf updateinfo list --security`` lists (``ADVISORY SEVERITY PACKAGE``)."""
    packages = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3 and re.match(r'^[A-Z]+-\d{4}', parts[0]) or (
                len(parts) >= 3 and parts[1].endswith('/Sec.')):
            packages.append(parts[-1])
    return packages


def apt_lists_age(lists_dir='/var/lib/apt/lists'):
    """Days since the package lists were updated, or None when there are none."""
    files = glob.glob(os.path.join(lists_dir, '*_Packages*'))
    if not files:
        return None
    return (time.time() - max(os.path.getmtime(f) for f in files)) / 86400.0


def check_security_updates(opts):
    """``updates``: count of pending security updates (apt or dnf)."""
    name = 'updates'
    limits = dict(unit='count', warn=opts['warn'], fail=opts['fail'])
    apt = find_tool('apt-get')
    dnf = find_tool('dnf') or find_tool('yum')
    if apt:
        age = apt_lists_age()
        if age is None:
            return unknown(name, 'no apt package lists on the host: cannot tell which updates are '
                                 'pending', remediation='Run "apt-get update" (the package lists '
                                                        'are missing).', **limits)
        env = dict(os.environ, LC_ALL='C', DEBIAN_FRONTEND='noninteractive')
        rc, out, err = run_tool([apt, '-s', '-o', 'Debug::NoLocking=1', 'dist-upgrade'],
                                opts['timeout'], env=env)
        if rc != 0:
            return unknown(name, 'apt-get -s dist-upgrade failed: %s' % (err or out).strip()[-300:],
                           remediation='Repair apt (dpkg --configure -a, apt-get -f install).', **limits)
        packages = parse_apt_simulation(out)
        source = 'apt, package lists %.1f days old' % age
    elif dnf:
        rc, out, err = run_tool([dnf, '-q', '-C', 'updateinfo', 'list', '--security'], opts['timeout'])
        if rc != 0:
            return unknown(name, '%s updateinfo failed: %s' % (dnf, (err or out).strip()[-300:]),
                           remediation='Run "dnf makecache" and check the repositories.', **limits)
        packages = parse_dnf_updateinfo(out)
        source = os.path.basename(dnf)
    else:
        return unknown(name, 'no supported package manager (apt-get, dnf, yum) found',
                       remediation='Check security updates with the host\'s own tools.', **limits)
    count = len(set(packages))
    status = evaluate(count, opts['warn'], opts['fail'])
    details = dict(packages=sorted(set(packages))[:100], source=source)
    if count:
        message = '%d security update(s) pending (%s): %s' % (count, source, ', '.join(sorted(set(packages))[:15]))
    else:
        message = 'no security update pending (%s)' % source
    return check_result(name, status, value=count, message=message, details=details,
                        remediation='Install them (apt-get upgrade / dnf upgrade --security) before '
                                    'the release, or enable unattended-upgrades.', **limits)


# ---------------------------------------------------------------- auditd, time


def process_running(name, proc='/proc'):
    """True when a process with this command name runs (reads /proc/<pid>/comm)."""
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, 'comm')) as stream:
                if stream.read().strip() == name:
                    return True
        except (IOError, OSError):
            continue
    return False


def rule_keys(text):
    """The keys (``-k name`` / ``-F key=name``) of audit rules, as auditctl -l or audit.rules give them."""
    return set(re.findall(r'(?:-k\s+|-F\s+key=)(\S+)', text))


def check_auditd(opts):
    """``auditd``: the audit daemon runs with the rule set of ``rules_file`` loaded (compared by key).

    Where the kernel refuses audit requests (a container) the check cannot tell: ``unknown``.
    """
    name = 'auditd'
    auditctl = find_tool('auditctl')
    if process_running('auditd'):
        if not auditctl:
            return check_result(name, PASS, value='running', message='auditd is running (no auditctl to list its rules)')
        rc, out, err = run_tool([auditctl, '-l'], 10)
        try:
            with open(opts['rules_file']) as stream:
                wanted = rule_keys(stream.read())
        except (IOError, OSError):
            wanted = set()
        if rc != 0:
            return unknown(name, 'auditd is running but auditctl -l failed: %s' % (err or out).strip()[-200:],
                           remediation='Run the check as root (become: true).')
        missing = sorted(wanted - rule_keys(out))
        details = dict(loaded_rules=len([line for line in out.splitlines() if line.startswith('-')]),
                       missing_keys=missing, rules_file=opts['rules_file'])
        if missing:
            return check_result(name, FAIL, value='running', details=details,
                                message='auditd is running without the rules of %s with the keys %s'
                                        % (opts['rules_file'], ', '.join(missing[:20])),
                                remediation='Load the rules: augenrules --load (the hardening role writes '
                                            'them to /etc/audit/rules.d).')
        return check_result(name, PASS, value='running', details=details,
                            message='auditd is running with %d rules loaded%s' % (
                                details['loaded_rules'], ' (every key of %s)' % opts['rules_file'] if wanted else ''))
    installed = find_tool('auditd') is not None
    if installed and auditctl:
        rc, out, err = run_tool([auditctl, '-s'], 10)
        # As root, "must be root" too means the kernel said EPERM: audit is not ours here.
        text = (err + out).lower()
        if rc != 0 and os.geteuid() == 0 and ('not permitted' in text or 'must be root' in text):
            return unknown(name, 'auditd is installed but cannot run here: the kernel refuses audit requests '
                                 '(%s); a container shares the host kernel\'s audit' % (err or out).strip()[-120:],
                           remediation='Audit the host that runs the containers; in the container, check the '
                                       'rules with augenrules --check.')
    return check_result(name, FAIL, value='not running' if installed else 'not installed',
                        message='auditd is %s: security events are not audited'
                                % ('installed but not running' if installed else 'not installed'),
                        remediation='Install auditd, load audit rules (augenrules --load) and '
                                    '"systemctl enable --now auditd" (the hardening role does).')


TIME_ERROR = 5


def kernel_clock_synchronised():
    """True / False from the kernel's adjtimex state (TIME_ERROR = not synchronised), None if unreadable."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True)
        buf = ctypes.create_string_buffer(512)  # struct timex, modes = 0: read only
        state = libc.adjtimex(buf)
    except (OSError, AttributeError):
        return None
    if state < 0:
        return None
    return state != TIME_ERROR


def check_time_sync(_opts):
    """``time_sync``: the clock is NTP-synchronised."""
    name = 'time_sync'
    remediation = ('Enable time synchronisation (systemd-timesyncd, chrony or ntpd) against '
                   'reachable NTP servers: "timedatectl set-ntp true".')
    tool = find_tool('timedatectl')
    source = None
    synced = None
    if tool:
        rc, out, _err = run_tool([tool, 'show', '-p', 'NTPSynchronized', '--value'], 10)
        if rc == 0 and out.strip() in ('yes', 'no'):
            synced, source = out.strip() == 'yes', 'timedatectl'
    if synced is None:
        synced = kernel_clock_synchronised()
        source = 'kernel adjtimex'
    if synced is None:
        return unknown(name, 'cannot tell whether the clock is synchronised (no timedatectl, '
                             'adjtimex unreadable)', remediation=remediation)
    if synced:
        return check_result(name, PASS, value=True, message='the clock is synchronised (%s)' % source)
    return check_result(name, FAIL, value=False, message='the clock is not synchronised (%s): TLS, '
                        'logs and distributed systems need the right time' % source,
                        remediation=remediation)


# ---------------------------------------------------------------- file walks


def bounded_walk(roots, max_files, budget_s, exclude=(), clock=time.monotonic):
    """Yield ``(path, lstat)`` of every entry under ``roots``, within the bounds.

    Stays on each root's filesystem, follows no symlink, skips ``exclude``
    prefixes and unreadable directories.  The generator's ``state`` dict (sent
    as the last item: ``(None, state)``) says whether it stopped early.
    """
    deadline = clock() + budget_s
    seen = 0
    state = dict(files=0, truncated=None, unreadable=0)
    done_roots = set()
    for root in roots:
        real = os.path.realpath(root)
        if real in done_roots or not os.path.isdir(real):
            continue
        done_roots.add(real)
        root_dev = os.lstat(real).st_dev
        stack = [real]
        while stack:
            directory = stack.pop()
            try:
                entries = list(os.scandir(directory))
            except OSError:
                state['unreadable'] += 1
                continue
            for entry in entries:
                seen += 1
                if seen > max_files:
                    state['truncated'] = 'max_files (%d) reached' % max_files
                    state['files'] = seen - 1
                    yield None, state
                    return
                if seen % 256 == 0 and clock() > deadline:
                    state['truncated'] = 'time budget (%gs) spent' % budget_s
                    state['files'] = seen
                    yield None, state
                    return
                path = entry.path
                if any(path == e or path.startswith(e.rstrip('/') + '/') for e in exclude):
                    continue
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode) and st.st_dev == root_dev:
                    stack.append(path)
                yield path, st
    state['files'] = seen
    yield None, state


def is_world_writable(st):
    """World-writable regular file, or world-writable directory without the sticky bit."""
    if not st.st_mode & stat.S_IWOTH:
        return False
    if stat.S_ISREG(st.st_mode):
        return True
    return stat.S_ISDIR(st.st_mode) and not st.st_mode & stat.S_ISVTX


def is_suid(st):
    """A regular file with the set-user-ID bit."""
    return stat.S_ISREG(st.st_mode) and bool(st.st_mode & stat.S_ISUID)


def check_walk(kind, opts, clock=time.monotonic):
    """``world_writable:<paths>`` or ``suid:<paths>``: one record for the walk over every path."""
    paths = opts['paths']
    name = '%s:%s' % (kind, ','.join(paths))
    allowed = set(SUID_ALLOWED) | set(opts.get('allowed') or ())
    found = []
    state = None
    for path, st in bounded_walk(paths, opts['max_files'], opts['budget_s'], opts['exclude'] or (), clock):
        if path is None:
            state = st
            break
        if kind == 'world_writable' and is_world_writable(st):
            found.append(path)
        elif kind == 'suid' and is_suid(st) and path not in allowed \
                and os.path.realpath(path) not in allowed:
            found.append(path)
    details = dict(files=state['files'], found=found[:100], truncated=state['truncated'],
                   unreadable_dirs=state['unreadable'])
    scope = '%d entries under %s' % (state['files'], ', '.join(paths))
    if state['truncated']:
        scope += ', stopped early: %s' % state['truncated']
    if kind == 'world_writable':
        what = 'world-writable file(s) or non-sticky director(ies)'
        remediation = ('Remove the write bit for others (chmod o-w PATH), or set the sticky bit on '
                       'shared directories (chmod +t).')
    else:
        what = 'SUID program(s) not in the allow-list'
        remediation = ('Remove the SUID bit (chmod u-s PATH) unless the program needs it; add '
                       'intended ones to suid.allowed.')
    if found:
        return check_result(name, FAIL, value=len(found), unit='count', details=details,
                            message='%d %s among %s: %s' % (len(found), what, scope, ', '.join(found[:10])),
                            remediation=remediation)
    if state['truncated']:
        return check_result(name, WARN, value=0, unit='count', details=details,
                            message='no %s found, but the walk did not finish (%s)' % (what, scope),
                            remediation='Raise %s.max_files or %s.budget_s, or narrow %s.paths.'
                                        % (kind, kind, kind))
    return check_result(name, PASS, value=0, unit='count', details=details,
                        message='no %s among %s' % (what, scope))


# ---------------------------------------------------------------- password aging


def parse_login_defs(text):
    """``{KEY: value}`` of /etc/login.defs (comments and blank lines skipped)."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        parts = line.split(None, 1)
        if len(parts) == 2:
            values[parts[0]] = parts[1].strip()
    return values


def judge_password_aging(values, opts):
    """Records for PASS_MAX_DAYS, PASS_MIN_DAYS and PASS_WARN_AGE against the baseline."""
    records = []
    rules = (
        ('PASS_MAX_DAYS', 'max_days', lambda v, b: v <= b, 'at most',
         'Set PASS_MAX_DAYS %d in /etc/login.defs (and chage -M for existing users).'),
        ('PASS_MIN_DAYS', 'min_days', lambda v, b: v >= b, 'at least',
         'Set PASS_MIN_DAYS %d in /etc/login.defs (and chage -m for existing users).'),
        ('PASS_WARN_AGE', 'warn_age', lambda v, b: v >= b, 'at least',
         'Set PASS_WARN_AGE %d in /etc/login.defs (and chage -W for existing users).'),
    )
    for key, option, ok, word, hint in rules:
        name = 'password_aging:%s' % option
        baseline = opts[option]
        try:
            value = int(values[key])
        except (KeyError, ValueError):
            records.append(check_result(name, WARN, unit='days',
                                        message='%s is not set in /etc/login.defs' % key,
                                        remediation=hint % baseline))
            continue
        if ok(value, baseline):
            records.append(check_result(name, PASS, value=value, unit='days',
                                        message='%s is %d (%s %d)' % (key, value, word, baseline)))
        else:
            records.append(check_result(name, WARN, value=value, unit='days',
                                        message='%s is %d; the baseline is %s %d' % (key, value, word, baseline),
                                        remediation=hint % baseline))
    return records


def check_password_aging(opts, path='/etc/login.defs'):
    """Read login.defs and judge the password aging policy."""
    try:
        with open(path) as stream:
            text = stream.read()
    except (IOError, OSError) as exc:
        return [unknown('password_aging', 'cannot read %s: %s' % (path, exc.strerror or exc),
                        remediation='Install the shadow utilities (login / shadow-utils).')]
    return judge_password_aging(parse_login_defs(text), opts)


# ---------------------------------------------------------------- least privilege: sudoers


ADMIN_PRINCIPALS = ['root', '%sudo', '%admin', '%wheel']
SUDOERS = '/etc/sudoers'
ALIAS_KINDS = ('User_Alias', 'Runas_Alias', 'Host_Alias', 'Cmnd_Alias', 'Cmd_Alias')


def sudoers_lines(path, seen=None):
    """``(file, line number, text)`` of a sudoers file and the files it includes, continuations joined.

    Follows ``@include`` / ``#include`` and ``@includedir`` / ``#includedir`` as sudo does (in a
    directory, names ending in ``~`` or containing a ``.`` are skipped).  Raises OSError when the
    top file cannot be read.
    """
    seen = set() if seen is None else seen
    real = os.path.realpath(path)
    if real in seen:
        return []
    seen.add(real)
    with open(path) as stream:
        text = stream.read()
    out, pending, start = [], '', 0
    for number, line in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
        if line.rstrip().endswith('\\'):
            pending += line.rstrip()[:-1] + ' '
            continue
        line, pending = pending + line, ''
        directive = re.match(r'^\s*[@#](include|includedir)\s+(\S+)', line)
        if directive:
            target = directive.group(2)
            if not os.path.isabs(target):
                target = os.path.join(os.path.dirname(path), target)
            if directive.group(1) == 'include':
                names = [target]
            else:
                try:
                    names = [os.path.join(target, n) for n in sorted(os.listdir(target))
                             if not n.endswith('~') and '.' not in n]
                except OSError:
                    names = []
            for name in names:
                try:
                    out.extend(sudoers_lines(name, seen))
                except (IOError, OSError):
                    continue
            continue
        line = re.sub(r'(^|\s)#.*$', '', line).strip()
        if line:
            out.append((path, start, line))
    return out


def parse_sudoers(lines):
    """The grants of every command (``ALL``) in sudoers lines: ``[(file, line, principal, nopasswd)]``.

    User aliases are expanded; Defaults and alias definitions grant nothing.
    """
    aliases = {}
    grants = []
    for path, number, line in lines:
        words = line.split(None, 1)
        if words[0].startswith('Defaults'):
            continue
        if words[0] in ALIAS_KINDS:
            if words[0] == 'User_Alias' and len(words) > 1:
                for definition in words[1].split(':'):
                    name, _sep, members = definition.partition('=')
                    aliases[name.strip()] = [m.strip() for m in members.split(',') if m.strip()]
            continue
        match = re.match(r'^(.+?)\s+\S+\s*=\s*(.*)$', line)
        if not match:
            continue
        principals = [p.strip() for p in match.group(1).split(',') if p.strip()]
        nopasswd = False
        grants_all = None
        for command in match.group(2).split(','):
            command = re.sub(r'^\s*\([^)]*\)', '', command).strip()
            # Tags (NOPASSWD:, SETENV:, ...) carry over to the following commands, as in sudo.
            while True:
                tag = re.match(r'^(\w+):\s*(.*)$', command)
                if not tag or tag.group(1) not in ('NOPASSWD', 'PASSWD', 'SETENV', 'NOSETENV', 'EXEC', 'NOEXEC',
                                                   'LOG_INPUT', 'NOLOG_INPUT', 'LOG_OUTPUT', 'NOLOG_OUTPUT',
                                                   'MAIL', 'NOMAIL', 'FOLLOW', 'NOFOLLOW', 'INTERCEPT',
                                                   'NOINTERCEPT'):
                    break
                if tag.group(1) in ('NOPASSWD', 'PASSWD'):
                    nopasswd = tag.group(1) == 'NOPASSWD'
                command = tag.group(2).strip()
            if command == 'ALL':
                grants_all = nopasswd if grants_all is None else grants_all or nopasswd
        if grants_all is None:
            continue
        for principal in principals:
            for member in aliases.get(principal, [principal]):
                grants.append((path, number, member, grants_all))
    return grants


def check_sudoers(opts, path=SUDOERS):
    """``sudoers``: no one outside the admin principals may run every command (NOPASSWD fails, else warns)."""
    name = 'sudoers'
    if not os.path.exists(path):
        return skipped(name, 'sudo is not installed (no %s)' % path)
    try:
        grants = parse_sudoers(sudoers_lines(path))
    except (IOError, OSError) as exc:
        return unknown(name, 'cannot read %s: %s' % (path, exc.strerror or exc), unit='count',
                       remediation='Run the check as root (become: true).')
    admins = set(opts['admins'])
    nopasswd_ok = set(opts['nopasswd_allowed'])
    findings = []
    worst = PASS
    for where, number, principal, nopasswd in grants:
        if nopasswd and principal not in nopasswd_ok:
            findings.append('%s:%d %s NOPASSWD: ALL' % (where, number, principal))
            worst = FAIL
        elif principal not in admins and principal not in nopasswd_ok:
            findings.append('%s:%d %s ALL' % (where, number, principal))
            worst = FAIL if worst == FAIL else WARN
    details = dict(findings=findings, grants_all=['%s:%d %s%s' % (w, n, p, ' NOPASSWD' if np else '')
                                                  for w, n, p, np in grants])
    if not findings:
        return check_result(name, PASS, value=0, unit='count', details=details,
                            message='only %s may run every command through sudo, with a password'
                                    % ', '.join(sorted(admins)))
    return check_result(name, worst, value=len(findings), unit='count', details=details,
                        message='%d sudoers grant(s) of every command beyond the admins: %s'
                                % (len(findings), '; '.join(findings[:10])),
                        remediation='Grant only the commands each user or group needs (visudo -f '
                                    '/etc/sudoers.d/<file>), keep the password prompt, and list the '
                                    'automation accounts that must have NOPASSWD in sudoers.nopasswd_allowed.')


# ---------------------------------------------------------------- least privilege: services as root


ROOTLESS_SERVICES = ['prometheus', 'alertmanager', 'prometheus-alertmanager', 'node_exporter',
                     'prometheus-node-exporter', 'blackbox_exporter', 'prometheus-blackbox-exporter',
                     'grafana-server', 'grafana', 'cadvisor', 'redis-server', 'postgres']


def process_owners(proc='/proc'):
    """``[(pid, program name, uid)]`` of every process: argv[0]'s base name and the real uid."""
    out = []
    for entry in os.listdir(proc):
        if not entry.isdigit():
            continue
        try:
            with open(os.path.join(proc, entry, 'cmdline'), 'rb') as stream:
                argv0 = stream.read().split(b'\0')[0].decode('utf-8', 'replace')
            with open(os.path.join(proc, entry, 'status')) as stream:
                uid = next(int(line.split()[1]) for line in stream if line.startswith('Uid:'))
        except (IOError, OSError, StopIteration, ValueError, IndexError):
            continue
        # "redis-server *:6379" and "postgres: checkpointer" name their program first.
        program = os.path.basename(argv0.split()[0].rstrip(':')) if argv0.strip() else ''
        if program:
            out.append((int(entry), program, uid))
    return out


def check_root_services(opts, owners=process_owners):
    """``root_services``: the services the roles run as their own users do not run as root."""
    name = 'root_services'
    wanted = set(opts['names'])
    found = sorted('%s (pid %d)' % (program, pid) for pid, program, uid in owners()
                   if uid == 0 and program in wanted)
    if not found:
        return check_result(name, PASS, value=0, unit='count',
                            message='none of %d services that run unprivileged runs as root' % len(wanted))
    return check_result(name, FAIL, value=len(found), unit='count', details=dict(root=found),
                        message='%d process(es) run as root that should run as their own user: %s'
                                % (len(found), ', '.join(found[:10])),
                        remediation='Run the service as its own user (User= in its systemd unit; the '
                                    'collection\'s roles do), then restart it.')


# ---------------------------------------------------------------- audit logging: journald


JOURNALD_CONF = ('/etc/systemd/journald.conf', '/etc/systemd/journald.conf.d', '/run/systemd/journald.conf.d',
                 '/usr/lib/systemd/journald.conf.d')
SPAN_UNITS = {'us': 1e-6, 'usec': 1e-6, 'ms': 1e-3, 'msec': 1e-3, 's': 1, 'sec': 1, 'second': 1, 'seconds': 1,
              'm': 60, 'min': 60, 'minute': 60, 'minutes': 60, 'h': 3600, 'hr': 3600, 'hour': 3600,
              'hours': 3600, 'd': 86400, 'day': 86400, 'days': 86400, 'w': 604800, 'week': 604800,
              'weeks': 604800, 'M': 2629800, 'month': 2629800, 'months': 2629800, 'y': 31557600,
              'year': 31557600, 'years': 31557600}


def parse_timespan(text):
    """Seconds of a systemd time span (``1year``, ``90d``, ``2w 3d``, ``3600``), None if it does not parse."""
    text = (text or '').strip()
    if re.match(r'^\d+(\.\d+)?$', text):
        return float(text)
    total = 0.0
    found = False
    for number, unit in re.findall(r'(\d+(?:\.\d+)?)\s*([A-Za-z]+)', text):
        if unit not in SPAN_UNITS:
            return None
        total += float(number) * SPAN_UNITS[unit]
        found = True
    return total if found and re.sub(r'[\d.\sA-Za-z]', '', text) == '' else None


def journald_settings(paths=JOURNALD_CONF):
    """The effective ``[Journal]`` settings: the main file, then drop-ins by name (later wins, /etc first)."""
    files = []
    main = paths[0]
    if os.path.isfile(main):
        files.append(main)
    dropins = {}
    # A drop-in in /etc overrides one of the same name in /run and /usr/lib.
    for directory in reversed(paths[1:]):
        try:
            for name in os.listdir(directory):
                if name.endswith('.conf'):
                    dropins[name] = os.path.join(directory, name)
        except OSError:
            continue
    files.extend(dropins[name] for name in sorted(dropins))
    settings = {}
    for path in files:
        section = None
        with open(path) as stream:
            for line in stream:
                line = line.strip()
                if not line or line[0] in '#;':
                    continue
                if line.startswith('['):
                    section = line.strip('[]')
                elif section == 'Journal' and '=' in line:
                    key, value = line.split('=', 1)
                    settings[key.strip()] = value.strip()
    return settings, files


def check_journald(opts, paths=JOURNALD_CONF, journal_dir='/var/log/journal'):
    """``journald``: the journal is kept on disk, for at least ``retention_days`` when its age is capped."""
    name = 'journald'
    try:
        settings, files = journald_settings(paths)
    except (IOError, OSError) as exc:
        return unknown(name, 'cannot read the journald configuration: %s' % (exc.strerror or exc),
                       remediation='Run the check as root (become: true).')
    storage = settings.get('Storage', 'auto')
    persistent = storage == 'persistent' or (storage == 'auto' and os.path.isdir(journal_dir))
    retention = settings.get('MaxRetentionSec') or '0'
    seconds = parse_timespan(retention)
    days = None if not seconds else seconds / 86400.0
    details = dict(storage=storage, journal_dir=os.path.isdir(journal_dir), max_retention=retention,
                   system_max_use=settings.get('SystemMaxUse'), files=files)
    problems = []
    if not persistent:
        problems.append('the journal is not kept on disk (Storage=%s%s)'
                        % (storage, ', no %s' % journal_dir if storage == 'auto' else ''))
    if seconds is None:
        problems.append('MaxRetentionSec=%s does not parse' % retention)
    elif days is not None and days < opts['retention_days']:
        problems.append('MaxRetentionSec=%s keeps %.0f days, less than the %d required'
                        % (retention, days, opts['retention_days']))
    kept = 'kept %s' % ('without a time limit' if not seconds else 'for %.0f days' % days) if seconds is not None else ''
    if problems:
        return check_result(name, FAIL, value=None if days is None else round(days, 1), unit='days', details=details,
                            message='journald: %s' % '; '.join(problems),
                            remediation='Set Storage=persistent and MaxRetentionSec=%dd (or more) in '
                                        '/etc/systemd/journald.conf.d/ and restart systemd-journald (the '
                                        'hardening role does, topic journald).' % opts['retention_days'])
    return check_result(name, PASS, value=None if days is None else round(days, 1), unit='days', details=details,
                        message='the journal is persistent (Storage=%s), %s; at least %d days required'
                                % (storage, kept, opts['retention_days']))


# ---------------------------------------------------------------- the catalogue


def walk_options(paths, **extra):
    """The settings of a bounded walk (``world_writable``, ``suid``)."""
    options = dict(paths=Option('list', paths, elements='path'),
                   exclude=Option('list', [], elements='path'),
                   max_files=Option('int', 200000, low=1, high=MAX_WALK_FILES),
                   budget_s=Option('float', 10, low=0, high=MAX_WALK_BUDGET, low_open=True))
    options.update(extra)
    return options


def tool_timeout(default):
    """Seconds a host tool may take."""
    return Option('float', default, low=0, high=MAX_TOOL_TIMEOUT, low_open=True)


# Switches with a baseline each; only updates has limits (a count of updates).
# The context of every probe is psutil (or None): only exposed_services needs it. The probes
# that wait on a tool (sshd -T, apt's simulation, timedatectl) run beside the file walks.
CATALOGUE = Catalogue('security', concurrent=('sshd', 'updates', 'time_sync'), checks=[
    Check('sshd', lambda ps, o: check_sshd(o), limits=False, options=dict(
        permit_root_login=Option('list', ['no'], elements='str', choices=PERMIT_ROOT_LOGIN),
        password_authentication=Option('bool', False, no_log=False),
        x11_forwarding=Option('bool', False),
        max_auth_tries=Option('int', 4, low=1, high=100),
        weak_ciphers=Option('list', WEAK_CIPHERS, elements='str'),
        weak_macs=Option('list', WEAK_MACS, elements='str'),
        weak_kex=Option('list', WEAK_KEX, elements='str'),
        timeout=tool_timeout(10))),
    Check('exposed_services', check_exposed, limits=False, options=dict(
        allowed_ports=Option('list', [22], elements='int', low=1, high=65535),
        allowed_processes=Option('list', [], elements='str'))),
    # Named like the role's readiness_security_updates (security/updates in the gate), not security_updates.
    Check('updates', lambda ps, o: check_security_updates(o), unit='count', warn=1,
          formerly='security_updates', aliases=('security_updates',),
          options=dict(timeout=tool_timeout(120))),
    Check('auditd', lambda ps, o: check_auditd(o), limits=False, options=dict(
        rules_file=Option('path', '/etc/audit/audit.rules'))),
    Check('world_writable', lambda ps, o: check_walk('world_writable', o), limits=False,
          options=walk_options(['/etc', '/usr', '/opt', '/srv'])),
    Check('suid', lambda ps, o: check_walk('suid', o), limits=False,
          options=walk_options(['/usr', '/opt', '/srv'], allowed=Option('list', [], elements='path'))),
    Check('password_aging', lambda ps, o: check_password_aging(o), limits=False,
          formerly={'password_aging:max_days': 'password_max_days',
                    'password_aging:min_days': 'password_min_days',
                    'password_aging:warn_age': 'password_warn_age'},
          options=dict(max_days=Option('int', 365, low=0), min_days=Option('int', 1, low=0),
                       warn_age=Option('int', 7, low=0))),
    Check('time_sync', lambda ps, o: check_time_sync(o), limits=False),
    Check('sudoers', lambda ps, o: check_sudoers(o), limits=False, options=dict(
        admins=Option('list', ADMIN_PRINCIPALS, elements='str'),
        nopasswd_allowed=Option('list', [], elements='str', no_log=False))),
    Check('root_services', lambda ps, o: check_root_services(o), limits=False, options=dict(
        names=Option('list', ROOTLESS_SERVICES, elements='str'))),
    Check('journald', lambda ps, o: check_journald(o), limits=False, options=dict(
        retention_days=Option('int', 90, low=0, high=36500))),
    # Logs leave the host (probes/log_forwarding.py): judged only when required.
    Check('log_forwarding', lambda ps, o: check_log_forwarding(o, running=process_running), limits=False,
          options=dict(required=Option('bool', False), timeout=tool_timeout(3))),
])


def input_errors(_params, opts):
    """Problems the catalogue cannot see: walk paths must be absolute."""
    return ['%s.paths: %s is not an absolute path' % (option, path)
            for option in ('world_writable', 'suid') for path in opts[option]['paths']
            if not os.path.isabs(path)]


def measure(psutil, opts):
    """Run every switched-on check and return the ``readiness`` result."""
    return CATALOGUE.run(Component('security'), psutil, opts).result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs psutil if installed (only exposed_services needs it).
    """
    psutil = import_library('psutil')[0]
    return Runner(CATALOGUE, lambda params, opts: measure(psutil, opts), input_errors)
