#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: a host's security posture, read-only, against a baseline."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: security_check
short_description: Check a host's security posture against a baseline - sshd, exposed services, updates, audit, files, passwords, time
version_added: 0.1.0
description:
  - Reads what the host says about itself and judges it against a baseline, returning the
    shared readiness result model (component C(security)). Every finding carries a
    remediation hint, as Lynis gives. Nothing is changed; check mode runs the same.
  - C(sshd:<Keyword>) the effective sshd configuration (C(sshd -T)) - PermitRootLogin,
    PasswordAuthentication, PermitEmptyPasswords, X11Forwarding, MaxAuthTries, and weak
    Ciphers, MACs and KexAlgorithms. C(skip) when no sshd is installed.
  - C(exposed_services) sockets listening on all interfaces (0.0.0.0, ::) that are not in
    the allow-list (C(warn)).
  - C(updates) pending security updates, counted by simulating an upgrade with the
    host's package lists (C(apt-get -s dist-upgrade), updates from a security origin) or by
    C(dnf updateinfo list --security) from the cache. The lists are not refreshed.
  - C(auditd) the audit daemon runs (C(fail) when not) with the expected rules loaded.
  - C(world_writable:<paths>) world-writable files and non-sticky world-writable directories,
    and C(suid:<paths>) SUID programs not in the allow-list, by a walk bounded in entries and
    time that stays on each path's filesystem and follows no symlink.
  - C(password_aging:max_days), C(password_aging:min_days), C(password_aging:warn_age) the
    password aging policy in /etc/login.defs (C(warn)). Before 0.2.0 these were
    C(password_max_days), C(password_min_days) and C(password_warn_age), and C(updates) was
    C(security_updates); the gate's ignore list still matches those, with a warning.
  - C(time_sync) the clock is synchronised (C(timedatectl), else the kernel's adjtimex state).
  - C(sudoers) least privilege in sudo - entries of /etc/sudoers and the files it includes that
    grant every command (C(ALL)) to a user or group outside O(sudoers.admins) (C(warn)), or with
    C(NOPASSWD) to anyone outside O(sudoers.nopasswd_allowed) (C(fail)). C(skip) without sudo.
  - C(root_services) services the collection's roles run as their own users (Prometheus,
    Alertmanager, exporters, Grafana, Redis, PostgreSQL, ...) that run as root (C(fail)).
  - C(journald) audit logs kept - the journal is persistent (C(Storage=persistent), or C(auto)
    with /var/log/journal) and its C(MaxRetentionSec) keeps at least O(journald.retention_days)
    (C(fail) otherwise), from journald.conf and its drop-ins.
  - A check whose tool is missing or unreadable is C(unknown); the others still run.
  - Every record is named like the option that sets it (C(<option>) or C(<option>:<part>)).
    Numbers must lie in their ranges (stated with each setting) and limits in their domain
    (counts at least 0, finite numbers); anything else is bad input, also for a switched-off check.
author:
  - golive.readiness contributors (@golive)
requirements:
  - psutil on the managed host, optional (only C(exposed_services) needs it)
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  sshd:
    description: The sshd baseline.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run these checks., type: bool, default: true}
      permit_root_login:
        description: Accepted PermitRootLogin values; C(yes) otherwise fails, any other value warns.
        type: list
        elements: str
        default: ['no']
        choices: ['no', prohibit-password, without-password, forced-commands-only, 'yes']
      password_authentication: {description: The required PasswordAuthentication (false - keys only)., type: bool, default: false}
      x11_forwarding: {description: Whether X11Forwarding may be on., type: bool, default: false}
      max_auth_tries: {description: 'Highest acceptable MaxAuthTries, 1 to 100.', type: int, default: 4}
      weak_ciphers:
        description: Ciphers that fail C(sshd:Ciphers) (CBC modes, arcfour, 3DES, Blowfish, CAST).
        type: list
        elements: str
        default: [3des-cbc, aes128-cbc, aes192-cbc, aes256-cbc, blowfish-cbc, cast128-cbc, arcfour, arcfour128,
                  arcfour256, rijndael-cbc@lysator.liu.se]
      weak_macs:
        description: MACs that fail C(sshd:MACs) (MD5, SHA-1, RIPEMD-160, 64-bit UMAC).
        type: list
        elements: str
        default: [hmac-md5, hmac-md5-96, hmac-md5-etm@openssh.com, hmac-md5-96-etm@openssh.com, hmac-sha1,
                  hmac-sha1-96, hmac-sha1-etm@openssh.com, hmac-sha1-96-etm@openssh.com, hmac-ripemd160,
                  hmac-ripemd160@openssh.com, hmac-ripemd160-etm@openssh.com, umac-64@openssh.com,
                  umac-64-etm@openssh.com]
      weak_kex:
        description: Key exchange algorithms that fail C(sshd:KexAlgorithms) (SHA-1 based); a trailing C(-) matches a prefix.
        type: list
        elements: str
        default: [diffie-hellman-group1-sha1, diffie-hellman-group14-sha1, diffie-hellman-group-exchange-sha1,
                  gss-gex-sha1-, gss-group1-sha1-, gss-group14-sha1-]
      timeout: {description: 'Seconds C(sshd -T) may take, (0, 600].', type: float, default: 10}
  exposed_services:
    description: Services listening on all interfaces.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      allowed_ports: {description: 'Ports that may listen on all interfaces, each 1 to 65535.', type: list, elements: int, default: [22]}
      allowed_processes: {description: Process names that may listen on all interfaces., type: list, elements: str, default: []}
  updates:
    description:
      - Pending security updates (count; higher is worse; check C(updates)).
      - Before 0.2.0 the option and its check were C(security_updates); that name still works
        until 0.3.0, with a deprecation warning.
    type: dict
    default: {}
    aliases: [security_updates]
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many pending updates., type: float, default: 1}
      fail: {description: Fail above this many pending updates., type: float}
      timeout: {description: 'Seconds the package manager may take, (0, 600].', type: float, default: 120}
  auditd:
    description:
      - The audit daemon runs with the rule set of O(auditd.rules_file) loaded (C(auditctl -l),
        compared by rule key); a missing key fails.
      - Containers cannot run it (the kernel refuses audit outside the initial namespaces) - with
        auditd installed the check is C(unknown) saying so; switch it off there.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      rules_file: {description: The compiled rule set expected in the kernel (augenrules writes it)., type: path, default: /etc/audit/audit.rules}
  world_writable:
    description: World-writable files under the paths.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      paths: {description: Absolute paths to walk., type: list, elements: path, default: [/etc, /usr, /opt, /srv]}
      exclude: {description: Path prefixes to leave out., type: list, elements: path, default: []}
      max_files: {description: 'Entries to look at before stopping, 1 to 5000000.', type: int, default: 200000}
      budget_s: {description: 'Seconds the walk may take, (0, 300].', type: float, default: 10}
  suid:
    description: SUID programs under the paths that are not in the allow-list (a built-in list of the usual ones plus O(suid.allowed)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      paths: {description: Absolute paths to walk., type: list, elements: path, default: [/usr, /opt, /srv]}
      allowed: {description: More SUID programs (full paths) that are expected., type: list, elements: path, default: []}
      exclude: {description: Path prefixes to leave out., type: list, elements: path, default: []}
      max_files: {description: 'Entries to look at before stopping, 1 to 5000000.', type: int, default: 200000}
      budget_s: {description: 'Seconds the walk may take, (0, 300].', type: float, default: 10}
  password_aging:
    description: The password aging policy of /etc/login.defs.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run these checks., type: bool, default: true}
      max_days: {description: 'Highest acceptable PASS_MAX_DAYS (check C(password_aging:max_days)), at least 0.', type: int, default: 365}
      min_days: {description: 'Lowest acceptable PASS_MIN_DAYS (check C(password_aging:min_days)), at least 0.', type: int, default: 1}
      warn_age: {description: 'Lowest acceptable PASS_WARN_AGE (check C(password_aging:warn_age)), at least 0.', type: int, default: 7}
  time_sync:
    description: Whether the clock is synchronised.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  sudoers:
    description: Who may run every command through sudo.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      admins:
        description: Users and C(%groups) that may run every command (with a password).
        type: list
        elements: str
        default: [root, '%sudo', '%admin', '%wheel']
      nopasswd_allowed:
        description: Users and C(%groups) that may run every command without a password (automation accounts).
        type: list
        elements: str
        default: []
  root_services:
    description: Services that must not run as root.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      names:
        description: Program names (the base name of a process's first argument) that must run unprivileged.
        type: list
        elements: str
        default: [prometheus, alertmanager, prometheus-alertmanager, node_exporter, prometheus-node-exporter, blackbox_exporter,
                  prometheus-blackbox-exporter, grafana-server, grafana, cadvisor, redis-server, postgres]
  journald:
    description: Whether the journal is kept on disk, and long enough.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      retention_days: {description: 'Days the journal must be kept at least, 0 to 36500 (0 - persistence only).', type: int, default: 90}
  log_forwarding:
    description:
      - Whether the logs leave the host (check C(log_forwarding)) - rsyslog (C(*.* @@host:port) TCP,
        C(@host) UDP, C(action(type="omfwd" ...)) in C(/etc/rsyslog.conf) and C(/etc/rsyslog.d/*.conf))
        or systemd-journal-upload (C(URL=) in C(/etc/systemd/journal-upload.conf) and its drop-ins).
      - With O(log_forwarding.required) some forwarding must be configured, its forwarder process
        running, and each TCP target must accept a connection (nothing is sent); forwarding only over
        UDP warns, as its delivery cannot be proven. Without it the configuration is reported, C(skip).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      required: {description: Logs must be forwarded off the host., type: bool, default: false}
      timeout: {description: 'Seconds to connect to each TCP target, (0, 600].', type: float, default: 3}
notes:
  - Run it as root (C(become=true)); C(sshd -T) and some walks need it, and the checks are
    C(unknown) or incomplete without.
  - The time and audit state come from the kernel, which a container shares with its host.
seealso:
  - module: golive.readiness.port_check
  - module: golive.readiness.network_check
'''

EXAMPLES = r'''
- name: Security posture with the default baseline
  golive.readiness.security_check:
  become: true

- name: Web hosts may expose 80 and 443; our own SUID helper is expected; no audit in containers
  golive.readiness.security_check:
    exposed_services:
      allowed_ports: [22, 80, 443]
    suid:
      allowed: [/opt/app/bin/ping-helper]
    auditd:
      enabled: false
    sshd:
      permit_root_login: ['no', prohibit-password]
  become: true
  register: security
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(security).
      type: str
      sample: security
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: fail
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 10, warn: 2, fail: 2, unknown: 0, skip: 0}
    checks:
      description: One entry per check and sshd keyword; every finding has a C(remediation).
      type: list
      elements: dict
      sample:
        - name: "sshd:PasswordAuthentication"
          status: fail
          value: "yes"
          unit: null
          warn: null
          fail: null
          message: "PasswordAuthentication is yes; the baseline requires no (keys only)"
          remediation: Set "PasswordAuthentication no" (and KbdInteractiveAuthentication no) after installing keys for every user, then reload sshd.
          duration_ms: 18.2
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import security as probes


def main():
    """Entry point: the catalogue and runner in probes/security.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
