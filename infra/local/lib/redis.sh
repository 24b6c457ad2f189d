# shellcheck shell=bash
# Redis 7 (Debian's redis-server) as a daemonized process of our own on 127.0.0.1. It keeps no
# data on disk (`--save "" --appendonly no`): queues start empty after every restart.

REDIS_DIR="$RUN_DIR/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

redis_ready() {
	[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

redis_up() {
	ensure_packages redis-server redis-tools
	mkdir -p "$REDIS_DIR"
	if pid_from_file "$REDIS_PIDFILE" redis-server >/dev/null; then
		redis_ready && return 0
		# Ours, yet silent on REDIS_PORT: it was started on another port.
		log "redis: running but not on 127.0.0.1:$REDIS_PORT, restarting"
		redis_down
	fi
	evict_other_checkout redis "$REDIS_PORT"
	if port_open "$REDIS_PORT"; then
		redis_ready && {
			log "redis: 127.0.0.1:$REDIS_PORT already answers PING but was not started by up.sh; using it"
			return 0
		}
		die "redis: port 127.0.0.1:$REDIS_PORT is taken by another process (not Redis)"
	fi
	log "redis: starting on 127.0.0.1:$REDIS_PORT"
	# --daemonize writes the pidfile itself; the protected mode default stays on.
	redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
		--save "" --appendonly no \
		--dir "$REDIS_DIR" --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" >&2 ||
		die "redis: redis-server failed to start; log: $REDIS_LOG"
	wait_ready redis "" "$REDIS_LOG" "redis-cli -h 127.0.0.1 -p $REDIS_PORT ping" redis_ready
}

redis_down() {
	stop_pidfile redis "$REDIS_PIDFILE" redis-server
}

redis_summary() {
	printf 'redis       127.0.0.1:%s  (Redis %s)\n' "$REDIS_PORT" \
		"$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server 2>/dev/null |
			sed -n 's/^redis_version:\([^[:space:]]*\).*/\1/p')"
}

redis_env() {
	printf 'REDIS_URL=redis://127.0.0.1:%s\n' "$REDIS_PORT"
}
