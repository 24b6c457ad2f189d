# shellcheck shell=bash
# Shared by up.sh and down.sh: paths, settings, logging, waiting, processes and packages.
# Sourced, never run. Everything here must hold under `set -euo pipefail`.

# The component files read these.
# shellcheck disable=SC2034
LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA_DIR="$(dirname "$LOCAL_DIR")"
RUN_DIR="$LOCAL_DIR/.run"
CACHE_DIR="$LOCAL_DIR/.cache"

STACK_COMPONENTS="${METERLINE_STACK_COMPONENTS:-postgres redis clickhouse kafka}"
STACK_TIMEOUT="${METERLINE_STACK_TIMEOUT:-120}"

PGPORT="${PGPORT:-5432}"
PG_VERSION=15
PG_CLUSTER=main
REDIS_PORT="${REDIS_PORT:-6379}"
CLICKHOUSE_HTTP_PORT="${CLICKHOUSE_HTTP_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_TOPIC="meterline.events.v1"

log() { printf '[stack] %s\n' "$*" >&2; }

# Every failure path ends here, so the message names the component and where to look.
die() {
	printf '[stack] ERROR: %s\n' "$*" >&2
	exit 1
}

check_components() {
	local component
	for component in $STACK_COMPONENTS; do
		case "$component" in
		postgres | redis | clickhouse | kafka) ;;
		*) die "unknown component '$component' in METERLINE_STACK_COMPONENTS (known: postgres redis clickhouse kafka)" ;;
		esac
	done
}

# Components in the order they must stop: reverse of the start order.
reversed_components() {
	local component reversed=""
	for component in $STACK_COMPONENTS; do reversed="$component $reversed"; done
	printf '%s' "$reversed"
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_ready COMPONENT PID 'LOGFILE[|LOGFILE...]' DESCRIPTION COMMAND...
# Polls COMMAND until it succeeds. Gives up after STACK_TIMEOUT seconds, or at once when PID
# (if not empty) has exited, showing the tail of the logs so the cause is on screen.
wait_ready() {
	local component="$1" pid="$2" logfile="$3" description="$4"
	shift 4
	local deadline=$((SECONDS + STACK_TIMEOUT))
	until "$@" >/dev/null 2>&1; do
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			show_log_tail "$logfile"
			die "$component exited before it was ready ($description); log: ${logfile//|/ and }"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			show_log_tail "$logfile"
			die "$component not ready after ${STACK_TIMEOUT}s ($description); log: ${logfile//|/ and }"
		fi
		sleep 0.5
	done
}

# show_log_tail 'FILE[|FILE...]': the end of each of those logs that exists.
show_log_tail() {
	local file files
	IFS='|' read -r -a files <<<"$1"
	for file in "${files[@]}"; do
		if [ -n "$file" ] && [ -s "$file" ]; then
			printf '[stack] --- last lines of %s ---\n' "$file" >&2
			tail -n 20 "$file" >&2 || true
		fi
	done
}

# pid_from_file PIDFILE MARKER: prints the pid when that process is alive and its command line
# contains MARKER (a recycled pid must never be mistaken for our server, nor be killed).
pid_from_file() {
	local pidfile="$1" marker="$2" pid
	[ -f "$pidfile" ] || return 1
	pid="$(tr -dc '0-9' <"$pidfile")"
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
	printf '%s' "$pid"
}

# stop_pidfile NAME PIDFILE MARKER: TERM, wait for a clean shutdown, KILL as a last resort.
stop_pidfile() {
	local name="$1" pidfile="$2" marker="$3" pid waited=0
	if ! pid="$(pid_from_file "$pidfile" "$marker")"; then
		rm -f "$pidfile"
		log "$name: not running"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge 60 ]; then
			log "$name: still running after 30s, sending KILL"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
	rm -f "$pidfile"
	log "$name: stopped (pid $pid)"
}

# evict_other_checkout NAME PORT: when PORT is held by a Meterline stack server that another
# checkout's up.sh started (its command line or working directory is under some other
# .../infra/local/.run), stops it so this checkout can start its own. The stack is a singleton on
# fixed ports, and the stack tests stop and start their own servers by pidfile, so a server that
# belongs to another clone (left by an earlier CI run, say) must not be reused. Anything else on
# the port is left alone for the caller's own check.
evict_other_checkout() {
	local name="$1" port="$2" pid where waited=0
	pid="$(ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1)"
	[ -n "$pid" ] || return 0
	where="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) $(readlink "/proc/$pid/cwd" 2>/dev/null)"
	grep -q "/infra/local/\.run" <<<"$where" || return 0
	grep -qF "$RUN_DIR" <<<"$where" && return 0
	log "$name: 127.0.0.1:$port is held by another checkout's stack (pid $pid); stopping it"
	kill -TERM "$pid" 2>/dev/null || true
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$waited" -ge 60 ]; then
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.5
		waited=$((waited + 1))
	done
	while port_open "$port"; do sleep 0.2; done
}

# start_detached PIDFILE LOGFILE COMMAND...: runs COMMAND in its own session, so it outlives
# this script and the terminal's signals, and prints its pid. The pid is written by the process
# itself just before exec, so it is right whether or not setsid had to fork.
start_detached() {
	local pidfile="$1" logfile="$2" waited=0
	shift 2
	rm -f "$pidfile"
	# shellcheck disable=SC2016 # expanded by the inner bash
	setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" </dev/null >"$logfile" 2>&1 &
	until [ -s "$pidfile" ]; do
		[ "$waited" -ge 100 ] && return 1
		sleep 0.05
		waited=$((waited + 1))
	done
	tr -dc '0-9' <"$pidfile"
}

# render_template SRC DST KEY=VALUE...: replaces @KEY@; returns 0 when DST changed.
render_template() {
	local src="$1" dst="$2" pair key value
	shift 2
	local content
	content="$(cat "$src")"
	for pair in "$@"; do
		key="${pair%%=*}"
		value="${pair#*=}"
		content="${content//@${key}@/$value}"
	done
	if [ -f "$dst" ] && [ "$(cat "$dst")" = "$content" ]; then
		return 1
	fi
	printf '%s\n' "$content" >"$dst"
	return 0
}

package_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

# ensure_packages PACKAGE...: installs what is missing without starting the packaged services
# (this stack starts its own processes on its own ports and paths).
ensure_packages() {
	local missing=() package
	for package in "$@"; do
		package_installed "$package" || missing+=("$package")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	log "installing ${missing[*]} with apt-get"
	local policy=/usr/sbin/policy-rc.d created_policy=0
	if [ ! -e "$policy" ]; then
		as_root sh -c "printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy"
		created_policy=1
	fi
	local status=0
	apt_install "${missing[@]}" || {
		as_root apt-get update -qq >&2 && apt_install "${missing[@]}"
	} || status=$?
	[ "$created_policy" -eq 1 ] && as_root rm -f "$policy"
	[ "$status" -eq 0 ] || die "apt-get install ${missing[*]} failed"
}

apt_install() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@" >&2
}
