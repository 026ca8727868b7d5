#!/usr/bin/env bash
# Starts a throwaway Redis on loopback for the tests (idempotent), installing it from Debian if missing.
# Prints the URL to export as TESSERA_TEST_REDIS_URL.
set -euo pipefail
PORT=${TESSERA_TEST_REDIS_PORT:-63790}
DIR=${TESSERA_TEST_REDIS_DIR:-/tmp/tessera-redis}

if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >&2
fi
if ! redis-cli -p "$PORT" ping >/dev/null 2>&1; then
  mkdir -p "$DIR"
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no \
    --daemonize yes --logfile "$DIR/redis.log" --pidfile "$DIR/redis.pid" >&2
  for _ in $(seq 1 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi
redis-cli -p "$PORT" ping >/dev/null
echo "redis://127.0.0.1:$PORT"
