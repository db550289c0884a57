# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The readiness role's argument spec, read on the controller by the collection's lookups.

``meta/argument_specs.yml`` is the one definition of the role's variables (ansible-doc reads
it too): their types for validation, their defaults for a switch read from another host's
variables (``hostvars`` has no role defaults).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.module_utils.six.moves.collections_abc import Mapping

try:
    import yaml
    SafeLoader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
except ImportError:  # pragma: no cover - ansible-core requires PyYAML
    yaml = None

ROLE_SPEC = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         'roles', 'readiness', 'meta', 'argument_specs.yml')
# Keys of an option that say what it is for, not what it accepts.
DOC_KEYS = frozenset(('description', 'version_added'))


def validation_spec(options):
    """An argument spec's options without their documentation (nested options too)."""
    out = {}
    for name, option in options.items():
        option = dict((key, value) for key, value in option.items() if key not in DOC_KEYS)
        if isinstance(option.get('options'), Mapping):
            option['options'] = validation_spec(option['options'])
        out[name] = option
    return out


def role_spec(path=ROLE_SPEC):
    """The options of the role's ``main`` entry point, ready for ArgumentSpecValidator."""
    with open(path) as handle:
        document = yaml.load(handle, Loader=SafeLoader)
    return validation_spec(document['argument_specs']['main']['options'])
