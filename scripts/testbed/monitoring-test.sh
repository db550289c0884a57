#!/usr/bin/env bash
# The monitoring scenario from nothing: the roles' static tests (tests/monitoring), Docker engine, test bed images, the monitoring image,
# then `molecule test -s monitoring` (create, prepare, converge, idempotence, check, verify,
# destroy). Extra arguments go to molecule (e.g. --destroy never).
#
#   scripts/testbed/monitoring-test.sh
#
# Needs on the controller: ansible, molecule, molecule-plugins[docker], and passlib with
# bcrypt<4.1 (basic auth hashes are made on the controller); scripts/setup.sh --test installs them.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
# One run of this scenario per machine: its containers have fixed names.
[[ -n ${GOLIVE_LOCKED_MONITORING:-} ]] || GOLIVE_LOCKED_MONITORING=1 exec "${REPO}/scripts/lib/with-lock.sh" monitoring-scenario "$0" "$@"
# The project's venv (scripts/setup.sh --test) when run directly, not through scripts/test.sh.
# shellcheck source=../lib/venv.sh
source "${REPO}/scripts/lib/venv.sh" && golive_venv_activate
CACHE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}"
cd "${REPO}"
export ANSIBLE_CONFIG="${REPO}/ansible.cfg" PYTHONDONTWRITEBYTECODE=1

python3 -c 'import passlib.hash; passlib.hash.bcrypt.hash("x", rounds=4)' 2>/dev/null || {
  echo "monitoring-test: passlib with a working bcrypt backend is missing on the controller:" >&2
  echo "  scripts/setup.sh --test (requirements/test.txt)" >&2
  exit 1
}
python3 -m pytest -q -p no:cacheprovider tests/monitoring     # static contracts of the roles, ~2 s
"${HERE}/docker-up.sh"
"${HERE}/build-images.sh"
"${HERE}/monitoring-image.sh"
start=${SECONDS}
molecule --env-file "${CACHE}/monitoring.env.yml" test -s monitoring "$@"
echo "monitoring-test: molecule test -s monitoring passed in $((SECONDS - start)) s"
