#!/usr/bin/env bash
# A molecule scenario on the fleet image, end to end: Docker engine, test images, then
#   molecule <command, default test> -s <scenario>
# while holding this machine's lock <scenario>-scenario (the scenario's containers have fixed names).
#
#   scripts/testbed/scenario-test.sh SCENARIO [molecule command ...]
# Used by hardening-test.sh and release-test.sh.
set -Eeuo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
scenario=${1:?usage: scenario-test.sh SCENARIO [molecule command ...]}; shift
[[ ${GOLIVE_LOCKED_SCENARIO:-} == "${scenario}" ]] \
  || GOLIVE_LOCKED_SCENARIO=${scenario} exec "${REPO}/scripts/lib/with-lock.sh" "${scenario}-scenario" "$0" "${scenario}" "$@"
# The project's venv (scripts/setup.sh --test) when run directly, not through scripts/test.sh.
# shellcheck source=../lib/venv.sh
source "${REPO}/scripts/lib/venv.sh" && golive_venv_activate
cd "${REPO}"

"${HERE}/docker-up.sh"
"${HERE}/build-images.sh"
ENV_FILE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}/images.env.yml"

command=("${@:-test}")
start=${SECONDS}
molecule --env-file "${ENV_FILE}" "${command[@]}" -s "${scenario}"
echo "${scenario}-test: molecule ${command[*]} -s ${scenario} passed in $((SECONDS - start)) s"
