#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests on 127.0.0.1 and prints the URL to use as
# TESSERA_TEST_POSTGRES_URL (the only line on stdout; progress goes to stderr).
# Idempotent: installs PostgreSQL (Debian apt) if missing, creates the cluster once, starts it if
# it is not running, creates the database if absent. Usage in CI (a plain assignment, so that
# `set -e` sees a failure; `export X="$(...)"` would hide it):
#   TESSERA_TEST_POSTGRES_URL="$(scripts/services/postgres.sh)"
#   export TESSERA_TEST_POSTGRES_URL
# Stop it: su postgres -c "pg_ctl -D /tmp/tessera-pg/data stop" (or as yourself when not root).
# Settings: TESSERA_PG_DIR (data directory, default /tmp/tessera-pg), TESSERA_PG_PORT (default 54329).
set -euo pipefail

PGDIR="${TESSERA_PG_DIR:-/tmp/tessera-pg}"
PORT="${TESSERA_PG_PORT:-54329}"
DB=tessera
log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" ]] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

if ! BIN="$(find_bin)"; then
  log "installing postgresql (apt-get)"
  SUDO=""
  [[ "$(id -u)" -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user.
if [[ "$(id -u)" -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  as_pg() { su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; }
else
  as_pg() { "$@"; }
fi

mkdir -p "$PGDIR"
[[ "$(id -u)" -eq 0 ]] && chown postgres "$PGDIR"
chmod 700 "$PGDIR"

if [[ ! -f "$PGDIR/data/PG_VERSION" ]]; then
  log "initdb in $PGDIR/data"
  # trust on loopback only: a throwaway test cluster, never a deployment.
  as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
fi

if ! as_pg "$BIN/pg_ctl" -D "$PGDIR/data" status >/dev/null 2>&1; then
  log "starting on 127.0.0.1:$PORT"
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c max_connections=200 -c fsync=off" >&2
fi

for _ in $(seq 1 60); do
  as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
  sleep 0.5
done
as_pg "$BIN/pg_isready" -h 127.0.0.1 -p "$PORT" >&2

if ! as_pg "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
  as_pg "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB" >&2
fi

echo "postgres://postgres@127.0.0.1:$PORT/$DB"
