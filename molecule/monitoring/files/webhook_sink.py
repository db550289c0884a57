"""A webhook receiver for the monitoring scenario: stores every POSTed JSON payload.

POST <any path>   the body is appended (one JSON document a line) to the payload file
GET  /payloads    all stored payloads as a JSON list
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STORE = os.environ.get("SINK_STORE", "/var/lib/webhook-sink/payloads.jsonl")
MAX_BODY = 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    def _reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 (http.server API)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._reply(413, {"error": "too large"})
        try:
            payload = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            return self._reply(400, {"error": "not JSON"})
        record = {"path": self.path, "payload": payload}
        with open(STORE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
        return self._reply(200, {"stored": True})

    def do_GET(self):  # noqa: N802
        if self.path != "/payloads":
            return self._reply(404, {"error": "GET /payloads"})
        records = []
        if os.path.exists(STORE):
            with open(STORE, encoding="utf-8") as fh:
                records = [json.loads(line) for line in fh if line.strip()]
        return self._reply(200, records)

    def log_message(self, fmt, *args):
        sys.stderr.write("webhook-sink: " + (fmt % args) + "\n")


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 9099
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
