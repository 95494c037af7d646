#!/bin/sh
# One-shot step of docker-compose.yml (image temporalio/admin-tools): creates Temporal's two PostgreSQL
# databases and brings their schemas to the version the server image expects.
#
#   temporal             workflow state (histories, timers, task queues)
#   temporal_visibility  the list and search index (what the Temporal UI and `SupportStatus="handoff"` query)
#
# Every step is idempotent (create-database ignores an existing database, setup-schema -v 0.0 keeps a higher
# version, update-schema applies only the missing versions), so it runs on every `docker compose up`: after
# an upgrade of the Temporal images it applies the new schema versions before the new server starts.
# The schemas come from the tool itself (--schema-name), matching its version.
set -eu

: "${SQL_PLUGIN:=postgres12}"
: "${SQL_HOST:=postgresql}"
: "${SQL_PORT:=5432}"
: "${SQL_USER:=temporal}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
: "${TEMPORAL_DB:=temporal}"
: "${VISIBILITY_DB:=temporal_visibility}"
export SQL_PLUGIN SQL_HOST SQL_PORT SQL_USER SQL_PASSWORD

echo "temporal-schema: waiting for PostgreSQL at ${SQL_HOST}:${SQL_PORT}"
i=0
until nc -z -w 2 "$SQL_HOST" "$SQL_PORT"; do
  i=$((i + 1))
  if [ "$i" -ge 60 ]; then
    echo "temporal-schema: PostgreSQL at ${SQL_HOST}:${SQL_PORT} did not answer in 120s" >&2
    exit 1
  fi
  sleep 2
done

migrate() {
  db=$1 schema=$2
  echo "temporal-schema: database ${db}: create if missing"
  temporal-sql-tool --db "$db" create-database
  echo "temporal-schema: database ${db}: version tables"
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  echo "temporal-schema: database ${db}: update to the latest ${schema} version"
  temporal-sql-tool --db "$db" update-schema --schema-name "$schema"
}

migrate "$TEMPORAL_DB" postgresql/v12/temporal
migrate "$VISIBILITY_DB" postgresql/v12/visibility
echo "temporal-schema: done"
