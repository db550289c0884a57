"""Changes are recorded as antsibull-changelog fragments (changelogs/fragments), and they lint."""

import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_fragments_lint():
    fragments = os.listdir(os.path.join(REPO, 'changelogs', 'fragments'))
    assert any(name.endswith('.yml') for name in fragments)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'antsibull-changelog'), 'lint'],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
