import { z } from 'zod';
import { bandDistribution, institutionRatings, institutionRings, latestRatedPeriod, listRatingPeriods, listRatings, type RatingSort, type StoredRating } from '../../graph/rating/store.ts';
import type { RateJobPayload } from '../../jobs/rate-job.ts';
import { loadRatingModel } from '../../rating/load.ts';
import type { RatingModel } from '../../rating/model.ts';
import { notFound } from '../problem.ts';
import { redisCall } from '../redis-call.ts';
import { defineRoute, type AnyRoute } from '../route.ts';
import { InstitutionParams, InstitutionRatingSchema, RateRunAccepted, RateRunBody, RatingListQuery, RatingPageSchema, RatingPeriodsSchema, RatingQuery } from '../schemas/ratings.ts';

/**
 * Credit ratings of institutions (docs/rating.md). Ratings describe institutions, not insured people:
 * no personal data, so lists are not audited; an institution's breakdown is (a supervisory judgement
 * read about a named institution), and so is queueing a rating. Liaisons work referred cases only and
 * do not see ratings.
 */
export const RATING_READERS = ['investigator', 'supervisor', 'admin'] as const;

let cachedModel: RatingModel | undefined;
const model = () => (cachedModel ??= loadRatingModel());

const summary = (r: StoredRating) => ({
  code: r.code,
  name: r.name,
  kind: r.kind,
  level: r.level,
  region: r.region,
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
      summary: 'Rated periods, newest first, each with its band distribution',
      roles: RATING_READERS,
      response: { status: 200, schema: RatingPeriodsSchema, description: 'periods' },
      async handler({ deps }) {
        return { items: await listRatingPeriods(deps.services.driver) };
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
        const categories = m.categories.map((c) => {
          const lines = current?.lines.filter((l) => l.category === c.id && l.status === 'scored') ?? [];
          return { id: c.id, name: c.name, points: c.points, earned: Math.round(lines.reduce((s, l) => s + (l.points ?? 0), 0) * 100) / 100, evaluated: lines.reduce((s, l) => s + l.maxPoints, 0) };
        });
        return {
          institution: records[0].toObject() as { code: string; name: string | null; kind: string | null; level: string | null; region: string | null },
          current: current ? { ...summary(current), earned: current.earned, evaluated: current.evaluated, lines: current.lines.map((l) => ({ ...l, name: names.get(l.indicator) ?? null })) } : null,
          categories,
          trend: [...all].reverse().map((r) => ({ period: r.period, score: r.score, band: r.band, coverage: r.coverage })),
          bands: m.bands.map((b) => ({ code: b.code, name: b.name, min: b.min })),
          rings: rings.map((r) => ({ ...r, verdict: r.verdict ?? null, memberCount: r.memberCount ?? null, fundPaid: r.fundPaid ?? null })),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/ratings/runs',
      operationId: 'queueRating',
      tag: 'ratings',
      summary: 'Queue a rating of every institution for a period (the rate queue; also queued after every detection run)',
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
