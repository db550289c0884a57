#!/usr/bin/env bash
# A real PostgreSQL for the postgres_check tests, on loopback only.
#
#   scripts/services/postgres.sh [up|down|status]      (default: up)
#
# up (idempotent): installs postgresql + postgresql-contrib from the distribution's packages
# if missing, creates two clusters of the installed major version that leave the distribution's
# own `main` cluster alone:
#   golive          primary on 127.0.0.1:${GOLIVE_PG_PORT:-55432}, pg_stat_statements loaded
#   golive_replica  streaming replica of it on 127.0.0.1:${GOLIVE_PG_REPLICA_PORT:-55433}
# starts both, and creates the role `readiness` (LOGIN, pg_monitor) and the database `shop`
# (three tables, the pg_stat_statements extension). The role's password is generated at the
# first setup and kept in .cache/services/postgres.json (mode 0600), which the tests read;
# every run sets the role's password from that file. No password is ever a default.
# down: stops both clusters (keeps them and the password).
# status: prints the clusters and exits non-zero unless both accept connections.
set -euo pipefail

ACTION="${1:-up}"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE_DIR="${REPO}/.cache/services"
STATE="${STATE_DIR}/postgres.json"
# shellcheck source=../lib/port-holder.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/port-holder.sh"
PORT="${GOLIVE_PG_PORT:-55432}"
REPLICA_PORT="${GOLIVE_PG_REPLICA_PORT:-55433}"
CLUSTER=golive
REPLICA=golive_replica
SOCKET_DIR=/var/run/postgresql
ROLE=readiness
DATABASE=shop
STEP="start"
trap 'rc=$?; echo "postgres.sh: FAILED at step: ${STEP} (exit ${rc})" >&2; exit ${rc}' ERR

say() { echo "postgres.sh: $*"; }
as_pg() { runuser -u postgres -- "$@"; }
psql_pg() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "${SOCKET_DIR}" -p "${PORT}" "$@"; }
ready() { as_pg pg_isready -q -h 127.0.0.1 -p "$1" -t 2; }

[ "$(id -u)" -eq 0 ] || { echo "postgres.sh: run as root" >&2; exit 1; }

major_version() {
  # The newest installed server version (Debian installs one per release).
  ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1
}

wait_ready() {  # port, seconds
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    ready "$1" && return 0
    sleep 0.5
  done
  say "PostgreSQL on 127.0.0.1:$1 did not accept connections within $2 s" >&2
  return 1
}

if [ "${ACTION}" = "down" ]; then
  VER="$(major_version)"
  [ -n "${VER}" ] || { say "not installed"; exit 0; }
  for c in "${REPLICA}" "${CLUSTER}"; do
    if pg_lsclusters -h | awk -v c="$c" '$2 == c && $4 == "online"' | grep -q .; then
      STEP="stop ${c}"; pg_ctlcluster "${VER}" "$c" stop -m fast; say "stopped ${c}"
    fi
  done
  exit 0
fi

if [ "${ACTION}" = "status" ]; then
  pg_lsclusters
  ready "${PORT}" && ready "${REPLICA_PORT}"
  exit $?
fi

[ "${ACTION}" = "up" ] || { echo "usage: $0 [up|down|status]" >&2; exit 2; }

if [ -z "$(major_version)" ] || ! command -v pg_createcluster >/dev/null 2>&1 \
   || [ ! -e "/usr/share/postgresql/$(major_version)/extension/pg_stat_statements.control" ]; then
  STEP="install postgresql (apt-get)"
  say "installing postgresql and postgresql-contrib from the distribution's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq postgresql postgresql-contrib >/dev/null
fi
VER="$(major_version)"
BIN="/usr/lib/postgresql/${VER}/bin"

STEP="password file"
mkdir -p "${STATE_DIR}"
chmod 0700 "${STATE_DIR}"
if [ ! -s "${STATE}" ]; then
  umask 077
  python3 - "${STATE}" "${PORT}" "${REPLICA_PORT}" "${SOCKET_DIR}" "${ROLE}" "${DATABASE}" <<'EOF'
import json, secrets, sys
path, port, replica_port, socket_dir, user, database = sys.argv[1:]
with open(path, 'w') as handle:
    json.dump(dict(host='127.0.0.1', port=int(port), replica_port=int(replica_port),
                   unix_socket=socket_dir, user=user, database=database,
                   password=secrets.token_urlsafe(24)), handle, indent=2)
EOF
  say "generated the ${ROLE} password in ${STATE}"
fi
chmod 0600 "${STATE}"
PASSWORD="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["password"])' "${STATE}")"

STEP="create cluster ${CLUSTER}"
if ! pg_lsclusters -h | awk -v c="${CLUSTER}" '$2 == c' | grep -q .; then
  say "creating cluster ${VER}/${CLUSTER} on port ${PORT}"
  pg_createcluster "${VER}" "${CLUSTER}" -p "${PORT}" -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
CONF_D="/etc/postgresql/${VER}/${CLUSTER}/conf.d"
mkdir -p "${CONF_D}"
cat > "${CONF_D}/golive.conf" <<EOF
# Written by scripts/services/postgres.sh: loopback only, statistics for postgres_check.
listen_addresses = '127.0.0.1'
port = ${PORT}
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_utility = off
wal_level = replica
max_wal_senders = 4
max_connections = 50
EOF
chown -R postgres:postgres "${CONF_D}"

STEP="start ${CLUSTER}"
if ! ready "${PORT}"; then
  refuse_held "${PORT}" "PostgreSQL" GOLIVE_PG_PORT
  pg_ctlcluster "${VER}" "${CLUSTER}" start
fi
wait_ready "${PORT}" 30

STEP="role and database"
# The password goes through stdin, never on a command line; utility statements are not
# tracked by pg_stat_statements (track_utility = off above), so it is in no statistics either.
psql_pg -d postgres -v pw="${PASSWORD}" <<'EOF'
SET log_statement = 'none';
SET client_min_messages = warning;
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'readiness') AS need_role \gset
\if :need_role
CREATE ROLE readiness LOGIN;
\endif
ALTER ROLE readiness WITH LOGIN PASSWORD :'pw';
GRANT pg_monitor TO readiness;
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'shop') AS need_db \gset
\if :need_db
CREATE DATABASE shop OWNER readiness;
\endif
EOF
psql_pg -d "${DATABASE}" <<'EOF'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
SET ROLE readiness;
CREATE TABLE IF NOT EXISTS customers (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE IF NOT EXISTS products (id bigserial PRIMARY KEY, title text NOT NULL, price numeric(10, 2));
CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY,
                                   customer_id bigint REFERENCES customers (id),
                                   product_id bigint REFERENCES products (id),
                                   created timestamptz DEFAULT now());
INSERT INTO customers (name) SELECT 'customer ' || i FROM generate_series(1, 100) i
  WHERE NOT EXISTS (SELECT 1 FROM customers);
INSERT INTO products (title, price) SELECT 'product ' || i, i FROM generate_series(1, 50) i
  WHERE NOT EXISTS (SELECT 1 FROM products);
EOF

STEP="replication access"
NEED_RELOAD=""
HBA="/etc/postgresql/${VER}/${CLUSTER}/pg_hba.conf"
if ! grep -q '^local[[:space:]]\+replication[[:space:]]\+postgres' "${HBA}"; then
  echo 'local   replication     postgres                                peer' >> "${HBA}"
  pg_ctlcluster "${VER}" "${CLUSTER}" reload
fi
# The readiness role logs in with its password over the socket too (the first matching line wins).
for conf in "${HBA}" "/etc/postgresql/${VER}/${REPLICA}/pg_hba.conf"; do
  if [ -f "${conf}" ] && ! grep -q '^local[[:space:]]\+all[[:space:]]\+readiness' "${conf}"; then
    sed -i '0,/^\(local\|host\)/s//local   all             readiness                               scram-sha-256\n&/' "${conf}"
    NEED_RELOAD=1
  fi
done

STEP="create replica ${REPLICA}"
if ! pg_lsclusters -h | awk -v c="${REPLICA}" '$2 == c' | grep -q .; then
  say "creating replica ${VER}/${REPLICA} on port ${REPLICA_PORT} (pg_basebackup)"
  pg_createcluster "${VER}" "${REPLICA}" -p "${REPLICA_PORT}" >/dev/null
  DATA="/var/lib/postgresql/${VER}/${REPLICA}"
  find "${DATA}" -mindepth 1 -delete
  as_pg "${BIN}/pg_basebackup" -h "${SOCKET_DIR}" -p "${PORT}" -U postgres -D "${DATA}" -R -X stream -c fast
fi
RCONF_D="/etc/postgresql/${VER}/${REPLICA}/conf.d"
mkdir -p "${RCONF_D}"
cat > "${RCONF_D}/golive.conf" <<EOF
# Written by scripts/services/postgres.sh: a streaming replica of ${CLUSTER}, loopback only.
listen_addresses = '127.0.0.1'
port = ${REPLICA_PORT}
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track_utility = off
max_connections = 50
hot_standby = on
EOF
chown -R postgres:postgres "${RCONF_D}"

STEP="start ${REPLICA}"
if ! ready "${REPLICA_PORT}"; then
  refuse_held "${REPLICA_PORT}" "PostgreSQL" GOLIVE_PG_REPLICA_PORT
  pg_ctlcluster "${VER}" "${REPLICA}" start
fi
wait_ready "${REPLICA_PORT}" 30
if [ -n "${NEED_RELOAD:-}" ]; then
  pg_ctlcluster "${VER}" "${CLUSTER}" reload
  pg_ctlcluster "${VER}" "${REPLICA}" reload
fi

STEP="replica streaming"
# A replica that has replayed no transaction yet cannot tell its lag in seconds (postgres_check
# says unknown), so the primary commits one and the replica must replay it.
replica_sql() { as_pg psql -X -Atq -h "${SOCKET_DIR}" -p "${REPLICA_PORT}" -d postgres -c "$1"; }
psql_pg -d postgres -c 'SELECT txid_current()' >/dev/null
for ((i = 0; i < 60; i++)); do
  [ "$(replica_sql "SELECT (SELECT status FROM pg_stat_wal_receiver) = 'streaming'
                      AND pg_last_xact_replay_timestamp() IS NOT NULL")" = t ] && break
  sleep 0.5
done
[ "${i}" -lt 60 ] || { say "the replica did not stream and replay within 30 s" >&2; exit 1; }

STEP="steady state"
# A cluster created a moment ago has read most of its blocks from disk (a cache hit ratio near
# 93%, which postgres_check rightly fails), unlike a database in service. Statistics start
# again here and a read workload runs, so the tests measure a server in its steady state.
psql_pg -d "${DATABASE}" <<'EOF'
SET client_min_messages = warning;
SELECT pg_stat_reset();
DO $$
BEGIN
  FOR i IN 1..1000 LOOP
    PERFORM count(*) FROM customers c JOIN orders o ON o.customer_id = c.id
                                      JOIN products p ON p.id = o.product_id;
    PERFORM count(*) FROM customers;
    PERFORM count(*) FROM products;
  END LOOP;
END $$;
EOF

say "ready: primary 127.0.0.1:${PORT}, replica 127.0.0.1:${REPLICA_PORT}, socket ${SOCKET_DIR}," \
    "database ${DATABASE}, role ${ROLE} (password in ${STATE})"
