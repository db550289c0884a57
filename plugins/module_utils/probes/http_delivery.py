# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How a page is delivered, without a browser: the cheap part of web performance for ``http_check``.

For an endpoint with ``delivery.enabled``, the page is fetched once as a browser would ask for
it (offering gzip), the resources its HTML references (scripts, style sheets, images, icons)
are fetched too, bounded in number and time, and five figures are judged:

* ``compression:<name>``: text resources over 1400 bytes sent without ``Content-Encoding``;
* ``cache_lifetime:<name>``: static resources with no cache lifetime (no ``max-age`` / ``Expires``);
* ``redirects:<name>``: redirects before the page answered;
* ``http2:<name>``: whether a TLS endpoint offers HTTP/2 (ALPN); not applicable to plain HTTP;
* ``page_weight:<name>``: bytes on the wire of the page and the resources fetched, in KiB.

Lighthouse (``web_perf_check``) measures what a browser experiences; these figures need only
``requests`` and cost a few requests per endpoint.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import socket
import ssl
import time
import zlib

from ansible_collections.golive.readiness.plugins.module_utils.catalogue import Check, Option, Settings
from ansible_collections.golive.readiness.plugins.module_utils.readiness import (
    FAIL,
    PASS,
    WARN,
    check_result,
    measured,
    skipped,
)

try:
    from html.parser import HTMLParser
    from urllib.parse import urljoin, urlsplit
except ImportError:  # pragma: no cover
    from HTMLParser import HTMLParser  # noqa
    from urlparse import urljoin, urlsplit  # noqa

# Below this size compression gains less than it costs (Lighthouse's threshold too).
COMPRESS_MIN_BYTES = 1400
TEXT_TYPES = re.compile(r'^(text/|application/(javascript|json|xml|x-javascript|ld\+json|manifest\+json)|image/svg\+xml)')
MAX_RESOURCE_BYTES = 16 * 1048576
CHUNK = 65536

COMPRESSION = Check('compression', unit='count', warn=1, fail=3, switch=False)
CACHE_LIFETIME = Check('cache_lifetime', unit='count', warn=1, fail=10, switch=False)
REDIRECTS = Check('redirects', unit='count', warn=2, fail=4, switch=False)
PAGE_WEIGHT = Check('page_weight', unit='KiB', warn=1600, fail=4000, switch=False)
CHECKS = [COMPRESSION, CACHE_LIFETIME, REDIRECTS, PAGE_WEIGHT]
DELIVERY = Settings(dict(
    enabled=Option('bool', False),
    resources=Option('int', 25, low=0, high=100),
    http2=Option('bool', True),
), limits=dict((check.name, check) for check in CHECKS))


class _References(HTMLParser):
    """The resources an HTML page makes a browser fetch, in document order, once each."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = None
        if tag in ('script', 'img', 'source', 'iframe', 'video', 'audio') and attrs.get('src'):
            url = attrs['src']
        elif tag == 'link' and attrs.get('href'):
            rel = (attrs.get('rel') or '').lower().split()
            if set(rel) & {'stylesheet', 'icon', 'preload', 'modulepreload', 'manifest'}:
                url = attrs['href']
        if url and not url.startswith(('data:', 'javascript:', '#')) and url not in self.urls:
            self.urls.append(url)


def references(html, base_url):
    """Absolute http(s) URLs of the resources ``html`` references."""
    parser = _References()
    try:
        parser.feed(html)
    except Exception:  # pylint: disable=broad-except
        pass  # a broken page still yields what was parsed before the break
    out = []
    for url in parser.urls:
        absolute = urljoin(base_url, url)
        if urlsplit(absolute).scheme in ('http', 'https') and absolute not in out:
            out.append(absolute)
    return out


def cache_lifetime_s(headers):
    """Seconds the response may be cached, from Cache-Control or Expires; 0 when none."""
    control = (headers.get('Cache-Control') or '').lower()
    if 'no-store' in control or 'no-cache' in control:
        return 0
    match = re.search(r'(?:s-)?max-age\s*=\s*(\d+)', control)
    if match:
        return int(match.group(1))
    if headers.get('Expires'):
        from email.utils import parsedate_tz, mktime_tz
        parsed = parsedate_tz(headers['Expires'])
        if parsed:
            return max(0, int(mktime_tz(parsed) - time.time()))
    return 0


def fetch(session, url, kwargs, deadline, clock=time.monotonic):
    """GET ``url`` offering gzip; ``(response, wire bytes, body)`` with the body as sent."""
    timeout = max(0.1, min(kwargs['timeout'][1], deadline - clock()))
    headers = dict(kwargs.get('headers') or {}, **{'Accept-Encoding': 'gzip, deflate'})
    response = session.get(url, headers=headers, timeout=(timeout, timeout), stream=True,
                           verify=kwargs.get('verify', True), cert=kwargs.get('cert'))
    try:
        parts, size = [], 0
        while size < MAX_RESOURCE_BYTES:
            chunk = response.raw.read(CHUNK, decode_content=False)
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
            if clock() > deadline:
                break
        return response, size, b''.join(parts)
    finally:
        response.close()


def decoded(response, body):
    """The body as text, undoing gzip / deflate."""
    encoding = (response.headers.get('Content-Encoding') or '').lower()
    try:
        if encoding == 'gzip':
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif encoding == 'deflate':
            body = zlib.decompress(body)
    except zlib.error:
        return ''
    return body.decode(response.encoding or 'utf-8', 'replace')


def offers_http2(url, kwargs, timeout):
    """The protocol a TLS endpoint chooses when offered HTTP/2 and HTTP/1.1, or None."""
    parts = urlsplit(url)
    verify = kwargs.get('verify', True)
    context = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(['h2', 'http/1.1'])
    with socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as sock:
        with context.wrap_socket(sock, server_hostname=parts.hostname) as tls:
            return tls.selected_alpn_protocol()


def _uncompressed(resource):
    response, size = resource['response'], resource['bytes']
    kind = (response.headers.get('Content-Type') or '').split(';')[0].strip().lower()
    return (TEXT_TYPES.match(kind) is not None and size > COMPRESS_MIN_BYTES
            and not response.headers.get('Content-Encoding'))


def delivery_records(requests, ep, label, kwargs, deadline, clock=time.monotonic):
    """The delivery records of one endpoint (see the module docstring)."""
    settings = ep['delivery']
    names = ['%s:%s' % (check.name, label) for check in CHECKS] + ['http2:%s' % label]
    with requests.Session() as session:
        try:
            page, page_bytes, body = fetch(session, ep['url'], kwargs, deadline, clock)
        except Exception as exc:  # pylint: disable=broad-except
            why = 'the page could not be fetched: %s' % type(exc).__name__
            return [check_result(name, FAIL, message='%s: %s' % (label, why),
                                 remediation='See response_time:%s for the reason.' % label) for name in names]
        resources = [dict(url=page.url, response=page, bytes=page_bytes, page=True)]
        urls = references(decoded(page, body), page.url) if 'html' in (page.headers.get('Content-Type') or '') else []
        skipped_urls = max(0, len(urls) - settings['resources'])
        for url in urls[:settings['resources']]:
            if clock() >= deadline:
                skipped_urls += 1
                continue
            try:
                response, size, _body = fetch(session, url, kwargs, deadline, clock)
            except Exception:  # pylint: disable=broad-except
                skipped_urls += 1
                continue
            resources.append(dict(url=url, response=response, bytes=size, page=False))
    note = '; %d referenced resources not fetched (bound: delivery.resources, total_timeout)' % skipped_urls \
        if skipped_urls else ''
    return [
        _count_record(COMPRESSION, settings, label, [r for r in resources if _uncompressed(r)],
                      'text resources sent uncompressed', note,
                      'Turn on gzip or brotli for text types (nginx: gzip on; gzip_types ...).'),
        _count_record(CACHE_LIFETIME, settings, label,
                      [r for r in resources if not r['page'] and not cache_lifetime_s(r['response'].headers)],
                      'static resources without a cache lifetime', note,
                      'Send Cache-Control: max-age on static resources (nginx: expires 30d).'),
        measured('redirects:%s' % label, len(page.history), 'count', settings['redirects']['warn'],
                 settings['redirects']['fail'], subject='redirects before %s answered' % label,
                 remediation='Link to the final URL; each redirect costs a round trip.'),
        http2_record(ep, label, kwargs, settings, deadline, clock),
        measured('page_weight:%s' % label, round(sum(r['bytes'] for r in resources) / 1024.0, 1), 'KiB',
                 settings['page_weight']['warn'], settings['page_weight']['fail'],
                 subject='page weight of %s (%d resources)%s' % (label, len(resources), note),
                 remediation='Send fewer and smaller resources: compress, minify, resize images.'),
    ]


def _count_record(check, settings, label, offenders, words, note, remediation):
    limits = settings[check.name]
    record = measured('%s:%s' % (check.name, label), len(offenders), 'count', limits['warn'], limits['fail'],
                      subject='%s of %s%s' % (words, label, note), remediation=remediation)
    if offenders:
        record['message'] += '; e.g. %s' % ', '.join(_path(r['url']) for r in offenders[:3])
    return record


def _path(url):
    parts = urlsplit(url)
    return parts.path or '/'


def http2_record(ep, label, kwargs, settings, deadline, clock=time.monotonic):
    """``http2:<name>``: pass when a TLS endpoint chooses HTTP/2, warn when it does not."""
    name = 'http2:%s' % label
    if not settings['http2']:
        return skipped(name, 'delivery.http2 is switched off')
    if urlsplit(ep['url']).scheme != 'https':
        return skipped(name, '%s is plain HTTP: HTTP/2 is judged on TLS endpoints' % label)
    try:
        chosen = offers_http2(ep['url'], kwargs, max(0.1, min(kwargs['timeout'][0], deadline - clock())))
    except (OSError, ssl.SSLError) as exc:
        return check_result(name, FAIL, message='%s: TLS connection failed (%s)' % (label, exc.__class__.__name__),
                            remediation='See response_time:%s for the reason.' % label)
    if chosen == 'h2':
        return check_result(name, PASS, message='%s offers HTTP/2' % label)
    return check_result(name, WARN, message='%s does not offer HTTP/2 (ALPN chose %s)'
                        % (label, chosen or 'nothing'),
                        remediation='Turn on HTTP/2 (nginx: listen 443 ssl; http2 on;): one connection '
                                    'carries every resource.')
