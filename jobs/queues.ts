import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Every queue the product uses; later issues add report queues. */
export const QUEUES = {
  system: 'system',
  ingest: 'ingest',
  detect: 'detect',
  export: 'export',
  /** fires of the job schedulers, one per schedule and time */
  schedule: 'schedule',
  /** one part of a partitioned detection run (a pooling region, or the cross-region pass) */
  detectPart: 'detect-part',
  /** building and storing one scheduled report */
  report: 'report',
  /** sending a stored report to a webhook or by e-mail */
  delivery: 'delivery',
  /** credit ratings of institutions for a period, after each detection run (docs/rating.md) */
  rate: 'rate',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** BullMQ needs maxRetriesPerRequest null so blocking commands survive reconnects. */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

export function createQueue(name: QueueName, connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(name, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 7 * 24 * 3600, count: 1_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
}

export function createQueueEvents(name: QueueName, connection: ConnectionOptions, prefix: string): QueueEvents {
  return new QueueEvents(name, { connection, prefix });
}
