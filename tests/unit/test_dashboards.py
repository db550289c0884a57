"""The Grafana dashboards (scripts/dashboards.py -> roles/grafana/files/dashboards/*.json)
against Grafana's dashboard JSON model and the readiness guide's limits.

- the committed files are what the definitions generate (no hand edits);
- schema version, unique dashboard uids, panel ids, refIds, a grid of 24 columns;
- every datasource reference is the uid of the datasource the grafana role provisions;
- every template variable a query uses is defined (or one of Grafana's own);
- every panel has a title, a unit, thresholds and a link to the readiness check it relates to;
  a judged panel's thresholds are that check's default limits in the catalogue, in its direction.
"""
import json
import re
import sys

from pathlib import Path

import pytest
import yaml

from ansible_collections.golive.readiness.plugins.module_utils.readiness import HIGHER_IS_WORSE

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'scripts'))
import dashboards  # noqa: E402  pylint: disable=wrong-import-position

FILES = sorted((ROOT / 'roles' / 'grafana' / 'files' / 'dashboards').glob('*.json'))
GRAFANA_VARIABLES = {'__rate_interval', '__interval', '__range'}


def model(path):
    return json.loads(path.read_text(encoding='utf-8'))


def provisioned_uid():
    return yaml.safe_load((ROOT / 'roles' / 'grafana' / 'vars' / 'main.yml').read_text())['grafana_prometheus_datasource_uid']


def test_files_are_generated():
    assert dashboards.main(['--check']) == 0
    assert [p.name for p in FILES] == sorted(dashboards.build())


def test_the_guides_dashboards():
    titles = {model(p)['title'] for p in FILES}
    assert titles == {'golive / System', 'golive / Application', 'golive / Database', 'golive / Containers',
                      'golive / Fleet readiness'}
    system = {p['title'] for p in model(FILES[-1])['panels']}
    assert {'CPU use', 'Memory available', 'Disk use', 'Network traffic', 'Load per core (5 min)'} <= system


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.name)
def test_json_model(path):
    dash = model(path)
    assert dash['schemaVersion'] == dashboards.SCHEMA_VERSION >= 36
    assert re.match(r'^[a-z0-9-]{1,40}$', dash['uid'])
    ids = [p['id'] for p in dash['panels']]
    assert len(ids) == len(set(ids)) and all(isinstance(i, int) for i in ids)
    for panel in dash['panels']:
        grid = panel['gridPos']
        assert grid['x'] + grid['w'] <= 24 and grid['h'] > 0, panel['title']
        refs = [t['refId'] for t in panel['targets']]
        assert refs and len(refs) == len(set(refs)), panel['title']


def test_uids_are_unique():
    uids = [model(p)['uid'] for p in FILES]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.name)
def test_datasources_resolve_to_the_provisioned_uid(path):
    dash = model(path)
    uid = provisioned_uid()
    refs = [p['datasource'] for p in dash['panels']] + [t['datasource'] for p in dash['panels'] for t in p['targets']]
    refs += [v['datasource'] for v in dash['templating']['list'] if v['type'] == 'query']
    assert refs and all(r == {'type': 'prometheus', 'uid': uid} for r in refs), set(map(str, refs))


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.name)
def test_variables_are_defined(path):
    dash = model(path)
    defined = {v['name'] for v in dash['templating']['list']} | GRAFANA_VARIABLES
    for panel in dash['panels']:
        for target in panel['targets']:
            used = {a or b for a, b in re.findall(r'\$\{(\w+)\}|\$(\w+)', target['expr'])}
            assert used <= defined, (panel['title'], used - defined)


@pytest.mark.parametrize('path', FILES, ids=lambda p: p.name)
def test_panels_title_unit_thresholds_link(path):
    judged = 0
    for panel in model(path)['panels']:
        defaults = panel['fieldConfig']['defaults']
        assert panel['title'] and defaults['unit'], panel
        steps = defaults['thresholds']['steps']
        assert steps[0]['value'] is None, panel['title']
        [link] = panel['links']
        match = re.match(r'^/d/golive-readiness/[\w-]+\?var-component=(\w+)(?:&var-check=(\w+))?$', link['url'])
        assert match, link
        component, name = match.groups()
        assert link['title'] == 'Readiness check %s%s' % (component, '/' + name if name else '')
        if component not in dashboards.CATALOGUES:
            assert component in ('network', 'gate', 'fleet'), component
            assert len(steps) == 1, panel['title']
            continue
        if name is None:
            assert len(steps) == 1, panel['title']
            continue
        check = dashboards.CATALOGUES[component].by_name[name]
        if len(steps) == 1:  # a related panel, not the check's own measure
            continue
        judged += 1
        values = {s['color']: s['value'] for s in steps}
        assert values['orange' if check.direction == HIGHER_IS_WORSE else 'green'] == check.warn, panel['title']
        if check.fail is not None:
            assert values['red' if check.direction == HIGHER_IS_WORSE else 'orange'] == check.fail, panel['title']
        if check.direction == HIGHER_IS_WORSE:
            assert steps[0]['color'] == 'green'
        assert 'warn at %s' % check.warn in panel['description']
    assert judged or 'readiness' in path.name


def test_guide_limits_on_the_system_dashboard():
    """The numbers themselves, as the guide gives them."""
    panels = {p['title']: p['fieldConfig']['defaults']['thresholds']['steps'] for p in model(FILES[-1])['panels']}
    assert [s['value'] for s in panels['CPU use']] == [None, 80, 90]
    assert [s['value'] for s in panels['Disk use']] == [None, 80, 90]
    assert [(s['color'], s['value']) for s in panels['Memory available']] == [('red', None), ('orange', 10), ('green', 20)]


def test_queries_list_every_target():
    queries = list(dashboards.queries())
    assert len(queries) == sum(len(p['targets']) for f in FILES for p in model(f)['panels'])
    assert {q['exporter'] for q in queries} >= {'node', 'app', 'postgres', 'redis', 'cadvisor', 'readiness', 'blackbox'}
