#!/usr/bin/env bash
# Runs one of Kafka's command-line tools from the jars up.sh cached, against the local broker.
#
#   bash infra/local/kafka-tool.sh topics --list
#   bash infra/local/kafka-tool.sh topics --describe --topic meterline.events.v1
#   bash infra/local/kafka-tool.sh console-producer --topic meterline.events.v1
#   bash infra/local/kafka-tool.sh console-consumer --topic meterline.events.v1 --from-beginning
#   bash infra/local/kafka-tool.sh consumer-groups --list
#   bash infra/local/kafka-tool.sh configs --describe --entity-type topics --entity-name NAME
#   bash infra/local/kafka-tool.sh org.apache.kafka.tools.SomeOtherTool ARGS...   # as given
#
# The short names add --bootstrap-server 127.0.0.1:$KAFKA_PORT (default 9092).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=lib/kafka.sh
source "$LOCAL_DIR/lib/kafka.sh"

[ "$#" -ge 1 ] || die "usage: kafka-tool.sh TOOL [ARGS...] (see the top of this file)"
[ -f "$KAFKA_LIBS/.pom.sha256" ] || die "no Kafka jars in $KAFKA_LIBS yet: run infra/local/up.sh"

tool="$1"
shift
case "$tool" in
topics) main_class=org.apache.kafka.tools.TopicCommand ;;
console-producer) main_class=org.apache.kafka.tools.ConsoleProducer ;;
console-consumer) main_class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
consumer-groups) main_class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
configs) main_class=org.apache.kafka.tools.ConfigCommand ;;
*) exec "${KAFKA_TOOL_JAVA[@]}" "$tool" "$@" ;;
esac
exec "${KAFKA_TOOL_JAVA[@]}" "$main_class" --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@"
