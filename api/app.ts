import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { logger } from '../config/logger.ts';
import type { Services } from '../runtime/services.ts';
import { checkReadiness } from './readiness.ts';

export function createApp(services: Services): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pinoHttp({ logger: logger().child({ component: 'api' }), autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' } }));

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

  return app;
}
