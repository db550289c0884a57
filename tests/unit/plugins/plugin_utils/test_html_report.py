"""The HTML report page: escaping, embedded JSON, sections, self-containment.

The page's JavaScript is exercised in a real browser by tests/e2e/test_html_report.py.
"""

import json
import os
import re
from html.parser import HTMLParser

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.plugin_utils import fleet, html_report

HOSTILE = '</script><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """Parse a page the way a browser tokenises it: tags, and the text of each script."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.scripts = []  # (attrs, text)
        self._script = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == 'script':
            self._script = (dict(attrs), [])

    def handle_endtag(self, tag):
        if tag == 'script' and self._script is not None:
            self.scripts.append((self._script[0], ''.join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def raw(self):
        found = [text for attrs, text in self.scripts if attrs.get('type') == 'application/json']
        assert len(found) == 1, 'exactly one JSON data element'
        return json.loads(found[0])

    def data(self):
        return html_report.unpack_report(self.raw())


def readiness(component, *checks):
    comp = r.Component(component)
    for name, status, message in checks:
        comp.add(r.check_result(name, status, value=1.5, unit='percent', warn=80, fail=90,
                                message=message, remediation='fix %s' % name))
    return comp.result()


def build_report(message='disk is fine', extra=None):
    c = fleet.FleetCollector()
    c.add_host('web1', groups=['web', 'prod'])
    c.add_host('web2', groups=['web', 'prod'])
    c.add_host('db1', groups=['db', 'prod'])
    c.add_host('quiet1', groups=['db'])
    c.add_readiness('web1', readiness('system', ('disk_usage:/', 'pass', message),
                                      ('load_per_core', 'warn', 'load is high')))
    c.add_readiness('web2', readiness('system', ('disk_usage:/', 'fail', message)))
    c.add_readiness('db1', readiness('system', ('disk_usage:/', 'pass', 'ok')))
    c.add_unreachable('app1', 'Failed to connect to the host via ssh')
    c.add_error('db1', 'redis_check', 'port: must be an int')
    return c.report(playbook='readiness.yml', extra=extra)


def full_extra():
    return dict(
        gate=dict(go=False, verdict='NO-GO: 1 host fails, 1 unreachable',
                  blockers=['web2: system/disk_usage:/ fail', dict(host='app1', reason='unreachable')]),
        comparison=dict(previous_generated_at='2026-11-25T10:00:00Z', previous_status='warn',
                        previous_score=90.0,
                        newly_failing=[dict(host='web2', component='system', name='disk_usage:/',
                                            status='fail', previous_status='pass', value=95, unit='percent')],
                        recovered=[], moved=[dict(host='web2', component='system', name='disk_usage:/',
                                                  previous=50.0, value=95.0, unit='percent',
                                                  change_percent=90.0)],
                        hosts_newly_unreachable=['app1']),
        checklists=[dict(name='Before deployment', items=[
            dict(text='Disk space checked', state='failed', detail='1 of 3 checks fail or warn',
                 checks=['system/disk_usage:*']),
            dict(text='Rollback plan agreed', state='manual', detail='for a person to tick', checks=[])])],
    )


def roundtrip(data):
    return json.loads(json.dumps(data, default=str))


def test_embedded_json_round_trips():
    report = build_report(extra=full_extra())
    page = Page(html_report.render_html(report))
    assert page.data() == roundtrip(report)


def test_checks_are_packed_and_extract_report_gives_the_report_back():
    report = build_report(extra=full_extra())
    text = html_report.render_html(report)
    raw = Page(text).raw()
    assert raw['_check_fields'] == list(html_report.CHECK_FIELDS)
    first = raw['hosts']['web1']['checks'][0]
    assert isinstance(first, list) and first[:3] == ['system', 'disk_usage:/', 'pass']
    assert html_report.extract_report(text) == roundtrip(report)
    assert '_check_fields' not in report, 'the caller\'s report is not changed'
    assert isinstance(report['hosts']['web1']['checks'][0], dict)


def test_a_check_with_other_keys_stays_a_dict():
    report = build_report()
    report['hosts']['web1']['checks'][0]['details'] = {'mount': '/'}
    del report['hosts']['web1']['checks'][1]['duration_ms']
    page = Page(html_report.render_html(report))
    assert isinstance(page.raw()['hosts']['web1']['checks'][0], dict)
    assert isinstance(page.raw()['hosts']['web1']['checks'][1], dict)
    assert page.data() == roundtrip(report)


def test_hostile_text_stays_text():
    extra = full_extra()
    extra['gate']['verdict'] = HOSTILE
    extra['checklists'][0]['items'][0]['text'] = HOSTILE
    report = build_report(message=HOSTILE, extra=extra)
    report['playbook'] = HOSTILE
    report['status'] = HOSTILE  # even a field the header shows verbatim
    text = html_report.render_html(report)
    # The only markup is ours: two script elements, no <img> anywhere.
    assert text.lower().count('</script') == 2
    assert '<img' not in text.lower()
    page = Page(text)
    assert not [t for t, _attrs in page.tags if t == 'img']
    assert [a.get('type') for a, _text in page.scripts] == ['application/json', None]
    data = page.data()
    assert data['hosts']['web1']['checks'][0]['message'] == HOSTILE
    assert data['gate']['verdict'] == HOSTILE and data['playbook'] == HOSTILE


@pytest.mark.parametrize('nasty', ['<!--', '<script>', '<!-- <script>', ']]>', '&amp;', '\u2028\u2029',
                                   '</SCRIPT >', '</scrip', '\\u003c/script>', '"\'\\'])
def test_nothing_in_the_data_can_change_how_the_page_parses(nasty):
    report = build_report(message=nasty)
    text = html_report.render_html(report)
    json_text = text.split('<script type="application/json" id="report-data">', 1)[1].split('</script>', 1)[0]
    assert not re.search('[<>&\u2028\u2029]', json_text)
    assert Page(text).data() == roundtrip(report)


def test_non_finite_numbers_become_null():
    report = build_report()
    report['hosts']['web1']['checks'][0]['value'] = float('nan')
    report['hosts']['web1']['checks'][1]['value'] = float('inf')
    data = Page(html_report.render_html(report)).data()
    assert data['hosts']['web1']['checks'][0]['value'] is None
    assert data['hosts']['web1']['checks'][1]['value'] is None
    assert 'NaN' not in html_report.embed_json(report)


def section_ids(text):
    return [a.get('id') for t, a in Page(text).tags if t in ('section', 'header') and a.get('id')]


def test_sections_present():
    text = html_report.render_html(build_report(extra=full_extra()))
    assert section_ids(text) == ['fleet', 'gate', 'failing', 'comparison', 'groups', 'hosts',
                                 'checklists']
    for ident in ('host-filter', 'status-filter', 'host-table', 'host-rows', 'page-prev', 'page-next',
                  'report-data'):
        assert 'id="%s"' % ident in text


def test_optional_sections_absent_without_data():
    report = build_report(extra=dict(gate=None))
    text = html_report.render_html(report)
    assert section_ids(text) == ['fleet', 'failing', 'groups', 'hosts']
    assert 'Gate:' not in text


def test_header_shows_status_score_counts_and_gate():
    report = build_report(extra=full_extra())
    text = html_report.render_html(report)
    assert '<title>Fleet readiness: FAIL (%g/100)</title>' % report['score'] in text
    assert '<span id="fleet-score">%g</span>' % report['score'] in text
    assert 'data-status="fail"' in text
    counts = report['summary']['host_status']
    assert '<span class="n">%d</span> unreachable' % counts['unreachable'] in text
    assert '<span class="n">%d</span> ready' % counts['pass'] in text
    assert '%d hosts' % report['summary']['hosts'] in text
    assert 'Gate: NO-GO' in text and 'NO-GO: 1 host fails, 1 unreachable' in text
    assert '<li>web2: system/disk_usage:/ fail</li>' in text
    assert '<li>host: app1, reason: unreachable</li>' in text
    assert 'Blocking (2)' in text
    assert 'readiness.yml' in text


def test_long_gate_lists_fold_and_ignored_checks_are_listed():
    gate = dict(go=False, verdict='NO-GO', blockers=['blocker %d' % i for i in range(50)],
                ignored=[dict(check='system/ntp_offset', reason='known drift', hosts=['a', 'b'])])
    text = html_report.render_html(build_report(extra=dict(gate=gate)))
    assert '<li>blocker 19</li></ul><details><summary>30 more</summary><ul><li>blocker 20</li>' in text
    assert '<li>check: system/ntp_offset, hosts: a, b, reason: known drift</li>' in text


def test_gate_go():
    text = html_report.render_html(build_report(extra=dict(gate=dict(go=True, verdict='GO', blockers=[]))))
    assert 'class="gate go"' in text and 'Gate: GO' in text


def test_self_contained():
    text = html_report.render_html(build_report(extra=full_extra()))
    page = Page(text)
    for tag, attrs in page.tags:
        assert 'src' not in attrs, tag
        assert tag not in ('link', 'iframe', 'img', 'object', 'embed')
        href = attrs.get('href')
        assert href is None or href.startswith('#'), href
    assert '@import' not in text and 'url(' not in text
    assert not re.search(r'https?://', text.replace('https://www.gnu.org', ''))


def test_script_cannot_end_its_own_element():
    script, css = html_report.asset('report.js'), html_report.asset('report.css')
    assert '</script' not in script.lower()
    assert '<!--' not in script
    assert '</style' not in css.lower()


def test_assets_are_files_read_at_render_time(tmp_path, monkeypatch):
    """The script and style live in html_assets/, and a page is built from what is there now."""
    for name, marker in (('report.js', '/* js-marker */'), ('report.css', '/* css-marker */')):
        (tmp_path / name).write_text(html_report.asset(name) + marker)
    monkeypatch.setattr(html_report, 'ASSETS', str(tmp_path))
    page = html_report.render_html(build_report())
    assert '/* js-marker */' in page and '/* css-marker */' in page


def test_script_is_valid_javascript():
    """node --check: the page script parses (a syntax error would leave every section empty)."""
    import shutil
    import subprocess
    node = shutil.which('node') or shutil.which('nodejs')
    if not node:
        pytest.skip('node (Debian package nodejs) is not installed: the script is not syntax-checked')
    path = os.path.join(html_report.ASSETS, 'report.js')
    proc = subprocess.run([node, '--check', path], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_status_ranks_reach_the_page_as_data_not_code():
    """The script declares no rank of its own: the renderer passes the status order."""
    script = html_report.asset('report.js')
    for status in ('unreachable', 'not_evaluated'):
        assert '%s:' % status not in script, 'a status rank or label is declared in the script'
    data = Page(html_report.render_html(build_report())).raw()
    assert data['_page']['check_rank'] == {'skip': 0, 'pass': 1, 'unknown': 2, 'warn': 3, 'fail': 4}
    ranks = data['_page']['host_rank']
    assert sorted(ranks, key=ranks.get) == ['skip', 'pass', 'not_evaluated', 'unknown', 'warn',
                                            'fail', 'unreachable']
    assert '_page' not in html_report.extract_report(html_report.render_html(build_report()))


def test_hosts_are_not_rendered_up_front():
    """Rows are built by the script, a page at a time: no host name outside the data."""
    report = build_report()
    text = html_report.render_html(report)
    outside = text.split('<script type="application/json"', 1)[0]
    for host in report['hosts']:
        assert host not in outside


def test_minimal_and_empty_reports_render():
    for report in ({}, fleet.FleetCollector().report(), dict(status='pass', score=None)):
        text = html_report.render_html(report)
        assert Page(text).data() == roundtrip(report)
        assert text.startswith('<!DOCTYPE html>')


def test_placeholders_in_data_are_not_expanded():
    report = build_report(message='@@SCRIPT@@ @@DATA@@')
    text = html_report.render_html(report)
    assert Page(text).data()['hosts']['web1']['checks'][0]['message'] == '@@SCRIPT@@ @@DATA@@'
    assert text.count('use strict') == 1
