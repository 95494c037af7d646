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
#
# Outside Docker (deploy/README.md, "Without Docker") it runs as it is on any host with temporal-sql-tool on
# PATH. SQL_PASSWORD may be empty (PostgreSQL with trust or peer authentication). The wait for PostgreSQL
# uses nc or pg_isready, whichever the host has; with neither, the first step is retried instead.
set -eu

: "${SQL_PLUGIN:=postgres12}"
: "${SQL_HOST:=postgresql}"
: "${SQL_PORT:=5432}"
: "${SQL_USER:=temporal}"
: "${SQL_PASSWORD:=}"
: "${TEMPORAL_DB:=temporal}"
: "${VISIBILITY_DB:=temporal_visibility}"
export SQL_PLUGIN SQL_HOST SQL_PORT SQL_USER SQL_PASSWORD

# reachable: whether PostgreSQL accepts TCP connections; status 2 when no probe is installed.
reachable() {
  if command -v nc >/dev/null 2>&1; then
    nc -z -w 2 "$SQL_HOST" "$SQL_PORT"
  elif command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -t 2 -h "$SQL_HOST" -p "$SQL_PORT"
  else
    return 2
  fi
}

echo "temporal-schema: waiting for PostgreSQL at ${SQL_HOST}:${SQL_PORT}"
attempts=1
i=0
while :; do
  status=0
  reachable || status=$?
  if [ "$status" -eq 0 ]; then
    break
  fi
  if [ "$status" -eq 2 ]; then
    echo "temporal-schema: neither nc nor pg_isready installed: retrying the first step instead"
    attempts=60
    break
  fi
  i=$((i + 1))
  if [ "$i" -ge 60 ]; then
    echo "temporal-schema: PostgreSQL at ${SQL_HOST}:${SQL_PORT} did not answer in 120s" >&2
    exit 1
  fi
  sleep 2
done

# create_database DB: create it if missing, retried $attempts times 2 seconds apart.
create_database() {
  n=1
  until temporal-sql-tool --db "$1" create-database; do
    if [ "$n" -ge "$attempts" ]; then
      echo "temporal-schema: could not reach PostgreSQL at ${SQL_HOST}:${SQL_PORT} to create ${1}" >&2
      return 1
    fi
    n=$((n + 1))
    sleep 2
  done
}

migrate() {
  db=$1 schema=$2
  echo "temporal-schema: database ${db}: create if missing"
  create_database "$db"
  echo "temporal-schema: database ${db}: version tables"
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  echo "temporal-schema: database ${db}: update to the latest ${schema} version"
  temporal-sql-tool --db "$db" update-schema --schema-name "$schema"
}

migrate "$TEMPORAL_DB" postgresql/v12/temporal
migrate "$VISIBILITY_DB" postgresql/v12/visibility
echo "temporal-schema: done"
