# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Several components of one host measured side by side (golive.readiness.measure).

Each component is validated and measured exactly as its own module does it (its probes
module's ``runner()``), on a thread of its own: the call takes as long as the slowest
component, not the sum.  A component with bad input or a probe that raised is a failure of
that component alone; one that does not finish within the time bound is reported ``unknown``
while the others still report.  Adding a component is one branch in ``_runner`` and its
name in ``RUNNERS``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import traceback

from ansible_collections.golive.readiness.plugins.module_utils.concurrency import TimedOut, run_bounded
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    Component,
    missing_library_result,
    unknown,
)


def _runner(name):
    """The runner of component ``name``, its probes module imported only now.

    tls alone pulls in cryptography and certifi (a quarter of a second here); Ansible ships
    every module_utils imported anywhere in this file, inside a function too, so each
    component is one branch here.
    """
    if name == 'system':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import system as probes
    elif name == 'postgres':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import postgres as probes
    elif name == 'redis':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import redis as probes
    elif name == 'http':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import http as probes
    elif name == 'ports':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import port as probes
    elif name == 'docker':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import docker as probes
    elif name == 'network':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import network as probes
    elif name == 'tls':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import tls as probes
    elif name == 'security':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import security as probes
    elif name == 'backup':
        from ansible_collections.golive.readiness.plugins.module_utils.probes import backup as probes
    elif name == 'lynis':
        # security_audit's checks; lynis in the role (readiness_security_* are security_check's).
        from ansible_collections.golive.readiness.plugins.module_utils.probes import security_audit as probes
    else:
        raise KeyError(name)
    return probes.runner()


# Component name (as the role and the report name it) -> its runner, in the role's order.
RUNNERS = dict((name, functools.partial(_runner, name)) for name in (
    'system', 'postgres', 'redis', 'http', 'ports', 'docker', 'network', 'tls', 'security', 'backup', 'lynis'))


def validated(name, given):
    """``(runner, params, no_log_values, errors)`` for one component's options.

    ``None`` values count as not given (the role passes unset variables as null); the
    options are checked with the component's own argument spec, as its module does.
    """
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    if name not in RUNNERS:
        return None, None, set(), ['no such component (known: %s)' % ', '.join(sorted(RUNNERS))]
    if given is not None and not isinstance(given, dict):
        return None, None, set(), ['must be a dict of the options of its module, got %r' % (given,)]
    runner = RUNNERS[name]()
    params = dict((key, value) for key, value in (given or {}).items() if value is not None)
    result = ArgumentSpecValidator(runner.argument_spec()).validate(params)
    no_log = set(getattr(result, '_no_log_values', ()) or ())
    if result.error_messages:
        return runner, None, no_log, list(result.error_messages)
    return runner, result.validated_parameters, no_log, []


def timed_out(runner, params, seconds):
    """The result of a component that did not finish within ``seconds``."""
    report = Component(runner.catalogue.component)
    report.add(unknown('measure_timeout', 'not measured: %s did not finish within %gs'
                       % (runner.catalogue.component, seconds),
                       remediation='See what hangs on the host (a mount, a name lookup, a service that '
                                   'accepts connections but never answers); the time bound is the '
                                   "measure module's timeout (role: readiness_component_timeout)."))
    result = report.result()
    instance = runner.catalogue.instance_name(params)
    if instance:
        result['instance'] = instance
    return result


def measure_all(components, timeout):
    """Measure ``{name: options}`` side by side within ``timeout`` seconds.

    Returns ``(results, failures, no_log_values)``: the ``readiness`` results in the order
    given, ``[{component, message[, exception]}]`` for bad input or a probe that raised, and
    the secret values to keep out of the module's output.
    """
    failures, no_log, ready = [], set(), []
    for name, given in components.items():
        runner, params, secrets, errors = validated(name, given)
        no_log.update(secrets)
        opts = None
        if not errors:
            missing = runner.missing_library()
            if missing:
                ready.append((name, lambda c=runner.catalogue.component, m=missing[0]: missing_library_result(c, m),
                              runner, params))
                continue
            opts, errors = runner.input(params)
        if errors:
            failures.append(dict(component=name, message='; '.join(errors)))
            continue
        ready.append((name, lambda r=runner, p=params, o=opts: r.result(p, o), runner, params))
    outcomes = run_bounded([(name, func) for name, func, _r, _p in ready], len(ready), timeout)
    results = []
    for name, _func, runner, params in ready:
        ok, value = outcomes[name]
        if ok:
            results.append(value)
        elif isinstance(value, TimedOut):
            results.append(timed_out(runner, params, timeout))
        else:
            failures.append(dict(component=name, message='%s: %s' % (type(value).__name__, value),
                                 exception=''.join(traceback.format_exception(
                                     type(value), value, value.__traceback__))))
    return results, failures, no_log
