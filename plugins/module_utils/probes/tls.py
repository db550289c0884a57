# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS certificate and endpoint measurements for ``tls_check``.

A certificate comes from an endpoint (one handshake that accepts any
certificate, so an expired or self-signed one can still be examined) or from a
PEM file.  Its fields are read with the ``cryptography`` library when present,
else with the standard library's certificate decoder (``ssl``), which gives
everything except the key size and the signature algorithm: those two checks
are then ``unknown``.

Chain verification is a second handshake with verification on (endpoints), or
``openssl verify`` (files); OpenSSL's own reason becomes the message.  Every
judgement is a pure function of the certificate fields, tested on its own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import calendar
import functools
import ipaddress
import os
import re
import socket
import ssl
import subprocess
import tempfile
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Entries,
    Option,
    OptionCheck,
    Runner,
)
from ansible_collections.golive.readiness.plugins.module_utils.concurrency import (
    TimedOut,
    run_bounded,
)
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    LOWER_IS_WORSE,
    PASS,
    SKIP,
    UNKNOWN,
    Component,
    check_result,
    measured,
    skipped,
    unknown,
)

PROTOCOLS = ('TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3')
MAX_TOTAL_TIMEOUT = 600.0
DAY = 86400.0

# Days to expiry: warn at 30, fail at 7 (lower is worse); an endpoint or file may override them.
EXPIRY = Check('expiry', unit='days', direction=LOWER_IS_WORSE, warn=30, fail=7, switch=False,
               formerly='tls_expiry')
# What endpoints and files both name.
TARGET = dict(name=Option('str'), hostname=Option('str'), ca_path=Option('path'))
ENDPOINTS = Entries(dict(
    host=Option('str', required=True),
    port=Option('int', 443, low=1, high=65535),
    sni=Option('str'),
    timeout=Option('float', 10, low=0, high=120, low_open=True),
    **TARGET), limits=dict(expiry=EXPIRY))
FILES = Entries(dict(path=Option('path', required=True), **TARGET), limits=dict(expiry=EXPIRY))
TARGETS = (('endpoints', ENDPOINTS), ('files', FILES))
CATALOGUE = Catalogue('tls', instance=lambda params: None, options=dict(
    ca_path=Option('path'),
    min_protocol=Option('str', 'TLSv1.2', choices=list(PROTOCOLS)),
    min_rsa_bits=Option('int', 2048, low=1, high=16384),
    min_ec_bits=Option('int', 256, low=1, high=16384),
    weak_signature_hashes=Option('list', ['md5', 'sha1'], elements='str'),
    total_timeout=Option('float', 60, low=0, high=MAX_TOTAL_TIMEOUT, low_open=True),
    workers=Option('int', 8, low=1, high=64),
), checks=[
    # An endpoint without a handshake, a file without a certificate: one record for the target.
    OptionCheck('endpoints', ENDPOINTS, formerly={'endpoints:': 'tls_handshake:'}),
    OptionCheck('files', FILES, formerly={'files:': 'tls_file:'}),
    EXPIRY,
    Check('chain', limits=False, formerly='tls_chain'),
    Check('hostname', limits=False, formerly='tls_hostname'),
    Check('protocol', limits=False, formerly='tls_protocol'),
    Check('key', limits=False, formerly='tls_key'),
    Check('signature', limits=False, formerly='tls_signature'),
])

# OpenSSL X509_V_ERR_* codes and the precise words for them.
VERIFY_REASONS = {
    9: ('not_yet_valid', 'is not valid yet'),
    10: ('expired', 'has expired'),
    18: ('self_signed', 'is self-signed and not trusted'),
    19: ('self_signed_chain', 'chains to a self-signed root that is not trusted'),
    20: ('unknown_issuer', 'is issued by an unknown CA (unable to get the local issuer certificate)'),
    21: ('unknown_issuer', 'cannot be verified: the issuer is missing (incomplete chain?)'),
    2: ('unknown_issuer', 'is issued by an unknown CA (unable to get the issuer certificate)'),
    62: ('hostname', 'does not match the host name'),
}

try:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
    HAS_CRYPTOGRAPHY = True
except ImportError:  # the fields that need it become unknown
    x509 = dsa = ec = rsa = None
    HAS_CRYPTOGRAPHY = False


def endpoint_label(ep):
    """Label of an endpoint: its name, else ``host:port`` (``/sni`` when SNI differs)."""
    if ep.get('name'):
        return ep['name']
    label = '%s:%s' % (ep['host'], ep['port'])
    if ep.get('sni') and ep['sni'] != ep['host']:
        label += '/%s' % ep['sni']
    return label


def file_label(entry):
    """Label of a certificate file: its name, else its path."""
    return entry.get('name') or entry['path']


def input_errors(params, opts, path_exists=os.path.exists):
    """Problems the catalogue cannot see: CA files, unique labels, merged limit order."""
    errors = []
    if not params.get('endpoints') and not params.get('files'):
        errors.append('endpoints: give at least one endpoint or certificate file (files)')
    if params.get('ca_path') and not path_exists(params['ca_path']):
        errors.append('ca_path: %s does not exist' % params['ca_path'])
    seen = {}
    for option, entries in TARGETS:
        given = params.get(option) or []
        errors.extend(entries.order_errors(option, given, opts))
        for index, entry in enumerate(entries.merged(given, opts)):
            where = '%s[%d]' % (option, index)
            if option == 'endpoints' and not entry['host']:
                errors.append('%s.host: give a host name or address' % where)
            if entry['ca_path'] and not path_exists(entry['ca_path']):
                errors.append('%s.ca_path: %s does not exist' % (where, entry['ca_path']))
            label = endpoint_label(entry) if option == 'endpoints' else file_label(entry)
            if label in seen:
                errors.append('%s.name: %r repeats %s; give each a unique name' % (where, label, seen[label]))
            seen.setdefault(label, where)
    return errors


# ---------------------------------------------------------------- certificate fields


def _utc_epoch(value):
    """Epoch seconds of a cryptography datetime (naive UTC before v42, aware after)."""
    return calendar.timegm(value.utctimetuple())


def _cn(name_pairs):
    for key, value in name_pairs:
        if key == 'commonName':
            return value
    return None


def info_from_der(der):
    """The fields of a DER certificate as a plain dict (see :func:`info_from_decoded`)."""
    if HAS_CRYPTOGRAPHY:
        return info_from_cryptography(x509.load_der_x509_certificate(der))
    return info_from_pem_text(ssl.DER_cert_to_PEM_cert(der))


def info_from_pem_text(pem):
    """Decode the first certificate of PEM text with the standard library or cryptography."""
    if HAS_CRYPTOGRAPHY:
        return info_from_cryptography(x509.load_pem_x509_certificate(pem.encode('ascii')))
    handle, path = tempfile.mkstemp(suffix='.pem')
    try:
        with os.fdopen(handle, 'w') as stream:
            stream.write(pem)
        # The standard library's own decoder (used by its tests); no public API does this.
        decoded = ssl._ssl._test_decode_cert(path)  # pylint: disable=protected-access
    finally:
        os.unlink(path)
    return info_from_decoded(decoded)


def info_from_decoded(decoded):
    """Fields from the dict ``getpeercert()`` / ``_test_decode_cert`` return.

    ``{subject_cn, issuer_cn, self_issued, not_before, not_after, dns_names,
    ip_addresses, key_type, key_bits, signature_hash, signature_algorithm}``;
    the last four are None (unknown) here.
    """
    subject = [pair for rdn in decoded.get('subject', ()) for pair in rdn]
    issuer = [pair for rdn in decoded.get('issuer', ()) for pair in rdn]
    sans = decoded.get('subjectAltName', ())
    return dict(
        subject_cn=_cn(subject), issuer_cn=_cn(issuer),
        self_issued=sorted(subject) == sorted(issuer),
        not_before=ssl.cert_time_to_seconds(decoded['notBefore']),
        not_after=ssl.cert_time_to_seconds(decoded['notAfter']),
        dns_names=[v for k, v in sans if k == 'DNS'],
        ip_addresses=[v.strip() for k, v in sans if k == 'IP Address'],
        key_type=None, key_bits=None, signature_hash=None, signature_algorithm=None,
    )


def info_from_cryptography(cert):
    """Fields of a ``cryptography`` certificate (see :func:`info_from_decoded`)."""
    def common_name(name):
        attrs = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return attrs[0].value if attrs else None

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns_names = san.get_values_for_type(x509.DNSName)
        ips = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        dns_names, ips = [], []
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key_type, key_bits = 'RSA', key.key_size
    elif isinstance(key, ec.EllipticCurvePublicKey):
        key_type, key_bits = 'EC', key.curve.key_size
    elif isinstance(key, dsa.DSAPublicKey):
        key_type, key_bits = 'DSA', key.key_size
    else:
        key_type = type(key).__name__.replace('PublicKey', '').lstrip('_')
        key_bits = {'Ed25519': 256, 'Ed448': 456}.get(key_type)
    try:
        hash_name = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    except Exception:  # pylint: disable=broad-except  # unsupported algorithm
        hash_name = None
    oid = cert.signature_algorithm_oid
    before = getattr(cert, 'not_valid_before_utc', None) or cert.not_valid_before
    after = getattr(cert, 'not_valid_after_utc', None) or cert.not_valid_after
    return dict(
        subject_cn=common_name(cert.subject), issuer_cn=common_name(cert.issuer),
        self_issued=cert.subject == cert.issuer,
        not_before=_utc_epoch(before), not_after=_utc_epoch(after),
        dns_names=list(dns_names), ip_addresses=ips,
        key_type=key_type, key_bits=key_bits, signature_hash=hash_name,
        signature_algorithm=getattr(oid, '_name', None) or oid.dotted_string,
    )


def read_pem_file(path):
    """Return the PEM blocks of the certificates in ``path`` (leaf first)."""
    with open(path) as stream:
        text = stream.read()
    return re.findall(r'-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----', text, re.S)


# ---------------------------------------------------------------- judgements


def _date(epoch):
    return time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(epoch))


def judge_expiry(label, info, limits, now):
    """``expiry:<label>``: days to expiry, lower is worse; expired and not-yet-valid are fail."""
    name = 'expiry:%s' % label
    days = round((info['not_after'] - now) / DAY, 2)
    details = dict(not_before=_date(info['not_before']), not_after=_date(info['not_after']),
                   subject=info['subject_cn'], issuer=info['issuer_cn'])
    remediation = 'Renew the certificate and deploy it (then reload the service).'
    if now < info['not_before']:
        return check_result(name, FAIL, value=days, unit='days', warn=limits.get('warn'),
                            fail=limits.get('fail'),
                            message='certificate of %s is not yet valid: valid from %s, in %s days '
                                    '(clock skew, or deployed too early)'
                                    % (label, _date(info['not_before']),
                                       round((info['not_before'] - now) / DAY, 2)),
                            remediation='Check the host clock (time sync) or deploy a certificate '
                                        'that is already valid.', details=details)
    if days < 0:
        return check_result(name, FAIL, value=days, unit='days', warn=limits.get('warn'),
                            fail=limits.get('fail'),
                            message='certificate of %s expired on %s, %s days ago'
                                    % (label, _date(info['not_after']), -days),
                            remediation=remediation, details=details)
    record = measured(name, days, 'days', limits.get('warn'), limits.get('fail'), LOWER_IS_WORSE,
                      subject='time left on the certificate of %s (expires %s)'
                              % (label, _date(info['not_after'])),
                      remediation=remediation, details=details)
    return record


def _wildcard_match(pattern, host):
    """RFC 6125 matching: a ``*`` only as the whole leftmost label, never for an IDNA label."""
    pattern = pattern.lower().rstrip('.')
    host = host.lower().rstrip('.')
    if pattern == host:
        return True
    if not pattern.startswith('*.'):
        return False
    p_rest = pattern[2:]
    labels = host.split('.', 1)
    if len(labels) != 2 or not labels[0] or labels[0].startswith('xn--'):
        return False
    return labels[1] == p_rest and p_rest.count('.') >= 1


def hostname_matches(info, hostname):
    """True when ``hostname`` (a name or an IP address) is in the certificate's names.

    The common name counts only when there is no subject alternative name.
    """
    try:
        ip = ipaddress.ip_address(hostname)
    except ValueError:
        ip = None
    if ip is not None:
        return any(_same_ip(ip, other) for other in info['ip_addresses'])
    names = info['dns_names'] or ([info['subject_cn']] if info['subject_cn'] else [])
    return any(_wildcard_match(pattern, hostname) for pattern in names)


def _same_ip(ip, text):
    try:
        return ip == ipaddress.ip_address(text)
    except ValueError:
        return False


def judge_hostname(label, info, hostname):
    """``hostname:<label>``: the certificate is valid for the host name."""
    name = 'hostname:%s' % label
    names = info['dns_names'] + info['ip_addresses']
    if not names and info['subject_cn']:
        names = [info['subject_cn']]
    details = dict(hostname=hostname, names=names)
    if hostname_matches(info, hostname):
        return check_result(name, PASS, message='certificate of %s is valid for %s' % (label, hostname),
                            details=details)
    return check_result(name, FAIL,
                        message='certificate of %s does not match the host name %s: it is for %s'
                                % (label, hostname, ', '.join(names) or 'no name at all'),
                        remediation='Issue a certificate whose subject alternative names include %s, '
                                    'or connect with the name it was issued for.' % hostname,
                        details=details)


def judge_chain(label, verified, code, reason, ca_path, info):
    """``chain:<label>``: the chain verifies against the system or the given CA."""
    name = 'chain:%s' % label
    against = ('the CA in %s' % ca_path) if ca_path else 'the system trust store'
    details = dict(ca=ca_path or 'system', verify_code=code)
    if verified:
        return check_result(name, PASS, message='certificate of %s verifies against %s (issuer %s)'
                            % (label, against, info['issuer_cn'] if info else '?'), details=details)
    if verified is None:
        return unknown(name, 'cannot verify the certificate of %s: %s' % (label, reason),
                       remediation='Install openssl on the host (files), or see the error.')
    kind, words = VERIFY_REASONS.get(code, ('other', None))
    if info and info.get('self_issued') and kind in ('unknown_issuer', 'other'):
        kind, words = 'self_signed', VERIFY_REASONS[18][1]
    details['reason'] = kind
    message = 'certificate of %s %s (checked against %s; OpenSSL: %s)' % (
        label, words or 'does not verify', against, reason)
    remediations = {
        'self_signed': 'Use a certificate issued by a trusted CA, or give that CA in ca_path.',
        'self_signed_chain': 'Add the private root CA to the trust store or give it in ca_path.',
        'unknown_issuer': 'Serve the full chain (leaf + intermediates) and make sure the root CA is trusted.',
        'expired': 'Renew the certificate (or the expired intermediate) and deploy it.',
        'not_yet_valid': 'Check the host clock or deploy a certificate that is already valid.',
    }
    return check_result(name, FAIL, message=message,
                        remediation=remediations.get(kind, 'Fix the chain so it verifies.'),
                        details=details)


def judge_protocol(label, version, minimum):
    """``protocol:<label>``: the negotiated protocol is at least ``minimum``."""
    name = 'protocol:%s' % label
    if version not in PROTOCOLS:
        return unknown(name, '%s negotiated an unrecognised protocol %r' % (label, version))
    if PROTOCOLS.index(version) >= PROTOCOLS.index(minimum):
        return check_result(name, PASS, value=version,
                            message='%s negotiated %s (at least %s)' % (label, version, minimum))
    return check_result(name, FAIL, value=version,
                        message='%s negotiated %s, below the minimum %s' % (label, version, minimum),
                        remediation='Disable TLS versions below %s on the server '
                                    '(e.g. nginx ssl_protocols TLSv1.2 TLSv1.3;).' % minimum)


def judge_key(label, info, min_rsa, min_ec):
    """``key:<label>``: key type and size are strong enough."""
    name = 'key:%s' % label
    if info['key_type'] is None:
        return unknown(name, 'key size of %s not measured: the Python library cryptography is '
                             'not installed on the host' % label,
                       remediation='Install cryptography (python3-cryptography) on the host.')
    bits, kind = info['key_bits'], info['key_type']
    minimum = {'RSA': min_rsa, 'DSA': min_rsa, 'EC': min_ec}.get(kind)
    text = '%s %s-bit key' % (kind, bits) if bits else '%s key' % kind
    if kind == 'DSA':
        return check_result(name, FAIL, value=bits, unit='bits',
                            message='certificate of %s has a DSA key (%s bits): DSA is deprecated'
                                    % (label, bits),
                            remediation='Reissue the certificate with an RSA (>= %d bits) or EC key.' % min_rsa)
    if minimum is not None and bits is not None and bits < minimum:
        return check_result(name, FAIL, value=bits, unit='bits',
                            message='certificate of %s has an %s, below the minimum %d bits'
                                    % (label, text, minimum),
                            remediation='Reissue the certificate with a key of at least %d bits.' % minimum)
    return check_result(name, PASS, value=bits, unit='bits',
                        message='certificate of %s has an %s' % (label, text))


def judge_signature(label, info, weak):
    """``signature:<label>``: the signature does not use a weak hash."""
    name = 'signature:%s' % label
    if info['signature_algorithm'] is None:
        return unknown(name, 'signature algorithm of %s not measured: the Python library '
                             'cryptography is not installed on the host' % label,
                       remediation='Install cryptography (python3-cryptography) on the host.')
    algo = info['signature_algorithm']
    hash_name = (info['signature_hash'] or '').lower()
    if hash_name in [w.lower() for w in weak] or any(w.lower() in algo.lower() for w in weak):
        return check_result(name, FAIL, value=algo,
                            message='certificate of %s is signed with %s, a weak hash (%s)'
                                    % (label, algo, hash_name or algo),
                            remediation='Reissue the certificate with a SHA-256 (or stronger) signature.')
    return check_result(name, PASS, value=algo, message='certificate of %s is signed with %s' % (label, algo))


# ---------------------------------------------------------------- probes


def fetch(host, port, sni, timeout):
    """Handshake without verification; return ``(der, protocol, cipher)``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:  # see what the server really negotiates, down to the library's own floor
        context.set_ciphers('ALL:@SECLEVEL=0')
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    except (AttributeError, ValueError, ssl.SSLError):
        pass
    with socket.create_connection((host, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=sni or None) as conn:
            der = conn.getpeercert(binary_form=True)
            cipher = conn.cipher()
            return der, conn.version(), cipher[0] if cipher else None


def verify_endpoint(host, port, sni, timeout, ca_path):
    """Handshake with chain verification (host name left to :func:`judge_hostname`).

    Returns ``(verified, code, reason)``.
    """
    context = ssl.create_default_context(cafile=ca_path) if ca_path else ssl.create_default_context()
    context.check_hostname = False
    try:  # protocol and key strength are judged on their own: only the chain matters here
        context.set_ciphers('ALL:@SECLEVEL=0')
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    except (AttributeError, ValueError, ssl.SSLError):
        pass
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=sni or None):
                return True, 0, 'ok'
    except ssl.SSLCertVerificationError as exc:
        return False, getattr(exc, 'verify_code', None), getattr(exc, 'verify_message', None) or str(exc)
    except (ssl.SSLError, OSError) as exc:
        return None, None, 'the verifying handshake failed: %s' % (getattr(exc, 'reason', None) or exc)


def verify_file(path, ca_path, timeout=30.0):
    """``openssl verify`` the leaf of ``path`` with the rest of the file as intermediates.

    Returns ``(verified, code, reason)``; verified is None when openssl is missing.
    """
    blocks = read_pem_file(path)
    if not blocks:
        return False, None, 'no PEM certificate in the file'
    tmpdir = tempfile.mkdtemp(prefix='golive-tls-')
    try:
        leaf = os.path.join(tmpdir, 'leaf.pem')
        with open(leaf, 'w') as stream:
            stream.write(blocks[0] + '\n')
        argv = ['openssl', 'verify']
        if ca_path:
            argv += ['-CAfile', ca_path]
        if len(blocks) > 1:
            chain = os.path.join(tmpdir, 'chain.pem')
            with open(chain, 'w') as stream:
                stream.write('\n'.join(blocks[1:]) + '\n')
            argv += ['-untrusted', chain]
        argv.append(leaf)
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL)
        except OSError:
            return None, None, 'openssl is not installed'
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None, None, 'openssl verify timed out'
        text = (out + err).decode('utf-8', 'replace')
        if proc.returncode == 0:
            return True, 0, 'ok'
        match = re.search(r'error (\d+) at \d+ depth lookup: ?(.*)', text)
        if match:
            return False, int(match.group(1)), match.group(2).strip()
        return False, None, text.strip().splitlines()[-1] if text.strip() else 'verification failed'
    finally:
        for name in os.listdir(tmpdir):
            os.unlink(os.path.join(tmpdir, name))
        os.rmdir(tmpdir)


def switched(name, label, opts, judge, *args):
    """``judge(*args)``, or a ``skip`` record when the check ``name`` is switched off."""
    if not opts[name].get('enabled', True):
        return skipped('%s:%s' % (name, label), '%s is switched off' % name)
    return judge(*args)


def verified_chain(label, verify, ca_path, info):
    """``chain:<label>`` from ``verify()``, a second handshake or openssl: run only when the check is on."""
    return judge_chain(label, *verify(), ca_path, info)


def judge_certificate(label, info, hostname, target, opts, now):
    """The field checks every certificate gets; ``target`` holds its merged expiry limits."""
    records = [judge_expiry(label, info, target['expiry'], now)]
    if hostname:
        records.append(switched('hostname', label, opts, judge_hostname, label, info, hostname))
    records.append(switched('key', label, opts, judge_key, label, info, opts['min_rsa_bits'],
                            opts['min_ec_bits']))
    records.append(switched('signature', label, opts, judge_signature, label, info,
                            opts['weak_signature_hashes']))
    return records


def check_endpoint(ep, opts, clock=time.time):
    """Every record of one endpoint."""
    label = endpoint_label(ep)
    name = 'endpoints:%s' % label
    sni = ep['sni'] or ep['host']
    ca_path = ep['ca_path'] or opts['ca_path']
    start = time.perf_counter()
    try:
        der, version, cipher = fetch(ep['host'], ep['port'], sni, ep['timeout'])
    except socket.timeout:
        return [check_result(name, FAIL,
                             message='%s:%s: no TLS handshake within %gs' % (ep['host'], ep['port'], ep['timeout']),
                             remediation='Check that the service is up and reachable on this port.')]
    except ConnectionRefusedError:
        return [check_result(name, FAIL,
                             message='%s:%s refused the connection' % (ep['host'], ep['port']),
                             remediation='Start the TLS service on this port, or open the port.')]
    except (ssl.SSLError, OSError) as exc:
        reason = str(getattr(exc, 'reason', None) or exc)
        message = '%s:%s: TLS handshake failed: %s' % (ep['host'], ep['port'], reason)
        if 'PROTOCOL' in reason.upper() and 'VERSION' in reason.upper() or 'NO_PROTOCOLS' in reason.upper():
            message += (' (the server offers no protocol this host accepts: probably only '
                        'versions below %s)' % opts['min_protocol'])
        return [check_result(name, FAIL, message=message,
                             remediation='Check that the port speaks TLS and allows TLS 1.2 or 1.3.')]
    handshake_ms = (time.perf_counter() - start) * 1000.0
    info = info_from_der(der)
    protocol = switched('protocol', label, opts, judge_protocol, label, version, opts['min_protocol'])
    if protocol['status'] != SKIP:
        protocol['details'] = dict(cipher=cipher, handshake_ms=round(handshake_ms, 3))
    verify = functools.partial(verify_endpoint, ep['host'], ep['port'], sni, ep['timeout'], ca_path)
    records = [protocol, switched('chain', label, opts, verified_chain, label, verify, ca_path, info)]
    records.extend(judge_certificate(label, info, ep['hostname'] or sni, ep, opts, clock()))
    return records


def check_file(entry, opts, clock=time.time):
    """Every record of one certificate file; a missing file is a ``fail`` of the host's state."""
    label = file_label(entry)
    name = 'files:%s' % label
    path = entry['path']
    if not os.path.isfile(path):
        return [check_result(name, FAIL, message='%s %s' % (
            path, 'is not a regular file' if os.path.exists(path) else 'does not exist'),
            remediation='Deploy the certificate to %s, or fix files[].path.' % path)]
    blocks = read_pem_file(path)
    if not blocks:
        return [check_result(name, FAIL, message='%s holds no PEM certificate' % path,
                             remediation='Point path at a PEM certificate file.')]
    info = info_from_pem_text(blocks[0])
    ca_path = entry['ca_path'] or opts['ca_path']
    verify = functools.partial(verify_file, path, ca_path)
    records = [switched('chain', label, opts, verified_chain, label, verify, ca_path, info)]
    records.extend(judge_certificate(label, info, entry['hostname'], entry, opts, clock()))
    return records


def measure(endpoints, files, opts, total_timeout=60.0, workers=8):
    """Check every endpoint and file concurrently within ``total_timeout``; records in order."""
    tasks = [(('endpoints', i), functools.partial(check_endpoint, ep, opts))
             for i, ep in enumerate(endpoints)]
    tasks += [(('files', i), functools.partial(check_file, entry, opts))
              for i, entry in enumerate(files)]
    outcomes = run_bounded(tasks, workers, total_timeout)
    records = []
    for key, _func in tasks:
        ok, value = outcomes[key]
        if ok:
            records.extend(value)
            continue
        kind, index = key
        label = endpoint_label(endpoints[index]) if kind == 'endpoints' else file_label(files[index])
        if isinstance(value, TimedOut):
            records.append(check_result('%s:%s' % (kind, label), FAIL if kind == 'endpoints' else UNKNOWN,
                                        message='no result within the module\'s total_timeout of %gs'
                                        % total_timeout,
                                        remediation='Raise total_timeout, or find why the probe hangs.'))
        else:
            records.append(unknown('%s:%s' % (kind, label), 'could not measure: %s: %s'
                                   % (type(value).__name__, str(value)[:300]),
                                   remediation='See the error; the check itself failed.'))
    return records


def run(params, opts):
    """The module's ``readiness`` result: every endpoint and file examined."""
    settings = dict(params)
    settings.update(opts)
    report = Component('tls')
    for record in measure(ENDPOINTS.merged(params['endpoints'], opts), FILES.merged(params['files'], opts),
                          settings, params['total_timeout'], params['workers']):
        report.add(record)
    return report.result()


def runner():
    """How the component is measured, by its module or golive.readiness.measure.

    Needs the standard library only.
    """
    return Runner(CATALOGUE, run, input_errors)
