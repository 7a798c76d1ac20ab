import { createHash } from 'node:crypto';
import type { Driver } from 'neo4j-driver';

const KEY = 'coalesce(x.claimId, x.cardNo, x.idNumber, x.code)';
const ours = 'NOT x:IngestCheckpoint AND NOT x:SchemaMigration AND NOT x:IngestSequence';
/**
 * Properties that record when a node was written, not what it holds: the ingest sequence
 * (graph/writes/ingest-sequence.ts) numbers transactional batches, and a bulk load has none.
 */
const WHEN_WRITTEN = new Set(['ingestSeq']);

function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value.constructor === Object) {
    return `{${Object.keys(value).sort().map((k) => `${k}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return String(value); // numbers, strings, and Neo4j temporal types (their toString is ISO 8601)
}

/** Counts by label and type plus a digest of every node's and relationship's properties and ends. */
export async function graphSnapshot(driver: Driver): Promise<{ nodes: Record<string, number>; rels: Record<string, number>; digest: string }> {
  const nodes = await driver.executeQuery(`MATCH (x) WHERE ${ours} RETURN labels(x)[0] AS label, properties(x) AS props`);
  const rels = await driver.executeQuery(
    `MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props,
       ${KEY.replaceAll('x.', 'a.')} AS from, ${KEY.replaceAll('x.', 'b.')} AS to`,
  );
  const lines: string[] = [];
  const nodeCounts: Record<string, number> = {};
  const relCounts: Record<string, number> = {};
  for (const r of nodes.records) {
    const label = r.get('label') as string;
    nodeCounts[label] = (nodeCounts[label] ?? 0) + 1;
    const props = Object.fromEntries(Object.entries(r.get('props') as Record<string, unknown>).filter(([k]) => !WHEN_WRITTEN.has(k)));
    lines.push(`N ${label} ${canonical(props)}`);
  }
  for (const r of rels.records) {
    const type = r.get('type') as string;
    relCounts[type] = (relCounts[type] ?? 0) + 1;
    lines.push(`R ${type} ${r.get('from')} ${r.get('to')} ${canonical(r.get('props'))}`);
  }
  lines.sort();
  const hash = createHash('sha256');
  for (const l of lines) hash.update(`${l}\n`);
  return { nodes: nodeCounts, rels: relCounts, digest: hash.digest('hex') };
}

export async function wipeGraph(driver: Driver): Promise<void> {
  const session = driver.session();
  try {
    await session.run('MATCH (n) WHERE NOT n:SchemaMigration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS');
  } finally {
    await session.close();
  }
}
