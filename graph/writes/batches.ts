import type { Driver, ManagedTransaction } from 'neo4j-driver';
import type { RowKind } from '../../ingest/validate/rows.ts';
import { writeClaimItemsBatch } from './claim-items-batch.ts';
import { writeClaimsBatch } from './claims-batch.ts';
import { nextIngestSeq } from './ingest-sequence.ts';
import { UPSERTS } from './upserts.ts';

/**
 * Writes one batch of validated rows of a kind inside the caller's transaction, stamping what it
 * creates or changes with the batch's ingest sequence `seq` (graph/writes/ingest-sequence.ts).
 */
export type BatchWriter = (tx: ManagedTransaction, rows: object[], seq: number) => Promise<void>;

const statement =
  (cypher: string): BatchWriter =>
  async (tx, rows, seq) => {
    await tx.run(cypher, { rows, seq });
  };

/**
 * Reference files are small: one UNWIND … MERGE statement each. Claims and item lines, nearly all of
 * a load, have writers that create what is new instead of merging it (same resulting graph).
 */
export const BATCH_WRITERS: Record<RowKind, BatchWriter> = {
  regions: statement(UPSERTS.regions),
  institutions: statement(UPSERTS.institutions),
  doctors: statement(UPSERTS.doctors),
  persons: statement(UPSERTS.persons),
  cards: statement(UPSERTS.cards),
  items: statement(UPSERTS.items),
  claims: writeClaimsBatch as BatchWriter,
  claim_items: writeClaimItemsBatch as BatchWriter,
};

export interface Checkpoint {
  key: string;
  file: string;
  committedLine: number;
  completed: boolean;
}

export async function readCheckpoint(driver: Driver, key: string): Promise<Checkpoint | undefined> {
  const { records } = await driver.executeQuery(
    'MATCH (k:IngestCheckpoint {key: $key}) RETURN k.file AS file, k.committedLine AS committedLine, k.completedAt IS NOT NULL AS completed',
    { key },
  );
  const r = records[0];
  return r ? { key, file: r.get('file') as string, committedLine: Number(r.get('committedLine')), completed: r.get('completed') as boolean } : undefined;
}

/**
 * Writes one batch and advances the file's checkpoint in the same transaction, so after a crash the
 * checkpoint never claims a batch that did not commit (nor misses one that did). The driver's managed
 * transaction retries transient errors (deadlocks, leader changes) with backoff.
 */
export async function writeBatch(
  driver: Driver,
  write: BatchWriter,
  rows: object[],
  checkpoint: { key: string; file: string; throughLine: number },
): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
      await write(tx, rows, await nextIngestSeq(tx));
      await tx.run(ADVANCE_CHECKPOINT, { key: checkpoint.key, file: checkpoint.file, line: checkpoint.throughLine });
    });
  } finally {
    await session.close();
  }
}

const ADVANCE_CHECKPOINT = `
MERGE (k:IngestCheckpoint {key: $key})
ON CREATE SET k.startedAt = datetime()
SET k.file = $file, k.committedLine = $line, k.updatedAt = datetime()`;

const COMPLETE_CHECKPOINT = `
MERGE (k:IngestCheckpoint {key: $key})
ON CREATE SET k.startedAt = datetime()
SET k.file = $file, k.completedAt = datetime(), k.read = $read, k.accepted = $accepted, k.rejected = $rejected`;

export async function completeCheckpoint(driver: Driver, key: string, file: string, summary: { read: number; accepted: number; rejected: number }): Promise<void> {
  await driver.executeQuery(COMPLETE_CHECKPOINT, { key, file, ...summary });
}

/**
 * The checkpoint a completed transactional ingest leaves for a file, written in one go for a file that
 * was loaded another way (the bulk importer): its last batch advanced committedLine to the line of the
 * last accepted row (no batch, no committedLine, when nothing was accepted), then it was completed.
 */
export async function recordCompletedFile(
  driver: Driver,
  checkpoint: { key: string; file: string; lastAcceptedLine: number | undefined },
  summary: { read: number; accepted: number; rejected: number },
): Promise<void> {
  const session = driver.session();
  try {
    await session.executeWrite(async (tx) => {
      if (checkpoint.lastAcceptedLine !== undefined) await tx.run(ADVANCE_CHECKPOINT, { key: checkpoint.key, file: checkpoint.file, line: checkpoint.lastAcceptedLine });
      await tx.run(COMPLETE_CHECKPOINT, { key: checkpoint.key, file: checkpoint.file, ...summary });
    });
  } finally {
    await session.close();
  }
}
