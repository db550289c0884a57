#!/bin/sh
# Runs inside the freshly debootstrapped root filesystem (chroot) before `docker import`.
# Argument 1: the Debian mirror; argument 2: the security mirror; argument 3: the suite.
set -eu
MIRROR="$1"; SECURITY="$2"; SUITE="$3"

cat > /etc/apt/sources.list <<SRC
deb ${MIRROR} ${SUITE} main
deb ${MIRROR} ${SUITE}-updates main
deb ${SECURITY} ${SUITE}-security main
SRC

# Small images, quick installs: no docs, man pages or translations; no recommends.
cat > /etc/dpkg/dpkg.cfg.d/01-golive-nodoc <<'CFG'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
CFG
cat > /etc/apt/apt.conf.d/01-golive <<'CFG'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "3";
CFG

# Every container gets its own machine id at boot.
: > /etc/machine-id
rm -f /var/lib/dbus/machine-id

# Units that make no sense in a container: they fail or wait for hardware.
for unit in getty@tty1.service console-getty.service systemd-udevd.service \
            systemd-udev-trigger.service systemd-modules-load.service \
            systemd-remount-fs.service sys-kernel-debug.mount sys-kernel-tracing.mount \
            sys-fs-fuse-connections.mount dev-hugepages.mount \
            systemd-firstboot.service systemd-ask-password-wall.path; do
  ln -sf /dev/null "/etc/systemd/system/${unit}"
done

echo 'golive-testbed' > /etc/hostname
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /tmp/* /var/tmp/*
