#!/usr/bin/env bash
# The hardening role end to end: Docker engine, test images, `molecule test -s hardening`.
#
#   scripts/testbed/hardening-test.sh            # destroy, create, prepare, converge, idempotence,
#                                                # verify (audit mode, sshd, nft, audit, SSH, Lynis), destroy
#   scripts/testbed/hardening-test.sh converge   # any other molecule command, e.g. converge / verify
#
# Lynis figures and converge times are printed by verify and the profile_tasks callback.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
# One run of this scenario per machine: its containers have fixed names.
[[ -n ${GOLIVE_LOCKED_HARDENING:-} ]] || GOLIVE_LOCKED_HARDENING=1 exec "${REPO}/scripts/lib/with-lock.sh" hardening-scenario "$0" "$@"
cd "${REPO}"

"${HERE}/docker-up.sh"
"${HERE}/build-images.sh"
ENV_FILE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}/images.env.yml"

command=("${@:-test}")
start=${SECONDS}
molecule --env-file "${ENV_FILE}" "${command[@]}" -s hardening
echo "hardening-test: molecule ${command[*]} -s hardening passed in $((SECONDS - start)) s"
