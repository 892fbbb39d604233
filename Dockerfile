# One image, two commands: `serve`/`api` for the API, `worker` for the workers.
# Build:  docker build -t orgwarden .
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall step (patch-package) applies patches/ to the installed SDK: README, Performance.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY bin ./bin
COPY examples ./examples
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 ORGWARDEN_DATA_DIR=/data
# Heap sizing for sweeps (README Performance): an account's data lives about a second, longer than
# the default young generation holds it, so V8 promoted it and let the old generation grow past
# 1 GiB on a large host. A 128 MB semi-space keeps most of it young (workers peak at ~0.75 GiB
# instead of ~0.95), and scavenges half as often as with 64 MB: they copy about the same live
# accounts each time, so their total falls by a fifth. The old generation is capped at 1 GiB.
# bench/lib/sweep-processes.ts starts processes the same way.
ENV NODE_OPTIONS="--max-semi-space-size=128 --max-old-space-size=1024"
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/bin/orgwarden.js"]
CMD ["api"]
