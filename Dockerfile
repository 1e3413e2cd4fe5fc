# The Railyard services' image (docker-compose builds it for each service; the command picks the service). Node 24, as the repository pins.
FROM node:24-slim AS build
WORKDIR /app
# Workspaces: npm ci needs every workspace's package.json, so the whole tree (minus .dockerignore) goes in.
COPY . .
RUN npm ci && npm run build && npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The artifact service's content store: a volume mounted here must be writable by the unprivileged user.
RUN mkdir -p /data/artifacts && chown node:node /data/artifacts
USER node
EXPOSE 4101 4102
CMD ["node", "services/planning/dist/src/main.js"]
