#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes Prometheus text atomically into node_exporter's textfile collector directory."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: prometheus_textfile
short_description: Readiness metrics into node_exporter's textfile collector, written atomically
version_added: 0.2.0
description:
  - Writes metrics in the Prometheus text format to a C(.prom) file of node_exporter's textfile
    collector directory on the host, atomically, a temporary file in the same directory (whose
    name does not end in C(.prom), so node_exporter never reads it), then a rename. node_exporter
    reads the directory at every scrape and would otherwise export a half-written file. A file
    that is replaced keeps its owner, group and SELinux context; O(mode) is set on it.
  - Without O(content), the metrics are the host's readiness results of the run so far, as the
    P(golive.readiness.fleet_report#callback) callback collected them, in its Prometheus format
    (the C(golive_readiness_*) series the alert rules of the P(golive.readiness.prometheus#role)
    role and the fleet readiness dashboard read), the host's check statuses and values, whether
    it is ready, its score and the report time. The O(fleet_host) also gets the fleet's series
    (hosts per status, fleet score, the gate's verdict O(gate_go)) and the series of every host of
    the report that is not in the play (unreachable or failed), so their not-ready state reaches
    Prometheus too.
  - The file is replaced only when its content or mode differs (a readiness run measures anew,
    so a new run's file usually differs; the same report again changes nothing). Check mode
    writes nothing and says whether the file would change (with a diff in diff mode).
  - Runs after the checks; the role P(golive.readiness.readiness#role) calls it from
    C(playbooks/gate.yml) after the gate's verdict when C(readiness_textfile_enabled) is true.
author:
  - golive.readiness contributors (@golive)
options:
  directory:
    description:
      - The textfile collector directory (node_exporter's C(--collector.textfile.directory); the
        P(golive.readiness.node_exporter#role) role's C(node_exporter_textfile_dir)). It must
        exist; nothing is created.
    type: path
    default: /var/lib/node_exporter/textfile
  name:
    description: The file's name in O(directory), a plain name ending in C(.prom).
    type: str
    default: golive_readiness.prom
  content:
    description:
      - The Prometheus text to write. Omitted, the host's readiness metrics of the run (see
        above), which needs the P(golive.readiness.fleet_report#callback) callback enabled.
      - Every line is a comment, empty, or one sample; anything else is refused before writing
        (node_exporter would drop the whole file).
    type: str
  fleet_host:
    description:
      - The host whose file also carries the fleet's series and those of the report's hosts not
        in the play. Default, the first host of the play.
      - Only used without O(content). In a run that is one slice of a fleet (the callback's
        C(slice)), no file carries fleet series (the merged report's are the fleet's); the
        series of the slice's hosts without a file still go to O(fleet_host).
    type: str
  gate_go:
    description:
      - The gate's verdict for C(golive_readiness_gate_go) in the O(fleet_host)'s file (the
        registered P(golive.readiness.gate#module) result's C(go)). Omitted, no gate series.
      - Only used without O(content).
    type: bool
  mode:
    description: The file's permissions, in octal (node_exporter must be able to read it).
    type: str
    default: '0644'
notes:
  - The file is written by the connecting user (use become for a root-owned directory).
seealso:
  - module: golive.readiness.gate
  - plugin: golive.readiness.fleet_report
    plugin_type: callback
'''

EXAMPLES = r'''
- name: This host's readiness metrics for node_exporter, after the gate
  golive.readiness.prometheus_textfile:
    fleet_host: "{{ groups['monitoring'] | first }}"
    gate_go: "{{ readiness_gate.go }}"
  become: true

- name: Any metrics, atomically
  golive.readiness.prometheus_textfile:
    name: deploy.prom
    content: |
      # TYPE deploy_timestamp_seconds gauge
      deploy_timestamp_seconds 1764250000
'''

RETURN = r'''
path:
  description: The file written (or that would be written).
  returned: success
  type: str
  sample: /var/lib/node_exporter/textfile/golive_readiness.prom
samples:
  description: The number of samples (metric lines) in the file.
  returned: success
  type: int
'''

import os
import re
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_bytes, to_native

# One sample: a metric name, optional labels, a value and an optional timestamp.
SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})?[ \t]+\S+([ \t]+-?[0-9]+)?$')

ARGUMENT_SPEC = dict(
    directory=dict(type='path', default='/var/lib/node_exporter/textfile'),
    name=dict(type='str', default='golive_readiness.prom'),
    content=dict(type='str'),
    fleet_host=dict(type='str'),
    gate_go=dict(type='bool'),
    mode=dict(type='str', default='0644'),
)


def input_errors(params):
    """Problems with the options, one line each (nothing is written when there are any)."""
    errors = []
    name = params['name']
    if not name or os.path.basename(name) != name or not name.endswith('.prom') or name.startswith('.'):
        errors.append('name: %r must be a plain file name ending in .prom (node_exporter reads only those)' % name)
    try:
        mode = int(params['mode'], 8)
        if not 0 <= mode <= 0o7777:
            raise ValueError
    except (TypeError, ValueError):
        errors.append('mode: %r is not an octal file mode such as 0644' % params['mode'])
    if params['content'] is None:
        errors.append('content: missing (the action plugin fills it from the run\'s readiness results)')
    else:
        for number, line in enumerate(params['content'].splitlines(), 1):
            if line.strip() and not line.startswith('#') and not SAMPLE.match(line):
                errors.append('content: line %d is not a Prometheus sample: %r' % (number, line[:120]))
                break
    if not os.path.isdir(params['directory']):
        errors.append("directory: %s does not exist: node_exporter's textfile collector reads the directory "
                      "it was started with (the node_exporter role's node_exporter_textfile_dir)" % params['directory'])
    return errors


def write_atomic(module, directory, path, data, mode):
    """``data`` into ``path`` by a temporary file in ``directory`` and a rename.

    The rename is AnsibleModule.atomic_move: a file that is replaced keeps its owner, group and
    SELinux context (a new one gets the directory's default context); then ``mode``.
    """
    # Not *.prom and hidden: node_exporter skips it while it is written.
    handle, temporary = tempfile.mkstemp(prefix='.golive-', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(handle, 'wb') as out:
            out.write(data)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        module.atomic_move(temporary, path)
        os.chmod(path, mode)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    errors = input_errors(params)
    if errors:
        module.fail_json(msg='; '.join(errors))
    path = os.path.join(params['directory'], params['name'])
    mode = int(params['mode'], 8)
    text = params['content'] if params['content'].endswith('\n') or not params['content'] else params['content'] + '\n'
    data = to_bytes(text)
    samples = sum(1 for line in text.splitlines() if line.strip() and not line.startswith('#'))
    try:
        with open(path, 'rb') as current:
            before = current.read()
        before_mode = stat.S_IMODE(os.stat(path).st_mode)
    except (IOError, OSError):
        before, before_mode = None, None
    changed = before != data or before_mode != mode
    result = dict(changed=changed, path=path, samples=samples)
    if module._diff and before != data:
        result['diff'] = dict(before='' if before is None else to_native(before, errors='replace'),
                              after=text, before_header=path, after_header=path)
    if changed and not module.check_mode:
        try:
            if before == data:
                os.chmod(path, mode)
            else:
                write_atomic(module, params['directory'], path, data, mode)
        except (IOError, OSError) as exc:
            module.fail_json(msg='cannot write %s: %s' % (path, to_native(exc.strerror or exc)), path=path)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
