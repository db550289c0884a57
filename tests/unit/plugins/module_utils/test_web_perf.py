"""web_perf's reading of a Lighthouse report and its input checks (the audits run in tests/e2e)."""

from ansible_collections.golive.readiness.plugins.module_utils.probes import web_perf as w

from catalogue_params import all_errors, check_opts


def lhr(**audits):
    base = {'largest-contentful-paint': {'numericValue': 2600.4}, 'total-blocking-time': {'numericValue': 10},
            'cumulative-layout-shift': {'numericValue': 0.3}, 'server-response-time': {'numericValue': 5},
            'total-byte-weight': {'numericValue': 2048 * 1024}, 'network-requests': {'details': {'items': [{}] * 3}},
            'uses-text-compression': {'details': {'items': []}},
            'uses-long-cache-ttl': {'details': {'items': [{'url': 'http://u:p@h/a.js', 'cacheLifetimeMs': 0},
                                                          {'url': 'http://h/b.js', 'cacheLifetimeMs': 60000}]}},
            'render-blocking-resources': {'scoreDisplayMode': 'error', 'errorMessage': 'trace missing'}}
    base.update(audits)
    return {'categories': {'performance': {'score': 0.42}}, 'audits': base}


def records(report, name='home'):
    return dict((check, w.page_record(check, name, dict(lhr=report, ms=1200.0), check_opts(w.CATALOGUE, check)))
                for check in w.FIGURES)


def test_each_figure_is_read_and_judged():
    out = records(lhr())
    assert (out['performance']['value'], out['performance']['status']) == (42, 'fail')
    assert (out['lcp']['value'], out['lcp']['status']) == (2600.4, 'warn')
    assert out['cls']['status'] == 'fail'
    assert out['page_weight']['value'] == 2048 and out['page_weight']['status'] == 'warn'
    assert out['requests']['value'] == 3
    # Only resources without any cache lifetime count; URLs are shown without credentials.
    assert out['cache_lifetime']['value'] == 1 and 'http://h/a.js' in out['cache_lifetime']['message']
    assert 'u:p' not in out['cache_lifetime']['message']
    # An audit Lighthouse could not run is unknown with its reason, never pass.
    assert out['render_blocking']['status'] == 'unknown'
    assert 'trace missing' in out['render_blocking']['message']
    assert out['performance']['duration_ms'] == 1200.0 and out['lcp']['duration_ms'] == 0


def test_a_page_that_did_not_load_fails_every_check_and_a_broken_tool_is_unknown():
    lcp = check_opts(w.CATALOGUE, 'lcp')
    down = w.page_record('lcp', 'home', dict(status='fail', message='FAILED_DOCUMENT_REQUEST: refused'), lcp)
    assert down['status'] == 'fail' and down['message'] == 'home: FAILED_DOCUMENT_REQUEST: refused'
    missing = w.page_record('lcp', 'home', dict(status='unknown', message='Lighthouse not found on the probe host'),
                            lcp)
    assert missing['status'] == 'unknown' and 'readiness_install_dependencies' in missing['remediation']


def test_input_errors_name_the_option():
    errors = all_errors(w.CATALOGUE, w.input_errors, pages=[dict(url='ftp://x/'), dict(url='http://a/', name='b')],
                        timeout=120, total_timeout=60, performance=dict(warn=120))
    assert "pages[0].url: 'ftp://x/': it is not an http:// or https:// URL with a host" in errors
    assert 'timeout: 120 s per page is more than total_timeout (60 s)' in errors
    assert 'performance.warn: 120 is out of range 0 to 100' in errors
    assert not any(e.startswith('pages[1]') for e in errors)
    assert all_errors(w.CATALOGUE, w.input_errors) == ['pages: give at least one page']
    dup = all_errors(w.CATALOGUE, w.input_errors, pages=[dict(url='http://a/'), dict(url='http://b/', name='http://a/')])
    assert dup == ["pages[1].name: 'http://a/' is also the name of pages[0]; give each page a unique name"]
