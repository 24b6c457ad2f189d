#!/usr/bin/env bash
# Starts the real servers of distributed mode as plain processes (no Docker), idempotently:
# a second run while everything is up only checks readiness. Stop with infra/local/down.sh.
#
#   bash infra/local/up.sh            # from any directory
#
# Environment:
#   METERLINE_STACK_COMPONENTS  which to start, in order (default "postgres redis clickhouse kafka")
#   METERLINE_STACK_TIMEOUT     seconds each component may take to become ready (default 120)
#   PGPORT                      PostgreSQL port (default 5432; changes the 15/main cluster's port)
#   REDIS_PORT                  Redis port (default 6379)
#   CLICKHOUSE_HTTP_PORT        ClickHouse HTTP port (default 8123)
#   CLICKHOUSE_TCP_PORT         ClickHouse native port (default 9000)
#   KAFKA_PORT                  Kafka broker port (default 9092)
#   KAFKA_CONTROLLER_PORT       KRaft controller port (default 9093; fixed once storage is formatted)
#   METERLINE_KAFKA_HEAP        Kafka JVM heap flags (default "-Xms256m -Xmx512m")
#
# Everything binds to 127.0.0.1. Installs missing Debian packages with apt-get (as root, or via
# sudo) and Kafka's jars from Maven Central into infra/local/.cache; state goes to
# infra/local/.run (PostgreSQL keeps its data in its own cluster directory). On success the last
# lines are the connection variables (also written to infra/local/.run/stack.env) and "stack up".
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
for component_file in postgres redis clickhouse kafka; do
	# shellcheck source=/dev/null
	source "$LOCAL_DIR/lib/$component_file.sh"
done

check_components
mkdir -p "$RUN_DIR" "$CACHE_DIR"

for component in $STACK_COMPONENTS; do
	started_at=$SECONDS
	"${component}_up"
	log "$component: ready ($((SECONDS - started_at))s)"
done

env_file="$RUN_DIR/stack.env"
{
	printf '# Written by infra/local/up.sh; `set -a; source %s; set +a` to use it.\n' "$env_file"
	for component in $STACK_COMPONENTS; do "${component}_env"; done
} >"$env_file.tmp"
# A run for some components (METERLINE_STACK_COMPONENTS=kafka, to restart one) keeps the other
# components' variables: without this, stack.env would lose DATABASE_URL and the rest.
if [ -f "$env_file" ]; then
	while IFS= read -r line; do
		case "$line" in '#'* | '') continue ;; esac
		grep -q "^${line%%=*}=" "$env_file.tmp" || printf '%s\n' "$line" >>"$env_file.tmp"
	done <"$env_file"
fi
mv "$env_file.tmp" "$env_file"

for component in $STACK_COMPONENTS; do "${component}_summary"; done
grep -v '^#' "$env_file" | sed 's/^/export /'
echo "stack up"
