#!/usr/bin/env bash
# Build the tiny image docker_check's tests run their containers from, idempotently.
#
# No registry is reachable, so the image is Debian's static busybox imported as a root
# filesystem: golive-test/busybox:<first 12 hex of the binary's sha256>. A second run only
# looks the tag up. Starts the engine first (scripts/testbed/docker-up.sh) and installs
# busybox-static if it is missing. Prints the image name on the last line.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "${HERE}/../.." && pwd)"
say() { echo "docker-test-image: $*" >&2; }

"${REPO}/scripts/testbed/docker-up.sh" >&2

BUSYBOX=/bin/busybox
is_static() { [ -x "${BUSYBOX}" ] && case "$(ldd "${BUSYBOX}" 2>&1 || true)" in *"not a dynamic"*) true ;; *) false ;; esac; }
if ! is_static; then
  say "installing busybox-static"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq busybox-static >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq busybox-static >/dev/null; }
fi
is_static || { say "${BUSYBOX} is not a static busybox"; exit 1; }

TAG=$(sha256sum "${BUSYBOX}" | cut -c1-12)
IMAGE="golive-test/busybox:${TAG}"
if docker image inspect "${IMAGE}" >/dev/null 2>&1; then
  say "${IMAGE} exists"
  echo "${IMAGE}"
  exit 0
fi

ROOT=$(mktemp -d)
trap 'rm -rf "${ROOT}"' EXIT
mkdir -p "${ROOT}/bin" "${ROOT}/tmp" "${ROOT}/proc" "${ROOT}/sys" "${ROOT}/dev" "${ROOT}/etc"
cp "${BUSYBOX}" "${ROOT}/bin/busybox"
for applet in $("${BUSYBOX}" --list); do
  [ "${applet}" = busybox ] || ln -sf busybox "${ROOT}/bin/${applet}"
done
echo 'root:x:0:0:root:/:/bin/sh' > "${ROOT}/etc/passwd"
chmod 1777 "${ROOT}/tmp"
tar -C "${ROOT}" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin' - "${IMAGE}" >/dev/null
say "built ${IMAGE}"
echo "${IMAGE}"
