import type { ManagedTransaction } from 'neo4j-driver';
import type { Row } from '../../ingest/validate/rows.ts';
import { UPSERTS } from './upserts.ts';

type ItemRow = Row<'claim_items'>;

/**
 * Writes a batch of item lines with the same end result as running `UPSERTS.claim_items` over the
 * rows in order, but cheaper on a first load:
 *
 * 1. Items and traceability codes are merged once per distinct code, not once per line.
 * 2. One indexed read finds, per distinct claim, whether it exists and whether it has item lines.
 *    A claim that exists and has no BILLED/DISPENSED relationship yet gets its lines CREATEd, one
 *    row per claim (its lines folded into a list): no relationship MERGE, no Eager.
 * 3. Lines of claims that have lines already, or do not exist yet, go through the plain MERGE
 *    statement in file order, so updates and re-ingests behave exactly as before.
 *
 * The CREATE path reproduces MERGE's outcome for repeated lines within the batch: one BILLED per
 * (claim, line_no, item) holding the last row's values, one DISPENSED per (claim, line_no, trace code).
 * An item first seen here gets the name and category of its first row in file order (ON CREATE SET).
 */
export async function writeClaimItemsBatch(tx: ManagedTransaction, rows: ItemRow[], seq: number): Promise<void> {
  await mergeReferencedEntities(tx, rows, seq);
  const state = await claimLineState(tx, rows);
  const fresh = new Map<string, { claim: string; billed: Map<string, object>; dispensed: Map<string, object> }>();
  const rest: ItemRow[] = [];
  for (const r of rows) {
    if (state.get(r.claim_id) !== 'exists-without-lines') {
      rest.push(r);
      continue;
    }
    let g = fresh.get(r.claim_id);
    if (!g) fresh.set(r.claim_id, (g = { claim: r.claim_id, billed: new Map(), dispensed: new Map() }));
    const billedKey = `${r.line_no}\u0000${r.item_code}`;
    // Delete first so a repeated line takes the position (and values) of its last occurrence.
    g.billed.delete(billedKey);
    g.billed.set(billedKey, { lineNo: r.line_no, item: r.item_code, quantity: r.quantity, unitPrice: r.unit_price, amount: r.amount, traceCode: r.trace_code ?? null });
    if (r.trace_code !== undefined) g.dispensed.set(`${r.line_no}\u0000${r.trace_code}`, { lineNo: r.line_no, code: r.trace_code });
  }
  if (fresh.size) {
    const claims = [...fresh.values()].map((g) => ({ claim: g.claim, billed: [...g.billed.values()], dispensed: [...g.dispensed.values()] }));
    await tx.run(CREATE_LINES, { claims, seq });
  }
  if (rest.length) await tx.run(UPSERTS.claim_items, { rows: rest, seq });
}

async function mergeReferencedEntities(tx: ManagedTransaction, rows: ItemRow[], seq: number): Promise<void> {
  const items = new Map<string, { code: string; name: string | null; category: string | null }>();
  const traceCodes = new Set<string>();
  for (const r of rows) {
    if (!items.has(r.item_code)) items.set(r.item_code, { code: r.item_code, name: r.item_name ?? null, category: r.category ?? null });
    if (r.trace_code !== undefined) traceCodes.add(r.trace_code);
  }
  await tx.run('UNWIND $items AS r MERGE (i:Item {code: r.code}) ON CREATE SET i.name = r.name, i.category = r.category, i.ingestSeq = $seq', { items: [...items.values()], seq });
  if (traceCodes.size) await tx.run('UNWIND $codes AS k MERGE (:TraceCode {code: k})', { codes: [...traceCodes] });
}

type LineState = 'missing' | 'exists-without-lines' | 'has-lines';

async function claimLineState(tx: ManagedTransaction, rows: ItemRow[]): Promise<Map<string, LineState>> {
  const ids = [...new Set(rows.map((r) => r.claim_id))];
  const res = await tx.run(
    `UNWIND $ids AS k
     OPTIONAL MATCH (c:Claim {claimId: k})
     RETURN k, c IS NOT NULL AS exists, c IS NOT NULL AND (EXISTS { (c)-[:BILLED]->() } OR EXISTS { (c)-[:DISPENSED]->() }) AS hasLines`,
    { ids },
  );
  const state = new Map<string, LineState>();
  for (const rec of res.records) {
    state.set(rec.get('k') as string, !rec.get('exists') ? 'missing' : rec.get('hasLines') ? 'has-lines' : 'exists-without-lines');
  }
  return state;
}

const CREATE_LINES = `
UNWIND $claims AS g
MATCH (c:Claim {claimId: g.claim})
SET c.ingestSeq = $seq
WITH c, g
CALL (c, g) {
  UNWIND g.billed AS l
  MATCH (i:Item {code: l.item})
  CREATE (c)-[:BILLED {lineNo: l.lineNo, quantity: l.quantity, unitPrice: l.unitPrice, amount: l.amount, traceCode: l.traceCode}]->(i)
}
CALL (c, g) {
  UNWIND g.dispensed AS l
  MATCH (t:TraceCode {code: l.code})
  CREATE (c)-[:DISPENSED {lineNo: l.lineNo}]->(t)
}`;
