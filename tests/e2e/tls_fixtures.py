"""Certificates and TLS servers on 127.0.0.1 for the tls_check tests.

A private CA issues the certificates (valid, expiring in 10 days, expired, not yet valid,
wrong host name, weak key + SHA-1); one more is self-signed. Each is served by a Python
``ssl`` server in a child process on its own loopback port.
"""

import datetime
import os
import subprocess
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key(kind='ec', bits=2048):
    if kind == 'rsa':
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return ec.generate_private_key(ec.SECP256R1())


def make_ca():
    key = _key()
    cert = (x509.CertificateBuilder().subject_name(_name('golive test CA')).issuer_name(_name('golive test CA'))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - DAY).not_valid_after(NOW + 365 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_leaf(ca, names=('localhost',), ips=('127.0.0.1',), start=None, end=None, key=None,
              digest=None, self_signed=False):
    """A server certificate issued by ``ca`` (or self-signed)."""
    import ipaddress
    key = key or _key()
    san = [x509.DNSName(n) for n in names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    subject = _name(names[0] if names else 'server')
    issuer_key, issuer_name = (key, subject) if self_signed else (ca[0], ca[1].subject)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start or NOW - DAY).not_valid_after(end or NOW + 90 * DAY)
            .add_extension(x509.SubjectAlternativeName(san), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(issuer_key, digest or hashes.SHA256()))
    return key, cert


def write_pair(directory, label, pair, chain=()):
    """Write ``label.pem`` (certificate + chain) and ``label.key``; return both paths."""
    key, cert = pair
    cert_path = os.path.join(directory, '%s.pem' % label)
    key_path = os.path.join(directory, '%s.key' % label)
    with open(cert_path, 'wb') as stream:
        stream.write(cert.public_bytes(serialization.Encoding.PEM))
        for extra in chain:
            stream.write(extra.public_bytes(serialization.Encoding.PEM))
    with open(key_path, 'wb') as stream:
        stream.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return cert_path, key_path


SERVER = r'''
import socket, ssl, sys, threading, time
specs = sys.argv[1:]
servers = []
for spec in specs:
    cert, key, maxver = spec.split(',')
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if maxver != '-':
        ctx.set_ciphers('DEFAULT:@SECLEVEL=0')
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        ctx.maximum_version = getattr(ssl.TLSVersion, maxver)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', 0)); sock.listen(16)
    servers.append((sock, ctx))
def serve(sock, ctx):
    while True:
        conn, _ = sock.accept()
        conn.settimeout(5)
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.close()
        except (ssl.SSLError, OSError):
            conn.close()
for sock, ctx in servers:
    t = threading.Thread(target=serve, args=(sock, ctx)); t.daemon = True; t.start()
print(' '.join(str(s.getsockname()[1]) for s, _ in servers), flush=True)
time.sleep(900)
'''


def start_servers(specs):
    """Start one process serving each ``(cert, key, max_version or '-')``; return ``(proc, ports)``."""
    proc = subprocess.Popen([sys.executable, '-c', SERVER] + [','.join(s) for s in specs],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    ports = [int(p) for p in line.split()]
    if len(ports) != len(specs):
        proc.kill()
        raise RuntimeError('TLS servers did not start: %r' % line)
    return proc, ports
