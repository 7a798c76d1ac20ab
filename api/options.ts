import path from 'node:path';
import type { Env } from '../config/env.ts';
import type { DriverOptions } from '../graph/driver.ts';
import type { ApiOptions } from './app.ts';

/**
 * The API's Neo4j driver gives up fast, so a request answers 503 within 3 s of Neo4j going away: a
 * failed query is retried only while less than 0.5 s have passed (the driver's first retry comes after
 * about 1 s, so at most once), a connection that never opens (a host that drops packets) is given up
 * after 1 s, and a wait for a pooled connection, opening included, after 1.5 s. A call the server leaves
 * unanswered fails after 2 s, on top of any server-side timeout the query names
 * (runtime/resilient-driver.ts): connections opened in the last moments of Neo4j's start-up were seen
 * to get no answer at all, holding requests 15 s and more. The first query of a request that fails
 * ends it, and a request waits at most 2 s for its audit event (api/route.ts).
 */
export const API_DRIVER_OPTIONS: DriverOptions = { maxTransactionRetryTime: 500, connectionTimeout: 1_000, connectionAcquisitionTimeout: 1_500, answerWithinMs: 2_000 };

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
