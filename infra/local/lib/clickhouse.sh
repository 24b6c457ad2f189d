# shellcheck shell=bash
# ClickHouse (Debian's clickhouse-server, 18.16) as a plain background process: the packaged
# config is the base, infra/local/clickhouse/meterline-local.xml moves ports, paths and the
# listen address. All state lives in .run/clickhouse. User `default`, no password.

CLICKHOUSE_DIR="$RUN_DIR/clickhouse"
CLICKHOUSE_PIDFILE="$CLICKHOUSE_DIR/clickhouse.pid"
CLICKHOUSE_ERROR_LOG="$CLICKHOUSE_DIR/logs/clickhouse-server.err.log"
CLICKHOUSE_STDOUT="$CLICKHOUSE_DIR/logs/stdout.log"

clickhouse_query() {
	curl -sS --max-time 10 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/" --data-binary "$1"
}

clickhouse_ready() {
	[ "$(curl -s --max-time 2 "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/?query=SELECT%201")" = 1 ]
}

# Returns 0 when the effective configuration changed (so a running server must restart).
clickhouse_write_config() {
	local etc="$CLICKHOUSE_DIR/etc" changed=no file
	mkdir -p "$etc/config.d" "$CLICKHOUSE_DIR"/{data,tmp,user_files,format_schemas,logs} ||
		die "clickhouse: cannot create $CLICKHOUSE_DIR"
	for file in config.xml users.xml; do
		if ! cmp -s "/etc/clickhouse-server/$file" "$etc/$file"; then
			cp "/etc/clickhouse-server/$file" "$etc/$file" || die "clickhouse: cannot copy $file"
			changed=yes
		fi
	done
	render_template "$LOCAL_DIR/clickhouse/meterline-local.xml" "$etc/config.d/meterline-local.xml" \
		"DIR=$CLICKHOUSE_DIR" "HTTP_PORT=$CLICKHOUSE_HTTP_PORT" "TCP_PORT=$CLICKHOUSE_TCP_PORT" &&
		changed=yes
	[ "$changed" = yes ]
}

clickhouse_up() {
	ensure_packages clickhouse-server clickhouse-client
	local config_changed=0 pid
	clickhouse_write_config && config_changed=1

	if pid="$(pid_from_file "$CLICKHOUSE_PIDFILE" clickhouse-server)"; then
		if [ "$config_changed" -eq 0 ] && clickhouse_ready; then
			return 0
		fi
		if [ "$config_changed" -eq 1 ]; then
			log "clickhouse: configuration changed, restarting"
			stop_pidfile clickhouse "$CLICKHOUSE_PIDFILE" clickhouse-server
		else
			wait_ready clickhouse "$pid" "$CLICKHOUSE_STDOUT|$CLICKHOUSE_ERROR_LOG" \
				"SELECT 1 over http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" clickhouse_ready
			return 0
		fi
	fi
	evict_other_checkout clickhouse "$CLICKHOUSE_HTTP_PORT"
	if port_open "$CLICKHOUSE_HTTP_PORT"; then
		clickhouse_ready && {
			log "clickhouse: 127.0.0.1:$CLICKHOUSE_HTTP_PORT already answers but was not started by up.sh; using it"
			return 0
		}
		die "clickhouse: port 127.0.0.1:$CLICKHOUSE_HTTP_PORT is taken by another process (not ClickHouse)"
	fi
	port_open "$CLICKHOUSE_TCP_PORT" &&
		die "clickhouse: native port 127.0.0.1:$CLICKHOUSE_TCP_PORT is taken (set CLICKHOUSE_TCP_PORT)"

	log "clickhouse: starting on 127.0.0.1:$CLICKHOUSE_HTTP_PORT (native $CLICKHOUSE_TCP_PORT)"
	# Started from its config directory: 18.16 writes config-preprocessed.xml next to the config.
	pid="$(cd "$CLICKHOUSE_DIR/etc" && start_detached "$CLICKHOUSE_PIDFILE" "$CLICKHOUSE_STDOUT" \
		/usr/sbin/clickhouse-server --config-file="$CLICKHOUSE_DIR/etc/config.xml")" ||
		die "clickhouse: clickhouse-server did not start; log: $CLICKHOUSE_STDOUT"
	wait_ready clickhouse "$pid" "$CLICKHOUSE_STDOUT|$CLICKHOUSE_ERROR_LOG" \
		"SELECT 1 over http://127.0.0.1:$CLICKHOUSE_HTTP_PORT" clickhouse_ready
}

clickhouse_down() {
	stop_pidfile clickhouse "$CLICKHOUSE_PIDFILE" clickhouse-server
}

clickhouse_summary() {
	printf 'clickhouse  127.0.0.1:%s  http, native 127.0.0.1:%s, user default (ClickHouse %s)\n' \
		"$CLICKHOUSE_HTTP_PORT" "$CLICKHOUSE_TCP_PORT" "$(clickhouse_query 'SELECT version()' 2>/dev/null)"
}

clickhouse_env() {
	printf 'CLICKHOUSE_URL=http://127.0.0.1:%s\n' "$CLICKHOUSE_HTTP_PORT"
}
