#!/usr/bin/env bash
# Stop the Redis on 127.0.0.1:${REDIS_PORT:-6379} (SHUTDOWN NOSAVE; no data is kept anyway).
set -euo pipefail
LOG_TAG=redis
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

PORT="${REDIS_PORT:-6379}"
PIDFILE="$STATE/redis/redis.pid"

if command -v redis-cli >/dev/null && [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" == "PONG" ]]; then
  timeout 10 redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
  deadline=$((SECONDS + 15))
  while port_open "$PORT"; do
    ((SECONDS < deadline)) || die "redis still listening on $PORT after SHUTDOWN"
    sleep 0.2
  done
  rm -f "$PIDFILE"
  echo "redis stopped"
elif pid_alive "$PIDFILE" redis-server; then
  kill "$(cat "$PIDFILE")" && rm -f "$PIDFILE"
  echo "redis stopped"
else
  echo "redis not running"
fi
