# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a browser experiences, measured by Lighthouse in headless Chromium, for ``web_perf_check``.

Each page is audited once (Lighthouse's performance category); every check of the catalogue
then reads its figure from that audit, so a page gives one record per check, named
``<check>:<page>``.  Pages are audited one after the other: on a small probe host two browsers
at once slow each other down and the figures would judge the probe, not the site.

Lighthouse is run as a command (Node.js), bounded in time, in a process group of its own that
is killed whole when the page's time is up, so no browser is left behind.  A page whose
document cannot be loaded is ``fail`` (the site is down); a browser or tool that fails is
``unknown`` with the reason, never ``pass``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import shutil
import signal
import tempfile
import time

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import (
    Catalogue,
    Check,
    Entries,
    Option,
    Runner,
)
from ansible_collections.golive.readiness.plugins.module_utils.host_tools import find_tool, run_tool
from ansible_collections.golive.readiness.plugins.module_utils.probes.http import redact_url, url_error
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    HIGHER_IS_WORSE,
    LOWER_IS_WORSE,
    Component,
    check_result,
    fmt_number,
    measured,
    unknown,
)

# The version the role installs and the tests run; other 12.x releases report the same audits.
LIGHTHOUSE_VERSION = '12.8.2'
# Where the readiness role installs Lighthouse when readiness_install_dependencies is on.
LIGHTHOUSE_DIR = '/opt/golive-readiness/lighthouse'
CHROMIUM_NAMES = ('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
# Chromium as root in a container, on a closed network: no sandbox, no background calls home
# (each refused connection costs time), no GPU.
CHROME_FLAGS = ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--disable-quic', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync')
# Lighthouse's runtime errors that mean the page itself could not be loaded: the site's fault.
PAGE_ERRORS = ('FAILED_DOCUMENT_REQUEST', 'ERRORED_DOCUMENT_REQUEST', 'DNS_FAILURE',
               'NOT_HTML', 'CHROME_INTERSTITIAL_ERROR', 'INSECURE_DOCUMENT_REQUEST')
MAX_TIMEOUT = 600.0
MAX_TOTAL_TIMEOUT = 3600.0
INSTALL_HINT = ('install Node.js, Chromium and Lighthouse %s on the probe host (Debian packages '
                'nodejs, npm, chromium; npm install lighthouse@%s), or let the readiness role do it '
                'with readiness_install_dependencies: true' % (LIGHTHOUSE_VERSION, LIGHTHOUSE_VERSION))


def _items(audit):
    """The rows of an audit's details table (resources, requests), or an empty list."""
    return ((audit or {}).get('details') or {}).get('items') or []


def _numeric(key, scale=1.0):
    """A reader of ``audits[key].numericValue`` (scaled)."""
    def read(lhr):
        audit = lhr['audits'].get(key)
        if audit is None or audit.get('numericValue') is None:
            return None, _audit_problem(key, audit)
        return round(audit['numericValue'] * scale, 3), None
    return read


def _count(key, keep=lambda item: True):
    """A reader of how many rows of ``audits[key]`` match ``keep``, with the first few URLs."""
    def read(lhr):
        audit = lhr['audits'].get(key)
        if audit is None or audit.get('scoreDisplayMode') == 'error':
            return None, _audit_problem(key, audit)
        rows = [item for item in _items(audit) if keep(item)]
        return len(rows), [redact_url(str(item.get('url', ''))) for item in rows[:3]]
    return read


def _score(lhr):
    """The performance score, 0 to 100."""
    score = (lhr.get('categories', {}).get('performance') or {}).get('score')
    if score is None:
        return None, 'Lighthouse gave no performance score (a metric could not be measured)'
    return round(score * 100, 1), None


def _audit_problem(key, audit):
    """Why an audit gave no figure."""
    if audit is None:
        return 'Lighthouse ran no %s audit' % key
    return 'Lighthouse could not measure %s: %s' % (key, audit.get('errorMessage') or 'no value')


def _uncached(item):
    """A static resource served without a cache lifetime."""
    return not item.get('cacheLifetimeMs')


# name: (reader, subject, remediation); the reader returns (value, problem or example URLs).
FIGURES = dict(
    performance=(_score, 'performance score',
                 'Work through the opportunities in the Lighthouse report, largest first.'),
    lcp=(_numeric('largest-contentful-paint'), 'Largest Contentful Paint',
         'Serve the largest element sooner: a faster server, fewer render-blocking resources, '
         'smaller images.'),
    tbt=(_numeric('total-blocking-time'), 'Total Blocking Time',
         'Split or defer long JavaScript tasks; load less script before the page is usable.'),
    cls=(_numeric('cumulative-layout-shift'), 'Cumulative Layout Shift',
         'Give images and embeds their size; do not insert content above what is shown.'),
    ttfb=(_numeric('server-response-time'), 'time to first byte',
          'Make the server answer the document sooner (caching, fewer back-end calls).'),
    page_weight=(_numeric('total-byte-weight', 1 / 1024.0), 'page weight',
                 'Send fewer and smaller resources: compress, minify, resize images.'),
    requests=(_count('network-requests'), 'requests for the page',
              'Bundle or drop resources; each request costs a round trip.'),
    uncompressed=(_count('uses-text-compression'), 'uncompressed text resources',
                  'Turn on gzip or brotli for text types (gzip on; gzip_types in nginx).'),
    cache_lifetime=(_count('uses-long-cache-ttl', _uncached), 'static resources without cache lifetime',
                    'Send Cache-Control: max-age (or expires) on static resources.'),
    render_blocking=(_count('render-blocking-resources'), 'render-blocking resources',
                     'Inline critical CSS, defer or async scripts in the head.'),
)


def _probe(name):
    """The probe of check ``name``: one record per audited page."""
    def probe(context, own):
        return [page_record(name, page, audit, own) for page, audit in context]
    return probe


def _check(name, unit, warn, fail, direction=HIGHER_IS_WORSE):
    return Check(name, _probe(name), unit=unit, warn=warn, fail=fail, direction=direction)


# Limits: the readiness guide has none for the browser side; Lighthouse's bands (good /
# needs improvement / poor, Core Web Vitals thresholds) give them.  Counts are this project's.
CHECKS = [
    _check('performance', 'score', 89, 50, LOWER_IS_WORSE),
    _check('lcp', 'ms', 2500, 4000),
    _check('tbt', 'ms', 200, 600),
    _check('cls', 'ratio', 0.1, 0.25),
    _check('ttfb', 'ms', 800, 1800),
    _check('page_weight', 'KiB', 1600, 4000),
    _check('requests', 'count', 50, 100),
    _check('uncompressed', 'count', 1, 3),
    _check('cache_lifetime', 'count', 1, 10),
    _check('render_blocking', 'count', 1, 3),
]
PAGES = Entries(dict(
    name=Option('str'),
    url=Option('str', required=True),
))
CATALOGUE = Catalogue('web_perf', options=dict(
    pages=PAGES,
    lighthouse=Option('path'),
    chromium=Option('path'),
    form_factor=Option('str', 'desktop', choices=['desktop', 'mobile']),
    throttling=Option('str', 'simulate', choices=['simulate', 'devtools', 'provided']),
    timeout=Option('float', 90, low=0, high=MAX_TIMEOUT, low_open=True),
    total_timeout=Option('float', 300, low=0, high=MAX_TOTAL_TIMEOUT, low_open=True),
    report_dir=Option('path'),
), checks=CHECKS)


def page_name(page):
    """A page's stable name: its ``name``, else its URL without credentials."""
    return page.get('name') or redact_url(page['url'])


def input_errors(params, opts):
    """Problems the catalogue cannot see: URLs, unique names, paths that must exist."""
    pages = params.get('pages') or []
    errors = [] if pages else ['pages: give at least one page']
    seen = {}
    for index, page in enumerate(PAGES.merged(pages, opts)):
        error = url_error('pages[%d].url' % index, page.get('url') or '')
        if error:
            errors.append(error)
        name = page_name(page)
        if name in seen:
            errors.append('pages[%d].name: %r is also the name of pages[%d]; give each page a '
                          'unique name' % (index, name, seen[name]))
        seen.setdefault(name, index)
    for key in ('lighthouse', 'chromium'):
        if params.get(key) and not os.path.isfile(params[key]):
            errors.append('%s: %s does not exist' % (key, params[key]))
    if params['timeout'] > params['total_timeout']:
        errors.append('timeout: %s s per page is more than total_timeout (%s s)'
                      % (fmt_number(params['timeout']), fmt_number(params['total_timeout'])))
    return errors


def find_tools(params):
    """``(lighthouse argv prefix, chromium path, problem)``; a missing tool is the problem."""
    node = find_tool('node') or find_tool('nodejs')
    lighthouse = params.get('lighthouse') or find_tool('lighthouse', (os.path.join(LIGHTHOUSE_DIR, 'node_modules', '.bin'),))
    chromium = params.get('chromium') or next(
        (path for path in (find_tool(name) for name in CHROMIUM_NAMES) if path), None)
    missing = [what for what, found in (('Node.js', node), ('Lighthouse', lighthouse),
                                        ('Chromium', chromium)) if not found]
    if missing:
        return None, None, '%s not found on the probe host' % ' and '.join(missing)
    return [node, os.path.realpath(lighthouse)], chromium, None


def slug(name):
    """A file name for a page's report."""
    return re.sub(r'[^A-Za-z0-9._-]+', '_', name).strip('._') or 'page'


def lighthouse_argv(prefix, page, params, output_base):
    """The Lighthouse command line for one page."""
    argv = prefix + [page['url'], '--quiet', '--only-categories=performance',
                     '--output=json', '--output=html', '--output-path=%s' % output_base,
                     '--throttling-method=%s' % params['throttling'],
                     '--max-wait-for-load=%d' % int(params['timeout'] * 800),
                     '--chrome-flags=%s' % ' '.join(CHROME_FLAGS)]
    if params['form_factor'] == 'desktop':
        argv.append('--preset=desktop')
    return argv


def audit_page(page, params, prefix, chromium, workdir, timeout, run=run_tool):
    """Audit one page: ``{'lhr': report}`` or ``{'status': fail|unknown, 'message': why}``."""
    base = os.path.join(workdir, slug(page_name(page)))
    env = dict(os.environ, CHROME_PATH=chromium, TMPDIR=workdir, HOME=workdir)
    started = time.monotonic()
    try:
        rc, _out, err = run(lighthouse_argv(prefix, page, params, base), timeout, env=env, group=True)
    finally:
        # chrome-launcher starts Chromium detached, in a process group of its own, so killing
        # Lighthouse's group leaves it running; its profile lies in workdir, which finds it.
        kill_processes_using(workdir)
    elapsed_ms = (time.monotonic() - started) * 1000.0
    if rc is None:
        return dict(status='unknown', message='Lighthouse could not start: %s' % err, ms=elapsed_ms)
    if rc == -1:
        return dict(status='unknown', ms=elapsed_ms,
                    message='Lighthouse did not finish within %ss (page timeout); the browser was stopped'
                    % fmt_number(timeout))
    try:
        with open(base + '.report.json') as handle:
            lhr = json.load(handle)
    except (OSError, ValueError):
        lines = [line for line in err.splitlines() if line.strip()]
        return dict(status='unknown', ms=elapsed_ms,
                    message='Lighthouse failed (exit %s): %s' % (rc, lines[-1][:300] if lines else 'no output'))
    problem = lhr.get('runtimeError')
    if problem:
        status = FAIL if problem.get('code') in PAGE_ERRORS else 'unknown'
        return dict(status=status, ms=elapsed_ms,
                    message='%s: %s' % (problem.get('code'), (problem.get('message') or '')[:300]))
    return dict(lhr=lhr, ms=elapsed_ms, html=base + '.report.html')


def kill_processes_using(path, proc='/proc'):
    """Kill every process whose command line mentions ``path``; how many were killed."""
    killed = 0
    for pid in os.listdir(proc):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(os.path.join(proc, pid, 'cmdline'), 'rb') as handle:
                cmdline = handle.read().decode('utf-8', 'replace')
            if path in cmdline:
                os.kill(int(pid), signal.SIGKILL)
                killed += 1
        except (OSError, ValueError):
            continue  # gone meanwhile, or not ours to read
    return killed


def page_record(name, page, audit, own):
    """The record of check ``name`` (settings ``own``) for one page's audit."""
    check_name = '%s:%s' % (name, page)
    check = CATALOGUE.by_name[name]
    limits = dict(unit=check.unit, warn=own.get('warn'), fail=own.get('fail'))
    if 'lhr' not in audit:
        return check_result(check_name, audit['status'], message='%s: %s' % (page, audit['message']),
                            remediation=(INSTALL_HINT if audit['status'] == 'unknown' and 'not found' in audit['message']
                                         else 'Make the page load, then audit again.'),
                            duration_ms=audit.get('ms'), **limits)
    reader, subject, remediation = FIGURES[name]
    value, extra = reader(audit['lhr'])
    if value is None:
        return unknown(check_name, '%s: %s' % (page, extra), duration_ms=0, **limits)
    # Named relative to the report directory's parent (the fleet report's directory when the
    # role keeps them there), so every report format points at the file.
    kept = audit.get('kept') if name == 'performance' else None
    relative = os.path.join(os.path.basename(os.path.dirname(kept)), os.path.basename(kept)) if kept else None
    # The audit's time goes on one record, so the component's durations add up to it.
    record = measured(check_name, value, check.unit, own.get('warn'), own.get('fail'), check.direction,
                      subject='%s %s' % (page, subject), remediation=remediation,
                      duration_ms=audit['ms'] if name == 'performance' else 0,
                      details=dict(report=audit.get('kept')) if audit.get('kept') else None,
                      links=[dict(title='Lighthouse report: %s' % page, href=relative)] if relative else None)
    if extra and record['status'] != 'pass':
        record['message'] += '; e.g. %s' % ', '.join(extra)
    if relative:
        record['message'] += '; Lighthouse report: %s' % relative
    return record


def keep_report(audit, report_dir, page):
    """Copy a page's Lighthouse HTML report into ``report_dir``; its path, or None."""
    if not report_dir or not os.path.isfile(audit.get('html') or ''):
        return None
    os.makedirs(report_dir, exist_ok=True)
    target = os.path.join(report_dir, '%s.lighthouse.html' % slug(page))
    shutil.copyfile(audit['html'], target + '.tmp')
    os.replace(target + '.tmp', target)
    return target


def measure(params, opts, run=run_tool, clock=time.monotonic):
    """The ``readiness`` result of every page's audit."""
    report = Component('web_perf')
    pages = PAGES.merged(params.get('pages'), opts)
    if not any(opts[check.name].get('enabled', True) for check in CHECKS):
        return CATALOGUE.run(report, [], opts).result()
    prefix, chromium, missing = find_tools(params)
    context = []
    if missing:
        failure = dict(status='unknown', message=missing)
        context = [(page_name(page), failure) for page in pages]
        return CATALOGUE.run(report, context, opts).result()
    deadline = clock() + params['total_timeout']
    workdir = tempfile.mkdtemp(prefix='golive-web-perf-')
    try:
        for page in pages:
            name = page_name(page)
            left = deadline - clock()
            if left <= 1:
                context.append((name, dict(status='unknown', message='not audited: total_timeout (%ss) reached'
                                           % fmt_number(params['total_timeout']))))
                continue
            audit = audit_page(page, params, prefix, chromium, workdir, min(params['timeout'], left), run)
            if 'lhr' in audit:
                audit['kept'] = keep_report(audit, params.get('report_dir'), name)
            context.append((name, audit))
        return CATALOGUE.run(report, context, opts).result()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def runner():
    """How the component is measured by its module. Needs no Python library; Node.js,
    Lighthouse and Chromium missing are results (unknown), not module failures."""
    return Runner(CATALOGUE, measure, input_errors)
