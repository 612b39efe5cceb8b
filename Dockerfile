# syntax=docker/dockerfile:1
# Refund Desk image: one image, two processes (see docker-compose.yml)
#   api:     node --import tsx wiring/api.ts
#   worker:  node --import tsx wiring/worker.ts
# TypeScript runs through tsx (a runtime dependency); the worker bundles the
# workflows with webpack at start.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The lockfile pins @swc/core and unrs-resolver to versions whose every platform package is published.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "wiring/api.ts"]
