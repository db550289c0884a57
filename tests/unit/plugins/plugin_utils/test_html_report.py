"""The HTML report page: escaping, server-side rendering of every section, self-containment.

The page's JavaScript (filtering, sorting) and the page with JavaScript off are exercised in a
real browser by tests/e2e/test_html_report_browser.py.
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
        self._style = False
        self.texts = []  # the text a reader sees (not scripts, not the style)
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._style = self._style or tag == 'style'
        if tag == 'script':
            self._script = (dict(attrs), [])

    def handle_endtag(self, tag):
        self._style = self._style and tag != 'style'
        if tag == 'script' and self._script is not None:
            self.scripts.append((self._script[0], ''.join(self._script[1])))
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)
        elif not self._style:
            self.texts.append(data)

    def text(self):
        return ''.join(self.texts)

    def config(self):
        found = [text for attrs, text in self.scripts if attrs.get('type') == 'application/json']
        assert len(found) == 1, 'exactly one JSON data element'
        return json.loads(found[0])

    def host(self, name):
        """The text of host ``name``'s <details> element."""
        text = self.text()
        start = text.index('\n' + name) if ('\n' + name) in text else text.index(name)
        return text[start:]


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


def section_ids(text):
    return [a.get('id') for t, a in Page(text).tags if t in ('section', 'header') and a.get('id')]


def test_sections_present():
    text = html_report.render_html(build_report(extra=full_extra()))
    assert section_ids(text) == ['fleet', 'gate', 'failing', 'comparison', 'groups', 'hosts',
                                 'checklists']
    for ident in ('host-filter', 'status-filter', 'host-table', 'host-rows', 'page-config'):
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
    assert '<li>blocker 19</li></ul><details class="more"><summary>30 more</summary><ul><li>blocker 20</li>' in text
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
        assert href is None or href.startswith('#'), href  # no link leaves the page here
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


def test_every_host_and_check_is_in_the_page_text():
    """Rendered on the server: the text without any script holds every host and check."""
    report = build_report(extra=full_extra())
    page = Page(html_report.render_html(report))
    text = page.text()
    for host, entry in report['hosts'].items():
        assert host in text
        for check in entry['checks']:
            assert '%s/%s' % (check['component'], check['name']) in text
            assert check['message'] in text
    assert 'Failed to connect to the host via ssh' in text  # unreachable app1's reason
    assert 'port: must be an int' in text  # db1's failed task
    assert 'fix disk_usage:/' in text, 'a failing check shows its remediation'
    for section in ('Newly failing (1)', 'Values that moved most', 'Before deployment', 'Disk space checked'):
        assert section in text
    assert 'rendering' not in text and '<noscript' not in html_report.render_html(report)


def test_hosts_worst_first_with_failing_checks_on_their_line():
    report = build_report()
    text = html_report.render_html(report)
    order = re.findall(r'<details class="h s-(\w+)" id="h-([^"]+)"', text)
    assert order == [('unreachable', 'app1'), ('fail', 'db1'), ('fail', 'web2'), ('warn', 'web1'),
                     ('not_evaluated', 'quiet1')]
    summary = re.search(r'id="h-web1".*?</summary>', text).group(0)
    assert 'warn system/load_per_core' in summary, 'a failing check reads without opening its host'
    assert 'disk_usage' not in summary, 'a passing check is not on the line'
    web1 = text[text.index('id="h-web1"'):]
    web1 = web1[:web1.index('</details>')]
    # Failing checks first, in a table; passing ones after, as lines of text.
    assert web1.index('system/load_per_core') < web1.index('<pre class="ok">') < web1.index('system/disk_usage:/')
    db1 = text[text.index('id="h-db1"'):]
    assert 'task redis_check failed' in db1[:db1.index('</summary>')]


def test_hostile_text_stays_text():
    extra = full_extra()
    extra['gate']['verdict'] = HOSTILE
    extra['checklists'][0]['items'][0]['text'] = HOSTILE
    report = build_report(message=HOSTILE, extra=extra)
    report['playbook'] = HOSTILE
    report['status'] = HOSTILE  # even a field the header shows verbatim
    report['hosts'][HOSTILE] = dict(report['hosts']['web1'], groups=[HOSTILE])
    text = html_report.render_html(report)
    # The only markup is ours: two script elements, no <img> anywhere.
    assert text.lower().count('</script') == 2
    assert '<img' not in text.lower()
    page = Page(text)
    assert not [t for t, _attrs in page.tags if t == 'img']
    assert [a.get('type') for a, _text in page.scripts] == ['application/json', None]
    assert page.text().count(HOSTILE) >= 6


@pytest.mark.parametrize('nasty', ['<!--', '<script>', '<!-- <script>', ']]>', '&amp;', '\u2028\u2029',
                                   '</SCRIPT >', '</scrip', '\\u003c/script>', '"\'\\', '</pre>', '</details>'])
def test_nothing_in_the_data_can_change_how_the_page_parses(nasty):
    report = build_report(message=nasty)
    text = html_report.render_html(report)
    page = Page(text)
    assert page.text().count(nasty) == 2, 'each message shows as it is (web1, web2)'
    assert [t for t, _a in page.tags].count('script') == 2
    assert [t for t, _a in page.tags].count('details') == len(report['hosts'])


def test_odd_values_render():
    report = build_report()
    report['hosts']['web1']['checks'][0]['value'] = float('nan')
    report['hosts']['web1']['checks'][1]['value'] = {'p95': 1.5}
    report['hosts']['web2']['checks'][0]['value'] = 0.1 + 0.2
    text = Page(html_report.render_html(report)).text()
    assert 'nan' in text and '{"p95": 1.5}' in text and '0.3%' in text
    for report in ({}, fleet.FleetCollector().report(), dict(status='pass', score=None)):
        text = html_report.render_html(report)
        assert text.startswith('<!DOCTYPE html>') and 'id="host-rows"' in text


def test_status_ranks_reach_the_page_as_data_not_code():
    """The script declares no rank of its own: the renderer passes the status order."""
    script = html_report.asset('report.js')
    for status in ('unreachable', 'not_evaluated'):
        assert '%s:' % status not in script, 'a status rank or label is declared in the script'
    config = Page(html_report.render_html(build_report())).config()
    assert config['check_rank'] == {'skip': 0, 'pass': 1, 'unknown': 2, 'warn': 3, 'fail': 4}
    ranks = config['host_rank']
    assert sorted(ranks, key=ranks.get) == ['skip', 'pass', 'not_evaluated', 'unknown', 'warn',
                                            'fail', 'unreachable']


def test_placeholders_in_data_are_not_expanded():
    report = build_report(message='@@SCRIPT@@ @@CONFIG@@')
    text = html_report.render_html(report)
    assert '@@SCRIPT@@ @@CONFIG@@' in Page(text).text()
    assert text.count('use strict') == 1


def test_artifact_links_are_relative_links_only():
    report = build_report()
    check = report['hosts']['web1']['checks'][0]
    check['links'] = [dict(title='Lighthouse report', href='lighthouse/shop home.lighthouse.html'),
                      dict(title='bad', href='javascript:alert(1)'), dict(title='abs', href='/etc/passwd'),
                      dict(title='up', href='../secret.html'), dict(title='far', href='//evil.example/x')]
    text = html_report.render_html(report)
    page = Page(text)
    hrefs = [a['href'] for t, a in page.tags if t == 'a' and not a['href'].startswith('#')]
    assert hrefs == ['lighthouse/shop%20home.lighthouse.html']
    assert 'javascript:alert(1)' in page.text(), 'a link that is not relative shows as text'
    assert html_report.safe_href('a/b.html') == 'a/b.html'
    for bad in ('https://x/', 'javascript:x', '/abs', '..', 'a/../../b', '', None, 5):
        assert html_report.safe_href(bad) is None, bad
