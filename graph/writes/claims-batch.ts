import type { ManagedTransaction } from 'neo4j-driver';
import type { Row } from '../../ingest/validate/rows.ts';
import { CLAIM_PROPERTIES, UPSERTS } from './upserts.ts';

type ClaimRow = Row<'claims'>;

/**
 * Writes a batch of claims with the same end result as running `UPSERTS.claims` over the rows in
 * order, but much cheaper on a first load (measured in bench/ingest.ts):
 *
 * 1. The entities the batch refers to (cards with their holders, served persons, institutions,
 *    doctors) are merged once per distinct key instead of once per row.
 * 2. One indexed read finds which claim ids already exist. A claim that is new and appears once in
 *    the batch cannot have any relationship yet, so it is CREATEd with its relationships: no
 *    relationship MERGE (a locked expand per relationship) and no Eager in the plan.
 * 3. Claims that exist already, or appear twice in the batch, go through the plain MERGE statement,
 *    row by row in file order; a correction replaces the claim's relationships as well as its properties.
 *
 * Card creation keeps the MERGE semantics: a card first seen in a claim gets the insured person of
 * its first row in file order as holderIdNumber, and every (insured person, card) pair gets HOLDS.
 */
export async function writeClaimsBatch(tx: ManagedTransaction, rows: ClaimRow[], seq: number): Promise<void> {
  await mergeReferencedEntities(tx, rows, seq);
  const { fresh, rest } = await splitNewClaims(tx, rows);
  if (fresh.length) await tx.run(CREATE_CLAIMS, { rows: fresh, seq });
  if (rest.length) await tx.run(UPSERTS.claims, { rows: rest, seq });
}

async function mergeReferencedEntities(tx: ManagedTransaction, rows: ClaimRow[], seq: number): Promise<void> {
  const cards = new Map<string, { card: string; holder: string; holders: string[] }>();
  const persons = new Set<string>();
  const institutions = new Set<string>();
  const doctors = new Set<string>();
  for (const r of rows) {
    const c = cards.get(r.card_id);
    if (!c) cards.set(r.card_id, { card: r.card_id, holder: r.insured_id_number, holders: [r.insured_id_number] });
    else if (!c.holders.includes(r.insured_id_number)) c.holders.push(r.insured_id_number);
    if (r.served_id_number !== undefined) persons.add(r.served_id_number);
    institutions.add(r.institution_code);
    if (r.doctor_code !== undefined) doctors.add(r.doctor_code);
    if (r.prescribing_doctor_code !== undefined) doctors.add(r.prescribing_doctor_code);
  }
  await tx.run(MERGE_CARDS, { cards: [...cards.values()], seq });
  if (persons.size) await tx.run('UNWIND $keys AS k MERGE (p:Person {idNumber: k}) ON CREATE SET p.ingestSeq = $seq', { keys: [...persons], seq });
  await tx.run('UNWIND $keys AS k MERGE (i:Institution {code: k}) ON CREATE SET i.ingestSeq = $seq', { keys: [...institutions], seq });
  if (doctors.size) await tx.run('UNWIND $keys AS k MERGE (d:Doctor {code: k}) ON CREATE SET d.ingestSeq = $seq', { keys: [...doctors], seq });
}

/** New claims that occur once in the batch, and everything else (in file order). */
async function splitNewClaims(tx: ManagedTransaction, rows: ClaimRow[]): Promise<{ fresh: ClaimRow[]; rest: ClaimRow[] }> {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(r.claim_id, (seen.get(r.claim_id) ?? 0) + 1);
  const existing = new Set<string>();
  const res = await tx.run('UNWIND $ids AS k MATCH (c:Claim {claimId: k}) RETURN k', { ids: [...seen.keys()] });
  for (const rec of res.records) existing.add(rec.get('k') as string);
  const fresh: ClaimRow[] = [];
  const rest: ClaimRow[] = [];
  for (const r of rows) (!existing.has(r.claim_id) && seen.get(r.claim_id) === 1 ? fresh : rest).push(r);
  return { fresh, rest };
}

// Cards are read before they are merged: a card and its HOLDS usually exist (cards.csv loads first),
// and a read takes no locks; only cards or holders that are missing are merged.
const MERGE_CARDS = `
UNWIND $cards AS r
OPTIONAL MATCH (known:Card {cardNo: r.card})
WITH r, known, [h IN r.holders WHERE known IS NULL OR NOT EXISTS { (:Person {idNumber: h})-[:HOLDS]->(known) }] AS missing
WHERE size(missing) > 0
MERGE (card:Card {cardNo: r.card})
ON CREATE SET card.holderIdNumber = r.holder, card.ingestSeq = $seq
WITH card, missing
UNWIND missing AS h
MERGE (p:Person {idNumber: h})
ON CREATE SET p.ingestSeq = $seq
MERGE (p)-[:HOLDS]->(card)`;

// The referenced entities exist (merged above in this transaction), so plain MATCHes find them.
// Properties go into the CREATE map: a null there sets nothing, as SET to null does on a new node,
// and unlike a later SET c.cardNo it does not look like a write to what MATCH (:Card {cardNo}) reads,
// which made the planner insert an Eager.
const CREATE_CLAIMS = `
UNWIND $rows AS r
MATCH (card:Card {cardNo: r.card_id})
MATCH (inst:Institution {code: r.institution_code})
CREATE (c:Claim {claimId: r.claim_id, ${CLAIM_PROPERTIES.map(([k, v]) => `${k}: ${v}`).join(', ')}})
CREATE (c)-[:CHARGED_TO]->(card), (c)-[:AT]->(inst)
WITH c, r
CALL (c, r) { WITH * WHERE r.doctor_code IS NOT NULL MATCH (d:Doctor {code: r.doctor_code}) CREATE (c)-[:BY]->(d) }
CALL (c, r) { WITH * WHERE r.served_id_number IS NOT NULL MATCH (s:Person {idNumber: r.served_id_number}) CREATE (c)-[:FOR]->(s) }
CALL (c, r) { WITH * WHERE r.prescribing_doctor_code IS NOT NULL MATCH (pd:Doctor {code: r.prescribing_doctor_code}) CREATE (c)-[:PRESCRIBED_BY]->(pd) }`;
