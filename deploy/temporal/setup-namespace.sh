#!/bin/sh
# One-shot step of docker-compose.yml (image temporalio/admin-tools): once the Temporal frontend answers,
# creates supportd's namespace and its custom search attributes, then exits 0 so that the supportd services
# (depends_on: condition: service_completed_successfully) start.
#
#   SupportStatus  Keyword  active | handoff | awaiting_confirmation (e.g. SupportStatus="handoff" in the UI)
#   CustomerPhone  Keyword  the customer's WhatsApp number (wa_id), when known
#   CustomerUserID Keyword  the customer's business-scoped user ID (BSUID), when known
#
# Idempotent: an existing namespace is kept as it is (its retention too) and existing search attributes are
# skipped, so it runs on every `docker compose up`. supportd also registers the two attributes itself when
# they are missing; doing it here first means no workflow ever starts without them.
set -eu

: "${TEMPORAL_ADDRESS:=temporal:7233}"
: "${TEMPORAL_NAMESPACE:=default}"
: "${TEMPORAL_RETENTION:=7d}"
export TEMPORAL_ADDRESS

# retry N CMD...: run CMD until it succeeds, at most N times, 2 seconds apart.
retry() {
  n=$1
  shift
  i=1
  until "$@"; do
    if [ "$i" -ge "$n" ]; then
      echo "temporal-setup: gave up after $n attempts: $*" >&2
      return 1
    fi
    i=$((i + 1))
    sleep 2
  done
}

echo "temporal-setup: waiting for the Temporal frontend at ${TEMPORAL_ADDRESS}"
retry 90 temporal operator cluster health --address "$TEMPORAL_ADDRESS"

if temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "temporal-setup: namespace ${TEMPORAL_NAMESPACE} exists"
else
  echo "temporal-setup: creating namespace ${TEMPORAL_NAMESPACE} (retention ${TEMPORAL_RETENTION})"
  # A concurrent or earlier run may have created it meanwhile: describe again before giving up.
  retry 15 sh -c 'temporal operator namespace create --namespace "$1" --retention "$2" --address "$3" ||
    temporal operator namespace describe --namespace "$1" --address "$3" >/dev/null' \
    create-namespace "$TEMPORAL_NAMESPACE" "$TEMPORAL_RETENTION" "$TEMPORAL_ADDRESS"
fi

# A new namespace reaches every Temporal service's cache within seconds: retry until it is accepted.
echo "temporal-setup: search attributes SupportStatus, CustomerPhone and CustomerUserID (Keyword) on ${TEMPORAL_NAMESPACE}"
retry 30 temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --address "$TEMPORAL_ADDRESS" \
  --name SupportStatus --type Keyword \
  --name CustomerPhone --type Keyword \
  --name CustomerUserID --type Keyword

check() {
  list=$(temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" --address "$TEMPORAL_ADDRESS") &&
    echo "$list" | grep -q SupportStatus && echo "$list" | grep -q CustomerPhone && echo "$list" | grep -q CustomerUserID
}
retry 15 check
echo "temporal-setup: done"
