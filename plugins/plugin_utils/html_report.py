# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report as one self-contained HTML page.

``render_html(report)`` returns a page with no external resource (inline CSS and
vanilla JavaScript, no CDN).  The style and the script are files of their own,
``html_assets/report.css`` and ``html_assets/report.js`` (syntax-checked by the unit tests),
read when a page is rendered; what the script needs to know of the status order and labels
reaches it as data (``_page`` in the embedded JSON), not as a second copy in JavaScript.
The report is embedded as JSON in a ``<script type="application/json">`` element with every ``<``, ``>`` and ``&``
escaped, so no value of the report can close the element or inject markup.
Check records are embedded as arrays of values (``CHECK_FIELDS`` order, named in the
data's ``_check_fields``) to keep the page small; ``extract_report(page)`` gives the
report back exactly.
The header (fleet status, score, counts, gate) is rendered here, so it reads
without JavaScript; the script renders the rest from the embedded data.

Built to stay usable at 1,000+ hosts x 50 checks: the host table is paged (100
rows at a time), a host's checks are built only when its row is expanded, and
long host lists are cut with a "show all" button.  The script escapes nothing by
hand: every value reaches the page through ``textContent`` or attributes, never
``innerHTML``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import json
import math
import operator
import os
import re

from ansible_collections.golive.readiness.plugins.module_utils.readiness import STATUSES, status_rank
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import report_title

# Host statuses, worst first, as the header lists them.
HOST_STATUS_ORDER = ('unreachable', 'fail', 'warn', 'unknown', 'not_evaluated', 'pass')
CHECK_STATUS_ORDER = ('fail', 'warn', 'unknown', 'pass', 'skip')
STATUS_LABELS = {'pass': 'ready', 'not_evaluated': 'not evaluated'}

# Characters that must never appear raw inside the embedded JSON: ``<`` and ``>`` so
# nothing can close the script element (``</script>``) or open a comment (``<!--``)
# that changes how the HTML parser reads it; ``&`` for good measure; U+2028/2029 so
# the text is also a valid JavaScript literal.
_JSON_ESCAPES = {'<': '\\u003c', '>': '\\u003e', '&': '\\u0026',
                 '\u2028': '\\u2028', '\u2029': '\\u2029'}
_JSON_UNSAFE = re.compile('[<>&\u2028\u2029]')


def _finite(value):
    """``value`` with every NaN / infinity replaced by None (JSON.parse rejects them)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return dict((k, _finite(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


# Check records are embedded as arrays of their values in this order: the names of
# 50,000 checks' keys would be 40 % of the page, and the browser's HTML parser pays for
# every byte before the page can show anything.  ``unpack_report`` undoes it.
CHECK_FIELDS = ('component', 'name', 'status', 'value', 'unit', 'warn', 'fail', 'message',
                'remediation', 'duration_ms')
# Keys only some records have (a named instance, a repeated check, a renamed check's old name):
# packed as null where absent.
OPTIONAL_FIELDS = ('instance', 'occurrence', 'formerly')
PACKED_KEY = '_check_fields'
# The page's own data beside the report's (see page_config); extract_report drops it.
PAGE_KEY = '_page'


def pack_report(report):
    """A shallow copy of ``report`` whose check records are value arrays (see CHECK_FIELDS).

    The optional fields some record has are packed too; a record with other keys stays a
    dict (the page reads both).
    """
    hosts = report.get('hosts')
    if not isinstance(hosts, dict):
        return report
    required = frozenset(CHECK_FIELDS)
    size = len(CHECK_FIELDS)
    extra = set()  # keys beyond CHECK_FIELDS: one cheap length test per record finds them
    for entry in hosts.values():
        checks = entry.get('checks') if isinstance(entry, dict) else None
        if isinstance(checks, list):
            for check in checks:
                if isinstance(check, dict) and len(check) != size:
                    extra.update(check.keys() - required)
    optional = tuple(f for f in OPTIONAL_FIELDS if f in extra)
    fields = CHECK_FIELDS + optional
    allowed = frozenset(fields)
    values = operator.itemgetter(*CHECK_FIELDS)
    packed = {}
    for name, entry in hosts.items():
        checks = entry.get('checks') if isinstance(entry, dict) else None
        if isinstance(checks, list) and checks:
            entry = dict(entry)
            if optional:
                entry['checks'] = [[c.get(f) for f in fields]
                                   if isinstance(c, dict) and required <= c.keys() <= allowed else c
                                   for c in checks]
            else:
                entry['checks'] = [values(c) if isinstance(c, dict) and c.keys() == required else c
                                   for c in checks]
        packed[name] = entry
    out = dict(report)
    out['hosts'] = packed
    out[PACKED_KEY] = list(fields)
    return out


def unpack_report(data):
    """The report back from the data embedded in a page (the inverse of ``pack_report``)."""
    fields = data.get(PACKED_KEY)
    if not fields:
        return dict((k, v) for k, v in data.items() if k != PAGE_KEY)
    out = dict((k, v) for k, v in data.items() if k not in (PACKED_KEY, PAGE_KEY))
    hosts = {}
    for name, entry in (data.get('hosts') or {}).items():
        if isinstance(entry, dict) and isinstance(entry.get('checks'), list):
            entry = dict(entry)
            entry['checks'] = [_unpacked(fields, c) if isinstance(c, list) else c
                               for c in entry['checks']]
        hosts[name] = entry
    out['hosts'] = hosts
    return out


def _unpacked(fields, values):
    check = dict(zip(fields, values))
    for field in OPTIONAL_FIELDS:
        if field in check and check[field] is None:
            del check[field]
    return check


def extract_report(page):
    """The report embedded in an HTML page made by ``render_html`` (for tools and tests)."""
    start = page.index('<script type="application/json" id="report-data">')
    start = page.index('>', start) + 1
    return unpack_report(json.loads(page[start:page.index('</script>', start)]))


def embed_json(data):
    """``data`` as JSON text that is safe inside ``<script type="application/json">``.

    ``json.loads`` of the result gives ``data`` back (non-finite floats become null).
    """
    try:
        text = json.dumps(data, separators=(',', ':'), ensure_ascii=False, allow_nan=False,
                          default=str)
    except ValueError:
        text = json.dumps(_finite(data), separators=(',', ':'), ensure_ascii=False,
                          allow_nan=False, default=str)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _e(value):
    return html.escape('' if value is None else str(value), quote=True)


def _label(status):
    return STATUS_LABELS.get(status, status or 'unknown')


def _badge(status):
    return '<span class="badge s-%s">%s</span>' % (_e(status or 'unknown'), _e(_label(status)))


def _score(score):
    return '&ndash;' if score is None else _e('%g' % score)


def _blocker_text(blocker):
    if isinstance(blocker, dict):
        return ', '.join('%s: %s' % (k, ', '.join(map(str, v)) if isinstance(v, list) else v)
                         for k, v in sorted(blocker.items()) if v is not None)
    return str(blocker)


def _items_html(items, shown=20):
    """A list of text items; those past ``shown`` fold into a <details> element."""
    texts = ['<li>%s</li>' % _e(_blocker_text(item)) for item in items]
    out = '<ul>%s</ul>' % ''.join(texts[:shown])
    if len(texts) > shown:
        out += ('<details><summary>%d more</summary><ul>%s</ul></details>'
                % (len(texts) - shown, ''.join(texts[shown:])))
    return out


def _gate_html(gate):
    if not isinstance(gate, dict):
        return ''
    go = bool(gate.get('go'))
    parts = ['<section id="gate" class="gate %s"><h2>Gate: %s</h2>'
             % ('go' if go else 'nogo', 'GO' if go else 'NO-GO')]
    if gate.get('verdict'):
        parts.append('<p class="verdict">%s</p>' % _e(gate['verdict']))
    blockers = gate.get('blockers') or []
    if blockers:
        parts.append('<div class="blockers"><h3>Blocking (%d)</h3>%s</div>'
                     % (len(blockers), _items_html(blockers)))
    ignored = gate.get('ignored') or []
    if ignored:
        parts.append('<div class="ignored"><h3>Ignored by the policy (%d)</h3>%s</div>'
                     % (len(ignored), _items_html(ignored)))
    parts.append('</section>')
    return ''.join(parts)


def _header_html(report):
    summary = report.get('summary') or {}
    hosts = summary.get('host_status') or {}
    checks = summary.get('check_status') or {}
    status = report.get('status') or 'unknown'
    meta = []
    if report.get('playbook'):
        meta.append('playbook <b>%s</b>' % _e(report['playbook']))
    if report.get('generated_at'):
        meta.append('generated <b>%s</b>' % _e(report['generated_at']))
    if report.get('schema_version'):
        meta.append('schema %s' % _e(report['schema_version']))
    host_counts = ''.join(
        '<li class="s-%s"><span class="n">%d</span> %s</li>' % (_e(s), hosts.get(s) or 0, _e(_label(s)))
        for s in HOST_STATUS_ORDER)
    check_counts = ''.join(
        '<li class="s-%s"><span class="n">%d</span> %s</li>' % (_e(s), checks.get(s) or 0, _e(s))
        for s in CHECK_STATUS_ORDER)
    errors = summary.get('hosts_with_errors') or 0
    return (
        '<header id="fleet" class="fleet s-%(status)s" data-status="%(status)s">'
        '<div class="verdict-box"><div class="fleet-status">%(badge)s</div>'
        '<div class="score"><span id="fleet-score">%(score)s</span><small>/100</small></div>'
        '<div class="score-label">readiness score</div></div>'
        '<div class="fleet-text"><h1>%(title)s: %(label)s</h1><p class="meta">%(meta)s</p>'
        '<div class="counts"><h3>%(nhosts)d hosts</h3><ul>%(host_counts)s</ul></div>'
        '<div class="counts"><h3>%(nchecks)d checks</h3><ul>%(check_counts)s</ul></div>'
        '%(errors)s</div></header>'
    ) % dict(status=_e(status), badge=_badge(status), score=_score(report.get('score')),
             title=_e(report_title(report, 'Fleet readiness')),
             label=_e(_label(status).upper()), meta=' &middot; '.join(meta),
             nhosts=summary.get('hosts') or 0, host_counts=host_counts,
             nchecks=summary.get('checks') or 0, check_counts=check_counts,
             errors=('<p class="errors">%d hosts with failed tasks</p>' % errors) if errors else '')


def _section(ident, title, present=True, extra=''):
    if not present:
        return ''
    return ('<section id="%s"><h2>%s</h2>%s<div class="body" id="%s-body">'
            '<p class="muted">rendering&hellip;</p></div></section>' % (ident, title, extra, ident))


ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'html_assets')


def asset(name):
    """The text of ``html_assets/<name>``, read now (the page is self-contained)."""
    with open(os.path.join(ASSETS, name), encoding='utf-8') as handle:
        text = handle.read()
    if '</script' in text.lower() or '</style' in text.lower():
        # It would end its element early and the rest would become markup.
        raise ValueError('html_assets/%s must not contain a closing script or style tag' % name)
    return text


def page_config():
    """What the page script knows of statuses: their ranks (worse is higher) and labels."""
    host_rank = dict((s, len(HOST_STATUS_ORDER) - i) for i, s in enumerate(HOST_STATUS_ORDER))
    host_rank['skip'] = 0
    return dict(host_rank=host_rank, check_rank=dict((s, status_rank(s)) for s in STATUSES),
                labels=dict(STATUS_LABELS))


def render_html(report):
    """The fleet report ``report`` (see docs/report-schema.md) as one HTML page (a str)."""
    report = report if isinstance(report, dict) else {}
    status = report.get('status') or 'unknown'
    score = report.get('score')
    title = '%s: %s%s' % (report_title(report, 'Fleet readiness'), _label(status).upper(),
                          '' if score is None else ' (%g/100)' % score)
    has_comparison = isinstance(report.get('comparison'), dict)
    has_checklists = isinstance(report.get('checklists'), list) and bool(report['checklists'])
    nav = [('failing', 'Failing checks'), ('comparison', 'Comparison') if has_comparison else None,
           ('groups', 'Groups'), ('hosts', 'Hosts'),
           ('checklists', 'Checklists') if has_checklists else None]
    body = ''.join([
        '<nav class="top">%s</nav>' % ' '.join('<a href="#%s">%s</a>' % n for n in nav if n),
        _header_html(report),
        _gate_html(report.get('gate')),
        '<noscript><p class="warnbox">The sections below need JavaScript; the data is in the '
        'JSON report beside this page.</p></noscript>',
        _section('failing', 'Failing checks'),
        _section('comparison', 'Since the previous report', has_comparison),
        _section('groups', 'Groups'),
        HOSTS_SECTION,
        _section('checklists', 'Operations checklists', has_checklists),
    ])
    parts = dict(TITLE=_e(title), CSS=asset('report.css'), BODY=body,
                 DATA=embed_json(dict(pack_report(report), **{PAGE_KEY: page_config()})),
                 SCRIPT=asset('report.js'), STATUS=_e(status))
    # One pass: text substituted in is never scanned for placeholders again.
    return re.sub(r'@@([A-Z]+)@@', lambda m: parts[m.group(1)], PAGE)


PAGE = '''<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="golive.readiness fleet_report">
<title>@@TITLE@@</title>
<style>@@CSS@@</style>
</head>
<body data-status="@@STATUS@@">
<main>
@@BODY@@
</main>
<script type="application/json" id="report-data">@@DATA@@</script>
<script>@@SCRIPT@@</script>
</body>
</html>
'''

HOSTS_SECTION = '''<section id="hosts"><h2>Hosts</h2>
<div class="controls">
<input id="host-filter" type="search" placeholder="Filter: host, group or failing check" aria-label="Filter hosts">
<select id="status-filter" aria-label="Status">
<option value="">every status</option>
<option value="bad">not ready (all but ready)</option>
<option value="unreachable">unreachable</option>
<option value="fail">fail</option>
<option value="warn">warn</option>
<option value="unknown">unknown</option>
<option value="not_evaluated">not evaluated</option>
<option value="pass">ready</option>
</select>
<span id="extra-filter"></span>
<span id="host-count" class="muted"></span>
</div>
<table id="host-table" class="hosts">
<thead><tr>
<th data-key="name" aria-sort="none"><button type="button">Host</button></th>
<th data-key="status" aria-sort="descending"><button type="button">Status</button></th>
<th data-key="score" class="num" aria-sort="none"><button type="button">Score</button></th>
<th data-key="groups" aria-sort="none"><button type="button">Groups</button></th>
<th data-key="fail" class="num" aria-sort="none"><button type="button">Fail</button></th>
<th data-key="warn" class="num" aria-sort="none"><button type="button">Warn</button></th>
<th data-key="unknown" class="num" aria-sort="none"><button type="button">Unknown</button></th>
<th data-key="checks" class="num" aria-sort="none"><button type="button">Checks</button></th>
</tr></thead>
<tbody id="host-rows"></tbody>
</table>
<div class="pager">
<button type="button" id="page-prev">&larr; Previous</button>
<span id="page-info"></span>
<button type="button" id="page-next">Next &rarr;</button>
<label>rows per page <select id="page-size"><option>50</option><option selected>100</option><option>250</option><option>500</option></select></label>
</div>
</section>'''
