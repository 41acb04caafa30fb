#!/usr/bin/env bash
# Run Kafka CLI tools with the jars fetched by start.sh (no Kafka tarball needed).
#   infra/kafka/cli.sh topics --list
#   infra/kafka/cli.sh topics --create --topic t1 --partitions 3
#   echo hi | infra/kafka/cli.sh console-producer --topic t1
#   infra/kafka/cli.sh console-consumer --topic t1 --from-beginning --max-messages 1
#   infra/kafka/cli.sh consumer-groups --list
#   infra/kafka/cli.sh <fully.qualified.MainClass> [args...]
# --bootstrap-server 127.0.0.1:$KAFKA_PORT is added for the known tools unless given.
set -euo pipefail
LOG_TAG=kafka
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

[[ -s "$KLIBS/.version" && -s "$KHOME/tools-log4j2.properties" ]] || die "no Kafka jars in $KLIBS yet; run infra/kafka/start.sh first"
[[ $# -ge 1 ]] || { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

tool="$1"; shift
bootstrap=1
case "$tool" in
  topics)           main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups)  main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  configs)          main=kafka.admin.ConfigCommand ;;
  metadata-quorum)  main=org.apache.kafka.tools.MetadataQuorumCommand ;;
  get-offsets)      main=org.apache.kafka.tools.GetOffsetShell ;;
  delete-records)   main=org.apache.kafka.tools.DeleteRecordsCommand ;;
  storage)          main=kafka.tools.StorageTool; bootstrap=0 ;;
  *)                main="$tool"; bootstrap=0 ;;
esac
args=("$@")
if [[ $bootstrap -eq 1 && " $* " != *" --bootstrap-server "* ]]; then
  args=(--bootstrap-server "127.0.0.1:$KAFKA_PORT" "${args[@]}")
fi
kafka_run "$main" "${args[@]}"
