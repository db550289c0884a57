# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness role's components for this host, built from its variables in Python."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: role_components
author:
  - golive.readiness contributors (@golive)
short_description: The components the readiness role measures on a host, with their options
description:
  - Used by the C(golive.readiness.readiness) role; not meant for playbooks.
  - Returns the C(components) option of M(golive.readiness.measure) for the current host, a dict
    keyed by component. A component is in it when its area (C(readiness_component_areas)) is in
    C(readiness_selected_areas), its switch C(readiness_<component>_enabled) is on and its entry in
    C(readiness_component_applies), if any, is true.
  - Each component gets its module options (C(readiness_options_<component>)), its
    C(variable_prefix) and its C(checks) - the component's dict (C(readiness_redis)) with each
    per-check dict variable (C(readiness_redis_memory)) merged over its entry.
  - With O(component), only that component's C(checks) (for a task that runs one component's
    module on its own).
  - The role did this in Jinja; ansible-core compiles every template again in each task's worker
    process, which made that the largest part of the role's controller CPU per host.
options:
  component:
    description: Only the check settings of this component.
    type: str
"""

EXAMPLES = r"""
- name: Measure the enabled components side by side
  golive.readiness.measure:
    components: "{{ query('golive.readiness.role_components') | first }}"
"""

RETURN = r"""
_raw:
  description:
    - One element, the components dict (or, with O(component), that component's check settings).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.module_utils.common.collections import is_string
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase

from ansible.module_utils.six.moves.collections_abc import Mapping


class LookupModule(LookupBase):
    """``query('golive.readiness.role_components'[, component=...])``."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        self._variables = variables or {}
        component = self.get_option('component')
        if component:
            return [self._checks(component)]
        return [self._components()]

    def _get(self, name, default=None, required=False):
        """Variable ``name`` rendered, ``default`` when it is not defined."""
        if name not in self._variables:
            if required:
                raise AnsibleError('golive.readiness.role_components: the role variable %s is not defined' % name)
            return default
        return self._templar.template(self._variables[name])

    def _switch(self, name, value):
        try:
            return boolean(value, strict=True)
        except TypeError as exc:
            raise AnsibleError('%s: %s' % (name, exc))

    def _checks(self, component):
        """The component's dict with each ``readiness_<component>_<check>`` dict merged over its entry."""
        prefix = 'readiness_%s_' % component
        checks = dict(self._get('readiness_' + component) or {})
        for name in sorted(n for n in self._variables if is_string(n) and n.startswith(prefix) and n != prefix):
            value = self._get(name)
            if isinstance(value, Mapping):
                key = name[len(prefix):]
                merged = dict(checks.get(key) or {})
                merged.update(value)
                checks[key] = merged
        return checks

    def _components(self):
        areas = self._get('readiness_component_areas', required=True)
        selected = set(self._get('readiness_selected_areas', required=True))
        applies = self._variables.get('readiness_component_applies') or {}
        out = {}
        for component, area in areas.items():
            if area not in selected:
                continue
            switch = 'readiness_%s_enabled' % component
            if not self._switch(switch, self._get(switch, required=True)):
                continue
            # Rendered one entry at a time: an entry may name variables of an area not in use.
            if component in applies and not self._switch('readiness_component_applies.' + component,
                                                         self._templar.template(applies[component])):
                continue
            options = dict(self._get('readiness_options_' + component) or {})
            options.update(checks=self._checks(component), variable_prefix='readiness_%s_' % component)
            out[component] = options
        return out
