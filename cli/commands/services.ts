import type { Command } from 'commander';
import { API_DRIVER_OPTIONS, apiOptionsFromEnv } from '../../api/options.ts';
import { startApiServer } from '../../api/server.ts';
import { loadEnv } from '../../config/env.ts';
import { logger } from '../../config/logger.ts';
import { migrate } from '../../graph/migrate.ts';
import { startWorkers } from '../../jobs/workers.ts';
import { openServices } from '../../runtime/services.ts';
import { ensureStack, locateStack, stopStack } from '../../stack/stack.ts';
import { parsePort, parsePositiveInt } from '../options.ts';
import { onShutdown } from '../shutdown.ts';
import { ingestProgressReporter } from '../progress.ts';
import { ensureDemoData } from '../../runtime/demo-data.ts';
import { createUser, listUsers } from '../../graph/users/users.ts';
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../access/passwords.ts';
import { runDetection } from '../../detection/run-detection.ts';
import { latestClaimPeriod } from '../../jobs/rate-job.ts';
import { previousPeriod } from '../../rating/period.ts';
import { runRating } from '../../rating/run-rating.ts';
import { ensureUiBuilt } from '../../runtime/ui-build.ts';
import { announceListening, isClusterWorker, runApiCluster } from '../../runtime/api-cluster.ts';

/**
 * The workbench is served from ui/dist; a checkout builds it on start when it is missing or stale.
 * Without Vite (production install) the API still starts and / says how to build it.
 */
async function prepareWorkbench(): Promise<void> {
  try {
    await ensureUiBuilt();
  } catch (e) {
    logger().warn({ err: (e as Error).message }, 'workbench not available at /');
  }
}

export function registerServiceCommands(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP API (/api/v1, /openapi.json, /docs, /healthz, /readyz); connects to NEO4J_URI/REDIS_URL or the local instances')
    .option('--port <port>', 'port to listen on (default RINGLENS_PORT or 8080)', parsePort)
    .option('--host <host>', 'address to bind (default RINGLENS_HOST or 127.0.0.1)')
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .option('--workers <n>', 'API processes sharing the port, one per core to use (default 1)', parsePositiveInt, 1)
    .action(async (o: { port?: number; host?: string; instance: string; workers: number }) => {
      const env = loadEnv(); // bad configuration fails here, once, before any worker starts
      if (o.workers > 1 && !isClusterWorker()) {
        await prepareWorkbench();
        const cluster = await runApiCluster(o.workers);
        console.log(`RingLens API at ${cluster.url}  (${o.workers} worker processes; readiness: ${cluster.url}/readyz)`);
        onShutdown(() => cluster.stop());
        return;
      }
      // Requests answer 503 (Retry-After) within 3 s of Neo4j being away instead of hanging in driver retries.
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX, API_DRIVER_OPTIONS);
      if (!isClusterWorker()) await prepareWorkbench();
      const api = await startApiServer(services, o.host ?? env.RINGLENS_HOST, o.port ?? env.RINGLENS_PORT, apiOptionsFromEnv(env));
      if (isClusterWorker()) announceListening(api.url);
      else console.log(`RingLens API at ${api.url}  (readiness: ${api.url}/readyz)`);
      onShutdown(async () => {
        await api.close();
        await services.close();
      });
    });

  program
    .command('worker')
    .description('start BullMQ workers for every queue; run several on several machines sharing one Redis')
    .option('--concurrency <n>', 'jobs per queue processed at once', parsePositiveInt, 4)
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .action(async (o: { concurrency: number; instance: string }) => {
      const env = loadEnv();
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
      // Every worker keeps the job schedulers in line with the stored schedules (idempotent upserts).
      const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, concurrency: o.concurrency, env, schedules: 'ensure' });
      console.log(`workers running on queues: ${pool.workers.map((w) => w.name).join(', ')}`);
      onShutdown(async () => {
        await pool.close();
        await services.close();
      });
    });

  program
    .command('demo')
    .description('bring up everything: Neo4j, Redis, schema, the demo dataset (generated and ingested once), API and a worker; Ctrl-C stops all of it')
    .option('--port <port>', 'API port (default RINGLENS_PORT or 8080)', parsePort)
    .option('--instance <name>', 'local instance name', 'default')
    .option('--claims <n>', 'size of the generated demo dataset', parsePositiveInt, 50_000)
    .option('--no-data', 'do not generate or load the demo dataset')
    .action(async (o: { port?: number; instance: string; claims: number; data: boolean }) => {
      const env = loadEnv();
      const stack = await ensureStack(env, { instance: o.instance });
      let cleanup = async () => stopStack(env, o.instance, stack);
      onShutdown(() => cleanup());
      const services = openServices(stack, env.RINGLENS_QUEUE_PREFIX);
      await migrate(services.driver);
      if (o.data) {
        const progress = ingestProgressReporter();
        await ensureDemoData(services.driver, { cacheDir: env.RINGLENS_CACHE_DIR, claims: o.claims, seed: 7, onProgress: progress.report });
        progress.stop();
        // The demo opens on a ring queue: run detection once if no run exists yet.
        const { records } = await services.driver.executeQuery('MATCH (d:DetectionRun) RETURN count(d) AS n');
        if (Number(records[0]?.get('n') ?? 0) === 0) {
          console.log('Running detection over the demo data (once)…');
          const summary = await runDetection(services.driver);
          console.log(`Detection run ${summary.runId}: ${summary.rings.length} rings`);
        }
        // …and the institutions page on credit ratings: the two half-years of the latest claims, once.
        const rated = await services.driver.executeQuery('MATCH (r:RatingRun) RETURN count(r) AS n');
        if (Number(rated.records[0]?.get('n') ?? 0) === 0) {
          const latest = await latestClaimPeriod(services.driver, 'half');
          if (latest) {
            for (const period of [previousPeriod(latest).key, latest]) {
              const r = await runRating(services.driver, { period, trigger: 'demo' });
              console.log(`Credit ratings ${period}: ${Object.entries(r.run.bands).map(([b, n]) => `${b} ${n}`).join(', ')}`);
            }
          }
        }
      }
      await prepareWorkbench();
      const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, env, schedules: 'ensure' });
      const api = await startApiServer(services, env.RINGLENS_HOST, o.port ?? env.RINGLENS_PORT, apiOptionsFromEnv(env));
      cleanup = async () => {
        await api.close();
        await pool.close();
        await services.close();
        await stopStack(env, o.instance, stack);
        logger().info('demo stopped; project-owned servers stopped');
      };
      console.log(`\nRingLens is up: ${api.url}   (readiness: ${api.url}/readyz)`);
      console.log(`Neo4j ${stack.neo4j.uri}   Redis ${stack.redis.url}`);
      if ((await listUsers(services.driver)).length === 0) {
        // Demo accounts so the workbench can be tried at once; passwords are random and shown only here.
        console.log('Demo accounts for the workbench (shown once; manage users with `ringlens users` / the API):');
        for (const [username, role, displayName] of [['demo.investigator', 'investigator', '演示稽核员'], ['demo.supervisor', 'supervisor', '演示主管']] as const) {
          const password = randomBytes(9).toString('base64url');
          await createUser(services.driver, { username, displayName, role, passwordHash: await hashPassword(password) });
          console.log(`  ${username} / ${password}  (${role})`);
        }
        console.log(`Create the first admin with \`npx ringlens users create admin --instance ${o.instance}\` (docs/api.md).`);
      }
      console.log('Press Ctrl-C to stop everything.\n');
    });
}
