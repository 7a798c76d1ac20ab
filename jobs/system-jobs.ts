import type { Job } from 'bullmq';
import { z } from 'zod';

/**
 * The system queue carries housekeeping jobs. `ping` proves the whole path
 * (API or CLI → Redis → worker → result) works, and is what health tooling enqueues.
 */
export const PingPayload = z.object({ message: z.string().max(200).default('ping') });
export type PingPayload = z.infer<typeof PingPayload>;

export interface PingResult {
  pong: string;
  receivedAt: string;
  worker: string;
}

export async function processSystemJob(job: Job, workerName: string): Promise<PingResult> {
  switch (job.name) {
    case 'ping': {
      const payload = PingPayload.parse(job.data);
      await job.updateProgress(100);
      return { pong: payload.message, receivedAt: new Date().toISOString(), worker: workerName };
    }
    default:
      throw new Error(`system queue: unknown job name "${job.name}" (job ${job.id})`);
  }
}
