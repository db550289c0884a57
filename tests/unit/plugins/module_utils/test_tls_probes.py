"""tls_check's pure judgements on certificate fields."""

from ansible_collections.golive.readiness.plugins.module_utils.probes import tls as p

NOW = 1_800_000_000.0
DAY = 86400.0


def info(**over):
    base = dict(subject_cn='www.example.com', issuer_cn='Example CA', self_issued=False,
                not_before=NOW - 10 * DAY, not_after=NOW + 90 * DAY,
                dns_names=['www.example.com', '*.api.example.com'], ip_addresses=['10.0.0.5'],
                key_type='RSA', key_bits=2048, signature_hash='sha256',
                signature_algorithm='sha256WithRSAEncryption')
    base.update(over)
    return base


def test_expiry_limits_lower_is_worse():
    assert p.judge_expiry('x', info(), p.EXPIRY, NOW)['status'] == 'pass'
    warn = p.judge_expiry('x', info(not_after=NOW + 10 * DAY), p.EXPIRY, NOW)
    assert warn['status'] == 'warn' and warn['value'] == 10.0 and warn['unit'] == 'days'
    assert p.judge_expiry('x', info(not_after=NOW + 7 * DAY), p.EXPIRY, NOW)['status'] == 'fail'


def test_expired_and_not_yet_valid_have_precise_messages():
    expired = p.judge_expiry('x', info(not_after=NOW - 3 * DAY), p.EXPIRY, NOW)
    assert expired['status'] == 'fail' and 'expired on' in expired['message'] and '3.0 days ago' in expired['message']
    early = p.judge_expiry('x', info(not_before=NOW + 2 * DAY), p.EXPIRY, NOW)
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
                             p.WEAK_HASHES)
    assert sha1['status'] == 'fail'
    assert p.judge_signature('x', info(), p.WEAK_HASHES)['status'] == 'pass'
    assert p.judge_signature('x', info(signature_algorithm=None), p.WEAK_HASHES)['status'] == 'unknown'


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


def test_input_errors_name_the_option():
    ep = dict(p.ENDPOINT_DEFAULTS, host='', port=70000)
    errors = ' | '.join(p.input_errors([ep], [dict(p.FILE_DEFAULTS, path='/nope')], {'warn': 5, 'fail': 10},
                                       'TLSv1.2', 60, 8, path_exists=lambda _p: False))
    for option in ('expiry', 'endpoints[0].host', 'endpoints[0].port', 'files[0].path'):
        assert option in errors
