# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action of golive.readiness.measure: nothing to measure skips the host without connecting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash


class ActionModule(ActionBase):
    """Runs the module as the normal action would, unless ``components`` is empty."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        components = self._task.args.get('components')
        # Saves a connection, a module start and its result per host when the selected areas
        # have nothing for this host (the role's --tags runs). A bad value is the module's to name.
        if isinstance(components, dict) and not components:
            result.update(skipped=True, changed=False, skip_reason='No component to measure on this host')
            return result
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result
