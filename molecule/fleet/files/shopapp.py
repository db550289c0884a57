"""A small shop API for the golive.readiness test fleet (Python standard library only).

Endpoints, as the readiness guide's application checks expect:
  GET  /health            200 {"status": "ok"}
  GET  /api/products      200 [{"id", "name", "price"}, ...]
  POST /api/auth/login    {"username", "password"} -> 200 {"token"} for the configured
                          credentials, 401 otherwise, 400 for a malformed body
  GET  /slow?ms=N         answers after N milliseconds (0..5000)
  GET  /status/<code>     answers with that HTTP status (100..599)

Configuration (environment): SHOPAPP_BIND (127.0.0.1), SHOPAPP_PORT (8080),
SHOPAPP_USERNAME and SHOPAPP_PASSWORD (required: no default credentials).
"""

import hmac
import json
import os
import secrets
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MAX_SLOW_MS = 5000
MAX_BODY = 64 * 1024
PRODUCTS = [
    {"id": 1, "name": "Espresso beans 1kg", "price": 24.90},
    {"id": 2, "name": "Grinder", "price": 129.00},
    {"id": 3, "name": "Milk jug", "price": 14.50},
]


class Handler(BaseHTTPRequestHandler):
    server_version = "shopapp/1.0"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # one line per request in the journal
        sys.stdout.write("%s %s\n" % (self.address_string(), fmt % args))
        sys.stdout.flush()

    def _send(self, code, payload):
        # 1xx, 204 and 304 answers carry no body.
        body = b"" if code < 200 or code in (204, 304) else json.dumps(payload).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        if path == "/health":
            return self._send(200, {"status": "ok"})
        if path == "/api/products":
            return self._send(200, PRODUCTS)
        if path == "/slow":
            try:
                ms = int(parse_qs(url.query).get("ms", ["0"])[0])
            except ValueError:
                return self._send(400, {"error": "ms must be an integer"})
            ms = max(0, min(ms, MAX_SLOW_MS))
            time.sleep(ms / 1000.0)
            return self._send(200, {"slept_ms": ms})
        if path.startswith("/status/"):
            try:
                code = int(path[len("/status/"):])
            except ValueError:
                code = 0
            if not 100 <= code <= 599:
                return self._send(400, {"error": "status must be 100..599"})
            return self._send(code, {"status": code})
        return self._send(404, {"error": "not found"})

    do_HEAD = do_GET

    def do_POST(self):
        if urlsplit(self.path).path.rstrip("/") != "/api/auth/login":
            return self._send(404, {"error": "not found"})
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            return self._send(400, {"error": "a JSON body is required"})
        try:
            data = json.loads(self.rfile.read(length).decode("utf-8"))
            user, password = str(data["username"]), str(data["password"])
        except (ValueError, KeyError, TypeError):
            return self._send(400, {"error": "expected JSON {\"username\", \"password\"}"})
        ok_user = hmac.compare_digest(user.encode(), self.server.username.encode())
        ok_pass = hmac.compare_digest(password.encode(), self.server.password.encode())
        if ok_user and ok_pass:
            return self._send(200, {"token": secrets.token_urlsafe(24), "token_type": "bearer"})
        return self._send(401, {"error": "invalid credentials"})


def main():
    username = os.environ.get("SHOPAPP_USERNAME")
    password = os.environ.get("SHOPAPP_PASSWORD")
    if not username or not password:
        sys.stderr.write("shopapp: SHOPAPP_USERNAME and SHOPAPP_PASSWORD must be set\n")
        return 2
    bind = os.environ.get("SHOPAPP_BIND", "127.0.0.1")
    port = int(os.environ.get("SHOPAPP_PORT", "8080"))
    server = ThreadingHTTPServer((bind, port), Handler)
    server.daemon_threads = True
    server.username, server.password = username, password
    sys.stdout.write("shopapp listening on %s:%d\n" % (bind, port))
    sys.stdout.flush()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
