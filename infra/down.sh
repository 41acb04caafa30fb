#!/usr/bin/env bash
# Stop Kafka, Redis and Postgres (data in the state dir is kept).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
"$HERE/kafka/stop.sh" || rc=1
"$HERE/redis/stop.sh" || rc=1
"$HERE/postgres/stop.sh" || rc=1
exit $rc
