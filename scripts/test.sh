#!/usr/bin/env bash
# Every test, from a fresh machine: set-up, unit tests, lint, sanity, real-service tests, the fleet.
#   scripts/test.sh              all stages
#   scripts/test.sh unit e2e     only the named stages (unit lint sanity e2e fleet monitoring hardening release backup)
# Every stage runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
export ANSIBLE_CONFIG=$REPO/ansible.cfg PYTHONDONTWRITEBYTECODE=1

"$REPO/scripts/setup.sh" --test || { echo "set-up failed: no tests run" >&2; exit 1; }
# Every stage runs with the project's venv first on PATH (python3, ansible-*, molecule, pytest).
# shellcheck source=lib/venv.sh
source "$REPO/scripts/lib/venv.sh" && golive_venv_activate

stages=("$@")
((${#stages[@]})) || stages=(unit lint sanity e2e fleet monitoring hardening release)
failed=()
# Each stage's output is also kept, so the end of the run can repeat what failed: CI shows
# only the tail of a long log.
LOGS=$REPO/.cache/test-logs
mkdir -p "$LOGS"
run_stage() {
  local name=$1; shift
  echo; echo "===== $name: $*"
  local start=$SECONDS
  if "$@" 2>&1 | tee "$LOGS/$name.log"; then echo "===== $name: ok ($((SECONDS - start)) s)"
  else echo "===== $name: FAILED ($((SECONDS - start)) s)"; failed+=("$name"); fi
}
failure_digest() {
  local name=$1 log=$LOGS/$1.log
  echo "----- $name: what failed (full log: ${log#"$REPO"/})"
  # pytest's summary lines, Ansible's failed tasks and molecule's failed actions; else the tail.
  if ! grep -E '^(FAILED|ERROR) |^fatal: |^failed: |CRITICAL|Error: ' "$log" | tail -n 40; then
    tail -n 40 "$log"
  fi
}
for stage in "${stages[@]}"; do
  case $stage in
    unit)   run_stage unit python3 -m pytest -q -p no:cacheprovider tests/unit ;;
    lint)   run_stage lint ansible-lint --profile production --offline ;;
    sanity) run_stage sanity scripts/sanity.sh ;;
    # Locked: the e2e services' fixed loopback ports are one per machine.
    # The e2e tests also use the Docker engine and the test bed's base image.
    e2e)    run_stage e2e scripts/lib/with-lock.sh e2e bash -c 'scripts/testbed/docker-up.sh && scripts/testbed/build-images.sh >/dev/null \
              && python3 -m pytest -q -rfEs -p no:cacheprovider tests/e2e' ;;
    fleet)  run_stage fleet scripts/testbed/fleet-test.sh ;;
    monitoring) run_stage monitoring scripts/testbed/monitoring-test.sh ;;
    hardening) run_stage hardening scripts/testbed/hardening-test.sh ;;
    release) run_stage release scripts/testbed/release-test.sh ;;
    backup) run_stage backup scripts/testbed/backup-test.sh ;;
    *) echo "unknown stage: $stage (unit lint sanity e2e fleet monitoring hardening release backup)" >&2; exit 2 ;;
  esac
done
echo
if ((${#failed[@]})); then
  for name in "${failed[@]}"; do failure_digest "$name"; done
  echo "FAILED stages: ${failed[*]}"; exit 1
fi
echo "all stages passed: ${stages[*]}"
