import type { Driver } from 'neo4j-driver';
import type { CaseBundle, CaseInfo, CaseViewInfo, ClaimInfo, EntityInfo, EntityType, InstitutionRatingInfo, LineInfo, RingInfo } from '../../exports/case-bundle.ts';
import type { EvidenceRecord } from '../../detection/ring-record.ts';
import { byCaseEventOrder } from '../cases/cases.ts';
import { displayNameOf } from '../users/users.ts';

/**
 * The one place an export reads Neo4j: a case (or a bare ring) with its members, evidence claims, item
 * lines and every entity those claims touch, as a plain CaseBundle. All reads run in one read
 * transaction, so the package describes one consistent state of the graph.
 */

export class BundleNotFound extends Error {
  constructor(
    readonly kind: 'case' | 'ring',
    readonly id: string,
  ) {
    super(`no ${kind} ${id}`);
    this.name = 'BundleNotFound';
  }
}

export type BundleTarget = { caseId: string } | { ringId: string };

/** The Case node as graph/cases/cases.ts writes it; exports read it only through this query. */
const CASE_QUERY = `
MATCH (c:Case {caseId: $caseId})-[:ABOUT]->(r:Ring)
RETURN c.caseId AS caseId, c.title AS title, c.status AS status, c.assignee AS assignee, ${displayNameOf('c.assignee')} AS assigneeName, c.createdBy AS createdBy, ${displayNameOf('c.createdBy')} AS createdByName,
       toString(c.createdAt) AS createdAt, toString(c.updatedAt) AS updatedAt, c.verdict AS verdict,
       coalesce(c.verdictLabels, []) AS verdictLabels, r.ringId AS ringId,
       [(c)-[:HAS_EVENT]->(e:CaseEvent) | {at: toString(e.at), seq: e.seq, atMs: e.at.epochMillis, actor: e.actor, actorName: ${displayNameOf('e.actor')}, kind: e.kind, from: e.from, to: e.to,
          toName: CASE WHEN e.kind = 'assigned' THEN ${displayNameOf('e.to')} END, note: e.note}] AS history`;

const RING_QUERY = `
MATCH (r:Ring {ringId: $ringId})
OPTIONAL MATCH (g:Region {code: r.region})
RETURN r.ringId AS ringId, r.family AS family, coalesce(r.types, [r.family]) AS types, r.score AS score, r.status AS status,
       r.region AS region, g.name AS regionName, r.periodStart AS periodStart, r.periodEnd AS periodEnd,
       r.claimCount AS claimCount, r.totalAmount AS totalAmount, r.fundPaid AS fundPaid, r.memberCount AS memberCount,
       r.keyPersons AS keyPersons, r.evidence AS evidence, r.firstRunId AS firstRunId, r.lastRunId AS lastRunId,
       toString(r.createdAt) AS createdAt, toString(r.updatedAt) AS updatedAt,
       [(d:DetectionRun)-[f:FOUND]->(r) | {runId: d.runId, at: toString(d.finishedAt), change: f.change, memberCount: f.memberCount, fundPaid: f.fundPaid}] AS detections`;

const MEMBERS_QUERY = `
MATCH (:Ring {ringId: $ringId})-[m:HAS_MEMBER]->(e)
RETURN CASE WHEN e:Person THEN 'person' WHEN e:Card THEN 'card' WHEN e:Doctor THEN 'doctor' ELSE 'institution' END AS type,
       coalesce(e.idNumber, e.cardNo, e.code) AS key, m.role AS role, m.basis AS basis`;

const CLAIMS_QUERY = `
MATCH (:Ring {ringId: $ringId})-[:EVIDENCED_BY]->(c:Claim)
RETURN c.claimId AS claimId, toString(c.settledAt) AS settledAt, c.kind AS kind, c.department AS department, c.region AS region,
       c.diagnosisCode AS diagnosisCode, c.diagnosisName AS diagnosisName, toString(c.admissionDate) AS admissionDate,
       toString(c.dischargeDate) AS dischargeDate, c.prescriptionId AS prescriptionId, c.identityCheck AS identityCheck,
       c.total AS total, c.fundPaid AS fundPaid, c.selfPaid AS selfPaid, c.cardNo AS cardNo,
       head([(c)-[:CHARGED_TO]->(k:Card) | k.holderIdNumber]) AS holderIdNumber,
       coalesce(c.institutionCode, head([(c)-[:AT]->(i:Institution) | i.code])) AS institutionCode,
       head([(c)-[:BY]->(d:Doctor) | d.code]) AS doctorCode,
       head([(c)-[:PRESCRIBED_BY]->(d:Doctor) | d.code]) AS prescriberCode,
       head([(c)-[:FOR]->(p:Person) | p.idNumber]) AS recipientIdNumber
ORDER BY settledAt, claimId`;

const LINES_QUERY = `
MATCH (:Ring {ringId: $ringId})-[:EVIDENCED_BY]->(c:Claim)-[b:BILLED]->(i:Item)
RETURN c.claimId AS claimId, b.lineNo AS lineNo, i.code AS itemCode, i.name AS itemName, i.category AS category,
       b.quantity AS quantity, b.unitPrice AS unitPrice, b.amount AS amount, b.traceCode AS traceCode`;

const ENTITY_QUERIES: Record<EntityType, string> = {
  person: `UNWIND $keys AS k MATCH (e:Person {idNumber: k})
    RETURN e.idNumber AS key, e.name AS name, e.gender AS gender, toString(e.birthDate) AS birthDate, e.region AS region, e.address AS address,
           null AS holderIdNumber, null AS institutionCode, e.insuredType AS kind, null AS level, null AS department, null AS title`,
  card: `UNWIND $keys AS k MATCH (e:Card {cardNo: k})
    RETURN e.cardNo AS key, null AS name, null AS gender, null AS birthDate, e.region AS region, null AS address,
           e.holderIdNumber AS holderIdNumber, null AS institutionCode, e.type AS kind, null AS level, null AS department, null AS title`,
  doctor: `UNWIND $keys AS k MATCH (e:Doctor {code: k})
    RETURN e.code AS key, e.name AS name, e.gender AS gender, null AS birthDate, null AS region, null AS address,
           null AS holderIdNumber, e.institutionCode AS institutionCode, null AS kind, null AS level, e.department AS department, e.title AS title`,
  institution: `UNWIND $keys AS k MATCH (e:Institution {code: k})
    RETURN e.code AS key, e.name AS name, null AS gender, null AS birthDate, e.region AS region, e.address AS address,
           null AS holderIdNumber, null AS institutionCode, e.kind AS kind, e.level AS level, null AS department, null AS title`,
};

const TYPE_ORDER: EntityType[] = ['person', 'card', 'doctor', 'institution'];

function parseJsonProperty<T>(value: unknown, what: string, ringId: string): T {
  if (value === null || value === undefined) return [] as T;
  try {
    return JSON.parse(String(value)) as T;
  } catch (err) {
    throw new Error(`ring ${ringId}: ${what} is not valid JSON (${(err as Error).message})`);
  }
}

export async function loadCaseBundle(driver: Driver, target: BundleTarget): Promise<CaseBundle> {
  const session = driver.session({ defaultAccessMode: 'READ' });
  try {
    return await session.executeRead(async (tx) => {
      let caseInfo: CaseInfo | null = null;
      let ringId: string;
      if ('caseId' in target) {
        const res = await tx.run(CASE_QUERY, { caseId: target.caseId });
        const row = res.records[0]?.toObject();
        if (!row) throw new BundleNotFound('case', target.caseId);
        ringId = row.ringId as string;
        const rows = row.history as (CaseInfo['history'][number] & { seq?: unknown; atMs?: unknown })[];
        const history: CaseInfo['history'] = rows
          .map((e) => ({ e, order: { seq: e.seq == null ? null : Number(e.seq), atMs: e.atMs == null ? null : Number(e.atMs) } }))
          .sort((a, b) => byCaseEventOrder(a.order, b.order))
          .map(({ e: { seq: _seq, atMs: _atMs, ...rest } }) => rest);
        caseInfo = {
          caseId: row.caseId,
          title: row.title ?? row.caseId,
          status: row.status,
          assignee: row.assignee ?? null,
          assigneeName: row.assigneeName ?? null,
          createdBy: row.createdBy ?? null,
          createdByName: row.createdByName ?? null,
          createdAt: row.createdAt ?? null,
          updatedAt: row.updatedAt ?? null,
          verdict: row.verdict ?? null,
          verdictLabels: row.verdictLabels,
          history,
        };
      } else {
        ringId = target.ringId;
      }

      const ringRow = (await tx.run(RING_QUERY, { ringId })).records[0]?.toObject();
      if (!ringRow) throw new BundleNotFound('ring', ringId);
      const ring: RingInfo = {
        ...(ringRow as Omit<RingInfo, 'keyPersons' | 'evidence'>),
        keyPersons: parseJsonProperty<RingInfo['keyPersons']>(ringRow.keyPersons, 'keyPersons', ringId),
        // Ranking feedback is not evidence: rings written before it was kept apart carry it in their
        // evidence list under verdict-* keys, and a package never prints it as evidence.
        evidence: parseJsonProperty<EvidenceRecord[]>(ringRow.evidence, 'evidence', ringId).filter((e) => !e.key.startsWith('verdict-')),
        detections: (ringRow.detections as RingInfo['detections']).sort((a, b) => a.at.localeCompare(b.at)),
      };

      const members = (await tx.run(MEMBERS_QUERY, { ringId })).records.map((r) => {
        const o = r.toObject() as { type: EntityType; key: string; role: string | null; basis: string | null };
        return { ...o, basis: o.basis ? parseJsonProperty<{ zh: string; en: string }>(o.basis, 'member basis', ringId) : null };
      });
      const claims = (await tx.run(CLAIMS_QUERY, { ringId })).records.map((r) => r.toObject() as ClaimInfo);
      const lines = (await tx.run(LINES_QUERY, { ringId })).records.map((r) => r.toObject() as LineInfo);
      lines.sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : a.lineNo - b.lineNo));

      // Every entity the package names: members, then what the evidence claims touch.
      const wanted = new Map<EntityType, Set<string>>(TYPE_ORDER.map((t) => [t, new Set<string>()]));
      for (const m of members) wanted.get(m.type)!.add(m.key);
      for (const c of claims) {
        if (c.cardNo) wanted.get('card')!.add(c.cardNo);
        if (c.holderIdNumber) wanted.get('person')!.add(c.holderIdNumber);
        if (c.recipientIdNumber) wanted.get('person')!.add(c.recipientIdNumber);
        if (c.institutionCode) wanted.get('institution')!.add(c.institutionCode);
        if (c.doctorCode) wanted.get('doctor')!.add(c.doctorCode);
        if (c.prescriberCode) wanted.get('doctor')!.add(c.prescriberCode);
      }
      const details = new Map<string, Omit<EntityInfo, 'type' | 'role'>>();
      for (const type of TYPE_ORDER) {
        const keys = [...wanted.get(type)!];
        if (!keys.length) continue;
        for (const r of (await tx.run(ENTITY_QUERIES[type], { keys })).records) {
          const o = r.toObject() as Omit<EntityInfo, 'type' | 'role'>;
          details.set(`${type}:${o.key}`, o);
        }
      }

      const roleOf = new Map(members.map((m) => [`${m.type}:${m.key}`, m.role ?? 'member']));
      const basisOf = new Map(members.map((m) => [`${m.type}:${m.key}`, m.basis ? { zh: m.basis.zh, en: m.basis.en } : null]));
      const centrality = new Map(ring.keyPersons.map((k) => [k.id, k.centrality]));
      const empty = (key: string): Omit<EntityInfo, 'type' | 'role'> => ({
        key, name: null, gender: null, birthDate: null, region: null, address: null, holderIdNumber: null, institutionCode: null, kind: null, level: null, department: null, title: null,
      });
      const entities: EntityInfo[] = [];
      for (const type of TYPE_ORDER) {
        for (const key of wanted.get(type)!) {
          const ref = `${type}:${key}`;
          entities.push({ ...(details.get(ref) ?? empty(key)), type, role: roleOf.get(ref) ?? null, roleBasis: basisOf.get(ref) ?? null });
        }
      }
      // Members before the rest; within each, by type, then the ring's key persons first, then by key.
      entities.sort(
        (a, b) =>
          Number(a.role === null) - Number(b.role === null) ||
          TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type) ||
          (centrality.get(b.key) ?? -1) - (centrality.get(a.key) ?? -1) ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );

      const views = caseInfo
        ? (
            await tx.run(
              `MATCH (:Case {caseId: $caseId})-[:HAS_VIEW]->(v:CaseView)
               RETURN v.name AS name, v.note AS note, v.createdBy AS createdBy, ${displayNameOf('v.createdBy')} AS createdByName, toString(v.createdAt) AS createdAt, v.hiddenTypes AS hiddenTypes,
                      v.entities AS entities, v.highlightedEntities AS highlightedEntities ORDER BY v.createdAt, v.viewId`,
              { caseId: caseInfo.caseId },
            )
          ).records.map((r) => r.toObject() as CaseViewInfo)
        : [];

      const loadedAt = new Date().toISOString();
      // Ratings as they stood when the case went to the police (or now, before a referral).
      const referral = caseInfo?.history.filter((e) => e.to === 'referred').at(-1)?.at ?? null;
      const asOf = referral ?? loadedAt;
      const institutions = entities.filter((e) => e.type === 'institution' && e.role !== null);
      const ratings: InstitutionRatingInfo[] = [];
      for (const inst of institutions) {
        const row = (
          await tx.run(
            `MATCH (x:Rating {code: $code}) WHERE x.computedAt <= datetime($at)
             RETURN x.period AS period, x.modelId AS modelId, x.score AS score, x.band AS band, x.coverage AS coverage, toString(x.computedAt) AS computedAt, x.lines AS lines
             ORDER BY x.period DESC, x.computedAt DESC LIMIT 1`, // superseded ratings too: what stood at that moment
            { code: inst.key, at: asOf },
          )
        ).records[0]?.toObject();
        const lines = row ? (JSON.parse(row.lines ?? '[]') as { indicator: string; status: string; points: number | null; maxPoints: number }[]) : [];
        ratings.push({
          code: inst.key,
          name: inst.name,
          asOf,
          asOfKind: referral ? 'referral' : 'export',
          rating: row
            ? {
                period: row.period,
                modelId: row.modelId,
                score: row.score ?? null,
                band: row.band ?? null,
                coverage: row.coverage,
                computedAt: row.computedAt,
                lowest: lines
                  .filter((l) => l.status === 'scored' && l.points !== null && l.points < l.maxPoints)
                  .sort((a, b) => a.points! - a.maxPoints - (b.points! - b.maxPoints))
                  .slice(0, 3)
                  .map((l) => ({ indicator: l.indicator, points: l.points!, maxPoints: l.maxPoints })),
              }
            : null,
        });
      }
      return { case: caseInfo, ring, entities, claims, lines, views, ratings, loadedAt };
    });
  } finally {
    await session.close();
  }
}
