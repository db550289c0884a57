"""Screenshot every golive dashboard of a running Grafana in headless Chromium.

Only for a test bed where Grafana can really be installed (the monitoring scenario's switch
GOLIVE_TEST_GRAFANA_ARCHIVE). Grafana's login is a form, so a small proxy on loopback adds the
admin's basic auth header (Grafana accepts it on every request) and Chromium loads the
dashboards through it, in kiosk mode.

    grafana_screenshots.py --url http://mon-server:3001 --out DIR     # password in GRAFANA_PASSWORD

Exit 1 if a dashboard is missing from Grafana or a screenshot is not written.
"""

import argparse
import base64
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request

from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'scripts'))
import dashboards  # noqa: E402  pylint: disable=wrong-import-position


def proxy(upstream, header):
    """A loopback HTTP proxy to ``upstream`` that adds ``Authorization: header``; returns its URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            request = urllib.request.Request(upstream + self.path, headers={'Authorization': header})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:  # nosec: test bed
                    status, headers, body = answer.status, answer.headers, answer.read()
            except urllib.error.HTTPError as error:
                status, headers, body = error.code, error.headers, error.read()
            self.send_response(status)
            for key in ('Content-Type', 'Cache-Control'):
                if headers.get(key):
                    self.send_header(key, headers[key])
            self.send_header('Content-Length', str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return 'http://127.0.0.1:%d' % server.server_address[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--url', required=True)
    parser.add_argument('--user', default='admin')
    parser.add_argument('--out', required=True)
    args = parser.parse_args(argv)
    header = 'Basic ' + base64.b64encode(('%s:%s' % (args.user, os.environ['GRAFANA_PASSWORD'])).encode()).decode()
    local = proxy(args.url.rstrip('/'), header)
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    for name in dashboards.DASHBOARDS:
        uid = 'golive-%s' % name
        with urllib.request.urlopen(local + '/api/dashboards/uid/' + uid, timeout=30) as answer:  # nosec
            loaded = json.load(answer)['dashboard']
        if len(loaded['panels']) != len(dashboards.DASHBOARDS[name]().panels):
            problems.append('%s: Grafana has %d panels' % (uid, len(loaded['panels'])))
        png = out / ('%s.png' % uid)
        with tempfile.TemporaryDirectory(prefix='golive-chromium-') as profile:
            subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                            '--user-data-dir=' + profile, '--window-size=1600,1400', '--virtual-time-budget=20000',
                            '--screenshot=%s' % png, '%s/d/%s?kiosk&from=now-1h&to=now' % (local, uid)],
                           capture_output=True, timeout=180, check=False)
        size = png.stat().st_size if png.exists() else 0
        print('%s: %d panels, screenshot %s (%d bytes)' % (uid, len(loaded['panels']), png, size))
        if size < 10000:
            problems.append('%s: no screenshot' % uid)
    for problem in problems:
        print('FAIL ' + problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
