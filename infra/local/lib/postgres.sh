# shellcheck shell=bash
# PostgreSQL 15: Debian's `15 main` cluster, managed with pg_ctlcluster, on 127.0.0.1 only.
# Its data stays in the cluster's own directory (/var/lib/postgresql/15/main), not in .run.

PG_ROLE=meterline
PG_PASSWORD=meterline
PG_DATABASES="meterline meterline_test"

postgres_running() {
	as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" status >/dev/null 2>&1
}

postgres_log() {
	printf '/var/log/postgresql/postgresql-%s-%s.log' "$PG_VERSION" "$PG_CLUSTER"
}

# Loopback only, on PGPORT: a drop-in file in the cluster's conf.d (Debian's postgresql.conf
# includes that directory last, so it wins). Returns 0 when the file changed.
postgres_write_conf() {
	local conf_dir="/etc/postgresql/$PG_VERSION/$PG_CLUSTER"
	grep -Eq "^[[:space:]]*include_dir[[:space:]]*=?[[:space:]]*'conf\.d'" "$conf_dir/postgresql.conf" ||
		die "postgres: $conf_dir/postgresql.conf does not include conf.d; add include_dir = 'conf.d'"
	local file="$conf_dir/conf.d/meterline-local.conf" content
	content="$(printf "# Written by meterline's infra/local/up.sh.\nlisten_addresses = '127.0.0.1'\nport = %s" "$PGPORT")"
	[ -f "$file" ] && [ "$(cat "$file")" = "$content" ] && return 1
	as_root mkdir -p "$conf_dir/conf.d"
	printf '%s\n' "$content" | as_root tee "$file" >/dev/null ||
		die "postgres: cannot write $file"
	return 0
}

# Runs from / so psql, as user postgres, does not warn about an unreadable working directory.
postgres_psql_admin() {
	(cd / && as_postgres psql -X -q -p "$PGPORT" -v ON_ERROR_STOP=1 -tA "$@")
}

postgres_ready() {
	[ "$(PGPASSWORD="$PG_PASSWORD" psql -X -h 127.0.0.1 -p "$PGPORT" -U "$PG_ROLE" -d meterline \
		-tAc 'SELECT 1' 2>/dev/null)" = 1 ]
}

postgres_up() {
	ensure_packages "postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION"
	if [ ! -d "/etc/postgresql/$PG_VERSION/$PG_CLUSTER" ]; then
		log "postgres: creating cluster $PG_VERSION $PG_CLUSTER"
		as_root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >&2
	fi

	# Both settings need a restart to move; anything else would leave a stale listener.
	local changed=0
	postgres_write_conf && changed=1

	if postgres_running; then
		if [ "$changed" -eq 1 ]; then
			log "postgres: listen address or port changed, restarting"
			as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" restart >&2 ||
				die "postgres: restart failed; log: $(postgres_log)"
		fi
	else
		log "postgres: starting cluster $PG_VERSION $PG_CLUSTER on 127.0.0.1:$PGPORT"
		as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >&2 ||
			die "postgres: pg_ctlcluster $PG_VERSION $PG_CLUSTER start failed; log: $(postgres_log)"
	fi
	wait_ready postgres "" "$(postgres_log)" "pg_isready on 127.0.0.1:$PGPORT" \
		pg_isready -q -h 127.0.0.1 -p "$PGPORT"

	postgres_ensure_role_and_databases
	wait_ready postgres "" "$(postgres_log)" "SELECT 1 as $PG_ROLE over TCP" postgres_ready
}

postgres_ensure_role_and_databases() {
	if [ "$(postgres_psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != 1 ]; then
		log "postgres: creating role $PG_ROLE"
		postgres_psql_admin -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
	fi
	local database
	for database in $PG_DATABASES; do
		if [ "$(postgres_psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]; then
			log "postgres: creating database $database"
			postgres_psql_admin -c "CREATE DATABASE $database OWNER $PG_ROLE"
		fi
	done
}

postgres_down() {
	if command -v pg_ctlcluster >/dev/null 2>&1 && postgres_running; then
		as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop >&2
		log "postgres: stopped cluster $PG_VERSION $PG_CLUSTER (data kept)"
	else
		log "postgres: not running"
	fi
}

postgres_summary() {
	printf 'postgres    127.0.0.1:%s  role %s, databases %s (PostgreSQL %s)\n' \
		"$PGPORT" "$PG_ROLE" "${PG_DATABASES// /, }" \
		"$(PGPASSWORD="$PG_PASSWORD" psql -X -h 127.0.0.1 -p "$PGPORT" -U "$PG_ROLE" -d meterline \
			-tAc 'SHOW server_version' 2>/dev/null | cut -d' ' -f1)"
}

postgres_env() {
	printf 'DATABASE_URL=postgres://%s:%s@127.0.0.1:%s/meterline\n' "$PG_ROLE" "$PG_PASSWORD" "$PGPORT"
	printf 'TEST_DATABASE_URL=postgres://%s:%s@127.0.0.1:%s/meterline_test\n' "$PG_ROLE" "$PG_PASSWORD" "$PGPORT"
}
