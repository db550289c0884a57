"""web_perf_check for real: Lighthouse in Debian's headless Chromium against a real nginx.

nginx serves two versions of one shop page on loopback: a heavy one (a large script in the
head, a style sheet in the head, large images, no compression, no cache lifetime) and an
optimised one (compressed, cached, the script deferred, one small image).  Lighthouse is the
version pinned in requirements/lighthouse (scripts/services/lighthouse.sh installs it).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import REPO, checks_by_name, free_port, run_module, run_playbook
from loopback_nginx import loopback_nginx
from shop_pages import IMAGES, SERVERS, write_sites


@pytest.fixture(scope='module')
def lighthouse():
    proc = subprocess.run([os.path.join(REPO, 'scripts', 'services', 'lighthouse.sh')],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope='module')
def sites(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('web-perf'))
    write_sites(root)
    servers = dict((name, directives % dict(root=root)) for name, directives in SERVERS.items())
    with loopback_nginx(root, servers) as urls:
        yield urls


def test_heavy_page_fails_and_optimised_page_passes(lighthouse, sites, tmp_path):
    reports = str(tmp_path / 'lighthouse')
    result = run_module('web_perf_check', dict(
        lighthouse=lighthouse, report_dir=reports, timeout=120,
        pages=[dict(name='heavy', url=sites['heavy']), dict(name='light', url=sites['light'])]), timeout=400)
    checks = checks_by_name(result)
    assert result['readiness']['component'] == 'web_perf'
    heavy = dict((name.split(':')[0], c) for name, c in checks.items() if name.endswith(':heavy'))
    light = dict((name.split(':')[0], c) for name, c in checks.items() if name.endswith(':light'))
    assert set(heavy) == set(light) == {'performance', 'lcp', 'tbt', 'cls', 'ttfb', 'page_weight', 'requests',
                                        'uncompressed', 'cache_lifetime', 'render_blocking'}
    # What the heavy page does wrong, each found by Lighthouse in the real browser.
    assert heavy['uncompressed']['value'] >= 2 and heavy['uncompressed']['status'] in ('warn', 'fail')
    assert 'app.js' in heavy['uncompressed']['message']
    assert heavy['cache_lifetime']['value'] >= IMAGES and heavy['cache_lifetime']['status'] == 'warn'
    assert heavy['render_blocking']['value'] >= 2 and heavy['render_blocking']['status'] in ('warn', 'fail')
    assert heavy['page_weight']['value'] > 4000 and heavy['page_weight']['status'] == 'fail'
    assert heavy['performance']['status'] in ('warn', 'fail')
    assert result['readiness']['status'] == 'fail'
    # The optimised page: everything within the limits.
    assert {c['status'] for c in light.values()} == {'pass'}, dict((n, c['message']) for n, c in light.items())
    assert light['page_weight']['value'] < heavy['page_weight']['value'] / 10
    assert light['performance']['value'] > heavy['performance']['value']
    # Lighthouse's own report is kept and named in the records.
    kept = heavy['performance']['details']['report']
    assert kept == os.path.join(reports, 'heavy.lighthouse.html')
    with open(kept) as handle:
        assert 'Lighthouse' in handle.read(4096)


def test_page_that_cannot_load_fails_and_broken_browser_is_unknown(lighthouse, tmp_path):
    dead = 'http://127.0.0.1:%d/' % free_port()
    down = run_module('web_perf_check', dict(lighthouse=lighthouse, pages=[dict(name='down', url=dead)],
                                             checks=dict((n, dict(enabled=False)) for n in (
                                                 'tbt', 'cls', 'ttfb', 'requests', 'render_blocking'))),
                      timeout=200)
    records = checks_by_name(down)
    assert records['performance:down']['status'] == 'fail'
    assert records['tbt']['status'] == 'skip' and 'tbt:down' not in records
    # A "browser" that exits at once: Lighthouse cannot run, the check cannot measure.
    fake = tmp_path / 'chromium'
    fake.write_text('#!/bin/sh\nexit 1\n')
    fake.chmod(0o755)
    broken = run_module('web_perf_check', dict(lighthouse=lighthouse, chromium=str(fake), timeout=60,
                                               pages=[dict(name='x', url=dead)]), timeout=200)
    assert {c['status'] for c in broken['readiness']['checks']} == {'unknown'}
    assert broken['readiness']['checks'][0]['message'].startswith('x: ')


def test_a_page_that_never_finishes_is_stopped_within_its_timeout(lighthouse, tmp_path):
    # A server that accepts and never answers: the audit must end at the page's timeout.
    with socket.socket() as server:
        server.bind(('127.0.0.1', 0))
        server.listen(16)
        url = 'http://127.0.0.1:%d/' % server.getsockname()[1]
        start = time.monotonic()
        result = run_module('web_perf_check', dict(lighthouse=lighthouse, timeout=15, total_timeout=20,
                                                   pages=[dict(name='hang', url=url), dict(name='next', url=url)]),
                            timeout=200)
        elapsed = time.monotonic() - start
    records = checks_by_name(result)
    assert records['performance:hang']['status'] in ('unknown', 'fail')
    # The second page gets what is left of total_timeout, or nothing.
    assert records['performance:next']['status'] == 'unknown'
    assert re.search(r'not audited: total_timeout \(20s\) reached|did not finish within [0-9.]+s',
                     records['performance:next']['message'])
    assert elapsed < 45, elapsed
    leftover = subprocess.run(['pgrep', '-f', 'golive-web-perf-'], capture_output=True, text=True, check=False)
    assert leftover.stdout.strip() == '', 'a browser was left running: %s' % leftover.stdout


def test_missing_lighthouse_is_unknown_naming_what_to_install():
    assert shutil.which('lighthouse') is None and not os.path.exists('/opt/golive-readiness/lighthouse'), \
        'this test needs a machine where Lighthouse is only in .cache/lighthouse'
    result = run_module('web_perf_check', dict(pages=[dict(name='p', url='http://127.0.0.1:1/')]))
    records = result['readiness']['checks']
    assert {c['status'] for c in records} == {'unknown'}
    assert records[0]['message'] == 'p: Lighthouse not found on the probe host'
    assert 'readiness_install_dependencies' in records[0]['remediation']
    assert 'lighthouse@12.8.2' in records[0]['remediation']


def test_bad_input_is_one_line_per_problem():
    bad = run_module('web_perf_check', dict(pages=[dict(name='a', url='shop.example.com'), dict(name='a', url='http://x/')],
                                            lighthouse='/nonexistent/lighthouse', timeout=500, total_timeout=100))
    assert bad.get('failed')
    for text in ("pages[0].url: 'shop.example.com': it is not an http:// or https:// URL with a host",
                 "pages[1].name: 'a' is also the name of pages[0]",
                 'lighthouse: /nonexistent/lighthouse does not exist',
                 'timeout: 500 s per page is more than total_timeout (100 s)'):
        assert text in bad['msg']
    assert 'Traceback' not in bad['msg']


def test_the_readiness_role_audits_from_the_probe_host_and_keeps_the_report_beside_the_fleet_report(
        lighthouse, sites, report_dir):
    # The role's install step runs too: everything is present, so it changes nothing.
    lighthouse_dir = os.path.dirname(os.path.dirname(os.path.dirname(lighthouse)))
    extra = dict(readiness_web_perf_enabled=True, readiness_install_dependencies=True,
                 readiness_web_perf_lighthouse_dir=lighthouse_dir,
                 readiness_web_perf_pages=[dict(name='heavy', url=sites['heavy'])],
                 readiness_web_perf_tbt=dict(enabled=False))
    proc = run_playbook('readiness.yml', report_dir, '-i', os.path.join(REPO, 'inventories', 'local'),
                        '--tags', 'web_perf', '-e', json.dumps(extra), timeout=400)
    # The heavy page weighs more than page_weight's fail limit: no-go.
    assert proc.returncode != 0, proc.stdout[-3000:]
    with open(os.path.join(str(report_dir), 'readiness.json')) as handle:
        report = json.load(handle)
    checks = dict((c['name'], c) for c in report['hosts']['localhost']['checks'])
    assert checks['page_weight:heavy']['status'] == 'fail'
    assert checks['tbt']['status'] == 'skip'
    assert checks['cache_lifetime:heavy']['component'] == 'web_perf'
    assert os.path.exists(os.path.join(str(report_dir), 'lighthouse', 'heavy.lighthouse.html'))
    assert 'Lighthouse report: lighthouse/heavy.lighthouse.html' in checks['performance:heavy']['message']
    # The record links the Lighthouse page (issue R20): a real link, relative to the report
    # directory, to a file that is there, in the HTML page and in Markdown.
    links = checks['performance:heavy']['links']
    assert links == [dict(title='Lighthouse report: heavy', href='lighthouse/heavy.lighthouse.html')]
    target = os.path.join(str(report_dir), links[0]['href'])
    with open(target) as handle:
        assert 'Lighthouse' in handle.read(1 << 16), 'the link points at the Lighthouse report'
    with open(os.path.join(str(report_dir), 'readiness.html')) as handle:
        assert ('<a class="artifact" href="lighthouse/heavy.lighthouse.html">Lighthouse report: heavy</a>'
                in handle.read())
    with open(os.path.join(str(report_dir), 'readiness.md')) as handle:
        assert '[Lighthouse report: heavy](lighthouse/heavy.lighthouse.html)' in handle.read()
    assert 'web_perf/page_weight:heavy' in proc.stdout or 'page_weight:heavy' in proc.stdout
