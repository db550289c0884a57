"""tls_check, run for real through ansible against TLS servers on 127.0.0.1.

The certificates are generated here (a private CA; valid, expiring in 10 days, expired,
not yet valid, wrong host name, self-signed) and served by Python ``ssl`` servers.
"""

import os
import socket
import subprocess

import pytest

from conftest import checks_by_name, run_module
from tls_fixtures import DAY, NOW, make_ca, make_leaf, start_servers, write_pair


@pytest.fixture(scope='module')
def pki(tmp_path_factory):
    """Write the CA and every certificate; serve each endpoint; yield paths and ports."""
    directory = str(tmp_path_factory.mktemp('pki'))
    ca = make_ca()
    ca_path, _ca_key = write_pair(directory, 'ca', ca)
    leaves = {
        'valid': make_leaf(ca),
        'expiring': make_leaf(ca, end=NOW + 10 * DAY),
        'expired': make_leaf(ca, start=NOW - 30 * DAY, end=NOW - 2 * DAY),
        'notyet': make_leaf(ca, start=NOW + 5 * DAY, end=NOW + 60 * DAY),
        'wronghost': make_leaf(ca, names=('other.example.com',), ips=()),
        'selfsigned': make_leaf(ca, self_signed=True),
        'old_tls': make_leaf(ca),
    }
    paths = dict((label, write_pair(directory, label, pair)) for label, pair in leaves.items())
    # cryptography no longer signs with SHA-1; openssl still does.
    weak = [os.path.join(directory, 'weak.pem'), os.path.join(directory, 'weak.key')]
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:1024', '-sha1', '-days', '30', '-nodes',
                    '-subj', '/CN=weak.example', '-keyout', weak[1], '-out', weak[0]],
                   check=True, capture_output=True, timeout=60)
    paths['weak'] = weak
    order = list(leaves)
    specs = [(paths[label][0], paths[label][1], 'TLSv1_1' if label == 'old_tls' else '-') for label in order]
    proc, ports = start_servers(specs)
    try:
        yield dict(ca=ca_path, paths=paths, ports=dict(zip(order, ports)))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def endpoint(pki, label, **extra):
    ep = dict(host='127.0.0.1', port=pki['ports'][label], sni='localhost', name=label)
    ep.update(extra)
    return ep


def test_each_certificate_problem_has_its_precise_message(pki):
    labels = ['valid', 'expiring', 'expired', 'notyet', 'wronghost', 'selfsigned']
    result = run_module('tls_check', {'endpoints': [endpoint(pki, label) for label in labels],
                                      'ca_path': pki['ca']})
    assert result['changed'] is False
    assert result['readiness']['component'] == 'tls'
    checks = checks_by_name(result)
    # valid: every check passes, about 90 days left
    for kind in ('expiry', 'chain', 'hostname', 'protocol', 'key', 'signature'):
        assert checks['%s:valid' % kind]['status'] == 'pass', checks['%s:valid' % kind]
    assert 89 <= checks['expiry:valid']['value'] <= 90
    assert checks['protocol:valid']['value'] in ('TLSv1.2', 'TLSv1.3')
    assert checks['key:valid']['message'].endswith('EC 256-bit key')
    # expiring in 10 days: warn (warn at 30, fail at 7), chain still fine
    exp = checks['expiry:expiring']
    assert exp['status'] == 'warn' and 9.9 <= exp['value'] <= 10
    assert (exp['warn'], exp['fail']) == (30.0, 7.0)
    assert checks['chain:expiring']['status'] == 'pass'
    # expired
    assert checks['expiry:expired']['status'] == 'fail'
    assert 'expired on' in checks['expiry:expired']['message']
    assert '2.0 days ago' in checks['expiry:expired']['message'] or 'days ago' in checks['expiry:expired']['message']
    assert checks['chain:expired']['status'] == 'fail'
    assert 'has expired' in checks['chain:expired']['message']
    # not yet valid
    assert checks['expiry:notyet']['status'] == 'fail'
    assert 'not yet valid' in checks['expiry:notyet']['message']
    assert 'is not valid yet' in checks['chain:notyet']['message']
    # wrong host name: chain fine, host name fails and says what the certificate is for
    assert checks['chain:wronghost']['status'] == 'pass'
    host = checks['hostname:wronghost']
    assert host['status'] == 'fail'
    assert 'does not match the host name localhost' in host['message']
    assert 'other.example.com' in host['message']
    # self-signed
    chain = checks['chain:selfsigned']
    assert chain['status'] == 'fail' and 'is self-signed' in chain['message']
    assert chain['remediation']
    assert result['readiness']['status'] == 'fail'


def test_without_the_ca_the_private_chain_fails_against_the_system_store(pki):
    result = run_module('tls_check', {'endpoints': [endpoint(pki, 'valid')]})
    chain = checks_by_name(result)['chain:valid']
    assert chain['status'] == 'fail'
    assert 'system trust store' in chain['message']
    assert 'unknown CA' in chain['message'] or 'issuer' in chain['message']


def test_old_protocol_fails(pki):
    result = run_module('tls_check', {'endpoints': [endpoint(pki, 'old_tls')], 'ca_path': pki['ca']})
    checks = checks_by_name(result)
    proto = checks.get('protocol:old_tls') or checks.get('endpoints:old_tls')
    assert proto['status'] == 'fail', proto
    assert 'TLSv1.1' in proto['message'] or 'below' in proto['message'], proto


def test_certificate_files(pki):
    paths = pki['paths']
    result = run_module('tls_check', {'files': [
        {'path': paths['valid'][0], 'name': 'valid_file', 'hostname': 'localhost'},
        {'path': paths['selfsigned'][0], 'name': 'self_file'},
        {'path': paths['weak'][0], 'name': 'weak_file'},
        {'path': paths['expiring'][0], 'name': 'expiring_file', 'hostname': '127.0.0.1'},
    ], 'ca_path': pki['ca']})
    checks = checks_by_name(result)
    assert checks['chain:valid_file']['status'] == 'pass'
    assert checks['hostname:valid_file']['status'] == 'pass'
    assert checks['expiry:expiring_file']['status'] == 'warn'
    assert checks['hostname:expiring_file']['status'] == 'pass'   # the IP SAN
    assert 'is self-signed' in checks['chain:self_file']['message']
    assert checks['key:weak_file']['status'] == 'fail'
    assert 'RSA 1024-bit key, below the minimum 2048' in checks['key:weak_file']['message']
    assert checks['signature:weak_file']['status'] == 'fail'
    assert 'sha1' in checks['signature:weak_file']['message'].lower()
    assert 'protocol:valid_file' not in checks


def test_refused_endpoint_is_a_fail_not_unknown(pki):
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    result = run_module('tls_check', {'endpoints': [{'host': '127.0.0.1', 'port': port}]})
    check = checks_by_name(result)['endpoints:127.0.0.1:%d' % port]
    assert check['status'] == 'fail' and 'refused' in check['message']


def test_check_mode_gives_the_same_checks(pki):
    args = {'endpoints': [endpoint(pki, 'valid')], 'ca_path': pki['ca']}
    normal = run_module('tls_check', args)
    check = run_module('tls_check', args, check_mode=True)
    assert sorted(checks_by_name(normal)) == sorted(checks_by_name(check))
    assert check['changed'] is False and check['readiness']['status'] == 'pass'


@pytest.mark.parametrize('args, option', [
    ({'endpoints': [{'host': '127.0.0.1', 'port': 0}]}, 'endpoints[0].port'),
    ({'files': [{'path': '/etc/hostname'}], 'expiry': {'warn': -5}}, 'expiry.warn: -5 must be at least 0'),
    ({'endpoints': [{'host': 'a', 'expiry': {'fail': 40}}]}, 'endpoints[0].expiry:'),
    ({'endpoints': [{'host': 'a', 'port': 99999}]}, 'endpoints[0].port: 99999 is out of range 1 to 65535'),
    ({'files': [{'path': '/etc/hostname'}], 'expiry': {'warn': 5, 'fail': 10}}, 'expiry'),
    ({'endpoints': [], 'files': []}, 'endpoints'),
    ({'endpoints': [{'host': 'a'}], 'ca_path': '/nonexistent/ca.pem'}, 'ca_path'),
])
def test_bad_input_fails_naming_the_option(args, option):
    result = run_module('tls_check', args)
    assert result.get('failed') is True
    assert option in result['msg']
    assert '\n' not in result['msg']
    assert 'readiness' not in result


def test_a_missing_certificate_file_is_a_fail_and_the_rest_still_runs(pki):
    """Host state, not bad input: the task succeeds and every other target is judged."""
    result = run_module('tls_check', {
        'endpoints': [endpoint(pki, 'valid')],
        'files': [{'path': '/nonexistent/site.pem', 'name': 'site'},
                  {'path': pki['paths']['valid'][0], 'name': 'valid_file'}],
        'ca_path': pki['ca']})
    assert result.get('failed') is not True, result.get('msg')
    checks = checks_by_name(result)
    missing = checks['files:site']
    assert missing['status'] == 'fail' and '/nonexistent/site.pem does not exist' in missing['message']
    assert missing['formerly'] == 'tls_file:site'
    assert checks['expiry:valid']['status'] == 'pass' and checks['chain:valid_file']['status'] == 'pass'
    assert checks['expiry:valid']['formerly'] == 'tls_expiry:valid'
    assert result['readiness']['status'] == 'fail'


def test_a_target_overrides_expiry_and_checks_can_be_switched_off(pki):
    result = run_module('tls_check', {
        'endpoints': [endpoint(pki, 'expiring', expiry={'warn': 5, 'fail': 2}), endpoint(pki, 'valid')],
        'ca_path': pki['ca'], 'key': {'enabled': False}, 'instance': 'shop'})
    assert result['readiness']['instance'] == 'shop'
    checks = checks_by_name(result)
    assert checks['expiry:expiring']['status'] == 'pass'          # 10 days, warn at 5 here
    assert (checks['expiry:expiring']['warn'], checks['expiry:expiring']['fail']) == (5.0, 2.0)
    assert checks['expiry:valid']['warn'] == 30.0
    assert checks['key:valid']['status'] == 'skip' and checks['signature:valid']['status'] == 'pass'
