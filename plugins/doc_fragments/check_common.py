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
