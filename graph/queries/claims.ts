import neo4j, { type Driver } from 'neo4j-driver';
import { z } from 'zod';

/** Claims of a ring or an entity, newest first, with filters and keyset pagination. */

export type ClaimScope = { kind: 'ring' | 'person' | 'card' | 'doctor' | 'institution'; key: string };

// Each scope finds its root node and the claims that belong to it; keys are always parameters.
export const CLAIM_SCOPE: Record<ClaimScope['kind'], { root: string; claims: string }> = {
  ring: { root: 'MATCH (root:Ring {ringId: $key})', claims: 'MATCH (root)-[:EVIDENCED_BY]->(c:Claim) RETURN c' },
  person: {
    root: 'MATCH (root:Person {idNumber: $key})',
    claims: 'MATCH (c:Claim)-[:FOR]->(root) RETURN c UNION MATCH (root)-[:HOLDS]->(:Card)<-[:CHARGED_TO]-(c:Claim) RETURN c',
  },
  card: { root: 'MATCH (root:Card {cardNo: $key})', claims: 'MATCH (c:Claim)-[:CHARGED_TO]->(root) RETURN c' },
  doctor: { root: 'MATCH (root:Doctor {code: $key})', claims: 'MATCH (c:Claim)-[:BY|PRESCRIBED_BY]->(root) RETURN DISTINCT c' },
  institution: { root: 'MATCH (root:Institution {code: $key})', claims: 'MATCH (c:Claim)-[:AT]->(root) RETURN c' },
};

export interface ClaimFilters {
  from?: string | undefined;
  until?: string | undefined;
  kind?: string | undefined;
  minAmount?: number | undefined;
  institution?: string | undefined;
}

export interface ClaimRow {
  claimId: string;
  settledAt: string | null;
  kind: string | null;
  department: string | null;
  institution: { code: string; name: string | null; kind: string | null } | null;
  doctorCode: string | null;
  prescriberCode: string | null;
  cardNo: string | null;
  holder: { idNumber: string; name: string | null } | null;
  recipient: { idNumber: string; name: string | null } | null;
  diagnosisCode: string | null;
  diagnosisName: string | null;
  admissionDate: string | null;
  dischargeDate: string | null;
  itemCount: number | null;
  total: number | null;
  fundPaid: number | null;
  selfPaid: number | null;
  identityCheck: string | null;
}

/** null when the ring or entity does not exist. */
const ISO_DATETIME = z.iso.datetime({ offset: true });

export async function listClaims(
  driver: Driver,
  scope: ClaimScope,
  f: ClaimFilters,
  after: [string, string] | undefined,
  limit: number,
): Promise<ClaimRow[] | null> {
  const s = CLAIM_SCOPE[scope.kind];
  const { records } = await driver.executeQuery(
    `${s.root}
     OPTIONAL CALL (root) {
       CALL (root) { ${s.claims} }
       WITH c
       WHERE ($from IS NULL OR c.settledAt >= datetime($from + 'T00:00:00+08:00'))
         AND ($until IS NULL OR c.settledAt < datetime($until + 'T00:00:00+08:00') + duration('P1D'))
         AND ($kind IS NULL OR c.kind = $kind)
         AND ($minAmount IS NULL OR c.total >= $minAmount)
         AND ($institution IS NULL OR c.institutionCode = $institution)
         AND ($afterAt IS NULL OR CASE
               WHEN $afterIsTime THEN c.settledAt IS :: ZONED DATETIME AND (c.settledAt < datetime($afterAt) OR (c.settledAt = datetime($afterAt) AND c.claimId < $afterId))
               ELSE c.settledAt IS :: ZONED DATETIME OR c.settledAt < $afterAt OR (c.settledAt = $afterAt AND c.claimId < $afterId)
             END)
       WITH c ORDER BY c.settledAt DESC, c.claimId DESC LIMIT $limit
       OPTIONAL MATCH (c)-[:AT]->(i:Institution)
       OPTIONAL MATCH (c)-[:CHARGED_TO]->(card:Card)
       OPTIONAL MATCH (c)-[:FOR]->(p:Person)
       OPTIONAL MATCH (c)-[:BY]->(d:Doctor)
       OPTIONAL MATCH (c)-[:PRESCRIBED_BY]->(pd:Doctor)
       CALL (card) { OPTIONAL MATCH (h:Person)-[:HOLDS]->(card) RETURN h LIMIT 1 }
       RETURN collect({
         claimId: c.claimId, settledAt: toString(c.settledAt), kind: c.kind, department: c.department,
         institution: CASE WHEN i IS NULL THEN null ELSE {code: i.code, name: i.name, kind: i.kind} END,
         doctorCode: d.code, prescriberCode: pd.code, cardNo: card.cardNo,
         holder: CASE WHEN h IS NULL THEN null ELSE {idNumber: h.idNumber, name: h.name} END,
         recipient: CASE WHEN p IS NULL THEN null ELSE {idNumber: p.idNumber, name: p.name} END,
         diagnosisCode: c.diagnosisCode, diagnosisName: c.diagnosisName,
         admissionDate: toString(c.admissionDate), dischargeDate: toString(c.dischargeDate),
         itemCount: c.itemCount, total: c.total, fundPaid: c.fundPaid, selfPaid: c.selfPaid, identityCheck: c.identityCheck
       }) AS rows
     }
     RETURN rows`,
    {
      key: scope.key,
      from: f.from ?? null,
      until: f.until ?? null,
      kind: f.kind ?? null,
      minAmount: f.minAmount ?? null,
      institution: f.institution ?? null,
      afterAt: after?.[0] ?? null,
      // A page that ended on a claim whose settledAt is stored as text (an impossible date an older load
      // left) continues by comparing text with text: datetime() of it would fail the whole request. In
      // descending order such values come before every date-time, so every date-time follows them.
      afterIsTime: after ? ISO_DATETIME.safeParse(after[0]).success : false,
      afterId: after?.[1] ?? null,
      limit: neo4j.int(limit),
    },
    { routing: 'READ' },
  );
  const rec = records[0];
  if (!rec) return null;
  // collect() keeps the ORDER BY order.
  return (rec.get('rows') as ClaimRow[] | null) ?? [];
}

/** Claims and fund paid per Beijing day and hour over all of a scope's claims (timelines); null when the scope does not exist. */
export interface ClaimAggregates {
  claims: number;
  fundPaid: number;
  /** one row per (day, hour) that has claims */
  cells: { day: string; hour: number; claims: number; fundPaid: number }[];
}

export async function claimAggregates(driver: Driver, scope: ClaimScope): Promise<ClaimAggregates | null> {
  const s = CLAIM_SCOPE[scope.kind];
  const { records } = await driver.executeQuery(
    `${s.root}
     OPTIONAL CALL (root) {
       CALL (root) { ${s.claims} }
       WITH c WHERE c.settledAt IS NOT NULL
       WITH datetime({datetime: c.settledAt, timezone: 'Asia/Shanghai'}) AS t, coalesce(c.fundPaid, 0.0) AS fund
       WITH toString(date(t)) AS day, t.hour AS hour, count(*) AS n, sum(fund) AS fund
       RETURN collect([day, hour, n, fund]) AS rows
     }
     RETURN rows`,
    { key: scope.key },
    { routing: 'READ' },
  );
  const rec = records[0];
  if (!rec) return null;
  const rows = ((rec.get('rows') as [string, unknown, unknown, number][] | null) ?? []).map(([day, hour, n, fund]) => ({ day, hour: Number(hour), claims: Number(n), fundPaid: Math.round(fund * 100) / 100 }));
  rows.sort((a, b) => a.day.localeCompare(b.day) || a.hour - b.hour);
  return { claims: rows.reduce((s, r) => s + r.claims, 0), fundPaid: Math.round(rows.reduce((s, r) => s + r.fundPaid, 0) * 100) / 100, cells: rows };
}
