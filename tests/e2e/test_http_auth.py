"""http_check's application authentication against a real nginx with auth_basic on loopback.

auth:<name> tries the endpoint without and with credentials; lockout:<name> sends wrong
passwords, then the right one, to an nginx that throttles the client (limit_req) and to one
that does not.
"""

import json
import os
import secrets
import subprocess
import sys

import pytest

from conftest import REPO, ansible_env, checks_by_name, run_module
from loopback_nginx import loopback_nginx
from tls_fixtures import make_ca, make_leaf, write_pair


@pytest.fixture(scope='module')
def nginx(tmp_path_factory):
    """nginx with a protected, an open and a throttled (lock-out) server; the probe's password."""
    directory = str(tmp_path_factory.mktemp('nginx-auth'))
    password = 'pw-' + secrets.token_hex(12)
    digest = subprocess.run(['openssl', 'passwd', '-apr1', password], capture_output=True, text=True,
                            check=True, timeout=30).stdout.strip()
    with open(os.path.join(directory, 'htpasswd'), 'w') as handle:
        handle.write('probe:%s\n' % digest)
    os.makedirs(os.path.join(directory, 'www'))
    with open(os.path.join(directory, 'www', 'index.html'), 'w') as handle:
        handle.write('<html>admin</html>\n')
    # Static files, not `return`: nginx runs `return` before the access phase, so auth_basic
    # would never be asked.
    protected = 'root %s/www; auth_basic "golive"; auth_basic_user_file %s/htpasswd;' % (directory, directory)
    servers = {
        'protected': protected,
        'open': 'root %s/www;' % directory,
        # One request a minute, 3 more at once: the 5th request from the client is refused (429),
        # whatever its password; limit_req runs before auth_basic.
        'throttled': protected + ' limit_req zone=login burst=3 nodelay; limit_req_status 429;',
    }
    # TLS only, like a monitoring endpoint with a web config: plaintext on the same port is refused.
    ca = make_ca()
    ca_path = write_pair(directory, 'ca', ca)[0]
    cert, key = write_pair(directory, 'server', make_leaf(ca))
    servers['tls'] = protected + ' ssl_certificate %s; ssl_certificate_key %s;' % (cert, key)
    with loopback_nginx(directory, servers, listen_options={'tls': 'ssl'},
                        http_directives='  limit_req_zone $binary_remote_addr zone=login:1m rate=1r/m;') as urls:
        yield dict(urls, password=password, ca=ca_path)


def endpoint(url, name, password, **auth):
    return dict(name=name, url=url, auth=dict(dict(username='probe', password=password), **auth))


def test_protected_endpoint_passes_open_one_fails_wrong_credentials_fail(nginx):
    pw = nginx['password']
    result = run_module('http_check', {'endpoints': [
        endpoint(nginx['protected'], 'admin', pw, protected=True),
        endpoint(nginx['open'], 'open', pw, protected=True),
        endpoint(nginx['protected'], 'wrong', 'not-' + pw, protected=True),
    ]})
    checks = checks_by_name(result)
    admin = checks['auth:admin']
    assert admin['status'] == 'pass', admin
    assert admin['details']['without_credentials'] == 401 and admin['details']['with_credentials'] == 200
    # The whole endpoint is probed with the credentials: its response time passes too.
    assert checks['response_time:admin']['status'] == 'pass'
    opened = checks['auth:open']
    assert opened['status'] == 'fail' and 'not protected' in opened['message'], opened
    assert opened['value'] == 200
    wrong = checks['auth:wrong']
    assert wrong['status'] == 'fail' and 'answers 401 with the credentials' in wrong['message'], wrong
    assert pw not in json.dumps(result)


def test_lockout_refuses_the_right_password_after_failed_logins(nginx):
    pw = nginx['password']
    lockout = dict(enabled=True, target='test', attempts=5, budget_s=20)
    result = run_module('http_check', {'endpoints': [
        endpoint(nginx['throttled'], 'throttled', pw, lockout=lockout),
        endpoint(nginx['protected'], 'no-lockout', pw, lockout=lockout),
    ]})
    checks = checks_by_name(result)
    locked = checks['lockout:throttled']
    assert locked['status'] == 'pass', locked
    assert locked['details']['right_password_status'] == 429
    assert 401 in locked['details']['failed_login_statuses']  # wrong passwords were refused as such first
    open_door = checks['lockout:no-lockout']
    assert open_door['status'] == 'fail' and 'no lock-out' in open_door['message'], open_door
    assert open_door['details']['failed_login_statuses'] == [401] * 5
    assert pw not in json.dumps(result)


def test_lockout_is_refused_without_a_test_target(nginx):
    """The probe locks accounts: without target test / staging the task fails, nothing is sent."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible'), 'localhost', '-i',
           os.path.join(REPO, 'inventories', 'local'), '-m', 'golive.readiness.http_check', '-a',
           json.dumps({'endpoints': [endpoint(nginx['protected'], 'prod', nginx['password'],
                                              lockout=dict(enabled=True))]})]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=120, check=False, env=ansible_env())
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert 'endpoints[0].auth.lockout.target' in out and 'test or staging' in out, out
    assert 'Traceback' not in out
    assert nginx['password'] not in out


def test_tls_only_protected_port_refuses_plaintext_and_anonymous_requests(nginx):
    """A TLS-only port with auth, as the monitoring roles set Prometheus and the exporters up."""
    port = int(nginx['tls'].rsplit(':', 1)[1].strip('/'))
    tls_only = dict(endpoint(nginx['tls'], 'metrics', nginx['password'], protected=True),
                    ca_path=nginx['ca'], https_only=True, plain_port=port)
    open_plain = dict(endpoint(nginx['open'], 'open', nginx['password'], protected=True))
    result = run_module('http_check', {'endpoints': [tls_only]})
    checks = checks_by_name(result)
    assert checks['auth:metrics']['status'] == 'pass', checks['auth:metrics']
    https = checks['https_only:metrics']
    assert https['status'] == 'pass' and 'TLS-only port' in https['message'], https
    assert 'The plain HTTP request was sent to HTTPS port' in https['message']
    # The same endpoint served in plaintext on another port fails https_only.
    served = dict(tls_only, name='also-plain', plain_port=int(open_plain['url'].rsplit(':', 1)[1].strip('/')))
    https = checks_by_name(run_module('http_check', {'endpoints': [served]}))['https_only:also-plain']
    assert https['status'] == 'fail' and 'answers plain HTTP with status 200' in https['message'], https
