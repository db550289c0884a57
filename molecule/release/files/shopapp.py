"""The shop app of the release scenario: a tiny versioned artifact (Python standard library).

Built into a tarball per version by scripts/testbed/release-artifact.py, with a release.json
beside it that names the version and, for the test's bad builds, its fault:
  {"version": "3", "error_paths": ["/api/products"]}   answers 500 there
  {"version": "4", "delay_ms": 400}                     answers /api/products that much later
Endpoints: GET /health, GET /version, GET /api/products.
Environment: SHOPAPP_BIND (0.0.0.0), SHOPAPP_PORT (8080).
"""

import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
PRODUCTS = [
    {"id": 1, "name": "Espresso beans 1kg", "price": 24.90},
    {"id": 2, "name": "Grinder", "price": 129.00},
    {"id": 3, "name": "Milk jug", "price": 14.50},
]


def load_release():
    """The artifact's own description (version and the test's injected fault)."""
    with open(os.path.join(HERE, "release.json")) as handle:
        return json.load(handle)


class Handler(BaseHTTPRequestHandler):
    server_version = "shopapp"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # the journal would grow by a line per poll
        pass

    def _send(self, code, payload):
        body = json.dumps(payload).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        release = self.server.release
        path = self.path.split("?", 1)[0].rstrip("/") or "/"
        if path in release.get("error_paths", ()):
            return self._send(500, {"error": "injected fault of version %s" % release["version"]})
        if path == "/health":
            return self._send(200, {"status": "ok", "version": release["version"]})
        if path == "/version":
            return self._send(200, {"version": release["version"]})
        if path == "/api/products":
            time.sleep(release.get("delay_ms", 0) / 1000.0)
            return self._send(200, PRODUCTS)
        return self._send(404, {"error": "not found"})


def main():
    server = ThreadingHTTPServer((os.environ.get("SHOPAPP_BIND", "0.0.0.0"),
                                  int(os.environ.get("SHOPAPP_PORT", "8080"))), Handler)
    server.daemon_threads = True
    server.release = load_release()
    sys.stdout.write("shopapp %s listening\n" % server.release["version"])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
