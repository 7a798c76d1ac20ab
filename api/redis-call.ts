import type { Job, JobState, Queue } from 'bullmq';
import type { ApiDeps } from './deps.ts';
import { RedisUnavailable } from './problem.ts';

/**
 * Redis calls from a request: refuse at once while Redis is away (ioredis would queue the command
 * and run it later — a job added after we answered 503 would surprise everyone), and give up after
 * a timeout.
 */
export async function redisCall<T>(deps: ApiDeps, what: string, f: () => Promise<T>): Promise<T> {
  if (deps.services.redis.status !== 'ready') throw new RedisUnavailable(`Redis is not connected (${what})`);
  return withDeadline(f(), deps.redisTimeoutMs, () => new RedisUnavailable(`Redis did not answer within ${deps.redisTimeoutMs} ms (${what})`));
}

/** The promise's value, or the error of `late()` once `ms` have passed (the promise itself runs on). */
export async function withDeadline<T>(promise: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(late()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A job and its state, read so that they agree: the state first, then the job. A job's state only
 * moves forward, so the job read second is at least as new as its state; read the other way round, a
 * job finishing in between showed "completed" with the result of the older snapshot (none).
 */
export async function readJobWithState(deps: ApiDeps, queue: Queue, jobId: string, what: string): Promise<{ job: Job; state: JobState | 'unknown' } | null> {
  const state = await redisCall(deps, what, () => queue.getJobState(jobId));
  const job = await redisCall(deps, what, () => queue.getJob(jobId));
  return job ? { job, state } : null;
}
