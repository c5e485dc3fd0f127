# bulk-assign: one image for the worker, the CLI, the console and the simulator. Node 24 LTS (CI runs the suite on 24 and 20).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
COPY bench ./bench
COPY bin ./bin
# npm ci runs `prepare` (npm run build): tsc, then the Lua scripts of src/queue copied beside their loaders in dist.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY examples ./examples
# The report folder belongs to the user the worker runs as (a named volume takes these permissions).
RUN mkdir -p /reports && chown node:node /reports
ENV REPORT_DIR=/reports
USER node
ENTRYPOINT ["node", "bin/bulk-assign.js"]
CMD ["worker"]
