#!/usr/bin/env bash
# Stop the Kafka broker started by start.sh: SIGTERM (controlled shutdown), wait
# up to ${KAFKA_STOP_TIMEOUT:-60}s, then SIGKILL. Data in $STATE/kafka/data is
# kept, so start.sh brings the same cluster (topics, offsets) back.
# KAFKA_STOP_SIGNAL=KILL simulates a crash (no controlled shutdown).
set -euo pipefail
LOG_TAG=kafka
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if ! pid_alive "$KPID" "$KAFKA_MAIN"; then
  rm -f "$KPID"
  echo "kafka not running"
  exit 0
fi
pid="$(cat "$KPID")"
kill -s "${KAFKA_STOP_SIGNAL:-TERM}" "$pid"
deadline=$((SECONDS + ${KAFKA_STOP_TIMEOUT:-60}))
while kill -0 "$pid" 2>/dev/null; do
  if ((SECONDS >= deadline)); then
    log "broker $pid still alive after ${KAFKA_STOP_TIMEOUT:-60}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
    break
  fi
  sleep 0.5
done
rm -f "$KPID"
echo "kafka stopped"
