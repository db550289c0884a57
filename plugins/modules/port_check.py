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
  - O(listening) ports must have a listener (check C(listening:<proto>/<port>)), e.g.
    the readiness guide's service ports 80/443, 5432, 6379, 9090, 9093, 9100.
  - O(not_listening) ports must have none (check C(not_listening:<proto>/<port>)), e.g.
    telnet or a debug port.
  - O(loopback_only) ports may listen only on 127.0.0.0/8 or ::1 (check
    C(loopback_only:<proto>/<port>)); a wildcard (0.0.0.0, ::) or any other address is
    C(fail). Not listening at all passes; list the port in O(listening) too to require it.
  - Each check is named like the option that sets it. Before 0.2.0 they were
    C(port_listening:<proto>/<port>), C(port_not_listening:...) and C(port_loopback_only:...);
    the gate's ignore list still matches those, with a warning.
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
  - golive.readiness.check_common.catalogue
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
        - name: "loopback_only:tcp/6379"
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

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import run_module
from ansible_collections.golive.readiness.plugins.module_utils.probes import port as probes


def main():
    """Entry point: the catalogue and runner in probes/port.py define the options, checks and libraries."""
    run_module(probes.runner())


if __name__ == '__main__':
    main()
