import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';

/** Every queue the product uses; later issues add ingest, detection, export and report queues. */
export const QUEUES = {
  system: 'system',
  ingest: 'ingest',
  detect: 'detect',
} as const;

/** What a detection job is asked to do: the scope of one run (all optional: no scope = everything). */
export const DetectJobPayload = z
  .object({
    region: z.string().regex(/^[0-9A-Za-z]{1,12}$/, 'a pooling region code').optional(),
    since: z.iso.date().optional(),
    until: z.iso.date().optional(),
  })
  .refine((p) => !p.since || !p.until || p.since <= p.until, { message: 'since is after until', path: ['since'] });
export type DetectJobPayload = z.infer<typeof DetectJobPayload>;

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
