#!/usr/bin/env bash
# Install what the collection needs on this machine.
#   scripts/setup.sh          the controller: Ansible and the check modules' Python libraries (pip)
#   scripts/setup.sh --test   also the Debian packages the tests need (requirements/apt.txt)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}

step() { echo "== setup: $*"; }
fail() { echo "setup failed: $*" >&2; exit 1; }

"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
  || fail "Python 3.10 or newer is needed for ansible-core 2.17+ (found $("$PY" -V 2>&1))"

stamp=$REPO/.cache/setup.$(sha256sum "$REPO/requirements/controller.txt" | cut -c1-16)
if [[ -f $stamp ]] && "$PY" -c 'import ansible, psutil' 2>/dev/null; then
  step "Python requirements already installed ($(basename "$stamp"))"
else
  step "installing Python requirements (requirements/controller.txt)"
  "$PY" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    -r "$REPO/requirements/controller.txt" || fail "pip install -r requirements/controller.txt"
  mkdir -p "$REPO/.cache" && touch "$stamp"
fi

if [[ ${1:-} == --test ]]; then
  mapfile -t packages < <(grep -v '^\s*#' "$REPO/requirements/apt.txt" | awk 'NF {print $1}' | sort -u)
  missing=()
  for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    step "installing Debian packages: ${missing[*]}"
    [[ $(id -u) == 0 ]] || fail "installing Debian packages needs root: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || fail "apt-get update"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || fail "apt-get install ${missing[*]}"
  else
    step "Debian packages already installed"
  fi
fi
