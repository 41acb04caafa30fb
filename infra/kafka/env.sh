# shellcheck shell=bash
# Shared Kafka settings for start.sh / stop.sh / cli.sh. Source it, don't run it.
# shellcheck disable=SC2034  # variables are used by the scripts sourcing this file
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx512m -Xms256m}"
JAVA="${JAVA:-java}"

KHOME="$STATE/kafka"
KLIBS="$KHOME/libs"
KDATA="$KHOME/data"           # log.dirs (also holds the KRaft metadata log)
KCONF="$KHOME/server.properties"
KPID="$KHOME/kafka.pid"
KLOGDIR="$STATE/logs/kafka"   # server.log etc. (log4j2)
KOUT="$STATE/logs/kafka.out"  # stdout/stderr of the JVM
KAFKA_MAIN=kafka.Kafka

# Run a Kafka main class with the fetched classpath and quiet (WARN) logging,
# the equivalent of bin/kafka-run-class.sh with tools-log4j2 config.
# Optional KAFKA_RUN_TIMEOUT=<seconds> kills it after that long.
kafka_run() {
  local main="$1"; shift
  local pre=()
  [[ -z "${KAFKA_RUN_TIMEOUT:-}" ]] || pre=(timeout "$KAFKA_RUN_TIMEOUT")
  "${pre[@]}" "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KHOME/tools-log4j2.properties" \
    -cp "$KLIBS/*" "$main" "$@"
}
