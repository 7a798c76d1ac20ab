import type { Driver } from 'neo4j-driver';
import { seededRandom } from '../algorithms/stats.ts';

/**
 * A synthetic ring of a given drawing size for the UI benchmark: cards (held by persons), institutions
 * and doctors, all members of one Ring, and evidence claims that each join a card, an institution and
 * a doctor. The API's ring drawing (graph/queries/ring-drawing.ts) folds each claim into a
 * card→institution and a doctor→card edge, and draws the holders' HOLDS edges, so the claim list is
 * chosen here to give the requested node and edge counts on the real code path.
 */
export interface SyntheticRingSize {
  nodes: number;
  edges: number;
}

export interface SyntheticRing {
  ringId: string;
  nodes: number;
  edges: number;
  claims: number;
}

export function planSyntheticRing(size: SyntheticRingSize, seed = 11) {
  // Split of the node budget: half cards, a quarter persons (each holds two cards), institutions, doctors.
  const cards = Math.round(size.nodes * 0.5);
  const persons = Math.round(size.nodes * 0.25);
  const institutions = Math.round(size.nodes * 0.15);
  const doctors = size.nodes - cards - persons - institutions;
  const holds = cards; // one HOLDS edge per card
  const rand = seededRandom(seed);
  const claimedAt = new Set<string>();
  const treated = new Set<string>();
  const claims: { card: number; inst: number; doctor: number }[] = [];
  // Every node gets at least one claim, then random claims until the edge budget is reached.
  let i = 0;
  while (holds + claimedAt.size + treated.size < size.edges) {
    const card = i < cards ? i : Math.floor(rand() * cards);
    const inst = i < institutions ? i : Math.floor(rand() * institutions);
    const doctor = i < doctors ? i : Math.floor(rand() * doctors);
    i++;
    const a = `${card}>${inst}`;
    const b = `${doctor}>${card}`;
    if (claimedAt.has(a) && treated.has(b)) continue;
    // Never overshoot the budget by adding two new edges when one is left.
    if (!claimedAt.has(a) && !treated.has(b) && holds + claimedAt.size + treated.size + 2 > size.edges) continue;
    claimedAt.add(a);
    treated.add(b);
    claims.push({ card, inst, doctor });
  }
  return { cards, persons, institutions, doctors, claims, edges: holds + claimedAt.size + treated.size };
}

/** Writes the ring (and its entities) into an empty bench database. */
export async function writeSyntheticRing(driver: Driver, size: SyntheticRingSize): Promise<SyntheticRing> {
  const plan = planSyntheticRing(size);
  const ringId = `bench-ring-${size.nodes}-${size.edges}`;
  const batch = async (cypher: string, rows: unknown[]) => {
    for (let i = 0; i < rows.length; i += 2000) await driver.executeQuery(cypher, { rows: rows.slice(i, i + 2000), ringId });
  };
  const idNumber = (p: number) => `BENCH${String(p).padStart(13, '0')}`;
  await driver.executeQuery(
    `MERGE (r:Ring {ringId: $ringId})
     SET r.family = 'card-farming', r.types = ['card-farming'], r.score = 99.0, r.status = 'active', r.region = 'BENCH',
         r.periodStart = '2024-01-01', r.periodEnd = '2024-12-31', r.claimCount = $claims, r.memberCount = $members,
         r.totalAmount = 0.0, r.fundPaid = 0.0, r.firstRunId = null, r.lastRunId = null, r.updatedAt = datetime(),
         r.evidence = $evidence, r.keyPersons = '[]'`,
    {
      ringId,
      claims: plan.claims.length,
      members: size.nodes,
      evidence: JSON.stringify([{ key: 'bench', zh: `合成基准团伙：${size.nodes} 个节点`, en: `synthetic benchmark ring: ${size.nodes} nodes`, facts: {}, entities: [], weight: 1 }]),
    },
  );
  await batch(
    `UNWIND $rows AS p MERGE (x:Person {idNumber: p.id}) SET x.name = p.name, x.gender = 'F', x.region = 'BENCH'
     WITH x MATCH (r:Ring {ringId: $ringId}) MERGE (r)-[:HAS_MEMBER {role: 'card-holder'}]->(x)`,
    Array.from({ length: plan.persons }, (_, p) => ({ id: idNumber(p), name: `基准${p}` })),
  );
  await batch(
    `UNWIND $rows AS c MERGE (x:Card {cardNo: c.no}) SET x.type = 'social-security'
     WITH x, c MATCH (p:Person {idNumber: c.holder}) MERGE (p)-[:HOLDS]->(x)
     WITH x MATCH (r:Ring {ringId: $ringId}) MERGE (r)-[:HAS_MEMBER {role: 'farmed-card'}]->(x)`,
    Array.from({ length: plan.cards }, (_, c) => ({ no: `BC${String(c).padStart(8, '0')}`, holder: idNumber(c % plan.persons) })),
  );
  await batch(
    `UNWIND $rows AS i MERGE (x:Institution {code: i.code}) SET x.name = i.name, x.kind = 'pharmacy', x.region = 'BENCH'
     WITH x MATCH (r:Ring {ringId: $ringId}) MERGE (r)-[:HAS_MEMBER {role: 'farming-institution'}]->(x)`,
    Array.from({ length: plan.institutions }, (_, i) => ({ code: `BI${String(i).padStart(6, '0')}`, name: `基准药店${i}` })),
  );
  await batch(
    `UNWIND $rows AS d MERGE (x:Doctor {code: d.code}) SET x.name = d.name
     WITH x MATCH (r:Ring {ringId: $ringId}) MERGE (r)-[:HAS_MEMBER {role: 'doctor'}]->(x)`,
    Array.from({ length: plan.doctors }, (_, d) => ({ code: `BD${String(d).padStart(6, '0')}`, name: `基准医生${d}` })),
  );
  await batch(
    `UNWIND $rows AS c
     MATCH (card:Card {cardNo: c.card}), (i:Institution {code: c.inst}), (d:Doctor {code: c.doctor}), (r:Ring {ringId: $ringId})
     MERGE (x:Claim {claimId: c.id})
     SET x.kind = 'pharmacy', x.settledAt = datetime('2024-06-01T10:00:00+08:00'), x.total = 100.0, x.fundPaid = 80.0
     MERGE (x)-[:CHARGED_TO]->(card) MERGE (x)-[:AT]->(i) MERGE (x)-[:BY]->(d) MERGE (r)-[:EVIDENCED_BY]->(x)`,
    plan.claims.map((c, k) => ({ id: `BENCH-CLAIM-${k}`, card: `BC${String(c.card).padStart(8, '0')}`, inst: `BI${String(c.inst).padStart(6, '0')}`, doctor: `BD${String(c.doctor).padStart(6, '0')}` })),
  );
  return { ringId, nodes: size.nodes, edges: plan.edges, claims: plan.claims.length };
}
