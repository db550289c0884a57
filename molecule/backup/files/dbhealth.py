"""The shop's health endpoint for the backup scenario (standard library + psycopg2).

GET /health answers 200 {"status": "ok", "orders": N} while it can query the shop database,
503 otherwise: the application a database drill must bring back. Settings from the
environment: DBHEALTH_PORT, PGHOST, PGDATABASE, PGUSER, PGPASSWORD (no defaults for secrets).
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path != "/health":
            return self._send(404, {"error": "not found"})
        try:
            with psycopg2.connect(connect_timeout=2) as conn, conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM orders")
                return self._send(200, {"status": "ok", "orders": cur.fetchone()[0]})
        except psycopg2.Error as exc:
            return self._send(503, {"status": "down", "error": type(exc).__name__})

    def _send(self, code, payload):
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("DBHEALTH_PORT", "8080"))), Handler).serve_forever()
