#!/usr/bin/env bash
# Install what the collection needs on this machine, into the project's venv (.venv; PEP 668 safe).
#   scripts/setup.sh          the runtime: ansible-core and the check modules' libraries (requirements/runtime.txt)
#   scripts/setup.sh --test   also the test tooling (requirements/test.txt) and the Debian packages
#                             the tests need (requirements/apt.txt)
# PYTHON=python3.11 picks the interpreter the venv is made from; GOLIVE_VENV=/path another venv.
# Callers source scripts/lib/venv.sh and call golive_venv_activate to use it.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/venv.sh
source "$REPO/scripts/lib/venv.sh"

step() { echo "== setup: $*"; }
fail() { echo "setup failed: $*" >&2; exit 1; }

golive_venv_ensure "$([[ ${1:-} == --test ]] && echo test || echo runtime)" || exit 1

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
