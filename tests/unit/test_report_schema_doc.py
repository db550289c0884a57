"""docs/report-schema.md documents every key of docs/report.schema.json, at the report's version."""

import json
import os
import re

from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import SCHEMA_VERSION

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = json.load(open(os.path.join(REPO, 'docs', 'report.schema.json')))
DOC = open(os.path.join(REPO, 'docs', 'report-schema.md')).read()
DEFS = SCHEMA.get('$defs') or SCHEMA.get('definitions') or {}


def documented():
    # Every word inside backticks: `summary.host_status`, `hosts.<name>.checks[]`, ...
    return set(w for code in re.findall(r'`([^`]+)`', DOC) for w in re.findall(r'[a-z_]+', code))


def test_doc_is_at_the_report_version():
    assert DOC.startswith('# Fleet report, schema %s' % SCHEMA_VERSION)
    assert '`"%s"`' % SCHEMA_VERSION in DOC


def test_every_key_of_the_schema_is_documented():
    keys = set(SCHEMA['properties'])
    for name in ('host', 'check', 'gate'):
        keys |= set(DEFS[name].get('properties', {}))
    missing = sorted(keys - documented())
    assert not missing, 'docs/report-schema.md does not document: %s' % missing


def test_score_formula_is_documented():
    assert '100 × (pass + 0.5 × warn) / (pass + warn + fail + unknown)' in DOC
