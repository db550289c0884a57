#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible module: judge a host's listening ports from its own socket table."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: port_check
short_description: Check which ports a host listens on, from its own socket table
version_added: 0.1.0
description:
  - Reads the host's socket table once (TCP sockets in C(LISTEN) state, bound UDP sockets)
    and judges three kinds of expectation, returning the shared readiness result model
    (component C(ports)).
  - O(listening) ports must have a listener (check C(port_listening:<proto>/<port>)), e.g.
    the readiness guide's service ports 80/443, 5432, 6379, 9090, 9093, 9100.
  - O(not_listening) ports must have none (check C(port_not_listening:<proto>/<port>)), e.g.
    telnet or a debug port.
  - O(loopback_only) ports may listen only on 127.0.0.0/8 or ::1 (check
    C(port_loopback_only:<proto>/<port>)); a wildcard (0.0.0.0, ::) or any other address is
    C(fail). Not listening at all passes; list the port in O(listening) too to require it.
  - Why a module of its own, not part of C(system_check) or a network check. C(system_check)
    measures resources against numeric limits; ports are expectations about the services
    deployed, set per host group with the application, and run under the role's
    C(application) area with C(http_check) and C(docker_check). A network check answers
    "can this host reach that one" by connecting out; this module answers "what does this
    host expose" from its own kernel table, sends no packet, and sees listeners that a
    firewall hides from a remote probe. One read of the table serves every port.
  - The table is the one of the host's network namespace; inside a container it is the
    container's.
author:
  - golive.readiness contributors (@golive)
requirements:
  - psutil >= 5.6 on the managed host
extends_documentation_fragment:
  - golive.readiness.check_common
options:
  listening:
    description:
      - Ports that must be listening, each C(PORT) (TCP), C(PORT/tcp) or C(PORT/udp).
    type: list
    elements: raw
    default: []
  not_listening:
    description:
      - Ports that must not be listening on any address, in the same form as O(listening).
    type: list
    elements: raw
    default: []
  loopback_only:
    description:
      - Ports that, if listening, must listen only on loopback addresses (databases, caches,
        admin interfaces), in the same form as O(listening).
    type: list
    elements: raw
    default: []
notes:
  - On Linux any user can read the socket table; process names appear in the details only
    for processes the user may see (all of them as root). On macOS reading the table needs
    root, otherwise the checks are C(unknown).
seealso:
  - module: golive.readiness.http_check
  - module: golive.readiness.system_check
'''

EXAMPLES = r'''
- name: Web and database ports of the guide, nothing on telnet, Redis on loopback only
  golive.readiness.port_check:
    listening: [80, 443, 5432, 9100]
    not_listening: [23, 2375]
    loopback_only: [6379, 5432, "udp/161"]
  register: ports
'''

RETURN = r'''
readiness:
  description: The component's checks, judged. See the collection's docs/result-model.md.
  returned: always
  type: dict
  contains:
    component:
      description: Always C(ports).
      type: str
      sample: ports
    status:
      description: The worst status of the checks; C(skip) when no port is listed.
      type: str
      sample: fail
    summary:
      description: Number of checks per status.
      type: dict
      sample: {pass: 3, warn: 0, fail: 1, unknown: 0, skip: 0}
    checks:
      description: One entry per listed port and expectation; C(value) counts the offending or found sockets.
      type: list
      elements: dict
      sample:
        - name: "port_loopback_only:tcp/6379"
          status: fail
          value: 1
          unit: count
          warn: null
          fail: null
          message: "tcp/6379 listens on 0.0.0.0 (redis-server), beyond loopback; it must listen only on 127.0.0.1 / ::1"
          remediation: Bind the service to 127.0.0.1 (e.g. bind / listen_addresses) or firewall it, then restart it.
          duration_ms: 2.1
          details: {addresses: [0.0.0.0], processes: [redis-server]}
'''

import time
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    fail_missing_library,
    fail_on_input_errors,
)
from ansible_collections.golive.readiness.plugins.module_utils.probes import port as probes

try:
    import psutil
except ImportError:
    psutil = None
    PSUTIL_IMPORT_ERROR = traceback.format_exc()
else:
    PSUTIL_IMPORT_ERROR = None


def argument_spec():
    """The module's argument spec."""
    return dict(
        listening=dict(type='list', elements='raw', default=[]),
        not_listening=dict(type='list', elements='raw', default=[]),
        loopback_only=dict(type='list', elements='raw', default=[]),
    )


def main():
    """Entry point."""
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if psutil is None:
        fail_missing_library(module, 'ports', 'psutil', PSUTIL_IMPORT_ERROR)
    parsed, errors = probes.parse_options(module.params)
    fail_on_input_errors(module, errors)
    report = Component('ports')
    start = time.monotonic()
    records = probes.measure(psutil, parsed)
    elapsed = (time.monotonic() - start) * 1000.0
    for record in records:
        record['duration_ms'] = round(elapsed / max(len(records), 1), 3)
        report.add(record)
    module.exit_json(changed=False, readiness=report.result())


if __name__ == '__main__':
    main()
