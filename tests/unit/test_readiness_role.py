"""The readiness role is held to the check catalogues, so the two cannot drift."""

import glob
import importlib
import os

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLE = os.path.join(REPO, 'roles', 'readiness')
PROBES = 'ansible_collections.golive.readiness.plugins.module_utils.probes.'
# The role's variable prefix of each component, and the catalogue behind it.
COMPONENTS = {'system': 'system', 'postgres': 'postgres', 'redis': 'redis', 'http': 'http',
              'ports': 'port', 'docker': 'docker', 'network': 'network', 'tls': 'tls',
              'security': 'security', 'backup': 'backup', 'lynis': 'security_audit'}


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def catalogue(component):
    return importlib.import_module(PROBES + COMPONENTS[component]).CATALOGUE


def role_vars():
    return load(os.path.join(ROLE, 'vars', 'main.yml'))


def test_argument_specs_and_defaults_agree():
    spec = load(os.path.join(ROLE, 'meta', 'argument_specs.yml'))['argument_specs']['main']['options']
    defaults = load(os.path.join(ROLE, 'defaults', 'main.yml'))
    assert set(defaults) <= set(spec)
    for name, value in defaults.items():
        assert spec[name].get('default') == value, name


def test_no_check_is_declared_again_in_the_role():
    """Per-check limits live in the catalogues; the role only has one dict per component."""
    spec = load(os.path.join(ROLE, 'meta', 'argument_specs.yml'))['argument_specs']['main']['options']
    for prefix in COMPONENTS:
        checks = catalogue(prefix).by_name
        assert spec['readiness_%s' % prefix]['type'] == 'dict'
        for name in checks:
            variable = 'readiness_%s_%s' % (prefix, name)
            if variable in spec:
                assert spec[variable]['type'] != 'dict', '%s repeats a catalogue check' % variable


def test_every_component_is_measured_by_the_one_task():
    """One task measures every component; each has an area, a switch and a runner."""
    from ansible_collections.golive.readiness.plugins.module_utils.components import RUNNERS

    tasks = [t for name in ('main.yml', 'measure.yml') for t in load(os.path.join(ROLE, 'tasks', name))
             if 'golive.readiness.measure' in t]
    assert len(tasks) == 1
    assert tasks[0]['golive.readiness.measure']['components'] == (
        "{{ lookup('golive.readiness.role_components', validate=true) }}")
    areas = role_vars()['readiness_component_areas']
    assert set(areas) == set(COMPONENTS) == set(RUNNERS)
    spec = load(os.path.join(ROLE, 'meta', 'argument_specs.yml'))['argument_specs']['main']['options']
    for component in areas:
        assert spec['readiness_%s_enabled' % component]['type'] == 'bool'


@pytest.mark.parametrize('prefix', sorted(COMPONENTS))
def test_every_component_passes_real_options_only(prefix):
    """Whatever the role passes a component is a real option of its module."""
    options = role_vars().get('readiness_options_%s' % prefix) or {}
    known = set(catalogue(prefix).argument_spec()) | {'checks', 'variable_prefix'}
    assert set(options) <= known, set(options) - known
    # checks and variable_prefix come from the role_components lookup, for every component alike.
    assert not {'checks', 'variable_prefix'} & set(options)


INVENTORY_FILES = sorted(glob.glob(os.path.join(REPO, 'inventories', '**', '*.yml'), recursive=True)
                         + glob.glob(os.path.join(REPO, 'molecule', '*', 'inventory', '**', '*.yml'),
                                     recursive=True))


@pytest.mark.parametrize('path', INVENTORY_FILES, ids=lambda p: os.path.relpath(p, REPO))
def test_every_per_check_variable_in_the_inventories_names_a_check(path):
    for name, value in load(path).items():
        if not isinstance(value, dict) or not name.startswith('readiness_'):
            continue
        rest = name[len('readiness_'):]
        prefix = next((p for p in COMPONENTS if rest.startswith(p + '_')), None)
        if prefix is None:
            continue
        check = rest[len(prefix) + 1:]
        assert check in catalogue(prefix).by_name, '%s: %s names no check of %s' % (
            os.path.relpath(path, REPO), name, prefix)


def test_readiness_yml_runs_one_task_per_host():
    """Every other task of the plays over the whole fleet runs once for the play (R18)."""
    playbooks = os.path.join(REPO, 'playbooks')
    plays = load(os.path.join(playbooks, 'readiness.yml'))
    plays = [p for play in plays for p in (load(os.path.join(playbooks, play['ansible.builtin.import_playbook']))
                                           if 'ansible.builtin.import_playbook' in play else [play])]
    per_host = []
    for play in plays:
        if not any(name in play['hosts'] for name in ('readiness_hosts', 'golive_gate_hosts')):
            continue   # a play over the hosts that switch an optional step on
        for task in play['tasks']:
            imported = task.get('ansible.builtin.import_role')
            tasks = load(os.path.join(ROLE, 'tasks', imported['tasks_from'] + '.yml')) if imported else [task]
            per_host += [t['name'] for t in tasks if not t.get('run_once')]
    assert per_host == ['Measure the enabled components side by side']
