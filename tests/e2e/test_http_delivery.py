"""http_check's delivery checks (no browser) against a real nginx on loopback.

The same heavy and optimised shop pages as the Lighthouse tests (shop_pages.py), plus the
optimised page over TLS with HTTP/2 and over TLS without it, and a chain of two redirects.
"""

import subprocess

import pytest

from conftest import checks_by_name, run_module
from loopback_nginx import loopback_nginx
from shop_pages import IMAGES, SERVERS, write_sites


@pytest.fixture(scope='module')
def sites(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('delivery'))
    write_sites(root)
    cert, key = '%s/cert.pem' % root, '%s/key.pem' % root
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                    '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '2',
                    '-keyout', key, '-out', cert], check=True, capture_output=True)
    tls = 'ssl_certificate %s; ssl_certificate_key %s; ' % (cert, key)
    servers = dict((name, directives % dict(root=root)) for name, directives in SERVERS.items())
    light = servers['light']
    servers['light'] += '\n    location = /old { return 301 /mid; }\n    location = /mid { return 302 /; }'
    servers['h2'] = 'ssl_protocols TLSv1.2 TLSv1.3; ' + tls + light
    servers['h1'] = tls + light
    with loopback_nginx(root, servers, listen_options={'h2': 'ssl http2', 'h1': 'ssl'}) as urls:
        yield dict(urls, cert=cert)


def delivery(name, url, **extra):
    return dict(name=name, url=url, delivery=dict(enabled=True, **extra))


def test_heavy_page_is_flagged_and_optimised_page_passes(sites):
    result = run_module('http_check', dict(endpoints=[
        delivery('heavy', sites['heavy']), delivery('light', sites['light']),
        delivery('moved', sites['light'] + 'old'),
        dict(delivery('h2', sites['h2'], resources=0), ca_path=sites['cert']),
        dict(delivery('h1', sites['h1'], resources=0), ca_path=sites['cert'])]), timeout=180)
    checks = checks_by_name(result)
    assert checks['compression:heavy']['status'] == 'warn' and checks['compression:heavy']['value'] == 2
    assert '/app.js' in checks['compression:heavy']['message']
    assert checks['cache_lifetime:heavy']['value'] == IMAGES + 2 and checks['cache_lifetime:heavy']['status'] == 'warn'
    assert checks['page_weight:heavy']['value'] > 4000 and checks['page_weight:heavy']['status'] == 'fail'
    assert checks['http2:heavy']['status'] == 'skip'
    for name in ('compression', 'cache_lifetime', 'redirects', 'page_weight'):
        assert checks['%s:light' % name]['status'] == 'pass', checks['%s:light' % name]['message']
    assert checks['page_weight:light']['value'] < 20
    # Two redirects before the page answered: the warn limit (2) is reached.
    assert checks['redirects:moved']['value'] == 2 and checks['redirects:moved']['status'] == 'warn'
    assert checks['http2:h2']['status'] == 'pass'
    assert checks['http2:h1']['status'] == 'warn' and 'http/1.1' in checks['http2:h1']['message']


def test_limits_per_endpoint_and_bounds(sites):
    result = run_module('http_check', dict(page_weight=dict(warn=1, fail=2), endpoints=[
        delivery('few', sites['heavy'], resources=1, page_weight=dict(warn=100000, fail=200000)),
        delivery('default', sites['light'])]))
    checks = checks_by_name(result)
    assert checks['page_weight:few']['status'] == 'pass'
    assert 'referenced resources not fetched' in checks['page_weight:few']['message']
    assert checks['page_weight:default']['status'] == 'fail'
    bad = run_module('http_check', dict(endpoints=[delivery('x', sites['light'], resources=500,
                                                            redirects=dict(warn=5, fail=1))]))
    assert bad.get('failed')
    assert 'endpoints[0].delivery.resources: 500 is out of range 0 to 100' in bad['msg']
