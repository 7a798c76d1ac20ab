/**
 * One rating computation: reads the period's facts from the graph, computes the indicators, rates
 * every institution against its peers and stores the ratings with their breakdown (graph/rating/).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Driver } from 'neo4j-driver';
import { readDoctorFacts, type DoctorFacts } from '../graph/rating/doctor-facts.ts';
import { writeDoctorRatings } from '../graph/rating/doctor-store.ts';
import { readInstitutionFacts } from '../graph/rating/facts.ts';
import { writeRatings, type RatingRunRecord } from '../graph/rating/store.ts';
import { indicatorValues } from './compute.ts';
import { DEFAULT_MODEL_FILE, doctorModelFile, loadSubjectModel } from './load.ts';
import type { RatingModel } from './model.ts';
import { parsePeriod, previousPeriod } from './period.ts';
import { rateAll, type Rating } from './score.ts';

export interface RateOptions {
  period: string;
  /** model file; default RINGLENS_RATING_MODEL or the shipped Wenzhou model */
  modelFile?: string;
  trigger?: string;
  detectionRunId?: string | null;
  onProgress?: (stage: string) => void;
}

export interface RateResult {
  run: RatingRunRecord;
  ratings: (Rating & { name: string | null; kind: string | null; level: string | null; region: string | null })[];
  model: RatingModel;
}

export function modelFileOf(opts: { modelFile?: string }): string {
  return opts.modelFile ?? process.env.RINGLENS_RATING_MODEL ?? DEFAULT_MODEL_FILE;
}

/** The longest readmission window the model's indicators look at (stays are read that far around the periods). */
function readmissionWindow(model: RatingModel): number {
  return Math.max(
    15,
    ...model.indicators.flatMap((i) => {
      const s = i.source;
      if ('imported' in s) return [];
      if (s.computed === 'readmission-rate' || s.computed === 'readmission-growth') return [s.params.days];
      if (s.computed === 'rule-signal-rate') return [s.params.readmissionDays];
      return [];
    }),
  );
}

const bandCounts = (model: RatingModel, ratings: readonly { band: string | null }[]) => {
  const bands: Record<string, number> = Object.fromEntries([...model.bands.map((b) => [b.code, 0] as const), ['none', 0] as const]);
  for (const r of ratings) bands[r.band ?? 'none'] = (bands[r.band ?? 'none'] ?? 0) + 1;
  return bands;
};

export interface DoctorRateResult {
  run: RatingRunRecord;
  ratings: (Rating & Pick<DoctorFacts, 'name' | 'kind' | 'level' | 'region' | 'department' | 'institutionCode' | 'institutionName'>)[];
  model: RatingModel;
}

/**
 * Rates every doctor with a claim in the period or the one before with the doctor model (its own file,
 * `subject: doctor`), against peers of the same department and institution kind and level, and stores
 * the ratings with their breakdown.
 */
export async function runDoctorRating(driver: Driver, opts: Omit<RateOptions, 'modelFile'> & { doctorModelFile?: string }): Promise<DoctorRateResult> {
  const startedAt = new Date().toISOString();
  const file = doctorModelFile(opts.doctorModelFile);
  const model = loadSubjectModel(file, 'doctor');
  const period = parsePeriod(opts.period);
  const previous = previousPeriod(opts.period);
  opts.onProgress?.('reading doctor facts');
  const facts = await readDoctorFacts(driver, period, previous, { readmissionDays: readmissionWindow(model) });
  opts.onProgress?.('rating doctors');
  const rated = rateAll(model, facts.map((f) => indicatorValues(model, f, period, previous)));
  const ratings = rated.map((r, i) => {
    const f = facts[i]!;
    return { ...r, name: f.name, kind: f.kind, level: f.level, region: f.region, department: f.department, institutionCode: f.institutionCode, institutionName: f.institutionName };
  });
  const run = runRecord('doctor', model, file, opts, startedAt, ratings);
  opts.onProgress?.('writing doctor ratings');
  await writeDoctorRatings(
    driver,
    run,
    ratings.map((r) => ({
      modelId: model.id,
      period: opts.period,
      code: r.code,
      department: r.department,
      institutionCode: r.institutionCode,
      score: r.score,
      band: r.band,
      coverage: r.coverage,
      earned: r.earned,
      evaluated: r.evaluated,
      ringFundShare: r.lines.find((l) => l.indicator === 'ring-fund-share')?.value ?? null,
      lines: r.lines,
    })),
  );
  return { run, ratings, model };
}

export async function runRating(driver: Driver, opts: RateOptions): Promise<RateResult> {
  const startedAt = new Date().toISOString();
  const file = modelFileOf(opts);
  const model = loadSubjectModel(file, 'institution');
  const period = parsePeriod(opts.period);
  const previous = previousPeriod(opts.period);
  const readmissionDays = readmissionWindow(model);
  opts.onProgress?.('reading facts');
  const facts = await readInstitutionFacts(driver, period, previous, { readmissionDays });
  opts.onProgress?.('rating');
  const subjects = facts.map((f) => indicatorValues(model, f, period, previous));
  const rated = rateAll(model, subjects);
  const ratings = rated.map((r, i) => ({ ...r, name: subjects[i]!.name, kind: subjects[i]!.kind, level: subjects[i]!.level, region: subjects[i]!.region }));
  const run = runRecord('institution', model, file, opts, startedAt, ratings);
  opts.onProgress?.('writing');
  await writeRatings(
    driver,
    run,
    ratings.map((r) => ({
      modelId: model.id,
      period: opts.period,
      code: r.code,
      name: r.name,
      kind: r.kind,
      level: r.level,
      region: r.region,
      score: r.score,
      band: r.band,
      coverage: r.coverage,
      earned: r.earned,
      evaluated: r.evaluated,
      ringFundShare: r.lines.find((l) => l.indicator === 'ring-fund-share')?.value ?? null,
      lines: r.lines,
    })),
  );
  return { run, ratings, model };
}

/** The stored record of one rating run, alike for both subjects (ids RT-… for institutions, RD-… for doctors). */
function runRecord(
  subject: 'institution' | 'doctor',
  model: RatingModel,
  file: string,
  opts: Pick<RateOptions, 'period' | 'trigger' | 'detectionRunId'>,
  startedAt: string,
  ratings: readonly { score: number | null; band: string | null }[],
): RatingRunRecord {
  return {
    ratingRunId: `${subject === 'doctor' ? 'RD' : 'RT'}-${opts.period}-${randomUUID().slice(0, 8)}`,
    subject,
    modelId: model.id,
    modelHash: createHash('sha256').update(readFileSync(file)).digest('hex'),
    period: opts.period,
    startedAt,
    finishedAt: new Date().toISOString(),
    institutions: ratings.length,
    rated: ratings.filter((r) => r.score !== null).length,
    bands: bandCounts(model, ratings),
    trigger: opts.trigger ?? 'manual',
    detectionRunId: opts.detectionRunId ?? null,
  };
}
