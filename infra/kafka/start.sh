#!/usr/bin/env bash
# Start a single-node Apache Kafka 4.x broker (KRaft combined mode) as a plain
# JVM process, no Docker and no Kafka tarball: jars come from Maven Central.
#   broker     : PLAINTEXT://127.0.0.1:${KAFKA_PORT:-9092}
#   controller : CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT:-9093}
#   state      : $STATE/kafka/{libs,data,server.properties,kafka.pid}
#   logs       : $STATE/logs/kafka/server.log, $STATE/logs/kafka.out
# Idempotent: skips the jar fetch if libs exist, the storage format if already
# formatted, and the start if the broker is already running.
set -euo pipefail
LOG_TAG=kafka
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

ensure_state_dir
mkdir -p "$KHOME" "$KDATA" "$KLOGDIR"

# ---- toolchain ---------------------------------------------------------------
if ! command -v "$JAVA" >/dev/null; then apt_install openjdk-17-jre-headless; fi
java_major="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[[ "${java_major:-0}" -ge 17 ]] 2>/dev/null || die "Kafka 4.x needs Java 17+, '$JAVA' is ${java_major:-unknown}"

# ---- 1. jars (once per version) ----------------------------------------------
if [[ "$(cat "$KLIBS/.version" 2>/dev/null || true)" != "$KAFKA_VERSION" ]]; then
  command -v mvn >/dev/null || apt_install maven
  log "fetching org.apache.kafka:kafka_2.13:$KAFKA_VERSION + runtime deps from Maven Central"
  t0=$SECONDS
  rm -rf "$KLIBS.tmp"
  # -q keeps it quiet but errors are still printed (minus Debian mvn's stray
  # ANSI reset codes); -B = batch mode, no progress output.
  mvn_rc=0
  mvn_out="$(mvn -B -q -f "$HERE/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KLIBS.tmp" 2>&1)" || mvn_rc=$?
  mvn_out="$(printf '%s' "$mvn_out" | sed 's/\x1b\[[0-9;]*m//g')"
  [[ -z "${mvn_out//[[:space:]]/}" ]] || printf '%s\n' "$mvn_out" >&2
  [[ $mvn_rc -eq 0 ]] || die "maven could not fetch Kafka $KAFKA_VERSION (rc=$mvn_rc, see errors above)"
  [[ -s "$KLIBS.tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"
  rm -rf "$KLIBS"
  mv "$KLIBS.tmp" "$KLIBS"
  echo "$KAFKA_VERSION" >"$KLIBS/.version"
  log "fetched $(ls "$KLIBS"/*.jar | wc -l) jars in $((SECONDS - t0))s"
fi

# ---- 2. config (rewritten every start; data survives) -------------------------
cat >"$KHOME/log4j2.properties" <<'EOF'
# broker logging (written by infra/kafka/start.sh)
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.filePattern = ${sys:kafka.logs.dir}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.netty.name = org.apache.kafka.clients.NetworkClient
logger.netty.level = WARN
EOF
cat >"$KHOME/tools-log4j2.properties" <<'EOF'
# CLI tools logging: warnings to stderr only (written by infra/kafka/start.sh)
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
cat >"$KCONF" <<EOF
# written by infra/kafka/start.sh -- edits are overwritten on every start
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${KDATA}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.network.threads=3
num.io.threads=4
log.retention.hours=24
log.segment.bytes=104857600
EOF

# ---- 3. already running? ------------------------------------------------------
topics_list() {
  KAFKA_RUN_TIMEOUT=30 kafka_run org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list >/dev/null 2>&1
}

if pid_alive "$KPID" "$KAFKA_MAIN"; then
  if port_open "$KAFKA_PORT"; then
    echo "kafka listening on 127.0.0.1:${KAFKA_PORT}"
    exit 0
  fi
  log "broker process $(cat "$KPID") is running but port $KAFKA_PORT is closed; waiting for it"
else
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$p" && die "port $p on 127.0.0.1 is already in use by something that is not our broker ($KPID).
       Check: ss -ltnp 'sport = :$p'   or use KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  done

  # ---- 4. format storage once -------------------------------------------------
  if [[ ! -s "$KDATA/meta.properties" ]]; then
    [[ -s "$KHOME/cluster.id" ]] || kafka_run kafka.tools.StorageTool random-uuid >"$KHOME/cluster.id"
    log "formatting $KDATA (cluster id $(cat "$KHOME/cluster.id"))"
    kafka_run kafka.tools.StorageTool format -t "$(cat "$KHOME/cluster.id")" -c "$KCONF" --ignore-formatted >/dev/null ||
      die "kafka storage format failed"
  fi

  # ---- 5. start ---------------------------------------------------------------
  log "starting Kafka $(cat "$KLIBS/.version") (log: $KLOGDIR/server.log)"
  # shellcheck disable=SC2086
  setsid nohup "$JAVA" $KAFKA_HEAP_OPTS -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dkafka.logs.dir="$KLOGDIR" -Dlog4j2.configurationFile="$KHOME/log4j2.properties" \
    -cp "$KLIBS/*" "$KAFKA_MAIN" "$KCONF" >>"$KOUT" 2>&1 </dev/null &
  echo $! >"$KPID"
fi

# ---- 6. wait until it really serves requests -----------------------------------
TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
t0=$SECONDS
deadline=$((SECONDS + TIMEOUT))
fail() {
  echo "---- tail $KLOGDIR/server.log" >&2; tail -n 40 "$KLOGDIR/server.log" >&2 2>/dev/null || true
  echo "---- tail $KOUT" >&2; tail -n 20 "$KOUT" >&2 2>/dev/null || true
  die "$1"
}
until port_open "$KAFKA_PORT" && topics_list; do
  pid_alive "$KPID" "$KAFKA_MAIN" || fail "broker process exited during startup"
  ((SECONDS < deadline)) || fail "broker not ready on 127.0.0.1:$KAFKA_PORT after ${TIMEOUT}s (pid $(cat "$KPID"))"
  sleep 1
done
log "ready after $((SECONDS - t0))s"
echo "kafka listening on 127.0.0.1:${KAFKA_PORT}"
