"""Each check module's DOCUMENTATION is held to its component's catalogue.

The catalogue is the one definition of a check; the docs are written by hand for people.
This test makes them agree on names, types, defaults, ranges and renamed names.
"""

import importlib
import re

import pytest
import yaml

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import INF, Catalogue
from ansible_collections.golive.readiness.plugins.module_utils.readiness import fmt_number

PACKAGE = 'ansible_collections.golive.readiness.plugins.'
# (module, probes module holding CATALOGUE)
CATALOGUED = [
    ('redis_check', 'redis'),
    ('postgres_check', 'postgres'),
    ('security_check', 'security'),
    ('system_check', 'system'),
    ('port_check', 'port'),
    ('network_check', 'network'),
    ('docker_check', 'docker'),
    ('http_check', 'http'),
    ('tls_check', 'tls'),
    ('backup_check', 'backup'),
    ('web_perf_check', 'web_perf'),
    ('drill_check', 'drill'),
    ('security_audit', 'security_audit'),
    ('prometheus_check', 'prometheus'),
]


def load(module_name, probes_name):
    module = importlib.import_module(PACKAGE + 'modules.' + module_name)
    catalogue = importlib.import_module(PACKAGE + 'module_utils.probes.' + probes_name).CATALOGUE
    assert isinstance(catalogue, Catalogue)
    return yaml.safe_load(module.DOCUMENTATION), catalogue


def text_of(doc):
    description = doc.get('description') or ''
    return ' '.join(description) if isinstance(description, list) else str(description)


def assert_option_matches(path, doc, spec):
    assert doc.get('type', 'str') == spec['type'], '%s: type' % path
    assert doc.get('default') == spec.get('default'), '%s: default %r in the docs, %r in the catalogue' % (
        path, doc.get('default'), spec.get('default'))
    if 'choices' in spec:
        assert doc.get('choices') == spec['choices'], '%s: choices' % path
    if spec.get('elements'):
        assert doc.get('elements') == spec['elements'], '%s: elements' % path
    aliases = list(spec.get('aliases') or ())
    assert list(doc.get('aliases') or ()) == aliases, '%s: aliases' % path


def assert_suboptions_match(path, doc, spec):
    """``doc`` and ``spec`` agree, and so do their suboptions (a list of targets' entries too)."""
    assert_option_matches(path, doc, spec)
    if 'options' in spec:
        subdocs = doc.get('suboptions') or {}
        assert set(subdocs) == set(spec['options']), '%s: suboptions' % path
        for key, sub in spec['options'].items():
            assert_suboptions_match('%s.%s' % (path, key), subdocs[key], sub)


def range_words(option):
    low, high, low_open = option.range
    if high == INF:
        return ['above %s' % fmt_number(low)] if low_open else ['at least %s' % fmt_number(low)]
    return ['%s to %s' % (fmt_number(low), fmt_number(high)), '(%s, %s]' % (fmt_number(low), fmt_number(high))]


@pytest.mark.parametrize('module_name, probes_name', CATALOGUED)
def test_documentation_matches_the_catalogue(module_name, probes_name):
    doc, catalogue = load(module_name, probes_name)
    documented = doc['options']
    spec = catalogue.argument_spec()
    assert set(documented) == set(spec), 'options documented but not in the catalogue or the reverse'
    for name, option_spec in spec.items():
        assert_suboptions_match(name, documented[name], option_spec)
    for check in catalogue.checks:
        subdocs = documented[check.name].get('suboptions') or {}
        for key, option in check.options.items():
            if option.range is not None:
                words = text_of(subdocs[key])
                assert any(w in words for w in range_words(option)), (
                    '%s.%s: the docs must state its range (%s)' % (check.name, key, range_words(option)[0]))
    for key, option in catalogue.options.items():
        if option.range is not None:
            words = text_of(documented[key])
            assert any(w in words for w in range_words(option)), '%s: the docs must state its range' % key


@pytest.mark.parametrize('module_name, probes_name', CATALOGUED)
def test_renamed_checks_are_in_the_docs_and_the_changelog(module_name, probes_name):
    doc, catalogue = load(module_name, probes_name)
    with open('CHANGELOG.md') as handle:
        changelog = handle.read()
    for check in catalogue.checks:
        formerly = check.formerly
        olds = formerly.values() if isinstance(formerly, dict) else ([formerly] if formerly else [])
        for old in olds:
            # A prefix for per-item records ('tls_file:') ends in no word: no \b after it.
            assert re.search(r'\b%s(?!\w)' % re.escape(old), changelog), '%s/%s not in CHANGELOG.md' % (
                catalogue.component, old)


@pytest.mark.parametrize('module_name, probes_name', CATALOGUED)
def test_every_secret_option_is_no_log(module_name, probes_name):
    catalogue = load(module_name, probes_name)[1]
    for name, option in catalogue.argument_spec().items():
        # A check's option holds its settings (password_aging: a policy), not a secret.
        if re.search('passw|secret|token', name) and name not in catalogue.by_name:
            assert option.get('no_log') is True, name
