# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation shared by every golive.readiness check module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    """Attributes every read-only check module shares."""

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return the same measurements as a normal run.
    support: full
  diff_mode:
    description: Returns no diff; the module changes nothing.
    support: none
  action_group:
    description: Use C(group/golive.readiness.checks) in C(module_defaults) to set shared options.
    support: full
    membership:
      - golive.readiness.checks
  platform:
    description: Target OS and family.
    support: full
    platforms: posix
notes:
  - The module is read-only and always returns C(changed=false).
  - A check that measures a problem never fails the task; the task fails only for bad
    input or a missing Python library, so every check runs and the gate decides.
'''

    # Modules built from a check catalogue (golive.readiness.check_common.catalogue).
    CATALOGUE = r'''
options:
  checks:
    description:
      - "Settings of the checks by check name, each a dict like the check's own option
        (C({disk: {warn: 70}, swap: {enabled: false}})); applied over those options."
      - One variable per component for roles and inventories; an unknown check name or a wrong
        setting is bad input naming it.
    type: dict
    default: {}
  variable_prefix:
    description:
      - "Prefix for the option names in input error messages, so they name the variable the
        user set; the golive.readiness.readiness role passes C(readiness_<component>_), and an
        error then reads C(readiness_system_disk.warn: -5 is out of range 0 to 100)."
    type: str
'''
