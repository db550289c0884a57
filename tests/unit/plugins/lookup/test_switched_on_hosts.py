"""The play's hosts with a readiness role switch on (lookup golive.readiness.switched_on_hosts).

Through a real ansible-playbook on a local inventory: each host's own value (inventory, group,
extra vars) or else the role's default from its argument spec.
"""

import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
INVENTORY = """
all:
  vars: {ansible_connection: local}
  children:
    web:
      vars: {readiness_web_perf_enabled: true}
      hosts:
        web1: {}
        web2: {readiness_web_perf_enabled: 'no'}
    db:
      hosts:
        db1: {readiness_install_dependencies: 'yes'}
        db2: {}
"""
PLAYBOOK = """
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: "ON {{ lookup('golive.readiness.switched_on_hosts', *switches, wantlist=true) | to_json }}"
      run_once: true
"""


def switched_on(tmp_path, switches, *args):
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    (tmp_path / 'play.yml').write_text(PLAYBOOK)
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    env.update(ANSIBLE_CONFIG=os.path.join(REPO, 'ansible.cfg'), GOLIVE_REPORT_DIR=str(tmp_path / 'reports'),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, 'collections'), ANSIBLE_NOCOLOR='1')
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
                           str(tmp_path / 'play.yml'), '-i', str(tmp_path / 'hosts.yml'),
                           '-e', json.dumps({'switches': switches})] + list(args),
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)
    out = proc.stdout + proc.stderr
    if proc.returncode:
        return out
    line = next(line for line in proc.stdout.splitlines() if '"msg": "ON ' in line)
    return json.loads(json.loads('{%s}' % line.strip())['msg'][3:])


def test_each_hosts_own_value_else_the_role_default(tmp_path):
    found = switched_on(tmp_path, ['readiness_web_perf_enabled', 'readiness_install_dependencies'])
    assert found == [{'host': 'web1', 'switch': 'readiness_web_perf_enabled'},
                     {'host': 'db1', 'switch': 'readiness_install_dependencies'}]


def test_extra_vars_switch_every_host_and_limit_narrows_the_play(tmp_path):
    found = switched_on(tmp_path, ['readiness_textfile_enabled'], '-e', 'readiness_textfile_enabled=true',
                        '--limit', 'db1,web2')
    assert found == [{'host': 'web2', 'switch': 'readiness_textfile_enabled'},
                     {'host': 'db1', 'switch': 'readiness_textfile_enabled'}]


def test_a_switch_that_is_not_a_boolean_names_the_host_and_the_variable(tmp_path):
    out = switched_on(tmp_path, ['readiness_web_perf_enabled'], '-e', 'readiness_web_perf_enabled=perhaps')
    assert 'readiness_web_perf_enabled of host web1' in out and 'perhaps' in out, out
    assert 'Traceback' not in out


def test_only_boolean_variables_of_the_role_are_switches(tmp_path):
    for name in ('readiness_web_perf_pages', 'readiness_no_such_switch'):
        out = switched_on(tmp_path, [name])
        assert "'%s' is not a boolean variable of the readiness role" % name in out, out
