#!/usr/bin/env bash
# The hardening role end to end: Docker engine, test images, `molecule test -s hardening`.
#
#   scripts/testbed/hardening-test.sh            # destroy, create, prepare, converge, idempotence,
#                                                # verify (audit mode, sshd, nft, audit, SSH, Lynis), destroy
#   scripts/testbed/hardening-test.sh converge   # any other molecule command, e.g. converge / verify
#
# Lynis figures and converge times are printed by verify and the profile_tasks callback.
# One run per machine (lock hardening-scenario): see scenario-test.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/scenario-test.sh" hardening "$@"
