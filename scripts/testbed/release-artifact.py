"""Build a version of the release scenario's shop app as a tarball with its sha256.

  python3 scripts/testbed/release-artifact.py --version 2 --out DIR
  python3 scripts/testbed/release-artifact.py --version 3 --error-path /api/products --out DIR
  python3 scripts/testbed/release-artifact.py --version 4 --delay-ms 400 --out DIR

Writes DIR/shopapp-<version>.tar.gz (shopapp-<version>/app.py + release.json) and
DIR/shopapp-<version>.tar.gz.sha256 (sha256sum format). The same input gives the same bytes
(fixed mtimes, owner and order), so the checksum of a version is stable.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'molecule', 'release',
                      'files', 'shopapp.py')


def member(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime, info.uname, info.gname = len(data), mode, 0, 'root', 'root'
    tar.addfile(info, io.BytesIO(data))


def build(version, out, error_paths=(), delay_ms=0):
    """Write the artifact of ``version``; return (path, sha256)."""
    release = {'version': version}
    if error_paths:
        release['error_paths'] = list(error_paths)
    if delay_ms:
        release['delay_ms'] = delay_ms
    with open(SOURCE, 'rb') as handle:
        app = handle.read()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.PAX_FORMAT) as tar:
        top = 'shopapp-%s' % version
        member(tar, top + '/app.py', app)
        member(tar, top + '/release.json', (json.dumps(release, sort_keys=True) + '\n').encode())
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, 'shopapp-%s.tar.gz' % version)
    with open(path, 'wb') as handle, gzip.GzipFile(fileobj=handle, mode='wb', mtime=0, filename='') as gz:
        gz.write(raw.getvalue())
    with open(path, 'rb') as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    with open(path + '.sha256', 'w') as handle:
        handle.write('%s  %s\n' % (digest, os.path.basename(path)))
    return path, digest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--version', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--error-path', action='append', default=[])
    parser.add_argument('--delay-ms', type=int, default=0)
    args = parser.parse_args()
    path, digest = build(args.version, args.out, args.error_path, args.delay_ms)
    print('%s %s' % (digest, path))
    return 0


if __name__ == '__main__':
    sys.exit(main())
