# Tessera auth server. Build: docker build -t tessera .
# Run:   docker run -p 8080:8080 -v tessera-data:/data \
#          -e TESSERA_ISSUER=https://auth.example.com -e TESSERA_MASTER_KEY_FILE=/run/secrets/master_key tessera
# (or docker compose up: docker-compose.yml adds PostgreSQL and Redis). See docs/container.md.

# --- build: compile the TypeScript, pack the packages, install them as a user would ----------------
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its native module when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN sh docker/build-app.sh /src /app

# --- runtime: the installed packages only, as the unprivileged `node` user ------------------------
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data \
  && chown node:node /data
COPY --from=build /app /app
WORKDIR /app
ENV NODE_ENV=production
ENV TESSERA_HOST=0.0.0.0
ENV TESSERA_PORT=8080
ENV TESSERA_DATABASE_URL=sqlite:/data/tessera.db
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.TESSERA_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# tini is PID 1: it forwards SIGTERM to Node (graceful shutdown) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "/app/node_modules/@tessera/cli/bin/tessera.js", "serve"]
