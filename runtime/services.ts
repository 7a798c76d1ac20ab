import type { Queue } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { Redis } from 'ioredis';
import { createDriver, type DriverOptions } from '../graph/driver.ts';
import { createQueue, redisConnection, QUEUES } from '../jobs/queues.ts';
import { recordedConnection } from '../stack/neo4j-local.ts';
import type { StackConnections } from '../stack/stack.ts';
import { resilientDriver } from './resilient-driver.ts';

/** The long-lived clients a process shares: one Neo4j driver, Redis connections, queues. */
export interface Services {
  driver: Driver;
  redis: Redis;
  /** Fails fast instead of queueing commands while Redis is away, for health checks. */
  redisProbe: Redis;
  queues: { system: Queue; ingest: Queue; detect: Queue; export: Queue; schedule: Queue; detectPart: Queue; report: Queue; delivery: Queue; rate: Queue };
  prefix: string;
  close(): Promise<void>;
}

export function openServices(stack: StackConnections, prefix: string, driverOptions: DriverOptions = {}): Services {
  // A local instance may come back on another address (--port, --fresh): follow its record, no restart
  // needed. The API also bounds every call on the server (answerWithinMs, api/options.ts).
  const local = stack.neo4j.local;
  const driver =
    local || driverOptions.answerWithinMs
      ? resilientDriver(stack.neo4j, driverOptions, {
          ...(local ? { locate: () => recordedConnection(local) } : {}),
          ...(driverOptions.answerWithinMs ? { answerWithinMs: driverOptions.answerWithinMs } : {}),
        })
      : createDriver(stack.neo4j, driverOptions);
  const redis = redisConnection(stack.redis.url);
  const redisProbe = new Redis(stack.redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2_000 });
  // Connection errors surface through readiness; without a listener ioredis would print them raw.
  redis.on('error', () => {});
  redisProbe.on('error', () => {});
  const queues = {
    system: createQueue(QUEUES.system, redis, prefix),
    ingest: createQueue(QUEUES.ingest, redis, prefix),
    detect: createQueue(QUEUES.detect, redis, prefix),
    export: createQueue(QUEUES.export, redis, prefix),
    schedule: createQueue(QUEUES.schedule, redis, prefix),
    detectPart: createQueue(QUEUES.detectPart, redis, prefix),
    report: createQueue(QUEUES.report, redis, prefix),
    delivery: createQueue(QUEUES.delivery, redis, prefix),
    rate: createQueue(QUEUES.rate, redis, prefix),
  };
  return {
    driver,
    redis,
    redisProbe,
    queues,
    prefix,
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
      await driver.close();
      redis.disconnect();
      redisProbe.disconnect();
    },
  };
}
