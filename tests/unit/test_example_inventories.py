"""The example inventories do what the README says: each group switches on its areas.

Runs the real ansible-playbook / ansible-inventory on inventories/prod and inventories/staging:
both playbooks parse and list their tasks (ending with the gate), and every host of a group gets
the areas of its group, with passwords only as vault references.
"""

import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
EXAMPLES = ['prod', 'staging']
GATE_TASKS = ("Decide go / no-go from the fleet's results", 'Stop the run on no-go')
# Between the two: the readiness series into node_exporter (readiness_textfile_enabled), on no-go too.
GATE_EXPORT = ('The hosts with readiness_textfile_enabled on join golive_readiness_textfile_enabled',
               "Each host's readiness series into its node_exporter's textfile directory")
# What each group must switch on: variable -> expected value (None: any non-empty value).
AREAS = {
    'db': {'readiness_postgres_enabled': True,
           'readiness_postgres_password': '{{ vault_readiness_postgres_password }}'},
    'cache': {'readiness_redis_enabled': True,
              'readiness_redis_password': '{{ vault_readiness_redis_password }}'},
    'web': {'readiness_http_enabled': True, 'readiness_http_endpoints': None,
            'readiness_ports_enabled': True, 'readiness_ports_listening': None,
            'readiness_tls_endpoints': None, 'readiness_network_enabled': True,
            'readiness_network_group_targets': [{'group': 'db', 'port': 5432},
                                                {'group': 'cache', 'port': 6379}]},
}


def run(*cmd):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'))
    proc = subprocess.run([os.path.join(BIN, cmd[0])] + list(cmd[1:]), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize('inventory', EXAMPLES)
@pytest.mark.parametrize('playbook', ['readiness.yml', 'load_test.yml'])
def test_playbook_parses_and_ends_with_the_gate(inventory, playbook):
    args = ('-i', 'inventories/%s' % inventory, 'playbooks/%s' % playbook)
    run('ansible-playbook', '--syntax-check', *args)
    listed = run('ansible-playbook', '--list-tasks', *args)
    tasks = [line.strip().split('\t')[0] for line in listed.splitlines()
             if '\tTAGS:' in line and not line.strip().startswith('play #')]
    assert tuple(tasks[-4:]) == (GATE_TASKS[0],) + GATE_EXPORT + (GATE_TASKS[1],), listed
    if playbook == 'readiness.yml':
        # One task measures every enabled component of a host (golive.readiness.measure).
        assert any('Measure the enabled components side by side' in t for t in tasks), listed


@pytest.mark.parametrize('inventory', EXAMPLES)
def test_every_group_switches_on_its_areas(inventory):
    listing = json.loads(run('ansible-inventory', '-i', 'inventories/%s' % inventory, '--list'))
    hostvars = listing['_meta']['hostvars']
    for group, expected in AREAS.items():
        hosts = listing[group]['hosts']
        assert hosts, '%s: group %s has no hosts' % (inventory, group)
        for host in hosts:
            for name, value in expected.items():
                got = hostvars[host].get(name)
                if value is None:
                    assert got, '%s: %s has no %s' % (inventory, host, name)
                else:
                    assert got == value, '%s: %s has %s=%r' % (inventory, host, name, got)
        # The areas of one group stay off for the others (role defaults: off).
        others = [h for g in AREAS if g != group for h in listing[g]['hosts']]
        for host in others:
            for name in expected:
                if name.endswith('_enabled'):
                    assert not hostvars[host].get(name), '%s: %s has %s' % (inventory, host, name)
