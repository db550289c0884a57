#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: judge a disaster-recovery drill's measured figures against readiness limits."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: drill_check
short_description: Judge a disaster-recovery drill's detection time, RTO, RPO and recovery
version_added: 0.2.0
description:
  - Takes the figures C(playbooks/dr_drill.yml) measured on real hosts and judges each against
    its limits, returning the shared readiness result model as component C(drill) with the drill
    as its instance, so the fleet report, the gate and the HTML report show the drill like any
    other result.
  - "Checks: C(detection), C(rto) (outage to service verified back; the guide's MTTR), C(rpo),
    C(lost_transactions), C(backup_time), C(restore_time), C(data_verified), C(service_recovered)
    and C(block_removed) (the network drill's firewall table is gone)."
  - A figure the drill did not reach because it stopped at a step (O(aborted)) fails naming the
    step; a figure that does not apply to the drill is C(skip).
  - Measures nothing itself; it only judges. Limits must lie in the check's domain and be ordered.
author:
  - golive.readiness contributors (@golive)
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  instance:
    description: Name of the drill in the report; defaults to O(drill).
    type: str
  drill:
    description: Which drill measured the figures.
    type: str
    required: true
    choices: [database, network]
  figures:
    description:
      - "Measured figures: C(detection_s), C(rto_s), C(rpo_s), C(lost_transactions), C(backup_s), C(restore_s)
        (numbers), C(data_verified), C(service_recovered), C(block_removed) (booleans). C(<figure>_detail)
        adds a note to that check's message."
    type: dict
    default: {}
  aborted:
    description: The step at which the drill stopped; figures it did not reach then fail.
    type: str
  detection:
    description: Seconds from the outage to readiness reporting it (check C(detection)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 60}
      fail: {description: Fail above this many seconds., type: float, default: 120}
  rto:
    description: Seconds from the outage to the service verified back - the guide's MTTR of at most 5 minutes (check C(rto)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 240}
      fail: {description: Fail above this many seconds., type: float, default: 300}
  rpo:
    description: Seconds between the newest write the restore brought back and the outage (check C(rpo); database drill).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float, default: 300}
      fail: {description: Fail above this many seconds., type: float, default: 900}
  lost_transactions:
    description: Writes the drill made before the outage that the restore lost (check C(lost_transactions)); no limits by default.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many writes., type: float}
      fail: {description: Fail above this many writes., type: float}
  backup_time:
    description: Seconds the backup before the outage took (check C(backup_time)); no limits by default.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float}
      fail: {description: Fail above this many seconds., type: float}
  restore_time:
    description: Seconds the restore took (check C(restore_time)); no limits by default.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
      warn: {description: Warn at this many seconds., type: float}
      fail: {description: Fail above this many seconds., type: float}
  data_verified:
    description: The marker row and the tables' row counts and checksums match what was recorded (check C(data_verified)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  service_recovered:
    description: The service checks pass again after the recovery (check C(service_recovered)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  block_removed:
    description: The network drill's nftables table is gone afterwards (check C(block_removed)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
seealso:
  - module: golive.readiness.backup_check
'''

EXAMPLES = r'''
- name: Judge the database drill
  golive.readiness.drill_check:
    drill: database
    figures:
      detection_s: 4.2
      rto_s: 41.0
      rpo_s: 3.1
      data_verified: true
      service_recovered: true
    rto:
      fail: 120
'''

RETURN = r'''
readiness:
  description: The drill's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(drill).
      type: str
      sample: drill
    instance:
      description: The drill (O(instance), else O(drill)).
      type: str
      sample: database
    status:
      description: The worst status of the checks.
      type: str
      sample: pass
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 7, warn: 1, fail: 0, unknown: 0, skip: 1}
    checks:
      description: One entry per check.
      type: list
      elements: dict
      sample:
        - name: rto
          status: pass
          value: 41.0
          unit: s
          warn: 240.0
          fail: 300.0
          message: "time from the outage to the service verified back (RTO, MTTR) is 41 s (warn at 240 s, fail above 300 s)"
          remediation: null
          duration_ms: 0.1
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import drill as probes


def main():
    """Entry point: the catalogue in probes/drill.py defines the options and checks."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
