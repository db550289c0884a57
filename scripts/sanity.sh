#!/usr/bin/env bash
# ansible-test sanity, offline, on a copy of the checkout at an ansible_collections/golive/readiness path.
#   scripts/sanity.sh [ansible-test sanity options, e.g. --test validate-modules]
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# One copy per checkout (git worktrees on one machine run sanity side by side).
WORK=${GOLIVE_SANITY_DIR:-/tmp/golive-sanity-$(printf %s "$REPO" | sha256sum | cut -c1-12)}
DEST=$WORK/ansible_collections/golive/readiness
# The project's venv (scripts/setup.sh --test), whose Python has ansible-test.
# shellcheck source=lib/venv.sh
source "$REPO/scripts/lib/venv.sh" && golive_venv_activate
PY=python3
PYVER=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# ansible-test fetches get-pip.py for its pinned pip; put the offline stand-in where it looks.
PIP_VERSION=$("$PY" - <<'PYEOF'
import re, os, ansible_test
src = open(os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')).read()
print(re.search(r"pip='([0-9.]+)'", src).group(1))
PYEOF
)
CACHE=~/.ansible/test/cache/get_pip_${PIP_VERSION//./_}.py
mkdir -p "$(dirname "$CACHE")"
cp "$REPO/scripts/lib/get_pip_standin.py" "$CACHE"

echo "== sanity: copying the checkout to $DEST"
rm -rf "$DEST" && mkdir -p "$DEST"
cd "$REPO"
# What git tracks plus new files it does not ignore; never the collections/ link back to the checkout.
git ls-files -z --cached --others --exclude-standard \
  | grep -zv '^collections/' \
  | xargs -0 -I{} sh -c 'test -e "{}" && echo "{}"' \
  | rsync -a --files-from=- "$REPO/" "$DEST/"
cd "$DEST"
git init -q . && git add -A >/dev/null 2>&1 && git -c user.email=s@l -c user.name=sanity commit -qm sanity >/dev/null

echo "== sanity: ansible-test sanity --local --python $PYVER"
ansible-test sanity --local --python "$PYVER" --color no "$@"
