/**
 * Ratings in Neo4j (docs/rating.md): one `(:Rating)-[:RATES]->(:Institution)` per model, period and
 * institution, holding the score, band, coverage and the indicator breakdown (`lines`, JSON: one entry
 * per indicator with value, points, peers, status) so a rating is explainable line by line; one
 * `(:RatingRun)` per computation. Rating a period again makes the new ratings the period's current ones
 * (`current: true`) and keeps the earlier ones (`current: false`): a case package states the rating as
 * it stood at referral, even when the period was rated again since.
 * Imported indicators are `(:RatingImport {key: period|institution|indicator})`.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { RatingLine } from '../../rating/score.ts';

export interface StoredRating {
  ratingId: string;
  modelId: string;
  period: string;
  code: string;
  name: string | null;
  kind: string | null;
  level: string | null;
  region: string | null;
  /** the pooling region's name, where the graph has it */
  regionName?: string | null;
  score: number | null;
  band: string | null;
  coverage: number;
  earned: number;
  evaluated: number;
  /** weighted share of fund money in detected rings (the ring-fund-share line's value), for sorting */
  ringFundShare: number | null;
  lines: RatingLine[];
  computedAt: string;
  ratingRunId: string;
}

export interface RatingRunRecord {
  ratingRunId: string;
  /** what the run rated (runs stored before doctor ratings have none: institutions) */
  subject?: 'institution' | 'doctor';
  modelId: string;
  modelHash: string;
  period: string;
  startedAt: string;
  finishedAt: string;
  institutions: number;
  rated: number;
  bands: Record<string, number>;
  trigger: string;
  detectionRunId: string | null;
}

export const ratingIdOf = (ratingRunId: string, code: string) => `${ratingRunId}|${code}`;

export async function writeRatings(driver: Driver, run: RatingRunRecord, ratings: Omit<StoredRating, 'ratingId' | 'computedAt' | 'ratingRunId'>[]): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
      await tx.run(
        `MERGE (r:RatingRun {ratingRunId: $run.ratingRunId})
         SET r.subject = $subject, r.modelId = $run.modelId, r.modelHash = $run.modelHash, r.period = $run.period, r.startedAt = datetime($run.startedAt),
             r.finishedAt = datetime($run.finishedAt), r.institutions = $run.institutions, r.rated = $run.rated, r.bands = $bands,
             r.trigger = $run.trigger, r.detectionRunId = $run.detectionRunId`,
        { run, subject: run.subject ?? 'institution', bands: JSON.stringify(run.bands) },
      );
      await tx.run('MATCH (x:Rating {modelId: $modelId, period: $period}) WHERE x.current SET x.current = false', { modelId: run.modelId, period: run.period });
      const rows = ratings.map((r) => ({ ...r, ratingId: ratingIdOf(run.ratingRunId, r.code), lines: JSON.stringify(r.lines) }));
      for (let i = 0; i < rows.length; i += 1000) {
        await tx.run(
          `UNWIND $rows AS row
           MATCH (i:Institution {code: row.code})
           CREATE (x:Rating {ratingId: row.ratingId})
           SET x.modelId = $modelId, x.period = $period, x.code = row.code, x.score = row.score, x.band = row.band, x.coverage = row.coverage,
               x.earned = row.earned, x.evaluated = row.evaluated, x.ringFundShare = row.ringFundShare, x.lines = row.lines,
               x.computedAt = datetime($at), x.ratingRunId = $runId, x.current = true
           CREATE (x)-[:RATES]->(i)`,
          { rows: rows.slice(i, i + 1000), modelId: run.modelId, period: run.period, at: run.finishedAt, runId: run.ratingRunId },
        );
      }
    });
  } finally {
    await session.close();
  }
}

const RATING_FIELDS = `x.ratingId AS ratingId, x.modelId AS modelId, x.period AS period, x.code AS code, i.name AS name, i.kind AS kind, i.level AS level,
  i.region AS region, COLLECT { MATCH (g:Region {code: i.region}) RETURN g.name LIMIT 1 }[0] AS regionName, x.score AS score, x.band AS band, x.coverage AS coverage, x.earned AS earned, x.evaluated AS evaluated,
  x.ringFundShare AS ringFundShare, toString(x.computedAt) AS computedAt, x.ratingRunId AS ratingRunId`;

type Row = Omit<StoredRating, 'lines'> & { lines?: string };
const toRating = (o: Row): StoredRating => ({ ...o, lines: o.lines ? (JSON.parse(o.lines) as RatingLine[]) : [] });

/** The periods rated for a subject (newest first) with their band distribution. */
export async function listRatingPeriods(driver: Driver, subject: 'institution' | 'doctor' = 'institution'): Promise<{ period: string; modelId: string; rated: number; bands: Record<string, number>; finishedAt: string }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:RatingRun) WHERE coalesce(r.subject, 'institution') = $subject WITH r ORDER BY r.finishedAt DESC
     WITH r.period AS period, r.modelId AS modelId, collect(r)[0] AS r
     RETURN period, modelId, r.rated AS rated, r.bands AS bands, toString(r.finishedAt) AS finishedAt ORDER BY period DESC`,
    { subject },
    { routing: 'READ' },
  );
  return records.map((r) => ({ period: r.get('period'), modelId: r.get('modelId'), rated: r.get('rated'), bands: JSON.parse(r.get('bands') ?? '{}'), finishedAt: r.get('finishedAt') }));
}

export async function latestRatedPeriod(driver: Driver, modelId?: string): Promise<string | null> {
  const { records } = await driver.executeQuery(
    'MATCH (x:Rating) WHERE x.current AND ($modelId IS NULL OR x.modelId = $modelId) RETURN max(x.period) AS p',
    { modelId: modelId ?? null },
    { routing: 'READ' },
  );
  return (records[0]?.get('p') as string | null) ?? null;
}

export type RatingSort = 'score' | '-score' | 'code' | 'ringFundShare' | '-ringFundShare' | 'name';

export interface RatingFilter {
  period: string;
  bands?: string[];
  kinds?: string[];
  region?: string;
  q?: string;
}

const SORTS: Record<RatingSort, string> = {
  score: 'coalesce(x.score, -1) ASC, x.code ASC',
  '-score': 'coalesce(x.score, -1) DESC, x.code ASC',
  code: 'x.code ASC',
  name: 'i.name ASC, x.code ASC',
  ringFundShare: 'coalesce(x.ringFundShare, -1) ASC, x.code ASC',
  '-ringFundShare': 'coalesce(x.ringFundShare, -1) DESC, x.code ASC',
};

const FILTER = `MATCH (x:Rating {period: $period})-[:RATES]->(i:Institution)
  WHERE x.current AND ($bands IS NULL OR x.band IN $bands OR ('none' IN $bands AND x.band IS NULL))
    AND ($kinds IS NULL OR i.kind IN $kinds) AND ($region IS NULL OR i.region = $region)
    AND ($q IS NULL OR x.code STARTS WITH $q OR i.name CONTAINS $q)`;

const filterParams = (f: RatingFilter) => ({ period: f.period, bands: f.bands?.length ? f.bands : null, kinds: f.kinds?.length ? f.kinds : null, region: f.region ?? null, q: f.q || null });

/** A page of one period's ratings (offset paging: a period holds thousands, not millions). */
export async function listRatings(driver: Driver, f: RatingFilter, sort: RatingSort, offset: number, limit: number): Promise<{ items: StoredRating[]; total: number }> {
  const params = { ...filterParams(f), offset: neo4j.int(offset), limit: neo4j.int(limit) };
  const [page, count] = await Promise.all([
    driver.executeQuery(`${FILTER} RETURN ${RATING_FIELDS} ORDER BY ${SORTS[sort]} SKIP $offset LIMIT $limit`, params, { routing: 'READ' }),
    driver.executeQuery(`${FILTER} RETURN count(x) AS n`, params, { routing: 'READ' }),
  ]);
  return { items: page.records.map((r) => toRating(r.toObject() as Row)), total: count.records[0]!.get('n') as number };
}

/** Band counts of a period under the filters other than band (kind, region). */
export async function bandDistribution(driver: Driver, f: Omit<RatingFilter, 'bands'>): Promise<Record<string, number>> {
  const { records } = await driver.executeQuery(`${FILTER} RETURN coalesce(x.band, 'none') AS band, count(x) AS n`, { ...filterParams({ ...f, bands: undefined }) }, { routing: 'READ' });
  return Object.fromEntries(records.map((r) => [r.get('band') as string, r.get('n') as number]));
}

/** Every rating of one institution, newest period first (its trend), with the breakdown. */
export async function institutionRatings(driver: Driver, code: string, modelId?: string): Promise<StoredRating[]> {
  const { records } = await driver.executeQuery(
    `MATCH (x:Rating {code: $code})-[:RATES]->(i:Institution) WHERE x.current AND ($modelId IS NULL OR x.modelId = $modelId)
     RETURN ${RATING_FIELDS}, x.lines AS lines ORDER BY x.period DESC`,
    { code, modelId: modelId ?? null },
    { routing: 'READ' },
  );
  return records.map((r) => toRating(r.toObject() as Row));
}

/** Latest band of each institution (by period), for the ring list. */
export async function latestBands(driver: Driver, codes: string[]): Promise<Map<string, { band: string | null; score: number | null; period: string }>> {
  if (codes.length === 0) return new Map();
  const { records } = await driver.executeQuery(
    `UNWIND $codes AS code MATCH (x:Rating {code: code}) WHERE x.current WITH code, x ORDER BY x.period DESC, x.computedAt DESC
     WITH code, collect(x)[0] AS x RETURN code, x.band AS band, x.score AS score, x.period AS period`,
    { codes },
    { routing: 'READ' },
  );
  return new Map(records.map((r) => [r.get('code') as string, { band: r.get('band'), score: r.get('score'), period: r.get('period') }]));
}

/** The rating in force at a moment: the latest computed at or before it (a referral's time), current or since superseded. */
export async function ratingAt(driver: Driver, code: string, atIso: string): Promise<StoredRating | null> {
  const { records } = await driver.executeQuery(
    `MATCH (x:Rating {code: $code})-[:RATES]->(i:Institution) WHERE x.computedAt <= datetime($at)
     RETURN ${RATING_FIELDS}, x.lines AS lines ORDER BY x.period DESC, x.computedAt DESC LIMIT 1`,
    { code, at: atIso },
    { routing: 'READ' },
  );
  return records[0] ? toRating(records[0].toObject() as Row) : null;
}

/** Institutions whose band fell from one period to the next (A → B, B → D, a band → none is not a fall). */
export async function bandMoves(driver: Driver, period: string, previous: string, bandOrder: string[]): Promise<{ code: string; name: string | null; from: string; to: string; scoreFrom: number | null; scoreTo: number | null }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (now:Rating {period: $period})-[:RATES]->(i:Institution)<-[:RATES]-(before:Rating {period: $previous})
     WHERE now.current AND before.current AND now.modelId = before.modelId AND now.band IS NOT NULL AND before.band IS NOT NULL AND now.band <> before.band
     RETURN i.code AS code, i.name AS name, before.band AS from, now.band AS to, before.score AS scoreFrom, now.score AS scoreTo`,
    { period, previous },
    { routing: 'READ' },
  );
  const rank = (b: string) => bandOrder.indexOf(b);
  return records
    .map((r) => r.toObject() as { code: string; name: string | null; from: string; to: string; scoreFrom: number | null; scoreTo: number | null })
    .filter((m) => rank(m.to) > rank(m.from))
    .sort((a, b) => rank(b.to) - rank(b.from) - (rank(a.to) - rank(a.from)) || a.code.localeCompare(b.code));
}

/** The rings an institution is a member of, with their family, score, status and verdict. */
export async function institutionRings(driver: Driver, code: string): Promise<{ ringId: string; family: string; score: number; status: string; verdict: string | null; memberCount: number; fundPaid: number; periodStart: string | null; periodEnd: string | null }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring)-[:HAS_MEMBER]->(:Institution {code: $code})
     RETURN r.ringId AS ringId, r.family AS family, r.score AS score, r.status AS status, r.verdict AS verdict, r.memberCount AS memberCount,
            r.fundPaid AS fundPaid, toString(r.periodStart) AS periodStart, toString(r.periodEnd) AS periodEnd
     ORDER BY r.status ASC, r.score DESC, r.ringId`,
    { code },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as any);
}

export interface ImportRow {
  period: string;
  institutionCode: string;
  indicator: string;
  value: number;
  file: string;
  line: number;
}

/** Stores imported indicator values (a later import of the same period, institution and indicator replaces the value). */
export async function writeImports(driver: Driver, rows: ImportRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await driver.executeQuery(
      `UNWIND $rows AS row
       MERGE (x:RatingImport {key: row.period + '|' + row.institutionCode + '|' + row.indicator})
       SET x.period = row.period, x.institutionCode = row.institutionCode, x.indicator = row.indicator, x.value = row.value,
           x.file = row.file, x.line = row.line, x.importedAt = datetime()`,
      { rows: rows.slice(i, i + 2000) },
    );
  }
}
