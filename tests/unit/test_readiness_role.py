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
              'security': 'security'}


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def catalogue(component):
    return importlib.import_module(PROBES + COMPONENTS[component]).CATALOGUE


def role_tasks():
    tasks = []
    for path in glob.glob(os.path.join(ROLE, 'tasks', '*.yml')):
        tasks.extend(task for task in load(path) if isinstance(task, dict))
    return tasks


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


@pytest.mark.parametrize('prefix', sorted(COMPONENTS))
def test_every_area_task_passes_its_checks_and_names_its_variables(prefix):
    module = 'golive.readiness.%s_check' % COMPONENTS[prefix]
    tasks = [t for t in role_tasks() if module in t]
    assert len(tasks) == 1, module
    args = tasks[0][module]
    assert args['variable_prefix'] == 'readiness_%s_' % prefix
    settable = [c for c in catalogue(prefix).checks if c.spec().get('options') is not None]
    if settable:
        assert args['checks'] == '{{ readiness_component_checks }}'
        assert tasks[0]['vars']['readiness_component'] == prefix
    # Whatever else the task passes is a real option of the module.
    options = set(catalogue(prefix).argument_spec()) | {'checks', 'variable_prefix'}
    assert set(args) <= options, set(args) - options


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
