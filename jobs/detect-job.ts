import type { Job } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { runDetection, type DetectionProgress } from '../detection/run-detection.ts';
import { runReport, type RunReport } from '../detection/run-report.ts';
import { DetectionScopeSchema } from '../detection/scope.ts';

/** What the API, a schedule or an operator enqueues on the detect queue. */
export const DetectJobPayload = z.object({
  scope: DetectionScopeSchema.default({}),
  /** also write the detected-rings JSON here (on the worker's disk) */
  out: z.string().min(1).optional(),
  /** who asked for the run (the API's user), kept with the job for its status page */
  requestedBy: z.string().min(1).optional(),
});
export type DetectJobPayload = z.input<typeof DetectJobPayload>;

export type DetectJobProgress = DetectionProgress;

/**
 * A finished detect job's return value: the run's report (detection/run-report.ts), JSON as BullMQ
 * stores it. It stays small (it lives in Redis): the top rings' ids and first sentences, not the rings.
 */
export type DetectJobResult = RunReport;

export async function processDetectJob(job: Job, driver: Driver): Promise<DetectJobResult> {
  const parsed = DetectJobPayload.safeParse(job.data);
  if (!parsed.success) {
    throw new Error(`detect job ${job.id}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
  }
  let lastSent = -1;
  const s = await runDetection(driver, {
    scope: parsed.data.scope,
    out: parsed.data.out,
    onProgress: (p) => {
      // Stage changes and whole percents only: a run reports thousands of projection steps.
      if (p.percent === lastSent) return;
      lastSent = p.percent;
      void job.updateProgress(p satisfies DetectJobProgress);
    },
  });
  return runReport(s);
}
