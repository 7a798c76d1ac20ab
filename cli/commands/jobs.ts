import type { Command } from 'commander';
import { loadEnv } from '../../config/env.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import type { PingResult } from '../../jobs/system-jobs.ts';
import { openServices } from '../../runtime/services.ts';
import { locateStack } from '../../stack/stack.ts';
import { parsePositiveInt } from '../options.ts';

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('inspect and exercise the job queues');
  jobs
    .command('ping')
    .description('enqueue a no-op job on the system queue and wait for a worker to answer it')
    .option('--timeout <seconds>', 'how long to wait for a worker', parsePositiveInt, 30)
    .option('--instance <name>', 'local instances to use when the URLs are not set', 'default')
    .action(async (o: { timeout: number; instance: string }) => {
      const env = loadEnv();
      const services = openServices(locateStack(env, o.instance), env.RINGLENS_QUEUE_PREFIX);
      const eventsConnection = services.redis.duplicate();
      const events = createQueueEvents(QUEUES.system, eventsConnection, services.prefix);
      try {
        await events.waitUntilReady();
        const job = await services.queues.system.add('ping', { message: 'ping from the CLI' });
        const result = (await job.waitUntilFinished(events, o.timeout * 1000)) as PingResult;
        console.log(`job ${job.id} answered by worker ${result.worker}: ${result.pong}`);
      } catch (err) {
        throw new Error(`no worker answered within ${o.timeout}s (is \`ringlens worker\` running?): ${(err as Error).message}`);
      } finally {
        await events.close();
        eventsConnection.disconnect();
        await services.close();
      }
    });
}
