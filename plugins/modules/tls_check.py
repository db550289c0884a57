#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: judge TLS endpoints and certificate files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: tls_check
short_description: Check TLS endpoints and certificate files - expiry, chain, host name, protocol, key, signature
version_added: 0.1.0
description:
  - Examines the certificate of each endpoint (one handshake that accepts any certificate, so
    an expired or self-signed one is still read) and of each PEM file, concurrently, returning
    the shared readiness result model (component C(tls)). Checks, each named like the option
    that sets it, per endpoint or file label (O(endpoints[].name), else C(host:port);
    O(files[].name), else the path).
  - C(expiry:<label>) days until the certificate expires, lower is worse (warn at 30, fail
    below 7 days; O(expiry), per target O(endpoints[].expiry) and O(files[].expiry)). An expired
    certificate says when it expired; a not-yet-valid one says from when it is valid.
  - C(chain:<label>) the chain verifies against the system trust store or O(ca_path)
    (endpoints by a second, verifying handshake; files with C(openssl verify)). Self-signed,
    unknown issuer, expired and not-yet-valid each get their own message.
  - C(hostname:<label>) the certificate is valid for the host name (SNI name, or
    O(endpoints[].hostname)); wildcards as RFC 6125 allows. For files only with O(files[].hostname).
  - C(protocol:<label>) (endpoints) the negotiated protocol is at least O(min_protocol).
  - C(key:<label>) key type and size (RSA at least O(min_rsa_bits), EC at least
    O(min_ec_bits), DSA fails) and C(signature:<label>) the signature hash is not weak
    (O(weak_signature_hashes)). These two need the Python library cryptography on the host;
    without it they are C(unknown) and every other check still runs.
  - An endpoint that refuses, times out or does not speak TLS gives one C(endpoints:<label>)
    C(fail); a certificate file that does not exist or holds no certificate one C(files:<label>)
    C(fail) (the state of the host, not bad input). The module only connects and reads; it runs
    the same in check mode.
  - "Before 0.2.0 the records were C(tls_expiry:<label>), C(tls_chain:<label>),
    C(tls_hostname:<label>), C(tls_protocol:<label>), C(tls_key:<label>),
    C(tls_signature:<label>), C(tls_handshake:<label>) and C(tls_file:<label>); the gate's
    ignore list still matches those, with a warning."
  - Limits must lie in their domain (days at least 0, finite numbers) and be ordered (warn
    before fail), also once a target's are merged over O(expiry); anything else is bad input.
author:
  - golive.readiness contributors (@golive)
requirements:
  - cryptography on the managed host, optional (key size and signature algorithm)
  - openssl on the managed host, optional (chain verification of certificate files)
extends_documentation_fragment:
  - golive.readiness.check_common
  - golive.readiness.check_common.catalogue
options:
  instance:
    description:
      - Name of what this call checks (a site, a service), in the report as C(readiness.instance),
        so two calls on one host with targets of the same label are separate records.
      - Without it the labels alone identify the checks.
    type: str
  endpoints:
    description: TLS endpoints to connect to (checks C(endpoints:<label>) when there is no handshake).
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Host name or address to connect to.
        type: str
        required: true
      port:
        description: TCP port, 1 to 65535.
        type: int
        default: 443
      sni:
        description: Server name sent in the handshake (SNI); defaults to O(endpoints[].host).
        type: str
      hostname:
        description: Name the certificate must be valid for; defaults to the SNI name.
        type: str
      name:
        description: Stable label of the checks; defaults to C(host:port). Unique per call.
        type: str
      ca_path:
        description: CA bundle (PEM) to verify this endpoint's chain with; overrides O(ca_path).
        type: path
      timeout:
        description: Seconds for the connection and handshake, (0, 120].
        type: float
        default: 10
      expiry:
        description: This endpoint's limits of the days to expiry, over O(expiry).
        type: dict
        suboptions:
          warn: {description: Warn at or below this many days; O(expiry.warn) without it., type: float}
          fail: {description: Fail below this many days; O(expiry.fail) without it., type: float}
  files:
    description:
      - Certificate files (PEM; the leaf first, then any intermediates) on the managed host.
      - A file that does not exist is a C(fail) of C(files:<label>), not bad input.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Path of the PEM file.
        type: path
        required: true
      name:
        description: Stable label of the checks; defaults to the path. Unique per call.
        type: str
      hostname:
        description: Name the certificate must be valid for; no host name check without it.
        type: str
      ca_path:
        description: CA bundle (PEM) to verify this file's chain with; overrides O(ca_path).
        type: path
      expiry:
        description: This file's limits of the days to expiry, over O(expiry).
        type: dict
        suboptions:
          warn: {description: Warn at or below this many days; O(expiry.warn) without it., type: float}
          fail: {description: Fail below this many days; O(expiry.fail) without it., type: float}
  ca_path:
    description: CA bundle (PEM) to verify every chain with; the system trust store without it.
    type: path
  expiry:
    description: Limits of the days to expiry, lower is worse (checks C(expiry:<label>)).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at or below this many days., type: float, default: 30}
      fail: {description: Fail below this many days., type: float, default: 7}
  chain:
    description: The chain verifies (checks C(chain:<label>)), against O(ca_path) or the system trust store.
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  hostname:
    description: The certificate is valid for the host name (checks C(hostname:<label>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  protocol:
    description: The negotiated protocol is at least O(min_protocol) (checks C(protocol:<label>), endpoints only).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  key:
    description: Key type and size are strong enough (checks C(key:<label>)); see O(min_rsa_bits) and O(min_ec_bits).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  signature:
    description: The signature hash is not one of O(weak_signature_hashes) (checks C(signature:<label>)).
    type: dict
    default: {}
    suboptions:
      enabled: {description: Run this check., type: bool, default: true}
  min_protocol:
    description: Lowest acceptable negotiated protocol.
    type: str
    default: TLSv1.2
    choices: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3]
  min_rsa_bits:
    description: Smallest acceptable RSA key, in bits, 1 to 16384.
    type: int
    default: 2048
  min_ec_bits:
    description: Smallest acceptable elliptic-curve key, in bits, 1 to 16384.
    type: int
    default: 256
  weak_signature_hashes:
    description: Signature hashes that fail C(signature:<label>).
    type: list
    elements: str
    default: [md5, sha1]
  total_timeout:
    description: Seconds the whole call may take, (0, 600]; endpoints without a result by then are C(fail).
    type: float
    default: 60
  workers:
    description: Endpoints and files examined at a time (1 to 64).
    type: int
    default: 8
notes:
  - The protocol check reports what the server negotiates with this host's TLS library, which
    offers its newest protocol first; a server limited to old protocols fails the handshake
    when the host's OpenSSL refuses them too, and the message says so.
seealso:
  - module: golive.readiness.http_check
  - module: golive.readiness.network_check
'''

EXAMPLES = r'''
- name: The public site and the private API (private CA), and the certificate nginx serves
  golive.readiness.tls_check:
    endpoints:
      - host: www.example.com
      - host: 10.0.0.5
        port: 8443
        sni: api.internal.example.com
        ca_path: /etc/ssl/private-ca.pem
    files:
      - path: /etc/nginx/tls/site.pem
        hostname: www.example.com
    expiry: {warn: 21, fail: 7}
  register: tls
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(tls).
      type: str
      sample: tls
    instance:
      description: O(instance), when given.
      type: str
      sample: shop
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: warn
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 5, warn: 1, fail: 0, unknown: 0, skip: 0}
    checks:
      description:
        - C(expiry), C(chain), C(hostname), C(protocol), C(key), C(signature) per label,
        - or C(endpoints) / C(files) for a target that could not be read.
      type: list
      elements: dict
      sample:
        - name: "expiry:www.example.com:443"
          status: warn
          value: 10.0
          unit: days
          warn: 30.0
          fail: 7.0
          message: >-
            time left on the certificate of www.example.com:443 (expires 2026-12-06 04:30 UTC) is 10 days
            (warn at or below 30 days, fail below 7 days)
          remediation: Renew the certificate and deploy it (then reload the service).
          duration_ms: 12.5
          details: {not_before: "2026-09-07 04:30 UTC", not_after: "2026-12-06 04:30 UTC", subject: www.example.com, issuer: R11}
'''

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import tls as probes


def main():
    """Entry point: the catalogue and runner in probes/tls.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
