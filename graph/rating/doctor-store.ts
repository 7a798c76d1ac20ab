/**
 * Doctor ratings in Neo4j (docs/rating.md, "Doctors"; migration 9): one
 * `(:DoctorRating)-[:RATES]->(:Doctor)` per model, period and doctor with the score, band, coverage and
 * the indicator breakdown (`lines`, JSON), as for institutions; the run is a `(:RatingRun {subject:
 * 'doctor'})`. A label of their own, so institution queries (the ring list's bands, case packages)
 * never meet a doctor's rating. Rating a period again keeps the earlier ratings (`current: false`).
 * Imported doctor indicators are `(:DoctorRatingImport {key: period|doctor|indicator})`.
 */
import neo4j, { type Driver } from 'neo4j-driver';
import type { RatingLine } from '../../rating/score.ts';
import { ratingIdOf, type RatingRunRecord } from './store.ts';

export interface StoredDoctorRating {
  ratingId: string;
  modelId: string;
  period: string;
  code: string;
  name: string | null;
  department: string | null;
  institutionCode: string | null;
  institutionName: string | null;
  kind: string | null;
  level: string | null;
  region: string | null;
  score: number | null;
  band: string | null;
  coverage: number;
  earned: number;
  evaluated: number;
  ringFundShare: number | null;
  lines: RatingLine[];
  computedAt: string;
  ratingRunId: string;
}

export async function writeDoctorRatings(driver: Driver, run: RatingRunRecord, ratings: Omit<StoredDoctorRating, 'ratingId' | 'computedAt' | 'ratingRunId' | 'name' | 'institutionName' | 'kind' | 'level' | 'region'>[]): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
      await tx.run(
        `MERGE (r:RatingRun {ratingRunId: $run.ratingRunId})
         SET r.subject = 'doctor', r.modelId = $run.modelId, r.modelHash = $run.modelHash, r.period = $run.period, r.startedAt = datetime($run.startedAt),
             r.finishedAt = datetime($run.finishedAt), r.institutions = 0, r.doctors = $run.institutions, r.rated = $run.rated, r.bands = $bands,
             r.trigger = $run.trigger, r.detectionRunId = $run.detectionRunId`,
        { run, bands: JSON.stringify(run.bands) },
      );
      await tx.run('MATCH (x:DoctorRating {modelId: $modelId, period: $period}) WHERE x.current SET x.current = false', { modelId: run.modelId, period: run.period });
      const rows = ratings.map((r) => ({ ...r, ratingId: ratingIdOf(run.ratingRunId, r.code), lines: JSON.stringify(r.lines) }));
      for (let i = 0; i < rows.length; i += 1000) {
        await tx.run(
          `UNWIND $rows AS row
           MATCH (d:Doctor {code: row.code})
           CREATE (x:DoctorRating {ratingId: row.ratingId})
           SET x.modelId = $modelId, x.period = $period, x.code = row.code, x.institutionCode = row.institutionCode, x.department = row.department,
               x.score = row.score, x.band = row.band, x.coverage = row.coverage, x.earned = row.earned, x.evaluated = row.evaluated,
               x.ringFundShare = row.ringFundShare, x.lines = row.lines, x.computedAt = datetime($at), x.ratingRunId = $runId, x.current = true
           CREATE (x)-[:RATES]->(d)`,
          { rows: rows.slice(i, i + 1000), modelId: run.modelId, period: run.period, at: run.finishedAt, runId: run.ratingRunId },
        );
      }
    });
  } finally {
    await session.close();
  }
}

const FIELDS = `x.ratingId AS ratingId, x.modelId AS modelId, x.period AS period, x.code AS code, d.name AS name, d.department AS department,
  d.institutionCode AS institutionCode, i.name AS institutionName, i.kind AS kind, i.level AS level, i.region AS region,
  x.score AS score, x.band AS band, x.coverage AS coverage, x.earned AS earned, x.evaluated AS evaluated,
  x.ringFundShare AS ringFundShare, toString(x.computedAt) AS computedAt, x.ratingRunId AS ratingRunId`;

type Row = Omit<StoredDoctorRating, 'lines'> & { lines?: string };
const toRating = (o: Row): StoredDoctorRating => ({ ...o, department: o.department || null, lines: o.lines ? (JSON.parse(o.lines) as RatingLine[]) : [] });

export async function latestDoctorRatedPeriod(driver: Driver, modelId?: string): Promise<string | null> {
  const { records } = await driver.executeQuery(
    'MATCH (x:DoctorRating) WHERE x.current AND ($modelId IS NULL OR x.modelId = $modelId) RETURN max(x.period) AS p',
    { modelId: modelId ?? null },
    { routing: 'READ' },
  );
  return (records[0]?.get('p') as string | null) ?? null;
}

export type DoctorRatingSort = 'score' | '-score' | 'code' | 'name' | 'ringFundShare' | '-ringFundShare';

export interface DoctorRatingFilter {
  period: string;
  bands?: string[];
  institution?: string;
  department?: string;
  q?: string;
}

const SORTS: Record<DoctorRatingSort, string> = {
  score: 'coalesce(x.score, -1) ASC, x.code ASC',
  '-score': 'coalesce(x.score, -1) DESC, x.code ASC',
  code: 'x.code ASC',
  name: 'd.name ASC, x.code ASC',
  ringFundShare: 'coalesce(x.ringFundShare, -1) ASC, x.code ASC',
  '-ringFundShare': 'coalesce(x.ringFundShare, -1) DESC, x.code ASC',
};

const FILTER = `MATCH (x:DoctorRating {period: $period})-[:RATES]->(d:Doctor)
  WHERE x.current AND ($bands IS NULL OR x.band IN $bands OR ('none' IN $bands AND x.band IS NULL))
    AND ($institution IS NULL OR x.institutionCode = $institution) AND ($department IS NULL OR x.department = $department)
    AND ($q IS NULL OR x.code STARTS WITH $q OR d.name CONTAINS $q)
  OPTIONAL MATCH (i:Institution {code: x.institutionCode})`;

const filterParams = (f: DoctorRatingFilter) => ({ period: f.period, bands: f.bands?.length ? f.bands : null, institution: f.institution ?? null, department: f.department ?? null, q: f.q || null });

/** A page of one period's doctor ratings. */
export async function listDoctorRatings(driver: Driver, f: DoctorRatingFilter, sort: DoctorRatingSort, offset: number, limit: number): Promise<{ items: StoredDoctorRating[]; total: number }> {
  const params = { ...filterParams(f), offset: neo4j.int(offset), limit: neo4j.int(limit) };
  const [page, count] = await Promise.all([
    driver.executeQuery(`${FILTER} RETURN ${FIELDS} ORDER BY ${SORTS[sort]} SKIP $offset LIMIT $limit`, params, { routing: 'READ' }),
    driver.executeQuery(`${FILTER} RETURN count(x) AS n`, params, { routing: 'READ' }),
  ]);
  return { items: page.records.map((r) => toRating(r.toObject() as Row)), total: count.records[0]!.get('n') as number };
}

/** Band counts of a period's doctor ratings under the filters other than band. */
export async function doctorBandDistribution(driver: Driver, f: Omit<DoctorRatingFilter, 'bands'>): Promise<Record<string, number>> {
  const { records } = await driver.executeQuery(`${FILTER} RETURN coalesce(x.band, 'none') AS band, count(x) AS n`, filterParams({ ...f, bands: undefined }), { routing: 'READ' });
  return Object.fromEntries(records.map((r) => [r.get('band') as string, r.get('n') as number]));
}

/** The departments of a period's rated doctors (the list's department picker). */
export async function ratedDepartments(driver: Driver, period: string): Promise<string[]> {
  const { records } = await driver.executeQuery(
    `MATCH (x:DoctorRating {period: $period}) WHERE x.current AND coalesce(x.department, '') <> '' RETURN DISTINCT x.department AS d ORDER BY d`,
    { period },
    { routing: 'READ' },
  );
  return records.map((r) => r.get('d') as string);
}

/** Every current rating of one doctor, newest period first (the trend), with the breakdown. */
export async function doctorRatings(driver: Driver, code: string, modelId?: string): Promise<StoredDoctorRating[]> {
  const { records } = await driver.executeQuery(
    `MATCH (x:DoctorRating {code: $code})-[:RATES]->(d:Doctor) WHERE x.current AND ($modelId IS NULL OR x.modelId = $modelId)
     OPTIONAL MATCH (i:Institution {code: x.institutionCode})
     RETURN ${FIELDS}, x.lines AS lines ORDER BY x.period DESC`,
    { code, modelId: modelId ?? null },
    { routing: 'READ' },
  );
  return records.map((r) => toRating(r.toObject() as Row));
}

/** The rings a doctor is a member of. */
export async function doctorRings(driver: Driver, code: string): Promise<{ ringId: string; family: string; score: number; status: string; verdict: string | null; memberCount: number | null; fundPaid: number | null; periodStart: string | null; periodEnd: string | null }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring)-[:HAS_MEMBER]->(:Doctor {code: $code})
     RETURN r.ringId AS ringId, r.family AS family, r.score AS score, r.status AS status, r.verdict AS verdict, r.memberCount AS memberCount,
            r.fundPaid AS fundPaid, toString(r.periodStart) AS periodStart, toString(r.periodEnd) AS periodEnd
     ORDER BY r.status ASC, r.score DESC, r.ringId`,
    { code },
    { routing: 'READ' },
  );
  return records.map((r) => {
    const o = r.toObject() as Record<string, any>;
    return { ...o, verdict: o.verdict ?? null, memberCount: o.memberCount ?? null, fundPaid: o.fundPaid ?? null } as any;
  });
}

export interface DoctorImportRow {
  period: string;
  doctorCode: string;
  indicator: string;
  value: number | null;
  file: string;
  line: number;
}

/** Stores imported doctor indicator values (a later import of the same period, doctor and indicator replaces the value). */
export async function writeDoctorImports(driver: Driver, rows: DoctorImportRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await driver.executeQuery(
      `UNWIND $rows AS row
       MERGE (x:DoctorRatingImport {key: row.period + '|' + row.doctorCode + '|' + row.indicator})
       SET x.period = row.period, x.doctorCode = row.doctorCode, x.indicator = row.indicator, x.value = row.value,
           x.file = row.file, x.line = row.line, x.importedAt = datetime()`,
      { rows: rows.slice(i, i + 2000) },
    );
  }
}
