import path from 'node:path';
import type { Env } from '../config/env.ts';
import type { ApiOptions } from './app.ts';

export function apiOptionsFromEnv(env: Env): ApiOptions {
  return {
    jwtSecret: env.RINGLENS_JWT_SECRET,
    corsOrigins: env.RINGLENS_CORS_ORIGINS,
    uploadDir: env.RINGLENS_UPLOAD_DIR ?? path.join(env.RINGLENS_CACHE_DIR, 'uploads'),
    uploadMaxBytes: env.RINGLENS_UPLOAD_MAX_MB * 1024 * 1024,
    metricsToken: env.RINGLENS_METRICS_TOKEN,
    trustProxy: env.RINGLENS_TRUST_PROXY,
  };
}
