/**
 * A worker in its own process, for the test that kills one mid-job (SIGKILL cannot be sent to a
 * worker inside the test's own process). Configuration comes in through the environment:
 * RL_STACK (JSON StackConnections), RL_PREFIX, RL_PAUSE_AFTER_REPORT_MS — hold a report job this long
 * after its work is done and before BullMQ is told it completed, the worst moment to die.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadEnv } from '../../../config/env.ts';
import { startWorkers } from '../../../jobs/workers.ts';
import { openServices } from '../../../runtime/services.ts';
import type { StackConnections } from '../../../stack/stack.ts';

const stack = JSON.parse(process.env.RL_STACK!) as StackConnections;
const pauseMs = Number(process.env.RL_PAUSE_AFTER_REPORT_MS ?? 0);
const services = openServices(stack, process.env.RL_PREFIX!);
startWorkers({
  connection: services.redis,
  driver: services.driver,
  prefix: services.prefix,
  env: loadEnv(),
  lockDuration: 5_000,
  stalledInterval: 1_000,
  around: async (queue, job, run) => {
    // The report job enqueues its deliveries before it pauses. Were this worker to send one, the kill
    // could land between the receiver accepting it and the attempt being recorded — the documented
    // at-least-once case (docs/schedules.md), not the one this worker stages — and the receiver
    // would count it twice. So a pausing worker holds its deliveries; they are recovered with the report.
    if (queue === 'delivery' && pauseMs > 0) await sleep(pauseMs);
    const result = await run();
    if (queue === 'report' && pauseMs > 0) {
      process.stdout.write(`report-done ${job.id}\n`);
      await sleep(pauseMs);
    }
    return result;
  },
});
process.stdout.write('worker-ready\n');
