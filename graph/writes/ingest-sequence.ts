import neo4j, { type Driver, type ManagedTransaction } from 'neo4j-driver';

/**
 * The ingest sequence: a counter every ingest write transaction advances once, stamped as
 * `ingestSeq` on each Claim, Person, Card, Institution, Doctor and Item it creates or changes (and on
 * a claim whose item lines it writes). An incremental projection (graph/projection/incremental.ts)
 * reads only what carries a sequence above its snapshot's watermark.
 *
 * Why a counter node and not a timestamp: the increment write-locks the counter until the transaction
 * commits, so sequence k+1 is handed out only after k has committed. A reader that takes the
 * committed value W first and then reads `ingestSeq <= W` sees every write up to W complete — a clock
 * would let a slow transaction commit an older stamp after a reader had moved past it.
 *
 * Nodes the bulk importer wrote carry no counter value (claims carry 0): the bulk path only loads an
 * empty database, so "no sequence" means "part of the initial load", before any watermark.
 */
export const BULK_INGEST_SEQ = 0;

export async function nextIngestSeq(tx: ManagedTransaction): Promise<number> {
  const res = await tx.run(
    'MERGE (s:IngestSequence {name: $name}) ON CREATE SET s.epoch = randomUUID() SET s.value = coalesce(s.value, 0) + 1 RETURN s.value AS seq',
    { name: SEQUENCE_NAME },
  );
  return Number(res.records[0]!.get('seq'));
}

/**
 * The highest committed sequence (0 when nothing but a bulk load, or nothing at all, was written) and
 * the counter's epoch: a random id given when the counter was created, so a counter that started over
 * (the graph wiped and loaded again) is never mistaken for the one a snapshot's watermark came from.
 */
export async function committedIngestSeq(driver: Driver): Promise<{ seq: number; epoch: string | null }> {
  const { records } = await driver.executeQuery(
    'OPTIONAL MATCH (s:IngestSequence {name: $name}) RETURN coalesce(s.value, 0) AS seq, s.epoch AS epoch',
    { name: SEQUENCE_NAME },
    { routing: neo4j.routing.READ },
  );
  return { seq: Number(records[0]?.get('seq') ?? 0), epoch: (records[0]?.get('epoch') as string | null) ?? null };
}

const SEQUENCE_NAME = 'graph';
