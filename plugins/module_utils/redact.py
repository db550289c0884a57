# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep secrets out of check results.

Ansible masks ``no_log`` option values in what a module returns, but a check
result may also travel through other paths (unit tests, the fleet report of a
module run without Ansible's masking).  Modules that take a password therefore
scrub their own result with :func:`redact` before returning it, and build
error messages with :func:`error_text`.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MASK = '********'


def redact(data, secrets):
    """Return ``data`` with every occurrence of each secret in any string replaced by a mask.

    Walks dicts, lists and tuples; other values are returned unchanged.
    Empty secrets are ignored.
    """
    secrets = [s for s in (secrets or ()) if s]
    if not secrets:
        return data
    if isinstance(data, dict):
        return dict((key, redact(value, secrets)) for key, value in data.items())
    if isinstance(data, (list, tuple)):
        return type(data)(redact(value, secrets) for value in data)
    if isinstance(data, str):
        for secret in secrets:
            data = data.replace(secret, MASK)
    return data


def error_text(exc, secrets=None):
    """One-line text of an exception (a server's message), with secrets masked."""
    text = ' '.join(str(exc).split()) or type(exc).__name__
    return redact(text, secrets)
