#!/usr/bin/env bash
# The main job: set up, then measure this machine's readiness (or any inventory).
#   scripts/readiness.sh                         this machine (inventories/local)
#   scripts/readiness.sh -i inventories/prod     a fleet; any ansible-playbook option works
# Prints the fleet summary and writes readiness-reports/readiness.json (GOLIVE_REPORT_DIR to change).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
"$REPO/scripts/setup.sh"
# shellcheck source=lib/venv.sh
source "$REPO/scripts/lib/venv.sh" && golive_venv_activate
cd "$REPO"
export ANSIBLE_CONFIG=$REPO/ansible.cfg
exec ansible-playbook playbooks/readiness.yml "$@"
