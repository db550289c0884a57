"""backup_check's pure logic: pgBackRest's info JSON, ages, WAL continuity, drill record, Redis archives."""

import json
import os

from ansible_collections.golive.readiness.plugins.module_utils.probes import backup as probes

NOW = 1800000000.0


def backup(label, kind, stop, size=1000, start_wal='000000010000000000000002', stop_wal='000000010000000000000003'):
    return {'label': label, 'type': kind, 'error': False, 'timestamp': {'start': stop - 5, 'stop': stop},
            'info': {'size': size}, 'archive': {'start': start_wal, 'stop': stop_wal}}


def stanza(backups, cipher='aes-256-cbc', wal=('000000010000000000000001', '000000010000000000000009')):
    return {'name': 'main', 'status': {'code': 0, 'message': 'ok'}, 'cipher': cipher,
            'repo': [{'key': 1, 'cipher': cipher, 'status': {'code': 0, 'message': 'ok'}}],
            'archive': [{'id': '15-1', 'min': wal[0], 'max': wal[1]}] if wal else [], 'backup': backups}


def limits(warn, fail, **extra):
    return dict(enabled=True, warn=warn, fail=fail, **extra)


def test_info_of_a_missing_or_unreadable_repository_is_a_reason():
    missing = [{'name': 'main', 'status': {'code': 1, 'message': 'missing stanza path'},
                'repo': [{'status': {'code': 1, 'message': 'missing stanza path'}}]}]
    st, reason = probes.parse_info(0, json.dumps(missing), '')
    assert st is None and 'cannot be read: missing stanza path' in reason
    st, reason = probes.parse_info(None, '', 'No such file')
    assert st is None and 'did not run' in reason
    st, reason = probes.parse_info(0, json.dumps([stanza([])]), '')
    assert reason is None and st['name'] == 'main'


def test_backup_age_in_hours_against_limits():
    st = stanza([backup('F1', 'full', NOW - 10 * 3600), backup('F1_D1', 'diff', NOW - 2 * 3600)])
    full = probes.check_backup_age('full_backup_age', st, ('full',), NOW, limits(8, 24), 'full')
    assert (full['status'], full['value'], full['unit']) == ('warn', 10.0, 'h')
    diff = probes.check_backup_age('diff_backup_age', st, ('full', 'diff'), NOW, limits(26, 50), 'any')
    assert (diff['status'], diff['value']) == ('pass', 2.0)
    stale = probes.check_backup_age('full_backup_age', st, ('full',), NOW, limits(2, 5), 'full')
    assert stale['status'] == 'fail'
    none = probes.check_backup_age('full_backup_age', stanza([]), ('full',), NOW, limits(2, 5), 'full')
    assert none['status'] == 'fail' and 'no full backup' in none['message']


def test_encryption_is_read_not_assumed():
    assert probes.check_encryption(stanza([]), {'expected': 'aes-256-cbc'})['status'] == 'pass'
    plain = probes.check_encryption(stanza([], cipher='none'), {'expected': 'aes-256-cbc'})
    assert plain['status'] == 'fail' and 'not encrypted' in plain['message']


def test_wal_archive_must_cover_every_backup():
    ok = stanza([backup('F1', 'full', NOW)])
    assert probes.check_wal_archive(ok)['status'] == 'pass'
    hole = stanza([backup('F1', 'full', NOW)], wal=('000000010000000000000003', '000000010000000000000009'))
    assert probes.check_wal_archive(hole)['status'] == 'fail'
    assert probes.check_wal_archive(stanza([backup('F1', 'full', NOW)], wal=None))['status'] == 'fail'
    assert probes.check_wal_archive(stanza([]))['status'] == 'skip'


def test_size_change_between_the_last_two_backups():
    st = stanza([backup('F1', 'full', NOW - 100, size=1000), backup('F2', 'full', NOW, size=1600)])
    record = probes.check_size_change(st, limits(25, 50))
    assert (record['status'], record['value']) == ('fail', 60.0)
    assert probes.check_size_change(stanza([backup('F1', 'full', NOW)]), limits(25, 50))['status'] == 'skip'


def test_restore_drill_age_from_the_record(tmp_path):
    path = str(tmp_path / 'dr_drill.json')
    missing = probes.check_restore_drill(NOW, limits(30, 90, record=path))
    assert missing['status'] == 'fail' and 'no restore drill recorded' in missing['message']
    with open(path, 'w') as handle:
        json.dump({'last_passed': NOW - 40 * 86400, 'last_status': 'pass', 'rto_s': 12.5}, handle)
    record = probes.check_restore_drill(NOW, limits(30, 90, record=path))
    assert (record['status'], record['value'], record['details']['rto_s']) == ('warn', 40.0, 12.5)
    with open(path, 'w') as handle:
        json.dump({'last_run': NOW, 'last_status': 'fail'}, handle)
    assert probes.check_restore_drill(NOW, limits(30, 90, record=path))['status'] == 'fail'


def test_redis_archive_age_and_absence(tmp_path):
    opts = limits(26, 50, path=str(tmp_path / 'none'), suffix='.rdb.enc')
    assert probes.check_redis_archive(NOW, opts)['status'] == 'unknown'
    opts['path'] = str(tmp_path)
    assert probes.check_redis_archive(NOW, opts)['status'] == 'fail'
    archive = tmp_path / 'dump-1.rdb.enc'
    archive.write_bytes(b'x')
    os.utime(str(archive), (NOW - 30 * 3600, NOW - 30 * 3600))
    record = probes.check_redis_archive(NOW, opts)
    assert (record['status'], record['value']) == ('warn', 30.0)


def test_without_pgbackrest_the_repository_checks_are_unknown(monkeypatch):
    monkeypatch.setattr(probes, 'find_tool', lambda name: None)
    params = dict(stanza='main', config=None, become_user='postgres', timeout=5)
    opts = probes.CATALOGUE.merged({})
    for name in ('restore_drill', 'redis_archive', 'schedule'):
        opts[name]['enabled'] = False
    result = probes.measure(params, opts, clock=lambda: NOW)
    statuses = dict((c['name'], (c['status'], c['message'])) for c in result['checks'])
    assert statuses['full_backup_age'][0] == 'unknown' and 'pgbackrest is not installed' in statuses['full_backup_age'][1]
    assert statuses['encryption'][0] == 'unknown'
