import { z } from 'zod';
import { CsvList, Key, Limit } from './common.ts';
import { isPeriodKey, PERIOD_HINT } from '../../rating/period.ts';
import { PEER_GROUPS } from '../../rating/score.ts';

export const PeriodKey = z.string().max(10).refine(isPeriodKey, `expected ${PERIOD_HINT}`).meta({ description: PERIOD_HINT, example: '2024-H2' });
const BandCode = z.string().regex(/^([A-Z]|none)$/, 'a band letter, or none (not rated)');
export const RATING_SORTS = ['score', '-score', 'code', 'name', 'ringFundShare', '-ringFundShare'] as const;

export const RatingListQuery = z.object({
  period: PeriodKey.optional().meta({ description: 'the period (default: the latest rated)' }),
  band: CsvList(BandCode).optional().meta({ description: 'bands (comma-separated, A…E; none = not rated for lack of coverage)' }),
  kind: CsvList(z.enum(['hospital', 'clinic', 'pharmacy'])).optional(),
  region: z.string().regex(/^\d{6}$/, 'a 6-digit pooling-region code').optional(),
  q: z.string().trim().min(1).max(64).optional().meta({ description: 'institution code prefix or part of the name' }),
  sort: z.enum(RATING_SORTS).default('score').meta({ description: 'score (worst first), -score, code, name, ringFundShare, -ringFundShare' }),
  limit: Limit(50, 500),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

const PeerSchema = z.object({ group: z.enum(PEER_GROUPS).meta({ description: 'the peers compared with: institutions of the same kind and level or kind; doctors of the same department at institutions of the same kind and level, kind, or anywhere; all: every subject rated' }), n: z.number().int(), median: z.number(), spread: z.number(), z: z.number() });

export const RatingLineSchema = z
  .object({
    indicator: z.string(),
    name: z.object({ zh: z.string(), en: z.string() }).nullable().meta({ description: "the indicator's name in the model (null: no longer in the model)" }),
    category: z.string(),
    group: z.string().nullable(),
    source: z.enum(['computed', 'imported']),
    imported: z.string().nullable().meta({ description: "the external indicator the line reads, as the model names it (source.imported; null: computed, or no longer in the model) — a key: the workbench names it through its catalogues" }),
    status: z.enum(['scored', 'missing', 'not-applicable']).meta({ description: 'missing: no value (never counted as zero); not-applicable: not rated for this kind' }),
    value: z.number().nullable(),
    points: z.number().nullable(),
    maxPoints: z.number(),
    note: z.object({ zh: z.string(), en: z.string() }).nullable().meta({ description: 'why a line is missing or not applicable, in Chinese and English' }),
    peer: PeerSchema.nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'RatingLine' });

export const RatingSummarySchema = z
  .object({
    code: z.string(),
    name: z.string().nullable(),
    kind: z.string().nullable(),
    level: z.string().nullable(),
    region: z.string().nullable(),
    regionName: z.string().nullable().meta({ description: "the pooling region's name" }),
    period: z.string(),
    modelId: z.string(),
    score: z.number().nullable().meta({ description: '0–1000; null when too little was evaluated (coverage below the model minimum)' }),
    band: z.string().nullable(),
    coverage: z.number().meta({ description: 'points evaluated / scale: what share of the model had values' }),
    ringFundShare: z.number().nullable().meta({ description: 'weighted share of fund money in detected rings' }),
    computedAt: z.string(),
  })
  .meta({ id: 'RatingSummary' });

export const BandsSchema = z.record(z.string(), z.number().int()).meta({ id: 'BandDistribution', description: 'band → institutions' });

export const RatingPageSchema = z
  .object({
    period: z.string().nullable(),
    model: z.object({ id: z.string(), bands: z.array(z.object({ code: z.string(), name: z.object({ zh: z.string(), en: z.string() }), min: z.number() })) }),
    bands: BandsSchema.meta({ description: 'band distribution under the kind, region and search filters (not the band filter)' }),
    total: z.number().int(),
    items: z.array(RatingSummarySchema),
  })
  .meta({ id: 'RatingPage' });

export const RatingPeriodsQuery = z.object({ subject: z.enum(['institution', 'doctor']).default('institution').meta({ description: 'periods of institution ratings (default) or doctor ratings' }) });

export const RatingPeriodsSchema = z
  .object({ items: z.array(z.object({ period: z.string(), modelId: z.string(), rated: z.number().int(), bands: BandsSchema, finishedAt: z.string() })) })
  .meta({ id: 'RatingPeriods' });

export const InstitutionRatingSchema = z
  .object({
    institution: z.object({ code: z.string(), name: z.string().nullable(), kind: z.string().nullable(), level: z.string().nullable(), region: z.string().nullable() }),
    current: RatingSummarySchema.extend({ earned: z.number(), evaluated: z.number(), lines: z.array(RatingLineSchema) }).nullable(),
    categories: z.array(z.object({ id: z.string(), name: z.object({ zh: z.string(), en: z.string() }), points: z.number(), earned: z.number(), evaluated: z.number() })),
    trend: z.array(z.object({ period: z.string(), score: z.number().nullable(), band: z.string().nullable(), coverage: z.number() })).meta({ description: 'oldest period first' }),
    bands: z.array(z.object({ code: z.string(), name: z.object({ zh: z.string(), en: z.string() }), min: z.number() })).meta({ description: "the model's bands, best first" }),
    scale: z.number().meta({ description: "the model's full score (1000 for the Wenzhou model)" }),
    rings: z.array(
      z.object({
        ringId: z.string(),
        family: z.string(),
        score: z.number(),
        status: z.string(),
        verdict: z.string().nullable(),
        memberCount: z.number().nullable(),
        fundPaid: z.number().nullable(),
        periodStart: z.string().nullable(),
        periodEnd: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'InstitutionRating' });

export const InstitutionParams = z.object({ code: Key });
export const RatingQuery = z.object({ period: PeriodKey.optional().meta({ description: 'the period shown in detail (default: the latest)' }) });

export const RateRunBody = z.object({ period: PeriodKey });
export const RateRunAccepted = z.object({ jobId: z.string(), period: z.string() }).meta({ id: 'RateRunAccepted' });

// ── doctors ──────────────────────────────────────────────────────────────────

export const DOCTOR_RATING_SORTS = RATING_SORTS;

export const DoctorRatingListQuery = z.object({
  period: PeriodKey.optional().meta({ description: 'the period (default: the latest with doctor ratings)' }),
  band: CsvList(BandCode).optional().meta({ description: 'bands (comma-separated, A…E; none = not rated for lack of coverage)' }),
  institution: Key.optional().meta({ description: "the doctors of one institution (its code)" }),
  department: z.string().trim().min(1).max(64).optional().meta({ description: 'one department, as the graph names it (内科)' }),
  q: z.string().trim().min(1).max(64).optional().meta({ description: 'doctor code prefix or part of the name' }),
  sort: z.enum(DOCTOR_RATING_SORTS).default('score').meta({ description: 'score (worst first), -score, code, name, ringFundShare, -ringFundShare' }),
  limit: Limit(50, 500),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const DoctorRatingSummarySchema = z
  .object({
    code: z.string(),
    name: z.string().nullable(),
    department: z.string().nullable(),
    institutionCode: z.string().nullable(),
    institutionName: z.string().nullable(),
    kind: z.string().nullable().meta({ description: "the kind of the doctor's institution" }),
    level: z.string().nullable(),
    period: z.string(),
    modelId: z.string(),
    score: z.number().nullable().meta({ description: "0–the model's scale (100 for the shipped doctor model); null when too little was evaluated" }),
    band: z.string().nullable(),
    coverage: z.number(),
    ringFundShare: z.number().nullable().meta({ description: "weighted share of the fund money of the doctor's claims in detected rings" }),
    computedAt: z.string(),
  })
  .meta({ id: 'DoctorRatingSummary' });

const ModelBands = z.object({ id: z.string(), scale: z.number(), bands: z.array(z.object({ code: z.string(), name: z.object({ zh: z.string(), en: z.string() }), min: z.number() })) });

export const DoctorRatingPageSchema = z
  .object({
    period: z.string().nullable(),
    model: ModelBands,
    bands: BandsSchema.meta({ description: 'band distribution under the institution, department and search filters (not the band filter)' }),
    departments: z.array(z.string()).meta({ description: "departments of the period's rated doctors" }),
    total: z.number().int(),
    items: z.array(DoctorRatingSummarySchema),
  })
  .meta({ id: 'DoctorRatingPage' });

export const DoctorParams = z.object({ code: Key });

export const DoctorRatingSchema = z
  .object({
    doctor: z.object({ code: z.string(), name: z.string().nullable(), department: z.string().nullable(), title: z.string().nullable(), institutionCode: z.string().nullable(), institutionName: z.string().nullable(), kind: z.string().nullable(), level: z.string().nullable() }),
    model: ModelBands,
    current: DoctorRatingSummarySchema.extend({ earned: z.number(), evaluated: z.number(), lines: z.array(RatingLineSchema) }).nullable(),
    categories: z.array(z.object({ id: z.string(), name: z.object({ zh: z.string(), en: z.string() }), points: z.number(), earned: z.number(), evaluated: z.number() })),
    trend: z.array(z.object({ period: z.string(), score: z.number().nullable(), band: z.string().nullable(), coverage: z.number() })).meta({ description: 'oldest period first' }),
    rings: z.array(
      z.object({
        ringId: z.string(),
        family: z.string(),
        score: z.number(),
        status: z.string(),
        verdict: z.string().nullable(),
        memberCount: z.number().nullable(),
        fundPaid: z.number().nullable(),
        periodStart: z.string().nullable(),
        periodEnd: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'DoctorRating' });
