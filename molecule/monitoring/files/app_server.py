"""A small app endpoint for the monitoring scenario's blackbox probes.

GET /health answers 200 "ok".  Its behaviour is set by files, so a test can turn it slow or
failing while Prometheus keeps probing it:
  /run/app-server/delay    seconds to wait before answering (e.g. 2.5)
  /run/app-server/status   HTTP status to answer instead of 200 (e.g. 500)
"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = "/run/app-server/"


def setting(name, cast, default):
    try:
        with open(STATE + name) as handle:
            return cast(handle.read().strip())
    except (OSError, ValueError):
        return default


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        time.sleep(min(setting("delay", float, 0.0), 30.0))
        code = setting("status", int, 200)
        body = b"ok\n" if code == 200 else b"failing on purpose\n"
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
