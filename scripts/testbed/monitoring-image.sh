#!/usr/bin/env bash
# Build the monitoring scenario's image: the test bed's fleet image (PostgreSQL, Redis, nginx)
# plus Debian's Prometheus, Alertmanager, node_exporter, blackbox / postgres / redis exporter
# packages (installed, services disabled), reusing an image already built from the same recipe.
#
#   golive-testbed/monitoring:<hash>   hash = fleet image tag + this script (which holds the recipe)
#
# Needs the base image: run scripts/testbed/build-images.sh first (it writes
# .cache/testbed/images.env). Writes GOLIVE_MONITORING_IMAGE to .cache/testbed/monitoring.env
# and .cache/testbed/monitoring.env.yml (for `molecule --env-file`).
#
# Environment:
#   GOLIVE_TESTBED_CACHE   cache directory (default <repo>/.cache/testbed)
#   FORCE_REBUILD=1        rebuild even when the tagged image exists
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
CACHE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}"
ENV_FILE="${CACHE}/monitoring.env"
SYSTEMD_FLAGS=(--cap-add SYS_ADMIN --security-opt seccomp=unconfined
               -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock
               --stop-signal SIGRTMIN+3)
# The recipe: Debian packages baked into the image. The Debian packages are both the
# `package` install method's packages and the source of the binaries the scenario repacks
# into upstream-layout release archives for the `archive` method.
PACKAGES=(prometheus prometheus-alertmanager prometheus-node-exporter ca-certificates curl
          python3-apt sudo prometheus-blackbox-exporter prometheus-postgres-exporter
          prometheus-redis-exporter)   # sudo: verify runs monitoring.yml as a sudo user
SERVICES=(prometheus.service prometheus-alertmanager.service prometheus-node-exporter.service
          prometheus-blackbox-exporter.service prometheus-postgres-exporter.service
          prometheus-redis-exporter.service)
RECIPE_VERSION=1

STEP="start"
BAKE=""
say() { printf 'monitoring-image: %s\n' "$*"; }
cleanup() { if [ -n "${BAKE}" ]; then docker rm -f "${BAKE}" >/dev/null 2>&1 || true; fi; }
trap 'rc=$?; say "FAILED at step: ${STEP} (exit ${rc})" >&2; exit ${rc}' ERR
trap cleanup EXIT

STEP="find the base image"
[ -f "${CACHE}/images.env" ] || { say "no ${CACHE}/images.env: run scripts/testbed/build-images.sh" >&2; false; }
# shellcheck disable=SC1091
. "${CACHE}/images.env"
docker image inspect "${GOLIVE_FLEET_IMAGE}" >/dev/null 2>&1 \
  || { say "fleet image ${GOLIVE_FLEET_IMAGE} missing: run scripts/testbed/build-images.sh" >&2; false; }

HASH=$( { echo "${GOLIVE_FLEET_IMAGE}" "${RECIPE_VERSION}"; sha256sum < "${BASH_SOURCE[0]}"; } \
        | sha256sum | cut -c1-12)
IMAGE="golive-testbed/monitoring:${HASH}"

exec 9>"${CACHE}/monitoring-build.lock"
flock 9

if [ "${FORCE_REBUILD:-0}" != 1 ] && docker image inspect "${IMAGE}" >/dev/null 2>&1; then
  say "${IMAGE}: reused"
else
  T=${SECONDS}
  say "${IMAGE}: baking ${PACKAGES[*]} into ${GOLIVE_FLEET_IMAGE} ..."
  STEP="start the bake container"
  BAKE="golive-testbed-bake-monitoring-${HASH}"
  docker rm -f "${BAKE}" >/dev/null 2>&1 || true
  docker run -d --name "${BAKE}" "${SYSTEMD_FLAGS[@]}" "${GOLIVE_FLEET_IMAGE}" /sbin/init >/dev/null
  STEP="wait for systemd in the bake container"
  for _ in $(seq 1 60); do
    state=$(docker exec "${BAKE}" systemctl is-system-running 2>/dev/null || true)
    case "${state}" in running|degraded) break ;; esac
    sleep 0.5
  done
  STEP="install ${PACKAGES[*]}"
  # Services must not start while baking (policy-rc.d), and stay disabled in the image:
  # the roles enable what each host runs.
  docker exec -e DEBIAN_FRONTEND=noninteractive "${BAKE}" sh -euc "
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d
    apt-get update -qq
    apt-get install -y -qq ${PACKAGES[*]} >/dev/null
    rm -f /usr/sbin/policy-rc.d
    for s in ${SERVICES[*]}; do systemctl disable \"\$s\" >/dev/null 2>&1 || true; done
    apt-get clean
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/* /var/tmp/*
  " >"${CACHE}/monitoring-bake.log" 2>&1 || { tail -n 20 "${CACHE}/monitoring-bake.log" >&2; false; }
  STEP="stop the bake container"
  docker stop -t 20 "${BAKE}" >/dev/null
  STEP="docker commit ${IMAGE}"
  docker commit --change 'CMD ["/sbin/init"]' \
    --change "LABEL org.golive.testbed.recipe=${HASH}" "${BAKE}" "${IMAGE}" >/dev/null
  docker rm -f "${BAKE}" >/dev/null; BAKE=""
  say "${IMAGE}: built in $((SECONDS - T)) s"
fi

STEP="write ${ENV_FILE}"
printf 'GOLIVE_MONITORING_IMAGE=%s\n' "${IMAGE}" > "${ENV_FILE}.tmp" && mv -f "${ENV_FILE}.tmp" "${ENV_FILE}"
printf 'GOLIVE_MONITORING_IMAGE: "%s"\n' "${IMAGE}" > "${ENV_FILE}.yml.tmp" && mv -f "${ENV_FILE}.yml.tmp" "${ENV_FILE}.yml"
echo "GOLIVE_MONITORING_IMAGE=${IMAGE}"
