# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleets larger than one job: the reports of a run's slices merged into one fleet report.

AWX / Automation Controller job slicing (or ``--limit`` by slice) runs N jobs over parts of
the inventory; each writes its fleet report with a ``slice`` record (``slice_record``).
``merge`` takes those reports back into one report of the whole fleet, built with the same
aggregation as a single run (plugin_utils/fleet.py), and says which slice reports are
missing or stale; the caller (the ``report_merge`` action) hands those problems to the gate
(plugin_utils/gate_policy.py ``decide``) as blockers.  Pure functions on dicts: no I/O but
``load``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import glob
import json
import os
import re

from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import fleet_report

# A slice id is part of its report's file names: <report_name>.slice-<id>.json
SLICE_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
SLICE_SUFFIX = '.slice-'
# The value of the callback's ``slice`` option that takes the id from AWX's JOB_ID.
AWX_SLICE = 'awx'


def slice_errors(slice_id):
    """Why ``slice_id`` cannot name a slice, or None."""
    if slice_id is None or SLICE_ID.match(str(slice_id)):
        return None
    return 'slice: %r is not a slice id (letters, digits, _ . -; at most 64)' % (slice_id,)


def slice_record(slice_id, run_id=None, inventory=None, limit=None):
    """The ``slice`` key of a slice's report: what merging needs to tell slices of one run apart."""
    return dict(id=str(slice_id), run_id=None if run_id in (None, '') else str(run_id),
                inventory=inventory, limit=limit)


def slice_stem(report_name, slice_id):
    """The file name stem of a slice's report set."""
    return '%s%s%s' % (report_name, SLICE_SUFFIX, slice_id)


def find(sources, report_name):
    """The slice report files of ``sources`` (files, or directories holding
    ``<report_name>.slice-*.json``), sorted, each once."""
    found = []
    for source in sources:
        if os.path.isdir(source):
            found.extend(glob.glob(os.path.join(glob.escape(source), glob.escape(report_name + SLICE_SUFFIX) + '*.json')))
        else:
            found.append(source)
    # Not a slice's check-mode set or a kept history copy: <name>.slice-<id>.json only.
    found = [p for p in found if not os.path.basename(p).endswith(('.check.json',))]
    return sorted(set(os.path.abspath(p) for p in found))


def load(path):
    """``(report, None)`` or ``(None, why it cannot be read)``."""
    try:
        with open(path) as handle:
            report = json.load(handle)
    except (IOError, OSError) as exc:
        return None, '%s: cannot read it: %s' % (path, exc.strerror or exc)
    except ValueError as exc:
        return None, '%s: not JSON: %s' % (path, exc)
    if not isinstance(report, dict) or not isinstance(report.get('hosts'), dict):
        return None, '%s: not a fleet report (no hosts)' % path
    if not isinstance(report.get('slice'), dict) or not report['slice'].get('id'):
        return None, '%s: not a slice report (no slice id: set the fleet_report callback\'s slice option)' % path
    return report, None


def _parse_time(text):
    try:
        return datetime.datetime.strptime(str(text), '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def _label(report, path):
    return 'slice %s (%s)' % (report['slice']['id'], os.path.basename(path))


def merge(loaded, expected=None, run_id=None, inventory=None, max_age=None, now=None):
    """Merge slice reports into one fleet report; ``(report, problems)``.

    ``loaded``: ``(path, report)`` pairs (see ``load``).  The run's id and inventory are
    ``run_id`` / ``inventory`` when given, else the newest slice report's.  A slice report
    of another run id or inventory, or older than ``max_age`` seconds, is stale: left out,
    with the reason.  ``expected`` slices: fewer usable ones is a problem naming the missing
    ids when they are 1..expected.  A host in two slices, or a slice id twice, is a problem.
    ``problems`` are one-line texts for the gate's blockers.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    loaded = sorted(loaded, key=lambda pr: (str(pr[1].get('generated_at') or ''), pr[0]), reverse=True)
    newest = loaded[0][1]['slice'] if loaded else {}
    want_run = run_id if run_id not in (None, '') else newest.get('run_id')
    want_inventory = inventory if inventory not in (None, '') else newest.get('inventory')
    problems, used, stale, seen = [], [], [], {}
    for path, report in loaded:
        record = report['slice']
        why = None
        if want_run is not None and str(record.get('run_id')) != str(want_run):
            why = 'run id %s, not %s' % (record.get('run_id'), want_run)
        elif want_inventory is not None and record.get('inventory') != want_inventory:
            why = 'inventory %s, not %s' % (record.get('inventory'), want_inventory)
        elif max_age:
            written = _parse_time(report.get('generated_at'))
            age = (now - written).total_seconds() if written else None
            if age is None or age > max_age:
                why = ('written %s, %d s ago (max_age %d s)' % (report.get('generated_at'), age, max_age)
                       if age is not None else 'no time it was written (generated_at)')
        if why:
            stale.append(dict(id=record['id'], file=path, reason=why))
            problems.append('%s is stale: %s' % (_label(report, path), why))
            continue
        if record['id'] in seen:
            problems.append('%s: slice %s reported twice (also %s); the newer is used'
                            % (os.path.basename(path), record['id'], os.path.basename(seen[record['id']])))
            stale.append(dict(id=record['id'], file=path, reason='slice reported twice'))
            continue
        seen[record['id']] = path
        used.append((path, report))
    used.sort(key=lambda pr: _id_order(pr[1]['slice']['id']))
    if expected:
        if len(used) < expected:
            ids = [str(i) for i in range(1, expected + 1)]
            missing = [i for i in ids if i not in seen] if set(seen) <= set(ids) else []
            problems.append('missing slice report(s): %d of %d slices found%s' % (
                len(used), expected, ' (missing: %s)' % ', '.join(missing) if missing else ''))
        elif len(used) > expected:
            problems.append('%d slice reports for %d expected slices: %s' % (
                len(used), expected, ', '.join(sorted(seen, key=_id_order))))
    hosts, owner, warnings = {}, {}, []
    for path, report in used:
        for name, entry in report['hosts'].items():
            if name in hosts:
                problems.append('host %s is in slice %s and slice %s' % (name, owner[name], report['slice']['id']))
                continue
            hosts[name] = entry
            owner[name] = report['slice']['id']
        warnings.extend(report.get('warnings') or ())
    hosts = dict((name, hosts[name]) for name in sorted(hosts))
    started = [r.get('started_at') for _p, r in used if r.get('started_at')]
    merged = fleet_report(hosts, generated_at=_iso(now), started_at=min(started) if started else None,
                          playbook=used[0][1].get('playbook') if used else None, warnings=warnings,
                          check_mode=any(bool(r.get('check_mode')) for _p, r in used))
    merged.update(
        slices=[dict(id=r['slice']['id'], run_id=r['slice'].get('run_id'), inventory=r['slice'].get('inventory'),
                     limit=r['slice'].get('limit'), generated_at=r.get('generated_at'), file=p,
                     hosts=len(r['hosts']), status=r.get('status'),
                     gate=(r.get('gate') or {}).get('verdict')) for p, r in used],
        stale_slices=stale,
        run_id=want_run,
    )
    release = next((r['release'] for _p, r in used if r.get('release')), None)
    if release:
        merged['release'] = release
    return merged, problems


def _id_order(slice_id):
    """Numeric ids in number order, before any other."""
    text = str(slice_id)
    return (0, int(text), '') if text.isdigit() else (1, 0, text)
