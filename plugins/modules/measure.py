#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: measure
short_description: Measure several components of a host side by side, in one call
version_added: 0.3.0
description:
  - Runs the checks of several components (system, PostgreSQL, Redis, HTTP endpoints, ports,
    Docker, network, TLS, security) on the host at the same time, each exactly as its own
    module (M(golive.readiness.system_check), M(golive.readiness.http_check), ...) would, with the
    same options, defaults, input checks and result. The call takes as long as the slowest
    component, not the sum, and costs one task instead of one per component.
  - Each component stays its own entry of the result, so the fleet report and the gate see
    the same components as with the separate modules.
  - A component with bad input (or whose probe raised an error) is a failure of that component
    alone, named in RV(failures); the other components are still measured and returned, and
    the task then fails. A component whose Python library is missing returns an C(unknown)
    check naming the library, as its module does, and does not fail the task.
  - A component that has not finished after O(timeout) seconds is returned with one C(unknown)
    check, C(measure_timeout), while the others report on time.
  - The golive.readiness.readiness role measures a host with one call of this module.
author:
  - golive.readiness contributors (@golive)
options:
  components:
    description:
      - "The components to measure, each with the options of its module, as a dict
        (C({system: {checks: {disk: {warn: 70}}}, redis: {port: 6380}}))."
      - 'Names: C(system), C(postgres), C(redis), C(http), C(ports) (M(golive.readiness.port_check)),
        C(docker), C(network), C(tls), C(security).'
      - An option set to null counts as not given. Secret options (C(password), C(secret_headers), ...)
        stay out of the output as with the components' own modules.
    type: dict
    required: true
  timeout:
    description: Seconds each component may take; after that it is C(unknown) and the others are returned.
    type: float
    default: 300
notes:
  - Supports check mode; every component is read-only.
seealso:
  - module: golive.readiness.system_check
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: System, Redis and the HTTP endpoints at once
  golive.readiness.measure:
    components:
      system:
        checks: {disk: {warn: 70, fail: 85}}
      redis:
        port: 6379
        password: "{{ vault_redis_password }}"
      http:
        endpoints:
          - {name: health, url: "http://127.0.0.1/health"}
    timeout: 120
  register: measured
'''

RETURN = r'''
readiness:
  description: One C(readiness) result per component measured, in the order given (see the module of each component).
  returned: always
  type: list
  elements: dict
  sample:
    - component: system
      status: pass
      checks: [{name: memory, status: pass, value: 63.1, unit: percent}]
failures:
  description: The components that failed, each with its C(component) and C(message) (and C(exception) when a probe raised).
  returned: always
  type: list
  elements: dict
  sample: [{component: system, message: "readiness_system_disk.warn: -5 is out of range 0 to 100"}]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.golive.readiness.plugins.module_utils.components import measure_all


def main():
    """Validate and measure each component on its own thread; fail only after all reported."""
    module = AnsibleModule(argument_spec=dict(components=dict(type='dict', required=True),
                                              timeout=dict(type='float', default=300)),
                           supports_check_mode=True)
    if module.params['timeout'] <= 0:
        module.fail_json(msg='timeout: %s must be above 0' % module.params['timeout'])
    results, failures, secrets = measure_all(module.params['components'], module.params['timeout'])
    module.no_log_values.update(secrets)
    if failures:
        module.fail_json(msg='; '.join('%s: %s' % (f['component'], f['message']) for f in failures),
                         changed=False, readiness=results, failures=failures)
    module.exit_json(changed=False, readiness=results, failures=[])


if __name__ == '__main__':
    main()
