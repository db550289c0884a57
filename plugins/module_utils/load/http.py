# -*- coding: utf-8 -*-
# Copyright: (c) 2026, golive.readiness contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP/1.1 on the wire for ``load_test``: the request bytes and minimal response parsing.

The load loop sends the same pre-serialised request over and over and only
needs to know, from each response, its status code and where it ends
(``Content-Length``, ``Transfer-Encoding: chunked`` or the connection closing)
and whether the server closes the connection.  Nothing else is parsed, and
nothing of a response body is kept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from urllib.parse import urlencode, urlsplit
except ImportError:  # pragma: no cover
    from urllib import urlencode  # noqa
    from urlparse import urlsplit  # noqa

USER_AGENT = 'golive-readiness-load/1'
MAX_HEAD_BYTES = 65536

# Response ``framing`` values returned by parse_head.
LENGTH = 'length'
CHUNKED = 'chunked'
UNTIL_CLOSE = 'close'


class ProtocolError(Exception):
    """The server's answer is not HTTP/1.x the parser understands."""


def split_url(url):
    """Return ``(scheme, host, port, target)`` of an http(s) URL; ValueError if it is not one.

    ``target`` is the path with its query, as sent in the request line.
    """
    parts = urlsplit(url)
    scheme = (parts.scheme or '').lower()
    host = parts.hostname
    if scheme not in ('http', 'https') or not host:
        raise ValueError('not an http:// or https:// URL with a host')
    port = parts.port or (443 if scheme == 'https' else 80)
    target = parts.path or '/'
    if parts.query:
        target += '?' + parts.query
    return scheme, host, port, target


def host_header(scheme, host, port):
    """The ``Host`` header value: the port only when it is not the scheme's default."""
    name = '[%s]' % host if ':' in host else host
    if (scheme, port) in (('http', 80), ('https', 443)):
        return name
    return '%s:%d' % (name, port)


def request_errors(prefix, request, methods):
    """Every problem with a request's method, expected codes, body and headers.

    ``request`` has ``method``, ``status_codes`` (None: not given), ``body``,
    ``secret_body``, ``body_format``, ``headers`` and ``secret_headers``; each
    error names its option after ``prefix`` (``''`` or ``'transaction[1].'``).
    A secret header is never named.
    """
    errors = []
    method = request['method']
    if method not in methods:
        errors.append('%smethod: %s is not one of %s' % (prefix, method, ', '.join(methods)))
    codes = request['status_codes']
    if codes is not None and not codes:
        errors.append('%sstatus_codes: give at least one status code' % prefix)
    for code in codes or ():
        if not isinstance(code, int) or not 100 <= code <= 599:
            errors.append('%sstatus_codes: %s is not an HTTP status code (100-599)' % (prefix, code))
    if request['body'] is not None and request['secret_body'] is not None:
        errors.append('%sbody and secret_body are mutually exclusive' % prefix)
    body = request['body'] if request['body'] is not None else request['secret_body']
    if body is not None and request['body_format'] == 'form' and not isinstance(body, dict):
        errors.append('%sbody_format: form needs the body as a dict of fields' % prefix)
    if body is not None and method in ('GET', 'HEAD'):
        errors.append('%smethod: %s requests carry no body; use POST, PUT or PATCH' % (prefix, method))
    for option in ('headers', 'secret_headers'):
        given = request[option]
        if given is not None and not isinstance(given, dict):
            errors.append('%s%s: give a dict of header names and values' % (prefix, option))
            continue
        for key, value in (given or {}).items():
            if not key or any(c in key for c in ':\r\n ') or any(c in str(value) for c in '\r\n'):
                errors.append('%s%s: header %r: a name must be non-empty without colons or '
                              'spaces, and neither names nor values may contain line breaks'
                              % (prefix, option, key if option == 'headers' else '<secret header>'))
    return errors


def encode_body(body, body_format):
    """Return ``(bytes, content type)`` for a body given as JSON, form fields or raw text."""
    if body is None:
        return None, None
    if body_format == 'form':
        return urlencode(body, doseq=True).encode('utf-8'), 'application/x-www-form-urlencoded'
    if body_format == 'raw':
        if isinstance(body, bytes):
            return body, None
        return (body if isinstance(body, str) else str(body)).encode('utf-8'), None
    return json.dumps(body, separators=(',', ':')).encode('utf-8'), 'application/json'


def build_request(method, url, headers=None, body=None, body_format='json', keepalive=True):
    """The complete request as bytes, built once and sent for every request.

    Caller headers override the defaults (case-insensitively); ``Content-Length``
    and ``Connection`` are always the module's own.
    """
    scheme, host, port, target = split_url(url)
    payload, content_type = encode_body(body, body_format)
    fields = [('Host', host_header(scheme, host, port)), ('User-Agent', USER_AGENT),
              ('Accept', '*/*')]
    if content_type:
        fields.append(('Content-Type', content_type))
    for name, value in (headers or {}).items():
        lowered = name.lower()
        if lowered in ('content-length', 'connection', 'transfer-encoding'):
            continue
        fields = [(n, v) for n, v in fields if n.lower() != lowered]
        fields.append((name, '' if value is None else str(value)))
    fields.append(('Connection', 'keep-alive' if keepalive else 'close'))
    if payload is not None:
        fields.append(('Content-Length', str(len(payload))))
    for name, value in fields:
        if any(c in name + value for c in '\r\n') or not name:
            raise ValueError('header %r: names and values must not contain line breaks' % name)
    head = '%s %s HTTP/1.1\r\n%s\r\n\r\n' % (
        method, target, '\r\n'.join('%s: %s' % field for field in fields))
    return head.encode('latin-1') + (payload or b'')


def parse_head(buf, end, head_request=False):
    """Parse the status line and headers in ``buf[:end]`` (``end`` is where ``\\r\\n\\r\\n`` starts).

    Returns ``(status, framing, length, close)``: framing is LENGTH (with the
    body length), CHUNKED or UNTIL_CLOSE; ``close`` is True when the server
    will close the connection after this response.
    """
    if buf[:5] != b'HTTP/' or len(buf) < 12 or buf[8:9] != b' ':
        raise ProtocolError('the answer does not start with an HTTP/1.x status line')
    try:
        status = int(buf[9:12])
    except ValueError:
        raise ProtocolError('the status line has no 3-digit status code')
    head = buf[:end].lower()
    close = buf[5:8] == b'1.0'
    pos = head.find(b'\r\nconnection:')
    if pos >= 0:
        stop = head.find(b'\r\n', pos + 13)
        value = head[pos + 13:stop if stop >= 0 else end]
        if b'close' in value:
            close = True
        elif b'keep-alive' in value:
            close = False
    if head_request or 100 <= status < 200 or status in (204, 304):
        return status, LENGTH, 0, close
    if head.find(b'\r\ntransfer-encoding:') >= 0:
        pos = head.find(b'\r\ntransfer-encoding:')
        stop = head.find(b'\r\n', pos + 20)
        if b'chunked' in head[pos + 20:stop if stop >= 0 else end]:
            return status, CHUNKED, None, close
    pos = head.find(b'\r\ncontent-length:')
    if pos >= 0:
        stop = head.find(b'\r\n', pos + 17)
        try:
            length = int(head[pos + 17:stop if stop >= 0 else end].strip())
        except ValueError:
            raise ProtocolError('the Content-Length header is not a number')
        if length < 0:
            raise ProtocolError('the Content-Length header is negative')
        return status, LENGTH, length, close
    return status, UNTIL_CLOSE, None, True


def chunked_end(buf, pos=0):
    """Where a chunked body starting at ``buf[pos]`` ends (after its trailers), or -1 if incomplete.

    Raises ProtocolError for a chunk size that is not hexadecimal.
    """
    size_buf = len(buf)
    while True:
        eol = buf.find(b'\r\n', pos)
        if eol < 0:
            return -1
        line = buf[pos:eol].split(b';', 1)[0].strip()
        try:
            size = int(line, 16)
        except ValueError:
            raise ProtocolError('a chunk size is not hexadecimal')
        pos = eol + 2
        if size == 0:
            # Trailers: lines until an empty one.
            while True:
                eol = buf.find(b'\r\n', pos)
                if eol < 0:
                    return -1
                if eol == pos:
                    return pos + 2
                pos = eol + 2
        pos += size + 2
        if pos > size_buf:
            return -1


def set_cookies(head, jar):
    """Apply the ``Set-Cookie`` headers of a response head (bytes) to ``jar`` ({name: value}).

    A browser-like minimum for a transaction on one origin: ``name=value`` is kept,
    ``Max-Age=0`` (or negative) removes it; Path, Domain, Expires and Secure are not
    looked at.  Returns the jar.
    """
    for line in head.split(b'\r\n')[1:]:
        if line[:11].lower() != b'set-cookie:':
            continue
        parts = line[11:].decode('latin-1').split(';')
        name, sep, value = parts[0].strip().partition('=')
        if not sep or not name.strip():
            continue
        expired = False
        for attribute in parts[1:]:
            key, _sep, setting = attribute.strip().partition('=')
            if key.lower() == 'max-age':
                try:
                    expired = int(setting.strip()) <= 0
                except ValueError:
                    pass
        if expired:
            jar.pop(name.strip(), None)
        else:
            jar[name.strip()] = value.strip()
    return jar


def with_cookies(request, jar):
    """``request`` (bytes) with a ``Cookie`` header of ``jar`` added after its other headers."""
    end = request.find(b'\r\n\r\n') + 2
    line = 'Cookie: %s\r\n' % '; '.join('%s=%s' % item for item in jar.items())
    return request[:end] + line.encode('latin-1') + request[end:]


def parse_response(buf, head_request=False):
    """Parse one complete response at the start of ``buf``.

    Returns ``(status, consumed, close)``, or None when more bytes are needed.
    A response framed by the connection closing is never complete here (the
    caller ends it at EOF).  1xx interim responses are skipped.
    """
    start = 0
    while True:
        end = buf.find(b'\r\n\r\n', start)
        if end < 0:
            if len(buf) - start > MAX_HEAD_BYTES:
                raise ProtocolError('the response headers exceed %d bytes' % MAX_HEAD_BYTES)
            return None
        status, framing, length, close = parse_head(buf[start:], end - start, head_request)
        body = end + 4
        if 100 <= status < 200 and status != 101:
            start = body
            continue
        if framing == LENGTH:
            if len(buf) < body + length:
                return None
            return status, body + length, close
        if framing == CHUNKED:
            stop = chunked_end(buf, body)
            if stop < 0:
                return None
            return status, stop, close
        return None
