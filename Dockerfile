# The RingLens app (API + workers). Neo4j and Redis come from docker-compose.yml.
FROM node:20-bookworm-slim
WORKDIR /app
# Case export PDFs embed a CJK font (Noto Sans CJK); without it exports fail rather than print tofu.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# API uploads land here and the worker ingests them from here (a volume shared by both in docker-compose).
RUN mkdir -p /uploads && chown node:node /uploads
USER node
EXPOSE 8080
ENV RINGLENS_HOST=0.0.0.0 RINGLENS_PORT=8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "bin/ringlens.js", "serve"]
