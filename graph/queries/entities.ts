import neo4j, { type Driver } from 'neo4j-driver';
import { CLAIM_SCOPE } from './claims.ts';
import { nodeView, type RawNode } from './nodes.ts';

/** Entity search and profiles: what an investigator looks up by ID number, card number, code or name. */

export type EntityType = 'person' | 'card' | 'doctor' | 'institution';

export interface SearchHit extends RawNode {
  match: 'key' | 'key-prefix' | 'name-prefix' | 'name-contains';
  /** active rings the entity is a member of (ids, at most three, and how many in all) */
  rings: { ids: string[]; count: number };
}

/**
 * One branch per way of matching; each uses an index (unique constraints serve equality and STARTS
 * WITH, the text indexes of migration 6 serve CONTAINS). Keys are matched as typed and upper-cased
 * (codes and the X check digit are stored upper-case: "h32050000004" finds H32050000004).
 */
const keyEq = (label: string, prop: string) => `MATCH (n:${label}) WHERE n.${prop} IN [$q, $qu]`;
const keyPrefix = (label: string, prop: string, min: number) => `MATCH (n:${label}) WHERE size($q) >= ${min} AND (n.${prop} STARTS WITH $q OR n.${prop} STARTS WITH $qu) AND NOT n.${prop} IN [$q, $qu]`;
const BRANCHES: { type: EntityType; match: SearchHit['match']; cypher: string }[] = [
  { type: 'person', match: 'key', cypher: keyEq('Person', 'idNumber') },
  { type: 'card', match: 'key', cypher: keyEq('Card', 'cardNo') },
  { type: 'doctor', match: 'key', cypher: keyEq('Doctor', 'code') },
  { type: 'institution', match: 'key', cypher: keyEq('Institution', 'code') },
  { type: 'person', match: 'key-prefix', cypher: keyPrefix('Person', 'idNumber', 6) },
  { type: 'card', match: 'key-prefix', cypher: keyPrefix('Card', 'cardNo', 4) },
  { type: 'doctor', match: 'key-prefix', cypher: keyPrefix('Doctor', 'code', 4) },
  { type: 'institution', match: 'key-prefix', cypher: keyPrefix('Institution', 'code', 4) },
  { type: 'person', match: 'name-prefix', cypher: 'MATCH (n:Person) WHERE n.name STARTS WITH $q' },
  { type: 'doctor', match: 'name-prefix', cypher: 'MATCH (n:Doctor) WHERE n.name STARTS WITH $q' },
  { type: 'institution', match: 'name-prefix', cypher: 'MATCH (n:Institution) WHERE n.name STARTS WITH $q' },
  // Anywhere in the name, for names of two characters or more (a single character matches half the city).
  { type: 'doctor', match: 'name-contains', cypher: 'MATCH (n:Doctor) WHERE size($q) >= 2 AND n.name CONTAINS $q AND NOT n.name STARTS WITH $q' },
  { type: 'institution', match: 'name-contains', cypher: 'MATCH (n:Institution) WHERE size($q) >= 2 AND n.name CONTAINS $q AND NOT n.name STARTS WITH $q' },
  { type: 'person', match: 'name-contains', cypher: 'MATCH (n:Person) WHERE size($q) >= 2 AND n.name CONTAINS $q AND NOT n.name STARTS WITH $q' },
];

export async function searchEntities(driver: Driver, q: string, types: EntityType[] | undefined, limit: number): Promise<SearchHit[]> {
  const branches = BRANCHES.filter((b) => !types?.length || types.includes(b.type));
  const union = branches
    .map((b, k) => `${b.cypher} WITH n ORDER BY ${b.match === 'name-prefix' ? 'n.name' : 'elementId(n)'} LIMIT $limit RETURN n, '${b.match}' AS match, ${k} AS branch`)
    .join(' UNION ALL ');
  const { records } = await driver.executeQuery(
    `CALL () { ${union} }
     WITH n, match, branch ORDER BY branch, n.name LIMIT $limit
     WITH n, match, [(r:Ring {status: 'active'})-[:HAS_MEMBER]->(n) | r.ringId] AS ringIds
     RETURN ${nodeView('n', 'match: match, rings: {ids: ringIds[0..3], count: size(ringIds)}')} AS hit`,
    { q, qu: q.toUpperCase(), limit: neo4j.int(limit) },
    { routing: 'READ' },
  );
  const seen = new Set<string>();
  return records.map((r) => r.get('hit') as SearchHit).filter((h) => !seen.has(h.id) && seen.add(h.id));
}

export interface ClaimStats {
  claims: number;
  total: number;
  fundPaid: number;
  first: string | null;
  last: string | null;
  byKind: Record<string, number>;
  topInstitutions: { code: string; name: string | null; claims: number; fundPaid: number }[];
}

export interface EntityProfile {
  node: RawNode;
  props: Record<string, string | number | boolean | null>;
  holder: { idNumber: string; name: string | null } | null;
  cards: { cardNo: string; type: string | null }[];
  institution: { code: string; name: string | null } | null;
  counts: Record<string, number>;
  stats: ClaimStats;
  rings: { ringId: string; family: string; score: number; status: string; role: string; via: string | null }[];
}

const ROOT: Record<EntityType, string> = {
  person: 'MATCH (root:Person {idNumber: $key})',
  card: 'MATCH (root:Card {cardNo: $key})',
  doctor: 'MATCH (root:Doctor {code: $key})',
  institution: 'MATCH (root:Institution {code: $key})',
};

const COUNTS: Record<EntityType, string> = {
  person: '{cards: COUNT { (root)-[:HOLDS]->() }, claimsAsRecipient: COUNT { (root)<-[:FOR]-() }}',
  card: "{recipients: COUNT { MATCH (root)<-[:CHARGED_TO]-(:Claim)-[:FOR]->(p:Person) RETURN DISTINCT p }, institutions: COUNT { MATCH (root)<-[:CHARGED_TO]-(:Claim)-[:AT]->(i) RETURN DISTINCT i }}",
  doctor: '{claimsAttended: COUNT { (root)<-[:BY]-() }, prescriptionsFilledElsewhere: COUNT { (root)<-[:PRESCRIBED_BY]-() }}',
  institution: '{doctors: COUNT { (root)<-[:WORKS_AT]-() }}',
};

function toDate(v: unknown): unknown {
  return v !== null && typeof v === 'object' && 'toString' in v && !Array.isArray(v) ? String(v) : v;
}

export async function entityProfile(driver: Driver, type: EntityType, key: string): Promise<EntityProfile | null> {
  const { records } = await driver.executeQuery(
    `${ROOT[type]}
     CALL (root) {
       CALL (root) { ${CLAIM_SCOPE[type].claims} }
       WITH collect(c) AS cs
       RETURN {
         claims: size(cs),
         total: reduce(s = 0.0, c IN cs | s + coalesce(c.total, 0.0)),
         fundPaid: reduce(s = 0.0, c IN cs | s + coalesce(c.fundPaid, 0.0)),
         first: toString(reduce(m = null, c IN cs | CASE WHEN m IS NULL OR c.settledAt < m THEN c.settledAt ELSE m END)),
         last: toString(reduce(m = null, c IN cs | CASE WHEN m IS NULL OR c.settledAt > m THEN c.settledAt ELSE m END)),
         kinds: [c IN cs | c.kind],
         institutions: [c IN cs | [c.institutionCode, coalesce(c.fundPaid, 0.0)]]
       } AS stats
     }
     RETURN ${nodeView('root')} AS node, properties(root) AS props, stats, ${COUNTS[type]} AS counts,
       [(h:Person)-[:HOLDS]->(root) | {idNumber: h.idNumber, name: h.name}][0] AS holder,
       [(root)-[:HOLDS]->(c:Card) | {cardNo: c.cardNo, type: c.type}] AS cards,
       [(root)-[:WORKS_AT]->(i:Institution) | {code: i.code, name: i.name}][0] AS institution,
       [(r:Ring)-[m:HAS_MEMBER]->(root) | {ringId: r.ringId, family: r.family, score: r.score, status: r.status, role: m.role, via: null}]
       + [(root)-[:HOLDS]->(c:Card)<-[m:HAS_MEMBER]-(r:Ring) | {ringId: r.ringId, family: r.family, score: r.score, status: r.status, role: m.role, via: 'card:' + c.cardNo}] AS rings`,
    { key },
    { routing: 'READ' },
  );
  const rec = records[0];
  if (!rec) return null;
  const o = rec.toObject() as {
    node: RawNode;
    props: Record<string, unknown>;
    stats: { claims: number; total: number; fundPaid: number; first: string | null; last: string | null; kinds: (string | null)[]; institutions: [string | null, number][] };
    counts: Record<string, number>;
    holder: EntityProfile['holder'];
    cards: EntityProfile['cards'];
    institution: EntityProfile['institution'];
    rings: EntityProfile['rings'];
  };
  const byKind: Record<string, number> = {};
  for (const k of o.stats.kinds) byKind[k ?? 'unknown'] = (byKind[k ?? 'unknown'] ?? 0) + 1;
  const perInst = new Map<string, { claims: number; fundPaid: number }>();
  for (const [code, paid] of o.stats.institutions) {
    if (!code) continue;
    const x = perInst.get(code) ?? { claims: 0, fundPaid: 0 };
    x.claims += 1;
    x.fundPaid += paid;
    perInst.set(code, x);
  }
  const top = [...perInst.entries()].sort((a, b) => b[1].claims - a[1].claims || a[0].localeCompare(b[0])).slice(0, 5);
  const names = top.length
    ? new Map(
        (
          await driver.executeQuery('UNWIND $codes AS code MATCH (i:Institution {code: code}) RETURN i.code AS code, i.name AS name', { codes: top.map(([c]) => c) }, { routing: 'READ' })
        ).records.map((r) => [r.get('code') as string, r.get('name') as string | null]),
      )
    : new Map<string, string | null>();
  const props = Object.fromEntries(Object.entries(o.props).map(([k, v]) => [k, toDate(v)])) as EntityProfile['props'];
  return {
    node: o.node,
    props,
    holder: o.holder ?? null,
    cards: o.cards,
    institution: o.institution ?? null,
    counts: o.counts,
    stats: {
      claims: o.stats.claims,
      total: Math.round(o.stats.total * 100) / 100,
      fundPaid: Math.round(o.stats.fundPaid * 100) / 100,
      first: o.stats.first,
      last: o.stats.last,
      byKind,
      topInstitutions: top.map(([code, x]) => ({ code, name: names.get(code) ?? null, claims: x.claims, fundPaid: Math.round(x.fundPaid * 100) / 100 })),
    },
    rings: o.rings.sort((a, b) => b.score - a.score || a.ringId.localeCompare(b.ringId)),
  };
}
