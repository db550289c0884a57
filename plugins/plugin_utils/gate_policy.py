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

from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import NOT_EVALUATED

UNKNOWN_POLICIES = ('fail', 'warn', 'ignore')
RULE_KEYS = ('max_fail', 'max_warn_percent', 'max_unreachable', 'unknown', 'require_evaluated')
DEFAULT_RULE = dict(max_fail=0, max_warn_percent=100.0, max_unreachable=0, unknown='warn',
                    require_evaluated=True)


def validate_policy(policy):
    """Return a list of problems with ``policy`` (each naming its option)."""
    errors = []

    def check_rule(prefix, rule):
        for key, value in rule.items():
            if key not in RULE_KEYS:
                errors.append('%s%s: unknown rule; use one of %s' % (prefix, key, ', '.join(RULE_KEYS)))
            elif key in ('max_fail', 'max_unreachable') and (
                    isinstance(value, bool) or not isinstance(value, int) or value < 0):
                errors.append('%s%s: must be a whole number >= 0, got %r' % (prefix, key, value))
            elif key == 'max_warn_percent' and (
                    isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100):
                errors.append('%s%s: must be a number from 0 to 100, got %r' % (prefix, key, value))
            elif key == 'unknown' and value not in UNKNOWN_POLICIES:
                errors.append('%s%s: must be one of %s, got %r' % (prefix, key, ', '.join(UNKNOWN_POLICIES), value))
            elif key == 'require_evaluated' and not isinstance(value, bool):
                errors.append('%s%s: must be true or false, got %r' % (prefix, key, value))

    check_rule('', dict((k, policy[k]) for k in RULE_KEYS if policy.get(k) is not None))
    for group, rule in (policy.get('groups') or {}).items():
        if not isinstance(rule, dict):
            errors.append('groups.%s: must be a dict of rules' % group)
            continue
        check_rule('groups.%s.' % group, rule)
    for index, item in enumerate(policy.get('ignore') or ()):
        if not isinstance(item, dict) or not item.get('check'):
            errors.append('ignore[%d]: needs a check pattern (component/check)' % index)
        elif not str(item.get('reason') or '').strip():
            errors.append('ignore[%d]: %s needs a reason' % (index, item['check']))
    return errors


def _ignored(ignores, host, check):
    key = '%s/%s' % (check['component'], check['name'])
    for item in ignores:
        if fnmatch.fnmatchcase(key, item['check']) and fnmatch.fnmatchcase(host, item.get('hosts') or '*'):
            return item
    return None


def _judge(scope, hosts, rule, ignores, used_ignores):
    """Blockers for ``hosts`` (name -> report entry) under ``rule``."""
    blockers = []
    fails, warns, judged = [], [], 0
    unreachable = sorted(h for h, e in hosts.items() if e['unreachable'])
    for host in sorted(hosts):
        entry = hosts[host]
        if entry['status'] == NOT_EVALUATED and rule['require_evaluated']:
            blockers.append('%s: %s was never evaluated' % (scope, host))
        for error in entry['errors']:
            blockers.append('%s: %s task %r failed: %s' % (scope, host, error['task'], error['message'][:200]))
        for check in entry['checks']:
            status = check['status']
            if status == 'skip':
                continue
            ignore = _ignored(ignores, host, check)
            if ignore is not None:
                used_ignores.setdefault((ignore['check'], ignore['reason']), set()).add(host)
                continue
            judged += 1
            if status == 'unknown':
                status = {'fail': 'fail', 'warn': 'warn', 'ignore': 'pass'}[rule['unknown']]
            label = '%s %s/%s' % (host, check['component'], check['name'])
            if status == 'fail':
                fails.append(label)
            elif status == 'warn':
                warns.append(label)
    if len(unreachable) > rule['max_unreachable']:
        blockers.append('%s: %d unreachable host(s) (at most %d allowed): %s' % (
            scope, len(unreachable), rule['max_unreachable'], ', '.join(unreachable[:10])))
    if len(fails) > rule['max_fail']:
        blockers.append('%s: %d failing check(s) (at most %d allowed): %s%s' % (
            scope, len(fails), rule['max_fail'], ', '.join(fails[:10]),
            ' (+%d more)' % (len(fails) - 10) if len(fails) > 10 else ''))
    warn_percent = 100.0 * len(warns) / judged if judged else 0.0
    if warn_percent > rule['max_warn_percent']:
        blockers.append('%s: %.1f%% of checks warn (budget %g%%): %s%s' % (
            scope, warn_percent, rule['max_warn_percent'], ', '.join(warns[:10]),
            ' (+%d more)' % (len(warns) - 10) if len(warns) > 10 else ''))
    return blockers, dict(fail=len(fails), warn=len(warns), judged=judged, unreachable=len(unreachable),
                          warn_percent=round(warn_percent, 2))


def decide(report, policy):
    """Apply ``policy`` to ``report``: ``{go, verdict, blockers, ignored, counts, groups}``.

    The fleet-wide rule applies to every host; a group's rule applies, in addition,
    to the hosts of that group.
    """
    base = dict(DEFAULT_RULE)
    base.update(dict((k, policy[k]) for k in RULE_KEYS if policy.get(k) is not None))
    ignores = list(policy.get('ignore') or ())
    used = {}
    hosts = report.get('hosts') or {}
    blockers, counts = _judge('fleet', hosts, base, ignores, used)
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
                groups=group_results, status=report.get('status'), score=report.get('score'))


def stats_data(decision, limit=20):
    """The small aggregate for ``set_stats`` (AWX workflows branch on it)."""
    return dict(go=decision['go'], verdict=decision['verdict'], status=decision['status'],
                score=decision['score'], fail=decision['counts']['fail'],
                warn=decision['counts']['warn'], unreachable=decision['counts']['unreachable'],
                blockers=decision['blockers'][:limit], blocker_count=len(decision['blockers']))
