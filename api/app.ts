import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { logger } from '../config/logger.ts';
import type { Services } from '../runtime/services.ts';
import { createLoginLimits } from './auth/login-limits.ts';
import { createSessions } from './auth/sessions.ts';
import { tokenConfig } from './auth/tokens.ts';
import type { ApiDeps } from './deps.ts';
import { docsRouter } from './docs-page.ts';
import { buildOpenApi, API_PREFIX } from './openapi.ts';
import { problemHandler, sendProblem } from './problem.ts';
import { checkReadiness } from './readiness.ts';
import { createRingCache } from './ring-cache.ts';
import { mountRoute, type AnyRoute } from './route.ts';
import { allRoutes } from './routes/index.ts';
import { staticUiRouter } from './static-ui.ts';
import { createMetrics } from './metrics.ts';
import { BOARD_PATH, queueBoard } from './queue-board.ts';

export interface ApiOptions extends Partial<Omit<ApiDeps, 'services' | 'tokens' | 'ringCache' | 'sessions' | 'loginLimits'>> {
  /** how long a cached ring read may be served (0 turns the cache off); changes announced on Redis clear it sooner */
  ringCacheTtlMs?: number;
  /** bearer token for /metrics; without one /metrics answers loopback clients only */
  metricsToken?: string | undefined;
  /** HS256 secret for tokens (≥ 32 bytes); without one a random secret is made (tokens die with the process) */
  jwtSecret?: string | undefined;
  accessTokenSeconds?: number;
  /** how long a user's token version is cached per process (announced changes clear it sooner); default 5 s */
  sessionCacheTtlMs?: number;
  /**
   * Express's "trust proxy": which peers may tell the client's address in X-Forwarded-For (audit trail,
   * login limits). Default false: no header is believed. A reverse proxy deployment names the proxy's
   * address(es) or the number of proxy hops (RINGLENS_TRUST_PROXY).
   */
  trustProxy?: string | number | false;
  refreshTokenSeconds?: number;
  /** serve the workbench (ui/dist) at / with SPA fallback; default true */
  serveUi?: boolean;
  uiDistDir?: string;
}

export function apiDeps(services: Services, opts: ApiOptions = {}): ApiDeps {
  let secret = opts.jwtSecret;
  if (!secret) {
    logger().warn('RINGLENS_JWT_SECRET is not set: using a random secret, tokens will not survive a restart or work across instances');
    secret = randomBytes(32).toString('base64url');
  }
  const loginRateLimit = opts.loginRateLimit ?? { limit: 10, windowMs: 15 * 60_000 };
  const redisTimeoutMs = opts.redisTimeoutMs ?? 2_000;
  return {
    services,
    tokens: tokenConfig(secret, {
      ...(opts.accessTokenSeconds ? { accessSeconds: opts.accessTokenSeconds } : {}),
      ...(opts.refreshTokenSeconds ? { refreshSeconds: opts.refreshTokenSeconds } : {}),
    }),
    uploadDir: opts.uploadDir ?? path.join(os.tmpdir(), 'ringlens-uploads'),
    uploadMaxBytes: opts.uploadMaxBytes ?? 2 * 1024 ** 3,
    corsOrigins: opts.corsOrigins ?? [],
    loginRateLimit,
    loginLimits: createLoginLimits(services.redis, services.prefix, loginRateLimit, Math.min(redisTimeoutMs, 1_000)),
    sessions: createSessions(services.driver, services.redis, services.prefix, { ttlMs: opts.sessionCacheTtlMs ?? 5_000, maxEntries: 10_000 }),
    jsonLimit: opts.jsonLimit ?? '100kb',
    validateResponses: opts.validateResponses ?? true,
    redisTimeoutMs,
    ringCache: createRingCache(services, { ttlMs: opts.ringCacheTtlMs ?? 2_000, maxEntries: 2_000 }),
  };
}

export interface RingLensApp extends Express {
  routes: AnyRoute[];
  /** releases what the app holds besides the services (subscriptions, the login limits' connection) */
  dispose(): Promise<void>;
  metrics: ReturnType<typeof createMetrics>;
}

export function createApp(services: Services, opts: ApiOptions = {}): RingLensApp {
  const deps = apiDeps(services, opts);
  const app = express() as RingLensApp;
  app.disable('x-powered-by');
  // API answers are per user and never revalidated by clients; hashing every body for an ETag cost 2 % of the CPU.
  app.set('etag', false);
  // X-Forwarded-For names the client only when a trusted proxy set it; anyone else could forge it to
  // dodge the login limits and write any address into the audit trail.
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(
    pinoHttp({
      logger: logger().child({ component: 'api' }),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Request logs carry no headers (bearer tokens) and no query strings (ID numbers searched for):
      // who read what is the audit trail's job, not the log's.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  const metrics = createMetrics(services.queues, { token: opts.metricsToken, redisReady: () => services.redis.status === 'ready', redisTimeoutMs: 1_000 });
  app.metrics = metrics;
  app.use(metrics.httpTimer);
  app.use(metrics.router);
  // Before helmet: the dashboard's own UI needs its scripts (it sets no CSP of ours; see queue-board.ts).
  app.use(BOARD_PATH, express.json({ limit: '100kb' }), queueBoard(deps, Object.values(services.queues)));
  // No upgrade-insecure-requests: the API is often reached over plain HTTP inside a bureau network or on localhost.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(cors({ origin: deps.corsOrigins.length ? deps.corsOrigins : false, credentials: false, maxAge: 600 }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(services.driver, services.redisProbe);
    if (readiness.ready) {
      res.json({ status: 'ready', ...readiness });
      return;
    }
    const reason = Object.values(readiness.checks).filter((c) => !c.ok).map((c) => c.detail).join('; ');
    res.status(503).json({ status: 'not ready', reason, ...readiness });
  });

  const routes = allRoutes();
  app.routes = routes;
  app.dispose = async () => {
    await Promise.all([deps.ringCache.close(), deps.sessions.close(), deps.loginLimits.close()]);
  };
  const document = buildOpenApi(routes, '0.1.0');
  // File downloads are plain Express handlers (binary answers); their operation is added by hand.
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use(docsRouter());

  const api = express.Router();
  // Every API answer is per user and most carry personal data: no browser or proxy cache may keep one.
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(express.json({ limit: deps.jsonLimit, strict: true }));
  for (const r of routes) mountRoute(api, r, deps);
  api.use((req, res) => sendProblem(res, 404, `no route ${req.method} ${req.originalUrl.split('?')[0]}`));
  app.use(API_PREFIX, api);
  if (opts.serveUi !== false) app.use(staticUiRouter(opts.uiDistDir));
  app.use((req, res) => sendProblem(res, 404, `no route ${req.method} ${req.originalUrl.split('?')[0]}`));
  app.use(problemHandler);
  return app;
}
