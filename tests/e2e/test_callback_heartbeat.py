"""The callback's heartbeat in a real run: a long task names the hosts still running it."""

import re
import time

from conftest import run_playbook

PLAYBOOK = '''
- name: One host is slow
  hosts: all
  gather_facts: false
  tasks:
    - name: Quick task
      ansible.builtin.command: "true"
      changed_when: false
    - name: Slow on one host
      ansible.builtin.command: "sleep {{ 9 if inventory_hostname == 'slow1' else 0 }}"
      changed_when: false
'''
INVENTORY = '''
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  hosts:
    slow1:
    fast1:
    fast2:
'''


def test_long_task_prints_which_hosts_still_run_it(tmp_path, report_dir):
    (tmp_path / 'play.yml').write_text(PLAYBOOK)
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    start = time.monotonic()
    proc = run_playbook(str(tmp_path / 'play.yml'), report_dir, '-i', str(tmp_path / 'hosts.yml'),
                        env={'GOLIVE_REPORT_HEARTBEAT': '2'}, timeout=300)
    wall = time.monotonic() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    beats = [line for line in proc.stdout.splitlines() if line.startswith('heartbeat:')]
    # Never more than one line per 2 s interval over the whole run.
    assert len(beats) <= wall / 2 + 1, (wall, beats)
    for line in beats:
        assert re.match(r'heartbeat: TASK \[[^]]+\] running for \d+ s, still on \d+ hosts?: ', line), line
    slow = [line for line in beats if line.startswith('heartbeat: TASK [Slow on one host]')]
    assert slow, proc.stdout
    # By the end of a 9 s sleep the others have long finished: only the slow host is named.
    assert slow[-1].endswith('still on 1 host: slow1'), beats


def test_heartbeat_off(tmp_path, report_dir):
    (tmp_path / 'play.yml').write_text(PLAYBOOK.replace('7 if', '3 if'))
    (tmp_path / 'hosts.yml').write_text(INVENTORY)
    proc = run_playbook(str(tmp_path / 'play.yml'), report_dir, '-i', str(tmp_path / 'hosts.yml'),
                        env={'GOLIVE_REPORT_HEARTBEAT': '0'}, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'heartbeat:' not in proc.stdout
