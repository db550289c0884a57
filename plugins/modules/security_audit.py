#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: an auditor's view of the host - one bounded Lynis audit, judged."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: security_audit
short_description: Audit a host with Lynis, bounded and read-only - hardening index, warnings, suggestions, change since the last audit
version_added: 0.2.0
description:
  - Runs one Lynis audit (C(lynis audit system --quick), non-interactive) with its report and log
    in a private temporary directory, and turns the report into the shared readiness result model
    (component C(lynis), so its checks show as C(lynis/<check>) in the report and the gate).
    Nothing on the host is changed; the only files written are the audit summary kept for the
    next comparison (O(previous_audit.state_dir)) and, when asked, a copy of the report
    (O(keep_report)); neither in check mode.
  - C(hardening_index) Lynis's hardening index, 0 to 100 (lower is worse; warn at or below 75,
    fail below 60 by default). C(skip) for an audit of some O(tests) only.
  - C(warnings:<TEST-ID>) every Lynis warning is a C(fail) check named by its test id, with Lynis's
    own remediation (the warning's solution, else the suggestions of the same test, and the
    Lynis control page) and the lines of Lynis's log that led to it. C(warnings) passes when
    there is none.
  - C(suggestions) the number of Lynis suggestions (warn at 20 by default; details list them).
  - C(tests_skipped) the number of tests Lynis skipped, with the reasons from its log (no limits
    by default).
  - C(previous_audit) the hardening index moved (points, lower is worse; warn at a drop of 1) and
    the warnings new or resolved since the host's previous audit; C(warn) when a warning is new.
    C(skip) on the first audit, which is kept for the next one.
  - "The audit is bounded by O(budget_s); past it Lynis and every process it started are stopped
    (TERM, then KILL) and every check is C(unknown) saying so. A full audit takes tens of seconds
    (26 s on an idle Debian 12 container, over 3 minutes on a busy 2-core machine): run it on its
    own tag, or in parallel with the other areas."
  - Lynis missing is C(unknown) for every check, naming the package and the readiness role's
    C(readiness_install_dependencies). An audit already running on the host is C(unknown) too.
  - Limits must lie in their domain (index 0 to 100, counts at least 0, index change -100 to 100)
    and be ordered; anything else is bad input, also for a switched-off check.
author:
  - golive.readiness contributors (@golive)
requirements:
  - Lynis on the managed host (Debian package C(lynis); tested with 3.0.8)
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  lynis_path:
    description: The Lynis program; by default C(lynis) on PATH or in the sbin and bin directories.
    type: path
  budget_s:
    description: Seconds the audit may take before it is stopped, (0, 3600].
    type: float
    default: 600
  profile:
    description: A Lynis profile (C(--profile)), e.g. with C(skip-test=) lines for tests that do not apply.
    type: path
  tests:
    description:
      - Audit only these Lynis test ids (C(--tests), e.g. C(AUTH-9283)). The hardening index then
        covers them only and is not judged.
    type: list
    elements: str
    default: []
  store:
    description:
      - Keep this audit's summary for the next comparison (O(previous_audit)) and the report copy
        (O(keep_report)). Off - and always in check mode - nothing is written on the host.
    type: bool
    default: true
  keep_report:
    description: Keep a copy of Lynis's report (C(report.dat) format) at this absolute path, mode 0600, e.g. for a compliance archive.
    type: path
  hardening_index:
    description: Lynis's hardening index (0 to 100; lower is worse).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this index., type: float, default: 75}
      fail: {description: Fail below this index., type: float, default: 60}
  warnings:
    description: Lynis warnings, each a C(fail) check C(warnings:<TEST-ID>).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  suggestions:
    description: The number of Lynis suggestions (count; higher is worse).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many suggestions., type: float, default: 20}
      fail: {description: Fail above this many suggestions., type: float}
  tests_skipped:
    description: The number of tests Lynis skipped (count; higher is worse; no limits by default).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many skipped tests., type: float}
      fail: {description: Fail above this many skipped tests., type: float}
  previous_audit:
    description:
      - The change since the host's previous audit, kept in O(previous_audit.state_dir) (points of
        hardening index; lower is worse). Switched off, nothing is read or kept.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at or below this change of the index (-1 - any drop)., type: float, default: -1}
      fail: {description: Fail below this change of the index., type: float}
      state_dir: {description: 'Directory of the kept audit summary (C(lynis-audit.json), mode 0600).', type: path, default: /var/lib/golive-readiness}
notes:
  - Run it as root (C(become=true)); unprivileged, Lynis skips many tests and the message says so.
  - Lynis's report of a container differs from a host's (no kernel, no boot loader, no auditd).
seealso:
  - module: golive.readiness.security_check
  - name: Lynis
    description: The auditing tool by CISOfy.
    link: https://cisofy.com/lynis/
'''

EXAMPLES = r'''
- name: Audit the host with Lynis (tens of seconds)
  golive.readiness.security_audit:
  become: true

- name: Stricter index, accepted tests skipped in a profile, the report kept for the auditors
  golive.readiness.security_audit:
    hardening_index: {warn: 85, fail: 75}
    profile: /etc/lynis/custom.prf
    keep_report: /var/lib/golive-readiness/lynis-report.dat
    budget_s: 300
  become: true
  register: audit

- name: Only the password and account tests, in seconds
  golive.readiness.security_audit:
    tests: [AUTH-9283, AUTH-9204, AUTH-9208]
  become: true
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(lynis).
      type: str
      sample: lynis
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: fail
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 2, warn: 1, fail: 2, unknown: 0, skip: 0}
    checks:
      description: One entry per check and Lynis warning; every finding has a C(remediation).
      type: list
      elements: dict
      sample:
        - name: "warnings:AUTH-9283"
          status: fail
          value: 1
          unit: count
          warn: null
          fail: null
          message: "Lynis warning AUTH-9283 (Checking accounts without password): Found accounts without password"
          remediation: "Lynis control AUTH-9283: https://cisofy.com/lynis/controls/AUTH-9283/"
          duration_ms: 0.1
          details: {test: AUTH-9283, title: Checking accounts without password, evidence: ["Account without password: deploy"]}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.golive.readiness.plugins.module_utils.probes import security_audit as probes
from ansible_collections.golive.readiness.plugins.module_utils.readiness import fail_on_input_errors


def main():
    """Entry point: the catalogue in probes/security_audit.py defines the options and checks.

    As run_module does, plus: in check mode nothing is kept on the host (O(store) off).
    """
    runner = probes.runner()
    module = AnsibleModule(argument_spec=runner.argument_spec(), supports_check_mode=True)
    params = module.params
    if module.check_mode:
        params['store'] = False
    opts, errors = runner.input(params)
    fail_on_input_errors(module, errors)
    module.exit_json(changed=False, readiness=runner.result(params, opts))


if __name__ == '__main__':
    main()
