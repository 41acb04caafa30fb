#!/usr/bin/env bash
# Start (installing if needed) Postgres, Redis and Kafka as plain processes.
# Idempotent: already-running services are left alone. Prints one line per service.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$HERE/postgres/start.sh"
"$HERE/redis/start.sh"
"$HERE/kafka/start.sh"
