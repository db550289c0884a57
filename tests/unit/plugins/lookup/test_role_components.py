"""The readiness role's components, built from its variables (lookup golive.readiness.role_components).

Rendered through a real Templar, as the role's vars/main.yml renders them, so the switches,
the areas and the per-check variables are what ansible-playbook would give the lookup.
"""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
ALL = "{{ query('golive.readiness.role_components') | first }}"
# In a process of its own: ansible's collection finder, once installed, is global and changes how
# the other unit tests import the collection.
RENDER = """
import json, os, sys
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template

def trusted(value):
    # Inventory and role values are trusted templates; values built in a test are not.
    if isinstance(value, dict):
        return dict((key, trusted(item)) for key, item in value.items())
    if isinstance(value, str):
        return trust_as_template(value)
    return value

init_plugin_loader([os.path.join(sys.argv[1], 'collections')])
variables, template = json.loads(sys.argv[2]), sys.argv[3]
try:
    print(json.dumps(Templar(loader=DataLoader(), variables=trusted(variables)).template(trust_as_template(template))))
except AnsibleError as exc:
    print(json.dumps({'error': str(exc)}))
"""


class Refused(Exception):
    pass


def render(template, **variables):
    base = {
        'readiness_component_areas': {'system': 'system', 'redis': 'database', 'tls': 'network'},
        'readiness_selected_areas': "{{ ['system', 'database', 'network'] }}",
        'readiness_component_applies': {'tls': '{{ readiness_tls_endpoints | length > 0 }}'},
        'readiness_tls_endpoints': [],
        'readiness_system_enabled': True, 'readiness_redis_enabled': False, 'readiness_tls_enabled': True,
    }
    base.update(variables)
    proc = subprocess.run([sys.executable, '-c', RENDER, REPO, json.dumps(base), template],
                          capture_output=True, text=True, timeout=60, check=True)
    out = json.loads(proc.stdout)
    if isinstance(out, dict) and set(out) == {'error'}:
        raise Refused(out['error'])
    return out


def test_only_selected_areas_with_their_switch_on_and_applying():
    components = render(ALL, readiness_redis_enabled="{{ 'db' in ['db'] }}",
                        readiness_selected_areas="{{ ['system', 'database'] }}",
                        readiness_tls_endpoints=['example.org:443'])
    assert sorted(components) == ['redis', 'system']      # network not selected: no tls
    assert sorted(render(ALL)) == ['system']               # redis off; tls has no endpoint


def test_per_check_variables_are_merged_over_the_component_dict():
    components = render(ALL, readiness_redis_enabled=True, readiness_redis={'memory': {'warn': 70}},
                        readiness_redis_memory={'fail': 95}, readiness_redis_port=6380,
                        readiness_options_redis={'port': '{{ readiness_redis_port }}', 'host': None})
    assert components['redis'] == {
        'port': 6380, 'host': None, 'variable_prefix': 'readiness_redis_',
        # a per-check dict merges into its entry; a scalar option (port) is not a check
        'checks': {'memory': {'warn': 70, 'fail': 95}}}
    assert components['system'] == {'checks': {}, 'variable_prefix': 'readiness_system_'}


def test_one_component_checks_only():
    checks = render("{{ query('golive.readiness.role_components', component='redis') | first }}",
                    readiness_redis={'memory': {'warn': 70}, 'clients': {'warn': 10}},
                    readiness_redis_clients={'warn': 20})
    assert checks == {'memory': {'warn': 70}, 'clients': {'warn': 20}}


def test_a_switch_that_is_not_a_boolean_is_named():
    with pytest.raises(Refused, match='readiness_redis_enabled'):
        render(ALL, readiness_redis_enabled='perhaps')


def test_a_missing_role_variable_is_named():
    with pytest.raises(Refused, match='readiness_disk_enabled is not defined'):
        render(ALL, readiness_component_areas={'system': 'system', 'disk': 'system'})
