/**
 * The rate queue: computes credit ratings of institutions and then of doctors for a period (rating/run-rating.ts). A worker enqueues one
 * after every detection run that wrote rings (manual, queued or the merge of a scheduled run), so the
 * ratings always reflect the latest rings and verdicts; an operator enqueues one with `ringlens rate --queue`.
 */
import type { Job, Queue } from 'bullmq';
import type { Driver } from 'neo4j-driver';
import { z } from 'zod';
import { periodOfDay, isPeriodKey, PERIOD_HINT, type Period } from '../rating/period.ts';
import { runDoctorRating, runRating } from '../rating/run-rating.ts';

export const RATING_PERIOD_UNITS = ['year', 'half', 'quarter', 'month'] as const;

export const RateJobPayload = z.object({
  /** the period to rate; default the period (of `unit`) holding the latest settled claim */
  period: z.string().refine(isPeriodKey, `expected ${PERIOD_HINT}`).optional(),
  unit: z.enum(RATING_PERIOD_UNITS).default('quarter'),
  modelFile: z.string().min(1).optional(),
  /** the doctor model; default RINGLENS_DOCTOR_RATING_MODEL or the shipped doctor-100 model */
  doctorModelFile: z.string().min(1).optional(),
  /** what to rate (default both: institutions, then doctors) */
  subjects: z.array(z.enum(['institution', 'doctor'])).min(1).default(['institution', 'doctor']),
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
  /** the doctor rating of the same period, when doctors were rated */
  doctors?: { ratingRunId: string; doctors: number; rated: number; bands: Record<string, number> };
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
  const common = { period, trigger: p.trigger, detectionRunId: p.detectionRunId ?? null, onProgress: (stage: string) => void job.updateProgress({ stage }) };
  const r = p.subjects.includes('institution') ? await runRating(driver, { ...common, modelFile: p.modelFile }) : undefined;
  const d = p.subjects.includes('doctor') ? await runDoctorRating(driver, { ...common, doctorModelFile: p.doctorModelFile }) : undefined;
  return {
    ratingRunId: r?.run.ratingRunId ?? d!.run.ratingRunId,
    period,
    institutions: r?.run.institutions ?? 0,
    rated: r?.run.rated ?? 0,
    bands: r?.run.bands ?? {},
    ...(d ? { doctors: { ratingRunId: d.run.ratingRunId, doctors: d.run.institutions, rated: d.run.rated, bands: d.run.bands } } : {}),
  };
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
