# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The play's hosts on which switches of the readiness role are on, read in one task."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: switched_on_hosts
author:
  - golive.readiness contributors (@golive)
short_description: The play's hosts on which a switch of the readiness role is on
description:
  - Used by the collection's playbooks; not meant for other playbooks.
  - For each term, a boolean variable of the C(golive.readiness.readiness) role
    (C(readiness_install_dependencies), C(readiness_web_perf_enabled), C(readiness_textfile_enabled)),
    the hosts of the play (C(ansible_play_hosts)) on which it is true, each host's own value
    or else the role's default.
  - One task for the whole play reads every host's switch, so a playbook can run an optional
    step as a play of its own on those hosts (C(ansible.builtin.add_host) into a group) instead
    of a task every host of the play skips, which costs the controller a worker process per host.
options:
  _terms:
    description: Names of boolean variables of the role's C(main) argument spec.
    required: true
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: The hosts that audit web pages join golive_readiness_web_perf_enabled
  ansible.builtin.add_host:
    name: "{{ item.host }}"
    groups: "golive_{{ item.switch }}"
  loop: "{{ lookup('golive.readiness.switched_on_hosts', 'readiness_web_perf_enabled', wantlist=true) }}"
  run_once: true
"""

RETURN = r"""
_raw:
  description: One element per host and switch that is on, in the play's host order.
  type: list
  elements: dict
  contains:
    host:
      description: The inventory name of the host.
      type: str
    switch:
      description: The switch (a term).
      type: str
"""

from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.lookup import LookupBase

from ansible_collections.golive.readiness.plugins.plugin_utils.role_spec import role_spec


class LookupModule(LookupBase):
    """``lookup('golive.readiness.switched_on_hosts', switch, ..., wantlist=true)``."""

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        variables = variables or {}
        spec = role_spec()
        for switch in terms:
            if spec.get(switch, {}).get('type') != 'bool':
                raise AnsibleError('golive.readiness.switched_on_hosts: %r is not a boolean variable of the '
                                   'readiness role (ansible-doc -t role golive.readiness.readiness)' % (switch,))
        hostvars = variables.get('hostvars') or {}
        out = []
        for host in self._templar.template(variables.get('ansible_play_hosts') or []):
            own = hostvars[host] if host in hostvars else {}
            for switch in terms:
                value = self._templar.template(own[switch]) if switch in own else spec[switch].get('default', False)
                try:
                    on = boolean(value, strict=True)
                except TypeError as exc:
                    raise AnsibleError('%s of host %s: %s' % (switch, host, exc))
                if on:
                    out.append({'host': host, 'switch': switch})
        return out
