"""The readiness role's database area, run by playbooks/readiness.yml against the real test servers."""

import json
import os

import pytest

from conftest import run_playbook, start_service


@pytest.fixture(scope='module')
def servers():
    return dict((name, start_service(name)) for name in ('postgres', 'redis'))


def test_database_area_reports_both_components_without_secrets(servers, report_dir, tmp_path):
    pg, rs = servers['postgres'], servers['redis']
    extra = tmp_path / 'vars.json'
    extra.write_text(json.dumps(dict(
        readiness_postgres_enabled=True, readiness_redis_enabled=True,
        readiness_postgres_host='127.0.0.1', readiness_postgres_port=pg['port'],
        readiness_postgres_database=pg['database'], readiness_postgres_user=pg['user'],
        readiness_postgres_password=pg['password'], readiness_postgres_table_count={'min': 3},
        readiness_redis_port=rs['port'], readiness_redis_username=rs['username'],
        readiness_redis_password=rs['user_password'])))
    os.chmod(str(extra), 0o600)
    proc = run_playbook('readiness.yml', report_dir, '-e', '@%s' % extra, '--tags', 'database', '-vvv')
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    report = json.loads((report_dir / 'readiness.json').read_text())
    text = json.dumps(report)
    assert '"postgres"' in text and '"redis"' in text
    for secret in (pg['password'], rs['user_password'], rs['password']):
        assert secret not in output
        for path in report_dir.iterdir():
            assert secret not in path.read_text(errors='replace'), path.name


def test_database_area_is_off_by_default(report_dir):
    # Nothing else runs with only this tag, so the gate says the host was never evaluated (no-go):
    # what matters here is that nothing was measured: the one measuring task was skipped.
    proc = run_playbook('readiness.yml', report_dir, '--tags', 'database')
    after = proc.stdout.split('Measure the enabled components side by side', 1)[1]
    assert after.split('TASK [', 1)[0].strip().splitlines()[1].startswith('skipping'), proc.stdout[-3000:]
    text = (report_dir / 'readiness.json').read_text()
    assert '"postgres"' not in text and '"redis"' not in text
