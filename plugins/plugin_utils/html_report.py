# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report as one self-contained HTML page.

``render_html(report)`` returns a page with no external resource (inline CSS and
vanilla JavaScript, no CDN).  The report is embedded as JSON in a
``<script type="application/json">`` element with every ``<``, ``>`` and ``&``
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
import re

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
PACKED_KEY = '_check_fields'
_FIELD_SET = frozenset(CHECK_FIELDS)
_VALUES = operator.itemgetter(*CHECK_FIELDS)


def pack_report(report):
    """A shallow copy of ``report`` whose check records are value arrays (see CHECK_FIELDS).

    A record with other keys than exactly CHECK_FIELDS stays a dict (the page reads both).
    """
    hosts = report.get('hosts')
    if not isinstance(hosts, dict):
        return report
    packed, values, fields = {}, _VALUES, _FIELD_SET
    for name, entry in hosts.items():
        checks = entry.get('checks') if isinstance(entry, dict) else None
        if isinstance(checks, list) and checks:
            entry = dict(entry)
            entry['checks'] = [values(c) if isinstance(c, dict) and c.keys() == fields else c
                               for c in checks]
        packed[name] = entry
    out = dict(report)
    out['hosts'] = packed
    out[PACKED_KEY] = list(CHECK_FIELDS)
    return out


def unpack_report(data):
    """The report back from the data embedded in a page (the inverse of ``pack_report``)."""
    fields = data.get(PACKED_KEY)
    if not fields:
        return data
    out = dict((k, v) for k, v in data.items() if k != PACKED_KEY)
    hosts = {}
    for name, entry in (data.get('hosts') or {}).items():
        if isinstance(entry, dict) and isinstance(entry.get('checks'), list):
            entry = dict(entry)
            entry['checks'] = [dict(zip(fields, c)) if isinstance(c, list) else c
                               for c in entry['checks']]
        hosts[name] = entry
    out['hosts'] = hosts
    return out


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
        '<div class="fleet-text"><h1>Fleet readiness: %(label)s</h1><p class="meta">%(meta)s</p>'
        '<div class="counts"><h3>%(nhosts)d hosts</h3><ul>%(host_counts)s</ul></div>'
        '<div class="counts"><h3>%(nchecks)d checks</h3><ul>%(check_counts)s</ul></div>'
        '%(errors)s</div></header>'
    ) % dict(status=_e(status), badge=_badge(status), score=_score(report.get('score')),
             label=_e(_label(status).upper()), meta=' &middot; '.join(meta),
             nhosts=summary.get('hosts') or 0, host_counts=host_counts,
             nchecks=summary.get('checks') or 0, check_counts=check_counts,
             errors=('<p class="errors">%d hosts with failed tasks</p>' % errors) if errors else '')


def _section(ident, title, present=True, extra=''):
    if not present:
        return ''
    return ('<section id="%s"><h2>%s</h2>%s<div class="body" id="%s-body">'
            '<p class="muted">rendering&hellip;</p></div></section>' % (ident, title, extra, ident))


def render_html(report):
    """The fleet report ``report`` (see docs/report-schema.md) as one HTML page (a str)."""
    report = report if isinstance(report, dict) else {}
    status = report.get('status') or 'unknown'
    score = report.get('score')
    title = 'Fleet readiness: %s%s' % (_label(status).upper(),
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
    parts = dict(TITLE=_e(title), CSS=CSS, BODY=body, DATA=embed_json(pack_report(report)), SCRIPT=SCRIPT,
                 STATUS=_e(status))
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

CSS = r'''
:root{--bg:#fff;--fg:#1d232b;--muted:#667;--line:#dde1e6;--soft:#f4f6f8;
--pass:#1a7f37;--warn:#b26a00;--fail:#c62828;--unknown:#5a6b85;--unreachable:#7b1fa2;
--not_evaluated:#8a8f98;--skip:#a0a4aa;--link:#0b5cad}
@media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e3e6ea;--muted:#9aa3ad;--line:#2d333b;
--soft:#1d2228;--pass:#3fb950;--warn:#d29922;--fail:#f85149;--unknown:#8b9bb4;--unreachable:#c678dd;
--link:#58a6ff}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1400px;margin:0 auto;padding:16px 20px 60px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:13px;margin:10px 0 4px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.muted,.meta{color:var(--muted)}
nav.top{display:flex;gap:16px;margin:0 0 10px;font-size:13px}nav.top a{color:var(--link)}
.fleet{display:flex;gap:24px;align-items:flex-start;padding:16px;border:1px solid var(--line);
border-left:8px solid var(--unknown);border-radius:6px;background:var(--soft)}
.fleet.s-pass{border-left-color:var(--pass)}.fleet.s-warn{border-left-color:var(--warn)}.fleet.s-fail{border-left-color:var(--fail)}
.verdict-box{text-align:center;min-width:130px}
.score{font-size:44px;font-weight:700;line-height:1.1}.score small{font-size:16px;color:var(--muted);font-weight:400}
.score-label{color:var(--muted);font-size:12px}
.counts ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px}
.counts li .n{font-weight:700;font-size:16px}
.counts li.s-pass .n{color:var(--pass)}.counts li.s-warn .n{color:var(--warn)}.counts li.s-fail .n{color:var(--fail)}
.counts li.s-unknown .n{color:var(--unknown)}.counts li.s-unreachable .n{color:var(--unreachable)}.counts li.s-not_evaluated .n{color:var(--not_evaluated)}
.errors{color:var(--fail);margin:8px 0 0}
.badge{display:inline-block;min-width:64px;text-align:center;padding:1px 7px;border-radius:10px;
font-size:12px;font-weight:600;color:#fff;background:var(--unknown);white-space:nowrap}
.badge.s-pass{background:var(--pass)}.badge.s-warn{background:var(--warn)}.badge.s-fail{background:var(--fail)}
.badge.s-unreachable{background:var(--unreachable)}.badge.s-not_evaluated{background:var(--not_evaluated)}.badge.s-skip{background:var(--skip)}
.fleet-status .badge{font-size:15px;padding:3px 12px}
.gate{margin-top:14px;padding:10px 16px;border-radius:6px;border:2px solid var(--pass)}
.gate.nogo{border-color:var(--fail)}.gate h2{margin:0 0 4px;border:0;padding:0}.gate.go h2{color:var(--pass)}.gate.nogo h2{color:var(--fail)}
.gate .verdict{font-weight:600;margin:4px 0}.gate ul{margin:2px 0 6px}.gate summary{cursor:pointer;color:var(--link)}
.warnbox{padding:8px 12px;border:1px solid var(--warn);border-radius:4px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);position:sticky;top:0;z-index:1}
th button{all:unset;cursor:pointer;font-weight:600}
th[aria-sort=ascending] button::after{content:" \25B2"}th[aria-sort=descending] button::after{content:" \25BC"}
.num{text-align:right;font-variant-numeric:tabular-nums}
tr.host{cursor:pointer}tr.host:hover,tr.host:focus{background:var(--soft)}
tr.host td:first-child::before{content:"\25B8  ";color:var(--muted)}tr.host.open td:first-child::before{content:"\25BE  "}
tr.detail>td{background:var(--soft);padding:8px 12px 14px 28px}
tr.detail table td,tr.detail table th{font-size:13px}
td.msg{max-width:520px;overflow-wrap:anywhere}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:8px}
.controls input{min-width:300px;padding:5px 8px}
.controls select,.pager select{padding:4px}
.pager{display:flex;gap:12px;align-items:center;margin-top:8px}
button.link{all:unset;color:var(--link);cursor:pointer;text-decoration:underline}
button.chip{all:unset;cursor:pointer;display:inline-block;padding:0 6px;margin:1px 2px;border:1px solid var(--line);border-radius:8px;font-size:12px}
button.chip:hover{border-color:var(--link);color:var(--link)}
.filter-chip{padding:2px 8px;border:1px solid var(--link);border-radius:10px}
.fc-item{padding:6px 0;border-bottom:1px solid var(--line)}
.fc-head{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.fc-name{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}
.fc-hosts{margin:3px 0 0 74px}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace}
ul.cl{list-style:none;padding:0;margin:0}ul.cl li{padding:3px 0}
.st{display:inline-block;width:70px;font-weight:700}
.st-done{color:var(--pass)}.st-failed{color:var(--fail)}.st-unknown{color:var(--unknown)}.st-manual{color:var(--muted)}
@media print{.controls,.pager{display:none}th{position:static}}
'''

# The page script.  It must never contain the text "</script" (it would end the element).
SCRIPT = r'''
(function () {
'use strict';
var t0 = (window.performance && performance.now) ? performance.now() : 0;
var R = JSON.parse(document.getElementById('report-data').textContent || '{}');
var FIELDS = R._check_fields || null;
function checksOf(e) {
  // Check records arrive as arrays of values (see CHECK_FIELDS); objects are made on demand.
  if (FIELDS && !e._unpacked) {
    e.checks = (e.checks || []).map(function (c) {
      if (!Array.isArray(c)) return c;
      var o = {};
      for (var i = 0; i < FIELDS.length; i++) o[FIELDS[i]] = c[i];
      return o;
    });
    e._unpacked = true;
  }
  return e.checks || [];
}
var HOST_RANK = {unreachable: 6, fail: 5, warn: 4, unknown: 3, not_evaluated: 2, pass: 1, skip: 0};
var CHECK_RANK = {fail: 4, warn: 3, unknown: 2, pass: 1, skip: 0};
var LABELS = {pass: 'ready', not_evaluated: 'not evaluated'};
var UNITS = {percent: '%', count: '', ratio: ''};
var collator = (window.Intl && Intl.Collator) ? new Intl.Collator(undefined, {numeric: true}) : null;
function cmpText(a, b) { return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0); }

function el(tag, attrs, kids) {
  var n = document.createElement(tag), k, v;
  if (attrs) {
    for (k in attrs) {
      if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
      v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') n.textContent = String(v);
      else if (k === 'cls') n.className = v;
      else if (k.slice(0, 2) === 'on') n.addEventListener(k.slice(2), v);
      else n.setAttribute(k, v === true ? '' : String(v));
    }
  }
  if (kids) {
    for (var i = 0; i < kids.length; i++) {
      var c = kids[i];
      if (c === null || c === undefined) continue;
      n.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
  }
  return n;
}
function label(s) { return LABELS[s] || String(s || 'unknown'); }
function badge(s) { return el('span', {cls: 'badge s-' + String(s || 'unknown').replace(/[^a-z_]/g, ''), text: label(s)}); }
function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(Math.round(v * 1000) / 1000);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
function withUnit(v, unit) {
  var s = fmt(v);
  if (s === '' || !unit) return s;
  var sym = Object.prototype.hasOwnProperty.call(UNITS, unit) ? UNITS[unit] : unit;
  return s + (sym === '%' || sym === '' ? sym : ' ' + sym);
}
function body(id) {
  var b = document.getElementById(id + '-body');
  if (b) b.textContent = '';
  return b;
}
function checkKey(c) { return String(c.component) + '/' + String(c.name); }
function moreList(items, limit, render, container) {
  // Render the first ``limit`` items, and a button that renders the rest on demand.
  var i;
  for (i = 0; i < Math.min(limit, items.length); i++) container.appendChild(render(items[i]));
  if (items.length > limit) {
    var btn = el('button', {type: 'button', cls: 'link', text: 'show all ' + items.length});
    btn.addEventListener('click', function () {
      btn.remove();
      var frag = document.createDocumentFragment();
      for (var j = limit; j < items.length; j++) frag.appendChild(render(items[j]));
      container.appendChild(frag);
    });
    container.appendChild(document.createTextNode(' \u2026 +' + (items.length - limit) + ' more '));
    container.appendChild(btn);
  }
}

// ---- hosts: one light record per host; checks stay in the data until a row opens ----
var HOSTS = [], BY_NAME = {};
var hostMap = R.hosts || {};
Object.keys(hostMap).forEach(function (name) {
  var e = hostMap[name] || {}, cc = e.check_counts || {};
  var rec = {name: name, e: e, status: e.status || 'unknown', rank: HOST_RANK[e.status] || 0,
             score: typeof e.score === 'number' ? e.score : -1, groups: (e.groups || []).join(', '),
             fail: cc.fail || 0, warn: cc.warn || 0, unknown: cc.unknown || 0,
             checks: (e.checks || []).length, search: null};
  HOSTS.push(rec);
  BY_NAME[name] = rec;
});
function searchText(h) {
  if (h.search === null) {
    var parts = [h.name.toLowerCase(), h.groups.toLowerCase()], cs = checksOf(h.e);
    for (var i = 0; i < cs.length; i++) {
      if (cs[i].status !== 'pass' && cs[i].status !== 'skip') parts.push(checkKey(cs[i]).toLowerCase());
    }
    h.search = parts.join('\n');
  }
  return h.search;
}

var state = {q: '', status: '', group: null, check: null, host: null, sort: 'status', dir: -1,
             page: 0, size: 100, open: {}};
var filtered = HOSTS.slice();
var failingHosts = {};
(R.failing_checks || []).forEach(function (fc) {
  var set = {};
  (fc.hosts || []).forEach(function (h) { set[h] = true; });
  failingHosts[checkKey(fc)] = set;
});

function compare(a, b) {
  var k = state.sort, d = state.dir, r = 0;
  if (k === 'name') r = cmpText(a.name, b.name);
  else if (k === 'groups') r = cmpText(a.groups, b.groups);
  else if (k === 'status') r = (a.rank - b.rank) || (b.score - a.score);
  else r = a[k] - b[k];
  if (r === 0 && k !== 'name') return cmpText(a.name, b.name);
  return r * d;
}

// The view lives in the URL's fragment (#status=fail&q=db&open=web1): links and reloads keep it.
var SORT_KEYS = ['name', 'status', 'score', 'groups', 'fail', 'warn', 'unknown', 'checks'];
function readHash() {
  var raw = (location.hash || '').replace(/^#/, '');
  if (raw.indexOf('=') < 0 || !window.URLSearchParams) return false;
  var p = new URLSearchParams(raw), sort = p.get('sort') || '-status';
  state.q = p.get('q') || '';
  state.status = p.get('status') || '';
  state.host = p.has('host') ? p.get('host') : null;
  state.group = p.has('group') ? p.get('group') : null;
  state.check = p.has('check') ? p.get('check') : null;
  state.dir = sort.charAt(0) === '-' ? -1 : 1;
  state.sort = sort.replace(/^[-+ ]/, '');
  if (SORT_KEYS.indexOf(state.sort) < 0) { state.sort = 'status'; state.dir = -1; }
  state.size = Math.min(5000, Math.max(10, parseInt(p.get('size'), 10) || 100));
  state.page = Math.max(0, (parseInt(p.get('page'), 10) || 1) - 1);
  state.open = {};
  p.getAll('open').forEach(function (n) { state.open[n] = true; });
  document.getElementById('host-filter').value = state.q;
  document.getElementById('status-filter').value = state.status;
  var sizeSel = document.getElementById('page-size');
  if (!Array.prototype.some.call(sizeSel.options, function (o) { return o.value === String(state.size); })) {
    sizeSel.appendChild(el('option', {text: String(state.size)}));
  }
  sizeSel.value = String(state.size);
  return true;
}
function writeHash() {
  if (!window.URLSearchParams || !window.history || !history.replaceState) return;
  var p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.status) p.set('status', state.status);
  ['host', 'group', 'check'].forEach(function (k) { if (state[k] !== null) p.set(k, state[k]); });
  if (state.sort !== 'status' || state.dir !== -1) p.set('sort', (state.dir < 0 ? '-' : '') + state.sort);
  if (state.page) p.set('page', String(state.page + 1));
  if (state.size !== 100) p.set('size', String(state.size));
  Object.keys(state.open).forEach(function (n) { p.append('open', n); });
  var text = p.toString(), cur = (location.hash || '').replace(/^#/, '');
  if (text === cur || (!text && cur.indexOf('=') < 0)) return;
  try { history.replaceState(null, '', text ? '#' + text : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
}

function applyFilters() {
  var q = state.q.toLowerCase().trim(), st = state.status, out = [];
  var checkSet = state.check ? (failingHosts[state.check] || {}) : null;
  for (var i = 0; i < HOSTS.length; i++) {
    var h = HOSTS[i];
    if (st === 'bad' ? h.status === 'pass' : (st && h.status !== st)) continue;
    if (state.host !== null && h.name !== state.host) continue;
    if (state.group !== null && (h.e.groups || []).indexOf(state.group) < 0) continue;
    if (checkSet && !checkSet[h.name]) continue;
    if (q && searchText(h).indexOf(q) < 0) continue;
    out.push(h);
  }
  out.sort(compare);
  filtered = out;
  state.page = Math.min(state.page, Math.max(0, Math.ceil(filtered.length / state.size) - 1));
  renderHosts();
}

function detailRow(h) {
  var e = h.e, box = el('div'), i;
  if (e.unreachable) box.appendChild(el('p', null, [el('b', {text: 'Unreachable: '}), String(e.unreachable_message || '')]));
  if (h.status === 'not_evaluated') box.appendChild(el('p', {cls: 'muted', text: 'In the play, but no check ran on this host.'}));
  (e.errors || []).forEach(function (er) {
    box.appendChild(el('p', null, [el('b', {text: 'Task failed' + (er.ignored ? ' (ignored)' : '') + ': '}),
      String(er.task || '') + ': ' + String(er.message || '')]));
  });
  var comps = e.components || {}, names = Object.keys(comps);
  if (names.length) {
    var line = el('p', null, ['Components: ']);
    names.forEach(function (c) {
      line.appendChild(el('span', {cls: 'mono'}, [c + ' ']));
      line.appendChild(badge(comps[c] && comps[c].status));
      line.appendChild(document.createTextNode(' (' + ((comps[c] && comps[c].checks) || 0) + ')  '));
    });
    box.appendChild(line);
  }
  var checks = checksOf(e).slice().sort(function (a, b) {
    return ((CHECK_RANK[b.status] || 0) - (CHECK_RANK[a.status] || 0)) || cmpText(checkKey(a), checkKey(b));
  });
  if (checks.length) {
    var tb = el('tbody');
    for (i = 0; i < checks.length; i++) {
      var c = checks[i];
      tb.appendChild(el('tr', {'data-check': checkKey(c)}, [
        el('td', null, [badge(c.status)]), el('td', {cls: 'mono', text: checkKey(c)}),
        el('td', {cls: 'num', text: withUnit(c.value, c.unit)}), el('td', {cls: 'num', text: fmt(c.warn)}),
        el('td', {cls: 'num', text: fmt(c.fail)}), el('td', {cls: 'msg', text: fmt(c.message)}),
        el('td', {cls: 'msg', text: fmt(c.remediation)}), el('td', {cls: 'num', text: fmt(c.duration_ms)})]));
    }
    box.appendChild(el('table', {cls: 'checks'}, [el('thead', null, [el('tr', null,
      ['Status', 'Check', 'Value', 'Warn', 'Fail', 'Message', 'Remediation', 'ms'].map(function (t) {
        return el('th', {text: t}); }))]), tb]));
  }
  return el('tr', {cls: 'detail', 'data-detail': h.name}, [el('td', {colspan: 8}, [box])]);
}

function hostRow(h) {
  var open = !!state.open[h.name];
  return el('tr', {cls: 'host s-' + h.status + (open ? ' open' : ''), 'data-host': h.name,
                   'aria-expanded': open ? 'true' : 'false', tabindex: 0}, [
    el('td', {cls: 'mono', text: h.name}), el('td', null, [badge(h.status)]),
    el('td', {cls: 'num', text: h.score < 0 ? '\u2013' : fmt(h.score)}), el('td', {text: h.groups}),
    el('td', {cls: 'num', text: h.fail || ''}), el('td', {cls: 'num', text: h.warn || ''}),
    el('td', {cls: 'num', text: h.unknown || ''}), el('td', {cls: 'num', text: h.checks})]);
}

function renderHosts() {
  var tbody = document.getElementById('host-rows');
  var start = state.page * state.size, end = Math.min(filtered.length, start + state.size);
  var frag = document.createDocumentFragment();
  for (var i = start; i < end; i++) {
    var h = filtered[i];
    frag.appendChild(hostRow(h));
    if (state.open[h.name]) frag.appendChild(detailRow(h));
  }
  tbody.textContent = '';
  tbody.appendChild(frag);
  var pages = Math.max(1, Math.ceil(filtered.length / state.size));
  document.getElementById('page-info').textContent = filtered.length ?
    'rows ' + (start + 1) + '\u2013' + end + ' of ' + filtered.length + ' \u00b7 page ' + (state.page + 1) + ' of ' + pages :
    'no host matches';
  document.getElementById('page-prev').disabled = state.page <= 0;
  document.getElementById('page-next').disabled = state.page >= pages - 1;
  document.getElementById('host-count').textContent = filtered.length + ' of ' + HOSTS.length + ' hosts';
  document.body.setAttribute('data-hosts-shown', String(end - start));
  document.body.setAttribute('data-hosts-matching', String(filtered.length));
  var ths = document.querySelectorAll('#host-table th');
  for (var j = 0; j < ths.length; j++) {
    var key = ths[j].getAttribute('data-key');
    ths[j].setAttribute('aria-sort', key === state.sort ? (state.dir > 0 ? 'ascending' : 'descending') : 'none');
  }
  renderExtraFilter();
  writeHash();
}

function renderExtraFilter() {
  var box = document.getElementById('extra-filter'), what = null;
  box.textContent = '';
  if (state.host !== null) what = ['host', 'host'];
  else if (state.group !== null) what = ['group', 'group'];
  else if (state.check !== null) what = ['check', 'failing check'];
  if (!what) return;
  box.appendChild(el('span', {cls: 'filter-chip'}, [what[1] + ': ', el('b', {text: state[what[0]]}), ' ',
    el('button', {type: 'button', cls: 'link', text: '\u00d7 clear', 'aria-label': 'clear filter',
      onclick: function () { state.host = state.group = state.check = null; applyFilters(); }})]));
}

function focusHosts(patch) {
  state.host = state.group = state.check = null;
  for (var k in patch) state[k] = patch[k];
  state.page = 0;
  if (patch.host !== undefined) state.open[patch.host] = true;
  applyFilters();
  var sec = document.getElementById('hosts');
  if (sec && sec.scrollIntoView) sec.scrollIntoView();
}

function wireHosts() {
  var tbody = document.getElementById('host-rows');
  function toggle(ev) {
    var tr = ev.target.closest ? ev.target.closest('tr.host') : null;
    if (!tr) return;
    if (ev.type === 'keydown') {
      if (ev.key !== 'Enter' && ev.key !== ' ') return;
      ev.preventDefault();
    }
    var name = tr.getAttribute('data-host'), h = BY_NAME[name];
    if (!h) return;
    if (state.open[name]) {
      delete state.open[name];
      var next = tr.nextSibling;
      if (next && next.getAttribute && next.getAttribute('data-detail') === name) next.remove();
      tr.classList.remove('open');
      tr.setAttribute('aria-expanded', 'false');
    } else {
      state.open[name] = true;
      tr.parentNode.insertBefore(detailRow(h), tr.nextSibling);
      tr.classList.add('open');
      tr.setAttribute('aria-expanded', 'true');
    }
    writeHash();
  }
  tbody.addEventListener('click', toggle);
  tbody.addEventListener('keydown', toggle);
  window.addEventListener('hashchange', function () { if (readHash()) applyFilters(); });
  var timer = null, input = document.getElementById('host-filter');
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = input.value; state.page = 0; applyFilters(); }, 150);
  });
  document.getElementById('status-filter').addEventListener('change', function (ev) {
    state.status = ev.target.value; state.page = 0; applyFilters();
  });
  document.getElementById('page-size').addEventListener('change', function (ev) {
    state.size = parseInt(ev.target.value, 10) || 100; state.page = 0; renderHosts();
  });
  document.getElementById('page-prev').addEventListener('click', function () {
    if (state.page > 0) { state.page--; renderHosts(); }
  });
  document.getElementById('page-next').addEventListener('click', function () {
    if ((state.page + 1) * state.size < filtered.length) { state.page++; renderHosts(); }
  });
  var ths = document.querySelectorAll('#host-table th');
  for (var i = 0; i < ths.length; i++) {
    ths[i].addEventListener('click', function (ev) {
      var key = ev.currentTarget.getAttribute('data-key');
      if (state.sort === key) state.dir = -state.dir;
      else { state.sort = key; state.dir = (key === 'name' || key === 'groups') ? 1 : -1; }
      applyFilters();
    });
  }
}

// ---- failing checks, grouped by check, worst first ----
function renderFailing() {
  var b = body('failing');
  if (!b) return;
  var items = R.failing_checks || [];
  if (!items.length) { b.appendChild(el('p', {text: 'No check fails, warns or is unknown on any host.'})); return; }
  var list = el('div');
  moreList(items, 15, function (fc) {
    var key = checkKey(fc), hosts = fc.hosts || [];
    var hostBox = el('div', {cls: 'fc-hosts'});
    moreList(hosts, 15, function (h) {
      return el('button', {type: 'button', cls: 'chip mono', text: h, title: 'show ' + h,
                           onclick: function () { focusHosts({host: h}); }});
    }, hostBox);
    return el('div', {cls: 'fc-item', 'data-check': key}, [
      el('div', {cls: 'fc-head'}, [badge(fc.status), el('span', {cls: 'fc-name', text: key}),
        el('span', {cls: 'muted', text: hosts.length + (hosts.length === 1 ? ' host' : ' hosts')}),
        el('button', {type: 'button', cls: 'link', text: 'filter hosts',
                      onclick: function () { focusHosts({check: key}); }})]),
      hostBox]);
  }, list);
  b.appendChild(list);
}

// ---- groups ----
function renderGroups() {
  var b = body('groups');
  if (!b) return;
  var groups = R.groups || {}, names = Object.keys(groups).sort(cmpText);
  if (!names.length) { b.appendChild(el('p', {cls: 'muted', text: 'No inventory groups.'})); return; }
  var cols = ['pass', 'warn', 'fail', 'unknown', 'unreachable', 'not_evaluated'];
  var tb = el('tbody');
  names.forEach(function (g) {
    var x = groups[g] || {}, hs = x.host_status || {};
    tb.appendChild(el('tr', {'data-group': g}, [
      el('td', null, [el('button', {type: 'button', cls: 'link mono', text: g,
        onclick: function () { focusHosts({group: g}); }})]),
      el('td', null, [badge(x.status)]), el('td', {cls: 'num', text: x.score === null || x.score === undefined ? '\u2013' : fmt(x.score)}),
      el('td', {cls: 'num', text: (x.hosts || []).length})].concat(cols.map(function (c) {
        return el('td', {cls: 'num', text: hs[c] || ''}); }))));
  });
  b.appendChild(el('table', {cls: 'groups'}, [el('thead', null, [el('tr', null,
    ['Group', 'Status', 'Score', 'Hosts'].map(function (t, i) { return el('th', {cls: i > 1 ? 'num' : null, text: t}); })
      .concat(cols.map(function (c) { return el('th', {cls: 'num', text: label(c)}); })))]), tb]));
}

// ---- comparison with the previous report ----
function renderComparison() {
  var b = body('comparison'), c = R.comparison;
  if (!b || !c || typeof c !== 'object') return;
  if (c.previous_generated_at || c.previous_score !== undefined) {
    b.appendChild(el('p', {cls: 'muted', text: 'Previous report: ' + fmt(c.previous_generated_at || 'unknown') +
      (c.previous_status ? ', ' + label(c.previous_status) : '') +
      (typeof c.previous_score === 'number' ? ', score ' + fmt(c.previous_score) : '') +
      (typeof c.previous_score === 'number' && typeof R.score === 'number' ?
        ' (now ' + fmt(R.score) + ', ' + (R.score >= c.previous_score ? '+' : '') + fmt(R.score - c.previous_score) + ')' : '')}));
  }
  function table(title, rows, headers, cells) {
    b.appendChild(el('h3', {text: title + ' (' + rows.length + ')'}));
    if (!rows.length) { b.appendChild(el('p', {cls: 'muted', text: 'none'})); return; }
    var tb = el('tbody');
    moreList(rows, 25, function (r) { return el('tr', null, cells(r)); }, tb);
    b.appendChild(el('table', {cls: 'cmp'}, [el('thead', null, [el('tr', null, headers.map(function (t) {
      return el('th', {text: t}); }))]), tb]));
  }
  function host(r) { return el('td', {cls: 'mono', text: fmt(r.host)}); }
  function check(r) { return el('td', {cls: 'mono', text: fmt(r.component) + '/' + fmt(r.name)}); }
  table('Newly failing', c.newly_failing || [], ['Host', 'Check', 'Before', 'Now', 'Value'], function (r) {
    return [host(r), check(r), el('td', null, [r.previous_status ? badge(r.previous_status) : 'new']),
            el('td', null, [badge(r.status)]), el('td', {cls: 'num', text: withUnit(r.value, r.unit)})];
  });
  table('Recovered', c.recovered || [], ['Host', 'Check', 'Before', 'Value'], function (r) {
    return [host(r), check(r), el('td', null, [badge(r.previous_status)]), el('td', {cls: 'num', text: withUnit(r.value, r.unit)})];
  });
  table('Values that moved most', c.moved || [], ['Host', 'Check', 'Before', 'Now', 'Change'], function (r) {
    var p = r.change_percent;
    var change = r.previous === 0 ? 'from 0' : typeof p === 'number' ? (p > 0 ? '+' : '') + fmt(p) + '%' : fmt(p);
    return [host(r), check(r), el('td', {cls: 'num', text: withUnit(r.previous, r.unit)}),
            el('td', {cls: 'num', text: withUnit(r.value, r.unit)}), el('td', {cls: 'num', text: change})];
  });
  var down = c.hosts_newly_unreachable || [];
  if (down.length) {
    b.appendChild(el('h3', {text: 'Newly unreachable hosts (' + down.length + ')'}));
    var p = el('p');
    moreList(down, 30, function (h) { return el('button', {type: 'button', cls: 'chip mono', text: h,
      onclick: function () { focusHosts({host: h}); }}); }, p);
    b.appendChild(p);
  }
}

// ---- operations checklists ----
var STATE_MARK = {done: '\u2714 done', failed: '\u2718 failed', unknown: '? unknown', manual: '\u2610 manual'};
function renderChecklists() {
  var b = body('checklists'), lists = R.checklists;
  if (!b || !lists || !lists.length) return;
  lists.forEach(function (cl) {
    var items = (cl && cl.items) || [], counts = {};
    items.forEach(function (it) { counts[it.state] = (counts[it.state] || 0) + 1; });
    b.appendChild(el('h3', {text: fmt(cl && cl.name) + ' \u2014 ' + Object.keys(STATE_MARK).filter(function (s) {
      return counts[s]; }).map(function (s) { return counts[s] + ' ' + s; }).join(', ')}));
    var ul = el('ul', {cls: 'cl'});
    items.forEach(function (it) {
      var st = Object.prototype.hasOwnProperty.call(STATE_MARK, it.state) ? it.state : 'unknown';
      ul.appendChild(el('li', {'data-state': st}, [el('span', {cls: 'st st-' + st, text: STATE_MARK[st]}), ' ',
        fmt(it.text), it.detail ? el('span', {cls: 'muted', text: ' \u2014 ' + fmt(it.detail)}) : null,
        it.checks && it.checks.length ? el('span', {cls: 'muted mono', text: ' [' + it.checks.join(', ') + ']'}) : null]));
    });
    b.appendChild(ul);
  });
}

function run(name, fn) {
  try { fn(); } catch (err) {
    var b = document.getElementById(name + '-body');
    if (b) { b.textContent = ''; b.appendChild(el('p', {cls: 'warnbox', text: 'Could not render this section: ' + err})); }
    if (window.console) console.error(err);
  }
}
run('failing', renderFailing);
run('comparison', renderComparison);
run('groups', renderGroups);
run('checklists', renderChecklists);
run('hosts', function () { wireHosts(); readHash(); applyFilters(); });
document.body.setAttribute('data-hosts-total', String(HOSTS.length));
var t1 = (window.performance && performance.now) ? performance.now() : 0;
document.body.setAttribute('data-script-ms', String(Math.round(t1 - t0)));
document.body.setAttribute('data-ready-ms', String(Math.round(t1)));
document.body.dataset.rendered = '1';
})();
'''
