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
    the shared readiness result model (component C(tls)). Checks, per endpoint or file label
    (O(endpoints[].name), else C(host:port); O(files[].name), else the path).
  - C(tls_expiry:<label>) days until the certificate expires, lower is worse (warn at 30, fail
    at 7 days). An expired certificate says when it expired; a not-yet-valid one says from when
    it is valid.
  - C(tls_chain:<label>) the chain verifies against the system trust store or O(ca_path)
    (endpoints by a second, verifying handshake; files with C(openssl verify)). Self-signed,
    unknown issuer, expired and not-yet-valid each get their own message.
  - C(tls_hostname:<label>) the certificate is valid for the host name (SNI name, or
    O(endpoints[].hostname)); wildcards as RFC 6125 allows. For files only with O(files[].hostname).
  - C(tls_protocol:<label>) (endpoints) the negotiated protocol is at least O(min_protocol).
  - C(tls_key:<label>) key type and size (RSA at least O(min_rsa_bits), EC at least
    O(min_ec_bits), DSA fails) and C(tls_signature:<label>) the signature hash is not weak
    (MD5, SHA-1). These two need the Python library cryptography on the host; without it they
    are C(unknown) and every other check still runs.
  - An endpoint that refuses, times out or does not speak TLS gives one C(tls_handshake:<label>)
    C(fail). The module only connects and reads; it runs the same in check mode.
author:
  - golive.readiness contributors (@golive)
requirements:
  - cryptography on the managed host, optional (key size and signature algorithm)
  - openssl on the managed host, optional (chain verification of certificate files)
extends_documentation_fragment:
  - golive.readiness.check_common
options:
  endpoints:
    description: TLS endpoints to connect to.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Host name or address to connect to.
        type: str
        required: true
      port:
        description: TCP port.
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
        description: Seconds for the connection and handshake (0 to 120).
        type: float
        default: 10
  files:
    description: Certificate files (PEM; the leaf first, then any intermediates) on the managed host.
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
  ca_path:
    description: CA bundle (PEM) to verify every chain with; the system trust store without it.
    type: path
  expiry:
    description: Limits of the days to expiry (lower is worse).
    type: dict
    default: {}
    suboptions:
      warn: {description: Warn at or below this many days., type: float, default: 30}
      fail: {description: Fail below this many days., type: float, default: 7}
  min_protocol:
    description: Lowest acceptable negotiated protocol.
    type: str
    default: TLSv1.2
    choices: [TLSv1, TLSv1.1, TLSv1.2, TLSv1.3]
  min_rsa_bits:
    description: Smallest acceptable RSA key, in bits.
    type: int
    default: 2048
  min_ec_bits:
    description: Smallest acceptable elliptic-curve key, in bits.
    type: int
    default: 256
  weak_signature_hashes:
    description: Signature hashes that fail C(tls_signature).
    type: list
    elements: str
    default: [md5, sha1]
  total_timeout:
    description: Seconds the whole call may take (0 to 600); endpoints without a result by then are C(fail).
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
    status:
      description: The worst status of the checks (C(skip) < C(pass) < C(unknown) < C(warn) < C(fail)).
      type: str
      sample: warn
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 5, warn: 1, fail: 0, unknown: 0, skip: 0}
    checks:
      description: C(tls_expiry), C(tls_chain), C(tls_hostname), C(tls_protocol), C(tls_key), C(tls_signature) per label.
      type: list
      elements: dict
      sample:
        - name: "tls_expiry:www.example.com:443"
          status: warn
          value: 10.0
          unit: days
          warn: 30.0
          fail: 7.0
          message: >-
            time left on the certificate of www.example.com:443 (expires 2026-12-06 04:30 UTC) is 10 days
            (warn at or below 30 days, fail at or below 7 days)
          remediation: Renew the certificate and deploy it (then reload the service).
          duration_ms: 12.5
          details: {not_before: "2026-09-07 04:30 UTC", not_after: "2026-12-06 04:30 UTC", subject: www.example.com, issuer: R11}
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    fail_on_input_errors,
    merge_options,
)
from ansible_collections.golive.readiness.plugins.module_utils.probes import tls as probes


def argument_spec():
    """The module's argument spec; defaults come from tls_probes."""
    e = probes.ENDPOINT_DEFAULTS
    return dict(
        endpoints=dict(type='list', elements='dict', default=[], options=dict(
            host=dict(type='str', required=True),
            port=dict(type='int', default=e['port']),
            sni=dict(type='str'),
            hostname=dict(type='str'),
            name=dict(type='str'),
            ca_path=dict(type='path'),
            timeout=dict(type='float', default=e['timeout']),
        )),
        files=dict(type='list', elements='dict', default=[], options=dict(
            path=dict(type='path', required=True),
            name=dict(type='str'),
            hostname=dict(type='str'),
            ca_path=dict(type='path'),
        )),
        ca_path=dict(type='path'),
        expiry=dict(type='dict', default={}, options=dict(
            warn=dict(type='float', default=probes.EXPIRY['warn']),
            fail=dict(type='float', default=probes.EXPIRY['fail']),
        )),
        min_protocol=dict(type='str', default=probes.MIN_PROTOCOL, choices=list(probes.PROTOCOLS)),
        min_rsa_bits=dict(type='int', default=probes.MIN_RSA_BITS),
        min_ec_bits=dict(type='int', default=probes.MIN_EC_BITS),
        weak_signature_hashes=dict(type='list', elements='str', default=list(probes.WEAK_HASHES)),
        total_timeout=dict(type='float', default=60.0),
        workers=dict(type='int', default=8),
    )


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    endpoints = [merge_options(ep, probes.ENDPOINT_DEFAULTS) for ep in params['endpoints']]
    files = [merge_options(f, probes.FILE_DEFAULTS) for f in params['files']]
    expiry = dict((k, v) for k, v in params['expiry'].items())
    errors = probes.input_errors(endpoints, files, expiry, params['min_protocol'],
                                 params['total_timeout'], params['workers'])
    if params['ca_path'] and not os.path.exists(params['ca_path']):
        errors.append('ca_path: %s does not exist' % params['ca_path'])
    for option in ('min_rsa_bits', 'min_ec_bits'):
        if not 0 < params[option] <= 16384:
            errors.append('%s: %d is out of range 1 to 16384' % (option, params[option]))
    fail_on_input_errors(module, errors)
    opts = dict(expiry=expiry, min_protocol=params['min_protocol'], ca_path=params['ca_path'],
                min_rsa_bits=params['min_rsa_bits'], min_ec_bits=params['min_ec_bits'],
                weak_signature_hashes=params['weak_signature_hashes'])
    report = Component('tls')
    for record in probes.measure(endpoints, files, opts, params['total_timeout'], params['workers']):
        report.add(record)
    module.exit_json(changed=False, readiness=report.result())


if __name__ == '__main__':
    main()
