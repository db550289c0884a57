# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One declaration per check: the catalogue every check module is built from.

A component's catalogue lists its checks once: name (the option, the check record and the
gate's ignore list all use it), unit, direction, default limits, the domain its limits must
lie in, extra settings with their ranges, and the probe that measures it.  From it come the
module's argument spec, the input validation, option merging and the skip / dispatch loop,
so adding a check is one entry.  Runs on the managed host: standard library and the result
model only (Ansible is imported by :func:`run_module` alone).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.golive.readiness.plugins.module_utils.concurrency import run_bounded
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    HIGHER_IS_WORSE,
    Component,
    fail_missing_library,
    fail_on_input_errors,
    fmt_number,
    in_range,
    merge_options,
    skipped,
    validate_limits,
)
from ansible_collections.golive.readiness.plugins.module_utils.redact import redact

INF = float('inf')
# The wait for probes run side by side; each bounds its own time well within it.
MAX_PROBE_SECONDS = 3600

# The version in which deprecated option names stop working.
DEPRECATION_VERSION = '0.3.0'
COLLECTION = 'golive.readiness'

# Where a limit may lie, by the unit it is measured in: (low, high, low_open).
# Durations must be positive (a zero limit would judge every measurement); a percentage
# beyond 100 or a negative count can never be reached and silently disables the check.
UNIT_DOMAINS = {
    'percent': (0, 100, False),
    'ms': (0, INF, True),
    's': (0, INF, True),
    'h': (0, INF, True),
    'days': (0, INF, False),
    'count': (0, INF, False),
    'ratio': (0, INF, False),
    'MiB': (0, INF, False),
    'KiB': (0, INF, False),
    'score': (0, 100, False),
    'req/s': (0, INF, False),
}
ANY_NUMBER = (-INF, INF, False)


def _describe_span(low, high, low_open):
    """``"0 to 100"``, ``"(0, 60]"``, ``"at least 0"`` or ``"above 0"``."""
    if high == INF:
        return ('above %s' if low_open else 'at least %s') % fmt_number(low)
    return ('(%s, %s]' if low_open else '%s to %s') % (fmt_number(low), fmt_number(high))


def number_errors(option, value, low=-INF, high=INF, low_open=False):
    """Problems with one number: not finite, or outside ``[low, high]`` (``(low, high]``)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if isinstance(value, float) and not math.isfinite(value):
        return ['%s: %s is not a finite number' % (option, value)]
    errors = []
    if high == INF:
        if (value <= low) if low_open else (value < low):
            span = _describe_span(low, high, low_open)
            errors.append('%s: %s must be %s' % (option, fmt_number(value), span))
        return errors
    in_range(errors, option, value, low, high, low_open)
    return errors


def pair_order_error(path, warn, fail, domain, direction):
    """``path``'s limits out of order, or None; limits outside ``domain`` are reported where
    they are given, so they are not judged for order here."""
    if any(number_errors(path, limit, *domain) for limit in (warn, fail)):
        return None
    return validate_limits(path, warn, fail, direction)


class Option:
    """One setting of a check or module: its argument spec and, for a number, its range."""

    def __init__(self, type='str', default=None, low=None, high=None, low_open=False, **spec):
        self.type = type
        self.default = default
        self.range = None if low is None and high is None else (
            -INF if low is None else low, INF if high is None else high, low_open)
        self.extra = spec

    def spec(self):
        """The Ansible argument spec of this option."""
        out = dict(type=self.type)
        if self.default is not None:
            out['default'] = list(self.default) if isinstance(self.default, (list, tuple)) else self.default
        out.update(self.extra)
        return out

    def errors(self, path, value):
        """Problems with ``value`` as this option's value; a list's range applies to each element."""
        if isinstance(value, (list, tuple)):
            return [error for item in value for error in self.errors(path, item)]
        if self.range is None:
            return number_errors(path, value) if self.type == 'float' else []
        return number_errors(path, value, *self.range)


class Check:
    """One check: the option that configures it and the probe that measures it.

    Its records are named ``name`` or ``name:<qualifier>`` (``disk:/var``).  ``probe``
    takes ``(context, options)`` and returns a record or a list of records.  ``formerly``
    is the record name of earlier versions, or ``{record name: earlier name}`` for a check
    with several records (the gate still matches them, with a warning);
    ``aliases`` option names of earlier versions (Ansible's ``deprecated_aliases``).
    """

    def __init__(self, name, probe=None, unit=None, direction=HIGHER_IS_WORSE, warn=None,
                 fail=None, limits=True, domain=None, options=None, switch=True,
                 formerly=None, aliases=()):
        self.name = name
        self.probe = probe
        self.unit = unit
        self.direction = direction
        self.warn = warn
        self.fail = fail
        self.limits = limits
        self.domain = domain or UNIT_DOMAINS.get(unit, ANY_NUMBER)
        self.options = dict(options or {})
        self.switch = switch
        self.formerly = formerly
        self.aliases = tuple(aliases)

    def defaults(self):
        """The check's settings when nothing is given."""
        out = {}
        if self.switch:
            out['enabled'] = True
        if self.limits:
            out.update(warn=self.warn, fail=self.fail)
        for key, option in self.options.items():
            out[key] = option.default
        return out

    def spec(self):
        """The argument spec of the check's option: a dict with a switch, limits and settings."""
        options = {}
        if self.switch:
            options['enabled'] = dict(type='bool', default=True)
        if self.limits:
            options['warn'] = dict(type='float')
            options['fail'] = dict(type='float')
            if self.warn is not None:
                options['warn']['default'] = self.warn
            if self.fail is not None:
                options['fail']['default'] = self.fail
        for key, option in self.options.items():
            options[key] = option.spec()
        # Names like evicted_keys or password_aging look secret to Ansible's heuristic.
        return self._with_aliases(dict(type='dict', default={}, options=options, no_log=False))

    def _with_aliases(self, spec):
        """``spec`` with the check's earlier option names as deprecated aliases."""
        if self.aliases:
            spec['aliases'] = list(self.aliases)
            spec['deprecated_aliases'] = [dict(name=alias, version=DEPRECATION_VERSION,
                                               collection_name=COLLECTION) for alias in self.aliases]
        return spec

    def limit_errors(self, opts, path=None):
        """Problems with the check's limits: outside the domain, not finite, or out of order."""
        path = path or self.name
        errors = []
        for key in ('warn', 'fail'):
            errors.extend(number_errors('%s.%s' % (path, key), opts.get(key), *self.domain))
        order = pair_order_error(path, opts.get('warn'), opts.get('fail'), self.domain, self.direction)
        return errors + [order] if order else errors

    def errors(self, opts, path=None):
        """Every problem with the check's settings; a switched-off check's settings still count."""
        path = path or self.name
        errors = self.limit_errors(opts, path) if self.limits else []
        for key, option in self.options.items():
            errors.extend(option.errors('%s.%s' % (path, key), opts.get(key)))
        return errors

    def merge(self, given):
        """The check's settings: ``given`` over its defaults."""
        return merge_options(given, self.defaults())


class Catalogue:
    """A component's checks, in the order they run, and the module-wide options."""

    def __init__(self, component, checks, options=None, instance=None, concurrent=(), records=()):
        self.component = component
        # Names of records an entry option produces besides the checks' own (http_check's
        # https_only:<endpoint>): the checklists' patterns are held to these too.
        self.records = tuple(records)
        # The checks whose probes mostly wait on the host (a tool such as sshd -T or apt) and
        # know nothing of the others: each runs on a thread of its own while the rest run one
        # after the other, as before (CPU-bound probes side by side would only share the CPU
        # and each overrun its own budget). The records keep the catalogue's order.
        self.concurrent = frozenset(concurrent)
        self.checks = tuple(checks)
        self.by_name = dict((check.name, check) for check in self.checks)
        if len(self.by_name) != len(self.checks):
            raise ValueError('%s: two checks share a name' % component)
        self.options = dict(options or {})
        # ``instance(params)`` names what the module measured when one host runs several
        # (two Redis servers): the fleet report keys records by it.
        self.instance = instance

    def argument_spec(self):
        """The module's argument spec, built from the catalogue."""
        spec = dict((key, option.spec()) for key, option in self.options.items())
        if self.instance is not None:
            spec['instance'] = dict(type='str')
        for check in self.checks:
            spec[check.name] = check.spec()
        return spec

    def merged(self, params):
        """Every check's settings, given ones over the catalogue's defaults."""
        return dict((check.name, check.merge(params.get(check.name))) for check in self.checks)

    def input_errors(self, params):
        """Every problem with the input, each naming its option."""
        errors = []
        for key, option in self.options.items():
            errors.extend(option.errors(key, params.get(key)))
        for name, opts in self.merged(params).items():
            errors.extend(self.by_name[name].errors(opts))
        return errors

    def instance_name(self, params):
        """The instance the result is about, or None for a per-host component."""
        if self.instance is None:
            return None
        return params.get('instance') or self.instance(params)

    def annotate(self, result):
        """Give each record of a renamed check its former name, which the gate still matches."""
        for record in result.get('checks') or ():
            base, sep, qualifier = record['name'].partition(':')
            check = self.by_name.get(base)
            if check is None or not check.formerly:
                continue
            if isinstance(check.formerly, dict):
                former = check.formerly.get(record['name'])
                if former is None and sep and check.formerly.get(base + sep):
                    # {'containers:': 'docker_container:'} renames every per-item record.
                    former = check.formerly[base + sep] + qualifier
            else:
                former = check.formerly + sep + qualifier
            if former:
                record['formerly'] = former
        return result

    def run(self, report, context, opts, unavailable=None):
        """Run every switched-on check into ``report``; ``unavailable`` skips them all with its reason.

        The probes of the ``concurrent`` checks run on threads of their own (each bounds its
        own time) beside the others; the records are added in the catalogue's order.
        """
        records, alone, in_turn = [], [], []
        for check in self.checks:
            if check.probe is None:
                continue
            own = opts[check.name]
            if check.switch and not own.get('enabled', True):
                records.append([skipped(check.name, '%s is switched off' % check.name)])
            elif unavailable:
                records.append([skipped(check.name, unavailable)])
            else:
                part = Component(self.component)
                records.append(part.checks)  # filled in when the probe runs
                (alone if check.name in self.concurrent else in_turn).append(
                    lambda part=part, check=check, own=own: part.run(
                        check.name, _bind(check.probe, context, own), unit=check.unit,
                        warn=own.get('warn'), fail=own.get('fail')))
        lanes = alone + ([lambda: [probe() for probe in in_turn]] if in_turn else [])
        if len(lanes) > 1:
            run_bounded(list(enumerate(lanes)), len(lanes), MAX_PROBE_SECONDS)
        elif lanes:
            lanes[0]()
        for part in records:
            for record in part:
                report.add(record)
        return report


class OptionCheck(Check):
    """A check set by one plain option instead of a switch / limits dict.

    ``option`` is the check's whole setting: a list of ports, a flag, a version, or
    :class:`Entries` (a list of targets).  Its records are ``name`` or ``name:<item>``.
    """

    def __init__(self, name, option, probe=None, **kwargs):
        Check.__init__(self, name, probe, switch=False, limits=False, **kwargs)
        self.option = option
        # An entry list's settings are its entries' (the docs test reads their ranges here).
        self.options = dict(getattr(option, 'entry', {}))

    def defaults(self):
        return self.option.default

    def merge(self, given):
        return self.option.default if given is None else given

    def spec(self):
        return self._with_aliases(self.option.spec())

    def errors(self, opts, path=None):
        return self.option.errors(path or self.name, opts)


class Entries(Option):
    """A list option of targets (peers, names to resolve), each entry a dict of Options.

    ``limits`` maps an entry key to the Check whose warn / fail pair the entry may
    override; the module-wide pair (that check's own option) is under it.  Each entry is
    validated and merged as one :class:`Settings`.
    """

    def __init__(self, entry, limits=None, **spec):
        Option.__init__(self, 'list', [], elements='dict', **spec)
        self.item = Settings(entry, limits)
        self.entry = self.item.options
        self.limits = self.item.limits

    def spec(self):
        out = Option.spec(self)
        out['options'] = self.item.spec()['options']
        return out

    def errors(self, path, value):
        """Problems with the entries as given: each number's range, each limit's domain."""
        return [error for index, entry in enumerate(value or ())
                for error in self.item.errors('%s[%d]' % (path, index), entry)]

    def merged(self, given, opts):
        """Each entry over the defaults, its limits over the module-wide ones in ``opts``."""
        return [self.item.merged(entry, opts) for entry in given or ()]

    def order_errors(self, path, given, opts):
        """Limits out of order once an entry's own are merged over the module-wide ones.

        Only entries that set limits of their own are named, and only with limits in their
        domain: the rest is reported once, under its own option.
        """
        return [error for index, entry in enumerate(given or ())
                for error in self.item.order_errors('%s[%d]' % (path, index), entry, opts)]


def _bind(probe, context, opts):
    """``probe`` with its arguments, for :meth:`Component.run`."""
    return lambda: probe(context, opts)


class PairedCheck(Check):
    """A check that judges several values, each against its own pair of limits.

    ``warn`` / ``fail`` judge the main value; ``pairs`` maps a prefix to the default limits of
    another value, set as ``<prefix>_warn`` / ``<prefix>_fail`` (postgres ``query_latency``:
    the p95 with ``warn`` / ``fail``, the p50 with ``p50_warn`` / ``p50_fail``).  Every pair
    has the check's unit, domain and direction.
    """

    def __init__(self, name, probe=None, pairs=None, **kwargs):
        Check.__init__(self, name, probe, **kwargs)
        self.pairs = dict(pairs or {})
        low, high, low_open = self.domain
        for prefix, limits in self.pairs.items():
            for key, default in zip(('warn', 'fail'), limits):
                self.options['%s_%s' % (prefix, key)] = Option(
                    'float', default, None if low == -INF else low, None if high == INF else high, low_open)

    def limit_errors(self, opts, path=None):
        """The main pair's problems, then each further pair's order (its domain is its options')."""
        path = path or self.name
        errors = Check.limit_errors(self, opts, path)
        for prefix in self.pairs:
            error = pair_order_error('%s.%s_warn/%s_fail' % (path, prefix, prefix), opts.get(prefix + '_warn'),
                                     opts.get(prefix + '_fail'), self.domain, self.direction)
            if error:
                errors.append(error)
        return errors


class Settings(Option):
    """A dict option inside an entry (an endpoint's ``sample``): Options, and limits that override
    a module-wide check's pair, as :class:`Entries` has for a whole entry.

    ``limits`` maps a key to the Check whose warn / fail pair it overrides.  An Entries list
    holding it validates it like any option (ranges, the given limits' domains); the module
    merges it per entry with :meth:`merged` and checks the order with :meth:`order_errors`.
    """

    def __init__(self, options, limits=None, **spec):
        Option.__init__(self, 'dict', **spec)
        self.options = dict(options)
        self.limits = dict(limits or {})

    def spec(self):
        out = Option.spec(self)
        out['options'] = dict((key, option.spec()) for key, option in self.options.items())
        for key in self.limits:
            out['options'][key] = dict(type='dict', options=dict(warn=dict(type='float'),
                                                                 fail=dict(type='float')))
        return out

    def errors(self, path, value):
        """Problems with the settings as given: each number's range, each limit's domain."""
        value = value or {}
        errors = []
        for key, option in self.options.items():
            errors.extend(option.errors('%s.%s' % (path, key), value.get(key)))
        for key, check in self.limits.items():
            given = value.get(key) or {}
            for bound in ('warn', 'fail'):
                errors.extend(number_errors('%s.%s.%s' % (path, key, bound), given.get(bound), *check.domain))
        return errors

    def merged(self, given, opts):
        """The settings over their defaults, each limit pair over the module-wide one in ``opts``."""
        given = given or {}
        out = merge_options(given, dict((key, option.default) for key, option in self.options.items()))
        for key, check in self.limits.items():
            wide = opts[check.name]
            out[key] = merge_options(given.get(key), dict(warn=wide.get('warn'), fail=wide.get('fail')))
        return out

    def order_errors(self, path, given, opts):
        """Limit pairs out of order once merged; only pairs given here, with limits in their domain."""
        errors = []
        merged = self.merged(given, opts)
        for key, check in self.limits.items():
            if not (given or {}).get(key):
                continue
            error = pair_order_error('%s.%s' % (path, key), merged[key].get('warn'), merged[key].get('fail'),
                                     check.domain, check.direction)
            if error:
                errors.append(error)
        return errors


def measure_server(catalogue, params, opts, connect, context, close):
    """The result of a component measured over one connection to a server.

    ``connect(limits)`` returns ``(handle or None, connection record)`` for the ``connection``
    check's limits; every other check runs on ``context(handle)`` (skipped without a handle)
    and ``close(handle)`` runs whatever happens.  ``params['password']`` is masked.
    """
    report = Component(catalogue.component)
    handle, record = connect(opts['connection'])
    report.add(record)
    try:
        catalogue.run(report, context(handle), opts,
                      unavailable=None if handle is not None else 'not measured: no connection to the server')
    finally:
        if handle is not None:
            close(handle)
    return redact(report.result(), [params.get('password')])


# Options every catalogued module takes: the role passes a component's checks as one dict
# and names its own variables in error messages (see the check_common doc fragment).
COMMON_OPTIONS = dict(
    checks=dict(type='dict', default={}),
    variable_prefix=dict(type='str'),
)


def checks_errors(catalogue, params):
    """Merge ``params['checks']`` (settings by check name) into the per-check options.

    Each entry is validated with the check's own argument spec, so a wrong type reads as it
    would for the option itself.  Returns the list of problems.
    """
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    errors = []
    # With a variable prefix the role's per-check variable is named, else this option's key.
    label = '' if params.get('variable_prefix') else 'checks.'
    for name, given in sorted((params.get('checks') or {}).items()):
        check = catalogue.by_name.get(name)
        if check is None:
            errors.append('%s%s: no such check of %s (known: %s)'
                          % (label, name, catalogue.component, ', '.join(sorted(catalogue.by_name))))
            continue
        if given is None:
            continue
        if not isinstance(given, dict):
            errors.append('%s%s: must be a dict of the check\'s settings, got %r' % (label, name, given))
            continue
        spec = check.spec()
        if spec.get('type') != 'dict' or 'options' not in spec:
            errors.append('%s%s: is set through its own option, not checks' % (label, name))
            continue
        result = ArgumentSpecValidator(spec['options']).validate(given)
        if result.error_messages:
            errors.extend('%s: %s' % (name, message) for message in result.error_messages)
            continue
        validated = dict((key, value) for key, value in result.validated_parameters.items()
                         if key in given)
        # Over the option's value: the role gives its checks only through ``checks``.
        params[name] = dict(params.get(name) or {}, **validated)
    return errors


class Runner(object):
    """How a component is measured: its catalogue, ``measure(params, opts)`` returning the
    ``readiness`` result, ``extra_errors(params, opts)`` listing input problems the catalogue
    cannot see, and the Python ``libraries`` it needs as ``(name, module_or_None, traceback)``.

    Each probes module builds its own in ``runner()``; the component's module and
    golive.readiness.measure (several components side by side) both run it.
    """

    def __init__(self, catalogue, measure, extra_errors=None, libraries=()):
        self.catalogue = catalogue
        self.measure = measure
        self.extra_errors = extra_errors
        self.libraries = list(libraries)

    def argument_spec(self):
        """The module's options: the catalogue's plus ``checks`` and ``variable_prefix``."""
        spec = dict(self.catalogue.argument_spec())
        spec.update(COMMON_OPTIONS)
        return spec

    def missing_library(self):
        """``(name, import traceback)`` of the first library that did not import, or None."""
        for name, imported, import_error in self.libraries:
            if imported is None:
                return name, import_error
        return None

    def input(self, params):
        """``(opts, errors)``: ``checks`` merged into ``params``, every input problem named.

        With ``variable_prefix`` each problem names the role's variable
        (readiness_system_disk sets disk).
        """
        catalogue = self.catalogue
        errors = checks_errors(catalogue, params)
        opts = catalogue.merged(params)
        if not errors:
            errors = catalogue.input_errors(params)
            if self.extra_errors is not None:
                errors.extend(self.extra_errors(params, opts))
        prefix = params.get('variable_prefix')
        if prefix:
            errors = [prefix + error for error in errors]
        return opts, errors

    def result(self, params, opts):
        """Measure: the ``readiness`` result, renamed checks and the instance annotated."""
        return self.outcome(params, opts)[0]

    def outcome(self, params, opts):
        """``(result, problems)``: ``measure`` may return ``(result, problems)``, input problems
        only the server could see (a query it rejects); they fail the task, every result kept."""
        result = self.measure(params, opts)
        result, problems = result if isinstance(result, tuple) else (result, [])
        result = self.catalogue.annotate(result)
        instance = self.catalogue.instance_name(params)
        if instance:
            result['instance'] = instance
        return result, problems


def import_library(name):
    """``(module, None)``, or ``(None, traceback)`` when ``name`` does not import on this host."""
    import importlib
    import traceback

    try:
        return importlib.import_module(name), None
    except ImportError:
        return None, traceback.format_exc()


def run_module(runner):
    """The whole ``main()`` of a check module: ``run_module(probes.runner())``."""
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(argument_spec=runner.argument_spec(), supports_check_mode=True)
    missing = runner.missing_library()
    if missing:
        fail_missing_library(module, runner.catalogue.component, *missing)
    params = module.params
    opts, errors = runner.input(params)
    fail_on_input_errors(module, errors)
    result, problems = runner.outcome(params, opts)
    if problems:
        module.fail_json(msg='; '.join(problems), readiness=result)
    module.exit_json(changed=False, readiness=result)
