# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The go / no-go decision: a policy applied to a fleet report.

Pure functions on the report dict, so the gate action stays thin and the
decision is unit-tested without Ansible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import re

from ansible_collections.golive.readiness.plugins.module_utils.readiness import PASS, UNKNOWN
from ansible_collections.golive.readiness.plugins.plugin_utils.compare import compare
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import NOT_EVALUATED, check_label

UNKNOWN_POLICIES = ('fail', 'warn', 'ignore')

# One definition of the rule options: the gate action's argument spec, the validation of the
# fleet and per-group rules, and (by a unit test) the module's DOCUMENTATION come from here.
RULES = dict(
    max_fail=dict(type='int', default=0, minimum=0),
    max_warn_percent=dict(type='float', default=100.0, minimum=0, maximum=100),
    max_unknown_percent=dict(type='float', default=100.0, minimum=0, maximum=100),
    max_unreachable=dict(type='int', default=0, minimum=0),
    unknown=dict(type='str', default='warn', choices=list(UNKNOWN_POLICIES)),
    require_evaluated=dict(type='bool', default=True),
    require_measured=dict(type='bool', default=True),
)
RULE_KEYS = tuple(RULES)
DEFAULT_RULE = dict((key, spec['default']) for key, spec in RULES.items())
# The policy's other options, shared with golive.readiness.report_merge (the doc fragment
# golive.readiness.gate_policy documents RULES and these).
POLICY_OPTIONS = dict(
    groups=dict(type='dict', default={}),
    ignore=dict(type='list', elements='dict', default=[], options=dict(
        check=dict(type='str', required=True),
        hosts=dict(type='str', default='*'),
        reason=dict(type='str', required=True),
    )),
    fail_on_nogo=dict(type='bool', default=True),
    stats_key=dict(type='str', default='golive_readiness'),
)
# The other options of the gate.
OPTIONS = dict(
    POLICY_OPTIONS,
    # Sections of one run (a release: before, each batch, after), see section_errors().
    section=dict(type='str'),
    baseline=dict(type='str'),
    max_regressions=dict(type='int', default=0),
)
# A section's name is part of its report's file names.
SECTION_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
_SPEC_ONLY = ('minimum', 'maximum')  # checked by validate_policy, unknown to Ansible's spec


def policy_spec():
    """The argument spec of the policy (RULES and POLICY_OPTIONS), for any action that judges."""
    spec = dict((key, dict((k, v) for k, v in rule.items() if k not in _SPEC_ONLY))
                for key, rule in RULES.items())
    spec.update(POLICY_OPTIONS)
    return spec


def argument_spec():
    """The gate's argument spec (for ``validate_argument_spec``), from RULES and OPTIONS."""
    spec = policy_spec()
    spec.update(OPTIONS)
    return spec


def _rule_problem(key, value):
    """Why ``value`` is not valid for rule ``key``, or None."""
    spec = RULES[key]
    kind = spec['type']
    if kind == 'bool':
        return None if isinstance(value, bool) else 'must be true or false, got %r' % (value,)
    if 'choices' in spec:
        return None if value in spec['choices'] else 'must be one of %s, got %r' % (
            ', '.join(spec['choices']), value)
    number = (int,) if kind == 'int' else (int, float)
    low, high = spec.get('minimum'), spec.get('maximum')
    if (isinstance(value, bool) or not isinstance(value, number)
            or (low is not None and not value >= low) or (high is not None and not value <= high)):
        if kind == 'int':
            return 'must be a whole number >= %d, got %r' % (low, value)
        return 'must be a number from %g to %g, got %r' % (low, high, value)
    return None


def validate_policy(policy):
    """Return a list of problems with ``policy`` (each naming its option)."""
    errors = []

    def check_rule(prefix, rule):
        for key, value in rule.items():
            if key not in RULES:
                errors.append('%s%s: unknown rule; use one of %s' % (prefix, key, ', '.join(RULE_KEYS)))
                continue
            problem = _rule_problem(key, value)
            if problem:
                errors.append('%s%s: %s' % (prefix, key, problem))

    check_rule('', dict((k, policy[k]) for k in RULE_KEYS if policy.get(k) is not None))
    for group, rule in (policy.get('groups') or {}).items():
        if not isinstance(rule, dict):
            errors.append('groups.%s: must be a dict of rules' % group)
            continue
        check_rule('groups.%s.' % group, rule)
    errors.extend(section_errors(policy))
    for index, item in enumerate(policy.get('ignore') or ()):
        if not isinstance(item, dict) or not item.get('check'):
            errors.append('ignore[%d]: needs a check pattern (component/check)' % index)
        elif not str(item.get('reason') or '').strip():
            errors.append('ignore[%d]: %s needs a reason' % (index, item['check']))
    return errors


def section_errors(policy):
    """Problems with the section options ``section``, ``baseline`` and ``max_regressions``."""
    errors = []
    for key in ('section', 'baseline'):
        value = policy.get(key)
        if value is not None and not SECTION_NAME.match(str(value)):
            errors.append('%s: %r is not a section name (letters, digits, _ . -; at most 64)' % (key, value))
    if policy.get('baseline') is not None and policy.get('baseline') == policy.get('section'):
        errors.append('baseline: a section cannot be its own baseline (%s)' % policy['baseline'])
    low = policy.get('max_regressions')
    if low is not None and (isinstance(low, bool) or not isinstance(low, int) or low < 0):
        errors.append('max_regressions: must be a whole number >= 0, got %r' % (low,))
    return errors


def regressions(baseline, report, ignores=()):
    """Checks that passed in ``baseline`` and warn or fail in ``report`` (same host and check).

    A check the gate's ``ignore`` list matches is no regression either.
    """
    return [item for item in compare(baseline, report)['newly_failing']
            if item.get('previous_status') == PASS and _ignored(ignores, item['host'], item) is None]


def regression_blockers(found, allowed):
    """One blocker when more than ``allowed`` regressions were ``found``, naming them."""
    if len(found) <= allowed:
        return []
    labels = ['%s %s pass -> %s' % (item['host'], check_label(item), item['status']) for item in found]
    return ['regression: %d check(s) passed before and now warn or fail (at most %d allowed): %s'
            % (len(found), allowed, _more(labels))]


def _check_pattern(pattern):
    """An ignore pattern for fnmatch: ``*`` and ``?`` are wildcards, brackets literal (an instance)."""
    return re.sub(r'[][]', lambda m: '[%s]' % m.group(0), pattern)


# Until this version an ignore pattern still matches a renamed check's old name (``formerly``).
FORMER_NAMES_UNTIL = '0.3.0'


def _ignored(ignores, host, check, deprecations=None):
    """The ignore rule matching ``check`` on ``host`` (on ``component/check`` or, for a named
    instance, ``component[instance]/check`` too), or None.

    A pattern matching only the check's old name (``formerly``) still matches, and says so in
    ``deprecations`` (a set of messages).
    """
    keys = {'%s/%s' % (check['component'], check['name']), check_label(check)}
    for item in ignores:
        if not fnmatch.fnmatchcase(host, item.get('hosts') or '*'):
            continue
        pattern = _check_pattern(item['check'])
        if any(fnmatch.fnmatchcase(key, pattern) for key in keys):
            return item
        former = check.get('formerly')
        if former and fnmatch.fnmatchcase('%s/%s' % (check['component'], former), pattern):
            if deprecations is not None:
                deprecations.add('gate ignore %r matches %s by its old name %s/%s: write the new name '
                                 '(old names stop matching in %s)' % (
                                     item['check'], check_label(check), check['component'], former,
                                     FORMER_NAMES_UNTIL))
            return item
    return None


def _more(items, shown=10):
    return ', '.join(items[:shown]) + (' (+%d more)' % (len(items) - shown) if len(items) > shown else '')


def _judge(scope, hosts, rule, ignores, used_ignores, deprecations=None):
    """Blockers for ``hosts`` (name -> report entry) under ``rule``."""
    blockers = []
    fails, warns, unknowns, unmeasured, judged = [], [], [], [], 0
    unreachable = sorted(h for h, e in hosts.items() if e['unreachable'])
    for host in sorted(hosts):
        entry = hosts[host]
        if entry['status'] == NOT_EVALUATED and rule['require_evaluated']:
            blockers.append('%s: %s was never evaluated' % (scope, host))
        for error in entry['errors']:
            blockers.append('%s: %s task %r failed: %s' % (scope, host, error['task'], error['message'][:200]))
        measured = False
        for check in entry['checks']:
            status = check['status']
            if status == 'skip':
                continue
            measured = measured or status != UNKNOWN
            ignore = _ignored(ignores, host, check, deprecations)
            if ignore is not None:
                used_ignores.setdefault((ignore['check'], ignore['reason']), set()).add(host)
                continue
            judged += 1
            label = '%s %s' % (host, check_label(check))
            if status == UNKNOWN:
                unknowns.append(label)
                status = {'fail': 'fail', 'warn': 'warn', 'ignore': 'pass'}[rule['unknown']]
            if status == 'fail':
                fails.append(label)
            elif status == 'warn':
                warns.append(label)
        # Evidence: a host that answered but where no check could measure anything is not
        # ready, whatever the unknown policy (a missing library, no permission, ...).
        if (not measured and not entry['unreachable'] and not entry['errors']
                and entry['status'] != NOT_EVALUATED):
            unmeasured.append(host)
    if unmeasured and rule['require_measured']:
        blockers.append('%s: %d host(s) with no measured check (only unknown or skipped): %s' % (
            scope, len(unmeasured), _more(unmeasured)))
    if len(unreachable) > rule['max_unreachable']:
        blockers.append('%s: %d unreachable host(s) (at most %d allowed): %s' % (
            scope, len(unreachable), rule['max_unreachable'], ', '.join(unreachable[:10])))
    if len(fails) > rule['max_fail']:
        blockers.append('%s: %d failing check(s) (at most %d allowed): %s' % (
            scope, len(fails), rule['max_fail'], _more(fails)))
    warn_percent = 100.0 * len(warns) / judged if judged else 0.0
    if warn_percent > rule['max_warn_percent']:
        blockers.append('%s: %.1f%% of checks warn (budget %g%%): %s' % (
            scope, warn_percent, rule['max_warn_percent'], _more(warns)))
    unknown_percent = 100.0 * len(unknowns) / judged if judged else 0.0
    if unknown_percent > rule['max_unknown_percent']:
        blockers.append('%s: %.1f%% of checks could not measure (at most %g%%): %s' % (
            scope, unknown_percent, rule['max_unknown_percent'], _more(unknowns)))
    return blockers, dict(fail=len(fails), warn=len(warns), unknown=len(unknowns), judged=judged,
                          unreachable=len(unreachable), unmeasured=len(unmeasured),
                          warn_percent=round(warn_percent, 2),
                          unknown_percent=round(unknown_percent, 2))


def decide(report, policy, more_blockers=()):
    """Apply ``policy`` to ``report``: ``{go, verdict, blockers, ignored, counts, groups, deprecations}``.

    The fleet-wide rule applies to every host; a group's rule applies, in addition,
    to the hosts of that group.  ``more_blockers``: found by the caller (the report's
    pre-flight), they block after the policy's own.
    """
    base = dict(DEFAULT_RULE)
    base.update(dict((k, policy[k]) for k in RULE_KEYS if policy.get(k) is not None))
    ignores = list(policy.get('ignore') or ())
    used, deprecations = {}, set()
    hosts = report.get('hosts') or {}
    blockers, counts = _judge('fleet', hosts, base, ignores, used, deprecations)
    group_results = {}
    for group, overrides in sorted((policy.get('groups') or {}).items()):
        members = dict((h, e) for h, e in hosts.items() if group in e.get('groups', ()))
        rule = dict(base)
        rule.update(overrides)
        if not members:
            group_results[group] = dict(go=False, hosts=0)
            blockers.append('group %s: no host of the group was in the run' % group)
            continue
        group_blockers, group_counts = _judge('group %s' % group, members, rule, ignores, {})
        blockers.extend(group_blockers)
        group_results[group] = dict(go=not group_blockers, hosts=len(members), **group_counts)
    if not hosts:
        blockers.append('fleet: no host was measured')
    blockers.extend(more_blockers)
    go = not blockers
    if go:
        verdict = 'GO: %d hosts, %d checks judged, %d fail, %d warn' % (
            len(hosts), counts['judged'], counts['fail'], counts['warn'])
    else:
        verdict = 'NO-GO: %s%s' % (blockers[0], ' (+%d more blockers)' % (len(blockers) - 1)
                                   if len(blockers) > 1 else '')
    ignored = [dict(check=check, reason=reason, hosts=sorted(h))
               for (check, reason), h in sorted(used.items())]
    return dict(go=go, verdict=verdict, blockers=blockers, ignored=ignored, counts=counts,
                groups=group_results, status=report.get('status'), score=report.get('score'),
                deprecations=sorted(deprecations))


# ``source`` of the gate's set_stats data: how the fleet_report callback finds the verdict
# among the run's custom stats, whatever ``stats_key`` the gate was given.
STATS_SOURCE = 'golive.readiness.gate'


def stats_data(decision, limit=20):
    """The gate's verdict for ``set_stats`` (AWX workflows branch on it; the report shows it).

    At most ``limit`` blockers; ``blocker_count`` says how many there were.
    """
    counts = decision['counts']
    return dict(source=STATS_SOURCE, go=decision['go'], verdict=decision['verdict'],
                status=decision['status'], score=decision['score'], fail=counts['fail'],
                warn=counts['warn'], unknown=counts.get('unknown', 0),
                unreachable=counts['unreachable'], blockers=decision['blockers'][:limit],
                blocker_count=len(decision['blockers']), ignored=decision['ignored'],
                groups=decision['groups'])


def verdict_from_stats(custom):
    """The gate's verdict in ``stats.custom`` (Ansible's custom stats of the run), or None.

    Run-wide data (``per_host: false``) is under ``_run``; the verdict is the value marked
    with ``source`` STATS_SOURCE.
    """
    run = (custom or {}).get('_run') or {}
    for value in run.values():
        if isinstance(value, dict) and value.get('source') == STATS_SOURCE:
            return value
    return None
