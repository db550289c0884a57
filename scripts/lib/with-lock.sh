#!/usr/bin/env bash
# Runs a command while holding this machine's lock NAME, so two checkouts (git worktrees, CI
# and a developer) never share one test fleet's fixed container names or one fixed port.
#   scripts/lib/with-lock.sh NAME COMMAND [ARG...]
# A second run waits, and says what it waits for, instead of tearing the first one's fleet down.
set -uo pipefail
name=$1; shift
lock=${GOLIVE_LOCK_DIR:-/tmp}/golive-${name}.lock
busy=199    # flock's own "could not lock" status, distinct from the command's
# -o: the lock is not inherited by what the command leaves running (a dockerd it started).
flock -n -o -E "$busy" "$lock" "$@"; rc=$?
if ((rc == busy)); then
  echo "with-lock: another run holds '$name' on this machine ($lock); waiting for it" >&2
  flock -o "$lock" "$@"; rc=$?
fi
exit "$rc"
