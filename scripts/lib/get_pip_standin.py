"""Offline stand-in for pip's get-pip.py bootstrap script, used by ansible-test.

ansible-test downloads get-pip.py to seed pip into the virtual environments of its
sanity tests; that download is unreachable here.  This script does the same job with
the interpreter's own ensurepip, then installs what it was asked for.
"""

import subprocess
import sys

DROPPED = ('--no-setuptools', '--no-wheel')


def main() -> int:
    """Bootstrap pip with ensurepip, then pip-install the given arguments."""
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    if args:
        return subprocess.call([sys.executable, '-m', 'pip', 'install'] + args)
    return 0


if __name__ == '__main__':
    sys.exit(main())
