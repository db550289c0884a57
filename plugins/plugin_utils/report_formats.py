# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet report rendered for people and pipelines: Markdown, JUnit XML, Prometheus text.

Every renderer takes the report dict (see docs/report-schema.md) and returns text.
:data:`REPORT_FORMATS` is the one registry of formats (name -> extension, renderer);
:func:`write_reports` writes the chosen formats as one all-or-nothing set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import tempfile
from xml.sax.saxutils import escape as xml_escape, quoteattr

from collections import namedtuple

from ansible_collections.golive.readiness.plugins.plugin_utils.fleet import (
    HOST_STATUSES,
    NOT_EVALUATED,
    UNREACHABLE,
    check_label,
    report_title,
)
from ansible_collections.golive.readiness.plugins.plugin_utils.html_report import render_html, safe_href

# Prometheus encoding of a check status; skip is not exported.
STATUS_CODES = {'pass': 0, 'warn': 1, 'fail': 2, 'unknown': 3}
STATE_MARKS = {'done': '[x]', 'failed': '[ ] FAILED:', 'unknown': '[ ] not measured:',
               'manual': '[ ]'}


def _write_temporary(path, text):
    """Write ``text`` to a new temporary file beside ``path``; return its name.

    Raises OSError (after removing the temporary file) when it cannot be written whole.
    """
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half.

    Raises OSError (after removing the temporary file) when the directory cannot be written.
    """
    os.replace(_write_temporary(path, text), path)


def to_json(report):
    """The report as JSON text, the source of truth."""
    # Compact: an indent makes json fall back to its pure-Python encoder, several times
    # slower and larger at a thousand hosts (benchmarks/report_bench.py).
    return json.dumps(report, separators=(',', ':'), sort_keys=True, default=str) + '\n'


# -- Markdown ---------------------------------------------------------------

def _md(text):
    """Escape text for a Markdown table cell."""
    return str('' if text is None else text).replace('|', '\\|').replace('\n', ' ')


def _value(check, key='value'):
    """The check's ``key`` (value, warn or fail) with its unit."""
    value = check.get(key)
    if value is None:
        return ''
    unit = check.get('unit') or ''
    return '%s%s' % (value, '%' if unit == 'percent' else (' ' + unit if unit else ''))


def to_markdown(report, max_rows=200):
    """A Markdown page for tickets and merge requests: verdict, failing checks first."""
    summary = report['summary']
    lines = ['# %s: %s' % (report_title(report, 'Fleet readiness'), report['status'].upper()), '']
    gate = report.get('gate')
    if gate:
        lines += ['**%s**' % _md(gate.get('verdict')), '']
    lines += ['Score **%s/100** · %d hosts · %d checks · generated %s by `%s`' % (
        report.get('score') if report.get('score') is not None else '-', summary['hosts'],
        summary['checks'], report.get('generated_at'), report.get('playbook')), '']
    lines += _markdown_slices(report)
    lines += ['| hosts | ' + ' | '.join(s.replace('_', ' ') for s in HOST_STATUSES) + ' |',
              '|---' * (len(HOST_STATUSES) + 1) + '|',
              '| count | ' + ' | '.join(str(summary['host_status'].get(s, 0)) for s in HOST_STATUSES) + ' |', '']

    failing = report.get('failing_checks') or []
    lines += ['## Failing checks', '']
    if failing:
        lines += ['| status | check | hosts |', '|---|---|---|']
        for item in failing[:max_rows]:
            hosts = item['hosts']
            shown = ', '.join(hosts[:20]) + (' (+%d more)' % (len(hosts) - 20) if len(hosts) > 20 else '')
            lines.append('| %s | `%s` | %s |' % (item['status'].upper(), _md(check_label(item)),
                                                 _md(shown)))
        if len(failing) > max_rows:
            lines.append('')
            lines.append('%d more in the JSON report.' % (len(failing) - max_rows))
    else:
        lines.append('None.')
    lines.append('')

    problems = [(h, e) for h, e in report['hosts'].items() if e['unreachable'] or e['errors']
                or e['status'] == NOT_EVALUATED]
    if problems:
        lines += ['## Hosts not measured', '']
        for host, entry in problems[:max_rows]:
            if entry['unreachable']:
                lines.append('- **%s** unreachable: %s' % (_md(host), _md(entry['unreachable_message'])))
            elif entry['status'] == NOT_EVALUATED:
                lines.append('- **%s** not evaluated: no check ran on it' % _md(host))
            for error in entry['errors']:
                lines.append('- **%s** task `%s` failed: %s' % (_md(host), _md(error['task']),
                                                                _md(error['message'])))
        lines.append('')

    lines += _markdown_artifacts(report, max_rows)

    if report.get('groups'):
        lines += ['## Groups', '', '| group | status | score | hosts |', '|---|---|---|---|']
        for name, group in report['groups'].items():
            lines.append('| %s | %s | %s | %d |' % (_md(name), group['status'], group['score'],
                                                    len(group['hosts'])))
        lines.append('')

    comparison = report.get('comparison')
    if comparison:
        lines += _markdown_comparison(comparison, max_rows)

    lines += ['## Hosts', '', '| host | status | score | groups | fail | warn | unknown |',
              '|---|---|---|---|---|---|---|']
    ordered = sorted(report['hosts'].items(), key=lambda kv: (kv[1]['score'], kv[0]))
    for host, entry in ordered[:max_rows]:
        counts = entry['check_counts']
        lines.append('| %s | %s | %s | %s | %d | %d | %d |' % (
            _md(host), entry['status'], entry['score'], _md(', '.join(entry['groups'])),
            counts.get('fail', 0), counts.get('warn', 0), counts.get('unknown', 0)))
    if len(ordered) > max_rows:
        lines += ['', '%d more hosts in the JSON report.' % (len(ordered) - max_rows)]
    lines.append('')
    lines += _markdown_checks(ordered, max_rows)

    for checklist in report.get('checklists') or ():
        lines += ['## Checklist: %s' % checklist['name'], '']
        for item in checklist['items']:
            mark = STATE_MARKS.get(item['state'], '[ ]')
            lines.append('- %s %s (%s)' % (mark, _md(item['text']), _md(item['detail'])))
        lines.append('')
    return '\n'.join(lines)


def _markdown_checks(ordered_hosts, max_rows):
    """Every check with its measured value, limits and message, when the report is small enough
    to read that way (a load test from one probe host, a handful of hosts); else nothing: the
    failing checks above and the HTML / JSON reports carry them."""
    checks = [(host, check) for host, entry in ordered_hosts for check in entry['checks']]
    if not checks or len(checks) > max_rows:
        return []
    lines = ['## Checks', '', '| host | check | status | measured | warn | fail | message |',
             '|---|---|---|---|---|---|---|']
    for host, check in checks:
        lines.append('| %s | `%s` | %s | %s | %s | %s | %s |' % (
            _md(host), _md(check_label(check)), check['status'].upper(), _md(_value(check)),
            _md(_value(check, 'warn')), _md(_value(check, 'fail')), _md(check.get('message'))))
    return lines + ['']


def _markdown_slices(report):
    """A merged report's slices (golive.readiness.report_merge): those merged and those left out."""
    merged, stale = report.get('slices'), report.get('stale_slices') or []
    if not isinstance(merged, list):
        return []
    lines = ['Merged from %d slice report(s): %s' % (len(merged), ', '.join(
        'slice %s (%d hosts, %s)' % (_md(s.get('id')), s.get('hosts') or 0, _md(s.get('status'))) for s in merged))]
    for item in stale:
        lines.append('- left out: slice %s (`%s`): %s' % (_md(item.get('id')), _md(item.get('file')), _md(item.get('reason'))))
    return lines + ['']


def _md_link_target(href):
    """``href`` for a Markdown link: spaces and parentheses would end it early."""
    return href.replace(' ', '%20').replace('(', '%28').replace(')', '%29')


def _markdown_artifacts(report, max_rows):
    """"Artifacts": the links of check records (a Lighthouse page), relative to the report."""
    lines = []
    for host, entry in report['hosts'].items():
        for check in entry['checks']:
            for link in check.get('links') or ():
                href = safe_href(link.get('href'))
                target = '[%s](%s)' % (_md(link.get('title')).replace(']', '\\]'), _md_link_target(href)) if href \
                    else '%s: `%s`' % (_md(link.get('title')), _md(link.get('href')))
                lines.append('- %s `%s` (%s): %s' % (_md(host), _md(check_label(check)), check['status'], target))
    if not lines:
        return []
    more = len(lines) - max_rows
    return ['## Artifacts', ''] + lines[:max_rows] + (['', '%d more in the JSON report.' % more] if more > 0 else []) + ['']


def _markdown_comparison(comparison, max_rows):
    lines = ['## Since the previous report (%s)' % comparison.get('previous_generated_at'), '']
    for title, key in (('Newly failing', 'newly_failing'), ('Recovered', 'recovered')):
        items = comparison.get(key) or []
        lines.append('**%s** (%d)%s' % (title, len(items), ':' if items else ''))
        for item in items[:max_rows]:
            lines.append('- `%s` %s: %s → %s' % (
                _md(item['host']), _md(check_label(item)),
                item.get('previous_status') or 'absent', item.get('status', 'pass')))
        lines.append('')
    moved = comparison.get('moved') or []
    if moved:
        lines += ['**Moved most**', '', '| host | check | before | now | change |', '|---|---|---|---|---|']
        for item in moved:
            lines.append('| %s | %s | %s | %s | %+.1f%% |' % (
                _md(item['host']), _md(check_label(item)), item['previous'],
                item['value'], item['change_percent']))
        lines.append('')
    if comparison.get('hosts_newly_unreachable'):
        lines += ['Newly unreachable: %s' % ', '.join(comparison['hosts_newly_unreachable']), '']
    return lines


# -- JUnit XML --------------------------------------------------------------

# Characters XML 1.0 forbids anywhere, even escaped: C0 controls but tab, newline and
# carriage return; surrogates; U+FFFE and U+FFFF.
_XML_FORBIDDEN_CHARS = '\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff'
_XML_FORBIDDEN = re.compile('[%s]' % _XML_FORBIDDEN_CHARS)
# Characters quoteattr() / escape() change, and forbidden ones; most messages and names have
# none, and skipping those calls for them halves the time of a 50,000-case page.
_XML_ATTR_SPECIAL = re.compile('[&<>"\n\r\t%s]' % _XML_FORBIDDEN_CHARS)
_XML_TEXT_SPECIAL = re.compile('[&<>%s]' % _XML_FORBIDDEN_CHARS)


def _xml_chars(text):
    """``text`` with every character XML 1.0 forbids written visibly as ``\\xNN`` / ``\\uNNNN``."""
    return _XML_FORBIDDEN.sub(lambda m: '\\x%02x' % ord(m.group(0)) if ord(m.group(0)) < 0x100
                              else '\\u%04x' % ord(m.group(0)), text)


def _attr(text):
    """``quoteattr(text)`` of a text XML can hold; faster when nothing needs escaping."""
    return quoteattr(_xml_chars(text)) if _XML_ATTR_SPECIAL.search(text) else '"%s"' % text


def _text(text):
    """``xml_escape(text)`` of a text XML can hold; faster when nothing needs escaping."""
    return xml_escape(_xml_chars(text)) if _XML_TEXT_SPECIAL.search(text) else text


def _case(classname, name, seconds, body=''):
    """One <testcase>; ``classname`` and ``name`` are already quoted attributes."""
    return '    <testcase classname=%s name=%s time="%.3f">%s</testcase>' % (classname, name, seconds, body)


def to_junit(report):
    """JUnit XML: a suite per host, a test case per check.

    ``fail`` is a failure, ``unknown`` an error, ``skip`` skipped, ``warn`` passes with
    its message in system-out.  An unreachable host is one failing case.
    """
    suites = []
    totals = dict(tests=0, failures=0, errors=0, skipped=0)
    for host, entry in report['hosts'].items():
        cases = []
        counts = dict(tests=0, failures=0, errors=0, skipped=0)
        host_attr = _attr(host)
        if entry['unreachable'] or entry['status'] == NOT_EVALUATED:
            message = entry['unreachable_message'] if entry['unreachable'] else 'no check ran on this host'
            kind = UNREACHABLE if entry['unreachable'] else NOT_EVALUATED
            cases.append(_case(host_attr, _attr(kind), 0, '<failure message=%s type=%s/>' % (
                _attr(message or kind), _attr(kind))))
            counts['tests'] += 1
            counts['failures'] += 1
        for error in entry['errors']:
            cases.append(_case(host_attr, _attr('task: %s' % error['task']), 0,
                               '<error message=%s type="task_failed"/>' % _attr(error['message'])))
            counts['tests'] += 1
            counts['errors'] += 1
        classnames = {}  # component[instance] -> quoted "host.component[instance]"
        for check in entry['checks']:
            seconds = (check.get('duration_ms') or 0) / 1000.0
            message = check.get('message') or ''
            status = check['status']
            if status == 'fail':
                body = '<failure message=%s type="fail">%s</failure>' % (
                    _attr(message), _text(check.get('remediation') or ''))
                counts['failures'] += 1
            elif status == 'unknown':
                body = '<error message=%s type="unknown"/>' % _attr(message)
                counts['errors'] += 1
            elif status == 'skip':
                body = '<skipped message=%s/>' % _attr(message)
                counts['skipped'] += 1
            else:
                body = '<system-out>%s: %s</system-out>' % (status.upper(), _text(message))
            counts['tests'] += 1
            component = check['component']
            if 'instance' in check:
                component = '%s[%s]' % (component, check['instance'])
            if component not in classnames:
                classnames[component] = _attr('%s.%s' % (host, component))
            name = check['name']
            if 'occurrence' in check:
                name = '%s (#%d)' % (name, check['occurrence'])
            cases.append(_case(classnames[component], _attr(name), seconds, body))
        for key in totals:
            totals[key] += counts[key]
        suites.append('  <testsuite name=%s tests="%d" failures="%d" errors="%d" skipped="%d">\n%s\n  </testsuite>' % (
            host_attr, counts['tests'], counts['failures'], counts['errors'], counts['skipped'],
            '\n'.join(cases)))
    head = '<testsuites name="golive.readiness" tests="%d" failures="%d" errors="%d" skipped="%d">' % (
        totals['tests'], totals['failures'], totals['errors'], totals['skipped'])
    return '<?xml version="1.0" encoding="UTF-8"?>\n%s\n%s\n</testsuites>\n' % (head, '\n'.join(suites))


# -- Prometheus text format ---------------------------------------------------

def _label(value):
    return str(value).replace('\\', '\\\\').replace('\n', '\\n').replace('"', '\\"')


def _labels(**labels):
    return '{%s}' % ','.join('%s="%s"' % (k, _label(v)) for k, v in sorted(labels.items()))


class _LabelValues(dict):
    """Escaped label values by ``str(value)``: each distinct value is escaped once.

    Hosts, components, check names and units repeat across 100,000 series.
    """

    def __missing__(self, text):
        escaped = self[text] = _label(text)
        return escaped


def _metric_value(value):
    if isinstance(value, bool):
        return '1' if value else '0'
    if isinstance(value, (int, float)):
        return repr(float(value))
    return None


def to_prometheus(report, timestamp=None, fleet=True):
    """Text format for node_exporter's textfile collector (write it as ``*.prom``).

    ``fleet=False`` leaves out the fleet's series (hosts per status, fleet score, the gate's
    verdict): a per-host file (prometheus_textfile) where one host carries them for the fleet.
    """
    out = []
    label = _LabelValues()

    def family(name, kind, help_text):
        out.append('# HELP %s %s' % (name, help_text))
        out.append('# TYPE %s %s' % (name, kind))

    # Per-check series spell their labels in sorted order, as _labels() does.  Every series
    # of a family has the same label names (node_exporter rejects a file otherwise): the
    # optional labels appear on all of them, or on none when no check needs them.  A check's
    # instance is ``readiness_instance``: Prometheus sets ``instance`` itself when it scrapes.
    optional = [(key, label_name) for key, label_name in (('occurrence', 'occurrence'),
                                                          ('instance', 'readiness_instance'))
                if any(key in c for e in report['hosts'].values() for c in e['checks'])]

    if optional:
        def check_labels(check, host_label):
            text = 'check="%s",component="%s",host="%s"' % (
                label[str(check['name'])], label[str(check['component'])], host_label)
            for key, label_name in optional:
                text += ',%s="%s"' % (label_name, label[str(check.get(key, 1 if key == 'occurrence' else ''))])
            return text
    else:
        def check_labels(check, host_label):
            return 'check="%s",component="%s",host="%s"' % (
                label[str(check['name'])], label[str(check['component'])], host_label)

    family('golive_readiness_check_status', 'gauge',
           'Readiness check status: 0 pass, 1 warn, 2 fail, 3 unknown (skipped checks are not exported).')
    for host, entry in report['hosts'].items():
        host_label = label[str(host)]
        for check in entry['checks']:
            if check['status'] in STATUS_CODES:
                out.append('golive_readiness_check_status{%s} %d' % (
                    check_labels(check, host_label), STATUS_CODES[check['status']]))
    family('golive_readiness_check_value', 'gauge', 'The value a readiness check measured, in its unit.')
    for host, entry in report['hosts'].items():
        host_label = label[str(host)]
        for check in entry['checks']:
            value = _metric_value(check.get('value'))
            if value is not None:
                out.append('golive_readiness_check_value{%s,unit="%s"} %s' % (
                    check_labels(check, host_label), label[str(check.get('unit') or '')], value))
    family('golive_readiness_host_ready', 'gauge', '1 if every check of the host passed (warn allowed), else 0.')
    for host, entry in report['hosts'].items():
        ready = 1 if entry['status'] in ('pass', 'warn') else 0
        out.append('golive_readiness_host_ready%s %d' % (_labels(host=host), ready))
    family('golive_readiness_host_score', 'gauge', 'Host readiness score, 0 to 100.')
    for host, entry in report['hosts'].items():
        out.append('golive_readiness_host_score%s %s' % (_labels(host=host), float(entry['score'])))
    if fleet:
        family('golive_readiness_hosts', 'gauge', 'Hosts per readiness status.')
        for status in HOST_STATUSES:
            out.append('golive_readiness_hosts%s %d' % (_labels(status=status),
                                                        report['summary']['host_status'].get(status, 0)))
        family('golive_readiness_fleet_score', 'gauge', 'Fleet readiness score, 0 to 100.')
        out.append('golive_readiness_fleet_score %s' % float(report.get('score') or 0))
    gate = report.get('gate') if fleet else None
    if gate:
        family('golive_readiness_gate_go', 'gauge', '1 if the gate said go, 0 for no-go.')
        out.append('golive_readiness_gate_go %d' % (1 if gate.get('go') else 0))
    family('golive_readiness_report_timestamp_seconds', 'gauge', 'When the report was generated.')
    out.append('golive_readiness_report_timestamp_seconds %s' % float(timestamp or 0))
    return '\n'.join(out) + '\n'


# -- the registry and writing --------------------------------------------------

ReportFormat = namedtuple('ReportFormat', 'extension render')
# Every report format: name -> (file extension, render(report, timestamp) -> text).  The
# callback, its documented choices (held to this by a unit test) and the benchmarks use it.
REPORT_FORMATS = {
    'json': ReportFormat('.json', lambda report, timestamp: to_json(report)),
    'markdown': ReportFormat('.md', lambda report, timestamp: to_markdown(report)),
    'html': ReportFormat('.html', lambda report, timestamp: render_html(report)),
    'junit': ReportFormat('.junit.xml', lambda report, timestamp: to_junit(report)),
    'prometheus': ReportFormat('.prom', to_prometheus),
}
FORMATS = tuple(REPORT_FORMATS)
EXTENSIONS = dict((name, fmt.extension) for name, fmt in REPORT_FORMATS.items())


def render(report, fmt, timestamp=None):
    """Render ``report`` in format ``fmt`` (a name of REPORT_FORMATS)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError('unknown report format %r; choose from %s' % (fmt, ', '.join(FORMATS)))
    return REPORT_FORMATS[fmt].render(report, timestamp)


def write_reports(report, directory, stem, formats, timestamp=None):
    """Write the report in every format of ``formats`` as one set; return the paths written.

    All or nothing: every format is rendered, then written to a temporary file beside its
    target, and only when all of them are on disk are they renamed over the previous set.
    On a failure (a renderer, a full disk) the temporary files are removed, the previous set
    is left as it was, and the exception is raised.  Renames within one directory need no
    space; if one still failed, the files already renamed would be of the new set.
    """
    rendered = []
    for fmt in formats:
        text = render(report, fmt, timestamp)  # first: it names an unknown format
        rendered.append((os.path.join(directory, stem + REPORT_FORMATS[fmt].extension), text))
    written = []
    try:
        for path, text in rendered:
            written.append((_write_temporary(path, text), path))
    except BaseException:
        for tmp, _path in written:
            _remove(tmp)
        raise
    for index, (tmp, path) in enumerate(written):
        try:
            os.replace(tmp, path)
        except BaseException:
            for rest, _path in written[index:]:
                _remove(rest)
            raise
    return [path for _tmp, path in written]
