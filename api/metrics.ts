import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { logger } from '../config/logger.ts';
import { sendProblem } from './problem.ts';
import { withDeadline } from './redis-call.ts';

/**
 * Prometheus metrics at /metrics (prom-client), one registry per app:
 *
 * - ringlens_http_request_duration_seconds{method,route,status} — every API request, labelled by the
 *   route pattern (/api/v1/rings/:ringId), never the raw URL, so label cardinality stays bounded;
 * - ringlens_queue_jobs{queue,state} — waiting, active, delayed, failed, completed… read from Redis at
 *   scrape time, so every API instance reports the same shared queues;
 * - ringlens_job_duration_seconds{queue,name,status} — processing time (processedOn → finishedOn) of
 *   jobs finished since this process started, observed at scrape time from the newest finished jobs
 *   (no extra Redis connections, workers need no HTTP port);
 * - Node process metrics (CPU, memory, event-loop lag, GC).
 *
 * A scrape never waits on Redis: while the connection is down the queue metrics are skipped at once,
 * and each queue read gives up after `redisTimeoutMs` (scrape errors count both); the HTTP and process
 * metrics are always served.
 *
 * Access: with RINGLENS_METRICS_TOKEN set, scrapers send `Authorization: Bearer <token>`; without it
 * only loopback clients are answered (a Prometheus agent on the same host, or a reverse proxy that
 * restricts the path). Metrics reveal queue sizes and route timings, not personal data, but they
 * are not for the public internet.
 */

export interface Metrics {
  registry: Registry;
  /** express middleware timing every request */
  httpTimer: (req: Request, res: Response, next: NextFunction) => void;
  router: Router;
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

const MOUNTS = ['/api/v1', '/admin/queues'];

/**
 * The route pattern of a request, for a bounded label. Express clears req.baseUrl when an error
 * leaves a router, so the mount point is taken from the URL when it is missing; the dashboard's
 * internal routes all count as /admin/queues.
 */
export function routeLabel(req: Request): string {
  const path = req.originalUrl.split('?')[0] ?? '';
  if (path === '/admin/queues' || path.startsWith('/admin/queues/')) return '/admin/queues';
  const pattern = req.route?.path;
  if (typeof pattern !== 'string') return 'unmatched';
  if (req.baseUrl) return `${req.baseUrl}${pattern}`;
  const mount = MOUNTS.find((m) => path.startsWith(`${m}/`));
  return `${mount ?? ''}${pattern}`;
}

export interface MetricsOptions {
  token?: string | undefined;
  /** whether the queues' Redis connection is up (queue metrics are skipped while it is not) */
  redisReady?: () => boolean;
  /** how long one queue read may take during a scrape; default 1 s */
  redisTimeoutMs?: number;
}

export function createMetrics(queues: Record<string, Queue>, opts: MetricsOptions = {}): Metrics {
  const redisTimeoutMs = opts.redisTimeoutMs ?? 1_000;
  /** Reads every queue at once, each bounded; a queue that cannot be read counts as a scrape error. */
  const eachQueue = (read: (q: Queue) => Promise<void>) =>
    Promise.all(
      Object.values(queues).map(async (q) => {
        try {
          if (opts.redisReady && !opts.redisReady()) throw new Error('Redis is not connected');
          await withDeadline(read(q), redisTimeoutMs, () => new Error(`Redis did not answer within ${redisTimeoutMs} ms`));
        } catch (err) {
          failed(q.name, err);
        }
      }),
    );
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ringlens_' });
  const http = new Histogram({
    name: 'ringlens_http_request_duration_seconds',
    help: 'API request duration by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const scrapeErrors = new Counter({ name: 'ringlens_metrics_scrape_errors_total', help: 'queue reads that failed during a scrape', labelNames: ['queue'] as const, registers: [registry] });
  const failed = (queue: string, err: unknown) => {
    scrapeErrors.inc({ queue });
    logger().warn({ queue, err: (err as Error).message }, 'metrics: cannot read queue');
  };
  const seen = new Set<string>();
  const started = Date.now();
  new Histogram({
    name: 'ringlens_job_duration_seconds',
    help: 'Job processing time (processedOn to finishedOn) by queue, job name and outcome, for jobs finished since this process started',
    labelNames: ['queue', 'name', 'status'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
    // prom-client serialises metrics concurrently: each metric collects what it reports itself.
    async collect() {
      await eachQueue(async (q) => {
        for (const status of ['completed', 'failed'] as const) {
          for (const job of await q.getJobs([status], 0, 99, false)) {
            if (!job?.finishedOn || !job.processedOn || job.finishedOn < started) continue;
            const key = `${q.name}:${job.id}:${job.finishedOn}`;
            if (seen.has(key)) continue;
            seen.add(key);
            this.observe({ queue: q.name, name: job.name, status }, (job.finishedOn - job.processedOn) / 1000);
          }
        }
      });
      // Bounded memory: the key set only needs to outlive the window getJobs looks at.
      if (seen.size > 50_000) seen.clear();
    },
  });
  new Gauge({
    name: 'ringlens_queue_jobs',
    help: 'Jobs per BullMQ queue and state (read from Redis at scrape time)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      await eachQueue(async (q) => {
        const counts = await q.getJobCounts(...STATES);
        for (const s of STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
      });
    },
  });

  const httpTimer = (req: Request, res: Response, next: NextFunction) => {
    const end = http.startTimer();
    res.on('finish', () => end({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
    next();
  };

  const router = express.Router();
  router.get('/metrics', async (req, res) => {
    if (opts.token) {
      if (req.get('authorization') !== `Bearer ${opts.token}`) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="ringlens-metrics"');
        sendProblem(res, 401, 'send the metrics token: Authorization: Bearer <RINGLENS_METRICS_TOKEN>');
        return;
      }
    } else {
      const ip = req.socket.remoteAddress ?? '';
      if (!(ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1')) {
        sendProblem(res, 403, '/metrics answers loopback clients only unless RINGLENS_METRICS_TOKEN is set');
        return;
      }
    }
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  });
  return { registry, httpTimer, router };
}
