import neo4j, { type Driver } from 'neo4j-driver';

/**
 * What a scheduled report says, read from the rings and runs the detection write-back stored
 * (graph/rings/write-run.ts). Everything is relative to two runs: the report's run and its
 * baseline, the run the schedule's previous report covered (or the run before, for a first report).
 * Counts, money and member counts come from each run's FOUND relationships — the snapshot a run
 * took — so a later run does not change an old report's numbers when it is rebuilt.
 */

/** Runs over the whole graph: a run scoped to one region is not comparable with them. */
const WHOLE_RUN = `NOT coalesce(d.scope, '') CONTAINS '"region"'`;

export interface RunRef {
  runId: string;
  startedAt: string;
  finishedAt: string;
  claimCount: number;
  ringCount: number;
}

const runFields = (v: string) =>
  `${v}.runId AS runId, toString(${v}.startedAt) AS startedAt, toString(${v}.finishedAt) AS finishedAt, coalesce(${v}.claimCount, 0) AS claimCount, coalesce(${v}.ringCount, 0) AS ringCount`;

export async function readRun(driver: Driver, runId: string): Promise<RunRef | null> {
  const { records } = await driver.executeQuery(`MATCH (d:DetectionRun {runId: $runId}) RETURN ${runFields('d')}`, { runId }, { routing: 'READ' });
  return (records[0]?.toObject() as RunRef | undefined) ?? null;
}

/** The newest whole-graph run finished at or before a time (a report schedule reports on it). */
export async function latestRunAt(driver: Driver, atIso: string): Promise<RunRef | null> {
  const { records } = await driver.executeQuery(
    `MATCH (d:DetectionRun) WHERE d.finishedAt <= datetime($at) AND ${WHOLE_RUN}
     WITH d ORDER BY d.finishedAt DESC, d.runId DESC LIMIT 1 RETURN ${runFields('d')}`,
    { at: atIso },
    { routing: 'READ' },
  );
  return (records[0]?.toObject() as RunRef | undefined) ?? null;
}

/**
 * The baseline: the run of the schedule's latest earlier report; without one, the whole-graph run
 * finished before this one.
 */
export async function baselineRun(driver: Driver, scheduleId: string, periodKey: string, current: RunRef): Promise<RunRef | null> {
  const prev = await driver.executeQuery(
    `MATCH (p:Report {scheduleId: $scheduleId, status: 'ready'}) WHERE p.periodKey < $periodKey AND p.runId IS NOT NULL
     WITH p ORDER BY p.periodKey DESC LIMIT 1
     MATCH (d:DetectionRun {runId: p.runId}) WHERE d.finishedAt <= datetime($finishedAt)
     RETURN ${runFields('d')}`,
    { scheduleId, periodKey, finishedAt: current.finishedAt },
    { routing: 'READ' },
  );
  if (prev.records[0]) return prev.records[0].toObject() as RunRef;
  const { records } = await driver.executeQuery(
    `MATCH (d:DetectionRun) WHERE d.finishedAt < datetime($finishedAt) AND d.runId <> $runId AND ${WHOLE_RUN}
     WITH d ORDER BY d.finishedAt DESC, d.runId DESC LIMIT 1 RETURN ${runFields('d')}`,
    { finishedAt: current.finishedAt, runId: current.runId },
    { routing: 'READ' },
  );
  return (records[0]?.toObject() as RunRef | undefined) ?? null;
}

export type ChangeKind = 'new' | 'grown' | 'shrunk' | 'unchanged' | 'dissolved';

export interface RingChangeRow {
  ringId: string;
  family: string;
  region: string | null;
  regionName: string | null;
  change: ChangeKind;
  score: number;
  memberCount: number;
  previousMemberCount: number | null;
  fundPaid: number;
}

/**
 * Each ring the current run found, classified against the baseline: not found by the baseline →
 * new; more members → grown, fewer → shrunk; the same number → grown when a run in between recorded
 * a change of members (tracking calls a same-size swap "grown"), else unchanged. Rings the baseline
 * found and the current run did not are dissolved.
 */
export async function ringChanges(driver: Driver, currentRunId: string, baselineRunId: string | null): Promise<RingChangeRow[]> {
  const { records } = await driver.executeQuery(
    `MATCH (cur:DetectionRun {runId: $cur})
     OPTIONAL MATCH (base:DetectionRun {runId: $base})
     CALL (cur, base) {
       MATCH (cur)-[fc:FOUND]->(r:Ring)
       OPTIONAL MATCH (base)-[fb:FOUND]->(r)
       WITH r, fc, fb, CASE
         WHEN fb IS NULL THEN 'new'
         WHEN fc.memberCount > fb.memberCount THEN 'grown'
         WHEN fc.memberCount < fb.memberCount THEN 'shrunk'
         WHEN EXISTS { MATCH (m:DetectionRun)-[f:FOUND]->(r) WHERE m.finishedAt > base.finishedAt AND m.finishedAt <= cur.finishedAt AND f.change IN ['grown', 'shrunk'] } THEN 'grown'
         ELSE 'unchanged' END AS change
       RETURN r, change, fc.score AS score, fc.memberCount AS memberCount, fb.memberCount AS previousMemberCount, fc.fundPaid AS fundPaid
       UNION
       MATCH (base)-[fb:FOUND]->(r:Ring) WHERE NOT (cur)-[:FOUND]->(r)
       RETURN r, 'dissolved' AS change, fb.score AS score, 0 AS memberCount, fb.memberCount AS previousMemberCount, fb.fundPaid AS fundPaid
     }
     OPTIONAL MATCH (g:Region {code: r.region})
     RETURN r.ringId AS ringId, r.family AS family, r.region AS region, g.name AS regionName, change, score, memberCount, previousMemberCount, coalesce(fundPaid, 0.0) AS fundPaid
     ORDER BY change, fundPaid DESC, ringId`,
    { cur: currentRunId, base: baselineRunId },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as RingChangeRow);
}

export interface MoneyRow {
  region: string | null;
  regionName: string | null;
  family: string;
  rings: number;
  fundPaid: number;
}

/** Fund money at risk in the current run's rings, by pooling region and scenario family. */
export async function moneyAtRisk(driver: Driver, runId: string): Promise<MoneyRow[]> {
  const { records } = await driver.executeQuery(
    `MATCH (:DetectionRun {runId: $runId})-[f:FOUND]->(r:Ring)
     WITH r.region AS region, r.family AS family, count(r) AS rings, sum(f.fundPaid) AS fundPaid
     OPTIONAL MATCH (g:Region {code: region})
     RETURN region, g.name AS regionName, family, rings, fundPaid ORDER BY fundPaid DESC, region, family`,
    { runId },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as MoneyRow);
}

export interface InvolvementRow {
  code: string;
  name: string | null;
  detail: string | null;
  rings: number;
  claims: number;
  fundPaid: number;
}

/**
 * Institutions and doctors by the number of the run's rings whose evidence claims they settled,
 * wrote or prescribed, then by the fund money of those claims.
 */
export async function topInvolvement(driver: Driver, runId: string, kind: 'institution' | 'doctor', limit = 10): Promise<InvolvementRow[]> {
  const hop = kind === 'institution' ? '(c)-[:AT]->(e:Institution)' : '(c)-[:BY|PRESCRIBED_BY]->(e:Doctor)';
  const detail = kind === 'institution' ? 'e.kind' : 'e.institutionCode';
  const { records } = await driver.executeQuery(
    `MATCH (:DetectionRun {runId: $runId})-[:FOUND]->(r:Ring)-[:EVIDENCED_BY]->(c:Claim)
     MATCH ${hop}
     WITH e, count(DISTINCT r) AS rings, collect(DISTINCT c) AS claims
     RETURN e.code AS code, e.name AS name, ${detail} AS detail, rings, size(claims) AS claims,
            reduce(s = 0.0, x IN claims | s + coalesce(x.fundPaid, 0.0)) AS fundPaid
     ORDER BY rings DESC, fundPaid DESC, code LIMIT $limit`,
    { runId, limit: neo4j.int(limit) },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as InvolvementRow);
}

export interface TrendPoint {
  runId: string;
  finishedAt: string;
  rings: number;
  newRings: number;
  dissolvedRings: number;
  fundPaid: number;
}

/** The last `limit` whole-graph runs up to the current one, oldest first. */
export async function runTrend(driver: Driver, runId: string, limit = 14): Promise<TrendPoint[]> {
  const { records } = await driver.executeQuery(
    `MATCH (cur:DetectionRun {runId: $runId})
     MATCH (d:DetectionRun) WHERE d.finishedAt <= cur.finishedAt AND ${WHOLE_RUN}
     WITH d ORDER BY d.finishedAt DESC, d.runId DESC LIMIT $limit
     CALL (d) { OPTIONAL MATCH (d)-[f:FOUND]->() RETURN coalesce(sum(f.fundPaid), 0.0) AS fundPaid }
     RETURN d.runId AS runId, toString(d.finishedAt) AS finishedAt, coalesce(d.ringCount, 0) AS rings,
            coalesce(d.newRings, 0) AS newRings, coalesce(d.dissolvedRings, 0) AS dissolvedRings, fundPaid
     ORDER BY finishedAt, runId`,
    { runId, limit: neo4j.int(limit) },
    { routing: 'READ' },
  );
  return records.map((r) => r.toObject() as TrendPoint);
}
