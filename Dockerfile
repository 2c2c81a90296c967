# syntax=docker/dockerfile:1
# The core: `bun core/src/main.ts` (Bun + libSQL), from the repository root:
#
#   docker build -t bazaar-core .
#   docker run -d --name bazaar-core -p 4000:4000 -v bazaar-data:/data --env-file core.env bazaar-core
#
# The Worker (edge/, realtime/) is not in this image: it is deployed with `wrangler deploy`.
# README "Deploy" has the whole guide; this file was linted but not built on the machines the
# project is developed on (no Docker daemon there).

# Bun as pinned in package.json's devDependencies (the version every test runs on).
ARG BUN_VERSION=1.4.5
ARG NODE_VERSION=22

# ---- production dependencies, installed exactly from the lockfile by npm (the workspaces need
# every workspace's package.json for `npm ci` to accept the lockfile). Debian (glibc) on both
# stages, so npm picks the glibc builds of optional native packages (@libsql/linux-*-gnu; only
# used for remote libSQL, local files run on bun:sqlite). --ignore-scripts: no production
# dependency needs an install script.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY edge/package.json edge/
COPY realtime/package.json realtime/
COPY bench/package.json bench/
COPY packages/client/package.json packages/client/
COPY packages/contracts/package.json packages/contracts/
COPY packages/ids/package.json packages/ids/
COPY packages/money/package.json packages/money/
COPY packages/signature/package.json packages/signature/
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts

# ---- runtime: Bun runs the TypeScript sources directly; no build step.
FROM oven/bun:${BUN_VERSION}-slim AS runtime
WORKDIR /app
ENV BAZAAR_ENV=production \
    DATA_DIR=/data \
    CORE_PORT=4000 \
    NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.base.json ./
COPY packages ./packages
COPY core ./core
# The image's unprivileged `bun` user owns the data volume and nothing else.
RUN mkdir -p /data && chown bun:bun /data
USER bun
VOLUME ["/data"]
EXPOSE 4000
# The core's liveness route; no curl in the slim image, Bun's fetch does it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bun", "-e", "fetch(`http://127.0.0.1:${process.env.CORE_PORT || 4000}/healthz`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The image's entrypoint execs the command, so Bun is PID 1 and gets the signal itself; main.ts
# stops on SIGTERM: HTTP first, then the relays, the bus and the databases.
STOPSIGNAL SIGTERM
CMD ["bun", "core/src/main.ts"]
