#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
#
# Idempotent: if `docker info` already answers, it does nothing. Otherwise it installs
# docker.io from the distribution's packages (if dockerd is missing) and starts dockerd in
# the background (log: /var/log/dockerd.log), then waits until the engine answers.
#
# Environment:
#   DOCKER_UP_TIMEOUT   seconds to wait for the engine (default 60)
#   DOCKERD_LOG         dockerd log file (default /var/log/dockerd.log)
set -euo pipefail

TIMEOUT="${DOCKER_UP_TIMEOUT:-60}"
LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
STEP="start"
trap 'rc=$?; echo "docker-up: FAILED at step: ${STEP} (exit ${rc})" >&2; exit ${rc}' ERR

say() { echo "docker-up: $*"; }
engine_answers() { docker info >/dev/null 2>&1; }

# Every systemd container takes several inotify instances: the kernel's default of 128 per user
# runs out at about 30 of them (systemd: "Failed to create inotify object: Too many open files",
# the container exits with 255 while booting).
if [ "$(id -u)" -eq 0 ] && [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 1024)" -lt 1024 ]; then
  sysctl -qw fs.inotify.max_user_instances=1024 || say "could not raise fs.inotify.max_user_instances" >&2
fi

if command -v docker >/dev/null 2>&1 && engine_answers; then
  say "engine already answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    STEP="check privileges"; say "need root (or sudo) to install/start dockerd" >&2; false
  fi
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  STEP="install docker.io (apt-get)"
  say "installing docker.io from the distribution's packages"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

STEP="start dockerd"
if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd process exists but does not answer yet; waiting for it"
else
  say "starting dockerd in the background (log: ${LOG})"
  # setsid: detach from this shell so the engine outlives the script.
  $SUDO setsid dockerd >>"${LOG}" 2>&1 < /dev/null &
fi

STEP="wait for the engine (${TIMEOUT}s)"
deadline=$(( $(date +%s) + TIMEOUT ))
until engine_answers; do
  if [ "$(date +%s)" -ge "${deadline}" ]; then
    say "engine did not answer within ${TIMEOUT}s; last lines of ${LOG}:" >&2
    tail -n 20 "${LOG}" >&2 || true
    false
  fi
  sleep 1
done
say "engine answers ($(docker version --format '{{.Server.Version}}'))"
