import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../graph/migrate.ts';
import type { IngestJobProgress } from '../../jobs/ingest-job.ts';
import { createQueueEvents, QUEUES } from '../../jobs/queues.ts';
import { startWorkers } from '../../jobs/workers.ts';
import type { IngestSummary } from '../../ingest/run-ingest.ts';
import { openServices } from '../../runtime/services.ts';
import { writeTinyDataset } from '../fixtures/canonical-dataset.ts';
import { wipeGraph } from './graph-snapshot.ts';

describe('the ingest job on the BullMQ queue', () => {
  const services = openServices(inject('stack'), `${inject('queuePrefix')}-ingest`);
  const eventsConnection = services.redis.duplicate();
  const events = createQueueEvents(QUEUES.ingest, eventsConnection, services.prefix);
  const pool = startWorkers({ connection: services.redis, driver: services.driver, prefix: services.prefix });
  beforeAll(async () => {
    await migrate(services.driver);
    await wipeGraph(services.driver);
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await pool.close();
    await events.close();
    eventsConnection.disconnect();
    await services.queues.ingest.obliterate({ force: true });
    await services.close();
  });

  it('loads a dataset, reports progress as it goes and returns the summary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringlens-job-'));
    const data = writeTinyDataset(path.join(dir, 'data'), { persons: 50, claims: 3_000 });
    const progress: IngestJobProgress[] = [];
    events.on('progress', ({ data: p }) => progress.push(p as IngestJobProgress));
    const job = await services.queues.ingest.add('ingest', { inputs: [data.dir], rejectsDir: path.join(dir, 'rejects'), batchSize: 500 });
    const summary = (await job.waitUntilFinished(events, 120_000)) as IngestSummary;
    expect(summary.read).toBe(summary.accepted + summary.rejected);
    expect(summary.accepted).toBe(1 + 2 + 2 + 50 + 50 + 3_000 + 6_000);
    expect(progress.length).toBeGreaterThan(0);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ kind: 'claim_items', done: 6_000, total: 6_000, percent: 100 });
    const { records } = await services.driver.executeQuery('MATCH (c:Claim) RETURN count(c) AS n');
    expect(records[0]?.get('n')).toBe(3_000);
  });

  it('fails a job with an invalid payload and says which field is wrong', async () => {
    const job = await services.queues.ingest.add('ingest', { inputs: [], rejectsDir: '/tmp' }, { attempts: 1 });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/inputs: name at least one file/);
  });
});
