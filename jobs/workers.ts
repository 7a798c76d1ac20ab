import os from 'node:os';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Driver } from 'neo4j-driver';
import { loadEnv, type Env } from '../config/env.ts';
import { processDetectJob } from './detect-job.ts';
import { processExportJob } from './export-job.ts';
import type { ExportAuditSink } from '../exports/audit-hook.ts';
import { processIngestJob } from './ingest-job.ts';
import { logger } from '../config/logger.ts';
import { QUEUES } from './queues.ts';
import { processSystemJob } from './system-jobs.ts';

export interface WorkerPool {
  workers: Worker[];
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  connection: Redis;
  driver: Driver;
  prefix: string;
  concurrency?: number;
  env?: Env;
  /** where export jobs record their audit events; default the audit trail in Neo4j */
  exportAudit?: ExportAuditSink;
}

/** Starts one BullMQ worker per queue; closing waits for running jobs to finish. */
export function startWorkers(opts: WorkerPoolOptions): WorkerPool {
  const name = `${os.hostname()}:${process.pid}`;
  const log = logger().child({ component: 'worker' });
  const system = new Worker(QUEUES.system, (job) => processSystemJob(job, name), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 4,
    name,
  });
  // Ingest is write-bound on Neo4j: one file at a time per worker keeps batches from fighting for locks.
  const ingest = new Worker(QUEUES.ingest, (job) => processIngestJob(job, opts.driver), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    lockDuration: 60_000,
  });
  // A detection run holds the whole projection in memory and rewrites the ring set: one at a time per
  // worker here, and one at a time across all workers through the queue's global concurrency (set
  // below), so two runs never track rings against the same previous run.
  const detect = new Worker(QUEUES.detect, (job) => processDetectJob(job, opts.driver), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    lockDuration: 120_000,
  });
  const detectQueue = new Queue(QUEUES.detect, { connection: opts.connection, prefix: opts.prefix });
  detectQueue
    .setGlobalConcurrency(1)
    .catch((err: Error) => log.warn({ queue: QUEUES.detect, err: err.message }, 'could not set global concurrency'))
    .finally(() => void detectQueue.close());
  // Building a package (PDF layout, workbook, hashing) is CPU-bound: one at a time per worker.
  const env = opts.env ?? loadEnv();
  const exporter = new Worker(QUEUES.export, (job) => processExportJob(job, opts.driver, env, opts.exportAudit), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: 1,
    name,
    lockDuration: 120_000,
  });
  const workers = [system, ingest, detect, exporter];
  for (const w of workers) {
    w.on('completed', (job) => log.info({ queue: w.name, job: job.id, name: job.name }, 'job completed'));
    w.on('failed', (job, err) => log.error({ queue: w.name, job: job?.id, name: job?.name, err: err.message }, 'job failed'));
    w.on('error', (err) => log.error({ queue: w.name, err: err.message }, 'worker error'));
  }
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
