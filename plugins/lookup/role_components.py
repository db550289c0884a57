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
    keyed by component. A component is in it when its area (C(readiness_component_areas)) is
    selected, its switch C(readiness_<component>_enabled) is on and its entry in
    C(readiness_component_applies), if any, is true.
  - The selected areas are C(readiness_selected_areas) when it is defined (a caller that measures
    some areas only), else those C(--tags) names (every area without C(--tags), or with
    C(--tags readiness)), minus those C(--skip-tags) names.
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
  validate:
    description:
      - First validate the role's variables against the role's C(main) argument spec
        (C(meta/argument_specs.yml)), as ansible-core's validation task of the role would, and
        fail naming each variable that does not fit.
      - The role's measuring task does this, so a playbook can import the role with
        C(rolespec_validate=false) and save ansible-core's extra task per host.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Measure the enabled components side by side
  golive.readiness.measure:
    components: "{{ lookup('golive.readiness.role_components', validate=true) }}"
"""

RETURN = r"""
_raw:
  description:
    - One element, the components dict (or, with O(component), that component's check settings).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.collections import is_string
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase

from ansible.module_utils.six.moves.collections_abc import Mapping
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import plain
from ansible_collections.golive.readiness.plugins.plugin_utils.role_spec import role_spec


def selected_areas(areas, run_tags, skip_tags):
    """The areas --tags / --skip-tags select: every area without --tags (or with --tags readiness)."""
    unique = []
    for area in areas:
        if area not in unique:
            unique.append(area)
    run = set(run_tags or ('all',))
    chosen = unique if run & {'all', 'readiness'} else [area for area in unique if area in run]
    return [area for area in chosen if area not in set(skip_tags or ())]


class LookupModule(LookupBase):
    """``lookup('golive.readiness.role_components'[, component=...][, validate=true])``."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        self._variables = variables or {}
        component = self.get_option('component')
        if component:
            return [self._checks(component)]
        if self.get_option('validate'):
            self._validate()
        return [self._components()]

    def _get(self, name, default=None, required=False):
        """Variable ``name`` rendered, ``default`` when it is not defined."""
        if name not in self._variables:
            if required:
                raise AnsibleError('golive.readiness.role_components: the role variable %s is not defined' % name)
            return default
        return self._templar.template(self._variables[name])

    def _validate(self):
        spec = role_spec()
        # plain: validation messages then name str, not ansible-core's tagged types.
        given = dict((name, plain(self._get(name))) for name in spec if name in self._variables)
        errors = ArgumentSpecValidator(spec).validate(given).error_messages
        if errors:
            raise AnsibleError("The readiness role's variables do not fit its argument spec "
                               "(ansible-doc -t role golive.readiness.readiness): %s" % '; '.join(errors))

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
        if 'readiness_selected_areas' in self._variables:
            selected = set(self._get('readiness_selected_areas'))
        else:
            selected = set(selected_areas(areas.values(), self._get('ansible_run_tags'), self._get('ansible_skip_tags')))
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
