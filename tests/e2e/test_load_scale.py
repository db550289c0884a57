"""load_test at the guide's scale: 1,000 concurrent connections against a real nginx on loopback.

Bounded in count and time (at most 60,000 requests and 20 s); the load never leaves 127.0.0.1.
Run through ansible-playbook with the fleet_report callback, so the judged mean and p99 are
shown to reach every report format, not only the module's result.
"""

import json
import os
import sys

from conftest import run_playbook
from loopback_nginx import loopback_nginx

CONNECTIONS = 1000
PLAYBOOK = '''
- name: The guide's scale
  hosts: localhost
  gather_facts: false
  tasks:
    - name: 1000 connections against the loopback nginx
      golive.readiness.load_test:
        name: scale
        url: "%(url)shealth"
        concurrency: %(connections)d
        processes: 2
        duration: 8
        max_requests: 60000
        max_duration: 20
        keepalive: true
        # Tight limits, so the judged figures are warnings every report format lists.
        mean: {warn: 1, fail: 10000}
        p99: {warn: 1, fail: 10000}
'''


def test_a_thousand_connections_are_judged_on_mean_and_p99_in_every_report(tmp_path, report_dir):
    with loopback_nginx(str(tmp_path / 'nginx'), {'app': 'location = /health { return 200 "ok"; }'}) as urls:
        playbook = tmp_path / 'scale.yml'
        playbook.write_text(PLAYBOOK % dict(url=urls['app'], connections=CONNECTIONS))
        proc = run_playbook(str(playbook), report_dir, '-i', 'localhost,', '-c', 'local',
                            '-e', 'ansible_python_interpreter=%s' % sys.executable, timeout=300)
    # Warnings pass the gate's default policy; there is no gate play here, the run succeeds.
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    with open(os.path.join(str(report_dir), 'readiness.json')) as handle:
        report = json.load(handle)
    checks = dict((c['name'], c) for host in report['hosts'].values() for c in host['checks'])
    names = ('load_p95:scale', 'load_mean:scale', 'load_p99:scale', 'load_error_rate:scale', 'load_throughput:scale')
    assert set(names) <= set(checks), sorted(checks)
    for name in ('load_mean:scale', 'load_p99:scale'):
        assert checks[name]['status'] == 'warn' and checks[name]['value'] >= 1, checks[name]['message']
        assert checks[name]['unit'] == 'ms' and checks[name]['warn'] == 1
    assert checks['load_mean:scale']['value'] <= checks['load_p99:scale']['value']
    assert '1000 users' in checks['load_mean:scale']['message']
    assert checks['load_error_rate:scale']['status'] == 'pass', checks['load_error_rate:scale']['message']
    for extension in ('md', 'html', 'junit.xml', 'prom'):
        with open(os.path.join(str(report_dir), 'readiness.%s' % extension)) as handle:
            text = handle.read()
        for name in ('load_mean:scale', 'load_p99:scale'):
            assert name in text, (extension, name)
