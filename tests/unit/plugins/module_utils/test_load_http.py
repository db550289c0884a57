"""load_test on the wire: request bytes and minimal response parsing (incl. chunked)."""

import json

import pytest

from ansible_collections.golive.readiness.plugins.module_utils.load.http import (
    CHUNKED,
    LENGTH,
    UNTIL_CLOSE,
    ProtocolError,
    build_request,
    chunked_end,
    parse_head,
    parse_response,
    split_url,
)


def head_of(raw):
    return parse_head(raw, raw.find(b'\r\n\r\n'))


def test_split_url():
    assert split_url('http://127.0.0.1:8080/a?b=1') == ('http', '127.0.0.1', 8080, '/a?b=1')
    assert split_url('https://example.com') == ('https', 'example.com', 443, '/')
    for bad in ('ftp://x/', 'http:///nohost', 'localhost:80'):
        with pytest.raises(ValueError):
            split_url(bad)


def test_get_request_with_keepalive_and_overridden_headers():
    headers = {'accept': 'application/json', 'Connection': 'close'}
    raw = build_request('GET', 'http://127.0.0.1:8080/health', headers)
    text = raw.decode()
    assert text.startswith('GET /health HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n')
    assert 'accept: application/json\r\n' in text and 'Accept: */*' not in text
    assert 'Connection: keep-alive\r\n' in text and 'Connection: close' not in text
    assert text.endswith('\r\n\r\n') and 'Content-Length' not in text


def test_post_json_body_without_keepalive():
    raw = build_request('POST', 'https://shop.example.com/api/auth/login',
                        body={'username': 'u', 'password': 'p'}, keepalive=False)
    head, body = raw.split(b'\r\n\r\n', 1)
    assert json.loads(body) == {'username': 'u', 'password': 'p'}
    assert b'Host: shop.example.com\r\n' in head
    assert b'Content-Type: application/json' in head
    assert b'Content-Length: %d' % len(body) in head
    assert b'Connection: close' in head


def test_form_and_raw_bodies():
    raw = build_request('POST', 'http://h/f', body={'a': '1 2'}, body_format='form')
    assert raw.endswith(b'\r\n\r\na=1+2')
    assert b'application/x-www-form-urlencoded' in raw
    assert build_request('PUT', 'http://h/r', body='x', body_format='raw').endswith(b'\r\n\r\nx')


def test_header_injection_is_refused():
    with pytest.raises(ValueError):
        build_request('GET', 'http://h/', {'X-A': 'b\r\nX-Evil: 1'})


def test_parse_head_content_length_and_connection():
    assert head_of(b'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n') == (200, LENGTH, 3, False)
    assert head_of(b'HTTP/1.1 503 X\r\ncontent-length:0\r\nConnection: close\r\n\r\n') == \
        (503, LENGTH, 0, True)
    assert head_of(b'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx')[3] is True
    assert head_of(b'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx')[3] is False


def test_parse_head_chunked_close_and_bodyless():
    assert head_of(b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')[1] == CHUNKED
    assert head_of(b'HTTP/1.1 200 OK\r\nServer: x\r\n\r\n') == (200, UNTIL_CLOSE, None, True)
    assert head_of(b'HTTP/1.1 204 No Content\r\n\r\n') == (204, LENGTH, 0, False)
    raw = b'HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'
    assert parse_head(raw, raw.find(b'\r\n\r\n'), head_request=True) == (200, LENGTH, 0, False)


@pytest.mark.parametrize('raw', [b'SSH-2.0-OpenSSH\r\n\r\n', b'HTTP/1.1 2x0 OK\r\n\r\n',
                                 b'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n'])
def test_parse_head_rejects_garbage(raw):
    with pytest.raises(ProtocolError):
        head_of(raw)


def test_chunked_end():
    body = b'4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n'
    assert chunked_end(body) == len(body)
    assert chunked_end(body + b'HTTP/1.1') == len(body)
    with_trailer = b'1\r\nx\r\n0\r\nX-Sum: 1\r\n\r\n'
    assert chunked_end(with_trailer) == len(with_trailer)
    for cut in range(len(body)):
        assert chunked_end(body[:cut]) == -1
    with pytest.raises(ProtocolError):
        chunked_end(b'zz\r\n')


def test_parse_response_whole_partial_and_interim():
    ok = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'
    assert parse_response(ok) == (200, len(ok), False)
    assert parse_response(ok[:-1]) is None
    assert parse_response(b'HTTP/1.1 100 Continue\r\n\r\n' + ok) == (200, 25 + len(ok), False)
    chunked = b'HTTP/1.1 500 E\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nno\r\n0\r\n\r\n'
    assert parse_response(chunked) == (500, len(chunked), False)
    assert parse_response(chunked[:-2]) is None
    assert parse_response(b'HTTP/1.1 200 OK\r\n\r\nuntil close') is None
    with pytest.raises(ProtocolError):
        parse_response(b'x' * 70000)
