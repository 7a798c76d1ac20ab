/**
 * The rate queue: computes credit ratings for a period (rating/run-rating.ts). A worker enqueues one
 * after every detection run that wrote rings (manual, queued or the merge of a scheduled run), so the
 * ratings always reflect the latest rings and verdicts; an operator enqueues one with `ringlens rate --queue`.
 */
import type { Job, Queue } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { periodOfDay, isPeriodKey, PERIOD_HINT, type Period } from '../rating/period.ts';
import { runRating } from '../rating/run-rating.ts';

export const RATING_PERIOD_UNITS = ['year', 'half', 'quarter', 'month'] as const;

export const RateJobPayload = z.object({
  /** the period to rate; default the period (of `unit`) holding the latest settled claim */
  period: z.string().refine(isPeriodKey, `expected ${PERIOD_HINT}`).optional(),
  unit: z.enum(RATING_PERIOD_UNITS).default('quarter'),
  modelFile: z.string().min(1).optional(),
  /** the detection run (or scheduled merge) after which the rating was computed */
  detectionRunId: z.string().min(1).optional(),
  trigger: z.string().min(1).default('queue'),
});
export type RateJobPayload = z.input<typeof RateJobPayload>;

export interface RateJobResult {
  ratingRunId: string;
  period: string;
  institutions: number;
  rated: number;
  bands: Record<string, number>;
}

export async function latestClaimPeriod(driver: Driver, unit: Period['unit']): Promise<string | null> {
  const { records } = await driver.executeQuery('MATCH (c:Claim) RETURN toString(date(max(c.settledAt))) AS d', {}, { routing: 'READ' });
  const d = records[0]?.get('d') as string | null;
  return d ? periodOfDay(d, unit).key : null;
}

export async function processRateJob(job: Job, driver: Driver): Promise<RateJobResult | { skipped: string }> {
  const parsed = RateJobPayload.safeParse(job.data);
  if (!parsed.success) throw new Error(`rate job ${job.id}: invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
  const p = parsed.data;
  const period = p.period ?? (await latestClaimPeriod(driver, p.unit));
  if (!period) return { skipped: 'no claims to rate' };
  const r = await runRating(driver, {
    period,
    modelFile: p.modelFile,
    trigger: p.trigger,
    detectionRunId: p.detectionRunId ?? null,
    onProgress: (stage) => void job.updateProgress({ stage }),
  });
  return { ratingRunId: r.run.ratingRunId, period, institutions: r.run.institutions, rated: r.run.rated, bands: r.run.bands };
}

/** Enqueues the rating that follows a detection run; one per run (the job id is the run's). */
export async function enqueueRatingAfterDetection(queue: Queue, detectionJobId: string | undefined, detectionRunId: string | undefined): Promise<void> {
  const unit = (process.env.RINGLENS_RATING_PERIOD_UNIT ?? 'quarter') as (typeof RATING_PERIOD_UNITS)[number];
  await queue.add(
    'rate',
    { unit: RATING_PERIOD_UNITS.includes(unit) ? unit : 'quarter', trigger: 'after-detection', ...(detectionRunId ? { detectionRunId } : {}) } satisfies RateJobPayload,
    { jobId: `rate-after-${detectionRunId ?? detectionJobId ?? Date.now()}` },
  );
}
