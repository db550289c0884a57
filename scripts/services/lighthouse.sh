#!/usr/bin/env bash
# Install Lighthouse (the version pinned in requirements/lighthouse) for web_perf_check's tests,
# idempotently, and print the path of its command on the last line.
#   scripts/services/lighthouse.sh [DIR]      DIR defaults to .cache/lighthouse in the checkout
# Needs Node.js 18.16+ and npm (Debian's nodejs and npm; installed here if missing) and
# Chromium (requirements/apt.txt). A second run only compares the lock file. Exits non-zero if npm fails.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
SRC="${REPO}/requirements/lighthouse"
DIR="${1:-${REPO}/.cache/lighthouse}"
say() { echo "lighthouse: $*" >&2; }

if ! command -v npm >/dev/null 2>&1; then
  say "installing Debian's nodejs and npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }
fi
BIN="${DIR}/node_modules/.bin/lighthouse"
if [[ -x ${BIN} ]] && cmp -s "${SRC}/package-lock.json" "${DIR}/package-lock.json"; then
  say "$("${BIN}" --version) in ${DIR}"
else
  say "npm install in ${DIR} (requirements/lighthouse/package-lock.json)"
  mkdir -p "${DIR}"
  cp "${SRC}/package.json" "${SRC}/package-lock.json" "${DIR}/"
  # npm install, not npm ci: npm 11's ci refuses this lock file over a peer dependency
  # (third-party-web) it records itself; install still takes the locked versions.
  (cd "${DIR}" && npm install --no-audit --no-fund --loglevel=error >&2)
  cp "${SRC}/package-lock.json" "${DIR}/package-lock.json"
fi
echo "${BIN}"
