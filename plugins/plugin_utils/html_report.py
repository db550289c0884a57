# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report as one self-contained HTML page that reads fully without JavaScript.

``render_html(report)`` returns a page with no external resource (inline CSS and
vanilla JavaScript, no CDN).  The style and the script are files of their own,
``html_assets/report.css`` and ``html_assets/report.js`` (syntax-checked by the unit tests),
read when a page is rendered.

Everything is rendered here, on the server side: header, gate, failing checks, comparison,
groups, every host and every check of every host, checklists.  A page opened where scripts
are blocked (a CI artifact viewer, a mail client) shows it all.  The script only adds
filtering, sorting and a view kept in the URL's fragment; what it needs to know of the status
order reaches it as a small JSON element (``page_config``), not as a second copy in JavaScript.

Built to open within 3 s at 1,000 hosts x 50 checks (tests/e2e/test_html_report_browser.py,
``benchmarks/report_bench.py --browser``): each host is a ``<details>`` element whose summary
line is the host's row (status, score, groups, counts and the names of its failing checks) and
whose body is its check table, failing checks first.  A closed ``<details>`` is parsed but not
laid out, so the browser's time goes into parsing compact markup (optional end tags left out,
columns aligned by CSS, not per-cell classes), not into drawing 50,000 rows.
Every value of the report is escaped (``html.escape``) before it becomes markup; links to
artifacts (``links`` of a check record) become ``<a href>`` only for a relative path.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import json
import math
import os
import re

try:
    from urllib.parse import quote
except ImportError:  # Python 2 (ansible-test sanity's compile test only)
    from urllib import quote  # type: ignore

from ansible_collections.golive.readiness.plugins.module_utils.readiness import STATUSES, status_rank
from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import check_label, report_title

# Host statuses, worst first, as the header lists them.
HOST_STATUS_ORDER = ('unreachable', 'fail', 'warn', 'unknown', 'not_evaluated', 'pass')
CHECK_STATUS_ORDER = ('fail', 'warn', 'unknown', 'pass', 'skip')
STATUS_LABELS = {'pass': 'ready', 'not_evaluated': 'not evaluated'}
HOST_RANK = dict((s, len(HOST_STATUS_ORDER) - i) for i, s in enumerate(HOST_STATUS_ORDER))
# Hosts (and items) listed before the rest fold into a <details> element.
SHOWN = 15
# Rows of a comparison table before the rest fold.
SHOWN_ROWS = 25

# Characters that must never appear raw inside the embedded JSON: ``<`` and ``>`` so
# nothing can close the script element (``</script>``) or open a comment (``<!--``)
# that changes how the HTML parser reads it; ``&`` for good measure; U+2028/2029 so
# the text is also a valid JavaScript literal.
_JSON_ESCAPES = {'<': '\\u003c', '>': '\\u003e', '&': '\\u0026',
                 '\u2028': '\\u2028', '\u2029': '\\u2029'}
_JSON_UNSAFE = re.compile('[<>&\u2028\u2029]')
# Text html.escape() would change; most values have none, and skipping the call for them
# saves a third of the time of a 50,000-check page.
_HTML_SPECIAL = re.compile('[&<>"\']')
# A link of a check record becomes <a href> only for a relative path: no scheme
# (``javascript:``, ``data:``), no ``//host``, no absolute path, no way out by ``..``.
_SCHEME = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:')
UNIT_SYMBOLS = {'percent': '%', 'count': '', 'ratio': ''}
STATE_MARKS = {'done': '\u2714 done', 'failed': '\u2718 failed', 'unknown': '? unknown',
               'manual': '\u2610 manual'}


def embed_json(data):
    """``data`` as JSON text that is safe inside ``<script type="application/json">``."""
    text = json.dumps(data, separators=(',', ':'), ensure_ascii=False, default=str)
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group(0)], text)


def _e(value):
    text = '' if value is None else value if isinstance(value, str) else str(value)
    return html.escape(text, quote=True) if _HTML_SPECIAL.search(text) else text


def _label(status):
    return STATUS_LABELS.get(status, status or 'unknown')


def _badge(status):
    return '<span class="badge s-%s">%s</span>' % (_e(status or 'unknown'), _e(_label(status)))


def _score(score):
    return '&ndash;' if score is None else _e('%g' % score)


def _number(value):
    """A value as the page shows it: at most 3 decimals, no trailing ``.0``."""
    if value is None:
        return ''
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _e(json.dumps(value, default=str) if isinstance(value, (dict, list)) else value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return _e(value)
        text = ('%.3f' % value).rstrip('0').rstrip('.')
        return text if text not in ('', '-0') else '0'
    return str(value)


def _with_unit(value, unit):
    text = _number(value)
    if not text or not unit:
        return text
    symbol = UNIT_SYMBOLS.get(unit, unit)
    return text + (_e(symbol) if symbol in ('%', '') else ' ' + _e(symbol))


def _fragment(**params):
    """``#key=value&...``: a view of the page its script reads (see readHash in report.js)."""
    return '#' + '&'.join('%s=%s' % (k, quote(str(v), safe='')) for k, v in sorted(params.items()))


def host_anchor(host):
    """The id of a host's <details> element; ``#h-<host>`` opens it, with or without script."""
    return 'h-' + str(host)


def _host_link(host):
    return '<a class="chip mono" href="#%s">%s</a>' % (quote(host_anchor(host), safe=''), _e(host))


def safe_href(href):
    """``href`` if it is a relative path inside the report's directory, else None."""
    if not isinstance(href, str) or not href.strip() or _SCHEME.match(href) or href.startswith(('/', '\\')):
        return None
    if '..' in re.split(r'[/\\]', href):
        return None
    return href


def links_html(links):
    """A check record's artifact links as ``<a href>`` (relative ones), else their text."""
    out = []
    for link in links if isinstance(links, list) else ():
        if not isinstance(link, dict):
            continue
        href = safe_href(link.get('href'))
        title = link.get('title') or link.get('href') or 'artifact'
        if href is None:
            out.append('<span class="link-text">%s: %s</span>' % (_e(title), _e(link.get('href'))))
        else:
            target = _e(quote(href, safe="/#?=&%:@!$'()*+,;~"))
            out.append('<a class="artifact" href="%s">%s</a>' % (target, _e(title)))
    return ' '.join(out)


def _blocker_text(blocker):
    if isinstance(blocker, dict):
        return ', '.join('%s: %s' % (k, ', '.join(map(str, v)) if isinstance(v, list) else v)
                         for k, v in sorted(blocker.items()) if v is not None)
    return str(blocker)


def _fold(items, shown, wrap='%s', more='%d more', sep=''):
    """The first ``shown`` rendered ``items``; the rest in a <details> element."""
    out = wrap % sep.join(items[:shown])
    if len(items) > shown:
        out += '<details class="more"><summary>%s</summary>%s</details>' % (
            more % (len(items) - shown), wrap % sep.join(items[shown:]))
    return out


def _items_html(items, shown=20):
    """A list of text items; those past ``shown`` fold into a <details> element."""
    return _fold(['<li>%s</li>' % _e(_blocker_text(item)) for item in items], shown, '<ul>%s</ul>')


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
    slices = report.get('slices')
    if isinstance(slices, list) and slices:
        meta.append('merged from <b>%d</b> slice reports' % len(slices))
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


def _section(ident, title, body):
    return '<section id="%s"><h2>%s</h2><div class="body" id="%s-body">%s</div></section>' % (
        ident, title, ident, body)


# -- failing checks ----------------------------------------------------------------

def _failing_html(report):
    items = report.get('failing_checks') or []
    if not items:
        return '<p>No check fails, warns or is unknown on any host.</p>'
    parts = []
    for item in items:
        if not isinstance(item, dict):
            continue
        key = check_label(item)
        hosts = list(item.get('hosts') or ())
        by_status = item.get('by_status') or {item.get('status'): hosts}
        lines = []
        for status in ('fail', 'warn', 'unknown'):
            names = by_status.get(status) or []
            if names:
                lines.append('<div class="fc-hosts"><span class="st s-%s">%s:</span> %s</div>' % (
                    status, status, _fold([_host_link(h) for h in names], SHOWN, more='+%d more hosts', sep=' ')))
        parts.append(
            '<div class="fc-item" data-check="%(key)s"><div class="fc-head">%(badge)s'
            '<span class="fc-name">%(key)s</span><span class="muted">%(n)d %(hosts)s</span>'
            '<a class="link js" href="%(filter)s">filter hosts</a></div>%(lines)s</div>' % dict(
                key=_e(key), badge=_badge(item.get('status')), n=len(hosts),
                hosts='host' if len(hosts) == 1 else 'hosts', filter=_e(_fragment(check=key)),
                lines=''.join(lines)))
    return _fold(parts, SHOWN, more='%d more failing checks')


# -- comparison ----------------------------------------------------------------------

def _table(cls, headers, rows, shown=SHOWN_ROWS):
    head = '<thead><tr>%s</tr></thead>' % ''.join('<th>%s</th>' % h for h in headers)
    return _fold(['<tr>%s</tr>' % ''.join('<td>%s</td>' % c for c in row) for row in rows], shown,
                 '<table class="%s">%s<tbody>%%s</tbody></table>' % (cls, head), more='%d more rows')


def _comparison_html(comparison):
    out = []
    previous = comparison.get('previous_generated_at')
    if previous or comparison.get('previous_score') is not None:
        text = 'Previous report: %s' % _e(previous or 'unknown')
        if comparison.get('previous_status'):
            text += ', %s' % _e(_label(comparison['previous_status']))
        if isinstance(comparison.get('previous_score'), (int, float)):
            text += ', score %s' % _number(comparison['previous_score'])
        out.append('<p class="muted">%s</p>' % text)

    def check(row):
        return '<span class="mono">%s</span>' % _e(check_label(row))

    def host(row):
        return '<span class="mono">%s</span>' % _e(row.get('host'))

    tables = (
        ('Newly failing', 'newly_failing', ('Host', 'Check', 'Before', 'Now', 'Value'), lambda r: (
            host(r), check(r), _badge(r['previous_status']) if r.get('previous_status') else 'new',
            _badge(r.get('status')), _with_unit(r.get('value'), r.get('unit')))),
        ('Recovered', 'recovered', ('Host', 'Check', 'Before', 'Value'), lambda r: (
            host(r), check(r), _badge(r.get('previous_status')), _with_unit(r.get('value'), r.get('unit')))),
        ('Values that moved most', 'moved', ('Host', 'Check', 'Before', 'Now', 'Change'), lambda r: (
            host(r), check(r), _with_unit(r.get('previous'), r.get('unit')), _with_unit(r.get('value'), r.get('unit')),
            'from 0' if r.get('previous') == 0 else (
                ('+' if (r.get('change_percent') or 0) > 0 else '') + _number(r.get('change_percent')) + '%'
                if isinstance(r.get('change_percent'), (int, float)) else _number(r.get('change_percent'))))),
    )
    for title, key, headers, cells in tables:
        rows = [r for r in comparison.get(key) or () if isinstance(r, dict)]
        out.append('<h3>%s (%d)</h3>' % (title, len(rows)))
        out.append(_table('cmp', headers, [cells(r) for r in rows]) if rows else '<p class="muted">none</p>')
    down = comparison.get('hosts_newly_unreachable') or []
    if down:
        out.append('<h3>Newly unreachable hosts (%d)</h3><p>%s</p>' % (
            len(down), _fold([_host_link(h) for h in down], 30, more='+%d more', sep=' ')))
    return ''.join(out)


# -- groups --------------------------------------------------------------------------

GROUP_COLUMNS = ('pass', 'warn', 'fail', 'unknown', 'unreachable', 'not_evaluated')


def _groups_html(groups):
    if not groups:
        return '<p class="muted">No inventory groups.</p>'
    rows = []
    for name in sorted(groups):
        group = groups[name] if isinstance(groups[name], dict) else {}
        counts = group.get('host_status') or {}
        rows.append('<tr data-group="%s"><td><a class="mono" href="%s">%s</a><td>%s<td>%s<td>%d%s</tr>' % (
            _e(name), _e(_fragment(group=name)), _e(name), _badge(group.get('status')),
            _score(group.get('score')), len(group.get('hosts') or ()),
            ''.join('<td>%s' % (counts.get(c) or '') for c in GROUP_COLUMNS)))
    return '<table class="groups"><thead><tr><th>Group<th>Status<th>Score<th>Hosts%s</tr></thead><tbody>%s</tbody></table>' % (
        ''.join('<th>%s' % _e(_label(c)) for c in GROUP_COLUMNS), ''.join(rows))


# -- hosts ---------------------------------------------------------------------------

CHECK_HEADERS = ('Status', 'Check', 'Value', 'Warn', 'Fail', 'Message', 'Remediation', 'ms')
_CHECK_HEAD = '<table class="checks"><thead><tr>%s</tr></thead><tbody>' % ''.join(
    '<th>%s' % h for h in CHECK_HEADERS)
_BAD = ('fail', 'warn', 'unknown')


def host_order(item):
    """Worst first: host status, then the lower score, then the name (the page's default sort)."""
    name, entry = item
    score = entry.get('score')
    return (-HOST_RANK.get(entry.get('status'), 0), score if isinstance(score, (int, float)) else -1, name)


def _check_order(check):
    return (-status_rank(check.get('status')), check_label(check), check.get('occurrence') or 1)


def _limits(check):
    warn, fail = check.get('warn'), check.get('fail')
    if warn is None and fail is None:
        return ''
    return '(%s)' % ', '.join('%s %s' % (k, _number(v)) for k, v in (('warn', warn), ('fail', fail)) if v is not None)


def _ok_lines(lines):
    """Passing and skipped checks as aligned lines of text in one ``<pre>``.

    Most of a fleet's checks pass: as table rows they would be most of the page's elements,
    and the browser's parsing time goes with elements.  One text block per host reads the same
    (status, check, value, limits, message) at a fraction of the cost.
    """
    width = min(48, max(len(line[1]) for line in lines))
    vwidth = min(16, max(len(line[3]) for line in lines))
    out = []
    for status, key, label, value, limits, message in lines:
        out.append('%-5s %s%s %s%s %s %s' % (
            status, label, ' ' * (width - len(key)), ' ' * (vwidth - len(value)), value, limits, message))
    return '<pre class="ok">%s</pre>' % '\n'.join(out)


def _host_html(name, entry, labels):
    """One host: a <details> whose summary is its row and whose body is its checks."""
    status = entry.get('status') or 'unknown'
    counts = entry.get('check_counts') or {}
    checks = [c for c in entry.get('checks') or () if isinstance(c, dict)]
    groups = [str(g) for g in entry.get('groups') or ()]
    checks.sort(key=_check_order)
    bad = []  # the summary line names the failing checks: they read without opening the host
    rows = []  # fail / warn / unknown: a table row each, with the remediation
    lines = []  # pass / skip: a line of text each (see _ok_lines)
    for check in checks:
        cstatus = check.get('status') or 'unknown'
        key = check_label(check)
        label = labels.get(key)
        if label is None:
            label = labels[key] = _e(key)
        if check.get('occurrence'):
            key = '%s (#%s)' % (key, check['occurrence'])
            label = '%s (#%s)' % (label, _e(check['occurrence']))
        message = _e(check.get('message'))
        if check.get('links'):
            message += ' ' + links_html(check['links'])
        if cstatus not in _BAD:
            lines.append((cstatus, key, label, _with_unit(check.get('value'), check.get('unit')),
                          _limits(check), message))
            continue
        bad.append('<span class="s-%s">%s %s</span>' % (cstatus, cstatus, label))  # _BAD: plain words
        rows.append('<tr class="s-%s"><td>%s<td>%s<td>%s<td>%s<td>%s<td>%s<td>%s<td>%s</tr>' % (
            cstatus, cstatus, label, _with_unit(check.get('value'), check.get('unit')),
            _number(check.get('warn')), _number(check.get('fail')), message,
            _e(check.get('remediation')), _number(check.get('duration_ms'))))
    body = []
    if entry.get('unreachable'):
        body.append('<p><b>Unreachable:</b> %s</p>' % _e(entry.get('unreachable_message')))
    if status == 'not_evaluated':
        body.append('<p class="muted">In the play, but no check ran on this host.</p>')
    for error in entry.get('errors') or ():
        body.append('<p><b>Task failed%s:</b> %s: %s</p>' % (
            ' (ignored)' if error.get('ignored') else '', _e(error.get('task')), _e(error.get('message'))))
        bad.append('<span class="s-fail">task %s failed</span>' % _e(error.get('task')))
    components = entry.get('components') or {}
    if components:
        body.append('<p>Components: %s</p>' % ' '.join(
            '<span class="mono">%s</span> %s (%s)' % (_e(c), _badge((v or {}).get('status')), (v or {}).get('checks') or 0)
            for c, v in sorted(components.items())))
    if rows:
        body.append(_CHECK_HEAD + ''.join(rows) + '</tbody></table>')
    if lines:
        body.append(_ok_lines(lines))
    if entry.get('unreachable'):
        bad.insert(0, '<span class="s-unreachable">unreachable</span>')
    score = entry.get('score')
    return (
        '<details class="h s-%(status)s" id="%(anchor)s" data-host="%(name)s" data-status="%(status)s" '
        'data-score="%(score)s" data-fail="%(fail)d" data-warn="%(warn)d" data-unknown="%(unknown)d" '
        'data-checks="%(nchecks)d" data-groups="%(groups_attr)s">'
        '<summary><span class="hn mono">%(name)s</span><span>%(badge)s</span><span class="num">%(score_text)s</span>'
        '<span class="hg">%(groups)s</span><span class="num">%(fail_text)s</span><span class="num">%(warn_text)s</span>'
        '<span class="num">%(unknown_text)s</span><span class="num">%(nchecks)d</span>%(bad)s</summary>'
        '<div class="hd">%(body)s</div></details>\n'
    ) % dict(status=_e(status), anchor=_e(host_anchor(name)), name=_e(name),
             score=_e(score if isinstance(score, (int, float)) else -1),
             fail=counts.get('fail') or 0, warn=counts.get('warn') or 0, unknown=counts.get('unknown') or 0,
             nchecks=len(checks), groups_attr=_e(' '.join(groups)), badge=_badge(status),
             score_text=_score(score) if isinstance(score, (int, float)) else '&ndash;',
             groups=_e(', '.join(groups)), fail_text=counts.get('fail') or '', warn_text=counts.get('warn') or '',
             unknown_text=counts.get('unknown') or '',
             bad='<span class="hf">%s</span>' % ' &middot; '.join(bad) if bad else '',
             body=''.join(body) or '<p class="muted">No check records.</p>')


def _hosts_html(report):
    hosts = report.get('hosts') if isinstance(report.get('hosts'), dict) else {}
    labels = {}  # check label -> escaped: the same checks repeat on every host
    ordered = sorted(((str(n), e) for n, e in hosts.items() if isinstance(e, dict)), key=host_order)
    return HOSTS_HEAD + ''.join(_host_html(name, entry, labels) for name, entry in ordered) + '</div></div>'


# -- checklists --------------------------------------------------------------------

def _checklists_html(lists):
    out = []
    for checklist in lists:
        if not isinstance(checklist, dict):
            continue
        items = [i for i in checklist.get('items') or () if isinstance(i, dict)]
        counts = {}
        for item in items:
            counts[item.get('state')] = counts.get(item.get('state'), 0) + 1
        out.append('<h3>%s &mdash; %s</h3><ul class="cl">' % (_e(checklist.get('name')), ', '.join(
            '%d %s' % (counts[s], s) for s in STATE_MARKS if counts.get(s))))
        for item in items:
            state = item.get('state') if item.get('state') in STATE_MARKS else 'unknown'
            out.append('<li data-state="%s"><span class="st st-%s">%s</span> %s%s%s</li>' % (
                state, state, STATE_MARKS[state], _e(item.get('text')),
                '<span class="muted"> &mdash; %s</span>' % _e(item['detail']) if item.get('detail') else '',
                '<span class="muted mono"> [%s]</span>' % _e(', '.join(map(str, item['checks'])))
                if item.get('checks') else ''))
        out.append('</ul>')
    return ''.join(out)


# -- the page ----------------------------------------------------------------------

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
    host_rank = dict(HOST_RANK)
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
    comparison = report.get('comparison') if isinstance(report.get('comparison'), dict) else None
    checklists = report.get('checklists') if isinstance(report.get('checklists'), list) else None
    nav = [('failing', 'Failing checks'), ('comparison', 'Comparison') if comparison else None,
           ('groups', 'Groups'), ('hosts', 'Hosts'), ('checklists', 'Checklists') if checklists else None]
    body = ''.join([
        '<nav class="top">%s</nav>' % ' '.join('<a href="#%s">%s</a>' % n for n in nav if n),
        _header_html(report),
        _gate_html(report.get('gate')),
        _section('failing', 'Failing checks', _failing_html(report)),
        _section('comparison', 'Since the previous report', _comparison_html(comparison)) if comparison else '',
        _section('groups', 'Groups', _groups_html(report.get('groups') or {})),
        '<section id="hosts"><h2>Hosts</h2>%s</section>' % _hosts_html(report),
        _section('checklists', 'Operations checklists', _checklists_html(checklists)) if checklists else '',
    ])
    parts = dict(TITLE=_e(title), CSS=asset('report.css'), BODY=body, CONFIG=embed_json(page_config()),
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
<script type="application/json" id="page-config">@@CONFIG@@</script>
<script>@@SCRIPT@@</script>
</body>
</html>
'''

# The filter controls and sort buttons do nothing without the script: hidden until it runs.
HOSTS_HEAD = '''<div class="controls js" hidden>
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
<p class="muted hint">Worst first. Open a host for its checks, failing checks first.</p>
<div id="host-table" class="hosts">
<div class="hrow hhead" id="host-head">
<span data-key="name" aria-sort="none">Host</span><span data-key="status" aria-sort="descending">Status</span>
<span data-key="score" class="num" aria-sort="none">Score</span><span data-key="groups" aria-sort="none">Groups</span>
<span data-key="fail" class="num" aria-sort="none">Fail</span><span data-key="warn" class="num" aria-sort="none">Warn</span>
<span data-key="unknown" class="num" aria-sort="none">Unknown</span><span data-key="checks" class="num" aria-sort="none">Checks</span>
</div>
<div id="host-rows">
'''
