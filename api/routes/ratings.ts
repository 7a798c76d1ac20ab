import { z } from 'zod';
import { doctorBandDistribution, doctorRatings, doctorRings, latestDoctorRatedPeriod, listDoctorRatings, ratedDepartments, type DoctorRatingSort, type StoredDoctorRating } from '../../graph/rating/doctor-store.ts';
import { bandDistribution, institutionRatings, institutionRings, latestRatedPeriod, listRatingPeriods, listRatings, type RatingSort, type StoredRating } from '../../graph/rating/store.ts';
import type { RateJobPayload } from '../../jobs/rate-job.ts';
import { doctorModelFile, loadRatingModel, loadSubjectModel } from '../../rating/load.ts';
import type { RatingModel } from '../../rating/model.ts';
import { notFound } from '../problem.ts';
import { redisCall } from '../redis-call.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import {
  DoctorParams,
  DoctorRatingListQuery,
  DoctorRatingPageSchema,
  DoctorRatingSchema,
  InstitutionParams,
  InstitutionRatingSchema,
  RateRunAccepted,
  RateRunBody,
  RatingListQuery,
  RatingPageSchema,
  RatingPeriodsQuery,
  RatingPeriodsSchema,
  RatingQuery,
} from '../schemas/ratings.ts';

/**
 * Credit ratings of institutions and doctors (docs/rating.md). Ratings describe institutions and
 * doctors, not insured people: no personal data, so lists are not audited; one institution's or
 * doctor's breakdown is (a supervisory judgement read about a named institution or person), and so is
 * queueing a rating. Liaisons work referred cases only and do not see ratings.
 */
export const RATING_READERS = ['investigator', 'supervisor', 'admin'] as const;

let cachedModel: RatingModel | undefined;
const model = () => (cachedModel ??= loadRatingModel());
let cachedDoctorModel: RatingModel | undefined;
const doctorModel = () => (cachedDoctorModel ??= loadSubjectModel(doctorModelFile(), 'doctor'));

/** indicator id → the external indicator it reads (imported indicators only) */
const importKeys = (m: RatingModel) => new Map(m.indicators.flatMap((i) => ('imported' in i.source ? [[i.id, i.source.imported] as const] : [])));
const modelBands = (m: RatingModel) => ({ id: m.id, scale: m.scale, bands: m.bands.map((b) => ({ code: b.code, name: b.name, min: b.min })) });

/** Points per category of a rating's scored lines. */
const categoryPoints = (m: RatingModel, lines: readonly { category: string; status: string; points: number | null; maxPoints: number }[] | undefined) =>
  m.categories.map((c) => {
    const scored = lines?.filter((l) => l.category === c.id && l.status === 'scored') ?? [];
    return { id: c.id, name: c.name, points: c.points, earned: Math.round(scored.reduce((s, l) => s + (l.points ?? 0), 0) * 100) / 100, evaluated: scored.reduce((s, l) => s + l.maxPoints, 0) };
  });

const doctorSummary = (r: StoredDoctorRating) => ({
  code: r.code,
  name: r.name,
  department: r.department,
  institutionCode: r.institutionCode,
  institutionName: r.institutionName,
  kind: r.kind,
  level: r.level,
  period: r.period,
  modelId: r.modelId,
  score: r.score,
  band: r.band,
  coverage: r.coverage,
  ringFundShare: r.ringFundShare,
  computedAt: r.computedAt,
});

const summary = (r: StoredRating) => ({
  code: r.code,
  name: r.name,
  kind: r.kind,
  level: r.level,
  region: r.region,
  regionName: r.regionName ?? null,
  period: r.period,
  modelId: r.modelId,
  score: r.score,
  band: r.band,
  coverage: r.coverage,
  ringFundShare: r.ringFundShare,
  computedAt: r.computedAt,
});

export function ratingRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/ratings',
      operationId: 'listRatings',
      tag: 'ratings',
      summary: "Institutions' credit ratings for a period: band distribution, filters by band, kind, region and name, sorting",
      roles: RATING_READERS,
      query: RatingListQuery,
      response: { status: 200, schema: RatingPageSchema, description: 'a page of ratings and the band distribution' },
      async handler({ query, deps }) {
        const m = model();
        const period = query.period ?? (await latestRatedPeriod(deps.services.driver, m.id));
        const bandsOf = { id: m.id, bands: m.bands.map((b) => ({ code: b.code, name: b.name, min: b.min })) };
        if (!period) return { period: null, model: bandsOf, bands: {}, total: 0, items: [] };
        const filter = { period, bands: query.band, kinds: query.kind, region: query.region, q: query.q };
        const [page, bands] = await Promise.all([
          listRatings(deps.services.driver, filter, query.sort as RatingSort, query.offset, query.limit),
          bandDistribution(deps.services.driver, filter),
        ]);
        return { period, model: bandsOf, bands, total: page.total, items: page.items.map(summary) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ratings/periods',
      operationId: 'listRatingPeriods',
      tag: 'ratings',
      summary: 'Rated periods, newest first, each with its band distribution (institution ratings, or doctor ratings with subject=doctor)',
      roles: RATING_READERS,
      query: RatingPeriodsQuery,
      response: { status: 200, schema: RatingPeriodsSchema, description: 'periods' },
      async handler({ query, deps }) {
        return { items: await listRatingPeriods(deps.services.driver, query.subject) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ratings/institutions/:code',
      operationId: 'getInstitutionRating',
      tag: 'ratings',
      summary: "One institution's rating: indicator breakdown line by line, points per category, trend across periods, and the rings it appears in",
      roles: RATING_READERS,
      params: InstitutionParams,
      query: RatingQuery,
      response: { status: 200, schema: InstitutionRatingSchema, description: 'the rating' },
      problems: [404],
      audit: ['rating-read'],
      async handler({ params, query, deps, audit }) {
        const driver = deps.services.driver;
        const { records } = await driver.executeQuery(
          'MATCH (i:Institution {code: $code}) RETURN i.code AS code, i.name AS name, i.kind AS kind, i.level AS level, i.region AS region',
          { code: params.code },
          { routing: 'READ' },
        );
        if (!records[0]) throw notFound(`no institution ${params.code}`);
        const m = model();
        const [all, rings] = await Promise.all([institutionRatings(driver, params.code, m.id), institutionRings(driver, params.code)]);
        const current = query.period ? all.find((r) => r.period === query.period) : all[0];
        if (query.period && !current) throw notFound(`${params.code} has no rating for ${query.period}`);
        await audit({ action: 'rating-read', target: `institution:${params.code}`, details: { period: current?.period ?? null } });
        const names = new Map(m.indicators.map((i) => [i.id, i.name]));
        const imports = importKeys(m);
        const categories = categoryPoints(m, current?.lines);
        return {
          institution: records[0].toObject() as { code: string; name: string | null; kind: string | null; level: string | null; region: string | null },
          current: current ? { ...summary(current), earned: current.earned, evaluated: current.evaluated, lines: current.lines.map((l) => ({ ...l, name: names.get(l.indicator) ?? null, imported: imports.get(l.indicator) ?? null })) } : null,
          categories,
          trend: [...all].reverse().map((r) => ({ period: r.period, score: r.score, band: r.band, coverage: r.coverage })),
          bands: m.bands.map((b) => ({ code: b.code, name: b.name, min: b.min })),
          scale: m.scale,
          rings: rings.map((r) => ({ ...r, verdict: r.verdict ?? null, memberCount: r.memberCount ?? null, fundPaid: r.fundPaid ?? null })),
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ratings/doctors',
      operationId: 'listDoctorRatings',
      tag: 'ratings',
      summary: "Doctors' credit ratings for a period (the doctor model): band distribution, filters by band, institution, department and name, sorting",
      roles: RATING_READERS,
      query: DoctorRatingListQuery,
      response: { status: 200, schema: DoctorRatingPageSchema, description: 'a page of doctor ratings and the band distribution' },
      async handler({ query, deps }) {
        const m = doctorModel();
        const driver = deps.services.driver;
        const period = query.period ?? (await latestDoctorRatedPeriod(driver, m.id));
        if (!period) return { period: null, model: modelBands(m), bands: {}, departments: [], total: 0, items: [] };
        const filter = { period, bands: query.band, institution: query.institution, department: query.department, q: query.q };
        const [page, bands, departments] = await Promise.all([
          listDoctorRatings(driver, filter, query.sort as DoctorRatingSort, query.offset, query.limit),
          doctorBandDistribution(driver, filter),
          ratedDepartments(driver, period),
        ]);
        return { period, model: modelBands(m), bands, departments, total: page.total, items: page.items.map(doctorSummary) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/ratings/doctors/:code',
      operationId: 'getDoctorRating',
      tag: 'ratings',
      summary: "One doctor's rating: indicator breakdown line by line, points per category, trend across periods, and the rings the doctor is a member of",
      roles: RATING_READERS,
      params: DoctorParams,
      query: RatingQuery,
      response: { status: 200, schema: DoctorRatingSchema, description: 'the rating' },
      problems: [404],
      audit: ['rating-read'],
      async handler({ params, query, deps, audit }) {
        const driver = deps.services.driver;
        const { records } = await driver.executeQuery(
          `MATCH (d:Doctor {code: $code}) OPTIONAL MATCH (i:Institution {code: d.institutionCode})
           RETURN d.code AS code, d.name AS name, d.department AS department, d.title AS title, d.institutionCode AS institutionCode,
                  i.name AS institutionName, i.kind AS kind, i.level AS level`,
          { code: params.code },
          { routing: 'READ' },
        );
        if (!records[0]) throw notFound(`no doctor ${params.code}`);
        const m = doctorModel();
        const [all, rings] = await Promise.all([doctorRatings(driver, params.code, m.id), doctorRings(driver, params.code)]);
        const current = query.period ? all.find((r) => r.period === query.period) : all[0];
        if (query.period && !current) throw notFound(`${params.code} has no rating for ${query.period}`);
        await audit({ action: 'rating-read', target: `doctor:${params.code}`, details: { period: current?.period ?? null } });
        const names = new Map(m.indicators.map((i) => [i.id, i.name]));
        const imports = importKeys(m);
        const d = records[0].toObject() as Record<string, string | null>;
        return {
          doctor: { code: d.code!, name: d.name ?? null, department: d.department || null, title: d.title || null, institutionCode: d.institutionCode ?? null, institutionName: d.institutionName ?? null, kind: d.kind ?? null, level: d.level ?? null },
          model: modelBands(m),
          current: current ? { ...doctorSummary(current), earned: current.earned, evaluated: current.evaluated, lines: current.lines.map((l) => ({ ...l, name: names.get(l.indicator) ?? null, imported: imports.get(l.indicator) ?? null })) } : null,
          categories: categoryPoints(m, current?.lines),
          trend: [...all].reverse().map((r) => ({ period: r.period, score: r.score, band: r.band, coverage: r.coverage })),
          rings,
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/ratings/runs',
      operationId: 'queueRating',
      tag: 'ratings',
      summary: 'Queue a rating of every institution and every doctor for a period (the rate queue; also queued after every detection run)',
      roles: ['supervisor', 'admin'],
      body: RateRunBody,
      response: { status: 202, schema: RateRunAccepted, description: 'the job, queued' },
      audit: ['run-trigger'],
      async handler({ body, deps, user, audit }) {
        const job = await redisCall(deps, 'queue a rating', () => deps.services.queues.rate.add('rate', { period: body.period, trigger: `api:${user.username}` } satisfies RateJobPayload));
        await audit({ action: 'run-trigger', target: `rating:${body.period}`, details: { jobId: job.id } });
        return { jobId: String(job.id), period: body.period };
      },
    }),
  ];
}
