# syntax=docker/dockerfile:1
#
# The production image of supportd: `supportd worker` and `supportd gateway` (see docker-compose.yml).
#
#   docker build -t supportd .
#   docker run --rm supportd gateway --help
#
# Built with -tags nodev: the embedded Temporal dev server (package devserver, go.temporal.io/server) is left
# out, so the binary is about 50 MB instead of 155 MB and `supportd dev` answers with a one-line error.
# Use `go run ./cmd/supportd dev` on a laptop instead.

ARG GO_VERSION=1.26.8
ARG ALPINE_VERSION=3.24

# ---- build ------------------------------------------------------------------------------------------------
FROM golang:${GO_VERSION} AS build
WORKDIR /src
# Use the Go of this image, never download another toolchain; fail if go.mod or go.sum would need changes.
ENV CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly
COPY . .
# No `go mod download`: go.mod also lists the Temporal server's large dependency tree, which this build does
# not compile. `go build` fetches only the modules the nodev binary needs; the cache mounts keep them.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -tags nodev -trimpath -ldflags="-s -w" -o /out/supportd ./cmd/supportd \
 && ! go version -m /out/supportd | grep -q 'go.temporal.io/server'

# ---- runtime ----------------------------------------------------------------------------------------------
# Alpine rather than distroless: busybox `wget` gives the health checks something to call (/healthz, /readyz),
# and `docker compose exec gateway sh` works when something needs looking at. ca-certificates for the
# WhatsApp Graph API, Slack and OpenAI (HTTPS); the timezone database is compiled into the binary.
FROM alpine:${ALPINE_VERSION}
RUN apk add --no-cache ca-certificates \
 && addgroup -S -g 10001 supportd \
 && adduser -S -D -H -u 10001 -G supportd -h /nonexistent -s /sbin/nologin supportd
COPY --from=build /out/supportd /usr/local/bin/supportd
USER 10001:10001
# 8080: the gateway (HTTP_ADDR); 9090: a worker's /metrics, /healthz, /readyz (METRICS_ADDR).
EXPOSE 8080 9090
# Liveness of whichever command runs (gateway on :8080, worker on :9090); docker-compose.yml checks /readyz.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/healthz || wget -q -O /dev/null http://127.0.0.1:9090/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/supportd"]
CMD ["gateway"]
