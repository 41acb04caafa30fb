#!/usr/bin/env bash
# Start Redis for OpenPolicy (plain daemonized process, no persistence).
#   listen  : 127.0.0.1:${REDIS_PORT:-6379}
#   dir     : $STATE/redis (pid file redis.pid), log: $STATE/logs/redis.log
# Idempotent: if something already answers PONG on the port (ours, or e.g. a
# distro redis started by apt) it is reused and only the URL is printed.
set -euo pipefail
LOG_TAG=redis
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

PORT="${REDIS_PORT:-6379}"
URL="redis://127.0.0.1:${PORT}"

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  apt_install redis-server redis-tools
fi

ensure_state_dir
RDIR="$STATE/redis"
PIDFILE="$RDIR/redis.pid"
RLOG="$STATE/logs/redis.log"
mkdir -p "$RDIR"

pong() { [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" == "PONG" ]]; }

if pong; then
  pid_alive "$PIDFILE" redis-server || log "reusing a redis on port $PORT that was not started by this script"
  echo "redis listening on $URL"
  exit 0
fi
port_open "$PORT" && die "port $PORT on 127.0.0.1 is in use by something that does not answer redis PING.
       Check: ss -ltnp 'sport = :$PORT'   or use another port: REDIS_PORT=6380 $0"

log "starting (log: $RLOG)"
redis-server \
  --bind 127.0.0.1 --port "$PORT" --protected-mode yes \
  --daemonize yes --pidfile "$PIDFILE" \
  --dir "$RDIR" --logfile "$RLOG" \
  --save '' --appendonly no

deadline=$((SECONDS + 30))
until pong; do
  if ((SECONDS >= deadline)); then
    tail -n 30 "$RLOG" >&2 || true
    die "redis did not answer PING on 127.0.0.1:$PORT within 30s"
  fi
  sleep 0.2
done
echo "redis listening on $URL"
