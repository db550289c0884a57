#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the golive.readiness.report_merge action plugin."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: report_merge
short_description: Merge the fleet reports of a run's slices into one report and judge the whole fleet
version_added: 0.3.0
description:
  - For a fleet run as several jobs over parts of the inventory (AWX / Automation Controller
    job slicing, or C(--limit) by slice), where no job sees the whole fleet. Each slice's
    P(golive.readiness.fleet_report#callback) callback, given a slice id (its C(slice) option,
    C(GOLIVE_REPORT_SLICE)), writes C(<report_name>.slice-<id>.json); this module reads them
    on the controller, merges them into one fleet report built exactly as a single run's
    (hosts, summary, groups, failing checks, score, checklists, comparison with the previous
    merged report), writes it in every format the callback writes (C(<report_name>.json),
    C(.md), C(.html), C(.junit.xml), C(.prom)) and runs the gate's policy over the whole fleet.
  - A missing slice (fewer slice reports than O(slices)) or a stale one (another run id or
    inventory than the run's, or older than O(max_age)) is no-go, with the reason; a stale
    report's hosts are left out. So is a host in two slices, and an unreadable slice report.
  - The run's id and inventory are O(run_id) / O(inventory) when given, else those of the
    newest slice report.
  - Sets C(set_stats) data under O(stats_key) as P(golive.readiness.gate#module) does, so an
    AWX workflow branches on the fleet's verdict; the merged report carries the verdict as
    C(gate), the slices as C(slices) and C(stale_slices).
  - Runs on the controller only (an action plugin); the slice reports must be readable there
    (a shared directory, or fetched first).
author:
  - golive.readiness contributors (@golive)
extends_documentation_fragment:
  - golive.readiness.gate_policy
options:
  src:
    description:
      - Slice report files, or directories holding them (C(<report_name>.slice-*.json)).
    type: list
    elements: path
    required: true
  slices:
    description:
      - How many slices the run has (AWX's job slice count). Fewer usable slice reports is
        no-go, naming the missing ids when the ids are 1 to O(slices).
      - Unset, no slice is known to be missing.
    type: int
  run_id:
    description: The run every slice report must belong to (the callback's C(run_id)).
    type: str
  inventory:
    description:
      - The inventory every slice report must come from (AWX's inventory id, else the
        inventory sources' paths, as the callback records them).
    type: str
  max_age:
    description: A slice report written more than this many seconds ago is stale; V(0) for no limit.
    type: int
    default: 86400
  dest:
    description:
      - Directory the merged report is written to. Default, the one directory in O(src).
    type: path
  report_name:
    description: Base name of the slice reports and of the merged report.
    type: str
    default: readiness
  formats:
    description: Formats of the merged report. C(json) is always written.
    type: list
    elements: str
    choices: [json, markdown, html, junit, prometheus]
    default: [json, markdown, html, junit, prometheus]
  checklists:
    description: Add the operations checklists to the merged report.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
    description: Merges and decides the same in check mode, and writes nothing.
  diff_mode:
    support: none
    description: Returns no diff.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
notes:
  - The slice id of an AWX job is its job id with the callback's C(slice=awx); the run id
    defaults to the AWX workflow job that runs the slices. See C(docs/awx.md).
seealso:
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
  - module: golive.readiness.gate
'''

EXAMPLES = r'''
# Each slice job (AWX job slicing, or ansible-playbook --limit by slice) writes
# <report_dir>/readiness.slice-<id>.json with GOLIVE_REPORT_SLICE set (awx: the job id).
- name: One verdict for the whole fleet
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Merge the three slice reports and judge the fleet
      golive.readiness.report_merge:
        src: [/shared/readiness-reports]
        slices: 3
        max_age: 7200
        max_warn_percent: 10
        fail_on_nogo: false
      register: fleet

    - name: Stop on no-go
      ansible.builtin.fail:
        msg: "{{ fleet.verdict }}"
      when: not fleet.go
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
  sample: "NO-GO: slices: missing slice report(s): 2 of 3 slices found (missing: 2)"
blockers:
  description: Everything that blocks, the slices' problems included (each starting C(slices:)).
  returned: success
  type: list
  elements: str
problems:
  description: Missing, stale, unreadable or overlapping slice reports.
  returned: success
  type: list
  elements: str
slices:
  description: The slice reports merged (id, run_id, inventory, limit, generated_at, file, hosts, status, gate).
  returned: success
  type: list
  elements: dict
stale_slices:
  description: The slice reports left out (id, file, reason).
  returned: success
  type: list
  elements: dict
counts:
  description: As the gate's, over the merged fleet.
  returned: success
  type: dict
groups:
  description: Per group named in O(groups), go and the counts.
  returned: success
  type: dict
ignored:
  description: The ignore rules that matched, with reasons and hosts.
  returned: success
  type: list
  elements: dict
report:
  description: The merged JSON report's path (written unless in check mode).
  returned: success
  type: str
files:
  description: Every file of the merged report set.
  returned: success
  type: list
  elements: str
summary:
  description: The merged fleet's summary lines, as the callback prints them.
  returned: success
  type: list
  elements: str
'''
