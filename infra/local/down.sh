#!/usr/bin/env bash
# Stops what infra/local/up.sh started, idempotently; data is kept.
#
#   bash infra/local/down.sh            # stop, keep data
#   bash infra/local/down.sh --purge    # stop, then delete infra/local/.run (ClickHouse, Kafka
#                                       # and Redis state). PostgreSQL's databases live in the
#                                       # 15/main cluster and are kept either way.
#
# Honours METERLINE_STACK_COMPONENTS like up.sh (e.g. "postgres" stops only PostgreSQL).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
for component_file in postgres redis clickhouse kafka; do
	# shellcheck source=/dev/null
	source "$LOCAL_DIR/lib/$component_file.sh"
done

purge=no
for argument in "$@"; do
	case "$argument" in
	--purge) purge=yes ;;
	-h | --help)
		sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$argument' (usage: down.sh [--purge])" ;;
	esac
done

check_components
for component in $(reversed_components); do "${component}_down"; done

if [ "$purge" = yes ]; then
	rm -rf "$RUN_DIR"
	log "purged $RUN_DIR"
fi
echo "stack down"
