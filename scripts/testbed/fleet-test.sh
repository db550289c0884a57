#!/usr/bin/env bash
# The whole fleet test, from a fresh machine, in one command:
#
#   scripts/testbed/fleet-test.sh                 # engine, images, `molecule test -s fleet`
#   scripts/testbed/fleet-test.sh converge        # any other molecule command for the scenario
#                                                 # (create, converge, verify, login -h web1, destroy, ...)
#
# Steps: scripts/testbed/docker-up.sh (start a Docker engine if none answers), build-images.sh
# (the fleet image, reused from its content-hashed tag), then molecule with the image names of
# .cache/testbed/images.env.yml. Needs root, and the controller's Python packages
# (scripts/setup.sh installs them: ansible, molecule, molecule-plugins[docker], docker).
# Prints the time of each step; exit status is molecule's.
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
# One run of this scenario per machine: its containers have fixed names.
[[ -n ${GOLIVE_LOCKED_FLEET:-} ]] || GOLIVE_LOCKED_FLEET=1 exec "${REPO}/scripts/lib/with-lock.sh" fleet-scenario "$0" "$@"
# The project's venv (scripts/setup.sh --test) when run directly, not through scripts/test.sh.
# shellcheck source=../lib/venv.sh
source "${REPO}/scripts/lib/venv.sh" && golive_venv_activate
CACHE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}"
STEP="start"
trap 'rc=$?; echo "fleet-test: FAILED at step: ${STEP} (exit ${rc})" >&2; exit ${rc}' ERR

say() { printf 'fleet-test: %s\n' "$*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
T0=$(now)

STEP="check the controller's tools"
for tool in ansible-playbook molecule; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool is missing: run scripts/setup.sh first" >&2; false; }
done
python3 -c 'import molecule_plugins.docker, docker' 2>/dev/null \
  || { say "molecule-plugins[docker] / docker SDK missing: run scripts/setup.sh first" >&2; false; }

STEP="docker engine (scripts/testbed/docker-up.sh)"
T=$(now); "${HERE}/docker-up.sh"; say "engine ready in $(since "$T")"

STEP="images (scripts/testbed/build-images.sh)"
T=$(now); "${HERE}/build-images.sh"; say "images ready in $(since "$T")"

STEP="molecule ${*:-test} -s fleet"
cmd=("${@:-test}")
say "molecule ${cmd[*]} -s fleet"
T=$(now)
cd "${REPO}"
molecule --env-file "${CACHE}/images.env.yml" "${cmd[0]}" -s fleet "${cmd[@]:1}"
say "molecule ${cmd[0]} done in $(since "$T"); total $(since "$T0")"
