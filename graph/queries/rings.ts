import neo4j, { type Driver } from 'neo4j-driver';
import type { Family } from '../../algorithms/detectors/types.ts';
import { nodeRow, nodeView, rowToNode, type NodeRow, type RawNode } from './nodes.ts';
import { displayNameOf } from '../users/users.ts';
import type { KeyPerson, RankingAdjustment } from '../../detection/ring-record.ts';
import type { RoleBasis } from '../../detection/role-basis.ts';

/** Reads of detected rings for the investigation API: list, detail, history, drawable subgraph. */

export const RING_SORTS = {
  score: 'r.score',
  fundPaid: 'r.fundPaid',
  totalAmount: 'r.totalAmount',
  memberCount: 'r.memberCount',
  claimCount: 'r.claimCount',
  periodEnd: "coalesce(r.periodEnd, '')",
  ringId: 'r.ringId',
} as const;
export type RingSort = keyof typeof RING_SORTS;

export interface RingFilters {
  types?: string[] | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  region?: string | undefined;
  institution?: string | undefined;
  from?: string | undefined;
  until?: string | undefined;
  minAmount?: number | undefined;
  maxAmount?: number | undefined;
  status?: string | undefined;
  run?: string | undefined;
  /** only rings with a case referred to the police (or closed after referral): what liaisons see */
  referredOnly?: boolean | undefined;
}

export interface RingSummary {
  ringId: string;
  family: Family;
  types: string[];
  score: number;
  status: string;
  region: string | null;
  /** the pooling region's name (苏州市), where the graph has it */
  regionName: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  claimCount: number;
  memberCount: number;
  totalAmount: number;
  fundPaid: number;
  firstRunId: string | null;
  lastRunId: string | null;
  /** what the ring's last run said about it: new | grown | shrunk | unchanged (dissolved rings: dissolved) */
  lastChange: string | null;
  updatedAt: string | null;
  headline: { zh: string; en: string } | null;
  openCase: { caseId: string; status: string; assignee: string | null; assigneeName: string | null } | null;
  verdict: string | null;
  /** the ring's member institutions with their latest credit rating (docs/rating.md), if rated */
  institutions: { code: string; name: string | null; band: string | null; score: number | null; period: string | null }[];
}

const SUMMARY = `r.ringId AS ringId, r.family AS family, coalesce(r.types, [r.family]) AS types, r.score AS score, r.status AS status,
  r.region AS region, COLLECT { MATCH (g:Region {code: r.region}) RETURN g.name }[0] AS regionName, r.periodStart AS periodStart, r.periodEnd AS periodEnd, r.claimCount AS claimCount, r.memberCount AS memberCount,
  r.totalAmount AS totalAmount, r.fundPaid AS fundPaid, r.firstRunId AS firstRunId, r.lastRunId AS lastRunId, toString(r.updatedAt) AS updatedAt,
  r.evidence AS evidence, r.verdict AS verdict,
  CASE WHEN r.status = 'dissolved' THEN 'dissolved' ELSE [(d:DetectionRun)-[f:FOUND]->(r) WHERE d.runId = r.lastRunId | f.change][0] END AS lastChange,
  [(c:Case)-[:ABOUT]->(r) WHERE c.status <> 'closed' | {caseId: c.caseId, status: c.status, assignee: c.assignee, assigneeName: ${displayNameOf('c.assignee')}}][0] AS openCase,
  [(r)-[:HAS_MEMBER]->(i:Institution) | {code: i.code, name: i.name,
    rating: COLLECT { MATCH (x:Rating)-[:RATES]->(i) WHERE x.current RETURN x {.band, .score, .period} ORDER BY x.period DESC, x.computedAt DESC LIMIT 1 }[0]}] AS institutions`;

function toSummary(o: Record<string, unknown>): RingSummary {
  const { evidence, institutions, ...rest } = o as unknown as Omit<RingSummary, 'institutions'> & {
    evidence: string | null;
    institutions: { code: string; name: string | null; rating: { band: string | null; score: number | null; period: string | null } | null }[] | null;
  };
  const first = evidence ? (JSON.parse(evidence) as { zh: string; en: string }[])[0] : undefined;
  return {
    ...rest,
    institutions: (institutions ?? [])
      .map((i) => ({ code: i.code, name: i.name ?? null, band: i.rating?.band ?? null, score: i.rating?.score ?? null, period: i.rating?.period ?? null }))
      .sort((a, b) => a.code.localeCompare(b.code)),
    regionName: rest.regionName ?? null,
    headline: first ? { zh: first.zh, en: first.en } : null,
    openCase: rest.openCase ?? null,
    verdict: rest.verdict ?? null,
    lastChange: rest.lastChange ?? null,
  };
}

export async function listRings(
  driver: Driver,
  f: RingFilters,
  sort: { field: RingSort; desc: boolean },
  after: [string | number, string] | undefined,
  limit: number,
): Promise<RingSummary[]> {
  const key = RING_SORTS[sort.field];
  const cmp = sort.desc ? '<' : '>';
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring)
     WHERE ($types IS NULL OR any(t IN coalesce(r.types, [r.family]) WHERE t IN $types))
       AND ($minScore IS NULL OR r.score >= $minScore) AND ($maxScore IS NULL OR r.score <= $maxScore)
       AND ($region IS NULL OR r.region = $region OR EXISTS { MATCH (g:Region) WHERE g.code = r.region AND g.name CONTAINS $region })
       AND ($status IS NULL OR r.status = $status)
       AND ($from IS NULL OR r.periodEnd >= $from) AND ($until IS NULL OR r.periodStart <= $until)
       AND ($minAmount IS NULL OR r.fundPaid >= $minAmount) AND ($maxAmount IS NULL OR r.fundPaid <= $maxAmount)
       AND ($institution IS NULL OR EXISTS { (r)-[:HAS_MEMBER]->(:Institution {code: $institution}) })
       AND ($run IS NULL OR EXISTS { (:DetectionRun {runId: $run})-[:FOUND]->(r) })
       AND (NOT $referredOnly OR EXISTS { (c:Case)-[:ABOUT]->(r) WHERE c.status IN ['referred', 'closed'] })
       AND ($afterValue IS NULL OR ${key} ${cmp} $afterValue OR (${key} = $afterValue AND r.ringId > $afterId))
     WITH r ORDER BY ${key} ${sort.desc ? 'DESC' : 'ASC'}, r.ringId ASC LIMIT $limit
     RETURN ${SUMMARY}`,
    {
      types: f.types?.length ? f.types : null,
      minScore: f.minScore ?? null,
      maxScore: f.maxScore ?? null,
      region: f.region ?? null,
      status: f.status ?? null,
      from: f.from ?? null,
      until: f.until ?? null,
      minAmount: f.minAmount ?? null,
      maxAmount: f.maxAmount ?? null,
      institution: f.institution ?? null,
      run: f.run ?? null,
      referredOnly: f.referredOnly ?? false,
      afterValue: after?.[0] ?? null,
      afterId: after?.[1] ?? null,
      limit: neo4j.int(limit),
    },
    { routing: 'READ' },
  );
  return records.map((r) => toSummary(r.toObject()));
}

export const sortValue = (r: RingSummary, field: RingSort): string | number =>
  field === 'periodEnd' ? (r.periodEnd ?? '') : (r[field] as string | number);

export interface RingMember extends RawNode {
  role: string;
  /** the numbers that earned the role (detection/role-basis.ts); null: no role earned */
  basis?: RoleBasis | null;
}

export interface RingHistoryEntry {
  runId: string;
  at: string | null;
  change: string;
  added: number | null;
  removed: number | null;
  score: number | null;
  /** the detector's score that run, before ranking feedback */
  detectorScore: number | null;
  /** how verdicts moved the ring that run (not evidence) */
  rankingFeedback: RankingAdjustment[];
  memberCount: number | null;
  fundPaid: number | null;
}

export interface RingDetail extends RingSummary {
  members: RingMember[];
  evidence: { key: string; zh: string; en: string; facts: Record<string, string | number>; entities: string[]; weight: number }[];
  /** ranking feedback from the bureau's verdicts: shown apart from the evidence */
  rankingFeedback: RankingAdjustment[];
  /** the detector's score before ranking feedback */
  detectorScore: number;
  keyPersons: KeyPerson[];
  history: RingHistoryEntry[];
  cases: { caseId: string; status: string; createdAt: string }[];
}

export async function getRing(driver: Driver, ringId: string): Promise<RingDetail | null> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring {ringId: $ringId})
     RETURN ${SUMMARY}, r.keyPersons AS keyPersons, r.rankingFeedback AS rankingFeedback, coalesce(r.detectorScore, r.score) AS detectorScore,
       [(r)-[m:HAS_MEMBER]->(e) | ${nodeView('e', 'role: m.role, basis: m.basis')}] AS members,
       [(d:DetectionRun)-[f:FOUND]->(r) | {runId: d.runId, at: toString(d.startedAt), change: f.change, added: f.added, removed: f.removed,
          score: f.score, detectorScore: f.detectorScore, rankingFeedback: f.rankingFeedback, memberCount: f.memberCount, fundPaid: f.fundPaid}]
       + [(d:DetectionRun)-[:DISSOLVED]->(r) | {runId: d.runId, at: toString(d.startedAt), change: 'dissolved', added: null, removed: null,
          score: null, detectorScore: null, rankingFeedback: null, memberCount: null, fundPaid: null}] AS history,
       [(c:Case)-[:ABOUT]->(r) | {caseId: c.caseId, status: c.status, createdAt: toString(c.createdAt)}] AS cases`,
    { ringId },
    { routing: 'READ' },
  );
  const rec = records[0];
  if (!rec) return null;
  const o = rec.toObject();
  const summary = toSummary(o);
  const members = (o.members as (Omit<RingMember, 'basis'> & { basis: string | null })[])
    .map((m) => ({ ...m, basis: m.basis ? (JSON.parse(m.basis) as RoleBasis) : null }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.role.localeCompare(b.role) || a.key.localeCompare(b.key));
  const history = (o.history as (Omit<RingHistoryEntry, 'rankingFeedback'> & { rankingFeedback: string | null })[])
    .map((h) => ({ ...h, detectorScore: h.detectorScore ?? h.score, rankingFeedback: h.rankingFeedback ? (JSON.parse(h.rankingFeedback) as RankingAdjustment[]) : [] }))
    .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '') || a.runId.localeCompare(b.runId));
  return {
    ...summary,
    members,
    evidence: o.evidence ? JSON.parse(o.evidence as string) : [],
    rankingFeedback: o.rankingFeedback ? JSON.parse(o.rankingFeedback as string) : [],
    detectorScore: o.detectorScore as number,
    keyPersons: o.keyPersons ? JSON.parse(o.keyPersons as string) : [],
    history,
    cases: (o.cases as RingDetail['cases']).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  };
}

export async function ringReferred(driver: Driver, ringId: string): Promise<boolean> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring {ringId: $ringId}) RETURN EXISTS { (c:Case)-[:ABOUT]->(r) WHERE c.status IN ['referred', 'closed'] } AS referred`,
    { ringId },
    { routing: 'READ' },
  );
  return records[0]?.get('referred') === true;
}

/** The raw material of a ring's drawing: its members, and per evidence claim the entities it joins. */
export interface RingGraphMaterial {
  members: RingMember[];
  claimLinks: { card: RawNode | null; institution: RawNode | null; doctor: RawNode | null; recipient: RawNode | null; prescriber: RawNode | null; holder: RawNode | null; fundPaid: number }[];
  claimCount: number;
}

export async function ringGraphMaterial(driver: Driver, ringId: string, claimCap: number): Promise<RingGraphMaterial | null> {
  const { records } = await driver.executeQuery(
    `MATCH (r:Ring {ringId: $ringId})
     CALL (r) {
       MATCH (r)-[:EVIDENCED_BY]->(c:Claim)
       WITH c LIMIT $claimCap
       OPTIONAL MATCH (c)-[:CHARGED_TO]->(card:Card)
       OPTIONAL MATCH (holder:Person)-[:HOLDS]->(card)
       OPTIONAL MATCH (c)-[:AT]->(i:Institution)
       OPTIONAL MATCH (c)-[:BY]->(d:Doctor)
       OPTIONAL MATCH (c)-[:FOR]->(p:Person)
       OPTIONAL MATCH (c)-[:PRESCRIBED_BY]->(pd:Doctor)
       WITH c, card, i, d, p, pd, head(collect(holder)) AS holder
       RETURN collect([${['card', 'i', 'd', 'p', 'pd', 'holder'].map((x) => `CASE WHEN ${x} IS NULL THEN null ELSE ${nodeRow(x)} END`).join(', ')},
         coalesce(c.fundPaid, 0.0)]) AS claimLinks
     }
     RETURN [(r)-[m:HAS_MEMBER]->(e) | [m.role, ${nodeRow('e')}]] AS members, claimLinks, COUNT { (r)-[:EVIDENCED_BY]->() } AS claimCount`,
    { ringId, claimCap: neo4j.int(claimCap) },
    { routing: 'READ' },
  );
  const rec = records[0];
  if (!rec) return null;
  // Rows, not maps (see nodeRow): a big ring's drawing reads six nodes for each of thousands of claims.
  const node = (row: NodeRow | null) => (row ? rowToNode(row) : null);
  type LinkRow = [NodeRow | null, NodeRow | null, NodeRow | null, NodeRow | null, NodeRow | null, NodeRow | null, number];
  return {
    members: (rec.get('members') as [string, NodeRow][]).map(([role, row]) => ({ ...rowToNode(row), role })),
    claimLinks: (rec.get('claimLinks') as LinkRow[]).map(([card, institution, doctor, recipient, prescriber, holder, fundPaid]) => ({
      card: node(card),
      institution: node(institution),
      doctor: node(doctor),
      recipient: node(recipient),
      prescriber: node(prescriber),
      holder: node(holder),
      fundPaid,
    })),
    claimCount: rec.get('claimCount') as number,
  };
}

/** Pooling regions with a name and their active rings, most rings first (the queue's region picker). */
export async function listRegions(driver: Driver): Promise<{ code: string; name: string | null; activeRings: number }[]> {
  const { records } = await driver.executeQuery(
    `MATCH (g:Region)
     RETURN g.code AS code, g.name AS name, COUNT { MATCH (r:Ring) WHERE r.region = g.code AND r.status = 'active' } AS activeRings
     ORDER BY activeRings DESC, code`,
    {},
    { routing: 'READ' },
  );
  return records.map((r) => ({ code: r.get('code') as string, name: (r.get('name') as string | null) ?? null, activeRings: Number(r.get('activeRings')) }));
}
