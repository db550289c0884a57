#!/bin/sh
# Runs inside a container of the base image (systemd as PID 1) to bake the fleet image.
# Argument: the packages to install. Services must not start while baking: policy-rc.d
# forbids it for the duration of the install.
set -eu
export DEBIAN_FRONTEND=noninteractive
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
apt-get update -qq
apt-get install -y -qq "$@" >/dev/null
rm -f /usr/sbin/policy-rc.d
# Installed, not running: each fleet host enables only its own services (molecule prepare).
for svc in nginx.service postgresql.service redis-server.service nftables.service; do
  systemctl disable "$svc" >/dev/null 2>&1 || true
done
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/* /var/tmp/*
