#!/usr/bin/env bash
# The backup role, backup_check and the DR drills end to end on real hosts:
#
#   scripts/testbed/backup-test.sh             # engine, images, `molecule test -s backup`, canary scan
#   scripts/testbed/backup-test.sh converge    # any other molecule command (create, verify, destroy, ...)
#
# Steps: docker-up.sh, build-images.sh (the fleet image, reused from its tag), then molecule with
# the image names of .cache/testbed/images.env.yml. The whole molecule output is kept in
# .cache/test-logs/backup-molecule.log and scanned for the scenario's canary secrets afterwards:
# a passphrase or password in any output fails the run. Prints the time of each step.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
# One run of this scenario per machine: its containers have fixed names (bk-*).
[[ -n ${GOLIVE_LOCKED_BACKUP:-} ]] || GOLIVE_LOCKED_BACKUP=1 exec "${REPO}/scripts/lib/with-lock.sh" backup-scenario "$0" "$@"
CACHE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}"
LOG="${REPO}/.cache/test-logs/backup-molecule.log"
STEP="start"
trap 'rc=$?; echo "backup-test: FAILED at step: ${STEP} (exit ${rc})" >&2; exit ${rc}' ERR
say() { printf 'backup-test: %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
T0=$(now)

STEP="docker engine"; "${HERE}/docker-up.sh"
STEP="images"; T=$(now); "${HERE}/build-images.sh"; say "images ready in $(since "$T")"

cmd=("${@:-test}")
STEP="molecule ${cmd[*]} -s backup"
mkdir -p "$(dirname "${LOG}")"
cd "${REPO}"
T=$(now)
molecule --env-file "${CACHE}/images.env.yml" "${cmd[0]}" -s backup "${cmd[@]:1}" 2>&1 | tee "${LOG}"
say "molecule ${cmd[0]} done in $(since "$T")"

STEP="canary scan of the molecule output"
# The scenario's secrets (molecule/backup/inventory/group_vars/all.yml) must be in no output.
canaries=$(sed -n 's/^backup_test_[a-z_]*: *//p' molecule/backup/inventory/group_vars/all.yml)
for canary in ${canaries}; do
  if grep -qF -- "${canary}" "${LOG}"; then say "a secret of the scenario appears in the molecule output (${LOG})" >&2; false; fi
done
say "no secret in $(wc -l <"${LOG}") lines of output; total $(since "$T0")"
