import { afterAll, describe, expect, inject, it } from 'vitest';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import type { PingResult } from '../../jobs/system-jobs.ts';
import { startWorkers } from '../../jobs/workers.ts';
import { openServices } from '../../runtime/services.ts';

describe('the system queue', () => {
  const services = openServices(inject('stack'), inject('queuePrefix'));
  const eventsConnection = services.redis.duplicate();
  const events = createQueueEvents(QUEUES.system, eventsConnection, services.prefix);
  const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix, concurrency: 2 });
  afterAll(async () => {
    await pool.close();
    await events.close();
    eventsConnection.disconnect();
    await services.queues.system.obliterate({ force: true });
    await services.close();
  });

  it('round-trips a ping job through the real Redis and a real worker', async () => {
    await events.waitUntilReady();
    const job = await services.queues.system.add('ping', { message: '你好' });
    const result = (await job.waitUntilFinished(events, 20_000)) as PingResult;
    expect(result.pong).toBe('你好');
    expect(result.worker).toContain(String(process.pid));
    const stored = await services.queues.system.getJob(job.id!);
    expect(await stored?.getState()).toBe('completed');
    expect(stored?.progress).toBe(100);
  });

  it('fails an unknown job with a message that names it, after its retries', async () => {
    const job = await services.queues.system.add('no-such-job', {}, { attempts: 1 });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/unknown job name "no-such-job"/);
  });
});
