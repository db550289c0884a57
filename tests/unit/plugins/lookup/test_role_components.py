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
ALL = "{{ lookup('golive.readiness.role_components') }}"
VALIDATED = "{{ lookup('golive.readiness.role_components', validate=true) }}"
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


# A variable given as UNDEFINED is left out of the host's variables.
UNDEFINED = object()


def render(template, **variables):
    base = {
        'readiness_component_areas': {'system': 'system', 'redis': 'database', 'tls': 'network'},
        'readiness_selected_areas': "{{ ['system', 'database', 'network'] }}",
        'readiness_component_applies': {'tls': '{{ readiness_tls_endpoints | length > 0 }}'},
        'readiness_tls_endpoints': [],
        'readiness_system_enabled': True, 'readiness_redis_enabled': False, 'readiness_tls_enabled': True,
    }
    base.update(variables)
    base = dict((name, value) for name, value in base.items() if value is not UNDEFINED)
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
    checks = render("{{ lookup('golive.readiness.role_components', component='redis') }}",
                    readiness_redis={'memory': {'warn': 70}, 'clients': {'warn': 10}},
                    readiness_redis_clients={'warn': 20})
    assert checks == {'memory': {'warn': 70}, 'clients': {'warn': 20}}


def test_a_switch_that_is_not_a_boolean_is_named():
    with pytest.raises(Refused, match='readiness_redis_enabled'):
        render(ALL, readiness_redis_enabled='perhaps')


def test_a_missing_role_variable_is_named():
    with pytest.raises(Refused, match='readiness_disk_enabled is not defined'):
        render(ALL, readiness_component_areas={'system': 'system', 'disk': 'system'})


def test_the_areas_follow_tags_and_skip_tags_without_an_override():
    areas = {'system': 'system', 'redis': 'database', 'http': 'application'}
    # readiness_selected_areas undefined: the areas come from the tags.
    switches = dict(readiness_component_areas=areas, readiness_redis_enabled=True,
                    readiness_http_enabled=True, readiness_selected_areas=UNDEFINED)

    def measured(**tags):
        return sorted(render(ALL, **dict(switches, **tags)))

    assert measured() == ['http', 'redis', 'system']                                    # no --tags
    assert measured(ansible_run_tags=['all']) == ['http', 'redis', 'system']
    assert measured(ansible_run_tags=['readiness']) == ['http', 'redis', 'system']
    assert measured(ansible_run_tags=['database', 'application']) == ['http', 'redis']
    assert measured(ansible_run_tags=['all'], ansible_skip_tags=['database']) == ['http', 'system']
    assert measured(ansible_run_tags=['web_perf']) == []                                # another area only


def test_a_caller_choosing_the_areas_overrides_the_tags():
    components = render(ALL, readiness_selected_areas=['system'], ansible_run_tags=['database'],
                        readiness_redis_enabled=True)
    assert sorted(components) == ['system']


def test_validation_names_each_variable_that_does_not_fit_the_role_spec():
    with pytest.raises(Refused) as refused:
        render(VALIDATED, readiness_redis_port='six', readiness_component_timeout='soon',
               readiness_system_enabled='perhaps')
    message = str(refused.value)
    for name in ('readiness_redis_port', 'readiness_component_timeout', 'readiness_system_enabled'):
        assert name in message
    assert 'argument spec' in message


def test_validation_passes_the_role_defaults_and_good_values():
    import yaml
    with open(os.path.join(REPO, 'roles', 'readiness', 'defaults', 'main.yml')) as handle:
        defaults = yaml.safe_load(handle)
    variables = dict(defaults, readiness_redis_port='6380', readiness_component_timeout=30)
    for name in ('readiness_component_areas', 'readiness_component_applies'):
        variables.pop(name, None)
    assert 'system' in render(VALIDATED, **variables)


def test_without_validate_a_bad_value_is_left_to_the_module():
    assert 'system' in render(ALL, readiness_redis_port='six')


def test_the_validation_spec_keeps_what_values_are_checked_against_and_drops_the_docs():
    from ansible_collections.golive.readiness.plugins.plugin_utils.role_spec import role_spec

    spec = role_spec()
    assert spec['readiness_redis_port'] == {'type': 'int', 'default': 6379}
    assert all('description' not in option for option in spec.values())
