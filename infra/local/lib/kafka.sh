# shellcheck shell=bash
# Apache Kafka 4 in KRaft mode from Maven Central jars (infra/kafka/pom.xml), run on the
# machine's Java 17 as one combined broker+controller. Data in .run/kafka, jars in .cache.

KAFKA_POM="$INFRA_DIR/kafka/pom.xml"
KAFKA_LIBS="$CACHE_DIR/kafka-libs"
KAFKA_DIR="$RUN_DIR/kafka"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_CONFIG="$KAFKA_DIR/server.properties"
# Fixed so every machine's local cluster looks the same; base64 of "meterline-local!".
KAFKA_CLUSTER_ID="bWV0ZXJsaW5lLWxvY2FsIQ"
KAFKA_HEAP="${METERLINE_KAFKA_HEAP:--Xms256m -Xmx512m}"
KAFKA_TOPIC_PARTITIONS=4

kafka_ensure_java() {
	if ! command -v java >/dev/null 2>&1; then
		ensure_packages openjdk-17-jre-headless
	fi
	local major
	major="$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)"
	if [ -z "$major" ] || [ "$major" -lt 17 ]; then
		die "kafka: Kafka 4 needs Java 17 or newer on PATH, found '${major:-none}'"
	fi
	command -v mvn >/dev/null 2>&1 || ensure_packages maven
}

# The jar cache is keyed by the pom's hash and swapped in whole, so an interrupted download
# never looks complete and a version bump in the pom re-resolves.
kafka_ensure_libs() {
	local want marker="$KAFKA_LIBS/.pom.sha256"
	want="$(sha256sum "$KAFKA_POM" | cut -d' ' -f1)"
	if [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; then
		return 0
	fi
	log "kafka: resolving jars from Maven Central into $KAFKA_LIBS"
	local staging="$KAFKA_LIBS.partial"
	rm -rf "$staging"
	mkdir -p "$CACHE_DIR"
	local mvn_log="$CACHE_DIR/kafka-mvn.log"
	if ! mvn -B -ntp -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
		-DoutputDirectory="$staging" -DincludeScope=runtime >"$mvn_log" 2>&1; then
		show_log_tail "$mvn_log"
		die "kafka: mvn dependency:copy-dependencies failed for $KAFKA_POM; log: $mvn_log"
	fi
	ls "$staging"/kafka_2.13-*.jar >/dev/null 2>&1 || die "kafka: no kafka_2.13 jar was resolved"
	printf '%s\n' "$want" >"$staging/.pom.sha256"
	rm -rf "$KAFKA_LIBS"
	mv "$staging" "$KAFKA_LIBS"
}

kafka_version() {
	local jar
	jar="$(ls "$KAFKA_LIBS"/kafka_2.13-*.jar 2>/dev/null | head -n 1)"
	jar="${jar##*/kafka_2.13-}"
	printf '%s' "${jar%.jar}"
}

# Java command line for Kafka's command-line tools: small heap, fast startup, quiet logging.
KAFKA_TOOL_JAVA=(java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true
	"-Dlog4j2.configurationFile=$INFRA_DIR/kafka/tools-log4j2.xml" -cp "$KAFKA_LIBS/*")

# kafka_tool MAIN_CLASS ARGS...: one of Kafka's tools on the cached classpath.
kafka_tool() {
	"${KAFKA_TOOL_JAVA[@]}" "$@"
}

# The admin client retries for a minute on its own; the timeout bounds a broker that hangs.
kafka_admin() {
	local main_class="$1"
	shift
	timeout 90 "${KAFKA_TOOL_JAVA[@]}" "$main_class" --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@"
}

kafka_topics() {
	kafka_admin org.apache.kafka.tools.TopicCommand "$@"
}

kafka_write_config() {
	mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
	render_template "$INFRA_DIR/kafka/server.properties" "$KAFKA_CONFIG" \
		"KAFKA_PORT=$KAFKA_PORT" "CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT" "LOG_DIRS=$KAFKA_DATA"
}

kafka_format_once() {
	[ -f "$KAFKA_DATA/meta.properties" ] && return 0
	log "kafka: formatting storage in $KAFKA_DATA (cluster id $KAFKA_CLUSTER_ID)"
	kafka_tool kafka.tools.StorageTool format --config "$KAFKA_CONFIG" \
		--cluster-id "$KAFKA_CLUSTER_ID" --standalone >>"$KAFKA_LOGS/format.log" 2>&1 ||
		{
			show_log_tail "$KAFKA_LOGS/format.log"
			die "kafka: storage format failed; log: $KAFKA_LOGS/format.log"
		}
}

kafka_start() {
	evict_other_checkout kafka "$KAFKA_PORT"
	port_open "$KAFKA_PORT" && die "kafka: port 127.0.0.1:$KAFKA_PORT is taken by another process"
	port_open "$KAFKA_CONTROLLER_PORT" &&
		die "kafka: controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is taken by another process"
	log "kafka: starting broker+controller on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
	local pid
	# shellcheck disable=SC2086 # KAFKA_HEAP holds several JVM flags.
	pid="$(start_detached "$KAFKA_PIDFILE" "$KAFKA_LOGS/stdout.log" \
		java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
		-Djava.net.preferIPv4Stack=true \
		-Dlog4j2.configurationFile="$INFRA_DIR/kafka/log4j2.xml" -Dkafka.logs.dir="$KAFKA_LOGS" \
		-cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONFIG")" ||
		die "kafka: the JVM did not start; log: $KAFKA_LOGS/stdout.log"
	wait_ready kafka "$pid" "$KAFKA_LOGS/stdout.log|$KAFKA_LOGS/server.log" "broker port 127.0.0.1:$KAFKA_PORT" \
		port_open "$KAFKA_PORT"
}

# Creates the topic if missing and makes sure the broker stamps append time on every record
# (ingested_at comes from it). Leaves the describe output in KAFKA_TOPIC_DESCRIPTION.
kafka_ensure_topic() {
	local deadline=$((SECONDS + STACK_TIMEOUT)) description=""
	while :; do
		if description="$(kafka_topics --describe --topic "$KAFKA_TOPIC" 2>&1)" &&
			grep -q "Topic: $KAFKA_TOPIC" <<<"$description"; then
			break
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			printf '%s\n' "$description" | tail -n 5 >&2
			die "kafka: topic $KAFKA_TOPIC not ready after ${STACK_TIMEOUT}s; log: $KAFKA_LOGS/server.log"
		fi
		if grep -q "does not exist" <<<"$description"; then
			log "kafka: creating topic $KAFKA_TOPIC ($KAFKA_TOPIC_PARTITIONS partitions, LogAppendTime)"
			kafka_topics --create --if-not-exists --topic "$KAFKA_TOPIC" \
				--partitions "$KAFKA_TOPIC_PARTITIONS" --replication-factor 1 \
				--config message.timestamp.type=LogAppendTime >&2 || sleep 1
		else
			sleep 1
		fi
	done
	if ! grep -q "message.timestamp.type=LogAppendTime" <<<"$description"; then
		log "kafka: setting message.timestamp.type=LogAppendTime on existing topic $KAFKA_TOPIC"
		kafka_admin org.apache.kafka.tools.ConfigCommand --alter \
			--entity-type topics --entity-name "$KAFKA_TOPIC" \
			--add-config message.timestamp.type=LogAppendTime >&2 ||
			die "kafka: could not set message.timestamp.type on $KAFKA_TOPIC"
		description="$(kafka_topics --describe --topic "$KAFKA_TOPIC" 2>&1)"
	fi
	KAFKA_TOPIC_DESCRIPTION="$description"
}

kafka_up() {
	kafka_ensure_java
	kafka_ensure_libs
	local config_changed=no
	kafka_write_config && config_changed=yes
	kafka_format_once
	if pid_from_file "$KAFKA_PIDFILE" kafka.Kafka >/dev/null; then
		if [ "$config_changed" = yes ]; then
			log "kafka: configuration changed, restarting"
			stop_pidfile kafka "$KAFKA_PIDFILE" kafka.Kafka
			kafka_start
		fi
	else
		kafka_start
	fi
	kafka_ensure_topic
}

kafka_down() {
	stop_pidfile kafka "$KAFKA_PIDFILE" kafka.Kafka
}

kafka_summary() {
	local partitions
	partitions="$(sed -n 's/.*PartitionCount: \([0-9]*\).*/\1/p' <<<"${KAFKA_TOPIC_DESCRIPTION:-}" | head -n 1)"
	printf 'kafka       127.0.0.1:%s  controller 127.0.0.1:%s, topic %s (%s partitions, LogAppendTime) (Kafka %s, KRaft)\n' \
		"$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_TOPIC" "${partitions:-?}" "$(kafka_version)"
}

kafka_env() {
	printf 'KAFKA_BROKERS=127.0.0.1:%s\n' "$KAFKA_PORT"
}
