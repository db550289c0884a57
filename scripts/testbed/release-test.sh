#!/usr/bin/env bash
# The release end to end: Docker engine, test images, `molecule test -s release`.
#
#   scripts/testbed/release-test.sh            # destroy, syntax, create, prepare (version 1 running
#                                              # behind nginx), verify (tests/release/verify_release.py), destroy
#   scripts/testbed/release-test.sh prepare    # any other molecule command, e.g. prepare / verify / destroy
#
# verify prints the release, batch and rollback times.
# One run per machine (lock release-scenario): see scenario-test.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/scenario-test.sh" release "$@"
