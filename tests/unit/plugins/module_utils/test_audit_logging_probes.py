"""postgres_check logging and security_check log_forwarding: judgement and parsing.

Real services: tests/e2e/test_security_audit.py (PostgreSQL 15 and rsyslog in a fleet container).
"""

from ansible_collections.golive.readiness.plugins.module_utils.probes import log_forwarding as lf
from ansible_collections.golive.readiness.plugins.module_utils.probes import postgres as pg

STOCK = {'log_connections': 'off', 'log_disconnections': 'off', 'log_statement': 'none',
         'shared_preload_libraries': '', 'pgaudit.log': None}


def opts(**given):
    out = dict(enabled=True, required=True, connections=True, statement='ddl', pgaudit='when_installed')
    out.update(given)
    return out


def test_stock_postgres_fails_when_logging_is_required_and_is_reported_otherwise():
    record = pg.judge_logging(STOCK, False, opts())
    assert record['status'] == 'fail'
    assert 'log_connections and log_disconnections off' in record['message']
    assert 'statements of level ddl are not logged' in record['message']
    assert pg.judge_logging(STOCK, False, opts(required=False))['status'] == 'skip'


def test_log_statement_or_pgaudit_covers_the_level():
    on = dict(STOCK, log_connections='on', log_disconnections='on')
    assert pg.judge_logging(dict(on, log_statement='ddl'), False, opts())['status'] == 'pass'
    assert pg.judge_logging(dict(on, log_statement='ddl'), False, opts(statement='mod'))['status'] == 'fail'
    assert pg.judge_logging(dict(on, log_statement='all'), False, opts(statement='mod'))['status'] == 'pass'
    audited = dict(on, shared_preload_libraries='pg_stat_statements, pgaudit', **{'pgaudit.log': 'write, ddl'})
    assert pg.judge_logging(audited, True, opts(statement='mod'))['status'] == 'pass'
    assert pg.judge_logging(dict(audited, **{'pgaudit.log': 'all, -write'}), True, opts(statement='mod'))['status'] == 'fail'
    assert pg.pgaudit_classes('all, -misc, -misc_set') == {'read', 'write', 'function', 'role', 'ddl'}


def test_installed_pgaudit_must_be_loaded_and_unreadable_settings_are_unknown():
    on = dict(STOCK, log_connections='on', log_disconnections='on', log_statement='ddl')
    record = pg.judge_logging(on, True, opts())
    assert record['status'] == 'fail' and 'pgaudit is installed but not in shared_preload_libraries' in record['message']
    assert pg.judge_logging(on, True, opts(pgaudit='ignore'))['status'] == 'pass'
    assert pg.judge_logging(on, False, opts(pgaudit='required'))['status'] == 'fail'
    hidden = dict(on)
    del hidden['shared_preload_libraries']
    assert pg.judge_logging(hidden, True, opts())['status'] == 'unknown'
    assert pg.judge_logging({}, False, opts())['status'] == 'unknown'


RSYSLOG = '''
module(load="imuxsock")
$ActionFileDefaultTemplate RSYSLOG_TraditionalFileFormat
auth,authpriv.*   /var/log/auth.log
*.* @@logs.example.com:6514
# *.* @@commented.example.com
mail.* @10.0.0.5
kern.* @@[2001:db8::1]:514;RSYSLOG_ForwardFormat
action(type="omfwd" target="central.example.com"
       port="10514" protocol="tcp")
action(type="omfile" file="/var/log/x")
'''


def test_rsyslog_and_journal_upload_targets_are_read():
    assert lf.rsyslog_targets(RSYSLOG) == [
        ('logs.example.com', 6514, 'tcp'), ('10.0.0.5', 514, 'udp'), ('2001:db8::1', 514, 'tcp'),
        ('central.example.com', 10514, 'tcp')]
    upload = '[Upload]\nURL=https://logs.example.com\n# URL=http://old:1\n'
    assert lf.journal_upload_targets(upload) == [('logs.example.com', 443, 'tcp')]
    assert lf.journal_upload_targets('[Upload]\nURL=http://10.1.1.1:19532\n') == [('10.1.1.1', 19532, 'tcp')]


def forwarders(**targets):
    return lambda: dict((fw, (['/etc/x'], t)) for fw, t in targets.items())


def test_forwarding_judgement():
    req = dict(enabled=True, required=True, timeout=1)

    def up(host, port, timeout):
        return True, 'connected'

    def down(host, port, timeout):
        return False, 'Connection refused'

    tcp = forwarders(rsyslogd=[('127.0.0.1', 514, 'tcp')])
    assert lf.check_log_forwarding(req, tcp, lambda name: True, up)['status'] == 'pass'
    refused = lf.check_log_forwarding(req, tcp, lambda name: True, down)
    assert refused['status'] == 'fail' and '127.0.0.1:514 (TCP, rsyslogd) does not answer' in refused['message']
    stopped = lf.check_log_forwarding(req, tcp, lambda name: False, up)
    assert stopped['status'] == 'fail' and 'rsyslogd is configured to forward but is not running' in stopped['message']
    udp = forwarders(rsyslogd=[('10.0.0.5', 514, 'udp')])
    assert lf.check_log_forwarding(req, udp, lambda name: True, up)['status'] == 'warn'
    none = lf.check_log_forwarding(req, forwarders(rsyslogd=[]), lambda name: True, up)
    assert none['status'] == 'fail' and 'no log forwarding configured' in none['message']
    assert lf.check_log_forwarding(dict(req, required=False), tcp, lambda name: True, up)['status'] == 'skip'
