"""security_audit and security_check's least-privilege checks, run for real in a systemd
container of the test fleet's image.

Through the readiness role and the fleet report as a user runs it: Lynis missing is `unknown`
naming readiness_install_dependencies; with installing on, the role installs Debian's lynis
and the audit runs. Then the module over the docker connection: a deliberate Lynis warning
(an account without a password, AUTH-9283) is a `fail` check with its test id, the previous
audit shows it as new, removing the account resolves it; an audit past its budget is stopped
(no Lynis process left) and reported. Focused audits (``tests``) keep it to seconds; the full
audit (stock vs hardened index) runs in the hardening scenario.

Encryption in transit (http_check https_only): the fleet image's nginx serving TLS on 443 and,
on port 80, first the site in plaintext (fail), then a redirect to https:// (pass), then nothing.

PostgreSQL (postgres_check tls.required): the fleet image's PostgreSQL 15 with Debian's TLS
certificate, pg_hba.conf with `host` lines (plaintext accepted: fail), then `hostssl` only (pass,
with the negotiated TLS version).

Least privilege (security_check): a sudoers drop-in granting NOPASSWD: ALL to a non-admin group
fails and passes once removed; Redis started as root is named by root_services.

Audit logging: postgres_check logging on Debian's PostgreSQL 15 (stock: fail; log_connections /
log_disconnections / log_statement set: pass; pgaudit installed but not loaded: fail; loaded with
pgaudit.log: pass) and security_check log_forwarding with Debian's rsyslog forwarding over TCP to
a collector in the container (answers: pass; stopped: fail; no rule: fail).
"""

import json
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import docker, run_module_in, run_playbook, start_systemd_container, bed_image

FOCUS = ['AUTH-9283', 'AUTH-9204']


@pytest.fixture(scope='module')
def host():
    image = bed_image('GOLIVE_FLEET_IMAGE')
    if not shutil.which('docker') or not image or docker('image', 'inspect', image, check=False).returncode:
        pytest.skip('no test fleet image: run scripts/testbed/build-images.sh')
    name = 'sec-audit-%s' % uuid.uuid4().hex[:6]
    try:
        yield start_systemd_container(image, name)
    finally:
        docker('rm', '-f', name, check=False)


def audit(host, args, check_mode=False):
    """Run security_audit in ``host`` through the docker connection; its result."""
    return run_module_in(host, 'security_audit', args, check_mode=check_mode, timeout=600)


def security_check(host, args):
    """security_check in ``host`` with only the given checks switched on."""
    off = dict((name, {'enabled': False}) for name in (
        'sshd', 'exposed_services', 'updates', 'auditd', 'world_writable', 'suid', 'password_aging',
        'time_sync', 'sudoers', 'root_services', 'journald'))
    off.update(args)
    return by_name(run_module_in(host, 'security_check', off))


def test_sudoers_drop_in_for_a_non_admin_group_is_reported_and_removing_it_passes(host):
    assert security_check(host, {'sudoers': {}})['sudoers']['status'] == 'pass'   # Debian's stock sudoers
    docker('exec', host, 'sh', '-c', "echo '%sec-ops ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/sec-ops "
                                     "&& chmod 0440 /etc/sudoers.d/sec-ops && visudo -c")
    try:
        record = security_check(host, {'sudoers': {}})['sudoers']
        assert record['status'] == 'fail'
        assert record['details']['findings'] == ['/etc/sudoers.d/sec-ops:1 %sec-ops NOPASSWD: ALL']
        assert 'visudo' in record['remediation']
    finally:
        docker('exec', host, 'rm', '-f', '/etc/sudoers.d/sec-ops')
    assert security_check(host, {'sudoers': {}})['sudoers']['status'] == 'pass'


def test_a_service_the_roles_run_unprivileged_running_as_root_is_named(host):
    assert security_check(host, {'root_services': {}})['root_services']['status'] == 'pass'
    docker('exec', host, 'redis-server', '--port', '6391', '--daemonize', 'yes', '--save', '')
    try:
        record = security_check(host, {'root_services': {}})['root_services']
        assert record['status'] == 'fail' and record['details']['root'][0].startswith('redis-server (pid ')
    finally:
        docker('exec', host, 'redis-cli', '-p', '6391', 'shutdown', 'nosave', check=False)


NGINX_TLS = """server {
    listen 443 ssl;
    ssl_certificate /etc/ssl/sec/cert.pem;
    ssl_certificate_key /etc/ssl/sec/key.pem;
    location / { return 200 "ok\\n"; }
}
"""
PLAIN_SITE = 'server { listen 80; location / { return 200 "ok\\n"; } }\n'
REDIRECT = "server { listen 80; return 301 https://$host$request_uri; }\n"


def nginx(host, plain):
    """Serve TLS on 443 and ``plain`` (a server block, or None) on 80; reload nginx."""
    script = ('set -e; mkdir -p /etc/ssl/sec; [ -f /etc/ssl/sec/key.pem ] || openssl req -x509 -newkey rsa:2048 '
              '-nodes -subj /CN=localhost -days 2 -keyout /etc/ssl/sec/key.pem -out /etc/ssl/sec/cert.pem '
              '2>/dev/null; rm -f /etc/nginx/sites-enabled/*; cat > /etc/nginx/sites-enabled/sec-tls; '
              'printf %s "$1" > /etc/nginx/sites-enabled/sec-plain; nginx -t -q; '
              'systemctl restart nginx')
    proc = subprocess.run(['docker', 'exec', '-i', host, 'sh', '-c', script, 'sh', plain or ''],
                          input=NGINX_TLS, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def https_only(host):
    """http_check of https://127.0.0.1/ marked HTTPS-only, run in ``host``; its https_only record."""
    args = {'endpoints': [{'name': 'site', 'url': 'https://127.0.0.1/', 'validate_certs': False,
                           'https_only': True, 'timeout': 5}]}
    checks = by_name(run_module_in(host, 'http_check', args))
    assert checks['response_time:site']['details']['status_code'] == 200, checks
    return checks['https_only:site']


def test_https_only_endpoint_is_proven_by_trying_plain_http(host):
    nginx(host, PLAIN_SITE)
    record = https_only(host)
    assert record['status'] == 'fail' and record['value'] == 200, record
    assert 'answers plain HTTP with status 200' in record['message'] and 'return 301' in record['remediation']
    nginx(host, REDIRECT)
    record = https_only(host)
    assert record['status'] == 'pass' and record['value'] == 301
    assert record['details']['location'] == 'https://127.0.0.1/'
    nginx(host, None)
    record = https_only(host)
    assert record['status'] == 'pass' and 'serves no plain HTTP' in record['message']


def test_journald_kept_too_briefly_fails_and_the_stock_persistent_journal_passes(host):
    record = security_check(host, {'journald': {'retention_days': 90}})['journald']
    assert record['status'] == 'pass' and record['details']['journal_dir'] is True, record   # Debian 12
    docker('exec', host, 'sh', '-c', 'mkdir -p /etc/systemd/journald.conf.d && printf "[Journal]\\n'
                                     'MaxRetentionSec=7d\\n" > /etc/systemd/journald.conf.d/sec-short.conf')
    try:
        record = security_check(host, {'journald': {'retention_days': 90}})['journald']
        assert record['status'] == 'fail' and record['value'] == 7.0, record
        assert 'keeps 7 days, less than the 90 required' in record['message']
    finally:
        docker('exec', host, 'rm', '-f', '/etc/systemd/journald.conf.d/sec-short.conf')


def test_auditd_that_cannot_run_in_a_container_is_unknown_with_the_reason(host):
    docker('exec', host, 'sh', '-c', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq auditd >/dev/null 2>&1 '
                                     '|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq auditd)',
           timeout=300)
    record = security_check(host, {'auditd': {}})['auditd']
    assert record['status'] == 'unknown' and 'kernel refuses audit requests' in record['message'], record


def pg_hba(host, kind):
    """pg_hba.conf with TCP lines of ``kind`` (host or hostssl) for 127.0.0.1; PostgreSQL reloaded."""
    hba = 'local all postgres peer\nlocal all all peer\n%s all all 127.0.0.1/32 scram-sha-256\n' % kind
    proc = subprocess.run(['docker', 'exec', '-i', host, 'sh', '-c',
                           'cat > /etc/postgresql/15/main/pg_hba.conf && systemctl reload-or-restart postgresql'],
                          input=hba, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def postgres_tls(host, password):
    args = {'host': '127.0.0.1', 'user': 'sec_probe', 'password': password, 'sslmode': 'require',
            'tls': {'required': True, 'min_version': 'TLSv1.2'}, 'privileges': {}}
    off = dict((name, {'enabled': False}) for name in (
        'server_version', 'database_size', 'table_count', 'connections', 'cache_hit_ratio', 'long_transactions',
        'idle_in_transaction', 'replication_lag', 'slow_statements', 'query_latency'))
    args.update(off)
    result = run_module_in(host, 'postgres_check', args)
    assert password not in json.dumps(result)
    checks = by_name(result)
    assert checks['connection']['status'] in ('pass', 'warn', 'fail') and checks['connection']['value'], checks
    return checks['tls'], checks['privileges']


def test_postgres_plaintext_and_privileges(host):
    password = uuid.uuid4().hex
    docker('exec', host, 'systemctl', 'start', 'postgresql')
    docker('exec', host, 'su', 'postgres', '-c',
           "psql -qc \"CREATE ROLE sec_probe LOGIN PASSWORD '%s'\"" % password)
    pg_hba(host, 'host')
    record, privileges = postgres_tls(host, password)
    assert record['status'] == 'fail' and 'accepts a plaintext connection' in record['message'], record
    assert record['value'] == 'TLSv1.3' and 'hostssl' in record['remediation']
    # PostgreSQL 15 as Debian installs it: postgres the only superuser, no CREATE on public for PUBLIC.
    assert privileges['status'] == 'pass' and privileges['details']['superusers'] == ['postgres'], privileges
    pg_hba(host, 'hostssl')
    psql = "su postgres -c 'psql -qc \"%s\"'"
    docker('exec', host, 'sh', '-c', psql % 'CREATE ROLE sec_admin SUPERUSER; GRANT CREATE ON SCHEMA public TO PUBLIC')
    try:
        record, privileges = postgres_tls(host, password)
    finally:
        docker('exec', host, 'sh', '-c', psql % 'DROP ROLE sec_admin; REVOKE CREATE ON SCHEMA public FROM PUBLIC')
    assert record['status'] == 'pass' and record['details']['plaintext_refused'] is True, record
    assert 'no encryption' in record['details']['refusal'] and record['value'] == 'TLSv1.3'
    assert privileges['status'] == 'fail' and 'sec_admin' in privileges['message'], privileges
    assert 'every role (PUBLIC) may CREATE in schema public' in privileges['message']


def by_name(result):
    return dict((c['name'], c) for c in result['readiness']['checks'])


def role_run(host, report_dir, install):
    extra = {'readiness_lynis_enabled': True, 'readiness_lynis_tests': FOCUS,
             'readiness_install_dependencies': install, 'readiness_gate_enabled': False,
             'ansible_python_interpreter': '/usr/bin/python3'}
    proc = run_playbook('readiness.yml', report_dir, '-i', '%s,' % host, '-c', 'community.docker.docker',
                        '--tags', 'security', '-e', json.dumps(extra), timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((report_dir / 'readiness.json').read_text())
    return dict((c['name'], c) for c in report['hosts'][host]['checks'])


def test_role_reports_lynis_missing_then_installs_it(host, report_dir):
    checks = role_run(host, report_dir, install=False)
    assert set(checks) == {'hardening_index', 'warnings', 'suggestions', 'tests_skipped', 'previous_audit'}
    for check in checks.values():
        assert check['component'] == 'lynis'
        assert check['status'] == 'unknown' and 'Lynis is not installed' in check['message']
        assert 'readiness_install_dependencies' in check['remediation']
    checks = role_run(host, report_dir, install=True)
    assert checks['warnings']['status'] == 'pass', checks['warnings']
    assert checks['hardening_index']['status'] == 'skip'          # a focused audit: not judged
    assert checks['previous_audit']['status'] == 'skip'           # the first audit is kept


def test_deliberate_warning_fails_with_its_test_id_and_is_new_since_the_last_audit(host):
    # Runs after the role installed Lynis and kept a first audit.
    docker('exec', host, 'sh', '-c', 'useradd -M sec-nopw && passwd -d sec-nopw')
    try:
        checks = by_name(audit(host, {'tests': FOCUS}))
        warning = checks['warnings:AUTH-9283']
        assert warning['status'] == 'fail' and 'Found accounts without password' in warning['message']
        assert 'Account without password: sec-nopw' in warning['details']['evidence']
        assert warning['remediation'].endswith('https://cisofy.com/lynis/controls/AUTH-9283/')
        assert checks['previous_audit']['status'] == 'warn'
        assert checks['previous_audit']['details']['new_warnings'] == ['AUTH-9283']
        # Check mode audits the same and keeps nothing: the warning is still new next time.
        checks = by_name(audit(host, {'tests': FOCUS}, check_mode=True))
        assert checks['warnings:AUTH-9283']['status'] == 'fail'
        assert 'check mode' in checks['previous_audit']['message']
    finally:
        docker('exec', host, 'userdel', 'sec-nopw')
    result = audit(host, {'tests': FOCUS, 'keep_report': '/root/lynis-report.dat'})
    checks = by_name(result)
    assert result['changed'] is False
    assert checks['warnings']['status'] == 'pass' and 'warnings:AUTH-9283' not in checks
    assert checks['previous_audit']['details']['resolved_warnings'] == ['AUTH-9283']
    kept = docker('exec', host, 'stat', '-c', '%a', '/root/lynis-report.dat').stdout.strip()
    assert kept == '600'
    # Nothing of Lynis's own under /var/log: its report and log went to a private directory.
    assert docker('exec', host, 'ls', '/var/log/lynis.log', check=False).returncode != 0


def test_audit_past_its_budget_is_stopped_and_reported(host):
    start = time.monotonic()
    result = audit(host, {'budget_s': 3})
    elapsed = time.monotonic() - start
    for check in result['readiness']['checks']:
        assert check['status'] == 'unknown' and 'did not finish within its budget (budget_s 3 s)' in check['message']
        assert 'budget_s' in check['remediation']
    assert elapsed < 60
    processes = docker('exec', host, 'ps', '-eo', 'args').stdout
    assert 'lynis' not in processes and docker('exec', host, 'test', '-e', '/run/lynis.pid', check=False).returncode


@pytest.mark.parametrize('args, message', [
    ({'tests': ['auth-1']}, "tests: 'auth-1' is not a Lynis test id (like AUTH-9283)"),
    ({'hardening_index': {'warn': 50, 'fail': 60}},
     'hardening_index: warn limit 50 is below the fail limit 60; with lower values being worse, warn must be >= fail'),
    ({'budget_s': 0}, 'budget_s: 0 is out of range (0, 3600]'),
])
def test_bad_input_is_one_line(host, args, message):
    bad = audit(host, args)
    assert bad.get('failed') is True and bad['msg'] == message and 'readiness' not in bad


@pytest.fixture(scope='module')
def log_packages(host):
    """pgaudit and rsyslog from Debian's packages, in one apt run for both tests (apt is the slow part)."""
    apt_install(host, 'postgresql-15-pgaudit', 'rsyslog')
    # Installed, not started: the tests start what they need, in the order they need it.
    docker('exec', host, 'systemctl', 'stop', 'rsyslog', check=False)
    return host


def apt_install(host, *packages):
    """Debian packages into the container (its apt uses the machine's mirror)."""
    proc = docker('exec', '-e', 'DEBIAN_FRONTEND=noninteractive', host, 'sh', '-c',
                  'apt-get -qq update && apt-get install -y -qq %s >/dev/null' % ' '.join(packages),
                  timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def superuser_sql(host, *statements):
    """Run SQL as postgres in the container, from stdin (no shell quoting)."""
    proc = subprocess.run(['docker', 'exec', '-i', host, 'su', 'postgres', '-c', 'psql -qX -v ON_ERROR_STOP=1'],
                          input=';\n'.join(statements) + ';\n', capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def postgres_logging(host, password, **logging):
    args = {'host': '127.0.0.1', 'user': 'log_probe', 'password': password, 'sslmode': 'prefer',
            'logging': dict({'required': True}, **logging)}
    args.update(dict((name, {'enabled': False}) for name in (
        'server_version', 'database_size', 'table_count', 'connections', 'cache_hit_ratio', 'long_transactions',
        'idle_in_transaction', 'replication_lag', 'slow_statements', 'query_latency', 'privileges', 'tls')))
    result = run_module_in(host, 'postgres_check', args)
    assert password not in json.dumps(result)
    return by_name(result)['logging']


def test_postgres_connection_and_statement_logging_then_pgaudit(log_packages):
    """Debian's PostgreSQL 15 logs neither connections nor statements: required, that fails; set, it
    passes; pgaudit installed but not loaded fails again; loaded with pgaudit.log it passes."""
    host = log_packages
    password = uuid.uuid4().hex
    # pgaudit's package is in from the fixture, but nothing loads it yet: like any stock host.
    docker('exec', host, 'systemctl', 'start', 'postgresql')
    pg_hba(host, 'host')
    superuser_sql(host, "CREATE ROLE log_probe LOGIN PASSWORD '%s' IN ROLE pg_monitor" % password)
    record = postgres_logging(host, password, pgaudit='ignore')
    assert record['status'] == 'fail', record
    assert 'log_connections and log_disconnections off' in record['message'] and 'level ddl' in record['message']
    superuser_sql(host, "ALTER SYSTEM SET log_connections = on", "ALTER SYSTEM SET log_disconnections = on",
                  "ALTER SYSTEM SET log_statement = 'ddl'", "SELECT pg_reload_conf()")
    record = postgres_logging(host, password, pgaudit='ignore')
    assert record['status'] == 'pass' and record['details']['log_statement'] == 'ddl', record
    assert postgres_logging(host, password, statement='mod', pgaudit='ignore')['status'] == 'fail'
    record = postgres_logging(host, password)
    assert record['status'] == 'fail' and 'pgaudit is installed but not in shared_preload_libraries' in record['message']
    superuser_sql(host, "ALTER SYSTEM SET shared_preload_libraries = 'pgaudit'", "ALTER SYSTEM SET log_statement = 'none'")
    docker('exec', host, 'systemctl', 'restart', 'postgresql@15-main')
    superuser_sql(host, "ALTER SYSTEM SET pgaudit.log = 'write, ddl'", "SELECT pg_reload_conf()")
    record = postgres_logging(host, password, statement='mod')
    assert record['status'] == 'pass' and record['details']['pgaudit_loaded'] is True, record
    assert record['details']['log_statement'] == 'none'  # pgaudit alone covers it


SINK = 'import socket\ns = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n' \
       's.bind(("127.0.0.1", 21314)); s.listen(8)\nwhile True:\n    c, _ = s.accept(); c.close()\n'


def test_log_forwarding_to_a_tcp_target_that_answers_or_not(log_packages):
    """rsyslog forwarding over TCP to a collector in the container: it answers (pass), it is stopped
    (fail, refused), the rule removed (fail, nothing configured)."""
    host = log_packages

    def check():
        return security_check(host, {'log_forwarding': {'required': True, 'timeout': 2}})['log_forwarding']

    docker('exec', host, 'systemctl', 'start', 'rsyslog')
    record = check()
    assert record['status'] == 'fail' and 'no log forwarding configured' in record['message'], record
    docker('exec', host, 'sh', '-c', 'echo "*.* @@127.0.0.1:21314" > /etc/rsyslog.d/90-golive-forward.conf'
                                     ' && systemctl restart rsyslog')
    docker('exec', host, 'systemd-run', '--unit', 'golive-log-sink', 'python3', '-c', SINK)
    try:
        for _attempt in range(50):  # the sink listens within a second or two
            if docker('exec', host, 'sh', '-c', 'ss -ltn | grep -q :21314', check=False).returncode == 0:
                break
            time.sleep(0.2)
        record = check()
        assert record['status'] == 'pass', record
        assert record['details']['forwarders']['rsyslogd']['running'] is True
    finally:
        docker('exec', host, 'systemctl', 'stop', 'golive-log-sink', check=False)
    record = check()
    assert record['status'] == 'fail' and '127.0.0.1:21314 (TCP, rsyslogd) does not answer' in record['message'], record
    docker('exec', host, 'rm', '/etc/rsyslog.d/90-golive-forward.conf')
    assert check()['status'] == 'fail'
