#!/usr/bin/env bash
# Build the test fleet's container images, reusing any image already built from the same recipe.
#
#   base   golive-testbed/base:<hash>   debootstrap (Debian minbase + python3, systemd, sshd)
#   fleet  golive-testbed/fleet:<hash>  base + the packages in recipe/fleet-packages.txt
#
# Tags are content hashes of scripts/testbed/recipe/* (the fleet hash includes the base hash),
# so a second run with an unchanged recipe only looks the images up. The image names are printed
# and written to .cache/testbed/images.env (shell) and .cache/testbed/images.env.yml (for
# `molecule --env-file`, which fills ${GOLIVE_FLEET_IMAGE} in molecule/fleet/molecule.yml).
#
# Environment:
#   GOLIVE_TESTBED_CACHE   cache directory (default <repo>/.cache/testbed)
#   DEBIAN_MIRROR          Debian mirror (default: the one apt uses here, else deb.debian.org)
#   DEBIAN_SECURITY_MIRROR security mirror (default: the one apt uses here, else deb.debian.org)
#   FORCE_REBUILD=1        rebuild even when the tagged images exist
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
RECIPE="${HERE}/recipe"
CACHE="${GOLIVE_TESTBED_CACHE:-${REPO}/.cache/testbed}"
ENV_FILE="${CACHE}/images.env"
REPO_NAME="golive-testbed"
SYSTEMD_FLAGS=(--cap-add SYS_ADMIN --security-opt seccomp=unconfined
               -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock
               --stop-signal SIGRTMIN+3)

STEP="start"
ROOTFS=""
BAKE=""
T0=$(date +%s.%N)
say() { printf 'build-images: %s\n' "$*"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }

cleanup() {
  if [ -n "${BAKE}" ]; then docker rm -f "${BAKE}" >/dev/null 2>&1 || true; fi
  if [ -n "${ROOTFS}" ] && [ -d "${ROOTFS}" ]; then
    # debootstrap may leave /proc, /sys or /dev mounted inside the target on failure:
    # unmount them (deepest first) before removing anything, and never cross a filesystem.
    { findmnt -rn -o TARGET | grep -F "${ROOTFS}/" || true; } | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
    rm -rf --one-file-system "${ROOTFS}"
  fi
}
on_err() { rc=$?; say "FAILED at step: ${STEP} (exit ${rc})" >&2; exit "${rc}"; }
trap on_err ERR
trap cleanup EXIT

STEP="check prerequisites"
[ "$(id -u)" -eq 0 ] || { say "must run as root (debootstrap, docker)" >&2; false; }
docker info >/dev/null 2>&1 || { say "no Docker engine answers: run scripts/testbed/docker-up.sh" >&2; false; }
mkdir -p "${CACHE}"

# One build at a time per cache directory.
exec 9>"${CACHE}/build.lock"
flock 9

# ---- recipe hashes ----------------------------------------------------------------------
STEP="hash the recipe"
hash_files() { (cd "${RECIPE}" && sha256sum "$@") | sha256sum | cut -c1-12; }
BASE_HASH=$(hash_files base.env base-setup.sh)
FLEET_HASH=$( { echo "${BASE_HASH}"; (cd "${RECIPE}" && sha256sum fleet-packages.txt fleet-setup.sh); } \
              | sha256sum | cut -c1-12)
BASE_IMAGE="${REPO_NAME}/base:${BASE_HASH}"
FLEET_IMAGE="${REPO_NAME}/fleet:${FLEET_HASH}"
# shellcheck source=recipe/base.env
. "${RECIPE}/base.env"

# Boot must finish before installing: systemd-tmpfiles cleans /tmp while it boots.
wait_booted() {
  local state i
  for i in $(seq 1 60); do
    state=$(docker exec "$1" systemctl is-system-running 2>/dev/null || true)
    case "${state}" in running|degraded) return 0 ;; esac
    sleep 0.5
  done
  say "systemd in $1 did not finish booting within 30s (state: ${state:-none})" >&2
  false
}

have_image() { [ "${FORCE_REBUILD:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

# ---- mirrors: the ones apt is configured with on this machine ---------------------------
apt_uri() {  # $1: grep pattern for the suite (e.g. "security" or not)
  local want="$1" uri=""
  if compgen -G "/etc/apt/sources.list.d/*.sources" >/dev/null; then
    uri=$(awk -v want="$want" '
      /^URIs:/ { u = $2 } /^Suites:/ { s = $0 }
      /^$/ { if (u != "" && ((want == "sec") == (s ~ /security/))) { print u; exit } u = ""; s = "" }
      END { if (u != "" && ((want == "sec") == (s ~ /security/))) print u }' \
      /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
  fi
  if [ -z "${uri}" ] && [ -f /etc/apt/sources.list ]; then
    if [ "$want" = sec ]; then
      uri=$(awk '$1 == "deb" && $3 ~ /security/ { print $2; exit }' /etc/apt/sources.list)
    else
      uri=$(awk '$1 == "deb" && $3 !~ /security/ && $2 ~ /debian/ { print $2; exit }' /etc/apt/sources.list)
    fi
  fi
  printf '%s' "${uri}"
}

# ---- base image -------------------------------------------------------------------------
if have_image "${BASE_IMAGE}"; then
  say "base  ${BASE_IMAGE}: reused"
else
  T=$(date +%s.%N)
  STEP="find the Debian mirror"
  MIRROR="${DEBIAN_MIRROR:-$(apt_uri main)}"; MIRROR="${MIRROR:-http://deb.debian.org/debian}"
  SECURITY="${DEBIAN_SECURITY_MIRROR:-$(apt_uri sec)}"
  SECURITY="${SECURITY:-http://deb.debian.org/debian-security}"
  STEP="install debootstrap"
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  STEP="debootstrap ${SUITE} from ${MIRROR}"
  say "base  ${BASE_IMAGE}: debootstrap ${VARIANT} ${SUITE} from ${MIRROR} ..."
  ROOTFS=$(mktemp -d "${CACHE}/rootfs.XXXXXX")
  if ! debootstrap --variant="${VARIANT}" --include="${INCLUDE}" "${SUITE}" "${ROOTFS}" "${MIRROR}" \
        >"${CACHE}/debootstrap.log" 2>&1; then
    tail -n 20 "${CACHE}/debootstrap.log" >&2
    false
  fi
  STEP="configure the root filesystem (recipe/base-setup.sh)"
  install -m 0755 "${RECIPE}/base-setup.sh" "${ROOTFS}/tmp/base-setup.sh"
  chroot "${ROOTFS}" /tmp/base-setup.sh "${MIRROR}" "${SECURITY}" "${SUITE}"
  STEP="docker import ${BASE_IMAGE}"
  tar -C "${ROOTFS}" --one-file-system --numeric-owner -c . \
    | docker import --change 'CMD ["/sbin/init"]' \
        --change "LABEL org.golive.testbed.recipe=${BASE_HASH}" - "${BASE_IMAGE}" >/dev/null
  cleanup; ROOTFS=""
  say "base  ${BASE_IMAGE}: built in $(elapsed "$T")"
fi

# ---- fleet image ------------------------------------------------------------------------
if have_image "${FLEET_IMAGE}"; then
  say "fleet ${FLEET_IMAGE}: reused"
else
  T=$(date +%s.%N)
  mapfile -t PKGS < <(grep -Ev '^[[:space:]]*(#|$)' "${RECIPE}/fleet-packages.txt")
  say "fleet ${FLEET_IMAGE}: baking ${#PKGS[@]} packages into ${BASE_IMAGE} ..."
  STEP="start the bake container"
  BAKE="golive-testbed-bake-${FLEET_HASH}"
  docker rm -f "${BAKE}" >/dev/null 2>&1 || true
  docker run -d --name "${BAKE}" "${SYSTEMD_FLAGS[@]}" "${BASE_IMAGE}" /sbin/init >/dev/null
  STEP="wait for systemd in the bake container"
  wait_booted "${BAKE}"
  STEP="install packages in the bake container (recipe/fleet-setup.sh)"
  docker cp "${RECIPE}/fleet-setup.sh" "${BAKE}:/root/fleet-setup.sh"
  if ! docker exec "${BAKE}" sh /root/fleet-setup.sh "${PKGS[@]}" >"${CACHE}/bake.log" 2>&1; then
    tail -n 20 "${CACHE}/bake.log" >&2
    false
  fi
  STEP="stop the bake container"
  docker stop -t 20 "${BAKE}" >/dev/null
  STEP="docker commit ${FLEET_IMAGE}"
  docker commit --change 'CMD ["/sbin/init"]' \
    --change "LABEL org.golive.testbed.recipe=${FLEET_HASH}" "${BAKE}" "${FLEET_IMAGE}" >/dev/null
  docker rm -f "${BAKE}" >/dev/null; BAKE=""
  say "fleet ${FLEET_IMAGE}: built in $(elapsed "$T")"
fi

STEP="write ${ENV_FILE}"
# Two spellings of the same names: KEY=value for shells, KEY: value for `molecule --env-file`.
tmp=$(mktemp "${ENV_FILE}.XXXXXX")
printf 'GOLIVE_BASE_IMAGE=%s\nGOLIVE_FLEET_IMAGE=%s\n' "${BASE_IMAGE}" "${FLEET_IMAGE}" > "${tmp}"
mv -f "${tmp}" "${ENV_FILE}"
tmp=$(mktemp "${ENV_FILE}.yml.XXXXXX")
printf 'GOLIVE_BASE_IMAGE: "%s"\nGOLIVE_FLEET_IMAGE: "%s"\n' "${BASE_IMAGE}" "${FLEET_IMAGE}" > "${tmp}"
mv -f "${tmp}" "${ENV_FILE}.yml"
say "images ready in $(elapsed "$T0") (names in ${ENV_FILE})"
echo "GOLIVE_BASE_IMAGE=${BASE_IMAGE}"
echo "GOLIVE_FLEET_IMAGE=${FLEET_IMAGE}"
