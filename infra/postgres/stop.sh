#!/usr/bin/env bash
# Stop the OpenPolicy PostgreSQL cluster in $STATE/pg (fast shutdown). Data is kept.
set -euo pipefail
LOG_TAG=postgres
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

PGDATA="$STATE/pg"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)}"

if [[ ! -s "$PGDATA/postmaster.pid" || -z "$PG_BIN" ]]; then
  echo "postgres not running"
  exit 0
fi
if runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
  echo "postgres stopped"
else
  echo "postgres not running"
fi
