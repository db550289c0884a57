"""A small HTTP(S) application for http_check's tests: fast, slow, failing and login routes.

    python3 http_test_app.py --port 0 [--cert CERT --key KEY] --password-file FILE --token-file FILE

Listens on 127.0.0.1 only. With ``--port 0`` it picks a free port and prints
``listening <port>`` on stdout once it accepts connections. The login password and
the bearer token are read from files the caller writes (no default credentials).

Routes:
  GET  /fast              200 {"status": "ok", "version": "1.4.2", "items": [1, 2, 3]}
  GET  /slow?ms=N         sleeps N ms (at most 10000), then 200
  GET  /error             500
  GET  /flaky?every=N&key=K  every N-th request (counted per key) is a 500, the others 200
  GET  /warmup?fails=N&key=K 503 for the first N requests (counted per key), then 200
  GET  /hang              sleeps 20 s (for timeouts)
  GET  /big?kb=N          N KiB of text (at most 4096)
  GET  /html              a small HTML page
  POST /api/auth/login    JSON {"username", "password"} -> 200 {"token": ...} or 401
  GET  /api/me            200 with "Authorization: Bearer <token>", else 401
"""

import argparse
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

COUNTERS = {}
LOCK = threading.Lock()


def count(key):
    with LOCK:
        COUNTERS[key] = COUNTERS.get(key, 0) + 1
        return COUNTERS[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'golive-test-app/1'

    def log_message(self, *args):  # no access log: requests may carry test secrets
        pass

    def reply(self, status, body, content_type='application/json'):
        if not isinstance(body, bytes):
            body = (json.dumps(body) if content_type == 'application/json' else body).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def query(self):
        return dict((k, v[0]) for k, v in parse_qs(urlsplit(self.path).query).items())

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urlsplit(self.path).path
        q = self.query()
        if path == '/fast':
            return self.reply(200, {'status': 'ok', 'version': '1.4.2', 'items': [1, 2, 3]})
        if path == '/slow':
            time.sleep(min(int(q.get('ms', '1000')), 10000) / 1000.0)
            return self.reply(200, {'status': 'ok', 'slept_ms': int(q.get('ms', '1000'))})
        if path == '/error':
            return self.reply(500, {'status': 'error'})
        if path == '/flaky':
            every = max(1, int(q.get('every', '10')))
            n = count('flaky:%s:%d' % (q.get('key', ''), every))
            return self.reply(500 if n % every == 0 else 200, {'n': n})
        if path == '/warmup':
            n = count('warmup:%s' % q.get('key', ''))
            return self.reply(503 if n <= int(q.get('fails', '2')) else 200, {'n': n})
        if path == '/hang':
            time.sleep(20)
            return self.reply(200, {'status': 'late'})
        if path == '/big':
            kb = min(int(q.get('kb', '1024')), 4096)
            return self.reply(200, b'x' * (kb * 1024), 'text/plain')
        if path == '/html':
            return self.reply(200, '<html><title>golive test app</title><body>ready</body></html>',
                              'text/html')
        if path == '/api/me':
            if self.headers.get('Authorization') == 'Bearer %s' % self.server.token:
                return self.reply(200, {'user': 'probe'})
            return self.reply(401, {'error': 'unauthorized'})
        return self.reply(404, {'error': 'not found'})

    def do_POST(self):
        path = urlsplit(self.path).path
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(min(length, 65536))
        if path == '/api/auth/login':
            try:
                data = json.loads(raw or b'{}')
            except ValueError:
                return self.reply(400, {'error': 'bad json'})
            if data.get('username') == 'probe' and data.get('password') == self.server.password:
                return self.reply(200, {'token': self.server.token, 'expires_in': 300})
            return self.reply(401, {'error': 'bad credentials'})
        return self.reply(404, {'error': 'not found'})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--cert')
    parser.add_argument('--key')
    parser.add_argument('--password-file', required=True)
    parser.add_argument('--token-file', required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    server.daemon_threads = True
    with open(args.password_file) as handle:
        server.password = handle.read().strip()
    with open(args.token_file) as handle:
        server.token = handle.read().strip()
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    sys.stdout.write('listening %d\n' % server.server_address[1])
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    os.umask(0o077)
    sys.exit(main())
