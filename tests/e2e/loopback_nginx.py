"""A real nginx on free loopback ports, configured by the test, for tests that need a web server.

    with loopback_nginx(directory, {'heavy': 'root .../heavy; gzip off;'}) as urls:
        urls['heavy']  -> 'http://127.0.0.1:<port>/'

Runs nginx from requirements/apt.txt in the foreground as a child of the test, with its pid,
logs and temporary files in ``directory``; free ports, so nothing fixed can be taken.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time

from conftest import free_port

CONF = '''
user root;
worker_processes 1;
worker_rlimit_nofile 8192;
daemon off;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  client_body_temp_path %(dir)s/tmp;
  proxy_temp_path %(dir)s/tmp;
  fastcgi_temp_path %(dir)s/tmp;
  uwsgi_temp_path %(dir)s/tmp;
  scgi_temp_path %(dir)s/tmp;
  keepalive_requests 100000;
%(http)s
%(servers)s
}
'''


@contextlib.contextmanager
def loopback_nginx(directory, servers, start_timeout=10, listen_options=None, http_directives=''):
    """Run nginx with one server per ``{name: directives}``; yield ``{name: base URL}``.

    ``listen_options`` adds to a server's ``listen`` (``{'tls': 'ssl http2'}``); its URL is https.
    ``http_directives`` go in the ``http`` block (a ``limit_req_zone``).
    """
    listen_options = listen_options or {}
    nginx = shutil.which('nginx') or '/usr/sbin/nginx'
    assert os.path.exists(nginx), 'nginx is missing: scripts/setup.sh --test installs it (requirements/apt.txt)'
    os.makedirs(os.path.join(directory, 'tmp'), exist_ok=True)
    ports = dict((name, free_port()) for name in servers)
    blocks = ''.join('  server {\n    listen 127.0.0.1:%d %s;\n    %s\n  }\n'
                     % (ports[name], listen_options.get(name, ''), directives)
                     for name, directives in servers.items())
    conf = os.path.join(directory, 'nginx.conf')
    with open(conf, 'w') as handle:
        handle.write(CONF % dict(dir=directory, servers=blocks, http=http_directives))
    proc = subprocess.Popen([nginx, '-c', conf, '-p', directory], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + start_timeout
    try:
        while True:
            try:
                for port in ports.values():
                    socket.create_connection(('127.0.0.1', port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError('nginx did not start: %s' % proc.stderr.read().decode())
                time.sleep(0.1)
        yield dict((name, '%s://127.0.0.1:%d/' % ('https' if 'ssl' in listen_options.get(name, '') else 'http', port))
                   for name, port in ports.items())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
