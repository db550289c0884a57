"""Report renderers and comparison (the checklists: test_checklists.py)."""

import os
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
from ansible_collections.golive.readiness.plugins.plugin_utils import checklists, fleet
from ansible_collections.golive.readiness.plugins.plugin_utils import report_formats as rf
from ansible_collections.golive.readiness.plugins.plugin_utils.compare import compare


def make(checks, unreachable=(), errors=()):
    """checks: host -> [(component, name, status, value)]."""
    c = fleet.FleetCollector()
    for host, items in checks.items():
        c.add_host(host, groups=['web'] if host.startswith('web') else ['db'])
        comps = {}
        for component, name, status, value in items:
            comps.setdefault(component, r.Component(component)).add(
                r.check_result(name, status, value=value, unit='percent', message='%s "is" <%s>' % (name, status)))
        for comp in comps.values():
            c.add_readiness(host, comp.result())
    for host in unreachable:
        c.add_unreachable(host, 'refused')
    for host, task, msg in errors:
        c.add_error(host, task, msg)
    return c.report(playbook='readiness.yml')


REPORT = make({'web1': [('system', 'disk_usage:/', 'pass', 40.0), ('http', 'http:/health', 'warn', 1200)],
               'db1': [('system', 'disk_usage:/', 'fail', 95.5), ('system', 'swap_used', 'skip', None),
                       ('postgres', 'connect', 'unknown', None)]},
              unreachable=['app1'], errors=[('db1', 'redis_check', 'port: bad')])


def test_junit_counts_and_cases():
    root = ET.fromstring(rf.to_junit(REPORT))
    assert root.tag == 'testsuites'
    assert root.get('tests') == '7' and root.get('failures') == '2' and root.get('errors') == '2'
    assert root.get('skipped') == '1'
    app1 = root.find("testsuite[@name='app1']")
    assert app1.find('testcase').get('name') == 'unreachable'
    assert app1.find('testcase/failure') is not None
    db1 = root.find("testsuite[@name='db1']")
    fail = db1.find("testcase[@name='disk_usage:/']/failure")
    assert fail.get('message') == 'disk_usage:/ "is" <fail>'


def test_prometheus_text():
    text = rf.to_prometheus(REPORT, timestamp=1700000000)
    lines = text.splitlines()
    assert 'golive_readiness_check_status{check="disk_usage:/",component="system",host="db1"} 2' in lines
    assert 'golive_readiness_check_status{check="connect",component="postgres",host="db1"} 3' in lines
    assert not any('swap_used' in l and l.startswith('golive_readiness_check_status') for l in lines)
    assert 'golive_readiness_check_value{check="disk_usage:/",component="system",host="db1",unit="percent"} 95.5' in lines
    assert 'golive_readiness_host_ready{host="web1"} 1' in lines
    assert 'golive_readiness_host_ready{host="app1"} 0' in lines
    assert 'golive_readiness_hosts{status="unreachable"} 1' in lines
    assert 'golive_readiness_report_timestamp_seconds 1700000000.0' in lines
    for line in lines:
        assert line.startswith('#') or line.startswith('golive_readiness_')
    helps = [l for l in lines if l.startswith('# TYPE')]
    assert len(helps) == len(set(helps))


def test_prometheus_label_escaping():
    rep = make({'h"1\\': [('system', 'a\nb', 'pass', 1)]})
    assert 'host="h\\"1\\\\"' in rf.to_prometheus(rep)
    assert 'check="a\\nb"' in rf.to_prometheus(rep)


def test_markdown_sections():
    md = rf.to_markdown(dict(REPORT, checklists=checklists.evaluate(REPORT)))
    assert md.startswith('# Fleet readiness: FAIL')
    assert '| FAIL | `system/disk_usage:/` | db1 |' in md
    assert '- **app1** unreachable: refused' in md
    assert "- **db1** task `redis_check` failed: port: bad" in md
    assert '## Checklist: Before deployment' in md
    assert '| web | warn |' in md


def test_markdown_lists_every_check_with_its_figures_when_the_report_is_small():
    """A load test's mean and p99 must be readable in the Markdown page, passing ones too."""
    c = fleet.FleetCollector()
    c.add_host('probe', groups=[])
    comp = r.Component('load_test')
    comp.add(r.check_result('load_mean:normal', 'pass', value=212.5, unit='ms', warn=500, fail=1000,
                            message='mean 212.5 ms'))
    comp.add(r.check_result('load_p99:normal', 'warn', value=2100.0, unit='ms', warn=2000, fail=4000,
                            message='p99 2100 ms'))
    c.add_readiness('probe', comp.result())
    md = rf.to_markdown(c.report(playbook='load_test.yml'))
    assert '| probe | `load_test/load_mean:normal` | PASS | 212.5 ms | 500 ms | 1000 ms | mean 212.5 ms |' in md
    assert '| probe | `load_test/load_p99:normal` | WARN | 2100.0 ms | 2000 ms | 4000 ms | p99 2100 ms |' in md
    # Past max_rows checks the page keeps to its summary (the HTML and JSON reports have them all).
    assert '## Checks' not in rf.to_markdown(c.report(playbook='load_test.yml'), max_rows=1)


def test_markdown_escapes_table_cells():
    rep = make({'a|b': [('system', 'x', 'fail', 1)]})
    assert '| a\\|b |' in rf.to_markdown(rep)


def test_comparison():
    before = make({'web1': [('system', 'disk_usage:/', 'pass', 40.0), ('system', 'load', 'fail', 3.0)],
                   'db1': [('system', 'disk_usage:/', 'pass', 50.0)]})
    after = make({'web1': [('system', 'disk_usage:/', 'fail', 95.0), ('system', 'load', 'pass', 0.5)],
                  'db1': [('system', 'disk_usage:/', 'pass', 50.0), ('system', 'new', 'warn', 1)]},
                 unreachable=['app1'])
    diff = compare(before, after)
    assert [(i['host'], i['name'], i['previous_status']) for i in diff['newly_failing']] == [
        ('web1', 'disk_usage:/', 'pass'), ('db1', 'new', None)]
    assert [(i['host'], i['name']) for i in diff['recovered']] == [('web1', 'load')]
    assert diff['moved'][0]['name'] == 'disk_usage:/' and diff['moved'][0]['change_percent'] == 137.5
    assert diff['hosts_newly_unreachable'] == ['app1']
    assert compare(after, after)['newly_failing'] == []


def test_write_reports_all_formats(tmp_path):
    paths = rf.write_reports(REPORT, str(tmp_path), 'readiness', ['json', 'markdown', 'junit', 'prometheus'])
    assert sorted(os.listdir(str(tmp_path))) == [
        'readiness.json', 'readiness.junit.xml', 'readiness.md', 'readiness.prom']
    assert len(paths) == 4


def test_failing_renderer_writes_nothing(tmp_path):
    with pytest.raises(ValueError):
        rf.write_reports(REPORT, str(tmp_path), 'readiness', ['json', 'pdf'])
    assert os.listdir(str(tmp_path)) == []


def test_write_text_atomic_keeps_old_file_on_error(tmp_path):
    path = tmp_path / 'r.json'
    rf.write_text_atomic(str(path), 'old')
    with pytest.raises(TypeError):
        rf.write_text_atomic(str(path), 12345)
    assert path.read_text() == 'old'
    assert os.listdir(str(tmp_path)) == ['r.json']


TRICKY = ['plain', '', 'a "quoted" word', "it's", 'both "x" and \'y\'', 'a<b>&c', 'tab\there',
          'line\nbreak\r\n', 'back\\slash', 'ünïcødé → ✓', '&amp;']


def test_junit_escaping_is_quoteattr_and_escape():
    from xml.sax.saxutils import escape, quoteattr
    for text in TRICKY:
        assert rf._attr(text) == quoteattr(text)
        assert rf._text(text) == escape(text)


def test_junit_tricky_names_parse_back():
    rep = make({'h"1&<x>': [('sys\ttem', 'a "b"\n<c>', 'fail', 1)]})
    case = ET.fromstring(rf.to_junit(rep)).find('testsuite/testcase')
    assert case.get('classname') == 'h"1&<x>.sys\ttem'
    assert case.get('name') == 'a "b"\n<c>'
    assert case.find('failure').get('message') == 'a "b"\n<c> "is" <fail>'


def test_prometheus_check_series_labels_are_those_of_labels():
    """Each check series spells its labels as _labels() does, escapes included."""
    checks = [('comp%d' % i, name, 'pass', 1.5) for i, name in enumerate(TRICKY)]
    rep = make({host: checks for host in TRICKY[:4]})
    lines = rf.to_prometheus(rep).split('\n')  # not splitlines(): a label keeps its \r
    expected = {'status': [], 'value': []}
    for host, entry in rep['hosts'].items():
        for check in entry['checks']:
            expected['status'].append('golive_readiness_check_status%s 0' % rf._labels(
                host=host, component=check['component'], check=check['name']))
            expected['value'].append('golive_readiness_check_value%s 1.5' % rf._labels(
                host=host, component=check['component'], check=check['name'], unit='percent'))
    series = [l for l in lines if l.startswith(('golive_readiness_check_status{', 'golive_readiness_check_value{'))]
    assert series == expected['status'] + expected['value']


def test_text_fields_that_are_not_text_still_render_every_format(tmp_path):
    collector = fleet.FleetCollector()
    collector.add_host('web1')
    collector.add_readiness('web1', {'component': 'custom', 'checks': [
        {'name': 5, 'status': 'warn', 'value': 1, 'unit': 7, 'message': 'odd', 'remediation': ['x']}]})
    report = collector.report(playbook='readiness.yml')
    [check] = report['hosts']['web1']['checks']
    assert (check['name'], check['unit'], check['remediation']) == ('5', '7', "['x']")
    rf.write_reports(report, str(tmp_path), 'readiness', ['json', 'markdown', 'junit', 'prometheus', 'html'])
    assert len(os.listdir(str(tmp_path))) == 5


# -- the registry ---------------------------------------------------------------

def test_formats_are_one_registry():
    assert list(rf.REPORT_FORMATS) == ['json', 'markdown', 'html', 'junit', 'prometheus']
    for name, (extension, render) in rf.REPORT_FORMATS.items():
        assert extension.startswith('.') and callable(render)
        assert rf.render(REPORT, name, 0) == render(REPORT, 0)
    assert rf.FORMATS == tuple(rf.REPORT_FORMATS)
    assert rf.EXTENSIONS['junit'] == '.junit.xml'
    with pytest.raises(ValueError, match="unknown report format 'pdf'; choose from json, markdown"):
        rf.render(REPORT, 'pdf')


# -- JUnit and characters XML 1.0 forbids -----------------------------------------

def test_junit_drops_characters_xml_forbids():
    """Issue R15.10: a control character in a check name or message must not break the XML."""
    bad = 'disk\x07usage\x00:\x1b[31m/\ufffe'
    rep = make({'web\x01': [('system', bad, 'fail', 1)]})
    rep['hosts']['web\x01']['checks'][0]['remediation'] = 'free \x0c space'
    text = rf.to_junit(rep)
    root = ET.fromstring(text)   # raises on any forbidden character
    case = root.find('.//testcase[@name="%s"]' % 'disk\\x07usage\\x00:\\x1b[31m/\\ufffe')
    assert case is not None, text
    failure = case.find('failure')
    assert failure.get('message').startswith('disk\\x07usage')
    assert failure.text == 'free \\x0c space'
    assert root.find('testsuite').get('name') == 'web\\x01'
    # Tab, newline and carriage return are allowed and kept.
    rep = make({'web1': [('system', 'a\tb', 'fail', 1)]})
    assert ET.fromstring(rf.to_junit(rep)).find('.//testcase').get('name') == 'a\tb'


# -- instances and repeated checks in every format ---------------------------------

def instance_report():
    c = fleet.FleetCollector()
    c.add_host('cache1', groups=['cache'])
    for port, status in ((6379, 'pass'), (6380, 'fail')):
        comp = r.Component('redis')
        comp.add(r.check_result('ping', status, value=0.4, unit='ms', message='ping %s' % status))
        result = comp.result()
        result['instance'] = '127.0.0.1:%d' % port
        c.add_readiness('cache1', result, task='redis %d' % port)
    comp = r.Component('system')
    comp.add(r.check_result('load', 'warn', value=3, unit='count', message='m'))
    c.add_readiness('cache1', comp.result(), task='system 1')
    c.add_readiness('cache1', comp.result(), task='system 2')
    return c.report(playbook='readiness.yml')


def test_every_format_names_the_instance():
    """Issue R15.2: JSON field, component[instance]/check in text, readiness_instance in Prometheus."""
    import json as _json
    from ansible_collections.golive.readiness.plugins.plugin_utils import html_report
    rep = instance_report()
    checks = _json.loads(rf.to_json(rep))['hosts']['cache1']['checks']
    assert [(c['component'], c.get('instance'), c['name'], c.get('occurrence')) for c in checks] == [
        ('redis', '127.0.0.1:6379', 'ping', None), ('redis', '127.0.0.1:6380', 'ping', None),
        ('system', None, 'load', None), ('system', None, 'load', 2)]
    assert _json.loads(rf.to_json(rep))['warnings'][0].startswith('cache1: system/load reported again')
    assert '| FAIL | `redis[127.0.0.1:6380]/ping` | cache1 |' in rf.to_markdown(rep)
    root = ET.fromstring(rf.to_junit(rep))
    names = [(c.get('classname'), c.get('name')) for c in root.iter('testcase')]
    assert ('cache1.redis[127.0.0.1:6380]', 'ping') in names
    assert ('cache1.system', 'load') in names and ('cache1.system', 'load (#2)') in names
    prom = rf.to_prometheus(rep)
    assert ('golive_readiness_check_status{check="ping",component="redis",host="cache1",occurrence="1",'
            'readiness_instance="127.0.0.1:6380"} 2') in prom
    assert ('golive_readiness_check_status{check="load",component="system",host="cache1",occurrence="2",'
            'readiness_instance=""} 1') in prom
    assert ',instance=' not in prom and '{instance=' not in prom, 'instance is Prometheus\'s own label'
    # Every series of a family has the same label names (node_exporter rejects a file otherwise).
    for family in ('golive_readiness_check_status', 'golive_readiness_check_value'):
        shapes = {tuple(sorted(k.split('=')[0] for k in line[line.index('{') + 1:line.index('}')].split('",')))
                  for line in prom.splitlines() if line.startswith(family + '{')}
        assert len(shapes) == 1, shapes
    page = html_report.render_html(rep)
    assert 'redis[127.0.0.1:6380]/ping' in page and 'system/load (#2)' in page


def test_reports_without_instances_are_as_before():
    prom = rf.to_prometheus(REPORT)
    assert 'readiness_instance' not in prom and 'occurrence' not in prom
    assert all('instance' not in c for e in REPORT['hosts'].values() for c in e['checks'])


# -- the report set is all or nothing ----------------------------------------------

def test_a_set_that_cannot_be_written_whole_leaves_the_previous_set(tmp_path, monkeypatch):
    paths = rf.write_reports(REPORT, str(tmp_path), 'readiness', list(rf.FORMATS))
    before = dict((p, open(p, 'rb').read()) for p in paths)
    written = []
    real = rf._write_temporary

    def full_disk(path, text):
        if path.endswith('.html'):
            raise OSError(28, 'No space left on device')
        written.append(real(path, text))
        return written[-1]
    monkeypatch.setattr(rf, '_write_temporary', full_disk)
    changed = make({'web1': [('system', 'disk_usage:/', 'fail', 99.0)]})
    with pytest.raises(OSError):
        rf.write_reports(changed, str(tmp_path), 'readiness', list(rf.FORMATS))
    assert written, 'some formats were written to temporary files before the failure'
    assert dict((p, open(p, 'rb').read()) for p in paths) == before
    assert sorted(os.listdir(str(tmp_path))) == sorted(os.path.basename(p) for p in paths)


# -- what moved most ------------------------------------------------------------------

def test_moved_needs_a_relative_and_an_absolute_change():
    """Issue R15.10: sub-millisecond noise must not fill 'values that moved most'."""
    def rep(values):
        c = fleet.FleetCollector()
        comp = r.Component('system')
        for name, value, unit in values:
            comp.add(r.check_result(name, 'pass', value=value, unit=unit, message='m'))
        c.add_readiness('web1', comp.result())
        return c.report()
    before = rep([('io_latency:/', 0.02, 'ms'), ('http_p95', 120.0, 'ms'), ('disk', 40.0, 'percent'),
                  ('mem', 50.0, 'percent'), ('cert', 30, 'days'), ('hit', 0.95, 'ratio')])
    after = rep([('io_latency:/', 0.09, 'ms'), ('http_p95', 480.0, 'ms'), ('disk', 40.5, 'percent'),
                 ('mem', 60.0, 'percent'), ('cert', 29, 'days'), ('hit', 0.951, 'ratio')])
    moved = compare(before, after)['moved']
    # 0.02 -> 0.09 ms is +350 % but 0.07 ms; 40 -> 40.5 % is half a point; 30 -> 29 days is 3 %.
    assert [(m['name'], m['change_percent']) for m in moved] == [('http_p95', 300.0), ('mem', 20.0)]


# -- artifact links (issue R20: a Lighthouse page beside the report) ----------------

def links_report():
    from ansible_collections.golive.readiness.plugins.module_utils import readiness as r
    comp = r.Component('web_perf')
    comp.add(r.measured('performance:shop', 42, 'score', 90, 50, r.LOWER_IS_WORSE, links=[
        dict(title='Lighthouse report: shop', href='lighthouse/shop (1).lighthouse.html')]))
    comp.add(r.measured('lcp:shop', 900, 'ms', 2500, 4000, links=[
        dict(title='abs', href='/etc/passwd'), dict(title='js', href='javascript:alert(1)')]))
    c = fleet.FleetCollector()
    c.add_readiness('web1', comp.result())
    return c.report()


def test_links_are_kept_and_rendered_as_links():
    import json as _json
    rep = links_report()
    checks = dict((c['name'], c) for c in rep['hosts']['web1']['checks'])
    assert checks['performance:shop']['links'] == [dict(title='Lighthouse report: shop',
                                                        href='lighthouse/shop (1).lighthouse.html')]
    assert 'links' in _json.loads(rf.to_json(rep))['hosts']['web1']['checks'][1]
    md = rf.to_markdown(rep)
    assert '## Artifacts' in md
    assert ('- web1 `web_perf/performance:shop` (fail): '
            '[Lighthouse report: shop](lighthouse/shop%20%281%29.lighthouse.html)') in md
    assert '- web1 `web_perf/lcp:shop` (pass): abs: `/etc/passwd`' in md, 'not relative: text, no link'
    assert '](javascript:' not in md
    page = rf.render(rep, 'html')
    assert '<a class="artifact" href="lighthouse/shop%20(1).lighthouse.html">Lighthouse report: shop</a>' in page
    assert 'href="javascript' not in page and 'href="/etc' not in page
    assert '## Artifacts' not in rf.to_markdown(REPORT), 'no section without links'


def test_odd_links_are_dropped_or_made_text():
    c = fleet.FleetCollector()
    c.add_readiness('h', dict(component='x', checks=[dict(
        name='a', status='pass', message='m',
        links=[dict(href='ok.html'), 'not a dict', dict(title='no href'), dict(title=5, href=7)] + [
            dict(title='t', href='f%d.html' % i) for i in range(20)])]))
    links = c.report()['hosts']['h']['checks'][0]['links']
    assert links[:2] == [dict(title='ok.html', href='ok.html'), dict(title='5', href='7')]
    assert len(links) == fleet.LINKS_LIMIT
    c.add_readiness('g', dict(component='x', checks=[dict(name='a', status='pass', message='m')]))
    assert 'links' not in c.report()['hosts']['g']['checks'][0], 'absent unless given'
