"""tls_check's pure judgements on certificate fields."""

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.probes import tls as p
from catalogue_params import all_errors, module_params

NOW = 1_800_000_000.0
DAY = 86400.0
EXPIRY = p.EXPIRY.defaults()
WEAK_HASHES = p.CATALOGUE.options['weak_signature_hashes'].default


def info(**over):
    base = dict(subject_cn='www.example.com', issuer_cn='Example CA', self_issued=False,
                not_before=NOW - 10 * DAY, not_after=NOW + 90 * DAY,
                dns_names=['www.example.com', '*.api.example.com'], ip_addresses=['10.0.0.5'],
                key_type='RSA', key_bits=2048, signature_hash='sha256',
                signature_algorithm='sha256WithRSAEncryption')
    base.update(over)
    return base


def test_expiry_limits_lower_is_worse():
    assert p.judge_expiry('x', info(), EXPIRY, NOW)['status'] == 'pass'
    warn = p.judge_expiry('x', info(not_after=NOW + 10 * DAY), EXPIRY, NOW)
    assert warn['status'] == 'warn' and warn['value'] == 10.0 and warn['unit'] == 'days'
    assert warn['name'] == 'expiry:x'
    # 7 days is the fail limit itself: warn; only below it fails.
    assert p.judge_expiry('x', info(not_after=NOW + 7 * DAY), EXPIRY, NOW)['status'] == 'warn'
    assert p.judge_expiry('x', info(not_after=NOW + 6.9 * DAY), EXPIRY, NOW)['status'] == 'fail'


def test_expired_and_not_yet_valid_have_precise_messages():
    expired = p.judge_expiry('x', info(not_after=NOW - 3 * DAY), EXPIRY, NOW)
    assert expired['status'] == 'fail' and 'expired on' in expired['message'] and '3.0 days ago' in expired['message']
    early = p.judge_expiry('x', info(not_before=NOW + 2 * DAY), EXPIRY, NOW)
    assert early['status'] == 'fail' and 'not yet valid' in early['message'] and 'in 2.0 days' in early['message']
    assert 'clock' in early['remediation']


def test_hostname_matching_rfc6125():
    cert = info()
    assert p.hostname_matches(cert, 'www.example.com')
    assert p.hostname_matches(cert, 'WWW.Example.com.')
    assert p.hostname_matches(cert, 'v1.api.example.com')
    assert not p.hostname_matches(cert, 'a.b.api.example.com')   # one label only
    assert not p.hostname_matches(cert, 'api.example.com')
    assert not p.hostname_matches(cert, 'xn--bcher-kva.api.example.com')
    assert p.hostname_matches(cert, '10.0.0.5')
    assert not p.hostname_matches(cert, '10.0.0.6')
    # CN only counts without SANs
    assert p.hostname_matches(info(dns_names=[], ip_addresses=[]), 'www.example.com')
    assert not p.hostname_matches(info(dns_names=['other.example.com']), 'www.example.com')
    assert not p.hostname_matches(info(dns_names=['*.com']), 'example.com')


def test_hostname_record_names_the_certificate_names():
    out = p.judge_hostname('x', info(dns_names=['other.example.com'], ip_addresses=[]), 'www.example.com')
    assert out['status'] == 'fail' and 'it is for other.example.com' in out['message']


def test_chain_reasons():
    assert p.judge_chain('x', True, 0, 'ok', None, info())['status'] == 'pass'
    self_signed = p.judge_chain('x', False, 18, 'self-signed certificate', None, info(self_issued=True))
    assert 'is self-signed' in self_signed['message'] and self_signed['details']['reason'] == 'self_signed'
    unknown_ca = p.judge_chain('x', False, 20, 'unable to get local issuer certificate', '/ca.pem', info())
    assert 'unknown CA' in unknown_ca['message'] and '/ca.pem' in unknown_ca['message']
    expired = p.judge_chain('x', False, 10, 'certificate has expired', None, info())
    assert 'has expired' in expired['message']
    assert p.judge_chain('x', None, None, 'openssl is not installed', None, info())['status'] == 'unknown'


def test_protocol_key_and_signature():
    assert p.judge_protocol('x', 'TLSv1.3', 'TLSv1.2')['status'] == 'pass'
    old = p.judge_protocol('x', 'TLSv1.1', 'TLSv1.2')
    assert old['status'] == 'fail' and 'below the minimum TLSv1.2' in old['message']
    assert p.judge_key('x', info(), 2048, 256)['status'] == 'pass'
    weak = p.judge_key('x', info(key_bits=1024), 2048, 256)
    assert weak['status'] == 'fail' and 'RSA 1024-bit' in weak['message']
    assert p.judge_key('x', info(key_type='EC', key_bits=256), 2048, 256)['status'] == 'pass'
    assert p.judge_key('x', info(key_type='DSA', key_bits=2048), 2048, 256)['status'] == 'fail'
    assert p.judge_key('x', info(key_type=None, key_bits=None), 2048, 256)['status'] == 'unknown'
    sha1 = p.judge_signature('x', info(signature_hash='sha1', signature_algorithm='sha1WithRSAEncryption'),
                             WEAK_HASHES)
    assert sha1['status'] == 'fail'
    assert p.judge_signature('x', info(), WEAK_HASHES)['status'] == 'pass'
    assert p.judge_signature('x', info(signature_algorithm=None), WEAK_HASHES)['status'] == 'unknown'


def test_stdlib_decoder_fields_without_cryptography():
    decoded = {
        'subject': ((('commonName', 'a.example'),),),
        'issuer': ((('commonName', 'a.example'),),),
        'notBefore': 'Jan  1 00:00:00 2026 GMT', 'notAfter': 'Jan  1 00:00:00 2027 GMT',
        'subjectAltName': (('DNS', 'a.example'), ('IP Address', '127.0.0.1')),
    }
    out = p.info_from_decoded(decoded)
    assert out['self_issued'] is True
    assert out['dns_names'] == ['a.example'] and out['ip_addresses'] == ['127.0.0.1']
    assert out['not_after'] - out['not_before'] == 365 * DAY
    assert out['key_type'] is None


def errors(**overrides):
    """Every input error of the module: the catalogue's and its own."""
    return all_errors(p.CATALOGUE, lambda ps, opts: p.input_errors(ps, opts, path_exists=lambda _p: False),
                      **overrides)


def test_input_errors_name_the_option():
    text = ' | '.join(errors(endpoints=[{'host': '', 'port': 70000, 'timeout': 0}],
                             files=[{'path': '/nope', 'ca_path': '/nope-ca'}],
                             expiry={'warn': 5, 'fail': 10}, min_rsa_bits=0))
    for option in ('expiry:', 'endpoints[0].host:', 'endpoints[0].port: 70000 is out of range 1 to 65535',
                   'endpoints[0].timeout:', 'files[0].ca_path:', 'min_rsa_bits:'):
        assert option in text, option


def test_a_missing_certificate_file_is_no_input_error():
    assert errors(files=[{'path': '/nonexistent/cert.pem'}]) == []


@pytest.mark.parametrize('overrides, message', [
    (dict(expiry={'warn': -5}), 'expiry.warn: -5 must be at least 0'),
    (dict(expiry={'fail': float('inf')}), 'expiry.fail: inf is not a finite number'),
    (dict(endpoints=[{'host': 'a', 'expiry': {'fail': -1}}]), 'endpoints[0].expiry.fail: -1 must be at least 0'),
    (dict(files=[{'path': '/c.pem', 'expiry': {'warn': 3}}]), 'files[0].expiry: '),
])
def test_expiry_limits_have_a_domain_and_an_order_once_merged(overrides, message):
    overrides.setdefault('endpoints', [{'host': 'a'}])
    found = errors(**overrides)
    assert any(e.startswith(message) for e in found), found


def test_a_target_overrides_the_module_wide_expiry():
    ps = module_params(p.CATALOGUE, endpoints=[{'host': 'a', 'expiry': {'warn': 60}}, {'host': 'b'}],
                       expiry={'fail': 3})
    a, b = p.ENDPOINTS.merged(ps['endpoints'], p.CATALOGUE.merged(ps))
    assert a['expiry'] == {'warn': 60, 'fail': 3} and b['expiry'] == {'warn': 30, 'fail': 3}
    assert a['port'] == 443 and a['timeout'] == 10


def test_a_missing_certificate_file_is_a_fail_naming_the_path(tmp_path):
    missing = str(tmp_path / 'site.pem')
    record, = p.check_file(dict(path=missing, name=None, hostname=None, ca_path=None, expiry=EXPIRY), {})
    assert record['name'] == 'files:%s' % missing and record['status'] == 'fail'
    assert record['message'] == '%s does not exist' % missing


def test_the_module_runs_on_when_a_file_is_missing(tmp_path):
    """One missing file does not stop the rest: every target still gets its records."""
    empty = tmp_path / 'empty.pem'
    empty.write_text('no certificate here\n')
    ps = module_params(p.CATALOGUE, files=[{'path': str(tmp_path / 'gone.pem'), 'name': 'gone'},
                                           {'path': str(empty), 'name': 'empty'}])
    result = p.run(ps, p.CATALOGUE.merged(ps))
    statuses = [(c['name'], c['status']) for c in result['checks']]
    assert statuses == [('files:gone', 'fail'), ('files:empty', 'fail')]


def test_renamed_records_carry_their_former_names():
    names = ['endpoints:web', 'files:/etc/site.pem', 'expiry:web', 'chain:web', 'hostname:web',
             'protocol:web', 'key:web', 'signature:web']
    result = p.CATALOGUE.annotate({'checks': [{'name': n} for n in names]})
    assert [c['formerly'] for c in result['checks']] == [
        'tls_handshake:web', 'tls_file:/etc/site.pem', 'tls_expiry:web', 'tls_chain:web',
        'tls_hostname:web', 'tls_protocol:web', 'tls_key:web', 'tls_signature:web']


def test_switched_off_checks_are_skipped_per_label():
    ps = module_params(p.CATALOGUE, key={'enabled': False}, hostname={'enabled': False})
    opts = dict(ps, **p.CATALOGUE.merged(ps))
    records = p.judge_certificate('web', info(), 'www.example.com', dict(expiry=EXPIRY), opts, NOW)
    assert [(r['name'], r['status']) for r in records] == [
        ('expiry:web', 'pass'), ('hostname:web', 'skip'), ('key:web', 'skip'), ('signature:web', 'pass')]


def test_instance_is_optional_and_names_the_result():
    assert p.CATALOGUE.instance_name(module_params(p.CATALOGUE, instance='shop')) == 'shop'
    assert p.CATALOGUE.instance_name(module_params(p.CATALOGUE)) is None
