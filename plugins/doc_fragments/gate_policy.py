# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The gate's policy options, shared by golive.readiness.gate and golive.readiness.report_merge.

Held to ``plugins/plugin_utils/gate_policy.py`` (RULES, POLICY_OPTIONS) by
tests/unit/plugins/plugin_utils/test_gate_policy.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """The go / no-go policy: fleet rules, per-group rules, ignores, the verdict's delivery."""

    DOCUMENTATION = r'''
options:
  max_fail:
    description: Failing checks allowed across the fleet.
    type: int
    default: 0
  max_warn_percent:
    description:
      - Warn budget, the largest share of judged checks (percent) that may warn, a number
        from 0 to 100.
    type: float
    default: 100
  max_unknown_percent:
    description:
      - The largest share of judged checks (percent) that may be C(unknown) (could not
        measure), a number from 0 to 100, whatever O(unknown) counts them as.
      - A host where no check measured anything is governed by O(require_measured) instead.
    type: float
    default: 100
    version_added: 0.2.0
  max_unreachable:
    description: Unreachable hosts allowed.
    type: int
    default: 0
  unknown:
    description: How a check that could not measure counts.
    type: str
    choices: [fail, warn, ignore]
    default: warn
  require_evaluated:
    description: A host that was in the play but never measured blocks.
    type: bool
    default: true
  require_measured:
    description:
      - A host that answered but has no measured check (only C(unknown) or C(skip) ones,
        for example every check missing its Python library) blocks.
      - Set V(false) to judge such hosts by O(unknown) and O(max_unknown_percent) alone.
    type: bool
    default: true
    version_added: 0.2.0
  groups:
    description:
      - Stricter or looser rules per inventory group, applied to the group's hosts in addition
        to the fleet rule. Keys are group names; values are dicts of C(max_fail),
        C(max_warn_percent), C(max_unknown_percent), C(max_unreachable), C(unknown),
        C(require_evaluated), C(require_measured).
      - A group named here with no host in the run blocks.
    type: dict
    default: {}
  ignore:
    description: Checks that do not count, each with the reason (shown in the output and report).
    type: list
    elements: dict
    default: []
    suboptions:
      check:
        description:
          - Pattern on C(component/check), for example C(system/swap_used) or C(tls/*); C(*) and
            C(?) are wildcards, brackets are literal.
          - A check of a named instance also matches as C(component[instance]/check), for
            example C(redis[10.0.0.5:6380]/*).
        type: str
        required: true
      hosts:
        description: Shell-style pattern on host names.
        type: str
        default: '*'
      reason:
        description: Why it is ignored; required.
        type: str
        required: true
  fail_on_nogo:
    description:
      - Fail the task on no-go so the playbook exits non-zero.
      - Ansible takes C(set_stats) data only from a task that succeeds; to give AWX the data on
        no-go as well, set this to V(false) and fail in a following task on RV(go) (as
        C(playbooks/readiness.yml) does). Give that task the variable
        C(golive_readiness_gate_stop=true) so the fleet report does not count its failure as
        a failure of the host.
    type: bool
    default: true
  stats_key:
    description: Name of the C(set_stats) key.
    type: str
    default: golive_readiness
'''
