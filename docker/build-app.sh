#!/bin/sh
# Builds the installed application the container runs: the Dockerfile's build stage runs this, and
# test/container.test.mjs runs it too (no container engine is needed to check the recipe).
#   docker/build-app.sh SOURCE_DIR APP_DIR [--skip-build]
# 1. npm ci + build in SOURCE_DIR (skipped with --skip-build: the checkout is already built);
# 2. npm pack of the five packages the server needs (the console: its built web app);
# 3. an npm project in APP_DIR with those tarballs and both optional drivers (pg, ioredis) installed,
#    production dependencies only. better-sqlite3 (the default SQLite driver) compiles here.
# For the test only: TESSERA_SQLITE_BINARY=PATH skips install scripts and copies that prebuilt
# better_sqlite3.node instead of compiling SQLite (minutes).
set -eu
src=$(cd "$1" && pwd)
app=$2
skip_build=${3:-}

cd "$src"
if [ "$skip_build" != "--skip-build" ]; then
  npm ci --no-audit --no-fund
  npm run build
fi
packs=$(mktemp -d)
npm pack --ignore-scripts --pack-destination "$packs" \
  -w packages/core -w packages/verify -w packages/console -w packages/server -w packages/cli >/dev/null

version() { node -p "require('./node_modules/$1/package.json').version"; }
drivers="pg@$(version pg) ioredis@$(version ioredis) better-sqlite3@$(version better-sqlite3)"

mkdir -p "$app"
cd "$app"
printf '{ "name": "tessera-app", "private": true, "type": "module" }\n' > package.json
scripts=""
if [ -n "${TESSERA_SQLITE_BINARY:-}" ]; then scripts="--ignore-scripts"; fi
# shellcheck disable=SC2086
npm install --omit=dev --no-audit --no-fund --prefer-offline $scripts "$packs"/*.tgz $drivers
if [ -n "${TESSERA_SQLITE_BINARY:-}" ]; then
  mkdir -p node_modules/better-sqlite3/build/Release
  cp "$TESSERA_SQLITE_BINARY" node_modules/better-sqlite3/build/Release/better_sqlite3.node
fi
rm -rf "$packs"
