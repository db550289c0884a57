#!/usr/bin/env bash
# Real Redis servers for the redis_check tests, on loopback only.
#
#   scripts/services/redis.sh [up|down|status]      (default: up)
#
# up (idempotent): installs redis-server from the distribution's packages if missing (its
# packaged service is left alone) and starts three instances of our own, each with its
# config, data and log under .cache/services/redis/<name>/:
#   main     127.0.0.1:${GOLIVE_REDIS_PORT:-56379}  password + ACL user `readiness`, maxmemory 64mb,
#            unix socket .cache/services/redis/main/redis.sock
#   replica  127.0.0.1:${GOLIVE_REDIS_REPLICA_PORT:-56380}  replica of main, same credentials
#   small    127.0.0.1:${GOLIVE_REDIS_SMALL_PORT:-56381}  maxmemory 4mb, noeviction: tests fill it
# The password is generated at the first setup and kept in .cache/services/redis.json (0600),
# which the tests read. Config files holding it are 0600 too. No password is ever a default.
# down: shuts the three instances down (data is kept).
# status: exits non-zero unless all three answer.
set -euo pipefail

ACTION="${1:-up}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${REPO}/.cache/services"
STATE="${STATE_DIR}/redis.json"
BASE="${STATE_DIR}/redis"
# shellcheck source=../lib/port-holder.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/port-holder.sh"
PORT="${GOLIVE_REDIS_PORT:-56379}"
REPLICA_PORT="${GOLIVE_REDIS_REPLICA_PORT:-56380}"
SMALL_PORT="${GOLIVE_REDIS_SMALL_PORT:-56381}"
USER_NAME=readiness
STEP="start"
trap 'rc=$?; echo "redis.sh: FAILED at step: ${STEP} (exit ${rc})" >&2; exit ${rc}' ERR

say() { echo "redis.sh: $*"; }
[ "$(id -u)" -eq 0 ] || { echo "redis.sh: run as root" >&2; exit 1; }

secret() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "${STATE}" "$1"; }

# Talk to an instance with the password from the environment (never on the command line).
cli() {  # port, args...
  local port="$1"; shift
  REDISCLI_AUTH="$(secret password)" redis-cli --no-auth-warning -h 127.0.0.1 -p "${port}" "$@"
}
answers() { [ "$(cli "$1" PING 2>/dev/null)" = "PONG" ]; }

wait_answers() {  # port, seconds
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    answers "$1" && return 0
    sleep 0.2
  done
  say "Redis on 127.0.0.1:$1 did not answer within $2 s" >&2
  return 1
}

NAMES=(main replica small)
port_of() { case "$1" in main) echo "${PORT}";; replica) echo "${REPLICA_PORT}";; small) echo "${SMALL_PORT}";; esac; }

if [ "${ACTION}" = "down" ]; then
  [ -s "${STATE}" ] || { say "never set up"; exit 0; }
  for name in replica small main; do
    if answers "$(port_of "${name}")"; then
      STEP="shutdown ${name}"
      cli "$(port_of "${name}")" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
      say "stopped ${name}"
    fi
  done
  exit 0
fi

if [ "${ACTION}" = "status" ]; then
  rc=0
  for name in "${NAMES[@]}"; do
    if answers "$(port_of "${name}")"; then say "${name} answers on $(port_of "${name}")"
    else say "${name} does not answer on $(port_of "${name}")"; rc=1; fi
  done
  exit "${rc}"
fi

[ "${ACTION}" = "up" ] || { echo "usage: $0 [up|down|status]" >&2; exit 2; }

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  STEP="install redis-server (apt-get)"
  say "installing redis-server from the distribution's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq redis-server redis-tools >/dev/null
fi

STEP="password file"
mkdir -p "${STATE_DIR}" "${BASE}"
chmod 0700 "${STATE_DIR}" "${BASE}"
if [ ! -s "${STATE}" ]; then
  umask 077
  python3 - "${STATE}" "${PORT}" "${REPLICA_PORT}" "${SMALL_PORT}" "${BASE}/main/redis.sock" "${USER_NAME}" <<'EOF'
import json, secrets, sys
path, port, replica_port, small_port, sock, user = sys.argv[1:]
with open(path, 'w') as handle:
    json.dump(dict(host='127.0.0.1', port=int(port), replica_port=int(replica_port),
                   small_port=int(small_port), unix_socket=sock, username=user,
                   password=secrets.token_urlsafe(24), user_password=secrets.token_urlsafe(24)),
              handle, indent=2)
EOF
  say "generated the passwords in ${STATE}"
fi
chmod 0600 "${STATE}"
PASSWORD="$(secret password)"
USER_PASSWORD="$(secret user_password)"

write_config() {  # name, port, extra lines...
  local name="$1" port="$2"; shift 2
  local dir="${BASE}/${name}"
  mkdir -p "${dir}"
  chmod 0700 "${dir}"
  (
    umask 077
    cat > "${dir}/redis.conf" <<EOF
# Written by scripts/services/redis.sh: a test instance on loopback only.
bind 127.0.0.1
protected-mode yes
port ${port}
daemonize yes
pidfile ${dir}/redis.pid
logfile ${dir}/redis.log
dir ${dir}
dbfilename dump.rdb
requirepass ${PASSWORD}
user ${USER_NAME} on >${USER_PASSWORD} resetkeys resetchannels -@all +@connection +info
EOF
    printf '%s\n' "$@" >> "${dir}/redis.conf"
  )
}

STEP="configure"
write_config main "${PORT}" "unixsocket ${BASE}/main/redis.sock" "unixsocketperm 700" \
  "maxmemory 64mb" "maxmemory-policy allkeys-lru" "appendonly yes"
write_config replica "${REPLICA_PORT}" "replicaof 127.0.0.1 ${PORT}" "masterauth ${PASSWORD}" \
  "maxmemory 64mb" "replica-read-only yes"
write_config small "${SMALL_PORT}" "maxmemory 4mb" "maxmemory-policy noeviction" "save \"\""

for name in main replica small; do
  port="$(port_of "${name}")"
  if answers "${port}"; then
    say "${name} already answers on ${port}"
    continue
  fi
  STEP="start ${name}"
  case "${name}" in main) env=GOLIVE_REDIS_PORT;; replica) env=GOLIVE_REDIS_REPLICA_PORT;; *) env=GOLIVE_REDIS_SMALL_PORT;; esac
  refuse_held "${port}" "Redis ${name}" "${env}"
  redis-server "${BASE}/${name}/redis.conf"
  wait_answers "${port}" 20
  say "started ${name} on 127.0.0.1:${port}"
done

STEP="replica link"
for ((i = 0; i < 50; i++)); do
  cli "${REPLICA_PORT}" INFO replication | grep -q '^master_link_status:up' && break
  sleep 0.2
done

say "ready: main 127.0.0.1:${PORT} (socket ${BASE}/main/redis.sock), replica ${REPLICA_PORT}," \
    "small ${SMALL_PORT}; credentials in ${STATE}"
