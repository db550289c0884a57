#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the golive.readiness.gate action plugin."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: gate
short_description: Go / no-go for the fleet from its readiness results
version_added: 0.1.0
description:
  - Applies a policy to every readiness result of the run so far (the results the
    P(golive.readiness.fleet_report#callback) callback collects, so the gate and the
    report always agree) and says go or no-go, naming what blocks.
  - Default policy, no failing check, no unreachable host, every host evaluated, every
    host with at least one measured check, no task failed; C(unknown) checks count as
    warnings; warnings do not block.
  - Sets C(set_stats) data (aggregate, not per host) under O(stats_key) on go and on no-go
    so AWX / Automation Controller workflows can branch on it; the
    P(golive.readiness.fleet_report#callback) callback takes the verdict from it (the
    run's custom stats) into the report.
  - Runs on the controller only; use it once (C(run_once)) after the checks, in the same
    playbook. It needs the linear strategy or a play of its own after the checks.
  - With the callback's C(report_required), a report directory that is not writable or
    lacks the room for the report blocks too.
author:
  - golive.readiness contributors (@golive)
extends_documentation_fragment:
  - golive.readiness.gate_policy
options:
  section:
    description:
      - Judge only the results collected since the previous section of the run was closed (or
        since the start), and close this section, the
        P(golive.readiness.fleet_report#callback) callback writes those results, with this
        verdict, as the report set C(<report_name>-<section>.*) and starts a new section.
      - For runs that judge in steps, a release's C(before), each batch, C(after) (see
        C(playbooks/release.yml)). Letters, digits, C(_), C(.) and C(-), at most 64.
    type: str
    version_added: 0.3.0
  baseline:
    description:
      - A section closed earlier in this run; a check that passed there and warns or fails
        now (same host, component and check) is a regression, and more than
        O(max_regressions) of them block. The section's report is compared with it.
      - Needs O(section)'s results to be comparable, a full run compared with a full run.
    type: str
    version_added: 0.3.0
  max_regressions:
    description: Regressions against O(baseline) allowed.
    type: int
    default: 0
    version_added: 0.3.0
attributes:
  check_mode:
    support: full
    description: Decides the same in check mode.
  diff_mode:
    support: none
    description: Returns no diff.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
notes:
  - Needs the P(golive.readiness.fleet_report#callback) callback enabled (the shipped ansible.cfg does).
  - The action runs in a worker process forked from the controller's main process, and reads
    the callback's results as they were when its task started (see
    C(plugins/plugin_utils/active_run.py)).
seealso:
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: Go / no-go, with a 10 % warn budget and stricter databases
  golive.readiness.gate:
    max_warn_percent: 10
    groups:
      db:
        max_warn_percent: 0
        unknown: fail
    ignore:
      - check: system/swap_used
        reason: swap is off by design on these hosts (RISK-123)
    # set_stats data reaches AWX only from a task that succeeds: stop in the next task.
    fail_on_nogo: false
  run_once: true
  register: gate

- name: Stop the run on no-go
  ansible.builtin.fail:
    msg: "{{ gate.verdict }}"
  run_once: true
  when: not gate.go
  vars:
    golive_readiness_gate_stop: true
'''

RETURN = r'''
go:
  description: True for go.
  returned: success
  type: bool
verdict:
  description: One line, C(GO ...) or C(NO-GO ...) naming the first blocker.
  returned: success
  type: str
  sample: "NO-GO: fleet: 1 failing check(s) (at most 0 allowed): db1 system/disk_usage:/"
blockers:
  description: Everything that blocks.
  returned: success
  type: list
  elements: str
ignored:
  description: The ignore rules that matched, with reasons and hosts.
  returned: success
  type: list
  elements: dict
counts:
  description: >-
    Checks judged, failing, warning, unknown; unreachable hosts; hosts with no measured check;
    warn and unknown percentages.
  returned: success
  type: dict
groups:
  description: Per group named in O(groups), go and the counts.
  returned: success
  type: dict
section:
  description: O(section), when given.
  returned: success
  type: str
regressions:
  description: Checks that passed in O(baseline) and warn or fail now (host, component, name, status, previous_status, value).
  returned: success
  type: list
  elements: dict
'''
