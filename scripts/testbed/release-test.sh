#!/usr/bin/env bash
# The release end to end: Docker engine, test images, `molecule test -s release`.
#
#   scripts/testbed/release-test.sh            # destroy, create, prepare (version 1 running behind
#                                              # nginx), verify (tests/release/verify_release.py), destroy
#   scripts/testbed/release-test.sh prepare    # any other molecule command, e.g. prepare / verify / destroy
#
# verify prints the release, batch and rollback times.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
# One run of this scenario per machine: its containers and network have fixed names.
[[ -n ${GOLIVE_LOCKED_RELEASE:-} ]] || GOLIVE_LOCKED_RELEASE=1 exec "${REPO}/scripts/lib/with-lock.sh" release-scenario "$0" "$@"
cd "${REPO}"

"${HERE}/docker-up.sh"
"${HERE}/build-images.sh"
ENV_FILE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}/images.env.yml"

command=("${@:-test}")
start=${SECONDS}
molecule --env-file "${ENV_FILE}" "${command[@]}" -s release
echo "release-test: molecule ${command[*]} -s release passed in $((SECONDS - start)) s"
