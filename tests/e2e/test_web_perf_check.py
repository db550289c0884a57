"""web_perf_check for real: Lighthouse in Debian's headless Chromium against a real nginx.

nginx serves two versions of one shop page on loopback: a heavy one (a large script in the
head, a style sheet in the head, large images, no compression, no cache lifetime) and an
optimised one (compressed, cached, the script deferred, one small image).  Lighthouse is the
version pinned in requirements/lighthouse (scripts/services/lighthouse.sh installs it).
"""

import os
import re
import shutil
import socket
import struct
import subprocess
import time

import pytest

from conftest import REPO, checks_by_name, run_module
from loopback_nginx import free_port, loopback_nginx

PAGE = '''<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
%(head)s
</head><body><h1>Shop</h1><p>Today's offers.</p>%(body)s</body></html>
'''


# Six 900 KiB images: the heavy page weighs over 4000 KiB, beyond page_weight's fail limit.
IMAGES = 6


def bmp(width, height, shade):
    """An uncompressed 24-bit BMP: large, valid, and the same every run."""
    row = bytes([shade, 255 - shade, (shade * 7) % 256]) * width
    row += b'\0' * ((4 - len(row) % 4) % 4)
    pixels = row * height
    header = struct.pack('<2sIHHI', b'BM', 54 + len(pixels), 0, 0, 54)
    info = struct.pack('<IiiHHIIiiII', 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def script(kib):
    """Real JavaScript of about ``kib`` KiB that runs when loaded."""
    parts, size, n = [], 0, 0
    while size < kib * 1024:
        line = 'function f%d(a){var s=0;for(var i=0;i<a;i++){s+=i*%d;}return s;}window.r%d=f%d(%d);\n' % (
            n, n, n, n, 50 + n % 50)
        parts.append(line)
        size += len(line)
        n += 1
    return ''.join(parts)


def write_sites(root):
    heavy, light = os.path.join(root, 'heavy'), os.path.join(root, 'light')
    for directory in (heavy, light):
        os.makedirs(directory)
    images = ''.join('<img src="/img%d.bmp" alt="offer %d">' % (i, i) for i in range(IMAGES))
    with open(os.path.join(heavy, 'index.html'), 'w') as handle:
        handle.write(PAGE % dict(head='<link rel="stylesheet" href="/style.css"><script src="/app.js"></script>',
                                 body=images))
    with open(os.path.join(heavy, 'style.css'), 'w') as handle:
        handle.write(''.join('.c%d{margin:%dpx;padding:%dpx;color:#%06x}\n' % (i, i % 9, i % 7, i * 4099 % 0xFFFFFF)
                             for i in range(4000)))
    with open(os.path.join(heavy, 'app.js'), 'w') as handle:
        handle.write(script(700))
    for i in range(IMAGES):
        with open(os.path.join(heavy, 'img%d.bmp' % i), 'wb') as handle:
            handle.write(bmp(640, 480, 40 + i * 30))
    with open(os.path.join(light, 'index.html'), 'w') as handle:
        handle.write(PAGE % dict(head='<style>body{font-family:sans-serif}</style><script src="/app.js" defer></script>',
                                 body='<img src="/logo.bmp" alt="logo" width="32" height="32">'))
    with open(os.path.join(light, 'app.js'), 'w') as handle:
        handle.write(script(2))
    with open(os.path.join(light, 'logo.bmp'), 'wb') as handle:
        handle.write(bmp(32, 32, 90))


SERVERS = {
    'heavy': 'root %(root)s/heavy; gzip off;',
    'light': 'root %(root)s/light; gzip on; gzip_types text/css application/javascript;\n'
             '    location ~* \\.(js|css|bmp)$ { expires 30d; }',
}


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
