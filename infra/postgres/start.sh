#!/usr/bin/env bash
# Start a dedicated PostgreSQL cluster for OpenPolicy (plain process, no Docker).
#   data dir : $STATE/pg (owned by the `postgres` OS user)
#   listen   : 127.0.0.1:${PGPORT:-5432}, unix socket in the data dir
#   log      : $STATE/logs/postgres.log
# Idempotent: if our cluster is already running it only prints the URL.
set -euo pipefail
LOG_TAG=postgres
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

PORT="${PGPORT:-5432}"
PG_OS_USER=postgres
[[ $EUID -eq 0 ]] || die "run as root (the cluster is run as the '$PG_OS_USER' OS user)"

find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then echo "$PG_BIN"; return; fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$d" && -x "$d/postgres" ]] && echo "$d"
}

PG_BIN="$(find_pg_bin || true)"
if [[ -z "$PG_BIN" ]]; then
  apt_install postgresql postgresql-contrib
  PG_BIN="$(find_pg_bin || true)"
  [[ -n "$PG_BIN" ]] || die "postgres binaries not found after install"
fi
id "$PG_OS_USER" >/dev/null 2>&1 || die "OS user '$PG_OS_USER' missing (normally created by the postgresql package)"

ensure_state_dir
PGDATA="$STATE/pg"
PGLOG="$STATE/logs/postgres.log"
URL="postgres://postgres:postgres@127.0.0.1:${PORT}/postgres"

as_pg() { runuser -u "$PG_OS_USER" -- "$@"; }

mkdir -p "$PGDATA"
chown "$PG_OS_USER:" "$PGDATA"
chmod 700 "$PGDATA"
touch "$PGLOG"
chown "$PG_OS_USER:" "$PGLOG"
as_pg test -w "$PGDATA" ||
  die "'$PG_OS_USER' cannot access $PGDATA (a parent dir is not traversable?). Set OPENPOLICY_STATE to e.g. /var/tmp/openpolicy"

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  log "initdb in $PGDATA"
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$STATE/logs/initdb.log" 2>&1 ||
    { cat "$STATE/logs/initdb.log" >&2; die "initdb failed"; }
fi

# Our settings live in a separate file (rewritten each start) included from
# postgresql.conf, so PGPORT changes apply and initdb's file stays pristine.
cat >"$PGDATA/openpolicy.conf" <<EOF
# written by infra/postgres/start.sh -- edits are overwritten
listen_addresses = '127.0.0.1'
port = ${PORT}
unix_socket_directories = '${PGDATA}'
max_connections = 200
shared_buffers = 256MB
fsync = on
log_timezone = 'UTC'
timezone = 'UTC'
EOF
chown "$PG_OS_USER:" "$PGDATA/openpolicy.conf"
grep -q "^include_if_exists = 'openpolicy.conf'" "$PGDATA/postgresql.conf" ||
  printf "\ninclude_if_exists = 'openpolicy.conf'\n" >>"$PGDATA/postgresql.conf"

running_port() { # port of the running postmaster of $PGDATA (line 4 of postmaster.pid)
  sed -n 4p "$PGDATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'
}

wait_ready() {
  local deadline=$((SECONDS + 60))
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres; do
    if ((SECONDS >= deadline)); then
      tail -n 30 "$PGLOG" >&2 || true
      die "postgres not ready on 127.0.0.1:$PORT after 60s"
    fi
    sleep 0.5
  done
}

if as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  cur="$(running_port)"
  if [[ "$cur" != "$PORT" ]]; then
    port_open "$PORT" && die "port $PORT is already in use by something else; cannot move our cluster (running on $cur) there"
    log "cluster running on port $cur, restarting on $PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -m fast -w -t 60 restart >/dev/null
  fi
else
  if port_open "$PORT"; then
    die "port $PORT on 127.0.0.1 is already in use by something that is not our cluster ($PGDATA).
       Check: ss -ltnp 'sport = :$PORT'   (a distro cluster? see pg_lsclusters / pg_ctlcluster <ver> main stop)
       Or use another port: PGPORT=5433 $0"
  fi
  log "starting ($PG_BIN/pg_ctl, log: $PGLOG)"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 start >/dev/null ||
    { tail -n 30 "$PGLOG" >&2; die "pg_ctl start failed"; }
fi

wait_ready
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
  -c "ALTER ROLE postgres PASSWORD 'postgres'" >/dev/null

echo "postgres listening on $URL"
