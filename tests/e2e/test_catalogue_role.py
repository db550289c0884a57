"""One definition per check, end to end: the role passes a component's checks as one dict.

A check added by one catalogue entry (in a copy of the collection) is run by the role, judged
with the limits an inventory gives it, shown in the report and validated with an error that
names the role variable, with no other file touched.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import REPO, ansible_env

NEW_ENTRY = '''
# Added by the test: one entry, nothing else.
CATALOGUE = Catalogue('system', list(CATALOGUE.checks) + [
    Check('uptime_demo', lambda h, o: measured(
        'uptime_demo', round(float(open('/proc/uptime').read().split()[0]) / 86400.0, 4), 'days',
        o['warn'], o['fail'], LOWER_IS_WORSE, subject='uptime'), unit='days',
        direction=LOWER_IS_WORSE, warn=0, fail=0),
])
'''


@pytest.fixture(scope='module')
def collection_copy(tmp_path_factory):
    """A copy of the collection whose system catalogue has one more entry."""
    root = tmp_path_factory.mktemp('collections')
    dest = root / 'ansible_collections' / 'golive' / 'readiness'
    for part in ('plugins', 'roles', 'playbooks', 'meta', 'inventories'):
        shutil.copytree(os.path.join(REPO, part), str(dest / part), symlinks=False)
    shutil.copy(os.path.join(REPO, 'galaxy.yml'), str(dest / 'galaxy.yml'))
    probes = dest / 'plugins' / 'module_utils' / 'probes' / 'system.py'
    probes.write_text(probes.read_text() + NEW_ENTRY)
    return root, dest


def run(collection_copy, report_dir, extra):
    root, dest = collection_copy
    cfg = report_dir.parent / 'ansible.cfg'
    with open(os.path.join(REPO, 'ansible.cfg')) as handle:
        text = handle.read()
    cfg.write_text(text.replace('collections_path = ./collections:', 'collections_path = %s:' % root)
                   .replace('inventory = inventories/local', 'inventory = %s' % (dest / 'inventories' / 'local')))
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
           str(dest / 'playbooks' / 'readiness.yml'), '--tags', 'system', '-e', json.dumps(extra)]
    return subprocess.run(cmd, cwd=str(report_dir.parent), capture_output=True, text=True, timeout=300,
                          check=False, env=ansible_env(ANSIBLE_CONFIG=str(cfg),
                                                       GOLIVE_REPORT_DIR=str(report_dir)))


CALM = {'readiness_system_cpu': {'warn': 100, 'fail': 100}, 'readiness_system_load': {'warn': 1000, 'fail': 2000},
        'readiness_gate_enabled': False}


def test_a_new_catalogue_entry_reaches_the_role_and_the_report(collection_copy, report_dir):
    # The component's dict sets one limit, the per-check variable merges the other over it.
    extra = dict(CALM, readiness_system={'uptime_demo': {'warn': 100000}, 'disk': {'paths': ['/']}},
                 readiness_system_uptime_demo={'fail': 0.0001})
    proc = run(collection_copy, report_dir, extra)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((report_dir / 'readiness.json').read_text())
    checks = dict((c['name'], c) for c in report['hosts']['localhost']['checks'])
    assert checks['uptime_demo']['status'] == 'warn', checks['uptime_demo']
    assert (checks['uptime_demo']['warn'], checks['uptime_demo']['fail']) == (100000, 0.0001)
    assert checks['uptime_demo']['value'] > 0
    assert list(n for n in checks if n.startswith('disk:')) == ['disk:/']


def test_a_bad_limit_names_the_role_variable(collection_copy, report_dir):
    proc = run(collection_copy, report_dir, dict(CALM, readiness_system_uptime_demo={'warn': -1}))
    assert proc.returncode != 0
    assert 'readiness_system_uptime_demo.warn: -1 must be at least 0' in proc.stdout, proc.stdout


def test_an_unknown_check_name_is_bad_input(collection_copy, report_dir):
    proc = run(collection_copy, report_dir, dict(CALM, readiness_system={'dsik': {'warn': 70}}))
    assert proc.returncode != 0
    assert 'dsik: no such check of system' in proc.stdout, proc.stdout
